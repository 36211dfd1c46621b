"""Searching every transcript: one query path for ``vsl search``, ``GET /api/search`` and the search page.

The search page filters with the library's filters (``library.LibraryFilters``, one definition):
``query_from_filters`` says what each means to the index, and saved searches keep a page's query
string per user.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from vsl_assets.db.engine import core_read
from vsl_assets.db.models import Url
from vsl_assets.db.search_models import SavedSearch
from vsl_assets.db.web_models import BoardItem
from vsl_assets.search import SearchBackend, SearchQuery, SearchQueryError, SearchResults
from vsl_assets.services import titles
from vsl_assets.services.library import LibraryFilters
from vsl_assets.storage import validate_key

#: A board with more VSLs than this is searched in its first ones only (a bound on one query's
#: parameters: SQLite takes 32,766, PostgreSQL 65,535); the page says so.
MAX_BOARD_KEYS = 5_000
#: Saved searches kept per user; the oldest go first.
MAX_SAVED = 100
#: The library filters the index knows; any other (status, review, reveal, title text) is not
#: a search filter and is dropped from a saved search's query string.
SEARCH_FILTERS = (
    "language",
    "niche",
    "lead",
    "awareness",
    "price_min",
    "price_max",
    "currency",
    "duration_min",
    "duration_max",
    "pitch_min",
    "pitch_max",
    "board",
)


def search(
    index: SearchBackend, q: str, *, session: Session | None = None, min_confidence: float = 0.0, **filters: Any
) -> SearchResults:
    """Raises :class:`SearchQueryError` with a reason for the person (empty query, bad key...).

    Given a ``session``, each result carries the VSL's display title (:func:`with_titles`)."""
    results = index.search(query_for(q, **filters))
    return with_titles(results, session, min_confidence=min_confidence) if session is not None else results


def with_titles(results: SearchResults, session: Session, *, min_confidence: float) -> SearchResults:
    """The results with each VSL's display title (``services.titles``), read from the database now.

    The index keeps the page title it was built with; joining here means an edited title, or one
    detected since, shows in results at once, without a reindex (one query per results page).
    A result whose title is already the display title is kept as it is (copying a page's 20
    results field by field cost more than the query)."""
    found = titles.titles_for(session, [g.vsl.key for g in results.vsls], min_confidence=min_confidence)
    vsls = tuple(
        dataclasses.replace(g, vsl=dataclasses.replace(g.vsl, title=found[g.vsl.key].text))
        if g.vsl.key in found and found[g.vsl.key].text != g.vsl.title
        else g
        for g in results.vsls
    )
    if all(new is old for new, old in zip(vsls, results.vsls, strict=True)):
        return results
    return dataclasses.replace(results, vsls=vsls)


def _checked_key(key: str | None) -> str | None:
    """A key filter must be a partition key; a bad one is refused with a reason, not searched."""
    if key:
        try:
            validate_key(key)
        except ValueError:
            raise SearchQueryError(f"{key[:80]!r} is not a partition key (see `vsl status`)") from None
    return key or None


def query_for(
    q: str,
    *,
    lang: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    key: str | None = None,
    limit: int = 20,
    page: int = 1,
    hits_per_vsl: int = 3,
    pitch_min: float | None = None,
    pitch_max: float | None = None,
    price_min: float | None = None,
    price_max: float | None = None,
    currency: str | None = None,
) -> SearchQuery:
    """The query the front ends' words mean (blank filters are no filters); a bad key is refused."""
    _checked_key(key)
    return SearchQuery(
        text=q,
        language=lang or None,
        niche=niche or None,
        lead_type=lead or None,
        awareness=awareness or None,
        pitch_min_s=pitch_min,
        pitch_max_s=pitch_max,
        price_min=price_min,
        price_max=price_max,
        currency=currency or None,
        key=key or None,
        per_page=limit,
        page=page,
        hits_per_vsl=hits_per_vsl,
    )


def board_keys(session: Session, board_id: int) -> tuple[str, ...]:
    """The keys of a board's VSLs (at most ``MAX_BOARD_KEYS``, first added first)."""
    rows = session.scalars(
        select(Url.partition_key)
        .join(BoardItem, BoardItem.url_id == Url.id)
        .where(BoardItem.board_id == board_id)
        .order_by(BoardItem.id)
        .limit(MAX_BOARD_KEYS)
    )
    return tuple(rows)


