"""Watching in the Swipe: the changes feed (``/changes``, ``/api/watch/events``), a VSL's
longevity and versions (``/api/vsls/{key}/watch``), and the on/off switches for a VSL and a board.

Everything here calls :mod:`vsl_assets.services.watch`; the "what changed" link of an event goes
to the compare page (``/compare?keys=OLD,NEW&mode=diff``), which another module serves.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from vsl_assets.services import boards, watch
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key, PageUser
from vsl_assets.web.filters import Blank
from vsl_assets.web.limits import MAX_ID, DbId
from vsl_assets.web.render import render
from vsl_assets.web.watchview import WatchEventOut, WatchIn, WatchOut, url_id_of, watch_out

router = APIRouter(tags=["watch"])
pages = APIRouter(include_in_schema=False)

#: Empty form fields (``?board=``) mean "any", as in the library's filters.
PositiveId = Annotated[int, Field(ge=1, le=MAX_ID)]
BoardId = Annotated[PositiveId | None, Blank, Query(description="only VSLs on this board")]
Before = Annotated[PositiveId | None, Blank, Query(description="event id: the page after this one")]
Limit = Annotated[int, Query(ge=1, le=200)]
Niche = Annotated[str | None, Query(max_length=64)]
Kind = Annotated[str | None, Query(max_length=32, description="one of the event kinds (new_version, page_down...)")]


def _seen_board(session: Session, board: int | None, user_id: int) -> None:
    """A board filter names a board the user may see, else 404 (as every board route answers):
    a private board's events must not show which VSLs are on it."""
    if board is not None and boards.board_for(session, board, user_id) is None:
        raise HTTPException(status_code=404, detail=f"no board {board}")


def _feed(session: Session, board: int | None, niche: str | None, kind: str | None, limit: int, before: int | None):  # noqa: ANN202
    return watch.feed(session, board_id=board, niche=niche or None, kind=kind or None, limit=limit, before=before)


@router.get("/api/watch/events", response_model=list[WatchEventOut])
def events(
    session: Db,
    user: ApiUser,
    board: BoardId = None,
    niche: Niche = None,
    kind: Kind = None,
    limit: Limit = 50,
    before: Before = None,
) -> list[WatchEventOut]:
    """The latest watch events, newest first (the changes feed, and what the webhook sends)."""
    _seen_board(session, board, user.user_id)
    return [WatchEventOut(**item.payload) for item in _feed(session, board, niche, kind, limit, before)]


@router.get("/api/vsls/{key}/watch", response_model=WatchOut)
def get_watch(key: Key, context: Ctx, session: Db, _user: ApiUser) -> WatchOut:
    """Whether the VSL's page is watched, how long it has been live, and its versions."""
    return watch_out(session, key, context.settings.watch_all_pages)


@router.put("/api/vsls/{key}/watch", response_model=WatchOut)
def put_watch(key: Key, body: WatchIn, context: Ctx, session: Db, _user: ApiUser) -> WatchOut:
    watch.set_switch(session, url_ids=[watch.page_id_of(session, url_id_of(session, key))], on=body.on)
    return watch_out(session, key, context.settings.watch_all_pages)


# -- pages ----------------------------------------------------------------------------------------


@pages.get("/changes", response_class=HTMLResponse)
def changes_page(
    request: Request,
    session: Db,
    user: PageUser,
    board: BoardId = None,
    niche: Niche = None,
    kind: Kind = None,
    before: Before = None,
) -> Response:
    _seen_board(session, board, user.user_id)
    items = _feed(session, board, niche, kind, 50, before)
    more = None
    if len(items) == 50:  # the filters' values are the reader's text: encoded, never spliced in
        kept = [(k, v) for k, v in (("board", board), ("niche", niche), ("kind", kind)) if v]
        more = "/changes?" + urlencode([("before", items[-1].id), *kept])
    return render(
        request,
        "changes.html",
        user,
        items=items,
        boards=boards.visible_boards(session, user.user_id),
        board=board,
        niche=niche or "",
        kind=kind or "",
        kinds=watch.EVENT_KINDS,
        field_labels=watch.FIELD_LABELS,
        niches=sorted({i.niche for i in watch.feed(session, limit=200) if i.niche}),
        more=more,
    )


@pages.post("/vsl/{key}/watch")
def watch_vsl_form(key: Key, session: Db, _user: PageUser, on: Annotated[str, Form(max_length=5)] = "1") -> Response:
    watch.set_switch(session, url_ids=[watch.page_id_of(session, url_id_of(session, key))], on=on == "1")
    return RedirectResponse(f"/vsl/{key}", status_code=303)


@pages.post("/boards/{board_id}/watch")
def watch_board_form(
    board_id: DbId, session: Db, user: PageUser, on: Annotated[str, Form(max_length=5)] = "1"
) -> Response:
    if boards.board_for(session, board_id, user.user_id) is None:
        raise HTTPException(status_code=404, detail=f"no board {board_id}")
    watch.set_switch(session, board_id=board_id, on=on == "1")
    return RedirectResponse(f"/boards/{board_id}", status_code=303)
