"""The library's queries: a filtered, sorted page of VSL cards, and everything about one VSL.

One SELECT per page (URLs joined to their source, video and breakdown rows, all one-to-one) plus
one COUNT that joins only what the filters read; the filter menus' values are cached briefly; the
default sort pages by keyset (``after`` = the last id seen), so page 500 costs what
page 1 does.

Breakdown fields the engine graded below ``min_confidence`` (``VSL_BREAKDOWN_MIN_CONFIDENCE``) are
unknown here: a card does not show them, a filter does not match them, a sort puts them last; the
VSL's detail lists them under ``unsure`` with their grade and evidence.  A breakdown with no grades
recorded (written before grades existed) is shown as it always was.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Integer, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, defer

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.breakdown.models import is_sure
from vsl_assets.db.engine import JOIN_AS_WRITTEN, PREPARED, core_read
from vsl_assets.db.models import (
    WAIT_STEP,
    Audio,
    BeatRow,
    BreakdownRow,
    DeadLetter,
    Job,
    Source,
    TranscriptRow,
    Url,
    UrlTotal,
    Video,
    field_is_sure,
    sure_value,
)
from vsl_assets.db.watch_models import WatchEvent, WatchPage, WatchVersion
from vsl_assets.db.web_models import BoardItem
from vsl_assets.services import schemas, titles
from vsl_assets.storage import LocalStore, StorageLayout
from vsl_assets.transcription.models import Segment
from vsl_assets.transcription.quality import low_confidence
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS

MAX_LIMIT = 200


@dataclass(frozen=True)
class LibraryFilters:
    status: str | None = None
    language: str | None = None
    niche: str | None = None
    lead: str | None = None
    awareness: str | None = None
    duration_min: float | None = None
    duration_max: float | None = None
    price_min: float | None = None
    price_max: float | None = None
    currency: str | None = None
    #: Seconds: where the offer section starts, and where the product is first named.
    pitch_min: float | None = None
    pitch_max: float | None = None
    reveal_min: float | None = None
    reveal_max: float | None = None
    q: str | None = None
    #: Only VSLs whose transcript needs a person's review (a warning or a low quality score).
    review: bool | None = None
    #: Only the VSLs on this board (its id).
    board: int | None = None
    #: Only VSLs whose (sure) money-back guarantee is this many days.
    guarantee: int | None = None
    #: Only VSLs whose breakdown has this beat (``hook``, ``offer``...).
    beat: str | None = None
    #: Watched pages live at least this many days / with a watch event in the last N days.
    days_live_min: int | None = None
    changed_days: int | None = None
    sort: schemas.Sort = "newest"
    limit: int = 24
    offset: int = 0
    after: int | None = None

    def active(self) -> dict[str, Any]:
        """The filters set (for links that keep them and for the page's form)."""
        return {
            k: v
            for k, v in self.__dict__.items()
            if v not in (None, "") and k not in ("limit", "offset", "after") and not (k == "sort" and v == "newest")
        }


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(query: Any, f: LibraryFilters, min_confidence: float) -> Any:
    def sure(field: str, *conditions: Any) -> Any:
        # The value's own condition first, so its index still narrows the rows.
        return and_(*conditions, field_is_sure(field, min_confidence))

    if f.status:
        query = query.where(Url.status == f.status)
    if f.language:
        query = query.where(BreakdownRow.language == f.language.strip().lower())
    if f.niche:
        niche = f.niche.strip().lower()
        query = query.where(sure("niche", or_(BreakdownRow.niche == niche, BreakdownRow.niche_top == niche)))
    if f.lead:
        query = query.where(sure("lead_type", BreakdownRow.lead_type == f.lead))
    if f.awareness:
        query = query.where(sure("awareness", BreakdownRow.awareness == f.awareness))
    if f.duration_min is not None:
        query = query.where(Video.duration_s >= f.duration_min)
    if f.duration_max is not None:
        query = query.where(Video.duration_s <= f.duration_max)
    if f.price_min is not None:
        query = query.where(sure("offer_price", BreakdownRow.offer_amount >= f.price_min))
    if f.price_max is not None:
        query = query.where(sure("offer_price", BreakdownRow.offer_amount <= f.price_max))
    if f.currency:
        query = query.where(sure("offer_price", BreakdownRow.offer_currency == f.currency.strip().upper()))
    if f.pitch_min is not None:
        query = query.where(sure("pitch_s", BreakdownRow.pitch_s >= f.pitch_min))
    if f.pitch_max is not None:
        query = query.where(sure("pitch_s", BreakdownRow.pitch_s <= f.pitch_max))
    if f.reveal_min is not None:
        query = query.where(sure("product_reveal_s", BreakdownRow.product_reveal_s >= f.reveal_min))
    if f.reveal_max is not None:
        query = query.where(sure("product_reveal_s", BreakdownRow.product_reveal_s <= f.reveal_max))
    if f.review:
        query = query.where(TranscriptRow.needs_review.is_(True))
    if f.q and f.q.strip():
        pattern = _like(f.q.strip()[:200])
        query = query.where(
            or_(
                Url.url.ilike(pattern, escape="\\"),
                Url.title.ilike(pattern, escape="\\"),
                Source.title.ilike(pattern, escape="\\"),
                Url.page_title.ilike(pattern, escape="\\"),
            )
        )
    if f.board is not None:
        query = query.where(Url.id.in_(select(BoardItem.url_id).where(BoardItem.board_id == f.board)))
    if f.guarantee is not None:
        query = query.where(sure("guarantee_days", BreakdownRow.guarantee_days == f.guarantee))
    if f.beat:
        query = query.where(Url.id.in_(select(BeatRow.url_id).where(BeatRow.beat == f.beat.strip())))
    if f.days_live_min is not None:
        query = query.where(Url.id.in_(select(WatchPage.url_id).where(WatchPage.days_live >= f.days_live_min)))
    if f.changed_days is not None:
        since = datetime.now(UTC) - timedelta(days=f.changed_days)
        query = query.where(Url.id.in_(select(WatchEvent.url_id).where(WatchEvent.at >= since)))
    # A watched page's later versions are shown on its page (one card per VSL, "3 versions").
    return query.where(Url.id.not_in(_LATER_VERSIONS))


#: The URLs that are a watched page's later versions (never a card of their own).
_LATER_VERSIONS = select(WatchVersion.version_url_id).where(WatchVersion.number > 1)


def filtered(query: Any, f: LibraryFilters, min_confidence: float) -> Any:
    """``query`` (over ``urls`` joined to its card tables) narrowed by the library's filters: the
    one definition of what each filter means, for the library, search scopes and insights."""
    return _filtered(query, f, min_confidence)


def joined(query: Any) -> Any:
    """``query`` over ``urls`` and its one-to-one card tables (source, video, breakdown, transcript)."""
    return _joined(query)


def _joined(query: Any) -> Any:
    """The card's tables: all one-to-one with ``urls``, so the join never multiplies rows."""
    return (
        query.select_from(Url)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(Video, Video.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
        .outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
        .outerjoin(WatchPage, WatchPage.url_id == Url.id)
    )


#: Filters (and paging fields) that read no breakdown column: any other set filter joins ``breakdowns``.
_NOT_BREAKDOWN = frozenset(
    {
        "status",
        "q",
        "duration_min",
        "duration_max",
        "review",
        "board",
        "beat",
        "days_live_min",
        "changed_days",
        "sort",
        "limit",
        "offset",
        "after",
    }
)


def _tables_read(f: LibraryFilters, *, sort: bool) -> tuple[Any, ...]:
    """The one-to-one tables ``f``'s filters read besides ``urls`` (and, with ``sort``, its sort's), in
    ``_joined``'s order: what the count and a filtered page's ids join, nothing more."""
    # ``f.active()`` keeps 0 (``price_min=0`` still filters); ``review=False`` filters nothing.
    active = {k for k, v in f.active().items() if v is not False}
    if not sort:
        active.discard("sort")
    needs: set[Any] = set()
    if f.q and f.q.strip():
        needs.add(Source)
    if active & {"duration_min", "duration_max"}:
        needs.add(Video)
    if "review" in active:
        needs.add(TranscriptRow)
    if active - _NOT_BREAKDOWN:
        needs.add(BreakdownRow)
    if "sort" in active:
        needs.update(_SORT_TABLES[f.sort.lstrip("-")])
    return tuple(t for t in (Source, Video, BreakdownRow, TranscriptRow, WatchPage) if t in needs)


#: The tables each sort reads besides ``urls`` (``_order``).
_SORT_TABLES: dict[str, tuple[Any, ...]] = {
    "newest": (),
    "oldest": (),
    "duration": (Video,),
    "price": (BreakdownRow,),
    "title": (Source, BreakdownRow),
    "days_live": (WatchPage,),
}


def _join_only(query: Any, tables: tuple[Any, ...]) -> Any:
    """``query`` over ``urls`` outer-joined to ``tables`` only (each one-to-one by ``url_id``, so
    leaving an unused one out never changes a count or an order)."""
    query = query.select_from(Url)
    for table in tables:
        query = query.outerjoin(table, table.url_id == Url.id)
    return query


def _count_joins(query: Any, f: LibraryFilters) -> Any:
    """The count joins only the tables a filter reads: counting 10,000 URLs through three outer
    joins cost ~12 ms on SQLite, ``count(*)`` of ``urls`` alone ~0.05 ms (SQLite counts the
    smallest index; ``count(urls.id)`` walks the table, ~1 ms).  The joins are one-to-one, so
    leaving an unused one out never changes the count."""
    return _join_only(query, _tables_read(f, sort=False))


@functools.lru_cache(maxsize=64)  # built once per sort and threshold (see _card_columns)
def _order(sort: schemas.Sort, min_confidence: float) -> tuple[Any, ...]:
    """Missing (and not-sure) values sort last in both directions and on both databases
    (PostgreSQL puts NULL first in DESC)."""
    price = sure_value(BreakdownRow.offer_amount, "offer_price", min_confidence)
    orders: dict[str, tuple[Any, ...]] = {
        "newest": (Url.id.desc(),),
        "oldest": (Url.id.asc(),),
        "duration": (Video.duration_s.asc().nulls_last(), Url.id.desc()),
        "-duration": (Video.duration_s.desc().nulls_last(), Url.id.desc()),
        "price": (price.asc().nulls_last(), Url.id.desc()),
        "-price": (price.desc().nulls_last(), Url.id.desc()),
        "title": (titles.sort_key(min_confidence).asc().nulls_last(), Url.id.desc()),
        "-days_live": (WatchPage.days_live.desc().nulls_last(), Url.id.desc()),
        "days_live": (WatchPage.days_live.asc().nulls_last(), Url.id.desc()),
    }
    return orders[sort]


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


#: The breakdown columns a card shows, from the one definition (``breakdown.columns``).
CARD_COLUMNS = breakdown_columns.on_card()


def _graded_by(c: breakdown_columns.BreakdownColumn) -> str:
    assert c.field is not None, f"a card column must be graded: {c.name}"
    return c.field


def sure_columns(
    columns: Iterable[breakdown_columns.BreakdownColumn],
    name: Callable[[breakdown_columns.BreakdownColumn], str | None],
    t: float,
) -> tuple[Any, ...]:
    """Each column where its graded field is sure at ``t`` (else NULL), labelled ``name(column)``:
    the library's cards and the boards' read the breakdown's columns this one way."""
    out = []
    for c in columns:
        label = name(c)
        assert label is not None, f"{c.name} has no name here"
        out.append(sure_value(getattr(BreakdownRow, c.name), _graded_by(c), t).label(label))
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _card_columns(t: float) -> tuple[Any, ...]:
    """The card's columns for a confidence threshold, built once: SQLAlchemy expressions are
    immutable, and building the confidence checks anew cost ~1 ms per list, more than the query."""
    return (
        Url.id,
        Url.partition_key,
        Url.url,
        Url.status,
        Url.reason,
        Url.created_at,
        Url.alias_of,
        *titles.title_columns(t),
        Video.duration_s,
        BreakdownRow.language,
        *sure_columns(CARD_COLUMNS, lambda c: c.card, t),
        BreakdownRow.duration_s.label("breakdown_duration"),
        TranscriptRow.needs_review,
        TranscriptRow.quality_score,
        WatchPage.days_live,
        WatchPage.down_since,
        select(func.count(WatchVersion.id)).where(WatchVersion.url_id == Url.id).scalar_subquery().label("versions"),
    )


def _title_fields(title: titles.Title) -> dict[str, Any]:
    return {"title": title.text, "title_source": title.source}


#: Cards made, by the values of the row they were made from (a row determines its card: the
#: threshold is applied in SQL); made anew, a list's 24 cards cost ~0.25 ms (titles, the
#: model's validation), a tenth of the library's Python.  The oldest are dropped beyond this.
MAX_CARDS = 4096
_cards: dict[tuple[Any, ...], schemas.VslCard] = {}
_cards_lock = threading.Lock()


def _card(r: Any) -> schemas.VslCard:
    """A row selected with :func:`_card_columns` as the card every list shows (shared: read only)."""
    key = tuple(r)
    found = _cards.get(key)
    if found is None:
        found = _make_card(r)
        with _cards_lock:  # lists run in threadpool threads: one eviction at a time
            while len(_cards) >= MAX_CARDS:
                del _cards[next(iter(_cards))]
            _cards[key] = found
    return found


def _make_card(r: Any) -> schemas.VslCard:
    return schemas.VslCard(
        partition_key=r.partition_key,
        url=r.url,
        host=host_of(r.url),
        **_title_fields(titles.title_of(r)),
        alias=r.alias_of is not None,
        status=r.status,
        reason=r.reason,
        duration_s=r.duration_s if r.duration_s is not None else r.breakdown_duration,
        language=r.language,
        **{c.card: getattr(r, c.card) for c in CARD_COLUMNS if c.card},
        created_at=r.created_at,
        needs_review=bool(r.needs_review),
        transcript_quality=r.quality_score,
        days_live=r.days_live,
        down_since=r.down_since,
        versions=r.versions or None,
    )


def cards_for(session: Session, keys: list[str], *, min_confidence: float) -> dict[str, schemas.VslCard]:
    """The cards of these VSLs (a board's), by key: the same columns and rules as the library's."""
    out = _cards_of(session, keys, min_confidence)
    named = _newest_facts(session, _named_aliases(session, list(out.values()), min_confidence), min_confidence)
    return {c.partition_key: c for c in named}


def _cards_of(session: Session, keys: Iterable[str], t: float) -> dict[str, schemas.VslCard]:
    wanted = list(keys)
    out: dict[str, schemas.VslCard] = {}
    columns = _card_columns(t)
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        out.update(
            (r.partition_key, _card(r))
            for r in session.execute(_joined(select(*columns)).where(Url.partition_key.in_(part)))
        )
    return out


#: What a watched page's card shows of its newest analysed version (what the page sells now): the
#: breakdown's card columns, the duration, the language and the transcript's flags.  The page's
#: own stay: its key, address, title (a person renames the page), status, and its life and versions.
VERSION_FACTS = (
    "duration_s",
    "language",
    *(c.card for c in CARD_COLUMNS if c.card),
    "needs_review",
    "transcript_quality",
)


def _newest_facts(session: Session, cards: list[schemas.VslCard], t: float) -> list[schemas.VslCard]:
    """Cards of watched pages with later versions show their newest analysed version's facts:
    version 1's price and length, shown after the page had swapped its video, were what it no
    longer sold.  Two queries, only when a card on the list has versions; a version not analysed
    yet leaves the facts of the one before it.  The shared cached cards are copied, never changed."""
    pages = [c.partition_key for c in cards if c.versions and c.versions > 1]
    if not pages:
        return cards
    page, version = aliased(Url), aliased(Url)
    newest: dict[str, str] = {}
    for page_key, version_key in session.execute(
        select(page.partition_key, version.partition_key)
        .join(WatchVersion, WatchVersion.url_id == page.id)
        .join(version, version.id == WatchVersion.version_url_id)
        .where(
            page.partition_key.in_(pages),
            WatchVersion.number > 1,
            exists().where(BreakdownRow.url_id == version.id),
        )
        .order_by(page.id, WatchVersion.number)
    ):
        newest[page_key] = version_key  # ordered by number: the last one wins
    if not newest:
        return cards
    found = _cards_of(session, newest.values(), t)
    out = []
    for card in cards:
        latest = found.get(newest.get(card.partition_key, ""))
        if latest is not None:
            card = card.model_copy(update={name: getattr(latest, name) for name in VERSION_FACTS})
        out.append(card)
    return out


def _named_aliases(session: Session, cards: list[schemas.VslCard], t: float) -> list[schemas.VslCard]:
    """Cards of aliases with no title of their own called by their original's title (one query,
    only when such a card is in the list); the shared cached cards are copied, never changed."""
    untitled = [c.partition_key for c in cards if c.alias and c.title_source == "none"]
    if not untitled:
        return cards
    found = titles.alias_titles(session, untitled, min_confidence=t)
    return [
        c.model_copy(update=_title_fields(found[c.partition_key])) if c.partition_key in found else c for c in cards
    ]


def _count(f: LibraryFilters, t: float) -> Any:
    """How many cards ``f`` matches, as one scalar query.

    With no filter it is every URL less the later versions: the URLs from ``url_total`` (one row
    the database keeps equal to ``count(*)``; counting cost PostgreSQL an index walk of every URL,
    ~0.9 ms at 10,000 VSLs, SQLite ~0.05 ms), the versions counted (a few rows; ``NOT IN`` made
    both databases visit every URL).  Exact: the versions are a subset of ``urls`` (a foreign
    key) and listed once each (a unique constraint); ``url_total`` is written in the same
    transactions as the URLs, so the statement reads both in one snapshot."""
    if not f.active() or f.active() == {"sort": f.sort}:
        everything = select(UrlTotal.n).where(UrlTotal.id == 1).correlate(None).scalar_subquery()
        versions = select(func.count()).select_from(Url).where(Url.id.in_(_LATER_VERSIONS)).correlate(None)
        return select(everything - versions.scalar_subquery()).correlate(None)
    # correlate(None): inside the page's query (FROM urls) it must still count every URL.
    return _filtered(_count_joins(select(func.count()), f), f, t).correlate(None)


#: The cursor's bind parameter in a cached page statement, and the page's ids in the cards' one.
_AFTER = "vsl_after"
_IDS = "vsl_ids"
_KEYSET_SORTS = ("newest", "oldest")


def _page_statements(f: LibraryFilters, t: float) -> tuple[Any, Any, bool]:
    """(the page's statement with its total, the total alone, whether the statement selects the
    cards themselves) for ``f``.

    The whole library sorted by id (newest, oldest): SQLite and PostgreSQL walk the primary key,
    join each row's one-to-one tables by their unique ``url_id`` and stop after the page, so the
    statement selects the cards themselves, its tables joined in the order written (see
    ``JOIN_AS_WRITTEN``); with a cursor (``f.after`` set) it takes it as the ``vsl_after``
    parameter.

    Anything else (a filter, or a sort by price, duration, title, days live) picks the page's ids
    from ``urls`` joined only to the tables its filters and sort read, in the order the database
    chooses, and only those rows get the card's columns (``_cards_by_id``).  Sorting 10,000 full
    cards to keep 24 cost most of a sorted page; and a filter on a joined table (niche, lead,
    price, duration) turns its outer join into an inner one, where the written order made
    PostgreSQL build ``urls`` joined to every source and video first and then probe it once per
    matching breakdown: ~1 s at 10,000 VSLs when its estimate of the breakdowns' rows was low
    (``benchmarks/bench_pages.py``).  Joined only to what they read, PostgreSQL starts from the
    matching breakdowns and reaches ``urls`` and ``videos`` through their unique indexes."""
    count_query = _count(f, t)
    total = count_query.scalar_subquery().label("vsl_total")
    limit = max(1, min(f.limit, MAX_LIMIT))
    offset = max(0, f.offset)
    whole = f.sort in _KEYSET_SORTS and not (f.active().keys() - {"sort"})
    if whole:
        query = _filtered(_joined(select(*_card_columns(t), total)), f, t)
        # Prepared on PostgreSQL: the same plan for every view and cursor (see PREPARED).
        kept = (_AFTER,) if f.sort in _KEYSET_SORTS and f.after is not None else ()
        query = query.execution_options(**{JOIN_AS_WRITTEN: True, PREPARED: kept})
    else:
        query = _filtered(_join_only(select(Url.id, total), _tables_read(f, sort=True)), f, t)
    if f.sort in _KEYSET_SORTS and f.after is not None:
        after = bindparam(_AFTER, type_=Integer)
        query = query.where(Url.id < after if f.sort == "newest" else Url.id > after)
        offset = 0
    return query.order_by(*_order(f.sort, t)).limit(limit).offset(offset), count_query, whole


#: Statements built once per set of filters: building one (joins, filters, the total) and
#: SQLAlchemy's cache key for it cost more Python than running it (~1 ms of a ~2.5 ms list on
#: SQLite); a built statement keeps its cache key.  The cursor is a parameter, so paging
#: through the library reuses one statement.  Filters that read the clock, and free text, are
#: never cached.
_cached_page_statements = functools.lru_cache(maxsize=64)(_page_statements)


@functools.lru_cache(maxsize=16)
def _cards_by_id(t: float) -> Any:
    """The card columns of the page's ids (the ``vsl_ids`` parameter), built once per threshold."""
    ids: Any = bindparam(_IDS, expanding=True)
    return _joined(select(*_card_columns(t))).where(Url.id.in_(ids)).execution_options(**{JOIN_AS_WRITTEN: True})


def list_vsls(
    session: Session, f: LibraryFilters, *, min_confidence: float, newest_facts: bool = True
) -> schemas.VslPage:
    """One page of cards and the total: one statement for the whole library sorted by id (one
    round trip to PostgreSQL), two for a filter or another sort (see ``_page_statements``).

    ``newest_facts``: a watched page's card shows its newest analysed version's facts
    (:func:`_newest_facts`); the compare picker, whose box picks the page's own version, asks
    for the page's own."""
    t = min_confidence
    limit = max(1, min(f.limit, MAX_LIMIT))
    keyset = f.after is not None and f.sort in _KEYSET_SORTS
    offset = 0 if keyset else max(0, f.offset)
    if f.changed_days is not None or f.q:  # relative to now; free text (not worth keeping)
        query, count_query, cards = _page_statements(f, t)
    else:
        query, count_query, cards = _cached_page_statements(replace(f, after=0 if keyset else None), t)
    rows = core_read(session, query, {_AFTER: f.after} if keyset else None).all()
    if rows:
        total = rows[0].vsl_total or 0
    else:  # past the end (or nothing matches): the total on its own
        total = (session.scalar(count_query) or 0) if (offset or f.after is not None) else 0
    if not cards and rows:
        page_ids = [r.id for r in rows]
        found = {r.id: r for r in core_read(session, _cards_by_id(t), {_IDS: page_ids})}
        rows = [found[i] for i in page_ids if i in found]  # (one removed in between: not shown)
    items = _named_aliases(session, [_card(r) for r in rows], t)
    if newest_facts:
        items = _newest_facts(session, items, t)
    next_after = rows[-1].id if len(rows) == limit and f.sort in ("newest", "oldest") else None
    return schemas.VslPage(items=items, total=total, limit=limit, offset=offset, next_after=next_after)


#: The filter menus' values change when a new niche or language first appears: recomputing them
#: (five DISTINCT scans) on every library view cost more than the page itself.
FACETS_TTL_S = 30.0
_facets_cache: dict[str, tuple[float, dict[str, list[str]]]] = {}


def facets(session: Session) -> dict[str, list[str]]:
    """The values the filter menus offer (what the breakdowns hold), at most ``FACETS_TTL_S`` old."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    cached = _facets_cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[0] < FACETS_TTL_S:
        return cached[1]
    out = _facets(session)
    _facets_cache[key] = (now, out)
    return out


def _facets(session: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, column in (("language", "language"), *breakdown_columns.menus()):
        out[name] = sorted(v for v in session.scalars(select(getattr(BreakdownRow, column)).distinct()) if v)
    out["status"] = sorted(v for v in session.scalars(select(Url.status).distinct()) if v)
    return out


#: The stored segment's fields :func:`low_confidence` reads besides its text.
_SIGNALS = ("avg_logprob", "no_speech_prob", "compression_ratio")


def _doubted(segment: dict[str, Any]) -> bool:
    """The stored segment's quality signals say low confidence (a malformed row says nothing).

    A VSL page reads 900 segments, each with its words: parsed whole only when the signals,
    read without the words, say doubt (what a malformed word list must still overrule); a segment
    with no signal (the API engines') is never doubted, so it is not parsed at all."""
    if all(segment.get(name) is None for name in _SIGNALS):
        return False
    try:
        if not low_confidence(Segment.from_dict({**segment, "words": []})):
            return False
        Segment.from_dict(segment)  # the words too: a malformed row says nothing
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def detail(session: Session, key: str, *, min_confidence: float) -> schemas.VslDetail | None:
    found = detail_and_id(session, key, min_confidence=min_confidence)
    return found[0] if found is not None else None


#: A VSL's row and its one-to-one rows, in one statement (six, one per table, before).  The
#: transcript's plain text is left in the database: the detail shows its timed segments, and the
#: text is ~50 KB for an hour of speech on every view of a VSL's page.
_DETAIL_ROWS = (
    select(Url, Source, Video, Audio, TranscriptRow, BreakdownRow)
    .outerjoin(Source, Source.url_id == Url.id)
    .outerjoin(Video, Video.url_id == Url.id)
    .outerjoin(Audio, Audio.url_id == Url.id)
    .outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
    .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
    .options(defer(TranscriptRow.text))
)


def detail_and_id(session: Session, key: str, *, min_confidence: float) -> tuple[schemas.VslDetail, int] | None:
    """:func:`detail` and the VSL's row id (what the VSL page's other panels look up by)."""
    row = session.execute(_DETAIL_ROWS.where(Url.partition_key == key)).first()
    if row is None:
        return None
    url, source, video, audio, transcript, breakdown = row
    original = session.scalar(select(Url.partition_key).where(Url.id == url.alias_of)) if url.alias_of else None
    aliases = list(session.scalars(select(Url.partition_key).where(Url.alias_of == url.id).order_by(Url.id)))
    named = titles.titles_for(
        session, [key, *([original] if original else []), *aliases], min_confidence=min_confidence
    )
    title = named[key]
    if original and title.source == "none":  # an alias with no name of its own: its original's
        title = named[original]
    beats = session.scalars(select(BeatRow).where(BeatRow.url_id == url.id).order_by(BeatRow.position)).all()
    jobs = session.scalars(select(Job).where(Job.url_id == url.id, Job.step != WAIT_STEP).order_by(Job.id)).all()
    letters = session.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id).order_by(DeadLetter.id)).all()
    # Every value is converted right here (900 per long VSL); pydantic's validating constructor
    # (its Rust core) is still twice as fast as ``model_construct`` (Python), ~1 ms a long VSL.
    segments = [
        schemas.SegmentOut(
            start=float(s["start"]),
            end=float(s["end"]),
            text=str(s.get("text") or "").strip(),
            low_confidence=_doubted(s),
        )
        for s in (transcript.segments if transcript is not None else [])
    ]
    out = schemas.VslDetail(
        partition_key=url.partition_key,
        url=url.url,
        **_title_fields(title),
        detected_title=title.detected,
        detected_title_source=title.detected_source,
        custom_title=title.custom,
        alias_of=schemas.VslRef(partition_key=original, title=named[original].text) if original else None,
        aliases=[schemas.VslRef(partition_key=k, title=named[k].text) for k in aliases],
        status=url.status,
        reason=url.reason,
        created_at=url.created_at,
        updated_at=url.updated_at,
        source=schemas.SourceOut(
            page_url=source.page_url,
            stream_url=source.stream_url,
            player=source.kind,
            title=source.title,
            cta_seconds=source.cta_seconds,
            cta_source=source.cta_source,
            drm=source.drm,
        )
        if source is not None
        else None,
        video=schemas.MediaOut(
            size_bytes=video.size_bytes,
            duration_s=video.duration_s,
            codec=video.video_codec,
            width=video.width,
            height=video.height,
            bitrate=video.bitrate,
        )
        if video is not None
        else None,
        audio=schemas.MediaOut(
            size_bytes=audio.size_bytes,
            duration_s=audio.duration_s,
            codec=audio.codec,
            bitrate=audio.bitrate,
            sample_rate=audio.sample_rate,
            channels=audio.channels,
        )
        if audio is not None
        else None,
        language=transcript.language if transcript is not None else None,
        language_probability=transcript.language_probability if transcript is not None else None,
        language_source=transcript.language_source if transcript is not None else None,
        language_note=transcript.language_note if transcript is not None else None,
        url_language=url.language,
        speech_coverage=transcript.speech_coverage if transcript is not None else None,
        transcript_warnings=[
            schemas.TranscriptWarningOut(kind=str(w.get("kind", "")), message=str(w.get("message", "")))
            for w in ((transcript.warnings or []) if transcript is not None else [])
        ],
        segments=segments,
        breakdown=_breakdown(breakdown, beats, min_confidence) if breakdown is not None else None,
        jobs=[
            schemas.JobOut(
                step=j.step,
                run_id=j.run_id,
                attempt=j.attempt,
                outcome=j.outcome,
                error=j.error,
                started_at=j.started_at,
                finished_at=j.finished_at,
            )
            for j in jobs
        ],
        dead_letters=[
            schemas.DeadLetterOut(
                step=d.step,
                run_id=d.run_id,
                error_class=d.error_class,
                message=d.message,
                attempt=d.attempt,
                created_at=d.created_at,
                retried_at=d.retried_at,
            )
            for d in letters
        ],
    )
    return out, url.id


#: The API's columns each breakdown field fills: withheld together when the field is not sure.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = breakdown_columns.graded(lambda c: c.name if c.api else None)
#: The API's breakdown columns (``BreakdownOut``'s value fields), from the one definition.
API_COLUMNS: tuple[str, ...] = tuple(c.name for c in breakdown_columns.COLUMNS if c.api)


def _breakdown(b: BreakdownRow, beats: Any, min_confidence: float) -> schemas.BreakdownOut:
    data = b.data or {}
    evidence = data.get("evidence") or {}
    evidence = evidence if isinstance(evidence, dict) else {}
    grades = b.confidence or {}
    values = {column: getattr(b, column) for column in API_COLUMNS}
    unsure: dict[str, schemas.UnsureOut] = {}
    for name, columns in FIELD_COLUMNS.items():
        if values[columns[0]] is None or is_sure(grades, name, min_confidence):
            continue
        unsure[name] = schemas.UnsureOut(confidence=float(grades[name]), evidence=evidence.get(name))
        values.update(dict.fromkeys(columns))
    return schemas.BreakdownOut(
        page_pitch_s=b.page_pitch_s,
        evidence=evidence,
        confidence={str(k): float(v) for k, v in grades.items()},
        min_confidence=min_confidence,
        unsure=unsure,
        prices=[schemas.PriceMentionOut.model_validate(m) for m in data.get("prices") or []],
        beats=[schemas.BeatOut(beat=x.beat, start_s=x.start_s, end_s=x.end_s, quote=x.quote) for x in beats],
        **values,
    )


@dataclass(frozen=True)
class StoredFiles:
    """Which of a VSL's files are in the store: what its page (and a share link's) may link to."""

    video: bool
    #: The transcript formats present, in ``OUTPUT_EXTENSIONS`` order.
    transcripts: tuple[str, ...]


def stored_files(store: LocalStore, layout: StorageLayout, key: str) -> StoredFiles:
    """One listing of the key's files, local or in the shared store (not one request per file)."""
    stored = set(store.names_of(key))
    return StoredFiles(
        video=layout.relative_name(layout.video_path(key)) in stored,
        transcripts=tuple(
            f for f in OUTPUT_EXTENSIONS if layout.relative_name(layout.transcript_path(key, f)) in stored
        ),
    )
