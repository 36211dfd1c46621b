"""The breakdown's patterns are compiled when first used, not when a process imports the breakdown
(~0.1 s of CPU in every Dagster run process, most of which never read a transcript), and a lazy
pattern finds what the compiled one finds."""

from __future__ import annotations

import re
import threading
from types import ModuleType

import pytest

from vsl_assets.breakdown import cues, labels, numbers, offer, prices, section
from vsl_assets.breakdown.lazyre import LazyPattern, lazy
from vsl_assets.breakdown.names import bare, product, words, written


def _patterns(module: ModuleType) -> dict[str, object]:
    """The module-level patterns of ``module``, also those kept in dicts (by language, by group and label)."""
    found: dict[str, object] = {}

    def visit(name: str, value: object) -> None:
        if isinstance(value, re.Pattern | LazyPattern):
            found[name] = value
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(f"{name}[{key}]", item)

    for name, value in vars(module).items():
        visit(name, value)
    return found


@pytest.mark.parametrize(
    "module",
    [section, prices, numbers, cues, labels, offer, words, written, bare, product],
    ids=lambda m: m.__name__.rsplit(".", 1)[1],
)
def test_importing_a_reader_compiles_none_of_its_patterns(module: ModuleType) -> None:
    patterns = _patterns(module)
    assert len(patterns) >= 5, sorted(patterns)
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


def test_a_lazy_pattern_builds_its_text_on_first_use_once_and_may_use_other_lazy_patterns() -> None:
    # The cue patterns' text is built from phrases read with numbers as digits, which uses numbers.py's
    # own lazy patterns: building one text inside another's first use must not wait on itself.
    inner = lazy(r"\d+")
    built: list[str] = []

    def text() -> str:
        built.append(inner.sub("N", "12 dias"))
        return r"\b(?:N dias|garantia)\b"

    outer = lazy(text, re.IGNORECASE)
    assert built == []
    found: list[object] = []
    worker = threading.Thread(target=lambda: found.append(outer.findall("Garantia de N dias")), daemon=True)
    worker.start()
    worker.join(timeout=30)  # a deadlock guard, not a speed bound: the first use finishes or never does
    assert not worker.is_alive(), "the first use of a lazy pattern whose text uses another one never finished"
    assert found == [["Garantia", "N dias"]] and built == ["N dias"]
    assert outer.search("n DIAS") is not None and built == ["N dias"]  # the text is built once
    assert outer.pattern == r"\b(?:N dias|garantia)\b" and outer.flags & re.IGNORECASE


def test_a_cue_pattern_is_built_when_first_asked_for_and_finds_its_phrases() -> None:
    story = cues.pattern("lead", "story", "en")
    assert isinstance(story, LazyPattern)
    # A number-word cue is also read as the digit view says it ("one day" is "1 day" there).
    assert story.search("and then one day my doctor called") and story.search("and then 1 day my doctor called")
    assert cues.pattern("lead", "story", "en") is story
    assert cues.pattern("beat", "guarantee", "de") is None and cues.pattern("lead", "no_such_lead", "en") is None
    with pytest.raises(KeyError):
        cues.pattern("beats", "guarantee", "en")
