"""The library's filters read from a query string: one definition for the library page, the
library API, the search page and the insights links, so a filter means the same everywhere.

The filters themselves are ``services.library.LibraryFilters``; this is only how the web reads
them (blank form fields are no filter, numbers bounded) and applies them for the signed-in user.
A route takes them as ``ApiFilters`` or ``PageFilters``, the one way filters reach a route: both
are already ``for_viewer``, so a new route cannot forget that a board filter is the viewer's
(``vsl_assets_tests/web/test_search_page.py`` checks every route of the app).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import Depends, HTTPException, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from vsl_assets.db import UrlStatus
from vsl_assets.search.text import LANGUAGES, normalise_language
from vsl_assets.services import boards, library, schemas
from vsl_assets.web.deps import ApiUser, Db, PageUser
from vsl_assets.web.limits import MAX_ID

__all__ = [
    "ApiFilters",
    "ApiSearchFilters",
    "PageFilters",
    "PageSearchFilters",
    "for_viewer",
    "library_filters",
    "search_filters",
    "search_language",
]

#: No board has this id: a board filter the viewer may not use matches nothing.
NO_BOARD = 0


def _blank_is_none(value: object) -> object:
    """A filter form submits empty fields as ``?price_min=``: that means no filter, not an error."""
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_is_none)
NonNegative = Annotated[float, Field(ge=0)]
#: Ids are 32-bit on PostgreSQL: a larger cursor is refused (422) instead of overflowing (500).
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_ID)]


#: One annotation per filter, shared by the library's reading and the search API's, so a filter
#: is bounded and described the same way wherever it is read.
Seconds = Annotated[NonNegative | None, Blank, Query(description="seconds")]
Amount = Annotated[NonNegative | None, Blank, Query()]
PitchFrom = Annotated[NonNegative | None, Blank, Query(description="seconds: offer section starts at or after")]
BoardId = Annotated[
    Annotated[int, Field(ge=1, le=MAX_ID)] | None, Blank, Query(description="only the VSLs on this board (its id)")
]


#: A URL's status is one of the pipeline's (a made-up one matched nothing and still counted as a
#: filter set: "Filtros (1)" over an empty library, a new user's trial): 422 "not one of the choices".
Status = Annotated[UrlStatus | None, Blank, Query(description="the URL's pipeline status")]


async def library_filters(  # async: plain validation, no trip to the threadpool
    status: Status = None,
    language: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    duration_min: Seconds = None,
    duration_max: Seconds = None,
    price_min: Amount = None,
    price_max: Amount = None,
    currency: str | None = None,
    pitch_min: PitchFrom = None,
    pitch_max: Seconds = None,
    reveal_min: Annotated[
        NonNegative | None, Blank, Query(description="seconds: product first named at or after")
    ] = None,
    reveal_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in the title or URL")] = None,
    review: Annotated[bool | None, Blank, Query(description="only transcripts that need review")] = None,
    board: BoardId = None,
    guarantee: Annotated[
        Annotated[int, Field(ge=0, le=10_000)] | None, Blank, Query(description="money-back guarantee, days")
    ] = None,
    beat: Annotated[str | None, Query(max_length=32, description="has this beat (hook, offer...)")] = None,
    # The bounds sit on the int, not on Query: a blank field (None after Blank) must not meet "ge".
    days_live_min: Annotated[
        Annotated[int, Field(ge=0, le=100_000)] | None,
        Blank,
        Query(description="watched pages live at least this many days"),
    ] = None,
    changed_days: Annotated[
        Annotated[int, Field(ge=1, le=100_000)] | None,
        Blank,
        Query(description="watched pages with a change in the last N days"),
    ] = None,
    sort: schemas.Sort = "newest",
    limit: Annotated[int, Query(ge=1, le=library.MAX_LIMIT)] = 24,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    after: Annotated[
        NonNegativeInt | None, Blank, Query(description="keyset cursor: next_after of the previous page")
    ] = None,
) -> library.LibraryFilters:
    return library.LibraryFilters(
        status=status.value if status else None,
        language=language or None,
        niche=niche or None,
        lead=lead or None,
        awareness=awareness or None,
        duration_min=duration_min,
        duration_max=duration_max,
        price_min=price_min,
        price_max=price_max,
        currency=currency or None,
        pitch_min=pitch_min,
        pitch_max=pitch_max,
        reveal_min=reveal_min,
        reveal_max=reveal_max,
        q=q or None,
        review=review or None,
        board=board,
        guarantee=guarantee,
        beat=beat or None,
        days_live_min=days_live_min,
        changed_days=changed_days,
        sort=sort,
        limit=limit,
        offset=offset,
        after=after,
    )


#: The filters as the query string says them: only for the two dependencies below.
_Query = Annotated[library.LibraryFilters, Depends(library_filters)]


async def search_filters(
    language: Annotated[
        str | None, Query(max_length=40, description="pt, en or es (also `lang`); another value is refused")
    ] = None,
    lang: Annotated[str | None, Query(max_length=40, description="the same as `language`")] = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    duration_min: Seconds = None,
    duration_max: Seconds = None,
    price_min: Amount = None,
    price_max: Amount = None,
    currency: str | None = None,
    pitch_min: PitchFrom = None,
    pitch_max: Seconds = None,
    board: BoardId = None,
) -> library.LibraryFilters:
    """The library's filters that the search index knows (``services.search.SEARCH_FILTERS``), read
    with the same annotations as the library's; the search API's own ``q`` and ``limit`` are words
    and VSLs per page, so they are not read here.

    The language must be one the index knows: a free-text value would silently find nothing."""
    given = {v for v in (language, lang) if v is not None and v.strip()}
    codes = {search_language(v) for v in given}
    if len(codes) > 1:
        raise HTTPException(status_code=422, detail=f"language and lang disagree ({', '.join(sorted(given))})")
    return library.LibraryFilters(
        language=codes.pop() if codes else None,
        niche=niche or None,
        lead=lead or None,
        awareness=awareness or None,
        duration_min=duration_min,
        duration_max=duration_max,
        price_min=price_min,
        price_max=price_max,
        currency=currency or None,
        pitch_min=pitch_min,
        pitch_max=pitch_max,
        board=board,
    )


def search_language(value: str) -> str:
    """A language filter as the index keys it (``pt-BR``, ``Portuguese`` -> ``pt``); anything else
    is a 422 naming the values allowed, since the index holds no other language."""
    code = normalise_language(value)
    if code is None:
        raise HTTPException(
            status_code=422,
            detail=f"language {value.strip()[:40]!r} is not one the search knows: use one of {', '.join(LANGUAGES)}",
        )
    return code


_SearchQuery = Annotated[library.LibraryFilters, Depends(search_filters)]


def for_viewer(session: Session, filters: library.LibraryFilters, user_id: int) -> library.LibraryFilters:
    """The filters as this user may apply them: a board they cannot see (another user's private
    board, a deleted one) filters to nothing, as a missing board does, so its contents never leak
    through the library, the search page, the insights or an export."""
    if filters.board is None or boards.board_for(session, filters.board, user_id) is not None:
        return filters
    return dataclasses.replace(filters, board=NO_BOARD)


async def _for_viewer(session: Session, filters: library.LibraryFilters, user_id: int) -> library.LibraryFilters:
    """:func:`for_viewer` as a dependency needs it: async, so that filters without a board (nearly
    every list) cost no trip to the threadpool; a board is looked up there."""
    if filters.board is None:
        return filters
    return await run_in_threadpool(for_viewer, session, filters, user_id)


async def api_filters(filters: _Query, session: Db, user: ApiUser) -> library.LibraryFilters:
    """An API route's filters, as its caller (token or session) may apply them."""
    return await _for_viewer(session, filters, user.user_id)


