"""The queue page's read model: the running, pending and failed URLs, newest change first, with totals.

Each list holds its ``limit`` most recently changed rows and the totals say how many there are:
rendering 600 live rows cost more than 100 ms at 10,000 VSLs (``benchmarks/bench_pages.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.db.models import IN_PROGRESS, Url, UrlStatus

#: The queue's lists and the statuses each shows (a downloaded or transcribed URL is on its way).
GROUPS: dict[str, list[str]] = {
    "running": [s.value for s in IN_PROGRESS] + [UrlStatus.DOWNLOADED.value, UrlStatus.TRANSCRIBED.value],
    "pending": [UrlStatus.PENDING_INGEST.value],
    "failed": [UrlStatus.FAILED.value],
}


@dataclass(frozen=True)
class QueueLists:
    running: list[Url]
    pending: list[Url]
    failed: list[Url]
    #: Rows per status, and per list (``GROUPS``).
    counts: dict[str, int]
    totals: dict[str, int]


def queue_lists(session: Session, limit: int) -> QueueLists:
    def of(statuses: list[str]) -> list[Url]:
        return list(
            session.scalars(select(Url).where(Url.status.in_(statuses)).order_by(Url.updated_at.desc()).limit(limit))
        )

    counts = repo.status_counts(session)
    return QueueLists(
        running=of(GROUPS["running"]),
        pending=of(GROUPS["pending"]),
        failed=of(GROUPS["failed"]),
        counts=counts,
        totals={name: sum(counts.get(s, 0) for s in statuses) for name, statuses in GROUPS.items()},
    )
