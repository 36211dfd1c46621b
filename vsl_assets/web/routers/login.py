"""Signing in and out, and the UI language: the pages a visitor reaches before (or without) a session.

The login form carries its own CSRF token, bound to a nonce cookie (there is no session yet to
bind it to); failed logins are throttled per user name and client address before any hashing.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from vsl_assets.web.deps import LOGIN_COOKIE, SESSION_COOKIE, Ctx, Db, PageUser
from vsl_assets.web.i18n import LANG_COOKIE, LANGUAGES
from vsl_assets.web.limits import NEXT_MAX
from vsl_assets.web.render import redirect, render, safe_next
from vsl_assets.web.sessions import create_session, end_session
from vsl_assets.web.users import authenticate

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, context: Ctx, next: str = "/") -> Response:
    """The form; what it says above the fields is never taken from the query string (a link to
    ``/login?error=...`` must not put someone else's words on this page)."""
    return _login_page(request, context, next)


def _login_page(request: Request, context: Ctx, next: str, error: str | None = None, username: str = "") -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        None,
        status_code=401 if error else 200,
        next=safe_next(next),
        login_csrf=context.signer.csrf_token("login:" + nonce),
        error=error,
        username=username,  # after a wrong password the name stays typed: only the password is asked again
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    context: Ctx,
    session: Db,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=NEXT_MAX)] = "/",
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not nonce or not context.signer.check_csrf("login:" + nonce, csrf_token):
        raise HTTPException(status_code=403, detail="missing or invalid CSRF token; reload the login page")
    address = request.client.host if request.client else "?"
    attempt = context.throttle.reserve(username, address)  # before any hashing: parallel guesses count
    if attempt.attempt_id is None:
        raise HTTPException(
            status_code=429,
            detail=f"too many failed logins; try again in {attempt.wait_s} s",
            headers={"Retry-After": str(attempt.wait_s)},
        )
    user = authenticate(session, username, password)
    context.throttle.finish(attempt.attempt_id, ok=user is not None)
    if user is None:
        return _login_page(request, context, next, error="Wrong user name or password.", username=username)
    # A new session, and the one this browser had (if any) ends: a session id is never carried across a login.
    end_session(session, request.cookies.get(SESSION_COOKIE))
    cookie = create_session(session, user, context.session_policy, address)
    session.commit()  # live before the browser follows the redirect
    response = redirect(safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=context.session_policy.max_s,
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: Db, _user: PageUser) -> Response:
    end_session(session, request.cookies.get(SESSION_COOKIE))  # the cookie stops working, even copied
    session.commit()
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def set_language(code: str, request: Request, next: str = "/") -> Response:
    if code not in LANGUAGES:
        raise HTTPException(
            status_code=404, detail=f"no UI language {code[:20]!r}; choose one of {', '.join(LANGUAGES)}"
        )
    response = redirect(safe_next(next))
    response.set_cookie(LANG_COOKIE, code, samesite="lax", secure=_secure(request), max_age=365 * 24 * 3600)
    return response
