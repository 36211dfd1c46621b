"""Every reader of the breakdown's facts (``breakdown.columns.FIELDS``) shows each one or says why not.

A fact added to ``FIELDS`` fails here until each consumer carries it: the watch's change events,
the library's filter menus, the swipe document's fact list, the catalog's columns and the Dagster
UI's metadata.  The lists that are derived from ``FIELDS`` are checked for what they derive; the
ones that differ on purpose (the document's wording, the watch's events) name what they leave out.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import inspect

from vsl_assets import catalog
from vsl_assets.breakdown import columns
from vsl_assets.breakdown.models import Breakdown, Price
from vsl_assets.db.models import BreakdownRow
from vsl_assets.services import export, watch

FACTS = [f.name for f in columns.FIELDS]
TABLE = {c.key for c in inspect(BreakdownRow).columns}


def every_fact_said() -> Breakdown:
    """A breakdown with a value for every graded fact."""
    b = Breakdown(
        language="pt",
        niche="health/weight_loss",
        awareness="problem_aware",
        lead_type="story",
        pitch_s=610.0,
        product_reveal_s=300.0,
        offer_price=Price(amount=197.0, currency="BRL", installments=12, installment_amount=19.7),
        anchor_price=Price(amount=997.0, currency="BRL"),
        guarantee_days=30,
        hook="Você sabia que uma colher por dia muda tudo",
        product="Articulin",
        mechanism="o método da colher",
        engine="rules",
        model="rules-v2",
    )
    unsaid = [f.name for f in columns.FIELDS if f.graded and getattr(b, f.name) is None]
    assert unsaid == [], f"give the test breakdown a value for {unsaid}"
    return b


def _covers(shown: set[str], left_out: dict[str, str], who: str) -> None:
    assert not shown & set(left_out), f"{who} both shows and leaves out {sorted(shown & set(left_out))}"
    missing = [name for name in FACTS if name not in shown and name not in left_out]
    assert missing == [], f"{who} neither shows nor leaves out (with a reason) {missing}"
    assert set(left_out) <= set(FACTS), f"{who} leaves out what is no fact: {sorted(set(left_out) - set(FACTS))}"
    assert all(reason.strip() for reason in left_out.values())


def test_the_watch_compares_each_fact_or_says_why_not() -> None:
    _covers(set(watch.WATCHED_FACTS), watch.UNWATCHED_FACTS, "services.watch")
    assert set(watch.WATCHED_FACTS.values()) <= set(watch.EVENT_KINDS)
    # Each compared column is a breakdowns column, with words for the feed and the webhook.
    assert set(watch.COMPARED_FIELDS) <= TABLE
    assert set(watch.COMPARED_FIELDS) <= set(watch.FIELD_LABELS)
    # A price is compared by its amount and currency, derived from its columns.
    assert [c for c, event in watch.COMPARED_FIELDS.items() if event == "price_changed"] == [
        "offer_amount",
        "offer_currency",
    ]


def test_the_library_offers_a_menu_for_each_coded_filter() -> None:
    coded = {f.filter for f in columns.FIELDS if f.kind == "code" and f.filter}
    menus = dict(columns.menus())
    assert set(menus) == coded
    assert set(menus.values()) <= TABLE
    assert menus["niche"] == "niche_top"  # the menu offers the niche's top levels


def test_the_library_menus_list_what_the_breakdowns_hold(tmp_path: Path) -> None:
    from vsl_assets.db import session_scope
    from vsl_assets.db.models import Url
    from vsl_assets.services import library
    from vsl_assets.services.steps.breakdown import _columns

    url = f"sqlite:///{tmp_path / 'vsl.db'}"
    with session_scope(url) as s:
        row = Url(url="https://example.com/a.m3u8", partition_key="k1", status="analyzed")
        s.add(row)
        s.flush()
        s.add(
            BreakdownRow(url_id=row.id, **_columns(every_fact_said(), duration_s=900.0, page_pitch_s=None, cost=None))
        )
    with session_scope(url) as s:
        facets = library._facets(s)
    assert facets == {
        "language": ["pt"],
        "lead": ["story"],
        "niche": ["health"],
        "awareness": ["problem_aware"],
        "status": ["analyzed"],
    }


def test_the_swipe_document_lists_each_fact_or_says_why_not() -> None:
    _covers(set(export.DOCUMENT_FACTS), export.DOCUMENT_LEFT_OUT, "services.export (the document's facts)")
    b = every_fact_said()
    breakdown = SimpleNamespace(**columns.row_values(b), page_pitch_s=None, unsure={})
    detail = SimpleNamespace(breakdown=breakdown, source=SimpleNamespace(cta_seconds=605.0))
    facts = {f.label: f.value for f in export._facts(detail)}
    assert list(facts) == ["Language", *export.DOCUMENT_FACTS.values()]
    assert facts == {
        "Language": "pt",
        "Niche": "health/weight_loss",
        "Lead": "story",
        "Awareness": "problem_aware",
        "Offer": "BRL 197.00 (12x BRL 19.70)",
        "Anchor": "BRL 997.00",
        "Guarantee": "30 days",
        "Pitch (transcript)": "10:10",
        "Pitch (page)": "10:05",  # the page's button when the page step did not say
        "Product named": "5:00",
        "Hook": "Você sabia que uma colher por dia muda tudo",
        "Product": "Articulin",
        "Mechanism": "o método da colher",
    }


def test_the_catalog_has_each_fact_or_says_why_not() -> None:
    shown = {f.name for f in columns.FIELDS if catalog.fact_columns(f)}
    _covers(shown, catalog.LEFT_OUT, "the catalog")
    # The facts follow FIELDS' order, each with its columns; the length stays with the media's.
    expected = [c for f in columns.FIELDS for c in catalog.fact_columns(f) if c != "duration_s"]
    assert list(catalog.FACT_COLUMNS) == expected
    assert set(expected) <= set(catalog.COLUMNS)


def test_the_dagster_metadata_shows_every_fact(tmp_path: Path) -> None:
    from vsl_assets.defs.assets.metadata import breakdown_metadata
    from vsl_assets.services.steps import BreakdownResult

    b = every_fact_said()
    result = BreakdownResult(b, tmp_path / "k1.json", False, page_pitch_s=600.0, audio_duration_s=900.0)
    meta = breakdown_metadata(result, 0.5)
    assert set(FACTS) <= set(meta)
    shown = {name: getattr(meta[name], "value", meta[name]) for name in FACTS}
    assert shown["offer_price"] == b.offer_price.describe()  # type: ignore[union-attr]
    assert (shown["guarantee_days"], shown["pitch_s"], shown["page_pitch_s"], shown["duration_s"]) == (
        30,
        610.0,
        600.0,
        900.0,
    )
    assert (shown["niche"], shown["hook"], shown["mechanism"]) == ("health/weight_loss", b.hook, b.mechanism)
    bare = breakdown_metadata(BreakdownResult(Breakdown(engine="rules", model="v"), tmp_path / "k2.json", False), 0.5)
    assert (bare["niche"], bare["offer_price"], bare["guarantee_days"], bare["pitch_s"]) == (
        "unknown",
        "none said",
        "none",
        "unknown",
    )
