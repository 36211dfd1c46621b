"""Boards: named collections of VSLs, in an order, with notes and tags, private or for the team.

Who sees a board: a ``team`` board every login; a ``private`` one its owner and its members.
Every read here takes the viewer's user id and answers a board they may not see exactly as a
board that does not exist (None), so the front ends answer 404 for both and a stranger learns
nothing.  Managing a board (delete, visibility, members, share links) is for its owner; editing
what is on it is for everyone who sees it.

Deleting is a soft delete: the board disappears at once but its owner can restore it for
``RESTORE_FOR``; after that it is purged (``purge_deleted``, run when boards are listed).

A share link opens one board read-only without a login: a random token of which only the
SHA-256 is stored, with an expiry (at most ``SHARE_MAX``) and a revocation.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Text, bindparam, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.db.engine import core_read
from vsl_assets.db.models import BreakdownRow, Source, Url, Video, utcnow
from vsl_assets.db.web_models import Board, BoardItem, BoardMember, BoardShare, User
from vsl_assets.errors import PermanentError
from vsl_assets.services import library, schemas, titles
from vsl_assets.settings import Settings

#: ``VSL_BREAKDOWN_MIN_CONFIDENCE``'s default: what a title's product/hook is judged by when the
#: caller passes no threshold.
DEFAULT_MIN_CONFIDENCE: float = Settings.model_fields["breakdown_min_confidence"].default

#: Tags per VSL on a board, and characters per tag: enough to file by, too few to paste a note into.
MAX_TAGS = 12
MAX_TAG_CHARS = 32
MAX_NAME = 120
MAX_NOTE = 5000
#: A deleted board can be restored this long; then it is purged.
RESTORE_FOR = timedelta(days=7)
#: Share links: the lifetimes offered, the default and the longest allowed.
SHARE_LIFETIMES = (timedelta(days=1), timedelta(days=7), timedelta(days=30), timedelta(days=90))
SHARE_DEFAULT = timedelta(days=7)
SHARE_MAX = timedelta(days=90)
#: Cards on a board page before "Show all"; and the most "Show all" shows.
PAGE_CARDS = 120
MAX_PAGE_CARDS = 5000
VISIBILITIES = ("private", "team")
Visibility = Literal["private", "team"]
Direction = Literal["up", "down", "top", "bottom"]


class BoardError(PermanentError):
    """The change cannot be made as asked (a tag too long, an unknown user...): ``reason`` says why."""


class BoardForbidden(BoardError):
    """The viewer sees the board but only its owner may do this."""


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- tags ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a board's tags are few and repeat on every card
def tag_key(tag: str) -> str:
    """What two tags are compared by: no case, no accents, single spaces ("Emoção" = "emocao")."""
    decomposed = unicodedata.normalize("NFKD", tag)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def clean_tags(raw: Sequence[str] | str) -> list[str]:
    """Tags as stored: lower case (accents kept for reading), one space, no ``#``, no two with the
    same ``tag_key``.  Too many or too long is refused with the reason, never cut silently."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    out: list[str] = []
    keys: set[str] = set()
    for item in items:
        text = "".join(c for c in unicodedata.normalize("NFC", str(item)) if c.isprintable() or c.isspace())
        tag = " ".join(text.split()).lstrip("#").strip().lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise BoardError(f"tag {tag[:40]!r} is too long: at most {MAX_TAG_CHARS} characters per tag")
        key = tag_key(tag)
        if key in keys:
            continue
        keys.add(key)
        out.append(tag)
    if len(out) > MAX_TAGS:
        raise BoardError(f"{len(out)} tags: at most {MAX_TAGS} per VSL on a board")
    return out


def _text(value: str | None, limit: int, what: str) -> str | None:
    text = (value or "").strip()
    if len(text) > limit:
        raise BoardError(f"{what} is too long: at most {limit} characters")
    return text or None


