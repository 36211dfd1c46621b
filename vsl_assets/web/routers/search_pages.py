"""The search page: words and the library's filters, results grouped per VSL with the moments
inside (each links to its second), and the user's saved searches (save, list, delete).

Filters are read as ``GET /api/search`` reads them (``web.filters.search_filters``: the library's
filters that the index knows, the same annotations, a language it does not know refused with 422),
so a link from the library, an insights chart or a saved search filters the same way everywhere.
``q`` is the search's own words (``SEARCH_Q_MAX`` characters), not the library's title filter.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vsl_assets.errors import ConfigurationError
from vsl_assets.search import SearchQueryError, SearchResults, shared_search
from vsl_assets.services import boards, library
from vsl_assets.services import search as search_service
from vsl_assets.web.deps import Ctx, Db, PageUser
from vsl_assets.web.filters import PageSearchFilters
from vsl_assets.web.limits import SEARCH_Q_MAX, DbId
from vsl_assets.web.render import render
from vsl_assets.web.search_html import search_results
from vsl_assets.web.search_rebuild import index_rebuild

router = APIRouter(include_in_schema=False)

#: VSLs per result page, and moments shown per VSL.
PER_PAGE = 20
HITS_PER_VSL = 5


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    filters: PageSearchFilters,
    context: Ctx,
    session: Db,
    user: PageUser,
    q: Annotated[str, Query(max_length=SEARCH_Q_MAX)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    results: SearchResults | None = None
    error = None
    active = {k: v for k, v in filters.active().items() if k in search_service.SEARCH_FILTERS}
    if q.strip() or active:
        try:
            query = search_service.query_from_filters(
                session, q, filters, page=page, per_page=PER_PAGE, hits_per_vsl=HITS_PER_VSL
            )
            found = shared_search(context.settings.database, context.settings.search_backend).search(query)
            # The display title (services.titles: edited, else the page's, else the product...).
            results = search_service.with_titles(
                found, session, min_confidence=context.settings.breakdown_min_confidence
            )
        except SearchQueryError as exc:
            error = exc.reason
    try:
        rebuild = index_rebuild(context)  # an index refilled after an upgrade: the page says so
    except ConfigurationError:  # no index to look at (a misconfigured backend): a search says why
        rebuild = None
    here = search_service.search_query_string(q, filters)
    links = {}
    if results is not None and page < results.pages:
        links["next"] = "/search?" + urlencode([*_pairs(here), ("page", page + 1)])
    if results is not None and page > 1:
        links["prev"] = "/search?" + urlencode([*_pairs(here), ("page", page - 1)])
    return render(
        request,
        "search.html",
        user,
        q=q,
        f=filters,
        filtered=bool(active),
        results=results,
        error=error,
        rebuild=rebuild,
        facets=library.facets(session),
        boards=boards.board_menu(session, user.user_id),
        here=here,
        links=links,
        search_results=search_results,
        saved=search_service.saved_search_menu(session, user.user_id),
    )


def _pairs(query_string: str) -> list[tuple[str, str]]:
    return parse_qsl(query_string)


@router.post("/search/saved")
def save_search(
    session: Db,
    user: PageUser,
    query: Annotated[str, Form(max_length=4000)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        saved = search_service.save_search(session, user.user_id, name, query)
    except SearchQueryError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    return RedirectResponse(f"/search?{saved.query}", status_code=303)


@router.post("/search/saved/{saved_id}/delete")
def delete_saved_search(saved_id: DbId, session: Db, user: PageUser) -> Response:
    if not search_service.delete_saved_search(session, user.user_id, saved_id):
        raise HTTPException(status_code=404, detail=f"no saved search {saved_id} of yours")
    return RedirectResponse("/search", status_code=303)