async def page_filters(filters: _Query, session: Db, user: PageUser) -> library.LibraryFilters:
    """A page's filters, as the signed-in user may apply them."""
    return await _for_viewer(session, filters, user.user_id)


#: The library's filters for the caller (FastAPI caches ``ApiUser``/``PageUser`` and ``Db`` per
#: request, so the route's own user and session are the same objects).
ApiFilters = Annotated[library.LibraryFilters, Depends(api_filters)]
PageFilters = Annotated[library.LibraryFilters, Depends(page_filters)]


async def api_search_filters(filters: _SearchQuery, session: Db, user: ApiUser) -> library.LibraryFilters:
    """The search API's filters (:func:`search_filters`), as its caller may apply them."""
    return await _for_viewer(session, filters, user.user_id)


#: The search index's filters for the API's caller: a board they may not see matches nothing.
ApiSearchFilters = Annotated[library.LibraryFilters, Depends(api_search_filters)]


async def page_search_filters(filters: _SearchQuery, session: Db, user: PageUser) -> library.LibraryFilters:
    """The search page's filters: the search API's (a language the index does not know is a 422
    that says which it knows), as the signed-in user may apply them (async, as the others: a
    search without a board costs no trip to the threadpool)."""
    return await _for_viewer(session, filters, user.user_id)


#: The search page's filters, read as the search API reads them.
PageSearchFilters = Annotated[library.LibraryFilters, Depends(page_search_filters)]
