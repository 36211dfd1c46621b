"""Workers on other hosts: their steps beat (``jobs.heartbeat_at``) and a silent one counts as dead."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from dagster import DagsterRunStatus
from sqlalchemy import select, update

from vsl_assets import heartbeat
from vsl_assets.core.worker import HEARTBEAT_GRACE, current_worker, liveness
from vsl_assets.db import DeadLetter, Job, JobOutcome, Url, UrlStatus, repo
from vsl_assets.defs.reconcile import reconcile
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets_tests.conftest import add_urls, db_session

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ELSEWHERE = "worker-host-b:4242:777:tr-9"


def test_liveness_asks_the_process_here_and_the_heartbeats_elsewhere() -> None:
    alive = liveness({ELSEWHERE: NOW - timedelta(seconds=20)}, NOW)
    assert alive(current_worker()) is True  # this very process, checked in /proc
    assert alive(ELSEWHERE) is True
    assert liveness({ELSEWHERE: NOW - HEARTBEAT_GRACE - timedelta(seconds=1)}, NOW)(ELSEWHERE) is False
    naive = (NOW - timedelta(seconds=5)).replace(tzinfo=None)  # SQLite hands back naive UTC
    assert liveness({ELSEWHERE: naive}, NOW)(ELSEWHERE) is True
    assert alive("worker-host-c:1:1:x") is None  # never beat: cannot tell
    assert alive(None) is None


def test_a_process_beats_while_it_has_open_steps_then_its_thread_ends(vsl_env) -> None:
    [key] = add_urls("https://cdn.example.com/beats.m3u8")
    worker = current_worker()
    with db_session() as s:
        job_id = repo.start_job(s, key, "transcript", "run-1", 1, UrlStatus.TRANSCRIBING, worker)
        s.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=NOW - timedelta(hours=1)))
    url = vsl_env["VSL_DATABASE_URL"]
    heartbeat.keep_beating(url, worker, interval_s=0.05)
    thread = heartbeat._threads[(url, worker)]
    heartbeat.keep_beating(url, worker, interval_s=0.05)  # idempotent: one thread per process and database
    assert heartbeat._threads[(url, worker)] is thread and thread.is_alive() and thread.name == "vsl-heartbeat"

    def last_beat() -> datetime:
        with db_session() as s:
            value = s.scalar(select(Job.heartbeat_at).where(Job.id == job_id))
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    deadline = time.monotonic() + 10
    while last_beat() < datetime.now(UTC) - timedelta(minutes=1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert last_beat() > datetime.now(UTC) - timedelta(seconds=30)
    with db_session() as s:
        repo.finish_job(s, job_id, JobOutcome.SUCCEEDED)
    thread.join(timeout=10)
    assert not thread.is_alive() and (url, worker) not in heartbeat._threads


def test_a_worker_elsewhere_that_stopped_beating_is_a_crash_and_one_that_beats_is_left_alone(vsl_env, instance) -> None:
    from dagster._core.test_utils import create_run_for_test

    silent, beating = add_urls("https://cdn.example.com/silent.m3u8", "https://cdn.example.com/beating.m3u8")
    runs = {}
    for key, age in ((silent, timedelta(minutes=5)), (beating, timedelta(seconds=10))):
        run = create_run_for_test(instance, job_name="transcribe_vsl", status=DagsterRunStatus.STARTED)
        runs[key] = run.run_id
        worker = f"worker-host-b:{4000 + len(runs)}:777:tr-9"
        with db_session() as s:
            job_id = repo.start_job(s, key, "transcript", run.run_id, 1, UrlStatus.TRANSCRIBING, worker)
            s.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=datetime.now(UTC) - age))

    assert reconcile(instance, DatabaseResource(url=vsl_env["VSL_DATABASE_URL"], worker_name="")) == {
        "failed": 1,
        "requeued": 0,
        "resumed": 1,
    }
    assert instance.get_run_by_id(runs[silent]).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(runs[beating]).status == DagsterRunStatus.STARTED
    with db_session() as s:
        rows = {u.partition_key: u for u in s.scalars(select(Url))}
        assert rows[silent].status == "pending_ingest"  # re-queued after the crash (VSL_CRASH_RETRIES=1)
        assert rows[beating].status == "transcribing"
        [letter] = s.scalars(select(DeadLetter)).all()
        assert letter.url_id == rows[silent].id and letter.error_class == "WorkerDied"


def test_a_run_between_steps_keeps_beating_until_its_url_moves_on(vsl_env) -> None:
    """Audio done, waiting for a transcription slot: no open row, yet the process still beats the URL's newest row."""
    waiting, done = add_urls("https://cdn.example.com/wait.m3u8", "https://cdn.example.com/done.m3u8")
    worker = current_worker()
    ids = {}
    with db_session() as s:
        for key in (waiting, done):
            ids[key] = repo.start_job(s, key, "audio_file", f"run-{key[:4]}", 1, UrlStatus.DOWNLOADING, worker)
            repo.finish_job(s, ids[key], JobOutcome.SUCCEEDED)
            s.execute(update(Job).where(Job.id == ids[key]).values(heartbeat_at=NOW - timedelta(hours=1)))
        repo.set_status(s, [waiting], UrlStatus.DOWNLOADED)
        repo.set_status(s, [done], UrlStatus.ANALYZED)
    url = vsl_env["VSL_DATABASE_URL"]
    with db_session() as s:
        assert repo.beat(s, worker) == 1  # only the waiting URL's row: the analysed one has moved on
        assert repo.beat(s, "worker-host-z:1:1:x") == 0  # another process's rows are not ours to beat
    heartbeat.keep_beating(url, worker, interval_s=0.05)
    thread = heartbeat._threads[(url, worker)]
    time.sleep(0.3)
    assert thread.is_alive()
    with db_session() as s:
        beats = dict(s.execute(select(Job.id, Job.heartbeat_at).where(Job.id.in_(ids.values()))).all())
    fresh = {
        i: (b if b.tzinfo else b.replace(tzinfo=UTC)) > datetime.now(UTC) - timedelta(seconds=30)
        for i, b in beats.items()
    }
    assert fresh == {ids[waiting]: True, ids[done]: False}
    with db_session() as s:
        repo.set_status(s, [waiting], UrlStatus.TRANSCRIBING)  # the next step began (or the URL failed)
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_run_elsewhere_silent_between_steps_is_failed_and_one_that_beats_is_left_alone(vsl_env, instance) -> None:
    from dagster._core.test_utils import create_run_for_test

    silent, beating = add_urls("https://cdn.example.com/s2.m3u8", "https://cdn.example.com/b2.m3u8")
    runs = {}
    for i, (key, age) in enumerate(((silent, timedelta(minutes=5)), (beating, timedelta(seconds=10)))):
        run = create_run_for_test(instance, job_name="ingest_vsl", status=DagsterRunStatus.STARTED)
        runs[key] = run.run_id
        with db_session() as s:
            job_id = repo.start_job(
                s, key, "audio_file", run.run_id, 1, UrlStatus.DOWNLOADING, f"worker-host-b:{50 + i}:7:x"
            )
            repo.finish_job(s, job_id, JobOutcome.SUCCEEDED)
            s.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=datetime.now(UTC) - age))
            repo.set_status(s, [key], UrlStatus.DOWNLOADED)

    assert reconcile(instance, DatabaseResource(url=vsl_env["VSL_DATABASE_URL"], worker_name="")) == {
        "failed": 1,
        "requeued": 0,
        "resumed": 1,
    }
    assert instance.get_run_by_id(runs[silent]).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(runs[beating]).status == DagsterRunStatus.STARTED
    with db_session() as s:
        rows = {u.partition_key: u for u in s.scalars(select(Url))}
        assert rows[silent].status == "pending_ingest" and rows[beating].status == "downloaded"
        [letter] = s.scalars(select(DeadLetter)).all()
        assert letter.url_id == rows[silent].id and letter.error_class == "WorkerDied"
        assert "on worker-host-b stopped beating between steps" in letter.message


