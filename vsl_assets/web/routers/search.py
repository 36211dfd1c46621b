"""Full-text search (the same rows as ``vsl search --json``, filtered by the library's filters as
the search page is) and the signed-in user's saved searches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response

from vsl_assets.db.search_models import SavedSearch
from vsl_assets.search import SearchQueryError, SearchResults, shared_search
from vsl_assets.services import search as search_service
from vsl_assets.services.schemas import SavedSearchIn, SavedSearchOut, SearchRow
from vsl_assets.web.deps import ApiUser, Ctx, Db
from vsl_assets.web.filters import ApiSearchFilters
from vsl_assets.web.limits import SEARCH_Q_MAX, DbId
from vsl_assets.web.search_rebuild import REBUILD_HEADER, index_rebuild

router = APIRouter(prefix="/api", tags=["search"])


@router.get(
    "/search",
    response_model=list[SearchRow],
    responses={
        200: {
            "description": f"While the index is refilled after an upgrade the rows are incomplete and the "
            f"`{REBUILD_HEADER}` header says how far it is (`<indexed> of <total> VSLs`)."
        }
    },
)
def search(
    response: Response,
    context: Ctx,
    session: Db,
    _user: ApiUser,
    filters: ApiSearchFilters,
    q: Annotated[
        str,
        Query(
            max_length=SEARCH_Q_MAX,
            description='words, "a phrase", prefix*, -excluded, a OR b; without words, the filters list '
            "their VSLs (one row each, `start` null)",
        ),
    ] = "",
    key: Annotated[str | None, Query(max_length=200, description="search inside this one VSL")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="VSLs per page")] = 20,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> list[SearchRow]:
    try:
        query = search_service.query_from_filters(session, q, filters, page=page, per_page=limit, key=key)
        results = search_service.with_titles(
            shared_search(context.settings.database, context.settings.search_backend).search(query),
            session,
            min_confidence=context.settings.breakdown_min_confidence,
        )
    except SearchQueryError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    progress = index_rebuild(context)
    if progress is not None:
        response.headers[REBUILD_HEADER] = f"{progress.indexed} of {progress.total} VSLs"
        response.headers["Warning"] = f'199 - "{progress.describe()}"'
    return [SearchRow(**row) for row in _rows(results)]


def _rows(results: SearchResults) -> list[dict[str, Any]]:
    """One row per hit; a VSL listed by the filters alone (no words: no hit) is one row with no
    moment (``start``/``end`` null, empty text), so filters without words list their VSLs as the
    search page does, instead of an empty list that reads as "nothing matches"."""
    rows = results.rows()
    if any(not g.hits for g in results.vsls):
        listed = [
            {
                "partition_key": g.vsl.key,
                "url": g.vsl.url,
                "title": g.vsl.title,
                "language": g.vsl.language,
                "start": None,
                "end": None,
                "text": "",
                "snippet": "",
                "snippet_html": "",
                "score": g.score,
            }
            for g in results.vsls
            if not g.hits
        ]
        rows = [*rows, *listed]
    return rows


def _saved_out(saved: SavedSearch) -> SavedSearchOut:
    return SavedSearchOut(
        id=saved.id, name=saved.name, query=saved.query, url=f"/search?{saved.query}", created_at=saved.created_at
    )


@router.get("/saved-searches", response_model=list[SavedSearchOut])
def list_saved_searches(session: Db, user: ApiUser) -> list[SavedSearchOut]:
    return [_saved_out(s) for s in search_service.saved_searches(session, user.user_id)]


@router.post("/saved-searches", response_model=SavedSearchOut, status_code=201)
def create_saved_search(body: SavedSearchIn, session: Db, user: ApiUser) -> SavedSearchOut:
    try:
        saved = search_service.save_search(session, user.user_id, body.name, body.query)
    except SearchQueryError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    return _saved_out(saved)


@router.delete("/saved-searches/{saved_id}", status_code=204)
def delete_saved_search(saved_id: DbId, session: Db, user: ApiUser) -> Response:
    if not search_service.delete_saved_search(session, user.user_id, saved_id):
        raise HTTPException(status_code=404, detail=f"no saved search {saved_id} of yours")
    return Response(status_code=204)