def _name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise BoardError("a board needs a name")
    if len(name) > MAX_NAME:
        raise BoardError(f"board name is too long: at most {MAX_NAME} characters")
    return name


# -- who sees what ------------------------------------------------------------------------------


def _visible(user_id: Any) -> Any:
    member_of = select(BoardMember.board_id).where(BoardMember.user_id == user_id)
    return or_(Board.visibility == "team", Board.user_id == user_id, Board.id.in_(member_of))


#: The Boards page's order, which every list of boards a viewer sees follows.
_BOARD_ORDER = (Board.position, Board.name, Board.id)


def visible_boards(session: Session, user_id: int) -> list[Board]:
    """The boards ``user_id`` may see, in the Boards page's order."""
    return list(
        session.scalars(select(Board).where(Board.deleted_at.is_(None), _visible(user_id)).order_by(*_BOARD_ORDER))
    )


#: :func:`board_menu`'s query, built once (the viewer bound at execution).
_MENU = (
    select(Board.id, Board.name)
    .where(Board.deleted_at.is_(None), _visible(bindparam("viewer")))
    .order_by(*_BOARD_ORDER)
)


def board_menu(session: Session, user_id: int) -> list[Any]:
    """(id, name) of the boards ``user_id`` may see, as :func:`visible_boards` lists them: what
    a page's "on board" menu shows (the search page on every search), without building the
    query, loading the boards as objects or the ORM's execution layer each time."""
    return list(core_read(session, _MENU, {"viewer": user_id}))


def board_for(session: Session, board_id: int, user_id: int) -> Board | None:
    """The board if it exists, is not deleted and ``user_id`` may see it; else None (all alike)."""
    return session.scalar(select(Board).where(Board.id == board_id, Board.deleted_at.is_(None), _visible(user_id)))


def may_manage(board: Board, user_id: int) -> bool:
    return board.user_id == user_id


def _owner_only(session: Session, board: Board, user_id: int, what: str) -> None:
    if not may_manage(board, user_id):
        owner = session.scalar(select(User.name).where(User.id == board.user_id)) or "?"
        raise BoardForbidden(f"only the board's owner ({owner}) can {what}")


# -- boards -------------------------------------------------------------------------------------


def create_board(session: Session, user_id: int, name: str, note: str | None, visibility: str = "private") -> Board:
    if visibility not in VISIBILITIES:
        raise BoardError(f"visibility must be private or team, not {visibility[:20]!r}")
    last = session.scalar(select(func.max(Board.position))) or 0
    board = Board(
        user_id=user_id,
        name=_name(name),
        note=_text(note, MAX_NOTE, "description"),
        visibility=visibility,
        position=last + 1,
    )
    session.add(board)
    session.flush()
    return board


def edit_board(
    session: Session,
    board: Board,
    user_id: int,
    *,
    name: str | None = None,
    note: str | None = None,
    visibility: str | None = None,
) -> Board:
    """Rename or describe (anyone who sees it); change who sees it (its owner only)."""
    if name is not None:
        board.name = _name(name)
    if note is not None:
        board.note = _text(note, MAX_NOTE, "description")
    if visibility is not None and visibility != board.visibility:
        if visibility not in VISIBILITIES:
            raise BoardError(f"visibility must be private or team, not {visibility[:20]!r}")
        _owner_only(session, board, user_id, "change who sees it")
        board.visibility = visibility
    session.flush()
    return board


def delete_board(session: Session, board: Board, user_id: int) -> datetime:
    """Hide the board now; returns until when its owner can restore it."""
    _owner_only(session, board, user_id, "delete it")
    now = utcnow()
    board.deleted_at = now
    session.flush()
    purge_deleted(session, now)
    return now + RESTORE_FOR


def restore_board(session: Session, board_id: int, user_id: int) -> Board | None:
    """Undo a delete (the owner, within ``RESTORE_FOR``); None when there is nothing to restore."""
    board = session.scalar(
        select(Board).where(
            Board.id == board_id,
            Board.user_id == user_id,
            Board.deleted_at.is_not(None),
            Board.deleted_at > utcnow() - RESTORE_FOR,
        )
    )
    if board is None:
        return None
    board.deleted_at = None
    session.flush()
    return board


