"""The breakdown's columns, defined once.

A breakdown is stored whole (``breakdowns.data``) and, for querying, as columns of the
``breakdowns`` table.  Each column below says where its value comes from and under which name
every reader shows it, so the step that writes the row, the API's ``BreakdownOut``, the library
card, the catalog and the search index all derive their lists from this one table instead of
spelling the fields again (``vsl_assets_tests/breakdown/test_columns.py`` checks they agree).

``field`` is the graded breakdown field (``Breakdown.confidence``) whose grade covers the column:
when that field is not sure, every column it covers is withheld together (an offer's amount and
its currency, say).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from vsl_assets.breakdown.models import Breakdown, EvidenceField, Price


@dataclass(frozen=True)
class BreakdownColumn:
    #: The ``breakdowns`` table column, and the field of the API's ``BreakdownOut`` (when ``api``).
    name: str
    #: Its value from a breakdown.
    value: Callable[[Breakdown], Any]
    #: The graded field whose grade covers it; None = not graded (always shown).
    field: EvidenceField | None = None
    #: Whether the API's ``BreakdownOut`` carries it.
    api: bool = True
    #: Its column in the catalog (``vsl_assets.catalog``), if the catalog has it.
    catalog: str | None = None
    #: Its name in the search index, which filters on it.
    summary: str | None = None
    #: Its name on a library card (``VslCard``), if the card shows it.
    card: str | None = None


def _price(which: str, attr: str) -> Callable[[Breakdown], Any]:
    def value(b: Breakdown) -> Any:
        price: Price | None = getattr(b, which)
        return getattr(price, attr) if price is not None else None

    return value


def _attr(name: str) -> Callable[[Breakdown], Any]:
    return lambda b: getattr(b, name)


COLUMNS: tuple[BreakdownColumn, ...] = (
    BreakdownColumn("status", _attr("status")),
    BreakdownColumn("language", _attr("language")),
    BreakdownColumn("niche", _attr("niche"), "niche", catalog="niche", summary="niche", card="niche"),
    #: The niche's top level, which the filter menus offer; not in the API (``niche`` says it).
    BreakdownColumn("niche_top", _attr("niche_top"), "niche", api=False),
    BreakdownColumn(
        "awareness", _attr("awareness"), "awareness", catalog="awareness", summary="awareness", card="awareness"
    ),
    BreakdownColumn(
        "lead_type", _attr("lead_type"), "lead_type", catalog="lead_type", summary="lead_type", card="lead_type"
    ),
    BreakdownColumn("pitch_s", _attr("pitch_s"), "pitch_s", catalog="pitch_s", summary="pitch_s"),
    BreakdownColumn("product_reveal_s", _attr("product_reveal_s"), "product_reveal_s", catalog="product_reveal_s"),
    BreakdownColumn(
        "offer_amount",
        _price("offer_price", "amount"),
        "offer_price",
        catalog="offer_price",
        summary="price",
        card="price",
    ),
    BreakdownColumn(
        "offer_currency",
        _price("offer_price", "currency"),
        "offer_price",
        catalog="offer_currency",
        summary="currency",
        card="currency",
    ),
    BreakdownColumn("offer_installments", _price("offer_price", "installments"), "offer_price"),
    BreakdownColumn("offer_installment_amount", _price("offer_price", "installment_amount"), "offer_price"),
    BreakdownColumn("anchor_amount", _price("anchor_price", "amount"), "anchor_price", catalog="anchor_price"),
    BreakdownColumn("anchor_currency", _price("anchor_price", "currency"), "anchor_price"),
    BreakdownColumn("guarantee_days", _attr("guarantee_days"), "guarantee_days", catalog="guarantee_days"),
    BreakdownColumn("hook", _attr("hook"), "hook"),
    BreakdownColumn("product", _attr("product"), "product", catalog="product"),
    BreakdownColumn("mechanism", _attr("mechanism"), "mechanism"),
    BreakdownColumn("consistency", _attr("consistency")),
    BreakdownColumn("engine", _attr("engine")),
    BreakdownColumn("model", _attr("model")),
)


def row_values(b: Breakdown) -> dict[str, Any]:
    """The breakdown's column values, by ``breakdowns`` column name."""
    return {c.name: c.value(b) for c in COLUMNS}


def graded(name: Callable[[BreakdownColumn], str | None]) -> dict[str, tuple[str, ...]]:
    """Each graded field with the names (as ``name`` gives them; None = left out) of the columns it covers.

    The first name of each field is its main value: a reader decides "is there a value to doubt?" on it."""
    out: dict[str, tuple[str, ...]] = {}
    for c in COLUMNS:
        shown = name(c)
        if c.field is not None and shown is not None:
            out[c.field] = (*out.get(c.field, ()), shown)
    return out


def summaries(columns: Iterable[BreakdownColumn] = COLUMNS) -> tuple[BreakdownColumn, ...]:
    """The columns the search index carries (those with a ``summary`` name)."""
    return tuple(c for c in columns if c.summary is not None)


def on_card(columns: Iterable[BreakdownColumn] = COLUMNS) -> tuple[BreakdownColumn, ...]:
    """The columns a library card shows (those with a ``card`` name)."""
    return tuple(c for c in columns if c.card is not None)
