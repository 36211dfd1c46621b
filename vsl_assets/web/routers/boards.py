"""Boards as JSON under ``/api/boards``: boards, their VSLs and their members.

The pages are ``routers/board_pages``, the share links ``routers/board_shares``; what they share
(the board in the path, refusals as HTTP answers) is ``web/boardview``.  Changes need a write
token (``deps``).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from vsl_assets.services import boards
from vsl_assets.services.schemas import (
    BoardEdit,
    BoardIn,
    BoardItemEdit,
    BoardItemIn,
    BoardMemberIn,
    BoardOrder,
    BoardOut,
    BoardsOrder,
)
from vsl_assets.web.boardview import FoundBoard, TagFilter, api_board, min_confidence, refusals
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
from vsl_assets.web.limits import DbId

router = APIRouter(prefix="/api/boards", tags=["boards"])

#: The name routes used before boards had owners; it now checks who may see the board too.
board_or_404 = api_board


class Deleted(BaseModel):
    id: int
    #: Restore (``POST /api/boards/{id}/restore``) until then; later the board is purged.
    restorable_until: datetime


@router.get("", response_model=list[BoardOut])
def list_boards(session: Db, user: ApiUser, context: Ctx) -> list[BoardOut]:
    t = min_confidence(context)
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
    return boards.board_out(session, board, tag=tag, min_confidence=min_confidence(context))


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