def deleted_boards(session: Session, user_id: int) -> list[Board]:
    """``user_id``'s deleted boards that can still be restored, newest first."""
    return list(
        session.scalars(
            select(Board)
            .where(Board.user_id == user_id, Board.deleted_at > utcnow() - RESTORE_FOR)
            .order_by(Board.deleted_at.desc())
        )
    )


def purge_deleted(session: Session, now: datetime | None = None) -> int:
    """Delete for good the boards deleted more than ``RESTORE_FOR`` ago (items, members and
    share links go with them)."""
    cutoff = (now or utcnow()) - RESTORE_FOR
    doomed = list(session.scalars(select(Board.id).where(Board.deleted_at.is_not(None), Board.deleted_at <= cutoff)))
    if not doomed:
        return 0
    # Children first and explicitly, so the purge does not rest on the database cascading.
    for model in (BoardItem, BoardMember, BoardShare):
        session.execute(delete(model).where(model.board_id.in_(doomed)))
    session.execute(delete(Board).where(Board.id.in_(doomed)))
    return len(doomed)


def _reordered(current: list[Any], moving: Any, direction: Direction) -> list[Any]:
    order = [x for x in current if x != moving]
    at = current.index(moving)
    target = {"up": max(0, at - 1), "down": min(len(order), at + 1), "top": 0, "bottom": len(order)}[direction]
    order.insert(target, moving)
    return order


def _put_first(current: list[Any], wanted: Sequence[Any], what: str) -> list[Any]:
    unknown = [str(x) for x in wanted if x not in current]
    if unknown:
        raise BoardError(f"not {what}: {', '.join(unknown[:5])}")
    seen = list(dict.fromkeys(wanted))
    return seen + [x for x in current if x not in seen]


def move_board(session: Session, user_id: int, board: Board, direction: Direction) -> None:
    """One step (or to an end) in ``user_id``'s list; the order is shared, like the boards."""
    boards = visible_boards(session, user_id)
    _number(boards, _reordered(boards, board, direction))


def order_boards(session: Session, user_id: int, board_ids: Sequence[int]) -> None:
    """These boards first, in this order; the rest keep theirs after them."""
    boards = visible_boards(session, user_id)
    by_id = {b.id: b for b in boards}
    ids = _put_first([b.id for b in boards], board_ids, "a board of yours")
    _number(boards, [by_id[i] for i in ids])


def _number(rows: list[Any], order: list[Any]) -> None:
    """Give ``order`` the positions ``rows`` had, so other viewers' boards keep their places."""
    slots = sorted(r.position for r in rows)
    if len(set(slots)) != len(slots):  # ties (old rows): spread them out
        slots = list(range(slots[0] if slots else 0, (slots[0] if slots else 0) + len(slots)))
    for row, slot in zip(order, slots, strict=True):
        row.position = slot


# -- items --------------------------------------------------------------------------------------


def _url_id(session: Session, key: str) -> int | None:
    return session.scalar(select(Url.id).where(Url.partition_key == key))


def _item(session: Session, board: Board, key: str) -> BoardItem | None:
    return session.scalar(
        select(BoardItem)
        .join(Url, Url.id == BoardItem.url_id)
        .where(BoardItem.board_id == board.id, Url.partition_key == key)
    )


def add_item(session: Session, board: Board, key: str, note: str | None, tags: Sequence[str] | str) -> BoardItem | None:
    """Put a VSL at the end of a board; already there: a note given replaces its note, tags given
    replace its tags (nothing given keeps them).  None when the key is unknown."""
    clean = clean_tags(tags)
    text = _text(note, MAX_NOTE, "note")
    url_id = _url_id(session, key)
    if url_id is None:
        return None
    item = session.scalar(select(BoardItem).where(BoardItem.board_id == board.id, BoardItem.url_id == url_id))
    if item is None:
        last = session.scalar(select(func.max(BoardItem.position)).where(BoardItem.board_id == board.id)) or 0
        item = BoardItem(board_id=board.id, url_id=url_id, position=last + 1, tags=[])
        session.add(item)
    if text is not None:
        item.note = text
    if clean:
        item.tags = clean
    session.flush()
    return item


