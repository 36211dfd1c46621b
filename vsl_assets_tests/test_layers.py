"""The import contract is written by layer: every top-level module must sit in one, so a new one is covered."""

from __future__ import annotations

import ast
import pkgutil
import tomllib
from pathlib import Path

import vsl_assets
from vsl_assets_tests.layers import FRONT_ENDS, reads_current_settings

REPO = Path(__file__).resolve().parent.parent


def _layers() -> list[set[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [{m.strip() for part in layer.split("|") for m in part.split(":")} for layer in contract["layers"]]


def test_every_top_level_module_sits_in_exactly_one_layer() -> None:
    modules = {f"vsl_assets.{m.name}" for m in pkgutil.iter_modules(vsl_assets.__path__)}
    placed = [m for layer in _layers() for m in layer]
    assert sorted(modules - set(placed)) == [], "add these to a layer of the import contract in pyproject.toml"
    assert sorted(set(placed) - modules) == [], "the contract names modules that do not exist"
    assert len(placed) == len(set(placed)), "a module is in two layers"


def test_services_sit_between_the_front_ends_and_the_domain() -> None:
    names = [layer for layer in _layers()]
    order = {m: i for i, layer in enumerate(names) for m in layer}
    assert order["vsl_assets.cli"] < order["vsl_assets.web"] < order["vsl_assets.services"] < order["vsl_assets.media"]
    assert (
        order["vsl_assets.media"] < order["vsl_assets.db"] < order["vsl_assets.settings"] < order["vsl_assets.errors"]
    )


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports by name (``import a.b`` and ``from a.b import c`` give ``a.b`` and ``a.b.c``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_router_imports_another_router() -> None:
    """Pages and the API share services and web helpers (``web.filters``, ``web.deps``), never each other."""
    routers = REPO / "vsl_assets" / "web" / "routers"
    offenders = {
        path.name: sorted(m for m in _imported_modules(path) if m.startswith("vsl_assets.web.routers."))
        for path in routers.glob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_no_domain_module_reads_the_settings() -> None:
    """Settings are passed in from the edges: only the front ends call ``settings.current()``."""
    package = REPO / "vsl_assets"
    readers = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0].removesuffix(".py") in (*FRONT_ENDS, "settings"):
            continue
        if lines := reads_current_settings(path):
            readers[str(relative)] = lines
    assert readers == {}


def test_the_settings_check_sees_every_spelling(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from vsl_assets import settings\nfrom vsl_assets import settings as s2\n"
        "from vsl_assets.settings import current as now\nimport vsl_assets.settings as s3\n"
        "a = settings.current()\nb = s2.current().ffmpeg\nc = now()\nd = s3.current\n"
    )
    assert reads_current_settings(sample) == [5, 6, 7, 8]
