"""Boards: as JSON under ``/api/boards`` (``router``) and as pages under ``/boards`` (``pages``).

Every route finds its board through ``services.boards.board_for`` with the signed-in user, so a
board someone may not see is a 404 exactly like one that does not exist.  Changes from the API
need a write token (``deps``); from a page, the CSRF token.  What only the owner may do answers
403 with the owner's name (the board is visible to them, so nothing is given away).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from vsl_assets.db.web_models import Board
from vsl_assets.services import boards, watch
from vsl_assets.services.schemas import (
    BoardEdit,
    BoardIn,
    BoardItemEdit,
    BoardItemIn,
    BoardMemberIn,
    BoardOrder,
    BoardOut,
    BoardShareCreated,
    BoardShareIn,
    BoardShareOut,
    BoardsOrder,
)
from vsl_assets.web.deps import ApiUser, Ctx, Db, Identity, Key, PageUser
from vsl_assets.web.limits import MAX_ID, DbId
from vsl_assets.web.render import render, safe_next

router = APIRouter(prefix="/api/boards", tags=["boards"])
pages = APIRouter(include_in_schema=False)

#: A tag filter's text (compared by ``boards.tag_key``).
TagFilter = Annotated[str | None, Query(max_length=boards.MAX_TAG_CHARS * 2)]
Direction = Literal["up", "down", "top", "bottom"]


def _not_found(board_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no board {board_id}")


def api_board(board_id: DbId, session: Db, user: ApiUser) -> Board:
    board = boards.board_for(session, board_id, user.user_id)
    if board is None:
        raise _not_found(board_id)
    return board


def page_board(board_id: DbId, session: Db, user: PageUser) -> Board:
    board = boards.board_for(session, board_id, user.user_id)
    if board is None:
        raise _not_found(board_id)
    return board


#: The board named in the path, if the caller may see it (else 404).
FoundBoard = Annotated[Board, Depends(api_board)]
PageBoard = Annotated[Board, Depends(page_board)]
#: The name routes used before boards had owners; it now checks who may see the board too.
board_or_404 = api_board


@contextmanager
def refusals(status: int = 422) -> Iterator[None]:
    """A service's refusal as an HTTP answer with its reason: 403 for owner-only, else ``status``."""
    try:
        yield
    except boards.BoardForbidden as exc:
        raise HTTPException(status_code=403, detail=exc.reason) from None
    except boards.BoardError as exc:
        raise HTTPException(status_code=status, detail=exc.reason) from None


def _min_confidence(context: Ctx) -> float:
    return float(context.settings.breakdown_min_confidence)


def share_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/s/{token}"


# -- API ----------------------------------------------------------------------------------------


class Deleted(BaseModel):
    id: int
    #: Restore (``POST /api/boards/{id}/restore``) until then; later the board is purged.
    restorable_until: datetime


@router.get("", response_model=list[BoardOut])
def list_boards(session: Db, user: ApiUser, context: Ctx) -> list[BoardOut]:
    t = _min_confidence(context)
    return [boards.board_out(session, b, min_confidence=t) for b in boards.visible_boards(session, user.user_id)]


@router.post("", response_model=BoardOut, status_code=201)
def create_board(body: BoardIn, session: Db, user: ApiUser) -> BoardOut:
    with refusals():
        board = boards.create_board(session, user.user_id, body.name, body.note, body.visibility)
    return boards.board_out(session, board)


@router.put("/order", response_model=list[int])
def order_boards(body: BoardsOrder, session: Db, user: ApiUser) -> list[int]:
    """Boards in this order (ids); the ones left out follow.  Answers the new order."""
    with refusals():
        boards.order_boards(session, user.user_id, body.ids)
    return [b.id for b in boards.visible_boards(session, user.user_id)]


@router.get("/{board_id}", response_model=BoardOut)
def get_board(board: FoundBoard, session: Db, context: Ctx, tag: TagFilter = None) -> BoardOut:
    return boards.board_out(session, board, tag=tag, min_confidence=_min_confidence(context))


