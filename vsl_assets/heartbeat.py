"""One thread per process that keeps its open job rows beating while it runs steps.

Started by the first step a process runs (``begin_step``); every ``HEARTBEAT_S`` it refreshes
``jobs.heartbeat_at`` of the rows this process has open (running, or waiting for a retry), and
stops by itself once it has none left, so an idle worker or a test process holds no thread.
Reconciliation on any host reads the beats (:func:`vsl_assets.core.worker.liveness`): a worker on
another machine that died stops beating, and its URLs are failed and re-queued like a local crash.
"""

from __future__ import annotations

import threading
import time

from vsl_assets.core.worker import HEARTBEAT_S
from vsl_assets.db import repo, session_scope

#: A database outage longer than this many failed beats in a row ends the thread (the next step
#: starts a new one); shorter ones are ridden out.
MAX_FAILED_BEATS = 30

_lock = threading.Lock()
_threads: dict[tuple[str, str], threading.Thread] = {}


def keep_beating(database_url: str, worker: str, interval_s: float = HEARTBEAT_S) -> None:
    """Make sure this process's heartbeat thread runs (call after opening a job row)."""
    key = (database_url, worker)
    with _lock:
        thread = _threads.get(key)
        if thread is not None and thread.is_alive():
            return
        thread = threading.Thread(
            target=_loop, args=(database_url, worker, interval_s), name="vsl-heartbeat", daemon=True
        )
        _threads[key] = thread
        thread.start()


def _beat(database_url: str, worker: str) -> int:
    with session_scope(database_url) as s:
        return repo.beat(s, worker)


def _loop(database_url: str, worker: str, interval_s: float) -> None:
    failed = 0
    while True:
        time.sleep(interval_s)
        try:
            open_rows = _beat(database_url, worker)
            failed = 0
        except Exception:  # the database is restarting or unreachable: keep trying for a while
            failed += 1
            if failed < MAX_FAILED_BEATS:
                continue
            open_rows = 0
        if open_rows:
            continue
        with _lock:
            # Re-check under the lock: a step may have opened a row since the beat above, and
            # keep_beating (which holds the same lock) then relied on this thread.
            try:
                if failed < MAX_FAILED_BEATS and _beat(database_url, worker):
                    continue
            except Exception:
                pass
            _threads.pop((database_url, worker), None)
            return
