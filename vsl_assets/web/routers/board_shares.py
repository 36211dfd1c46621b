"""A board's share links, managed by its owner: listed, created and revoked, as JSON under
``/api/boards/{id}/shares`` (``router``) and from the board page (``pages``).

What a share link opens is ``routers/share`` (``/s/{token}``, the one part without a login).  A
new link's token is shown once, on the answer that created it: only its hash is stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.services import boards
from vsl_assets.services.schemas import BoardShareCreated, BoardShareIn, BoardShareOut
from vsl_assets.web.boardview import FoundBoard, PageBoard, board_view, refusals, share_url
from vsl_assets.web.deps import ApiUser, Ctx, Db, PageUser
from vsl_assets.web.limits import DbId
from vsl_assets.web.render import redirect

router = APIRouter(prefix="/api/boards", tags=["boards"])
pages = APIRouter(include_in_schema=False)


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
    return board_view(request, board, session, user, context, new_share=share_url(request, token))


@pages.post("/boards/{board_id}/shares/{share_id}/revoke")
def revoke_share_form(board: PageBoard, share_id: DbId, session: Db, user: PageUser) -> Response:
    with refusals(400):
        boards.revoke_share(session, board, user.user_id, share_id)
    return redirect(f"/boards/{board.id}?done=revoked#shares")
