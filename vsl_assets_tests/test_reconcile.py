"""Reconciliation's decisions from plain inputs: no database, no Dagster instance, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vsl_assets.db.repo import InProgress
from vsl_assets.reconcile import (
    QUEUED_GRACE,
    RUN_ABANDONED,
    WORKER_DIED,
    FailRun,
    FailUrl,
    Requeue,
    RunView,
    decide,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STARTED = RunView("run-started-1", "STARTED", False)
FAILED = RunView("run-failed-22", "FAILURE", True)
CANCELED = RunView("run-cancel-3", "CANCELED", True)
SUCCEEDED = RunView("run-success-4", "SUCCESS", True)
RUNS = {r.run_id: r for r in (STARTED, FAILED, CANCELED, SUCCEEDED)}


def _item(key: str, *jobs: tuple[str, str | None], crashes: int = 0, age: timedelta = timedelta(0)) -> InProgress:
    return InProgress(key, "downloading" if jobs else "queued", NOW - age, tuple(jobs), crashes)


def _decide(*items: InProgress, alive: bool | None = True, latest: dict[str, RunView] | None = None, retries: int = 1):
    return decide(list(items), RUNS, latest or {}, lambda worker: alive, NOW, retries)


def test_a_url_whose_run_ended_is_failed_with_the_runs_fate() -> None:
    assert _decide(_item("a", ("run-failed-22", "h:1:9"))) == [
        FailUrl(
            "a",
            "run-failed-22",
            "the run run-fail failed before this step recorded a result (worker killed or crashed?)",
        )
    ]
    [cancelled] = _decide(_item("b", ("run-cancel-3", "h:1:9")))
    assert isinstance(cancelled, FailUrl) and "was cancelled before this step" in cancelled.reason
    [vanished] = _decide(_item("c", ("gone-run-id", "h:1:9")))
    assert vanished == FailUrl("c", "gone-run-id", "the run gone-run that was processing this URL no longer exists")
    assert vanished.error_class == RUN_ABANDONED and not vanished.requeue


def test_a_url_with_a_live_worker_or_an_unknowable_one_is_left_alone() -> None:
    assert _decide(_item("a", ("run-started-1", "h:1:9")), alive=True) == []
    assert _decide(_item("a", ("run-started-1", "other-host:1:9")), alive=None) == []


def test_a_dead_worker_fails_its_run_and_its_url_which_is_resumed_once() -> None:
    first = _decide(_item("a", ("run-started-1", "h:1:9")), alive=False)
    reason = "the process running run run-star died (killed or crashed) before this step finished"
    assert first == [FailRun("run-started-1", reason), FailUrl("a", "run-started-1", reason, WORKER_DIED, requeue=True)]
    # The second crash of the same URL (e.g. it runs out of memory every time) leaves it failed.
    again = _decide(_item("a", ("run-started-1", "h:1:9"), crashes=1), alive=False)
    assert again[-1] == FailUrl("a", "run-started-1", reason, WORKER_DIED, requeue=False)
    assert _decide(_item("a", ("run-started-1", "h:1:9")), alive=False, retries=0)[-1].requeue is False


def test_one_open_run_among_several_keeps_the_url() -> None:
    item = _item("a", ("run-failed-22", "h:1:9"), ("run-started-1", "h:1:10"))
    assert _decide(item, alive=True) == []


@pytest.mark.parametrize(
    ("latest", "expected"),
    [
        (None, [Requeue("q")]),
        (
            FAILED,
            [
                FailUrl(
                    "q",
                    "run-failed-22",
                    "the run run-fail failed before this step recorded a result (worker killed or crashed?)",
                )
            ],
        ),
        (SUCCEEDED, []),
        (STARTED, []),
    ],
)
def test_a_queued_url_without_a_job_past_the_grace_period(latest: RunView | None, expected: list[object]) -> None:
    old = _item("q", age=QUEUED_GRACE + timedelta(seconds=1))
    assert _decide(old, latest={"q": latest} if latest else {}) == expected
    # Within the grace period its run request may still be on its way: nothing happens.
    assert _decide(_item("q", age=QUEUED_GRACE - timedelta(seconds=1))) == []


def test_naive_timestamps_from_sqlite_are_read_as_utc() -> None:
    naive = InProgress("q", "queued", (NOW - QUEUED_GRACE * 2).replace(tzinfo=None), ())
    assert _decide(naive) == [Requeue("q")]


def test_a_run_reported_failed_because_its_worker_died_is_a_crash_and_resumed() -> None:
    """Under the Celery launcher a killed pool process fails its task, and run monitoring the run."""
    reason = "the process running run run-fail died (killed or crashed) before this step finished"
    assert _decide(_item("a", ("run-failed-22", "h:1:9")), alive=False) == [
        FailUrl("a", "run-failed-22", reason, WORKER_DIED, requeue=True)
    ]
    assert _decide(_item("a", ("run-failed-22", "h:1:9"), crashes=1), alive=False) == [
        FailUrl("a", "run-failed-22", reason, WORKER_DIED, requeue=False)
    ]
    # A cancelled run (by a person, or by run monitoring's max runtime) is not retried as a crash.
    [cancelled] = _decide(_item("b", ("run-cancel-3", "h:1:9")), alive=False)
    assert cancelled.error_class == RUN_ABANDONED and not cancelled.requeue


def _waiting(key: str, run_id: str, crashes: int = 0, age: timedelta = timedelta(hours=1)) -> InProgress:
    """A ``downloaded`` URL between steps: no open job row, its newest one (audio_file) finished."""
    return InProgress(key, "downloaded", NOW - age, (), crashes, (run_id, "h:7:9"))


def _decide_waiting(item: InProgress, *, process: bool | None, heartbeat: bool | None = False):
    return decide([item], RUNS, {}, lambda worker: heartbeat, NOW, 1, lambda worker: process)


def test_a_run_that_died_waiting_for_a_slot_is_failed_and_its_url_resumed() -> None:
    reason = "the process of run run-star died (killed or crashed) between steps, e.g. waiting for a pool slot"
    assert _decide_waiting(_waiting("a", "run-started-1"), process=False) == [
        FailRun("run-started-1", reason),
        FailUrl("a", "run-started-1", reason, WORKER_DIED, requeue=True),
    ]
    # The crash budget holds as for any crash: the second death leaves it failed.
    [_, second] = _decide_waiting(_waiting("a", "run-started-1", crashes=1), process=False)
    assert isinstance(second, FailUrl) and not second.requeue


def test_a_waiting_run_is_judged_by_its_process_here_and_by_its_beat_elsewhere() -> None:
    # This host's process table wins: a live process is slow, not dead, whatever its beat says.
    assert _decide_waiting(_waiting("a", "run-started-1"), process=True, heartbeat=False) == []
    # Another host: the run's process beats the URL's newest job row while it waits (repo.beat).
    assert _decide_waiting(_waiting("a", "run-started-1"), process=None, heartbeat=True) == []
    # A row that never beat (a worker from before the between-step beat) proves nothing.
    assert _decide_waiting(_waiting("a", "run-started-1"), process=None, heartbeat=None) == []
    # Silent past the grace: the process or its machine is gone; failed with that reason, resumed.
    reason = (
        "the process of run run-star on h stopped beating between steps (e.g. waiting for a pool slot) "
        "for longer than the heartbeat grace: its process or machine is gone"
    )
    assert _decide_waiting(_waiting("a", "run-started-1"), process=None, heartbeat=False) == [
        FailRun("run-started-1", reason),
        FailUrl("a", "run-started-1", reason, WORKER_DIED, requeue=True),
    ]
    # A finished run is never failed again, silent or not.
    assert _decide_waiting(_waiting("a", "run-success-4"), process=None, heartbeat=False) == []


def test_a_downloaded_url_whose_run_ended_badly_is_failed_but_a_finished_download_stage_is_not() -> None:
    [cancelled] = _decide_waiting(_waiting("a", "run-cancel-3"), process=None)
    assert isinstance(cancelled, FailUrl) and "was cancelled" in cancelled.reason and not cancelled.requeue
    assert _decide_waiting(_waiting("a", "run-success-4"), process=None) == []  # split stages: next run's turn
    assert _decide_waiting(_waiting("a", "gone-run-id"), process=False) == []  # unknown: wrong is worse


def test_a_run_dead_before_its_first_step_is_failed_and_only_its_own_url_is_resumed() -> None:
    from vsl_assets.reconcile import RUN_NOT_STARTED, RunProcess, died_before_a_step

    queued = _item("q")
    busy = _item("b", ("run-started-1", "h:1:1"))
    procs = [
        RunProcess("run-dead-0001", "q", 41, NOW),
        RunProcess("run-old-00002", "q", 42, NOW, owner=False),  # from before a `vsl retry`
        RunProcess("run-busy-0003", "b", 43, NOW),  # has job rows: decide() judges it
        RunProcess("run-load-0004", "q", None, NOW),  # has not reported its process yet
    ]
    actions = died_before_a_step([queued, busy], procs, lambda pid, at: pid == 99, crash_retries=1)
    reason = "the process of run run-dead died (killed, crashed, or stopped with a restart) before its first step began"
    assert actions == [
        FailRun("run-dead-0001", reason),
        FailUrl("q", "run-dead-0001", reason, RUN_NOT_STARTED, requeue=True, owner=True),
        FailRun("run-old-00002", reason.replace("run-dead", "run-old-")),
    ]
    # Past "queued", between two steps of its run when its process died: a crash like any other.
    between = InProgress("q", "analyzing", NOW, ())
    [_, died] = died_before_a_step([between], procs[:1], lambda pid, at: False, crash_retries=1)
    assert isinstance(died, FailUrl) and died.error_class == WORKER_DIED and "between steps" in died.reason
    # A live process, or one that cannot be known, keeps its run.
    assert died_before_a_step([queued], procs[:1], lambda pid, at: None, crash_retries=1) == []
    # A URL that already crashed as often as allowed stays failed.
    [_, fail] = died_before_a_step([_item("q", crashes=1)], procs[:1], lambda pid, at: False, crash_retries=1)
    assert isinstance(fail, FailUrl) and not fail.requeue


def test_a_pid_taken_by_a_newer_process_is_not_the_run_that_reported_it() -> None:
    import os

    from vsl_assets.core.worker import pid_alive

    assert pid_alive(os.getpid(), datetime.now(UTC)) is True
    assert pid_alive(os.getpid(), datetime(2000, 1, 1, tzinfo=UTC)) is False  # reported before this process began
    assert pid_alive(2**22 + 17, datetime.now(UTC)) is False
