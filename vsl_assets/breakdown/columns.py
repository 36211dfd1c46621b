"""The breakdown's columns, defined once.

A breakdown is stored whole (``breakdowns.data``) and, for querying, as columns of the
``breakdowns`` table.  Each column below says where its value comes from and under which name
every reader shows it, so the step that writes the row, the API's ``BreakdownOut``, the library
card, the catalog and the search index all derive their lists from this one table instead of
spelling the fields again (``vsl_assets_tests/breakdown/test_columns.py`` checks they agree).

``field`` is the graded breakdown field (``Breakdown.confidence``) whose grade covers the column:
when that field is not sure, every column it covers is withheld together (an offer's amount and
its currency, say).

``FIELDS`` lists the facts a person reads (one per graded field, an offer's columns making one
price, plus the two seconds the page and the media give): how each is compared, in which order a
copywriter reads them, and which the insights count.  The compare and diff (``compare.facts``),
their service (``services.compare``) and the insights (``services.insights``) read it; their
labels are the UI catalog's ``field:<name>`` (``web.i18n.label``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, get_args

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
    #: Its name on a board's card (``BoardItemOut``), if the board shows it.
    board: str | None = None
    #: For a price's columns: which part of the price it is (``amount``, ``currency``...).
    part: str | None = None


#: How a fact is compared and shown: words, a code (a taxonomy value), a price, a count, a second.
FieldKind = Literal["text", "code", "price", "number", "seconds"]
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)


@dataclass(frozen=True)
class BreakdownField:
    """One fact a person reads; its value is its column of the same name, or for a price the
    columns of that graded field by their ``part``."""

    name: str
    kind: FieldKind
    #: Graded by the engine (a key of ``Breakdown.confidence``); False: the page's or the media's
    #: fact, known even before a VSL is analysed.
    graded: bool = True
    #: For a code: the ``label()`` kind its values are read with (``lead`` for ``lead_type``).
    codes: str | None = None
    #: Counted by the insights as a mix of its values: the ``Insights`` attribute that holds it.
    counted: str | None = None
    #: The library's query parameter that filters on it (a count's link), if there is one.
    filter: str | None = None
    #: For a number: what it counts (a UI message: ``days``).
    unit: str | None = None
    #: For a code the library filters on: the ``breakdowns`` column whose values its filter menu
    #: offers, when not its own (the niche's menu offers the top levels: ``niche_top``).
    menu: str | None = None

    @property
    def menu_column(self) -> str | None:
        """The column a filter menu lists the values of (a code with a filter), else None."""
        return (self.menu or self.name) if self.kind == "code" and self.filter is not None else None


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
    BreakdownColumn("niche", _attr("niche"), "niche", catalog="niche", summary="niche", card="niche", board="niche"),
    #: The niche's top level, which the filter menus offer; not in the API (``niche`` says it).
    BreakdownColumn("niche_top", _attr("niche_top"), "niche", api=False),
    BreakdownColumn(
        "awareness",
        _attr("awareness"),
        "awareness",
        catalog="awareness",
        summary="awareness",
        card="awareness",
        board="awareness",
    ),
    BreakdownColumn(
        "lead_type",
        _attr("lead_type"),
        "lead_type",
        catalog="lead_type",
        summary="lead_type",
        card="lead_type",
        board="lead_type",
    ),
    BreakdownColumn("pitch_s", _attr("pitch_s"), "pitch_s", catalog="pitch_s", summary="pitch_s", board="pitch_s"),
    BreakdownColumn("product_reveal_s", _attr("product_reveal_s"), "product_reveal_s", catalog="product_reveal_s"),
    BreakdownColumn(
        "offer_amount",
        _price("offer_price", "amount"),
        "offer_price",
        part="amount",
        catalog="offer_price",
        summary="price",
        card="price",
        board="price",
    ),
    BreakdownColumn(
        "offer_currency",
        _price("offer_price", "currency"),
        "offer_price",
        part="currency",
        catalog="offer_currency",
        summary="currency",
        card="currency",
        board="currency",
    ),
    BreakdownColumn("offer_installments", _price("offer_price", "installments"), "offer_price", part="installments"),
    BreakdownColumn(
        "offer_installment_amount",
        _price("offer_price", "installment_amount"),
        "offer_price",
        part="installment_amount",
    ),
    BreakdownColumn(
        "anchor_amount", _price("anchor_price", "amount"), "anchor_price", part="amount", catalog="anchor_price"
    ),
    BreakdownColumn("anchor_currency", _price("anchor_price", "currency"), "anchor_price", part="currency"),
    BreakdownColumn(
        "guarantee_days", _attr("guarantee_days"), "guarantee_days", catalog="guarantee_days", board="guarantee_days"
    ),
    BreakdownColumn("hook", _attr("hook"), "hook"),
    BreakdownColumn("product", _attr("product"), "product", catalog="product"),
    BreakdownColumn("mechanism", _attr("mechanism"), "mechanism"),
    BreakdownColumn("consistency", _attr("consistency")),
    BreakdownColumn("engine", _attr("engine")),
    BreakdownColumn("model", _attr("model")),
)

#: The facts, in the order a copywriter reads them (the compare table's rows, the diff's fields).
FIELDS: tuple[BreakdownField, ...] = (
    BreakdownField("hook", "text"),
    BreakdownField("lead_type", "code", codes="lead", counted="leads", filter="lead"),
    BreakdownField("niche", "code", codes="niche", filter="niche", menu="niche_top"),
    BreakdownField("awareness", "code", codes="awareness", counted="awareness", filter="awareness"),
    BreakdownField("product", "text"),
    BreakdownField("offer_price", "price"),
    BreakdownField("anchor_price", "price"),
    BreakdownField("guarantee_days", "number", filter="guarantee", unit="days"),
    BreakdownField("pitch_s", "seconds"),
    #: Where the page revealed its buy button (``breakdowns.page_pitch_s``, else the source's).
    BreakdownField("page_pitch_s", "seconds", graded=False),
    BreakdownField("product_reveal_s", "seconds"),
    #: The video's length (the media's, else the transcript's end).
    BreakdownField("duration_s", "seconds", graded=False),
    BreakdownField("mechanism", "text"),
)


def field_columns(field: str, columns: Iterable[BreakdownColumn] = COLUMNS) -> tuple[BreakdownColumn, ...]:
    """The columns a graded field's value is made of (a price's amount, currency, instalments...)."""
    return tuple(c for c in columns if c.field == field)


def menus() -> tuple[tuple[str, str], ...]:
    """``(filter, column)`` for each coded field the library filters on with a menu of the values
    the breakdowns hold (the library's query parameter, the ``breakdowns`` column listed)."""
    return tuple((f.filter, f.menu_column) for f in FIELDS if f.filter is not None and f.menu_column is not None)


def counted() -> tuple[BreakdownField, ...]:
    """The code fields the insights count as a mix of values."""
    return tuple(f for f in FIELDS if f.counted is not None)


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


def on_board(columns: Iterable[BreakdownColumn] = COLUMNS) -> tuple[BreakdownColumn, ...]:
    """The columns a board's card shows (those with a ``board`` name)."""
    return tuple(c for c in columns if c.board is not None)