def edit_item(
    session: Session, board: Board, key: str, *, note: str | None = None, tags: Sequence[str] | str | None = None
) -> BoardItem | None:
    """Set a VSL's note and tags on a board (empty clears them); None when it is not on the board."""
    clean = clean_tags(tags) if tags is not None else None
    text = _text(note, MAX_NOTE, "note") if note is not None else None
    item = _item(session, board, key)
    if item is None:
        return None
    if note is not None:
        item.note = text
    if clean is not None:
        item.tags = clean
    session.flush()
    return item


def remove_item(session: Session, board: Board, key: str) -> bool:
    item = _item(session, board, key)
    if item is None:
        return False
    session.delete(item)
    session.flush()
    return True


def _items_in_order(session: Session, board: Board) -> list[tuple[BoardItem, str]]:
    rows = session.execute(
        select(BoardItem, Url.partition_key)
        .join(Url, Url.id == BoardItem.url_id)
        .where(BoardItem.board_id == board.id)
        .order_by(BoardItem.position, BoardItem.id)
    ).all()
    return [(item, key) for item, key in rows]


def move_item(session: Session, board: Board, key: str, direction: Direction) -> bool:
    pairs = _items_in_order(session, board)
    keys = [k for _, k in pairs]
    if key not in keys:
        return False
    _renumber_items(pairs, _reordered(keys, key, direction))
    session.flush()
    return True


def order_items(session: Session, board: Board, keys: Sequence[str]) -> None:
    """These VSLs first, in this order (the order a drag and drop left); the rest after them."""
    pairs = _items_in_order(session, board)
    _renumber_items(pairs, _put_first([k for _, k in pairs], keys, "on this board"))
    session.flush()


def _renumber_items(pairs: list[tuple[BoardItem, str]], order: list[str]) -> None:
    by_key = {k: item for item, k in pairs}
    for position, key in enumerate(order, 1):
        by_key[key].position = position


# -- members ------------------------------------------------------------------------------------


def _user_named(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == (name or "").strip()[:64]))
    if user is None:
        raise BoardError(f"no user {name.strip()[:64]!r}: names are logins (`vsl user add NAME`)")
    return user


def add_member(session: Session, board: Board, user_id: int, name: str) -> User:
    _owner_only(session, board, user_id, "add members")
    user = _user_named(session, name)
    exists = session.scalar(
        select(BoardMember.id).where(BoardMember.board_id == board.id, BoardMember.user_id == user.id)
    )
    if exists is None and user.id != board.user_id:
        session.add(BoardMember(board_id=board.id, user_id=user.id))
        session.flush()
    return user


def remove_member(session: Session, board: Board, user_id: int, name: str) -> bool:
    _owner_only(session, board, user_id, "remove members")
    user = _user_named(session, name)
    done = session.execute(delete(BoardMember).where(BoardMember.board_id == board.id, BoardMember.user_id == user.id))
    return bool(getattr(done, "rowcount", 0))


def members_of(session: Session, board: Board) -> list[str]:
    return list(
        session.scalars(
            select(User.name)
            .join(BoardMember, BoardMember.user_id == User.id)
            .where(BoardMember.board_id == board.id)
            .order_by(User.name)
        )
    )


# -- share links --------------------------------------------------------------------------------


