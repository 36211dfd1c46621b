"""Create the concurrency pools a worker's steps claim before it takes any work.

Dagster creates a pool the first time a step claims it; on PostgreSQL two runs doing that at the
same moment can fail one of them (an INSERT hits a UniqueViolation, and Dagster's fallback UPDATE
then runs in the aborted transaction: ``InFailedSqlTransaction``), seen in
benchmarks/bench_scaleout.py.  ``vsl worker`` therefore creates its pools, one at a time, at the
instance's default limit (``concurrency.pools.default_limit``), when they do not exist yet.
Like the slot release in :mod:`vsl_assets.defs.reconcile`, this uses the event log storage's own
method (what the first claim would call); the instance has no public one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

ATTEMPTS = 3


def prepare_pools(instance: Any, pools: Iterable[str]) -> list[str]:
    """Create the missing ones among ``pools``; returns those created."""
    storage = instance.event_log_storage
    created = []
    for pool in dict.fromkeys(pools):
        for attempt in range(1, ATTEMPTS + 1):
            if pool in storage.get_concurrency_keys():
                break
            try:
                storage.initialize_concurrency_limit_to_default(pool)
                created.append(pool)
                break
            except Exception:  # another worker created it at the same moment: look again
                if attempt == ATTEMPTS:
                    raise
                time.sleep(0.2 * attempt)
    return created
