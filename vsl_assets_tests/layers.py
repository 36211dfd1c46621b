"""Who may read the settings: what ``test_layers.py`` checks and ``scripts/targets.py`` measures,
written once for both (a script imports this helper, never a test module)."""

from __future__ import annotations

import ast
from pathlib import Path

#: The front ends: their entry points read the settings and hand them down.
FRONT_ENDS = ("cli", "defs", "definitions", "web", "scaleout")


def reads_current_settings(path: Path) -> list[int]:
    """Lines where ``settings.current()`` (under any alias) is referenced."""
    text = path.read_text(encoding="utf-8")
    if "settings" not in text:  # every import the walk below looks for names the settings module
        return []
    tree = ast.parse(text)
    modules: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "vsl_assets":
            modules |= {a.asname or a.name for a in node.names if a.name == "settings"}
        elif isinstance(node, ast.ImportFrom) and node.module == "vsl_assets.settings":
            functions |= {a.asname or a.name for a in node.names if a.name == "current"}
        elif isinstance(node, ast.Import):
            modules |= {a.asname for a in node.names if a.name == "vsl_assets.settings" and a.asname}
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "current"
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ) or (isinstance(node, ast.Name) and node.id in functions):
            lines.append(node.lineno)
    return sorted(lines)
