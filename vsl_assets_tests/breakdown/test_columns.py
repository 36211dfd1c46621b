"""The breakdown's columns are defined once (``breakdown.columns``): every reader's list agrees with it."""

from __future__ import annotations

import dataclasses

from sqlalchemy import inspect

from vsl_assets import catalog
from vsl_assets.breakdown import columns
from vsl_assets.breakdown.models import EVIDENCE_FIELDS, Breakdown, Price
from vsl_assets.db.models import BreakdownRow
from vsl_assets.search.backend import SUMMARY_COLUMNS
from vsl_assets.search.model import VslDocument
from vsl_assets.services import library, schemas
from vsl_assets.services.steps.breakdown import _columns

#: ``breakdowns`` columns that are not the breakdown's own values: keys, the run's facts, the whole.
ROW_ONLY = {"id", "url_id", "duration_s", "page_pitch_s", "cost_usd", "confidence", "data", "created_at"}
#: ``BreakdownOut`` fields that are not columns: the page's facts, grades and lists read from ``data``.
API_ONLY = {"page_pitch_s", "evidence", "confidence", "min_confidence", "unsure", "prices", "beats"}


def test_the_table_holds_exactly_the_defined_columns() -> None:
    table = {c.key for c in inspect(BreakdownRow).columns}
    assert {c.name for c in columns.COLUMNS} == table - ROW_ONLY


def test_the_api_model_carries_the_defined_columns() -> None:
    api = {c.name for c in columns.COLUMNS if c.api}
    assert set(schemas.BreakdownOut.model_fields) - API_ONLY == api
    assert set(library.API_COLUMNS) == api


def test_every_graded_field_covers_its_columns_everywhere() -> None:
    assert {c.field for c in columns.COLUMNS if c.field} == set(EVIDENCE_FIELDS)
    assert library.FIELD_COLUMNS["offer_price"] == (
        "offer_amount",
        "offer_currency",
        "offer_installments",
        "offer_installment_amount",
    )
    assert catalog.GRADED_COLUMNS["offer_price"] == ("offer_price", "offer_currency")
    assert set(catalog.GRADED_COLUMNS) <= set(EVIDENCE_FIELDS)


def test_catalog_card_and_search_names_exist_in_their_schemas() -> None:
    catalog_names = [c.catalog for c in columns.COLUMNS if c.catalog]
    assert set(catalog_names) <= set(catalog.COLUMNS)
    card_names = {c.card for c in columns.on_card()}
    assert card_names <= set(schemas.VslCard.model_fields)
    search_names = {c.summary for c in columns.summaries()}
    assert search_names <= {f.name for f in dataclasses.fields(VslDocument)}
    assert search_names <= set(SUMMARY_COLUMNS)
    # Every filterable breakdown field of the search index comes from the definition.
    breakdown_like = {"niche", "lead_type", "awareness", "pitch_s", "price", "currency"}
    assert breakdown_like & set(SUMMARY_COLUMNS) == search_names


def test_a_breakdowns_row_values_come_from_the_breakdown() -> None:
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
        hook="Você sabia",
        product="Articulin",
        engine="rules",
        model="rules-v2",
    )
    row = _columns(b, duration_s=900.0, page_pitch_s=600.0, cost=None)
    assert set(row) == {c.key for c in inspect(BreakdownRow).columns} - {"id", "url_id", "created_at"}
    assert (row["niche_top"], row["offer_amount"], row["offer_installments"], row["anchor_currency"]) == (
        "health",
        197.0,
        12,
        "BRL",
    )
    assert (row["guarantee_days"], row["product"], row["duration_s"], row["page_pitch_s"]) == (
        30,
        "Articulin",
        900.0,
        600.0,
    )
