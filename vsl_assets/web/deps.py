"""FastAPI dependencies: the database session, the current user and the CSRF check.

Authentication is either a session cookie (the browser; the session is a database row) or ``Authorization: Bearer``
(scripts).  A state-changing request authenticated by cookie must also carry the CSRF token
(form field ``csrf_token`` or header ``X-CSRF-Token``); a bearer token cannot be sent by another
site's page, so it needs none.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from anyio import CancelScope
from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from vsl_assets.db.engine import nothing_to_commit
from vsl_assets.storage import validate_key
from vsl_assets.web.context import WebContext
from vsl_assets.web.sessions import live_session
from vsl_assets.web.tokens import token_user

SESSION_COOKIE = "vsl_session"
LOGIN_COOKIE = "vsl_login"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """Raised for a page (not the API) when nobody is logged in: the app redirects to /login."""


def ctx(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


async def _ctx(request: Request) -> WebContext:
    """``ctx`` as a dependency: async, so resolving it costs no trip to the threadpool."""
    return ctx(request)


async def db(request: Request) -> AsyncIterator[Session]:
    """One unit of work per request: commit on success, roll back on error, before the response
    is sent (``DbDep``'s ``scope="function"``: FastAPI's default runs a yield dependency's exit after
    the response went out, so a browser following a form's redirect could read the page before the
    write was committed, and a failed commit would follow a success the client already had).

    Async so that opening it costs no trip to the threadpool (a Session does no I/O until its first
    query, which runs in the threadpool with the route); committing and closing may do I/O, so they
    go there in one trip, unless there is nothing to commit (a read: ``nothing_to_commit``), when
    they are done here, a trip saved per request."""
    session = ctx(request).sessions_for(request.method)()
    try:
        yield session
    except BaseException:
        with CancelScope(shield=True):  # a client gone mid-request still gives the connection back
            await run_in_threadpool(_rollback_and_close, session)
        raise
    if nothing_to_commit(session):
        _commit_and_close(session)
        return
    with CancelScope(shield=True):
        await run_in_threadpool(_commit_and_close, session)


#: The request's session, committed before its response is sent (see ``db``). Every use of ``db``
#: goes through this one marker: FastAPI caches a dependency per scope, so two spellings would open
#: two sessions in one request.
DbDep = Depends(db, scope="function")


def _commit_and_close(session: Session) -> None:
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _rollback_and_close(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


@dataclass(frozen=True)
class Identity:
    user_id: int
    name: str
    #: None for a bearer token (no CSRF needed); the session's CSRF token for a cookie login.
    csrf: str | None
    #: ``read`` tokens may not change anything; a browser session may.
    scope: str = "write"


async def _identify(request: Request, session: Session) -> Identity | None:
    """Async only to read a form body for the CSRF field; the database calls run in the threadpool."""
    context = ctx(request)
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer":
            return None
        found = await run_in_threadpool(token_user, session, token.strip())
        if found is None:
            return None
        if found.scope != "write" and request.method in UNSAFE:
            raise HTTPException(
                status_code=403,
                detail="this API token is read-only (scope read): it can list, search and fetch media; "
                "create a write token to add, retry or edit (`vsl token create NAME --scope write`)",
            )
        return Identity(found.user_id, found.name, None, found.scope)
    live = await run_in_threadpool(live_session, session, request.cookies.get(SESSION_COOKIE), context.session_policy)
    if live is None:
        return None
    csrf = context.signer.csrf_token(live.secret)
    if request.method in UNSAFE:
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
        if not context.signer.check_csrf(live.secret, sent):
            raise HTTPException(status_code=403, detail="missing or invalid CSRF token; reload the page and try again")
    return Identity(live.user_id, live.name, csrf)


async def api_user(request: Request, session: Annotated[Session, DbDep]) -> Identity:
    identity = await _identify(request, session)
    if identity is None:
        raise HTTPException(
            status_code=401,
            detail="authentication required: log in, or send Authorization: Bearer <token> (`vsl token create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return identity


async def page_user(request: Request, session: Annotated[Session, DbDep]) -> Identity:
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
Db = Annotated[Session, DbDep]
Ctx = Annotated[WebContext, Depends(_ctx)]
ApiUser = Annotated[Identity, Depends(api_user)]
PageUser = Annotated[Identity, Depends(page_user)]
