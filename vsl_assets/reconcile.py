"""Reconciliation as pure decisions: which URLs a dead run left behind, and what to do about them.

A run can die without its asset code noticing (``kill -9``, OOM, a power cut, a cancelled run), and
then a URL stays ``downloading`` forever.  This module decides, from plain inputs — the URLs in
progress (with their open jobs and past crashes), what Dagster knows of their runs, whether each
worker process still lives, and the clock — what has to happen.  It returns a list of actions and
touches nothing; :mod:`vsl_assets.defs.reconcile` gathers the inputs and applies the actions through
the database and Dagster's public API.  The sensor and ``vsl process`` call the same adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from vsl_assets.db.repo import InProgress

#: A URL queued this long without any run for it lost its run request (e.g. a failed tick).
QUEUED_GRACE = timedelta(minutes=10)
#: Dead-letter class of a step whose worker process died under it.
WORKER_DIED = "WorkerDied"
#: Dead-letter class of a step whose run ended (failed, cancelled, vanished) before it did.
RUN_ABANDONED = "RunAbandoned"
#: Dead-letter class of a URL whose run failed before any step began (its worker, the broker or
#: the database failed it): not the URL's fault, re-queued like a crash.
RUN_NOT_STARTED = "RunNotStarted"
#: The dead letters that count against ``VSL_CRASH_RETRIES``.
CRASH_CLASSES = (WORKER_DIED, RUN_NOT_STARTED)


@dataclass(frozen=True)
class RunView:
    """What reconciliation needs to know of one Dagster run."""

    run_id: str
    #: Dagster's status name: ``SUCCESS``, ``FAILURE``, ``CANCELED``, ``STARTED``...
    status: str
    finished: bool


@dataclass(frozen=True)
class FailUrl:
    """Fail the URL (if still in progress), with a dead letter of ``error_class``."""

    key: str
    run_id: str
    reason: str
    error_class: str = RUN_ABANDONED
    #: A crash that is not the URL's fault: re-queue it at once after failing it.
    requeue: bool = False
    #: ``run_id`` is known to be the URL's current run though it has no job row (its run key says so).
    owner: bool = False


@dataclass(frozen=True)
class FailRun:
    """Report a run Dagster still thinks is running as failed, and free its pool slots."""

    run_id: str
    reason: str


@dataclass(frozen=True)
class Requeue:
    """A URL whose run request was lost: send it back to ``pending_ingest``."""

    key: str


Action = FailUrl | FailRun | Requeue


@dataclass(frozen=True)
class RunProcess:
    """A run Dagster still thinks is starting or running, launched on this host by the default
    launcher, and the run worker process it reported (its "Started process for run" event)."""

    run_id: str
    key: str
    #: None while the run has not reported its process yet (run monitoring's start timeout covers it).
    pid: int | None
    #: When the process reported itself: a process with that pid started later is another one.
    reported_at: datetime
    #: The run is the URL's current one (its run key is the URL's current attempt's), not one
    #: from before a ``vsl retry``.
    owner: bool = True


def process_died_reason(run_id: str) -> str:
    return (
        f"the process of run {run_id[:8]} died (killed, crashed, or stopped with a restart) before its first step began"
    )


def died_before_a_step(
    items: Sequence[InProgress],
    processes: Sequence[RunProcess],
    process_alive: Callable[[int, datetime], bool | None],
    crash_retries: int,
) -> list[Action]:
    """Runs whose worker process is gone before they opened any job row (e.g. ``vsl up`` stopped
    while they were loading): nothing else would ever notice them.

    Dagster's default launcher cannot report a run worker's health, so such a run stays "started"
    for ever, holds one of the run queue's places (``max_concurrent_runs``), and its URL stays
    ``queued``; a few of them after a restart block every queued run behind them.  The run is
    failed (which frees its places and slots) and, if it is the URL's current run, its URL, which
    it never touched, failed with a ``RunNotStarted`` letter and re-queued within
    ``crash_retries``, like any crash.  The same holds for a run that died between two steps (its
    URL past ``queued``, no row open at that moment): a ``WorkerDied`` crash.  A URL with an open
    job row is left to :func:`decide`, which judges it by its rows' workers.
    """
    fresh = {i.key: i for i in items if not i.jobs and i.last_job is None}
    actions: list[Action] = []
    for proc in processes:
        item = fresh.get(proc.key)
        if item is None or proc.pid is None or process_alive(proc.pid, proc.reported_at) is not False:
            continue
        # A URL past ``queued`` sits between two steps of its run (no row open at this moment).
        before = item.status == "queued"
        reason = process_died_reason(proc.run_id) if before else waiting_died_reason(proc.run_id)
        actions.append(FailRun(proc.run_id, reason))
        if proc.owner:
            requeue = item.crashes + 1 <= crash_retries
            letter = RUN_NOT_STARTED if before else WORKER_DIED
            actions.append(FailUrl(item.key, proc.run_id, reason, letter, requeue, owner=True))
    return actions


def finished_reason(run_id: str, status: str | None) -> str:
    if status is None:
        return f"the run {run_id[:8]} that was processing this URL no longer exists"
    word = {"CANCELED": "was cancelled", "FAILURE": "failed"}.get(status, "ended")
    return f"the run {run_id[:8]} {word} before this step recorded a result (worker killed or crashed?)"


def not_started_reason(run_id: str) -> str:
    return f"the run {run_id[:8]} failed before its first step began (worker, broker or database trouble)"


def crashed_reason(run_id: str) -> str:
    return f"the process running run {run_id[:8]} died (killed or crashed) before this step finished"


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def queued_without_run(items: Iterable[InProgress], now: datetime) -> list[str]:
    """Keys queued past the grace period with no job row: their latest run must be looked up."""
    return [i.key for i in items if not i.jobs and i.last_job is None and _aware(i.updated_at) < now - QUEUED_GRACE]


def between_steps(
    item: InProgress,
    runs: Mapping[str, RunView],
    process_alive: Callable[[str | None], bool | None],
    crash_retries: int,
    beating: Callable[[str | None], bool | None] = lambda _: None,
) -> list[Action]:
    """A ``downloaded`` URL whose run sits between steps (waiting for a transcription slot).

    Dead or slow?  On this host the process table says (``process_alive``).  On another host the
    run's process keeps beating the URL's newest job row while it waits (``repo.beat``), so a row
    silent past the grace (``beating`` says False) means the process or its machine is gone; a row
    that never beat (``beating`` says None: a worker from before the between-step beat) proves
    nothing and is left alone.  A run of the URL's newest job row that is still "started" while its
    process is gone died waiting (or holding a slot it never used): it is failed, which frees its
    slots, and the URL re-queued like any crash.  One that ended unsuccessfully (cancelled while it
    waited) leaves a URL that no run owns: it is failed.  A successful run is the download stage of
    a split pipeline, whose next run is the sensor's.
    """
    if item.last_job is None:
        return []
    run_id, worker = item.last_job
    run = runs.get(run_id)
    if run is None:
        return []
    if not run.finished:
        here = process_alive(worker)
        reason = None
        if here is False:
            reason = waiting_died_reason(run_id)
        elif here is None and beating(worker) is False:
            reason = waiting_silent_reason(run_id, worker)
        if reason is not None:
            requeue = item.crashes + 1 <= crash_retries
            return [FailRun(run_id, reason), FailUrl(item.key, run_id, reason, WORKER_DIED, requeue=requeue)]
    if run.finished and run.status in ("FAILURE", "CANCELED"):
        return [FailUrl(item.key, run_id, finished_reason(run_id, run.status))]
    return []


def waiting_died_reason(run_id: str) -> str:
    return f"the process of run {run_id[:8]} died (killed or crashed) between steps, e.g. waiting for a pool slot"


def waiting_silent_reason(run_id: str, worker: str | None) -> str:
    host = (worker or "").split(":", 1)[0] or "another host"
    return (
        f"the process of run {run_id[:8]} on {host} stopped beating between steps (e.g. waiting for a pool slot) "
        "for longer than the heartbeat grace: its process or machine is gone"
    )


def decide(
    items: Sequence[InProgress],
    runs: Mapping[str, RunView],
    latest_run_by_key: Mapping[str, RunView],
    worker_alive: Callable[[str | None], bool | None],
    now: datetime,
    crash_retries: int,
    process_alive: Callable[[str | None], bool | None] = lambda _: None,
) -> list[Action]:
    """The actions that make URL statuses true again.

    - A URL whose open steps all belong to finished (or vanished) runs is failed.
    - A URL whose step worker no longer exists is failed and its run reported failed (Dagster's
      default launcher would leave it "started" forever; under the Celery launcher the run may
      already be reported failed, which counts as the same crash).  The crash is not the URL's fault: it
      is re-queued, up to ``crash_retries`` times (a URL that keeps killing its worker, e.g. by
      running out of memory, then stays failed).
    - A URL queued past the grace period with no run at all is re-queued; one whose run ended
      unsuccessfully without a job row is failed.
    - A ``downloaded`` URL whose run died between steps: see :func:`between_steps`
      (``process_alive`` asks this host's process table only; ``worker_alive`` adds the beats).
    """
    actions: list[Action] = []
    waiting = set(queued_without_run(items, now))
    for item in items:
        if item.jobs:
            last_run_id, last_worker = item.jobs[-1]
            run = runs.get(last_run_id)
            # A run reported failed because its worker died under it (Celery marks the task of a
            # killed pool process failed, and run monitoring then fails the run) is a crash too.
            crashed = (
                run is not None and (not run.finished or run.status == "FAILURE") and worker_alive(last_worker) is False
            )
            if not crashed and all(runs.get(r) is None or runs[r].finished for r in item.run_ids):
                actions.append(
                    FailUrl(item.key, last_run_id, finished_reason(last_run_id, run.status if run else None))
                )
            elif crashed:
                reason = crashed_reason(last_run_id)
                if run is not None and not run.finished:
                    actions.append(FailRun(run.run_id, reason))
                requeue = item.crashes + 1 <= crash_retries
                actions.append(FailUrl(item.key, last_run_id, reason, WORKER_DIED, requeue=requeue))
        elif item.last_job is not None:
            actions.extend(between_steps(item, runs, process_alive, crash_retries, worker_alive))
        elif item.key in waiting:
            latest = latest_run_by_key.get(item.key)
            if latest is None:
                actions.append(Requeue(item.key))
            elif latest.finished and latest.status != "SUCCESS":
                actions.append(FailUrl(item.key, latest.run_id, finished_reason(latest.run_id, latest.status)))
    return actions