@router.patch("/{board_id}", response_model=BoardOut)
def edit_board(board: FoundBoard, body: BoardEdit, session: Db, user: ApiUser) -> BoardOut:
    with refusals():
        boards.edit_board(session, board, user.user_id, name=body.name, note=body.note, visibility=body.visibility)
    return boards.board_out(session, board)


@router.delete("/{board_id}", response_model=Deleted)
def delete_board(board: FoundBoard, session: Db, user: ApiUser) -> Deleted:
    with refusals():
        until = boards.delete_board(session, board, user.user_id)
    return Deleted(id=board.id, restorable_until=until)


@router.post("/{board_id}/restore", response_model=BoardOut)
def restore_board(board_id: DbId, session: Db, user: ApiUser) -> BoardOut:
    board = boards.restore_board(session, board_id, user.user_id)
    if board is None:
        raise HTTPException(status_code=404, detail=f"no deleted board {board_id} of yours to restore")
    return boards.board_out(session, board)


@router.post("/{board_id}/items", response_model=BoardOut)
def add_item(board: FoundBoard, body: BoardItemIn, session: Db) -> BoardOut:
    with refusals():
        added = boards.add_item(session, board, body.partition_key, body.note, body.tags)
    if added is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {body.partition_key[:80]!r}")
    return boards.board_out(session, board)


@router.patch("/{board_id}/items/{key}", response_model=BoardOut)
def edit_item(board: FoundBoard, key: Key, body: BoardItemEdit, session: Db) -> BoardOut:
    with refusals():
        if boards.edit_item(session, board, key, note=body.note, tags=body.tags) is None:
            raise HTTPException(status_code=404, detail=f"{key!r} is not on board {board.id}")
    return boards.board_out(session, board)


@router.delete("/{board_id}/items/{key}", response_model=BoardOut)
def remove_item(board: FoundBoard, key: Key, session: Db) -> BoardOut:
    if not boards.remove_item(session, board, key):
        raise HTTPException(status_code=404, detail=f"{key!r} is not on board {board.id}")
    return boards.board_out(session, board)


@router.put("/{board_id}/order", response_model=BoardOut)
def order_items(board: FoundBoard, body: BoardOrder, session: Db) -> BoardOut:
    """The board's VSLs in this order (partition keys); the ones left out follow."""
    with refusals():
        boards.order_items(session, board, body.keys)
    return boards.board_out(session, board)


@router.post("/{board_id}/members", response_model=BoardOut)
def add_member(board: FoundBoard, body: BoardMemberIn, session: Db, user: ApiUser) -> BoardOut:
    with refusals():
        boards.add_member(session, board, user.user_id, body.name)
    return boards.board_out(session, board)


@router.delete("/{board_id}/members/{name}", response_model=BoardOut)
def remove_member(board: FoundBoard, name: str, session: Db, user: ApiUser) -> BoardOut:
    with refusals():
        if not boards.remove_member(session, board, user.user_id, name[:64]):
            raise HTTPException(status_code=404, detail=f"{name[:64]!r} is not a member of board {board.id}")
    return boards.board_out(session, board)


@router.get("/{board_id}/shares", response_model=list[BoardShareOut])
def list_shares(board: FoundBoard, session: Db, user: ApiUser) -> list[BoardShareOut]:
    if not boards.may_manage(board, user.user_id):
        raise HTTPException(status_code=403, detail="only the board's owner sees its share links")
    return boards.shares_of(session, board)


@router.post("/{board_id}/shares", response_model=BoardShareCreated, status_code=201)
def create_share(
    request: Request, board: FoundBoard, session: Db, user: ApiUser, body: BoardShareIn | None = None
) -> Any:
    days = (body or BoardShareIn()).days
    with refusals():
        token, row = boards.create_share(session, board, user.user_id, timedelta(days=days))
    [out] = [s for s in boards.shares_of(session, board) if s.id == row.id]
    return BoardShareCreated(**out.model_dump(), url=share_url(request, token))


