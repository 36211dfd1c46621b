"""Creating logins and API tokens, and checking them (shared by the CLI and the app)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import ApiToken, User
from vsl_assets.errors import PermanentError
from vsl_assets.web.security import DUMMY_HASH, hash_password, new_api_token, token_hash, verify_password

_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8


class UserError(PermanentError):
    """A login cannot be created as asked (bad name, short password, unknown user)."""


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise UserError("user names are 1-64 letters, digits or . _ @ -")
    return name


def add_user(session: Session, name: str, password: str) -> User:
    """Create a login, or set a new password for an existing one (its old sessions end)."""
    check_name(name)
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        user = User(name=name, password_hash=hash_password(password), session_version=1)
        session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.session_version += 1
    session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.name == name[:64]))
    if user is None:
        verify_password(password, DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


def create_token(session: Session, user_name: str, token_name: str = "cli") -> str:
    """A new API token for ``user_name``; the token itself is returned once and never stored."""
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise UserError(f"no user {user_name!r}: create it first with `vsl user add {user_name}`")
    token = new_api_token()
    session.add(ApiToken(user_id=user.id, name=token_name[:64], token_hash=token_hash(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None:
        return None
    row.last_used_at = utcnow()
    return session.get(User, row.user_id)