def query_from_filters(
    session: Session,
    q: str,
    f: LibraryFilters,
    *,
    page: int = 1,
    per_page: int = 20,
    hits_per_vsl: int = 3,
    key: str | None = None,
) -> SearchQuery:
    """The search the library's filters mean: the same words filter the same VSLs in both places.

    A board filters to its VSLs; a board that does not exist (or is empty) matches nothing.
    ``key`` searches inside one VSL (the API's and ``vsl search``'s), refused when not a key.
    """
    return SearchQuery(
        text=q,
        language=f.language,
        niche=f.niche,
        lead_type=f.lead,
        awareness=f.awareness,
        duration_min_s=f.duration_min,
        duration_max_s=f.duration_max,
        pitch_min_s=f.pitch_min,
        pitch_max_s=f.pitch_max,
        price_min=f.price_min,
        price_max=f.price_max,
        currency=f.currency,
        keys=board_keys(session, f.board) if f.board is not None else None,
        key=_checked_key(key),
        page=page,
        per_page=per_page,
        hits_per_vsl=hits_per_vsl,
    )


def search_query_string(q: str, f: LibraryFilters) -> str:
    """The search page's query string for words and filters (what a saved search stores)."""
    active = f.active()
    pairs = [("q", q.strip())] if q.strip() else []
    pairs += [(name, str(active[name])) for name in SEARCH_FILTERS if name in active]
    return urlencode(pairs)


def clean_query_string(raw: str) -> str:
    """Only the search page's own fields of a query string, blanks dropped (nothing else is kept)."""
    allowed = {"q", *SEARCH_FILTERS}
    pairs = [(k, v[:1000]) for k, v in parse_qsl(raw[:4000], keep_blank_values=False) if k in allowed and v.strip()]
    return urlencode(pairs)[:4000]


#: A user's saved searches, newest first: the order they are listed in, and the one whose first
#: ``MAX_SAVED`` are kept.
_SAVED_ORDER = (SavedSearch.id.desc(),)


def save_search(session: Session, user_id: int, name: str, query_string: str) -> SavedSearch:
    """Keep a search under a name for its user; the oldest beyond ``MAX_SAVED`` are dropped.

    Raises :class:`SearchQueryError` when there is nothing to save (no words and no filter)."""
    query = clean_query_string(query_string)
    if not query:
        raise SearchQueryError("Nothing to save: type a word or choose a filter first.")
    label = " ".join(name.split())[:120] or " ".join(dict(parse_qsl(query)).get("q", "").split())[:120] or query[:120]
    saved = SavedSearch(user_id=user_id, name=label, query=query)
    session.add(saved)
    session.flush()
    extra = session.scalars(
        select(SavedSearch.id).where(SavedSearch.user_id == user_id).order_by(*_SAVED_ORDER).offset(MAX_SAVED)
    ).all()
    for old_id in extra:
        old = session.get(SavedSearch, old_id)
        if old is not None:
            session.delete(old)
    return saved


def saved_searches(session: Session, user_id: int) -> list[SavedSearch]:
    """A user's saved searches, newest first (only theirs)."""
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(*_SAVED_ORDER)))


#: :func:`saved_search_menu`'s query, built once (the user bound at execution).
_SAVED_MENU = (
    select(SavedSearch.id, SavedSearch.name, SavedSearch.query)
    .where(SavedSearch.user_id == bindparam("user_id"))
    .order_by(*_SAVED_ORDER)
)


def saved_search_menu(session: Session, user_id: int) -> list[Any]:
    """(id, name, query) of a user's saved searches, newest first, as :func:`saved_searches`
    lists them: what the search page shows on every search, read as columns (no objects, no
    query built each time, no ORM execution layer)."""
    return list(core_read(session, _SAVED_MENU, {"user_id": user_id}))


def delete_saved_search(session: Session, user_id: int, saved_id: int) -> bool:
    """Delete one of the user's saved searches; False when it is not theirs or not there."""
    saved = session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user_id:
        return False
    session.delete(saved)
    session.flush()
    return True
