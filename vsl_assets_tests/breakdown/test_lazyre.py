"""The breakdown's patterns are compiled when first used, not when a process imports the breakdown
(~0.1 s of CPU in every Dagster run process, most of which never read a transcript), and a lazy
pattern finds what the compiled one finds."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from vsl_assets.breakdown import names, numbers, prices, section
from vsl_assets.breakdown.lazyre import LazyPattern, lazy


def _patterns(module: ModuleType) -> dict[str, object]:
    """The module-level patterns of ``module``, also those kept in dicts by language."""
    found: dict[str, object] = {}
    for name, value in vars(module).items():
        values = value.items() if isinstance(value, dict) else [("", value)]
        for key, item in values:
            if isinstance(item, re.Pattern | LazyPattern):
                found[f"{name}[{key}]" if key else name] = item
    return found


@pytest.mark.parametrize("module", [section, prices, numbers, names], ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_importing_a_reader_compiles_none_of_its_patterns(module: ModuleType) -> None:
    patterns = _patterns(module)
    assert len(patterns) >= 10, sorted(patterns)
    compiled = sorted(name for name, p in patterns.items() if isinstance(p, re.Pattern))
    assert compiled == [], f"compiled at import (use breakdown.lazyre.lazy): {compiled}"


def test_a_lazy_pattern_compiles_once_on_first_use_and_finds_what_re_finds() -> None:
    source = r"(?P<amount>\d+(?:,\d{2})?) (?P<word>reais|dollars)\b"
    text = "Por 197 reais, ou 12 x 19,90 reais; 37 dollars."
    eager = re.compile(source, re.IGNORECASE)
    pattern = lazy(source, re.IGNORECASE)
    assert isinstance(pattern, LazyPattern) and pattern._compiled is None  # type: ignore[attr-defined]
    assert [m.groupdict() for m in pattern.finditer(text)] == [m.groupdict() for m in eager.finditer(text)]
    compiled = pattern.compiled()  # type: ignore[attr-defined]
    assert pattern.search(text.upper()).span() == eager.search(text.upper()).span()  # type: ignore[union-attr]
    assert pattern.sub("N", text) == eager.sub("N", text)
    assert (pattern.pattern, pattern.flags, pattern.groupindex) == (eager.pattern, eager.flags, eager.groupindex)
    assert pattern.compiled() is compiled  # type: ignore[attr-defined]
    assert repr(pattern).startswith(f"lazy({source!r}, ")
