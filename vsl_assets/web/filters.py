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

from fastapi import Depends, Query
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from vsl_assets.services import boards, library, schemas
from vsl_assets.web.deps import ApiUser, Db, PageUser
from vsl_assets.web.limits import MAX_ID

__all__ = ["ApiFilters", "PageFilters", "for_viewer", "library_filters"]

#: No board has this id: a board filter the viewer may not use matches nothing.
NO_BOARD = 0


def _blank_is_none(value: object) -> object:
    """A filter form submits empty fields as ``?price_min=``: that means no filter, not an error."""
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_is_none)
NonNegative = Annotated[float, Field(ge=0)]
#: Ids are 32-bit on PostgreSQL: a larger cursor is refused (422) instead of overflowing (500).
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_ID)]


async def library_filters(  # async: plain validation, no trip to the threadpool
    status: str | None = None,
    language: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    duration_min: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    duration_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    price_min: Annotated[NonNegative | None, Blank, Query()] = None,
    price_max: Annotated[NonNegative | None, Blank, Query()] = None,
    currency: str | None = None,
    pitch_min: Annotated[
        NonNegative | None, Blank, Query(description="seconds: offer section starts at or after")
    ] = None,
    pitch_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    reveal_min: Annotated[
        NonNegative | None, Blank, Query(description="seconds: product first named at or after")
    ] = None,
    reveal_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in the title or URL")] = None,
    review: Annotated[bool | None, Blank, Query(description="only transcripts that need review")] = None,
    board: Annotated[
        Annotated[int, Field(ge=1, le=MAX_ID)] | None, Blank, Query(description="only the VSLs on this board (its id)")
    ] = None,
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
        status=status or None,
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


def for_viewer(session: Session, filters: library.LibraryFilters, user_id: int) -> library.LibraryFilters:
    """The filters as this user may apply them: a board they cannot see (another user's private
    board, a deleted one) filters to nothing, as a missing board does, so its contents never leak
    through the library, the search page, the insights or an export."""
    if filters.board is None or boards.board_for(session, filters.board, user_id) is not None:
        return filters
    return dataclasses.replace(filters, board=NO_BOARD)


def api_filters(filters: _Query, session: Db, user: ApiUser) -> library.LibraryFilters:
    """An API route's filters, as its caller (token or session) may apply them."""
    return for_viewer(session, filters, user.user_id)


def page_filters(filters: _Query, session: Db, user: PageUser) -> library.LibraryFilters:
    """A page's filters, as the signed-in user may apply them."""
    return for_viewer(session, filters, user.user_id)


#: The library's filters for the caller (FastAPI caches ``ApiUser``/``PageUser`` and ``Db`` per
#: request, so the route's own user and session are the same objects).
ApiFilters = Annotated[library.LibraryFilters, Depends(api_filters)]
PageFilters = Annotated[library.LibraryFilters, Depends(page_filters)]
