"""The docs stay true: the configuration page is generated from Settings, and every relative link resolves."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^#{1,6} (.*)$", line)
        if m:
            found.add(re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-"))
    return found


def test_the_readme_is_short_and_the_docs_exist() -> None:
    assert (REPO / "README.md").stat().st_size <= 8 * 1024
    for name in ("getting-started", "using", "configuration", "operating", "architecture", "benchmarks"):
        assert (REPO / "docs" / f"{name}.md").is_file(), name


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    broken = []
    for page in PAGES:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: checked by nobody offline
            path, _, anchor = unquote(target).partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists():
                broken.append(f"{page.relative_to(REPO)}: {target} (no such file)")
            elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
                broken.append(f"{page.relative_to(REPO)}: {target} (no such heading)")
    assert broken == []


def test_the_configuration_page_is_what_the_settings_generate() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import gen_config_docs
    finally:
        sys.path.remove(str(REPO / "scripts"))
    page = gen_config_docs.PAGE.read_text(encoding="utf-8")
    assert page == gen_config_docs.render(page), "run: python scripts/gen_config_docs.py"
