"""One VSL's page (``/vsl/{key}``) and its forms: retry, rename, transcribe again.

Every form posts its CSRF token (checked in ``deps``) and redirects (303) back, so a reload never
posts twice.  The same actions as JSON are in ``routers/vsls``; both call the same services.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.services import boards, library, requeue, watch
from vsl_assets.settings import retranscribe_language
from vsl_assets.web.deps import Ctx, Db, Key, PageUser
from vsl_assets.web.limits import NEXT_MAX
from vsl_assets.web.render import redirect, render, safe_next
from vsl_assets.web.vslview import renamed, vsl_or_404
from vsl_assets.web.watchview import panel as watch_panel

router = APIRouter(include_in_schema=False)


@router.get("/vsl/{key}", response_class=HTMLResponse)
def vsl_page(request: Request, key: Key, context: Ctx, session: Db, user: PageUser, t: float | None = None) -> Response:
    found, url_id = vsl_or_404(
        library.detail_and_id(session, key, min_confidence=context.settings.breakdown_min_confidence), key
    )
    files = library.stored_files(context.store, context.layout, key)
    return render(
        request,
        "vsl.html",
        user,
        v=found,
        start_at=max(0.0, t) if t is not None else None,
        has_video=files.video,
        transcripts=files.transcripts,
        boards=boards.visible_boards(session, user.user_id),
        on_boards=set(boards.boards_of(session, key, user.user_id)),
        languages=context.settings.language_list,
        **watch_panel(session, key, context.settings.watch_all_pages, url_id),
        # A stream pasted directly has no page to re-check: no "Watch this page" for it.
        watchable=watch.is_sales_page(found.url, found.source.player if found.source else None),
    )


@router.post("/vsl/{key}/retry")
def retry_form(
    key: Key, session: Db, _user: PageUser, next: Annotated[str, Form(max_length=NEXT_MAX)] = "/queue"
) -> Response:
    vsl_or_404(requeue.requeue_one(session, key), key)
    return redirect(safe_next(next, "/queue"))


@router.post("/vsl/{key}/title")
def rename_form(
    key: Key, context: Ctx, session: Db, _user: PageUser, title: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """The VSL page's rename form (CSRF checked in ``deps``); an empty title restores the detected one."""
    renamed(session, key, title, context.settings.breakdown_min_confidence)
    return redirect(f"/vsl/{key}")


@router.post("/vsl/{key}/retranscribe")
def retranscribe_form(
    key: Key, session: Db, _user: PageUser, language: Annotated[str, Form(max_length=8)] = ""
) -> Response:
    try:
        chosen = retranscribe_language(language)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"language: {exc}") from None
    vsl_or_404(requeue.retranscribe_one(session, key, chosen, None), key)
    return redirect(f"/vsl/{key}")
