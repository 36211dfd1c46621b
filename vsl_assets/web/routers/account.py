"""The signed-in person's own credentials: API tokens (create, list, revoke) and "log out everywhere".

A new token is shown once, on the page that answers the POST (never in a URL or a redirect).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vsl_assets.web import tokens
from vsl_assets.web.deps import SESSION_COOKIE, Db, PageUser
from vsl_assets.web.limits import DbId
from vsl_assets.web.render import render
from vsl_assets.web.sessions import end_all_sessions

router = APIRouter(include_in_schema=False)

LIFETIMES = {"30d": "30 days", "90d": "90 days", "365d": "1 year", "never": "never"}


def _page(request: Request, session: Db, user: PageUser, status_code: int = 200, **extra: object) -> Response:
    return render(
        request,
        "tokens.html",
        user,
        status_code=status_code,
        tokens=tokens.list_tokens(session, user.user_id),
        lifetimes=LIFETIMES,
        **extra,
    )


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: Db, user: PageUser) -> Response:
    return _page(request, session, user)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    session: Db,
    user: PageUser,
    label: Annotated[str, Form(min_length=1, max_length=64)],
    scope: Annotated[Literal["read", "write"], Form()] = "read",
    expires: Annotated[Literal["30d", "90d", "365d", "never"], Form()] = "90d",
) -> Response:
    token, _row = tokens.create_token(session, user.name, label.strip() or "web", scope, tokens.parse_lifetime(expires))
    session.commit()
    return _page(request, session, user, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(token_id: DbId, session: Db, user: PageUser) -> Response:
    if not tokens.revoke_token(session, token_id, user.user_id):
        raise HTTPException(status_code=404, detail=f"no live token {token_id} of yours")
    return RedirectResponse("/tokens", status_code=303)


@router.post("/logout/all")
def logout_everywhere(session: Db, user: PageUser) -> Response:
    """Every session of this user ends (other browsers, a stolen cookie); tokens stay (revoke them above)."""
    end_all_sessions(session, user.user_id)
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