def share_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(
    session: Session, board: Board, user_id: int, lifetime: timedelta = SHARE_DEFAULT
) -> tuple[str, BoardShare]:
    """A new read-only link: (the token, shown once; its row)."""
    _owner_only(session, board, user_id, "share it by link")
    if lifetime <= timedelta(0) or lifetime > SHARE_MAX:
        raise BoardError(f"a share link lives at most {SHARE_MAX.days} days")
    token = secrets.token_urlsafe(24)
    row = BoardShare(
        board_id=board.id, token_hash=share_token_hash(token), created_by=user_id, expires_at=utcnow() + lifetime
    )
    session.add(row)
    session.flush()
    return token, row


def shares_of(session: Session, board: Board) -> list[schemas.BoardShareOut]:
    now = utcnow()
    rows = session.scalars(select(BoardShare).where(BoardShare.board_id == board.id).order_by(BoardShare.id.desc()))
    out = []
    for row in rows:
        expires, revoked = _aware(row.expires_at), _aware(row.revoked_at)
        state = "revoked" if revoked else ("expired" if expires is not None and expires <= now else "active")
        out.append(
            schemas.BoardShareOut(
                id=row.id, created_at=_aware(row.created_at), expires_at=expires, revoked_at=revoked, state=state
            )
        )
    return out


def revoke_share(session: Session, board: Board, user_id: int, share_id: int) -> bool:
    _owner_only(session, board, user_id, "revoke its links")
    row = session.scalar(
        select(BoardShare).where(
            BoardShare.id == share_id, BoardShare.board_id == board.id, BoardShare.revoked_at.is_(None)
        )
    )
    if row is None:
        return False
    row.revoked_at = utcnow()
    session.flush()
    return True


@dataclass(frozen=True)
class SharedBoard:
    """What a share token opens: ``board`` when live, else why not (``gone``: revoked or expired)."""

    board: Board | None
    gone: str | None = None


def open_share(session: Session, token: str) -> SharedBoard | None:
    """The board a share token opens; None when no such link (or its board is deleted)."""
    if not token or len(token) > 100:
        return None
    found = session.execute(
        select(BoardShare, Board, User.disabled)
        .join(Board, Board.id == BoardShare.board_id)
        .join(User, User.id == Board.user_id)
        .where(BoardShare.token_hash == share_token_hash(token), Board.deleted_at.is_(None))
    ).first()
    if found is None:
        return None
    share, board, owner_disabled = found
    # A disabled owner's links stop with their sessions and tokens (``vsl user disable``).
    if share.revoked_at is not None or owner_disabled:
        return SharedBoard(None, "revoked")
    expires = _aware(share.expires_at)
    if expires is not None and expires <= utcnow():
        return SharedBoard(None, "expired")
    return SharedBoard(board)


def on_board(session: Session, board: Board, key: str) -> bool:
    """Whether ``key`` is on ``board``: a share viewer's only way to any VSL."""
    return _item(session, board, key) is not None


# -- read models --------------------------------------------------------------------------------

#: The breakdown columns a board's card shows, from the one definition (``breakdown.columns``).
BOARD_COLUMNS = breakdown_columns.on_board()


@functools.lru_cache(maxsize=16)
def _item_columns(t: float) -> tuple[Any, ...]:
    """A card's columns for a confidence threshold, built once (SQLAlchemy expressions are
    immutable; building the confidence checks anew cost more than the query, as in ``library``),
    the title's among them (no second query for the titles)."""
    return (
        BoardItem.id.label("item_id"),
        Url.partition_key,
        Url.url,
        Url.status,
        BoardItem.note,
        BoardItem.tags,
        BoardItem.position,
        Video.duration_s,
        *library.sure_columns(BOARD_COLUMNS, lambda c: c.board, t),
        *titles.title_columns(t),
    )


#: Board items read per ``IN (...)`` (well under SQLite's bound-parameter limit).
_ITEM_CHUNK = 500


