"""The search index's refill after a format change, as the web app sees it: started as the app
starts, and asked at each search so the search page and ``GET /api/search`` say how far it is
instead of answering a silent "nothing" (``services.reindex.rebuild_in_background`` does the work).
Used by both search routers, so it lives outside them (no router imports another)."""

from __future__ import annotations

import logging

from vsl_assets.search import choose_backend, search_path_for, shared_search
from vsl_assets.services.reindex import RebuildProgress, rebuild_in_background
from vsl_assets.web.context import WebContext

log = logging.getLogger(__name__)

#: The header ``GET /api/search`` answers with while the index is being refilled after an upgrade.
REBUILD_HEADER = "X-Search-Index-Rebuilding"


def index_rebuild(context: WebContext) -> RebuildProgress | None:
    """None when the search index is complete; else how far its refill after a format change is,
    which this starts in the background when no process has (``services.reindex.rebuild_in_background``):
    the search page and ``GET /api/search`` say so instead of answering a silent "nothing"."""
    settings = context.settings
    backend = shared_search(settings.database, settings.search_backend)
    return rebuild_in_background(
        sessions=context.sessions, index=backend, min_confidence=settings.breakdown_min_confidence
    )


def rebuild_at_start(context: WebContext) -> None:
    """As the web app starts (``vsl web``, ``vsl up``): an index that a new format recreated
    empty starts refilling at once, not at the first search.  Where there is no embedded index
    yet (a new install, which indexes as it goes) nothing is created here; a failure is logged,
    and the first search tries again."""
    settings = context.settings
    try:
        engine = choose_backend(settings.database, settings.search_backend).engine
        if engine != "postgres" and not search_path_for(settings.database, engine).exists():
            return
        index_rebuild(context)
    except Exception:
        log.warning("could not look at the search index as the web app started", exc_info=True)
