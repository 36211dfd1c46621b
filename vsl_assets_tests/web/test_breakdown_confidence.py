"""Issue 22's plumbing: product reveal and per-field confidence stored, and a field the engine was not
sure of shown as "not sure" by the API and left out of cards, filters, search and the catalog.

Hand-made breakdowns (not the local engine's output), stored through the breakdown asset's own
column mapping, on SQLite and (slow tier) PostgreSQL.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vsl_assets import catalog
from vsl_assets.breakdown.models import Beat, Breakdown, Evidence, Price, PriceMention
from vsl_assets.db.models import BreakdownRow
from vsl_assets.search import SearchQuery, shared_search
from vsl_assets.web import create_app
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed, seed_breakdown, url_id

#: The engine read a R$ 500 it was not sure of (a struck-down price, as it happens) and a lead it
#: hesitated on; everything else it was sure of.
UNSURE = Breakdown(
    language="pt",
    niche="health/diabetes",
    awareness="problem_aware",
    lead_type="story",
    beats=[Beat(beat="hook", start=0.0, end=4.0, quote="Você vai descobrir o ritual da manhã.")],
    offer_price=Price(amount=500, currency="BRL"),
    guarantee_days=30,
    pitch_s=9.5,
    product_reveal_s=4.0,
    product="Ritual Matinal",
    engine="local",
    model="rules-test",
    evidence={
        "offer_price": Evidence(quote="não é quinhentos reais", start=9.5, end=15.0),
        "lead_type": Evidence(quote="Você vai descobrir", start=0.0, end=4.0),
        "product_reveal_s": Evidence(quote="o Ritual Matinal", start=4.0, end=9.5),
    },
    confidence={"niche": 0.9, "lead_type": 0.5, "offer_price": 0.35, "pitch_s": 0.8, "product_reveal_s": 0.9},
    prices=[
        PriceMention(
            amount=500,
            currency="BRL",
            role="rejected",
            start=9.5,
            end=15.0,
            quote="não é quinhentos reais",
            why='rejected: "não é"',
        ),
        PriceMention(
            amount=47, currency="BRL", role="offer", start=9.5, end=15.0, quote="hoje só 47 reais", why="offer: 'só'"
        ),
    ],
)

#: A breakdown from before grades existed: the same R$ 500, no confidence recorded: shown as before.
OLD = UNSURE.model_copy(update={"confidence": {}, "prices": [], "product_reveal_s": None})


def _seed_two(web: Web) -> tuple[str, str]:
    with web.session() as s:
        unsure = seed(s, web.layout, Fake("https://cdn.example.com/unsure.m3u8", title="Unsure"))
        old = seed(s, web.layout, Fake("https://cdn.example.com/old.m3u8", title="Old"))
        seed_breakdown(s, web.layout, unsure, UNSURE)
        seed_breakdown(s, web.layout, old, OLD)
        index_all(s, web.settings, [unsure, old])
    return unsure, old


def _keys(web: Web, client: TestClient | None = None, **params: object) -> list[str]:
    response = (client or web.client).get("/api/vsls", params=params, headers=web.bearer)
    assert response.status_code == 200, response.text
    return [item["partition_key"] for item in response.json()["items"]]


def test_stored_row_and_file_keep_reveal_confidence_and_prices(web: Web) -> None:
    unsure, old = _seed_two(web)
    with web.session() as s:
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, unsure)))
        assert row is not None
        assert (row.product_reveal_s, row.pitch_s, row.page_pitch_s) == (4.0, 9.5, 9.0)
        assert row.confidence == UNSURE.confidence
        assert row.offer_amount == 500  # stored as read; withheld only when shown
        assert Breakdown.model_validate(row.data) == UNSURE
        old_row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, old)))
        assert old_row is not None and old_row.confidence is None  # nothing graded: SQL NULL, not {}
    stored = Breakdown.model_validate_json(web.layout.breakdown_path(unsure).read_text(encoding="utf-8"))
    assert stored == UNSURE and [m.role for m in stored.prices] == ["rejected", "offer"]


def test_api_shows_an_unsure_field_as_unknown_with_its_grade_and_evidence(web: Web) -> None:
    unsure, old = _seed_two(web)
    b = web.client.get(f"/api/vsls/{unsure}", headers=web.bearer).json()["breakdown"]
    assert (b["offer_amount"], b["offer_currency"], b["lead_type"]) == (None, None, None)
    assert b["unsure"] == {
        "lead_type": {"confidence": 0.5, "evidence": {"quote": "Você vai descobrir", "start": 0.0, "end": 4.0}},
        "offer_price": {"confidence": 0.35, "evidence": {"quote": "não é quinhentos reais", "start": 9.5, "end": 15.0}},
    }
    assert (b["niche"], b["pitch_s"], b["page_pitch_s"], b["product_reveal_s"]) == ("health/diabetes", 9.5, 9.0, 4.0)
    assert b["confidence"] == UNSURE.confidence and b["min_confidence"] == 0.6
    assert [(p["amount"], p["role"], p["why"]) for p in b["prices"]] == [
        (500.0, "rejected", 'rejected: "não é"'),
        (47.0, "offer", "offer: 'só'"),
    ]
    # No grades recorded: every value shown, as before issue 22.
    ob = web.client.get(f"/api/vsls/{old}", headers=web.bearer).json()["breakdown"]
    assert (ob["offer_amount"], ob["offer_currency"], ob["lead_type"]) == (500.0, "BRL", "story")
    assert (ob["unsure"], ob["confidence"], ob["prices"], ob["product_reveal_s"]) == ({}, {}, [], None)


def test_cards_filters_and_sorts_treat_unsure_values_as_unknown(web: Web) -> None:
    unsure, old = _seed_two(web)
    cards = {c["partition_key"]: c for c in web.client.get("/api/vsls", headers=web.bearer).json()["items"]}
    assert (cards[unsure]["price"], cards[unsure]["currency"], cards[unsure]["lead_type"]) == (None, None, None)
    assert (cards[old]["price"], cards[old]["currency"], cards[old]["lead_type"]) == (500.0, "BRL", "story")
    assert cards[unsure]["niche"] == "health/diabetes"  # graded 0.9: sure

    assert _keys(web, price_min=400) == [old]  # the unsure R$ 500 does not match a price filter
    assert _keys(web, price_max=600) == [old]
    assert _keys(web, currency="BRL") == [old]
    assert _keys(web, lead="story") == [old]
    assert sorted(_keys(web, niche="health")) == sorted([unsure, old])
    assert _keys(web, sort="-price") == [old, unsure]  # not sure sorts with the unknowns, last
    assert _keys(web, sort="price") == [old, unsure]
    # Offer-section and product-reveal ranges (seconds).
    assert sorted(_keys(web, pitch_min=9, pitch_max=10)) == sorted([unsure, old])
    assert _keys(web, reveal_min=3, reveal_max=5) == [unsure]
    assert _keys(web, reveal_min=5) == []
    # The library page's form sends empty fields: no filter.
    assert sorted(_keys(web, reveal_min="", pitch_max="")) == sorted([unsure, old])

    # A lower threshold (VSL_BREAKDOWN_MIN_CONFIDENCE=0.3) shows the same stored grade as sure.
    lenient = create_app(web.settings.model_copy(update={"breakdown_min_confidence": 0.3}))
    with TestClient(lenient) as client:
        assert sorted(_keys(web, client, price_min=400)) == sorted([unsure, old])
        b = client.get(f"/api/vsls/{unsure}", headers=web.bearer).json()["breakdown"]
        assert (b["offer_amount"], b["lead_type"], b["unsure"], b["min_confidence"]) == (500.0, "story", {}, 0.3)


def test_search_index_and_catalog_leave_unsure_values_out(web: Web) -> None:
    unsure, old = _seed_two(web)
    backend = shared_search(web.settings.database, web.settings.search_backend)
    by_price = backend.search(SearchQuery(text="ritual", price_min=400))
    assert [g.vsl.key for g in by_price.vsls] == [old]
    found = {g.vsl.key: g.vsl for g in backend.search(SearchQuery(text="ritual")).vsls}
    assert (found[unsure].price, found[unsure].currency, found[unsure].lead_type) == (None, None, None)
    assert (found[unsure].pitch_s, found[old].price) == (9.5, 500.0)
    api = web.client.get("/api/search", params={"q": "ritual", "price_min": 400}, headers=web.bearer)
    assert {row["partition_key"] for row in api.json()} == {old}

    with web.session() as s:
        df = catalog.build_catalog(s, min_confidence=0.6).set_index("partition_key")
    assert pd.isna(df.at[unsure, "offer_price"]) and pd.isna(df.at[unsure, "offer_currency"])
    assert pd.isna(df.at[unsure, "lead_type"]) and df.at[unsure, "not_sure"] == "lead_type,offer_price"
    assert (df.at[unsure, "product_reveal_s"], df.at[unsure, "pitch_s"], df.at[unsure, "niche"]) == (
        4.0,
        9.5,
        "health/diabetes",
    )
    assert (df.at[old, "offer_price"], df.at[old, "lead_type"]) == (500.0, "story") and pd.isna(df.at[old, "not_sure"])
    assert int(df.at[old, "guarantee_days"]) == 30
    # Every format writes (the mixed object columns must survive Parquet).
    for fmt in catalog.FORMATS:
        path = catalog.write(df.reset_index(), web.layout.root / "catalog" / f"c.{fmt}", fmt)
        assert path.stat().st_size > 0
    rows = json.loads((web.layout.root / "catalog" / "c.json").read_text(encoding="utf-8"))
    assert {r["partition_key"]: r["offer_price"] for r in rows} == {unsure: None, old: 500.0}


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
# (A short name: the PostgreSQL variant's database is named after the first 40 characters of the test id.)
def test_page_not_sure_and_roles(web: Web, lang: str) -> None:
    unsure, _old = _seed_two(web)
    web.login()
    web.client.get(f"/lang/{lang}")
    html = web.client.get(f"/vsl/{unsure}").text
    not_sure, rejected = ("not sure", "rejected") if lang == "en" else ("não tenho certeza", "descartado")
    # the role is said once: "rejected: "não é"", not "rejected: rejected: "não é"" (trial 19)
    why = '<em title="rejected: &#34;não é&#34;">&#34;não é&#34;</em>'
    assert f"{rejected}: {rejected}" not in html
    assert html.count(f"{not_sure} <small>") == 2  # offer price and lead
    assert 'data-field="offer_price"' in html and "“não é quinhentos reais”" in html
    assert "500,00" not in html.split('id="offer"')[1].split("</dd>")[0]  # no confident number in the offer
    assert f'<span class="role">{rejected}</span>: {why}' in html  # why it was read so: in the reader's words
    assert 'id="product-reveal"' in html and 'id="pitch-page"' in html and 'id="pitch-transcript"' in html
    anchor = html.split("<dt>Anchor</dt>" if lang == "en" else "<dt>Âncora</dt>")[1].split("</dd>")[0]
    assert "—</span>" in anchor  # no anchor said: a dash that says "Not found", not a blank line (a trial)


def test_library_page_filters_by_product_reveal_and_hides_an_unsure_price_on_the_card(web: Web) -> None:
    unsure, old = _seed_two(web)
    web.login()
    page = web.client.get("/", params={"reveal_min": 3, "reveal_max": 5, "pitch_min": "", "pitch_max": ""}).text
    assert f"/vsl/{unsure}" in page and f"/vsl/{old}" not in page
    assert re.search(r'name="reveal_min"[^>]*value="3(\.0)?"', page)  # the form keeps the filter
    everything = web.client.get("/").text
    assert everything.count('class="tag price"') == 1  # only the sure R$ 500 shows on a card


def test_vsl_search_cli_passes_pitch_and_price_filters_to_the_index(web: Web) -> None:
    from vsl_assets.cli import build_parser
    from vsl_assets.cli.search import _search_query

    _unsure, old = _seed_two(web)
    args = build_parser().parse_args(
        ["search", "ritual", "--pitch-min", "9", "--pitch-max", "10", "--price-min", "400", "--currency", "brl"]
    )
    query = _search_query(args)
    assert (query.pitch_min_s, query.pitch_max_s, query.price_min, query.currency) == (9.0, 10.0, 400.0, "BRL")
    assert [
        g.vsl.key for g in shared_search(web.settings.database, web.settings.search_backend).search(query).vsls
    ] == [old]