def board_out(
    session: Session,
    board: Board,
    *,
    tag: str | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    limit: int | None = None,
) -> schemas.BoardOut:
    """The board with its VSLs in order (only those carrying ``tag``, compared by ``tag_key``;
    the first ``limit`` of them when given), each with the breakdown facts a card shows (values
    the engine was not sure of left out).

    Two reads: every item's tags (the tag counts and the totals need them all), then the cards'
    columns and titles of the items shown only: a board of 2,000 VSLs whose page shows 120 cards
    no longer reads and titles 2,000 (``benchmarks/bench_pages.py``, board (2,000))."""
    listed = session.execute(
        select(BoardItem.id, func.nullif(cast(BoardItem.tags, Text), "[]"))
        .where(BoardItem.board_id == board.id)
        .order_by(BoardItem.position, BoardItem.id)
    ).all()
    counts: dict[str, list[Any]] = {}
    shown: list[int] = []
    matching = 0
    want = tag_key(tag) if tag else None
    for item_id, raw_tags in listed:
        # The tags as JSON text, decoded only when there are some: most items carry none.
        tags: list[str] = list(json.loads(raw_tags) or []) if raw_tags else []
        keys = [tag_key(x) for x in tags]
        for x, k in zip(tags, keys, strict=True):
            counts.setdefault(k, [x, 0])[1] += 1
        if want and want not in keys:
            continue
        matching += 1
        if limit is None or len(shown) < limit:
            shown.append(item_id)
    columns = _item_columns(min_confidence)
    found: dict[int, Any] = {}
    for start in range(0, len(shown), _ITEM_CHUNK):
        rows = session.execute(
            select(*columns)
            .select_from(BoardItem)
            .join(Url, Url.id == BoardItem.url_id)
            .outerjoin(Source, Source.url_id == Url.id)
            .outerjoin(Video, Video.url_id == Url.id)
            .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
            .where(BoardItem.id.in_(shown[start : start + _ITEM_CHUNK]))
        ).all()
        found.update((r.item_id, r) for r in rows)
    items: list[schemas.BoardItemOut] = []
    for item_id in shown:
        r = found[item_id]
        items.append(
            schemas.BoardItemOut(
                partition_key=r.partition_key,
                url=r.url,
                title=titles.title_of(r).text,
                note=r.note,
                tags=list(r.tags or []),
                position=r.position,
                status=r.status,
                duration_s=r.duration_s,
                **{c.board: getattr(r, c.board) for c in BOARD_COLUMNS if c.board},
            )
        )
    owner = session.scalar(select(User.name).where(User.id == board.user_id)) or ""
    return schemas.BoardOut(
        id=board.id,
        name=board.name,
        note=board.note,
        visibility=board.visibility,
        owner=owner,
        members=members_of(session, board),
        tags=[schemas.TagCount(tag=v[0], key=k, count=v[1]) for k, v in sorted(counts.items())],
        total=len(listed),
        matching=matching,
        items=items,
    )


def board_summaries(session: Session, user_id: int) -> list[schemas.BoardSummary]:
    """The Boards page's list: one query for the counts, not one per board."""
    boards = visible_boards(session, user_id)
    counts = dict(
        session.execute(
            select(BoardItem.board_id, func.count())
            .where(BoardItem.board_id.in_([b.id for b in boards]))
            .group_by(BoardItem.board_id)
        ).all()
    )
    owners = dict(session.execute(select(User.id, User.name).where(User.id.in_({b.user_id for b in boards}))).all())
    return [
        schemas.BoardSummary(
            id=b.id,
            name=b.name,
            note=b.note,
            visibility=b.visibility,
            owner=owners.get(b.user_id, ""),
            count=int(counts.get(b.id, 0)),
            mine=b.user_id == user_id,
        )
        for b in boards
    ]


def boards_of(session: Session, key: str, user_id: int) -> list[int]:
    """Which of the boards ``user_id`` sees hold ``key``."""
    return list(
        session.scalars(
            select(BoardItem.board_id)
            .join(Url, Url.id == BoardItem.url_id)
            .join(Board, Board.id == BoardItem.board_id)
            .where(Url.partition_key == key, Board.deleted_at.is_(None), _visible(user_id))
        )
    )
