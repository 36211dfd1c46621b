"""What goes into the index and what comes out of a search: plain frozen dataclasses.

They carry no backend detail, so the CLI, the web API and the Dagster asset share them whichever
backend answers.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vsl_assets.errors import PermanentError
from vsl_assets.search.text import normalise_language


class SearchQueryError(PermanentError):
    """The query cannot be run: nothing to search for and nothing to filter by."""


@dataclass(frozen=True)
class Segment:
    """One timed piece of a transcript: the unit a hit points at."""

    start: float
    end: float
    text: str

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Segment:
        """Accept a transcript segment as stored (``{"start", "end", "text", ...}``)."""
        return cls(start=float(data["start"]), end=float(data["end"]), text=str(data.get("text") or ""))


def _utc(value: datetime | None) -> datetime | None:
    """Naive datetimes are taken as UTC, so every stored instant compares with every other."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def split_niche(niche: str | None) -> tuple[str | None, str | None]:
    """ "health/weight loss" -> ("health", "weight loss"); blanks become None."""
    if not niche or not niche.strip():
        return None, None
    top, _, sub = niche.partition("/")
    return (top.strip() or None), (sub.strip() or None)


@dataclass(frozen=True)
class VslDocument:
    """Everything the index keeps about one VSL; breakdown fields are None until they exist."""

    key: str
    url: str
    title: str | None = None
    language: str | None = None
    player: str | None = None
    duration_s: float | None = None
    added_at: datetime | None = None
    #: "top" or "top/sub", as the breakdown names it.
    niche: str | None = None
    lead_type: str | None = None
    awareness: str | None = None
    pitch_s: float | None = None
    price: float | None = None
    currency: str | None = None
    segments: Sequence[Segment] = ()

    def __post_init__(self) -> None:
        # Normalised once here, so both backends store the same forms.
        object.__setattr__(self, "language", normalise_language(self.language))
        object.__setattr__(self, "added_at", _utc(self.added_at))
        object.__setattr__(self, "currency", self.currency.strip().upper() if self.currency else None)
        object.__setattr__(self, "segments", tuple(self.segments))


@dataclass(frozen=True)
class SearchQuery:
    """A search: free text plus filters; every filter left None matches everything.

    Ranges are inclusive (``duration_min_s <= duration_s <= duration_max_s``) except dates, which
    are half-open (``added_from <= added_at < added_to``) so consecutive days never overlap.
    A price range compares amounts as stored; give ``currency`` to compare like with like.
    """

    text: str = ""
    language: str | None = None
    niche: str | None = None
    lead_type: str | None = None
    awareness: str | None = None
    duration_min_s: float | None = None
    duration_max_s: float | None = None
    pitch_min_s: float | None = None
    pitch_max_s: float | None = None
    price_min: float | None = None
    price_max: float | None = None
    currency: str | None = None
    player: str | None = None
    added_from: datetime | None = None
    added_to: datetime | None = None
    #: Search inside this one VSL only.
    key: str | None = None
    #: Search inside these VSLs only (a board's); an empty tuple matches nothing.
    keys: tuple[str, ...] | None = None
    #: 1-based page of VSLs.
    page: int = 1
    #: VSLs per page.
    per_page: int = 20
    #: Best hits shown per VSL, so one long VSL does not flood the page.
    hits_per_vsl: int = 3

    def __post_init__(self) -> None:
        if self.page < 1 or self.per_page < 1 or self.hits_per_vsl < 1:
            raise SearchQueryError("page, per_page and hits_per_vsl must be 1 or more")
        object.__setattr__(self, "added_from", _utc(self.added_from))
        object.__setattr__(self, "added_to", _utc(self.added_to))
        object.__setattr__(self, "currency", self.currency.strip().upper() if self.currency else None)
        if self.keys is not None:
            object.__setattr__(self, "keys", tuple(dict.fromkeys(self.keys)))

    def has_filters(self) -> bool:
        return any(
            getattr(self, name) is not None
            for name in (
                "language",
                "niche",
                "lead_type",
                "awareness",
                "duration_min_s",
                "duration_max_s",
                "pitch_min_s",
                "pitch_max_s",
                "price_min",
                "price_max",
                "currency",
                "player",
                "added_from",
                "added_to",
                "key",
                "keys",
            )
        )


@dataclass(frozen=True)
class Snippet:
    """A segment's text with the matched words located, so each caller renders it safely.

    ``marks`` are (start, end) character offsets into ``text``; ``html()`` escapes the text and
    wraps the marks, so text from a transcript can never inject markup.
    """

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def html(self, tag: str = "mark") -> str:
        out: list[str] = []
        pos = 0
        for start, end in self.marks:
            out.append(html.escape(self.text[pos:start]))
            out.append(f"<{tag}>{html.escape(self.text[start:end])}</{tag}>")
            pos = end
        out.append(html.escape(self.text[pos:]))
        return "".join(out)

    def marked(self, left: str = "[", right: str = "]") -> str:
        """Plain text with the matches bracketed, for a terminal."""
        out: list[str] = []
        pos = 0
        for start, end in self.marks:
            out += [self.text[pos:start], left, self.text[start:end], right]
            pos = end
        out.append(self.text[pos:])
        return "".join(out)


@dataclass(frozen=True)
class Hit:
    """One matching segment: where in the VSL it is said and how well it matches."""

    position: int
    start: float
    end: float
    text: str
    snippet: Snippet
    #: Higher is better; comparable only within one backend and one query.
    score: float


@dataclass(frozen=True)
class VslSummary:
    """The VSL a hit belongs to, with the fields a result list shows and filters on."""

    key: str
    url: str
    title: str | None
    language: str | None
    player: str | None
    duration_s: float | None
    added_at: datetime | None
    niche: str | None
    lead_type: str | None
    awareness: str | None
    pitch_s: float | None
    price: float | None
    currency: str | None
    segment_count: int


@dataclass(frozen=True)
class VslHits:
    """One VSL of the result page: its best hits and how many segments matched in all."""

    vsl: VslSummary
    score: float
    hit_count: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class SearchResults:
    """A page of VSLs; totals count every match, not only this page."""

    query: SearchQuery
    total_vsls: int
    total_hits: int
    vsls: tuple[VslHits, ...]
    #: Things a person should know about how the query was read (e.g. words dropped).
    notes: tuple[str, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_vsls // self.query.per_page))

    def rows(self) -> list[dict[str, Any]]:
        """One flat dict per hit (the ``vsl search --json`` shape)."""
        return [
            {
                "partition_key": g.vsl.key,
                "url": g.vsl.url,
                "title": g.vsl.title,
                "language": g.vsl.language,
                "start": h.start,
                "end": h.end,
                "text": h.text,
                "snippet": h.snippet.marked(),
                "snippet_html": h.snippet.html(),
                "score": h.score,
            }
            for g in self.vsls
            for h in g.hits
        ]


def iter_keys(results: Iterable[VslHits]) -> list[str]:
    """The VSL keys of a page, in rank order (handy for tests and the CLI)."""
    return [g.vsl.key for g in results]
