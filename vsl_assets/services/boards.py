"""Boards: named collections of VSLs with notes and tags, shared by everyone who can log in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.models import Url
from vsl_assets.db.web_models import Board, BoardItem
from vsl_assets.services import schemas, titles
from vsl_assets.settings import Settings

#: ``VSL_BREAKDOWN_MIN_CONFIDENCE``'s default: what a title's product/hook is judged by when the
#: caller passes no threshold.
DEFAULT_MIN_CONFIDENCE: float = Settings.model_fields["breakdown_min_confidence"].default

MAX_TAGS = 30


def clean_tags(raw: list[str] | str) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    out: list[str] = []
    for tag in items:
        tag = " ".join(str(tag).split())[:40]
        if tag and tag not in out:
            out.append(tag)
    return out[:MAX_TAGS]


def create_board(session: Session, user_id: int, name: str, note: str | None) -> Board:
    board = Board(user_id=user_id, name=name.strip()[:120] or "?", note=(note or "").strip()[:5000] or None)
    session.add(board)
    session.flush()
    return board


def all_boards(session: Session) -> list[Board]:
    return list(session.scalars(select(Board).order_by(Board.name, Board.id)))


def add_item(session: Session, board: Board, key: str, note: str | None, tags: list[str] | str) -> BoardItem | None:
    """Put a VSL on a board (or update its note and tags there); None when the key is unknown."""
    url_id = session.scalar(select(Url.id).where(Url.partition_key == key))
    if url_id is None:
        return None
    item = session.scalar(select(BoardItem).where(BoardItem.board_id == board.id, BoardItem.url_id == url_id))
    if item is None:
        item = BoardItem(board_id=board.id, url_id=url_id)
        session.add(item)
    item.note = (note or "").strip()[:5000] or None
    item.tags = clean_tags(tags)
    session.flush()
    return item


def remove_item(session: Session, board: Board, key: str) -> bool:
    url_id = session.scalar(select(Url.id).where(Url.partition_key == key))
    item = session.scalar(select(BoardItem).where(BoardItem.board_id == board.id, BoardItem.url_id == url_id))
    if item is None:
        return False
    session.delete(item)
    return True


def board_out(session: Session, board: Board, *, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> schemas.BoardOut:
    rows = session.execute(
        select(Url.partition_key, Url.url, BoardItem.note, BoardItem.tags)
        .join(Url, Url.id == BoardItem.url_id)
        .where(BoardItem.board_id == board.id)
        .order_by(BoardItem.id)
    ).all()
    named = titles.titles_for(session, [r.partition_key for r in rows], min_confidence=min_confidence)
    return schemas.BoardOut(
        id=board.id,
        name=board.name,
        note=board.note,
        items=[
            schemas.BoardItemOut(partition_key=k, url=u, title=named[k].text, note=n, tags=list(g or []))
            for k, u, n, g in rows
        ],
    )


def boards_of(session: Session, key: str) -> list[int]:
    return list(
        session.scalars(
            select(BoardItem.board_id).join(Url, Url.id == BoardItem.url_id).where(Url.partition_key == key)
        )
    )
