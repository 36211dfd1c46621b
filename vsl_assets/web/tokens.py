"""API tokens: created with a scope and an optional lifetime, listed, revoked, checked.

Only the SHA-256 of a token is stored (it carries 256 random bits, so a slow hash adds nothing);
the token is shown once.  A ``read`` token lists, searches and fetches media; only a ``write``
token may change anything (the check is in ``deps``, for every unsafe method at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from vsl_assets.db.engine import PREPARED, core_read
from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import ApiToken, User
from vsl_assets.errors import PermanentError
from vsl_assets.web.security import new_api_token, token_hash

Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
TokenState = Literal["active", "revoked", "expired"]
TOKEN_STATES: tuple[TokenState, ...] = ("active", "revoked", "expired")
#: ``last_used_at`` is written at most this often (seconds): an API call is not a write per request.
TOUCH_EVERY_S = 60
_DURATION_RE = re.compile(r"^\s*(\d{1,5})\s*([smhdw]?)\s*$")
_UNIT_S = {"": 86400, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


class TokenError(PermanentError):
    """A token cannot be created or revoked as asked (unknown user, bad scope or lifetime...)."""


def parse_lifetime(text: str | None) -> timedelta | None:
    """``90d``, ``12h``, ``2w``, ``30`` (days); ``never``/empty: no expiry."""
    if text is None or text.strip().lower() in ("", "never", "0"):
        return None
    found = _DURATION_RE.match(text.lower())
    if not found:
        raise TokenError(f"{text[:40]!r} is not a lifetime: write e.g. 90d, 12h, 2w or never")
    return timedelta(seconds=int(found.group(1)) * _UNIT_S[found.group(2)])


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def create_token(
    session: Session, user_name: str, label: str = "cli", scope: str = "write", lifetime: timedelta | None = None
) -> tuple[str, ApiToken]:
    """A new token for ``user_name``: (the token, shown once; its row)."""
    if scope not in SCOPES:
        raise TokenError(f"scope must be read or write, not {scope[:20]!r}")
    user = session.scalar(select(User).where(User.name == user_name))
    if user is None:
        raise TokenError(f"no user {user_name!r}: create it first with `vsl user add {user_name}`")
    if user.disabled:
        raise TokenError(f"user {user_name!r} is disabled")
    token = new_api_token()
    row = ApiToken(
        user_id=user.id,
        name=(label or "cli")[:64],
        token_hash=token_hash(token),
        scope=scope,
        expires_at=utcnow() + lifetime if lifetime is not None else None,
    )
    session.add(row)
    session.flush()
    return token, row


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user: str
    label: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> TokenState:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= utcnow():
            return "expired"
        return "active"


def list_tokens(session: Session, user_id: int | None = None) -> list[TokenInfo]:
    query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return [
        TokenInfo(
            id=t.id,
            user=name,
            label=t.name,
            scope=t.scope,
            created_at=_aware(t.created_at) or utcnow(),
            last_used_at=_aware(t.last_used_at),
            expires_at=_aware(t.expires_at),
            revoked_at=_aware(t.revoked_at),
        )
        for t, name in session.execute(query).all()
    ]


def revoke_token(session: Session, token_id: int, user_id: int | None = None) -> bool:
    """Revoke one token (only ``user_id``'s when given); False when there is no such live token."""
    query = update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return bool(getattr(session.execute(query.values(revoked_at=utcnow())), "rowcount", 0))


def revoke_all_tokens(session: Session, user_id: int) -> int:
    done = session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return int(getattr(done, "rowcount", 0) or 0)


@dataclass(frozen=True)
class TokenUser:
    user_id: int
    name: str
    scope: str


#: The lookup every API request makes, built once (building it cost more Python than running it).
_LIVE = (
    select(ApiToken.id, ApiToken.scope, ApiToken.expires_at, ApiToken.last_used_at, User.id, User.name)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None), User.disabled.is_(False))
    .execution_options(**{PREPARED: ("digest",)})  # planned once per connection on PostgreSQL
)


def token_user(session: Session, token: str) -> TokenUser | None:
    """Who a bearer token acts as, if it is live (not revoked, not expired, user not disabled)."""
    if not token or len(token) > 200:
        return None
    row = core_read(session, _LIVE, {"digest": token_hash(token)}).first()
    if row is None:
        return None
    now = utcnow()
    expires, last_used = _aware(row[2]), _aware(row[3])
    if expires is not None and now >= expires:
        return None
    if last_used is None or (now - last_used).total_seconds() >= TOUCH_EVERY_S:
        session.execute(update(ApiToken).where(ApiToken.id == row[0]).values(last_used_at=now))
    return TokenUser(user_id=row[4], name=row[5], scope=row[1])
