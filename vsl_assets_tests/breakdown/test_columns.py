"""The breakdown's columns are defined once (``breakdown.columns``): every reader's list agrees with it."""

from __future__ import annotations

import dataclasses

from sqlalchemy import inspect

from vsl_assets import catalog
from vsl_assets.breakdown import columns
from vsl_assets.breakdown.models import EVIDENCE_FIELDS
from vsl_assets.db.models import BreakdownRow
from vsl_assets.search.backend import SUMMARY_COLUMNS
from vsl_assets.search.model import VslDocument
from vsl_assets.services import library, schemas
from vsl_assets.services.steps.breakdown import _columns
from vsl_assets_tests.breakdown.test_fact_consumers import every_fact_said

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
    b = every_fact_said()
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


# -- the facts (columns.FIELDS): compare, diff, insights, boards and labels read them from here -----


def test_every_graded_field_is_a_fact_the_compare_and_diff_read_in_one_order() -> None:
    from vsl_assets.compare import FIELDS as COMPARED
    from vsl_assets.services import compare

    assert {f.name for f in columns.FIELDS if f.graded} == set(EVIDENCE_FIELDS)
    assert [name for name, _ in COMPARED] == [f.name for f in columns.FIELDS]
    assert dict(COMPARED) == {f.name: f.kind for f in columns.FIELDS}
    assert set(compare.FACTS) == {f.name for f in columns.FIELDS}
    assert {f.kind for f in columns.FIELDS} <= set(columns.FIELD_KINDS)
    # A code is read with a label kind; a number says what it counts.
    assert all(f.codes for f in columns.FIELDS if f.kind == "code")
    assert all(f.unit for f in columns.FIELDS if f.kind == "number")


def test_every_api_column_reaches_the_compare_through_its_fact() -> None:
    """A new column with a graded field and ``api=True`` is compared: its value shows up in the
    diff's facts (a price's column needs its ``part``), or this fails."""
    from vsl_assets.services import compare

    samples: dict[str, object] = {}
    for i, c in enumerate(c for c in columns.COLUMNS if c.api):
        samples[c.name] = f"value-{i}" if c.name not in {"offer_amount", "anchor_amount"} else 100.0 + i
    b = schemas.BreakdownOut.model_construct(**samples)
    for fact in (f for f in columns.FIELDS if f.graded):
        value = compare._value(b, fact)
        assert value is not None, fact.name
        for c in columns.field_columns(fact.name):
            if not c.api:
                continue
            shown = value.get(c.part) if fact.kind == "price" else value
            assert shown == samples[c.name], f"{c.name} is not in the compared {fact.name}: {value!r}"


def test_every_fact_has_a_label_in_every_ui_language() -> None:
    from vsl_assets.web.i18n import MESSAGES

    for lang in ("en", "pt-BR", "es"):
        missing = [f.name for f in columns.FIELDS if f"field:{f.name}" not in MESSAGES[lang]]
        assert missing == [], f"{lang}: no field:<name> label for {missing}"


def test_every_counted_fact_is_in_the_insights_and_its_filter_in_the_library() -> None:
    from vsl_assets.services import insights

    counted = columns.counted()
    assert {f.name for f in counted} == {"lead_type", "awareness"}
    for f in counted:
        assert f.kind == "code" and f.counted is not None
        assert {f.counted, f"{f.counted}_unknown"} <= set(insights.Insights.model_fields)
    filters = {f.filter for f in columns.FIELDS if f.filter}
    assert filters <= {f.name for f in dataclasses.fields(library.LibraryFilters)}


def test_a_boards_card_carries_the_defined_columns() -> None:
    board_names = {c.board for c in columns.on_board()}
    assert board_names <= set(schemas.BoardItemOut.model_fields)
    assert board_names == {"niche", "lead_type", "awareness", "price", "currency", "pitch_s", "guarantee_days"}
    assert all(c.field for c in columns.on_board())  # each withheld when its field is not sure


def test_the_search_tables_come_from_one_definition_with_every_searchable_column() -> None:
    """The SQLite, tantivy and PostgreSQL VSL tables are generated from ``search.backend.VSL_TABLE``:
    a breakdown column with a ``summary`` name, or a value the indexer writes, that the table
    lacks fails here instead of at the first index write."""
    from vsl_assets.search import backend, postgres, sqlite

    table = [c.name for c in backend.VSL_TABLE]
    assert len(table) == len(set(table))
    written = set(backend.vsl_values(VslDocument(key="k", url="https://x.example/"), str))
    assert written | {"indexed_at"} == set(table)
    assert {c.summary for c in columns.summaries()} <= set(table)
    assert set(SUMMARY_COLUMNS) <= set(table)
    pg_table = next(sql for sql in postgres._SCHEMA if "TABLE IF NOT EXISTS search_vsls" in sql)
    for name in table:
        assert f"\n    {name} " in sqlite.VSL_COLUMNS and f"\n    {name} " in pg_table, name
