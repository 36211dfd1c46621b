"""FastAPI dependencies: the database session, the current user and the CSRF check.

Authentication is either a signed session cookie (the browser) or ``Authorization: Bearer``
(scripts).  A state-changing request authenticated by cookie must also carry the CSRF token
(form field ``csrf_token`` or header ``X-CSRF-Token``); a bearer token cannot be sent by another
site's page, so it needs none.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from vsl_assets.db.engine import unit_of_work
from vsl_assets.db.web_models import User
from vsl_assets.storage import validate_key
from vsl_assets.web.context import WebContext
from vsl_assets.web.users import user_for_token

SESSION_COOKIE = "vsl_session"
LOGIN_COOKIE = "vsl_login"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """Raised for a page (not the API) when nobody is logged in: the app redirects to /login."""


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


def db(request: Request) -> Iterator[Session]:
    with unit_of_work(ctx(request).sessions) as session:
        yield session


@dataclass(frozen=True)
class Identity:
    user_id: int
    name: str
    #: None for a bearer token (no CSRF needed); the session's CSRF token for a cookie login.
    csrf: str | None


async def _identify(request: Request, session: Session) -> Identity | None:
    """Async only to read a form body for the CSRF field; the database calls run in the threadpool."""
    context = ctx(request)
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer":
            return None
        user = await run_in_threadpool(user_for_token, session, token.strip())
        return Identity(user.id, user.name, None) if user is not None else None
    data = context.signer.read_session(request.cookies.get(SESSION_COOKIE))
    if data is None:
        return None
    user = await run_in_threadpool(session.get, User, data.user_id)
    if user is None or user.session_version != data.version:
        return None
    csrf = context.signer.csrf_token(data.nonce)
    if request.method in UNSAFE:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not context.signer.check_csrf(data.nonce, sent):
            raise HTTPException(status_code=403, detail="missing or invalid CSRF token; reload the page and try again")
    return Identity(user.id, user.name, csrf)


async def api_user(request: Request, session: Annotated[Session, Depends(db)]) -> Identity:
    identity = await _identify(request, session)
    if identity is None:
        raise HTTPException(
            status_code=401,
            detail="authentication required: log in, or send Authorization: Bearer <token> (`vsl token create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return identity


async def page_user(request: Request, session: Annotated[Session, Depends(db)]) -> Identity:
    identity = await _identify(request, session)
    if identity is None:
        raise LoginRequired()
    return identity


def valid_key(key: str) -> str:
    """A path's key must be a partition key; anything else (``..``, slashes, dots) is a 404."""
    try:
        return validate_key(key)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key[:80]!r}") from None


Key = Annotated[str, Depends(valid_key)]
Db = Annotated[Session, Depends(db)]
Ctx = Annotated[WebContext, Depends(ctx)]
ApiUser = Annotated[Identity, Depends(api_user)]
PageUser = Annotated[Identity, Depends(page_user)]
