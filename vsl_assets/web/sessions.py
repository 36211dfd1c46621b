"""Browser logins kept on the server: a random cookie token whose SHA-256 is a ``web_sessions`` row.

Because the row is the session, logging out, changing the password, disabling the user or "log
out everywhere" end it at once, on every worker and host (the app keeps no session state of its
own).  A session ends ``web_session_idle_s`` after its last use and ``web_session_max_s`` after
the login, whichever comes first.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from vsl_assets.db.engine import PREPARED, core_read
from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import User, WebSession
from vsl_assets.web.security import token_hash

#: ``last_seen_at`` is written at most this often (seconds): reading pages is not a write per request.
TOUCH_EVERY_S = 60
#: Ended sessions are kept this long (the owner's list; an audit of recent logins), then deleted.
KEEP_ENDED_DAYS = 30
#: Longest cookie value looked up (a session token is 43 characters).
MAX_COOKIE = 128


@dataclass(frozen=True)
class SessionPolicy:
    idle_s: int
    max_s: int


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def create_session(session: Session, user: User, policy: SessionPolicy, address: str | None = None) -> str:
    """A new login for ``user``; returns the cookie value (shown to the browser only)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    if random.random() < 0.05:  # forget sessions that ended a while ago (the table stays small)
        session.execute(delete(WebSession).where(WebSession.expires_at < now - timedelta(days=KEEP_ENDED_DAYS)))
        session.execute(delete(WebSession).where(WebSession.revoked_at < now - timedelta(days=KEEP_ENDED_DAYS)))
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(seconds=policy.max_s),
            address=(address or "")[:64] or None,
        )
    )
    session.flush()
    return token


@dataclass(frozen=True)
class LiveSession:
    user_id: int
    name: str
    #: Secret per session (the stored hash of the cookie): what the CSRF token is derived from.
    secret: str


#: The lookup every page request makes, built once (building it cost more Python than running it).
_LIVE = (
    select(WebSession.id, WebSession.last_seen_at, WebSession.expires_at, User.id, User.name)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("digest"), WebSession.revoked_at.is_(None), User.disabled.is_(False))
    .execution_options(**{PREPARED: ("digest",)})  # planned once per connection on PostgreSQL
)


def live_session(session: Session, cookie: str | None, policy: SessionPolicy) -> LiveSession | None:
    """The session behind ``cookie`` if it is still live (one query; a write at most once a minute)."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return None
    digest = token_hash(cookie)
    row = core_read(session, _LIVE, {"digest": digest}).first()
    if row is None:
        return None
    now = utcnow()
    last_seen = _aware(row[1])
    if now >= _aware(row[2]) or (now - last_seen).total_seconds() >= policy.idle_s:
        return None
    if (now - last_seen).total_seconds() >= TOUCH_EVERY_S:
        session.execute(update(WebSession).where(WebSession.id == row[0]).values(last_seen_at=now))
    return LiveSession(user_id=row[3], name=row[4], secret=digest)


def end_session(session: Session, cookie: str | None) -> bool:
    """Log out: this session stops working everywhere, even if its cookie was copied."""
    if not cookie or len(cookie) > MAX_COOKIE:
        return False
    done = session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash(cookie), WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(done, "rowcount", 0))


def end_all_sessions(session: Session, user_id: int) -> int:
    """Log out everywhere (and what a password change or a disabled login does): returns how many ended."""
    done = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(done, "rowcount", 0) or 0)


def count_live(session: Session, user_id: int) -> int:
    now = utcnow()
    rows = session.execute(
        select(WebSession.expires_at).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    ).all()
    return sum(1 for (expires,) in rows if _aware(expires) > now)