WAITER = """
import sys
from dagster import DagsterInstance
from vsl_assets.definitions import build_definitions
from vsl_assets.defs.jobs import TRANSCRIBE

job = build_definitions().resolve_job_def(TRANSCRIBE.job_name)
with DagsterInstance.get() as instance:
    job.execute_in_process(partition_key=sys.argv[1], instance=instance, raise_on_error=False)
"""


@pytest.mark.slow
def test_a_transcription_stage_run_killed_while_waiting_for_its_slot_is_failed_and_its_url_requeued(
    vsl_env, instance, tmp_path
) -> None:
    """Split queues: the download run finished, the transcription run's process waits for the one
    transcription slot (held by another run) and is killed there.  Its process is known from the
    row it opened when its resources were built, so reconciliation fails it, frees its claim and
    re-queues the URL; without that row no one would notice (the URL's newest row was the finished
    download run's)."""
    from dagster._core.test_utils import create_run_for_test

    from vsl_assets import settings
    from vsl_assets.db import WAIT_STEP
    from vsl_assets.defs.partitions import PARTITIONS_NAME

    [key] = add_urls("https://cdn.example.com/split-wait.m3u8")
    download = create_run_for_test(instance, job_name="download_vsl", status=DagsterRunStatus.SUCCESS)
    with db_session() as s:
        job_id = repo.start_job(s, key, "audio_file", download.run_id, 1, UrlStatus.DOWNLOADING, current_worker())
        repo.finish_job(s, job_id, JobOutcome.SUCCEEDED)
        repo.set_status(s, [key], UrlStatus.DOWNLOADED)
    instance.add_dynamic_partitions(PARTITIONS_NAME, [key])
    pool = settings.current().transcription_pool
    instance.event_log_storage.set_concurrency_slots(pool, 1)
    instance.event_log_storage.claim_concurrency_slot(pool, "holder-run", "transcript")  # the busy slot

    script = tmp_path / "waiter.py"
    script.write_text(WAITER)
    proc = subprocess.Popen([sys.executable, str(script), key], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 120
        row = None
        while time.monotonic() < deadline and proc.poll() is None:
            with db_session() as s:
                row = s.scalar(select(Job).where(Job.step == WAIT_STEP))
            if row is not None:
                break
            time.sleep(0.2)
        assert row is not None, "the waiting run opened no row"
        assert row.worker is not None and int(row.worker.split(":")[1]) == proc.pid
        assert row.outcome == JobOutcome.WAITING.value and row.run_id != download.run_id
        waiting_run = instance.get_run_by_id(row.run_id)
        assert waiting_run is not None and waiting_run.status == DagsterRunStatus.STARTED
        time.sleep(1.0)  # well into its wait for the slot
        assert proc.poll() is None and repo_status(key) == "downloaded"
    finally:
        proc.kill()
        proc.wait(timeout=30)

    assert reconcile(instance, DatabaseResource(url=vsl_env["VSL_DATABASE_URL"], worker_name="")) == {
        "failed": 1,
        "requeued": 0,
        "resumed": 1,
    }
    assert instance.get_run_by_id(row.run_id).status == DagsterRunStatus.FAILURE
    info = instance.event_log_storage.get_concurrency_info(pool)
    assert all(claim.run_id != row.run_id for claim in info.claimed_slots + info.pending_steps)
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "pending_ingest"
        [letter] = s.scalars(select(DeadLetter)).all()
        assert letter.error_class == "WorkerDied" and "between steps" in letter.message
        # Its history shows pipeline steps only, and a later step of the same run closes the wait.
        [mine] = [r for r in repo.status_rows(s) if r["partition_key"] == key]
        assert [j["step"] for j in mine["steps"]] == ["audio_file"]


def repo_status(key: str) -> str:
    with db_session() as s:
        return s.scalar(select(Url.status).where(Url.partition_key == key))


def test_a_waiting_row_is_opened_once_only_for_a_downloaded_url_and_closed_by_the_runs_first_step(vsl_env) -> None:
    from vsl_assets.db import WAIT_STEP

    fresh, ready = add_urls("https://cdn.example.com/fresh.m3u8", "https://cdn.example.com/ready.m3u8")
    worker = current_worker()
    with db_session() as s:
        repo.set_status(s, [ready], UrlStatus.DOWNLOADED)
        assert repo.open_wait(s, fresh, "run-a", worker) is False  # its run starts with the download: rows at once
        assert repo.open_wait(s, ready, "run-b", worker) is True
        assert repo.open_wait(s, ready, "run-b", worker) is False  # one per run
        assert repo.run_started_a_step(s, "run-b") is False  # waiting is not a step
        assert repo.beat(s, worker) == 1  # the waiting run's process keeps its row fresh
        repo.start_job(s, ready, "transcript", "run-b", 1, UrlStatus.TRANSCRIBING, worker)
        wait = s.scalar(select(Job).where(Job.step == WAIT_STEP))
        assert wait.finished_at is not None and wait.outcome == JobOutcome.SUCCEEDED.value
        assert repo.run_started_a_step(s, "run-b") is True


@pytest.mark.slow
def test_a_runs_waiting_row_is_closed_by_its_first_step_and_no_other_step_updates_it(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    """The run's process opens the waiting row (its resources' set-up); its first step's row closes
    it; the steps after it do not run the closing UPDATE at all (``close_wait=False``)."""
    from vsl_assets.db import WAIT_STEP
    from vsl_assets_tests.conftest import run_partition

    calls: list[tuple[str, bool]] = []
    real_start_job = repo.start_job

    def spy(s, key, step, run_id, attempt, status, worker=None, *, close_wait=True):
        calls.append((step, close_wait))
        return real_start_job(s, key, step, run_id, attempt, status, worker, close_wait=close_wait)

    monkeypatch.setattr(repo, "start_job", spy)
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    with db_session() as s:
        repo.set_status(s, [key], UrlStatus.DOWNLOADED)  # as a transcription-stage run finds it
    result = run_partition(instance, key)
    assert result.success
    assert calls == [
        ("source_page", True),
        ("video_file", False),
        ("audio_file", False),
        ("transcript", False),
        ("breakdown", False),
        ("search_index", False),
    ]
    with db_session() as s:
        [wait] = s.scalars(select(Job).join(Url).where(Url.partition_key == key, Job.step == WAIT_STEP)).all()
        first = s.scalar(select(Job).join(Url).where(Url.partition_key == key, Job.step == "source_page"))
        assert (wait.run_id, wait.outcome) == (result.run_id, JobOutcome.SUCCEEDED.value)
        assert wait.finished_at is not None and wait.finished_at <= first.started_at + timedelta(seconds=1)
