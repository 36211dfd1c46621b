"""Logins: create, change the password, disable, list, check (shared by the CLI and the app).

A password change or a disabled login ends every session and revokes every token of that user:
whoever held a copy of either loses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.web_models import User
from vsl_assets.errors import PermanentError
from vsl_assets.web import sessions, tokens
from vsl_assets.web.security import DUMMY_HASH, hash_password, verify_password

_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8


class UserError(PermanentError):
    """A login cannot be created as asked (bad name, short password, unknown user)."""


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise UserError("user names are 1-64 letters, digits or . _ @ -")
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise UserError(f"no user {name!r} (see `vsl user list`)")
    return user


def add_user(session: Session, name: str, password: str) -> User:
    """Create a login, or set a new password for an existing one (its sessions and tokens end)."""
    check_name(name)
    _check_password(password)
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, password_hash=hash_password(password), session_version=1, disabled=False)
        session.add(user)
    else:
        set_password(session, user, password)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """``vsl user reset``: a new password; every session and token of the user stops working."""
    _check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1
    user.disabled = False
    sessions.end_all_sessions(session, user.id)
    tokens.revoke_all_tokens(session, user.id)
    session.flush()


def disable_user(session: Session, user: User) -> None:
    """``vsl user disable``: no more logins, and what was open ends now (``reset`` enables again)."""
    user.disabled = True
    sessions.end_all_sessions(session, user.id)
    tokens.revoke_all_tokens(session, user.id)
    session.flush()


@dataclass(frozen=True)
class UserInfo:
    name: str
    created_at: datetime
    disabled: bool
    live_sessions: int
    live_tokens: int


def list_users(session: Session) -> list[UserInfo]:
    out = []
    for user in session.scalars(select(User).order_by(User.name)):
        live = [t for t in tokens.list_tokens(session, user.id) if t.state == "active"]
        out.append(
            UserInfo(user.name, user.created_at, user.disabled, sessions.count_live(session, user.id), len(live))
        )
    return out


def authenticate(session: Session, name: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.name == name[:64]))
    if user is None:
        verify_password(password, DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash) or user.disabled:
        return None
    return user


def create_token(session: Session, user_name: str, token_name: str = "cli", scope: str = "write") -> str:
    """A new API token for ``user_name`` (no expiry); the token itself is returned once, never stored."""
    try:
        token, _row = tokens.create_token(session, user_name, token_name, scope)
    except tokens.TokenError as exc:
        raise UserError(exc.reason) from None
    return token
