"""Slows password guessing without locking the owner out.

Every attempt is *reserved* (a ``login_attempts`` row, committed) before the password is hashed, so
parallel guesses see each other, on every worker process and host.  Failed (and still pending)
attempts count per user name and per client address separately; a success only marks its own
attempt, so a login of one's own never wipes the count of guesses against someone else.  Past
``free`` attempts in the window, the next one must wait a delay that doubles with each further
failure: up to ``addr_cap_s`` for an address (the guesser) and only up to ``name_cap_s`` for a
user name, so guesses from elsewhere slow the owner down by seconds but never lock them out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from vsl_assets.db.engine import unit_of_work
from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import LoginAttempt

COUNTED = ("pending", "failed")


@dataclass(frozen=True)
class ThrottlePolicy:
    #: Failed attempts in the window that cost nothing.
    free: int = 5
    window_s: float = 900.0
    #: The first delay past ``free`` (seconds); it doubles with each further failure.
    base_s: float = 1.0
    name_cap_s: float = 30.0
    addr_cap_s: float = 300.0


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Reservation:
    """Either an attempt that may go ahead (``attempt_id``) or how long to wait (``wait_s``)."""

    attempt_id: int | None
    wait_s: int


class LoginThrottle:
    def __init__(self, sessions: sessionmaker[Session], policy: ThrottlePolicy | None = None) -> None:
        self.sessions = sessions
        self.policy = policy or ThrottlePolicy()

    def _delay(self, failures: int, cap_s: float) -> float:
        if failures < self.policy.free:
            return 0.0
        return min(cap_s, self.policy.base_s * 2 ** min(failures - self.policy.free, 30))

    def reserve(self, name: str, address: str) -> Reservation:
        """Record the attempt first, then decide: the answer already counts every earlier attempt."""
        name_key, addr_key = name[:64].lower(), address[:64]
        now = utcnow()
        with unit_of_work(self.sessions) as s:
            row = LoginAttempt(name_key=name_key, addr_key=addr_key, at=now, outcome="pending")
            s.add(row)
            s.flush()
            attempt_id = row.id
        since = now - timedelta(seconds=self.policy.window_s)
        wait = 0.0
        with unit_of_work(self.sessions) as s:
            for column, key, cap in (
                (LoginAttempt.name_key, name_key, self.policy.name_cap_s),
                (LoginAttempt.addr_key, addr_key, self.policy.addr_cap_s),
            ):
                earlier = s.scalars(
                    select(LoginAttempt.at)
                    .where(
                        column == key,
                        LoginAttempt.at > since,
                        LoginAttempt.outcome.in_(COUNTED),
                        LoginAttempt.id < attempt_id,
                    )
                    .order_by(LoginAttempt.id.desc())
                ).all()
                delay = self._delay(len(earlier), cap)
                if delay:
                    wait = max(wait, delay - (now - _aware(earlier[0])).total_seconds())
            if wait > 0:
                # Refused before any hashing: it does not count, so waiting is always enough.
                s.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
                return Reservation(None, int(wait) + 1)
            if random.random() < 0.02:  # forget old attempts now and then
                s.execute(
                    delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(seconds=2 * self.policy.window_s))
                )
        return Reservation(attempt_id, 0)

    def finish(self, attempt_id: int, ok: bool) -> None:
        with unit_of_work(self.sessions) as s:
            s.execute(
                update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(outcome="ok" if ok else "failed")
            )
