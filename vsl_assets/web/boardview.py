"""What the board routers share: the board in the path, refusals as HTTP answers, the board page.

The boards API (``routers/boards``), the board pages (``routers/board_pages``) and the share-link
routes (``routers/board_shares``) all find their board the same way and render the same page;
routers never import one another, so this lives beside them.

Every route finds its board through ``services.boards.board_for`` with the signed-in user, so a
board someone may not see is a 404 exactly like one that does not exist.  What only the owner may
do answers 403 with the owner's name (the board is visible to them, so nothing is given away).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import Response

from vsl_assets.db.web_models import Board
from vsl_assets.services import boards, watch
from vsl_assets.web.deps import ApiUser, Ctx, Db, Identity, PageUser
from vsl_assets.web.limits import DbId
from vsl_assets.web.render import render

#: A tag filter's text (compared by ``boards.tag_key``).
TagFilter = Annotated[str | None, Query(max_length=boards.MAX_TAG_CHARS * 2)]
Direction = Literal["up", "down", "top", "bottom"]


def not_found(board_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no board {board_id}")


def api_board(board_id: DbId, session: Db, user: ApiUser) -> Board:
    board = boards.board_for(session, board_id, user.user_id)
    if board is None:
        raise not_found(board_id)
    return board


def page_board(board_id: DbId, session: Db, user: PageUser) -> Board:
    board = boards.board_for(session, board_id, user.user_id)
    if board is None:
        raise not_found(board_id)
    return board


#: The board named in the path, if the caller may see it (else 404).
FoundBoard = Annotated[Board, Depends(api_board)]
PageBoard = Annotated[Board, Depends(page_board)]


@contextmanager
def refusals(status: int = 422) -> Iterator[None]:
    """A service's refusal as an HTTP answer with its reason: 403 for owner-only, else ``status``."""
    try:
        yield
    except boards.BoardForbidden as exc:
        raise HTTPException(status_code=403, detail=exc.reason) from None
    except boards.BoardError as exc:
        raise HTTPException(status_code=status, detail=exc.reason) from None


def min_confidence(context: Ctx) -> float:
    return float(context.settings.breakdown_min_confidence)


def share_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/s/{token}"


def board_view(
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
    """The board page (``board.html``): its cards, and for the owner its share links."""
    out = boards.board_out(session, board, tag=tag, min_confidence=min_confidence(context), limit=limit)
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
