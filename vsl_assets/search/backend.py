"""The one interface every search backend implements, and the VSL columns they all keep."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from vsl_assets.search.filters import casefold
from vsl_assets.search.model import SearchQuery, SearchResults, VslDocument, VslSummary, split_niche


@dataclass(frozen=True)
class IndexCount:
    vsls: int
    segments: int


#: The rebuild state of an index that ``ensure_schema`` recreated empty because its format changed.
REBUILD_PENDING = "pending"


@runtime_checkable
class SearchBackend(Protocol):
    """Index and query VSL transcripts.  A new engine (e.g. OpenSearch) is one module implementing this."""

    #: "sqlite-fts5", "postgresql" or "tantivy", for logs and asset metadata.
    name: str

    def ensure_schema(self) -> None:
        """Create tables/indexes if missing; safe to call from many processes at once."""

    def index_vsl(self, doc: VslDocument) -> int:
        """Replace everything indexed for ``doc.key`` with ``doc`` (one transaction); returns segments indexed."""

    def index_many(self, docs: Iterable[VslDocument]) -> int:
        """``index_vsl`` of many VSLs (``vsl reindex``), as fast as the backend can take them in
        bulk (a VSL is never half-indexed); returns the segments indexed."""

    def delete_vsl(self, key: str) -> bool:
        """Remove a VSL and all its segments; False when it was not indexed."""

    def search(self, query: SearchQuery) -> SearchResults:
        """One page of VSLs with their best hits; raises ``SearchQueryError`` only for a query with no
        words and no filters."""

    def count(self) -> IndexCount:
        """How many VSLs and segments are indexed."""

    def keys(self) -> set[str]:
        """Every indexed VSL key (a rebuild deletes the ones the app database no longer has)."""

    def size_bytes(self) -> int | None:
        """Disk used by the index, where the backend can tell."""

    def close(self) -> None:
        """Release connections; the backend must not be used afterwards."""

    def rebuild_state(self) -> str | None:
        """None when the index holds what it was given; :data:`REBUILD_PENDING` after
        ``ensure_schema`` recreated it empty because its format changed (the VSLs are all in the
        app database still), or what the rebuild that took it wrote (``services.reindex``)."""

    def set_rebuild_state(self, expected: str | None, new: str | None) -> bool:
        """Set the rebuild state to ``new`` (None: built) if it is ``expected``; False otherwise
        (another process changed it first)."""


@dataclass(frozen=True)
class VslColumn:
    """A column of the indexed VSLs' table, in every backend (``kind``: text, real, int or time)."""

    name: str
    kind: str
    required: bool = False
    unique: bool = False


#: The indexed VSLs' table, defined once: the SQLite backend's ``vsls``, the tantivy backend's side
#: table and PostgreSQL's ``search_vsls`` are generated from it (:func:`vsl_columns_sql`).  The
#: breakdown's filterable columns are those with a ``summary`` name in ``breakdown.columns``; the
#: ``*_key``, ``niche_top`` and ``niche_sub`` copies are what filters compare (``vsl_values``).
VSL_TABLE: tuple[VslColumn, ...] = (
    VslColumn("key", "text", required=True, unique=True),
    VslColumn("url", "text", required=True),
    VslColumn("title", "text"),
    VslColumn("language", "text"),
    VslColumn("player", "text"),
    VslColumn("player_key", "text"),
    VslColumn("duration_s", "real"),
    VslColumn("added_at", "time"),
    VslColumn("niche", "text"),
    VslColumn("niche_top", "text"),
    VslColumn("niche_sub", "text"),
    VslColumn("lead_type", "text"),
    VslColumn("lead_key", "text"),
    VslColumn("awareness", "text"),
    VslColumn("awareness_key", "text"),
    VslColumn("pitch_s", "real"),
    VslColumn("price", "real"),
    VslColumn("currency", "text"),
    VslColumn("segment_count", "int", required=True),
    VslColumn("indexed_at", "time", required=True),
)


def vsl_columns_sql(types: dict[str, str], defaults: dict[str, str] | None = None) -> str:
    """The column definitions of :data:`VSL_TABLE` in one backend's SQL (``types``: kind -> SQL type)."""
    lines = []
    for c in VSL_TABLE:
        line = f"{c.name} {types[c.kind]}" + (" NOT NULL" if c.required else "") + (" UNIQUE" if c.unique else "")
        if defaults and c.name in defaults:
            line += f" DEFAULT {defaults[c.name]}"
        lines.append(line)
    return "\n" + ",\n".join(f"    {line}" for line in lines) + "\n"


#: Columns of the VSL table that become a ``VslSummary``, in its field order.
SUMMARY_COLUMNS = (
    "key",
    "url",
    "title",
    "language",
    "player",
    "duration_s",
    "added_at",
    "niche",
    "lead_type",
    "awareness",
    "pitch_s",
    "price",
    "currency",
    "segment_count",
)


def vsl_values(doc: VslDocument, encode_time: Callable[[datetime], Any]) -> dict[str, Any]:
    """The VSL table row of a document, including the case-folded copies filters compare."""
    top, sub = split_niche(doc.niche)
    return {
        "key": doc.key,
        "url": doc.url,
        "title": doc.title,
        "language": doc.language,
        "player": doc.player,
        "player_key": casefold(doc.player),
        "duration_s": doc.duration_s,
        "added_at": encode_time(doc.added_at) if doc.added_at else None,
        "niche": doc.niche,
        "niche_top": casefold(top),
        "niche_sub": casefold(sub),
        "lead_type": doc.lead_type,
        "lead_key": casefold(doc.lead_type),
        "awareness": doc.awareness,
        "awareness_key": casefold(doc.awareness),
        "pitch_s": doc.pitch_s,
        "price": doc.price,
        "currency": doc.currency,
        "segment_count": len(doc.segments),
    }


class RowLike(Protocol):
    """A result row read by column name (sqlite3.Row, SQLAlchemy's RowMapping)."""

    def __getitem__(self, key: str, /) -> Any: ...


def summary_from_row(row: RowLike, decode_time: Callable[[Any], datetime | None]) -> VslSummary:
    values = {name: row[name] for name in SUMMARY_COLUMNS}
    values["added_at"] = decode_time(values["added_at"])
    return VslSummary(**values)


def page_bounds(query: SearchQuery) -> tuple[int, int]:
    """(limit, offset) of the query's page of VSLs."""
    return query.per_page, (query.page - 1) * query.per_page
