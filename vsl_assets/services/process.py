"""Processing pending URLs in this process, without a daemon (``vsl process``).

The loop is the use case (take the pending URLs, mark each queued, run it, make sure a failed run
leaves the URL failed with a reason, report); running one URL's pipeline is the orchestrator's
job, asked through :class:`~vsl_assets.services.ports.RunPort`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from vsl_assets.db import UrlStatus, repo
from vsl_assets.services.ports import PartitionPort, RunPort, Sessions


@dataclass(frozen=True)
class Processed:
    key: str
    ok: bool
    #: The URL's status after the run ("?" when the row disappeared meanwhile).
    status: str
    seconds: float
    reason: str | None

    def describe(self) -> str:
        return f"{self.key}\t{self.status}\t{self.seconds:.1f}s" + (f" — {self.reason}" if self.reason else "")


def pending_keys(sessions: Sessions, limit: int) -> list[str]:
    with sessions() as s:
        return [k for k, _ in repo.pending(s, limit)]


def process_pending(
    keys: list[str], *, sessions: Sessions, runner: RunPort, partitions: PartitionPort, force: bool
) -> Iterator[Processed]:
    """Run each key in turn, yielding its outcome as soon as it is known (a long batch shows progress)."""
    partitions.register(keys)
    for key in keys:
        start = time.monotonic()
        with sessions() as s:
            repo.set_status(s, [key], UrlStatus.QUEUED)
        outcome = runner.run(key, force=force)
        with sessions() as s:
            row = repo.get_url(s, key)
        if not outcome.success and row is not None and row.status != UrlStatus.FAILED:
            # A run that died outside a step (a crash, a bad config) must not leave the URL queued.
            with sessions() as s:
                repo.fail_abandoned(
                    s, key, outcome.run_id, f"run {outcome.run_id[:8]} failed", from_statuses=list(UrlStatus)
                )
        yield Processed(
            key,
            outcome.success,
            row.status if row else "?",
            time.monotonic() - start,
            row.reason if row is not None else None,
        )
