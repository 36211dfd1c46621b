"""Boards as JSON (the pages in ``pages.py`` use the same functions)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from vsl_assets.db.web_models import Board
from vsl_assets.web import boards
from vsl_assets.web.deps import ApiUser, Db
from vsl_assets.web.limits import DbId
from vsl_assets.web.schemas import BoardIn, BoardItemIn, BoardOut

router = APIRouter(prefix="/api/boards", tags=["boards"])


@router.get("", response_model=list[BoardOut])
def list_boards(session: Db, _user: ApiUser) -> list[BoardOut]:
    return [boards.board_out(session, b) for b in boards.all_boards(session)]


@router.post("", response_model=BoardOut, status_code=201)
def create_board(body: BoardIn, session: Db, user: ApiUser) -> BoardOut:
    return boards.board_out(session, boards.create_board(session, user.user_id, body.name, body.note))


@router.post("/{board_id}/items", response_model=BoardOut)
def add_item(board_id: DbId, body: BoardItemIn, session: Db, _user: ApiUser) -> BoardOut:
    board = session.get(Board, board_id)
    if board is None:
        raise HTTPException(status_code=404, detail=f"no board {board_id}")
    if boards.add_item(session, board, body.partition_key, body.note, body.tags) is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {body.partition_key[:80]!r}")
    return boards.board_out(session, board)
