"""Watching in the Swipe: the changes feed (``/changes``, ``/api/watch/events``), a VSL's
longevity and versions (``/api/vsls/{key}/watch``), and the on/off switches for a VSL and a board.

Everything here calls :mod:`vsl_assets.services.watch`; the "what changed" link of an event goes
to the compare page (``/compare?keys=OLD,NEW&mode=diff``), which another module serves.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.services import boards, watch
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key, PageUser
from vsl_assets.web.limits import MAX_ID
from vsl_assets.web.render import render
from vsl_assets.web.routers.boards import FoundBoard

router = APIRouter(tags=["watch"])
pages = APIRouter(include_in_schema=False)

BoardId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="only VSLs on this board")]
Before = Annotated[int | None, Query(ge=1, le=MAX_ID, description="event id: the page after this one")]
Limit = Annotated[int, Query(ge=1, le=200)]
Niche = Annotated[str | None, Query(max_length=64)]
Kind = Annotated[str | None, Query(max_length=32, description="one of the event kinds (new_version, page_down...)")]


class WatchEventOut(BaseModel):
    id: int
    kind: str
    at: datetime
    vsl: str
    page_url: str
    old_key: str | None
    new_key: str | None
    detail: dict[str, Any]
    #: The Swipe's "what changed" page for the two versions (None when the event has one VSL).
    what_changed: str | None
    #: One line a person reads (the webhook's Slack-compatible text).
    text: str


class VersionOut(BaseModel):
    number: int
    key: str
    status: str
    live: bool
    first_seen_at: datetime
    last_seen_at: datetime
    player: str | None


class WatchOut(BaseModel):
    key: str
    watched: bool
    first_seen_at: datetime | None
    last_live_at: datetime | None
    days_live: int | None
    down_since: datetime | None
    down_reason: str | None
    summary: str
    versions: list[VersionOut]


class WatchIn(BaseModel):
    on: bool


def _url_id(session: Session, key: str) -> int:
    url = repo.get_url(session, key)
    if url is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return url.id


def watch_out(session: Session, key: str, all_pages: bool) -> WatchOut:
    url_id = _url_id(session, key)
    life = watch.longevity(session, [url_id], all_pages)[url_id]
    versions = watch.versions_of(session, url_id)
    return WatchOut(
        key=life.key or key,
        watched=life.watched,
        first_seen_at=life.first_seen_at,
        last_live_at=life.last_live_at,
        days_live=life.days_live,
        down_since=life.down_since,
        down_reason=life.down_reason,
        summary=life.summary(),
        versions=[VersionOut(**v.__dict__) for v in versions],
    )


def panel(session: Session, key: str, all_pages: bool) -> dict[str, Any]:
    """What the VSL page's watch panel shows (``_watch_panel.html``)."""
    view = watch_out(session, key, all_pages)
    pairs = [
        (older.key, newer.key) for newer, older in zip(view.versions, view.versions[1:], strict=False)
    ]  # newest first: each version against the one before it
    return {"watch": view, "watch_pairs": dict((new, watch.compare_link(old, new)) for old, new in pairs)}


def _feed(session: Session, board: int | None, niche: str | None, kind: str | None, limit: int, before: int | None):  # noqa: ANN202
    return watch.feed(session, board_id=board, niche=niche or None, kind=kind or None, limit=limit, before=before)


@router.get("/api/watch/events", response_model=list[WatchEventOut])
def events(
    session: Db,
    _user: ApiUser,
    board: BoardId = None,
    niche: Niche = None,
    kind: Kind = None,
    limit: Limit = 50,
    before: Before = None,
) -> list[WatchEventOut]:
    """The latest watch events, newest first (the changes feed, and what the webhook sends)."""
    return [WatchEventOut(**item.payload) for item in _feed(session, board, niche, kind, limit, before)]


@router.get("/api/vsls/{key}/watch", response_model=WatchOut)
def get_watch(key: Key, context: Ctx, session: Db, _user: ApiUser) -> WatchOut:
    """Whether the VSL's page is watched, how long it has been live, and its versions."""
    return watch_out(session, key, context.settings.watch_all_pages)


@router.put("/api/vsls/{key}/watch", response_model=WatchOut)
def put_watch(key: Key, body: WatchIn, context: Ctx, session: Db, _user: ApiUser) -> WatchOut:
    watch.set_switch(session, url_ids=[_url_id(session, key)], on=body.on)
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
    items = _feed(session, board, niche, kind, 50, before)
    more = f"/changes?before={items[-1].id}" if len(items) == 50 else None
    if more:
        more += "".join(f"&{k}={v}" for k, v in (("board", board), ("niche", niche), ("kind", kind)) if v)
    return render(
        request,
        "changes.html",
        user,
        items=items,
        boards=boards.all_boards(session),
        board=board,
        niche=niche or "",
        kind=kind or "",
        kinds=watch.EVENT_KINDS,
        niches=sorted({i.niche for i in watch.feed(session, limit=200) if i.niche}),
        more=more,
    )


@pages.post("/vsl/{key}/watch")
def watch_vsl_form(key: Key, session: Db, _user: PageUser, on: Annotated[str, Form(max_length=5)] = "1") -> Response:
    watch.set_switch(session, url_ids=[_url_id(session, key)], on=on == "1")
    return RedirectResponse(f"/vsl/{key}", status_code=303)


@pages.post("/boards/{board_id}/watch")
def watch_board_form(
    board: FoundBoard, session: Db, _user: PageUser, on: Annotated[str, Form(max_length=5)] = "1"
) -> Response:
    watch.set_switch(session, board_id=board.id, on=on == "1")
    return RedirectResponse(f"/boards/{board.id}", status_code=303)
