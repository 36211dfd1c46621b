"""Lead type and awareness on openings from ``benchmarks/breakdown_set/leads`` (written for that set).

A handful of the 60 openings are pinned here, chosen for the traps a keyword rule falls into: an
amount that is a debt or an income rather than a price, a promise asked as a question, a short bare
claim, credentials ("cardiólogo desde hace 22 años") inside a proclamation, "casi nadie sabe" inside a
problem-solution opening, a story that opens a reorder.  ``bench_breakdown.py --split leads`` scores
all of them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.transcription.models import Segment

LEADS = Path(__file__).resolve().parents[2] / "benchmarks" / "breakdown_set" / "leads"

PINNED = {
    "en-09-surprise-bill": ("problem_solution", "problem_aware"),  # "$31,000 of debt" is no price
    "es-04-primeros-quinientos": ("promise", "solution_aware"),  # "500 dólares al mes" is an income
    "en-04-ten-pounds-three-meals": ("promise", "solution_aware"),  # "What if you could…?" promises
    "pt-17-dieta-nao-emagrece": ("proclamation", "solution_aware"),  # "Dieta não emagrece."
    "es-14-presion-sin-sal": ("proclamation", "problem_aware"),  # credentials, not a story
    "en-15-retirement-rule-change": ("proclamation", "unaware"),  # "My name is…" after the claim
    "pt-12-fruta-amarga-nordeste": ("big_secret", "unaware"),  # "Existe uma fruta…"
    "es-11-pregunta-esposo": ("big_secret", "problem_aware"),
    "es-09-menu-borroso": ("problem_solution", "problem_aware"),  # "lo que casi nadie sabe" later
    "pt-09-pressao-quatorze-por-nove": ("problem_solution", "problem_aware"),  # "presta atenção", "boa notícia"
    "en-20-joan-deeprest-reorder": ("story", "most_aware"),  # a story opens a reorder
    "pt-04-guia-mes-no-azul": ("offer", "problem_aware"),  # a low price, then the viewer's pain
}


def _items() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(LEADS.glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            out[item["name"]] = item
    return out


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_opening_gets_its_lead_and_awareness(name: str) -> None:
    item = _items()[name]
    assert (item["gold"]["lead_type"], item["gold"]["awareness"]) == PINNED[name]  # the set still says so
    segments = [Segment(float(s["start"]), float(s["end"]), s["text"]) for s in item["segments"]]
    b = analyze(segments, item["language"])
    assert (b.lead_type, b.awareness) == PINNED[name]
    assert b.evidence["lead_type"].start < 45.0


def test_the_set_covers_every_lead_in_every_language() -> None:
    items = _items()
    assert len(items) == 60
    assert Counter(i["language"] for i in items.values()) == {"pt": 20, "en": 20, "es": 20}
    assert set(Counter(i["gold"]["lead_type"] for i in items.values()).values()) == {10}
    assert all(i["segments"][-1]["end"] >= 60.0 for i in items.values())
