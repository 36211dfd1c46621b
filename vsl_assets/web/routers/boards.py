"""Boards: as JSON under ``/api/boards`` (``router``) and as pages under ``/boards`` (``pages``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vsl_assets.db.web_models import Board, User
from vsl_assets.services import boards, watch
from vsl_assets.services.schemas import BoardIn, BoardItemIn, BoardOut
from vsl_assets.web.deps import ApiUser, Db, Key, PageUser
from vsl_assets.web.limits import DbId
from vsl_assets.web.render import render, safe_next

router = APIRouter(prefix="/api/boards", tags=["boards"])
pages = APIRouter(include_in_schema=False)


def board_or_404(board_id: DbId, session: Db) -> Board:
    board = session.get(Board, board_id)
    if board is None:
        raise HTTPException(status_code=404, detail=f"no board {board_id}")
    return board


FoundBoard = Annotated[Board, Depends(board_or_404)]


def _added(session: Db, board: Board, key: str, note: str | None, tags: str | list[str]) -> None:
    if boards.add_item(session, board, key, note, tags) is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key[:80]!r}")


@router.get("", response_model=list[BoardOut])
def list_boards(session: Db, _user: ApiUser) -> list[BoardOut]:
    return [boards.board_out(session, b) for b in boards.all_boards(session)]


@router.post("", response_model=BoardOut, status_code=201)
def create_board(body: BoardIn, session: Db, user: ApiUser) -> BoardOut:
    return boards.board_out(session, boards.create_board(session, user.user_id, body.name, body.note))


@router.post("/{board_id}/items", response_model=BoardOut)
def add_item(board: FoundBoard, body: BoardItemIn, session: Db, _user: ApiUser) -> BoardOut:
    _added(session, board, body.partition_key, body.note, body.tags)
    return boards.board_out(session, board)


# -- pages --------------------------------------------------------------------------------------


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


@pages.get("/boards", response_class=HTMLResponse)
def boards_page(request: Request, session: Db, user: PageUser) -> Response:
    all_boards = boards.all_boards(session)
    return render(request, "boards.html", user, boards=[boards.board_out(session, b) for b in all_boards])


@pages.post("/boards")
def create_board_form(
    session: Db,
    user: PageUser,
    name: Annotated[str, Form(min_length=1, max_length=120)],
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    board = boards.create_board(session, user.user_id, name, note)
    return _redirect(f"/boards/{board.id}")


@pages.get("/boards/{board_id}", response_class=HTMLResponse)
def board_page(request: Request, board: FoundBoard, session: Db, user: PageUser) -> Response:
    owner = session.get(User, board.user_id)
    return render(
        request,
        "board.html",
        user,
        board=boards.board_out(session, board),
        owner=owner.name if owner else "",
        board_watch=watch.board_switch(session, board.id),
    )


@pages.post("/boards/{board_id}/items")
def add_board_item(
    board: FoundBoard,
    session: Db,
    _user: PageUser,
    partition_key: Annotated[str, Form(max_length=64)],
    note: Annotated[str, Form(max_length=5000)] = "",
    tags: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    _added(session, board, partition_key, note, tags)
    return _redirect(safe_next(next, f"/boards/{board.id}"))


@pages.post("/boards/{board_id}/items/{key}/remove")
def remove_board_item(board: FoundBoard, key: Key, session: Db, _user: PageUser) -> Response:
    boards.remove_item(session, board, key)
    return _redirect(f"/boards/{board.id}")