@router.delete("/{board_id}/shares/{share_id}", response_model=list[BoardShareOut])
def revoke_share(board: FoundBoard, share_id: DbId, session: Db, user: ApiUser) -> list[BoardShareOut]:
    with refusals():
        if not boards.revoke_share(session, board, user.user_id, share_id):
            raise HTTPException(status_code=404, detail=f"no live share link {share_id} on board {board.id}")
    return boards.shares_of(session, board)


# -- pages --------------------------------------------------------------------------------------


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


def with_query(target: str, **params: Any) -> str:
    """``target`` with ``params`` added to its query (replacing the same names)."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


@pages.get("/boards", response_class=HTMLResponse)
def boards_page(
    request: Request,
    session: Db,
    user: PageUser,
    deleted: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    boards.purge_deleted(session)
    trash = boards.deleted_boards(session, user.user_id)
    return render(
        request,
        "boards.html",
        user,
        boards=boards.board_summaries(session, user.user_id),
        trash=trash,
        just_deleted=next((b for b in trash if b.id == deleted), None),
        restore_days=boards.RESTORE_FOR.days,
    )


@pages.post("/boards")
def create_board_form(
    session: Db,
    user: PageUser,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    note: Annotated[str, Form(max_length=5000)] = "",
    visibility: Annotated[str, Form(max_length=8)] = "private",
) -> Response:
    with refusals(400):
        board = boards.create_board(session, user.user_id, name, note, visibility)
    return _redirect(f"/boards/{board.id}")


@pages.post("/boards/{board_id}/move")
def move_board_form(
    board: PageBoard, session: Db, user: PageUser, direction: Annotated[Direction, Form()] = "up"
) -> Response:
    boards.move_board(session, user.user_id, board, direction)
    return _redirect(f"/boards#board-{board.id}")


def _board_view(
    request: Request,
    board: Board,
    session: Db,
    user: Identity,
    context: Ctx,
    tag: str | None = None,
    status_code: int = 200,
    limit: int = boards.PAGE_CARDS,
    **extra: Any,
) -> Response:
    out = boards.board_out(session, board, tag=tag, min_confidence=_min_confidence(context), limit=limit)
    mine = boards.may_manage(board, user.user_id)
    return render(
        request,
        "board.html",
        user,
        status_code=status_code,
        board=out,
        mine=mine,
        tag=(tag or "").strip(),
        tag_key=boards.tag_key(tag or ""),
        shares=boards.shares_of(session, board) if mine else [],
        share_days=[d.days for d in boards.SHARE_LIFETIMES],
        share_default=boards.SHARE_DEFAULT.days,
        max_tags=boards.MAX_TAGS,
        restore_days=boards.RESTORE_FOR.days,
        max_tag_chars=boards.MAX_TAG_CHARS,
        flash=request.query_params.get("done", "")[:20],
        max_cards=boards.MAX_PAGE_CARDS,
        board_watch=watch.board_switch(session, board.id),
        **extra,
    )


@pages.get("/boards/{board_id}", response_class=HTMLResponse)
def board_page(
    request: Request,
    board: PageBoard,
    session: Db,
    user: PageUser,
    context: Ctx,
    tag: TagFilter = None,
    limit: Annotated[int, Query(ge=1, le=boards.MAX_PAGE_CARDS)] = boards.PAGE_CARDS,
) -> Response:
    """The board's first ``limit`` cards (a link shows them all): a page of hundreds of cards,
    each with its forms, costs more to render than everything else on it."""
    return _board_view(request, board, session, user, context, tag, limit=limit)


@pages.post("/boards/{board_id}/edit")
def edit_board_form(
    board: PageBoard,
    session: Db,
    user: PageUser,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    with refusals(400):
        boards.edit_board(session, board, user.user_id, name=name, note=note)
    return _redirect(f"/boards/{board.id}?done=saved")


@pages.post("/boards/{board_id}/visibility")
def visibility_form(
    board: PageBoard, session: Db, user: PageUser, visibility: Annotated[str, Form(max_length=8)]
) -> Response:
    with refusals(400):
        boards.edit_board(session, board, user.user_id, visibility=visibility)
    return _redirect(f"/boards/{board.id}?done=saved")


@pages.post("/boards/{board_id}/delete")
def delete_board_form(board: PageBoard, session: Db, user: PageUser) -> Response:
    with refusals(400):
        boards.delete_board(session, board, user.user_id)
    return _redirect(f"/boards?deleted={board.id}")


@pages.post("/boards/{board_id}/restore")
def restore_board_form(board_id: DbId, session: Db, user: PageUser) -> Response:
    if boards.restore_board(session, board_id, user.user_id) is None:
        raise HTTPException(status_code=404, detail=f"no deleted board {board_id} of yours to restore")
    return _redirect(f"/boards/{board_id}?done=restored")


@pages.post("/boards/{board_id}/items")
def add_board_item(
    board: PageBoard,
    session: Db,
    partition_key: Annotated[str, Form(max_length=64)],
    note: Annotated[str, Form(max_length=5000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    with refusals(400):
        added = boards.add_item(session, board, partition_key, note, tags)
    if added is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {partition_key[:80]!r}")
    # The page it came from says so, with a link to the board (``added``), scrolled to that line.
    target = with_query(safe_next(next, f"/boards/{board.id}"), added=board.id)
    return _redirect(target if "#" in target else target + "#added-flash")


@pages.post("/boards/{board_id}/items/{key}/edit")
def edit_board_item(
    board: PageBoard,
    key: Key,
    session: Db,
    note: Annotated[str, Form(max_length=5000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    with refusals(400):
        if boards.edit_item(session, board, key, note=note, tags=tags) is None:
            raise HTTPException(status_code=404, detail=f"{key!r} is not on board {board.id}")
    return _redirect(f"/boards/{board.id}#item-{key}")


@pages.post("/boards/{board_id}/items/{key}/move")
def move_board_item(
    board: PageBoard, key: Key, session: Db, direction: Annotated[Direction, Form()] = "up"
) -> Response:
    if not boards.move_item(session, board, key, direction):
        raise HTTPException(status_code=404, detail=f"{key!r} is not on board {board.id}")
    return _redirect(f"/boards/{board.id}#item-{key}")


@pages.post("/boards/{board_id}/items/{key}/remove")
def remove_board_item(board: PageBoard, key: Key, session: Db) -> Response:
    boards.remove_item(session, board, key)
    return _redirect(f"/boards/{board.id}")


@pages.post("/boards/{board_id}/members")
def add_member_form(
    board: PageBoard, session: Db, user: PageUser, name: Annotated[str, Form(min_length=1, max_length=64)]
) -> Response:
    with refusals(400):
        boards.add_member(session, board, user.user_id, name)
    return _redirect(f"/boards/{board.id}?done=saved#members")


@pages.post("/boards/{board_id}/members/remove")
def remove_member_form(
    board: PageBoard, session: Db, user: PageUser, name: Annotated[str, Form(min_length=1, max_length=64)]
) -> Response:
    with refusals(400):
        boards.remove_member(session, board, user.user_id, name)
    return _redirect(f"/boards/{board.id}?done=saved#members")


@pages.post("/boards/{board_id}/shares", response_class=HTMLResponse)
def create_share_form(
    request: Request,
    board: PageBoard,
    session: Db,
    user: PageUser,
    context: Ctx,
    days: Annotated[int, Form(ge=1, le=boards.SHARE_MAX.days)] = boards.SHARE_DEFAULT.days,
) -> Response:
    with refusals(400):
        token, _row = boards.create_share(session, board, user.user_id, timedelta(days=days))
    # Shown on this answer only: the token is not stored, so a redirect could not show it.
    return _board_view(request, board, session, user, context, new_share=share_url(request, token))


@pages.post("/boards/{board_id}/shares/{share_id}/revoke")
def revoke_share_form(board: PageBoard, share_id: DbId, session: Db, user: PageUser) -> Response:
    with refusals(400):
        boards.revoke_share(session, board, user.user_id, share_id)
    return _redirect(f"/boards/{board.id}?done=revoked#shares")
