"""Boards as pages under ``/boards``: the list, one board, and the forms that change them.

Every form posts its CSRF token (checked in ``deps``) and redirects (303) back, so a reload never
posts twice.  The JSON API is ``routers/boards``, the share links ``routers/board_shares``; what
they share is ``web/boardview``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.services import boards
from vsl_assets.web.boardview import Direction, PageBoard, TagFilter, board_view, refusals
from vsl_assets.web.deps import Ctx, Db, Key, PageUser
from vsl_assets.web.limits import MAX_ID, NEXT_MAX, DbId
from vsl_assets.web.render import redirect, render, safe_next, with_query

router = APIRouter(include_in_schema=False)


@router.get("/boards", response_class=HTMLResponse)
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


@router.post("/boards")
def create_board_form(
    session: Db,
    user: PageUser,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    note: Annotated[str, Form(max_length=5000)] = "",
    visibility: Annotated[str, Form(max_length=8)] = "private",
) -> Response:
    with refusals(400):
        board = boards.create_board(session, user.user_id, name, note, visibility)
    return redirect(f"/boards/{board.id}")


@router.post("/boards/{board_id}/move")
def move_board_form(
    board: PageBoard, session: Db, user: PageUser, direction: Annotated[Direction, Form()] = "up"
) -> Response:
    boards.move_board(session, user.user_id, board, direction)
    return redirect(f"/boards#board-{board.id}")


@router.get("/boards/{board_id}", response_class=HTMLResponse)
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
    return board_view(request, board, session, user, context, tag, limit=limit)


@router.post("/boards/{board_id}/edit")
def edit_board_form(
    board: PageBoard,
    session: Db,
    user: PageUser,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    with refusals(400):
        boards.edit_board(session, board, user.user_id, name=name, note=note)
    return redirect(f"/boards/{board.id}?done=saved")


@router.post("/boards/{board_id}/visibility")
def visibility_form(
    board: PageBoard, session: Db, user: PageUser, visibility: Annotated[str, Form(max_length=8)]
) -> Response:
    with refusals(400):
        boards.edit_board(session, board, user.user_id, visibility=visibility)
    return redirect(f"/boards/{board.id}?done=saved")


@router.post("/boards/{board_id}/delete")
def delete_board_form(board: PageBoard, session: Db, user: PageUser) -> Response:
    with refusals(400):
        boards.delete_board(session, board, user.user_id)
    return redirect(f"/boards?deleted={board.id}")


@router.post("/boards/{board_id}/restore")
def restore_board_form(board_id: DbId, session: Db, user: PageUser) -> Response:
    if boards.restore_board(session, board_id, user.user_id) is None:
        raise HTTPException(status_code=404, detail=f"no deleted board {board_id} of yours to restore")
    return redirect(f"/boards/{board_id}?done=restored")


@router.post("/boards/{board_id}/items")
def add_board_item(
    board: PageBoard,
    session: Db,
    partition_key: Annotated[str, Form(max_length=64)],
    note: Annotated[str, Form(max_length=5000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=NEXT_MAX)] = "",
) -> Response:
    with refusals(400):
        added = boards.add_item(session, board, partition_key, note, tags)
    if added is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {partition_key[:80]!r}")
    # The page it came from says so, with a link to the board (``added``), scrolled to that line.
    target = with_query(safe_next(next, f"/boards/{board.id}"), added=board.id)
    return redirect(target if "#" in target else target + "#added-flash")


@router.post("/boards/{board_id}/items/{key}/edit")
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
    return redirect(f"/boards/{board.id}#item-{key}")


@router.post("/boards/{board_id}/items/{key}/move")
def move_board_item(
    board: PageBoard, key: Key, session: Db, direction: Annotated[Direction, Form()] = "up"
) -> Response:
    if not boards.move_item(session, board, key, direction):
        raise HTTPException(status_code=404, detail=f"{key!r} is not on board {board.id}")
    return redirect(f"/boards/{board.id}#item-{key}")


@router.post("/boards/{board_id}/items/{key}/remove")
def remove_board_item(board: PageBoard, key: Key, session: Db) -> Response:
    boards.remove_item(session, board, key)
    return redirect(f"/boards/{board.id}")


@router.post("/boards/{board_id}/members")
def add_member_form(
    board: PageBoard, session: Db, user: PageUser, name: Annotated[str, Form(min_length=1, max_length=64)]
) -> Response:
    with refusals(400):
        boards.add_member(session, board, user.user_id, name)
    return redirect(f"/boards/{board.id}?done=saved#members")


@router.post("/boards/{board_id}/members/remove")
def remove_member_form(
    board: PageBoard, session: Db, user: PageUser, name: Annotated[str, Form(min_length=1, max_length=64)]
) -> Response:
    with refusals(400):
        boards.remove_member(session, board, user.user_id, name)
    return redirect(f"/boards/{board.id}?done=saved#members")
