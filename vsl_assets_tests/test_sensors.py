"""Sensors evaluated against a real Dagster instance and a real SQLite database."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dagster import DagsterRunStatus, SensorResult, SkipReason, build_sensor_context
from sqlalchemy import select

from vsl_assets.core.worker import current_worker
from vsl_assets.db import DeadLetter, Job, JobOutcome, Url, UrlStatus, repo
from vsl_assets.defs.partitions import ADD_CHUNK, PARTITIONS_NAME
from vsl_assets.defs.reconcile import reconcile
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.defs.sensors import sensor_named
from vsl_assets.settings import current as current_settings
from vsl_assets_tests.conftest import add_urls, db_session


def _db(vsl_env) -> DatabaseResource:
    return DatabaseResource(url=vsl_env["VSL_DATABASE_URL"], worker_name="")


def _tick(instance, vsl_env):
    ctx = build_sensor_context(instance=instance, resources={"db": _db(vsl_env)})
    return sensor_named(current_settings(), "pending_urls_sensor")(ctx)


def test_no_pending_urls_skips(vsl_env, instance) -> None:
    result = _tick(instance, vsl_env)
    assert isinstance(result, SkipReason) and "no pending" in result.skip_message


def test_tick_adds_partitions_requests_runs_and_marks_queued(vsl_env, instance) -> None:
    keys = add_urls(*[f"https://cdn.example.com/v{i}/main.m3u8" for i in range(1200)])
    instance.add_dynamic_partitions(PARTITIONS_NAME, keys[:3])  # some already registered
    result = _tick(instance, vsl_env)
    assert isinstance(result, SensorResult)
    # Default batch is 1000: the oldest 1000 URLs, one run each, run_key = partition key.
    assert [r.partition_key for r in result.run_requests] == keys[:1000]
    assert [r.run_key for r in result.run_requests] == keys[:1000]
    added = [k for req in result.dynamic_partitions_requests for k in req.partition_keys]
    assert added == keys[3:1000]
    assert all(len(req.partition_keys) <= 500 for req in result.dynamic_partitions_requests)
    with db_session() as s:
        counts = repo.status_counts(s)
    assert counts == {"queued": 1000, "pending_ingest": 200}

    second = _tick(instance, vsl_env)
    assert [r.partition_key for r in second.run_requests] == keys[1000:]
    assert isinstance(_tick(instance, vsl_env), SkipReason)


def test_retried_url_gets_a_fresh_run_key(vsl_env, instance) -> None:
    [key] = add_urls("https://cdn.example.com/a/main.m3u8")
    first = _tick(instance, vsl_env)
    with db_session() as s:
        repo.set_status(s, [key], UrlStatus.FAILED, "HTTP 404 from the stream URL")
        assert repo.requeue(s, [key]) == [key]
    second = _tick(instance, vsl_env)
    assert first.run_requests[0].run_key == key
    assert second.run_requests[0].run_key == f"{key}:retry-1"


def _start_job(key: str, run_id: str, step: str = "video_file", status=UrlStatus.DOWNLOADING) -> None:
    with db_session() as s:
        repo.start_job(s, key, step, run_id, 1, status)


def test_reconcile_fails_urls_whose_run_died(vsl_env, instance) -> None:
    from dagster._core.test_utils import create_run_for_test

    dead, alive, missing = add_urls(*[f"https://cdn.example.com/{n}.m3u8" for n in ("dead", "alive", "missing")])
    dead_run = create_run_for_test(instance, job_name="ingest_vsl", status=DagsterRunStatus.FAILURE)
    alive_run = create_run_for_test(instance, job_name="ingest_vsl", status=DagsterRunStatus.STARTED)
    _start_job(dead, dead_run.run_id)
    _start_job(alive, alive_run.run_id, "transcript", UrlStatus.TRANSCRIBING)
    _start_job(missing, "0" * 36)

    counts = reconcile(instance, _db(vsl_env))
    assert counts == {"failed": 2, "requeued": 0, "resumed": 0}
    with db_session() as s:
        rows = {u.partition_key: u for u in s.scalars(select(Url))}
        assert rows[dead].status == "failed"
        assert f"the run {dead_run.run_id[:8]} failed before this step recorded a result" in rows[dead].reason
        assert rows[missing].status == "failed" and "no longer exists" in rows[missing].reason
        assert rows[alive].status == "transcribing"
        letters = {d.url_id: d for d in s.scalars(select(DeadLetter))}
        assert letters[rows[dead].id].error_class == "RunAbandoned" and letters[rows[dead].id].step == "video_file"
        assert s.scalar(select(Job.outcome).where(Job.url_id == rows[dead].id)) == "failed"
    # Idempotent: a second pass changes nothing.
    assert reconcile(instance, _db(vsl_env)) == {"failed": 0, "requeued": 0, "resumed": 0}


def test_reconcile_requeues_queued_urls_whose_run_request_was_lost(vsl_env, instance) -> None:
    lost, fresh = add_urls("https://cdn.example.com/lost.m3u8", "https://cdn.example.com/fresh.m3u8")
    with db_session() as s:
        repo.set_status(s, [lost, fresh], UrlStatus.QUEUED)
    assert reconcile(instance, _db(vsl_env)) == {"failed": 0, "requeued": 0, "resumed": 0}  # within the grace period
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert reconcile(instance, _db(vsl_env), now=later) == {"failed": 0, "requeued": 2, "resumed": 0}
    with db_session() as s:
        assert {u.status for u in s.scalars(select(Url))} == {"pending_ingest"}
        assert {u.queue_count for u in s.scalars(select(Url))} == {0}


def test_a_lost_run_request_is_asked_again_under_the_same_run_key(vsl_env, instance) -> None:
    """The request may only be slow: the daemon submits a big tick's runs one by one (1,000 took
    over 10 min under load).  Under a new key the late first run and the second both ran."""
    [key] = add_urls("https://cdn.example.com/slow/main.m3u8")
    first = _tick(instance, vsl_env)
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert reconcile(instance, _db(vsl_env), now=later) == {"failed": 0, "requeued": 1, "resumed": 0}
    again = _tick(instance, vsl_env)
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in first.run_requests] == [key]


def test_reconcile_detects_a_killed_worker_and_fails_its_run(vsl_env, instance) -> None:
    import subprocess
    import sys

    from dagster._core.test_utils import create_run_for_test

    from vsl_assets.core.worker import current_worker, worker_alive

    [key] = add_urls("https://cdn.example.com/killed.m3u8")

    def crash() -> tuple[str, str]:
        run = create_run_for_test(instance, job_name="ingest_vsl", status=DagsterRunStatus.STARTED)
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        host, _, _ = current_worker().split(":")
        ticks = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        worker = f"{host}:{proc.pid}:{ticks}"
        with db_session() as s:
            repo.start_job(s, key, "transcript", run.run_id, 1, UrlStatus.TRANSCRIBING, worker)
        assert worker_alive(worker) is True
        assert reconcile(instance, _db(vsl_env)) == {"failed": 0, "requeued": 0, "resumed": 0}
        proc.kill()
        proc.wait()
        assert worker_alive(worker) is False
        return run.run_id, worker

    # First crash: not the URL's fault, so it is failed with the reason and re-queued at once
    # (VSL_CRASH_RETRIES=1); the dead letter stays as the record, marked retried.
    run_id, _ = crash()
    assert worker_alive("other-host:1:1") is None
    assert reconcile(instance, _db(vsl_env)) == {"failed": 1, "requeued": 0, "resumed": 1}
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.reason, url.queue_count) == ("pending_ingest", None, 1)
        [letter] = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        assert letter.error_class == "WorkerDied" and "died (killed or crashed)" in letter.message
        assert letter.retried_at is not None and letter.step == "transcript"

    # Second crash of the same URL (e.g. it runs the worker out of memory): it stays failed.
    run_id, _ = crash()
    assert reconcile(instance, _db(vsl_env)) == {"failed": 1, "requeued": 0, "resumed": 0}
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and "died (killed or crashed)" in url.reason
    assert instance.get_run_by_id(run_id).status == DagsterRunStatus.FAILURE


def test_tick_as_the_daemon_evaluates_it_carries_resolved_partitions(vsl_env, instance, monkeypatch) -> None:
    """evaluate_tick is what the code server runs for the daemon (its speed: benchmarks/)."""
    from vsl_assets.definitions import build_definitions

    # 1200 URLs (half registered): the existence lookups (repo.CHUNK) and the partition additions
    # (ADD_CHUNK) both still span several chunks of 500, at 2/5 of the work 3000 took.
    assert 600 > ADD_CHUNK and 1200 > 2 * repo.CHUNK
    keys = add_urls(*[f"https://cdn.example.com/{i}/main.m3u8" for i in range(1200)])
    instance.add_dynamic_partitions(PARTITIONS_NAME, keys[:600])  # half registered already
    monkeypatch.setenv("VSL_SENSOR_BATCH", "1200")
    ctx = build_sensor_context(instance=instance, resources={"db": _db(vsl_env)}, definitions=build_definitions())
    data = sensor_named(current_settings(), "pending_urls_sensor").evaluate_tick(ctx)
    assert len(data.run_requests) == 1200
    first = data.run_requests[0]
    assert first.tags["dagster/partition"] == keys[0] and first.partition_key == keys[0]
    assert first.tags["dagster/partition_set"] == "ingest_vsl_partition_set"
    assert first.tags["dagster/max_runtime"] == "28800"  # audio unknown yet: VSL_RUN_MAX_TIME_S
    added = [k for req in data.dynamic_partitions_requests for k in req.partition_keys]
    assert added == keys[600:]


def _failed_run(instance, key: str, run_key_tag: str, job_name: str = "transcribe_vsl"):
    from dagster._core.test_utils import create_run_for_test

    return create_run_for_test(
        instance,
        job_name=job_name,
        status=DagsterRunStatus.FAILURE,
        tags={"dagster/partition": key, "dagster/run_key": run_key_tag},
    )


def _on_failure(run, vsl_env) -> None:
    """What vsl_run_failure_sensor does for one failed run."""
    from types import SimpleNamespace

    from dagster import get_dagster_logger

    from vsl_assets.defs.sensors import _fail_for_run

    _fail_for_run(SimpleNamespace(dagster_run=run, log=get_dagster_logger()), _db(vsl_env), "failed")


def test_a_transcription_run_that_failed_before_its_first_step_is_resumed_once_then_failed(vsl_env, instance) -> None:
    """E.g. PostgreSQL restarting while the run claims its pool slot: not the URL's fault.

    The URL's newest job row is the download stage's, yet the transcription run owns the URL
    by its run key (it used to be left ``downloaded`` forever)."""
    [key] = add_urls("https://cdn.example.com/split.m3u8")
    with db_session() as s:
        job_id = repo.start_job(s, key, "audio_file", "download-run-1", 1, UrlStatus.DOWNLOADING)
        repo.finish_job(s, job_id, JobOutcome.SUCCEEDED)
        repo.set_status(s, [key], UrlStatus.DOWNLOADED)
    _on_failure(_failed_run(instance, key, f"{key}:transcribe"), vsl_env)
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.queue_count) == ("pending_ingest", 1)
        [letter] = s.scalars(select(DeadLetter)).all()
        assert letter.error_class == "RunNotStarted" and "failed before its first step began" in letter.message
    # Its next attempt's transcription run fails the same way: now it stays failed, with the reason.
    with db_session() as s:
        repo.set_status(s, [key], UrlStatus.DOWNLOADED)
    run = _failed_run(instance, key, f"{key}:retry-1:transcribe")
    _on_failure(run, vsl_env)
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and url.reason.startswith(f"the run {run.run_id[:8]} failed before its first")
    # A late report of an older attempt's run changes nothing.
    _on_failure(_failed_run(instance, key, f"{key}:transcribe"), vsl_env)
    with db_session() as s:
        assert len(s.scalars(select(DeadLetter)).all()) == 2


def test_a_transcription_run_that_failed_mid_step_fails_its_url(vsl_env, instance) -> None:
    [key] = add_urls("https://cdn.example.com/split-mid.m3u8")
    run = _failed_run(instance, key, f"{key}:transcribe")
    with db_session() as s:
        repo.start_job(s, key, "audio_file", "download-run-1", 1, UrlStatus.DOWNLOADED)
        # this process is its worker, alive: not a crash, the run's own failure
        repo.start_job(s, key, "transcript", run.run_id, 1, UrlStatus.TRANSCRIBING, current_worker())
    _on_failure(run, vsl_env)
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and url.reason == f"the run {run.run_id[:8]} failed before the pipeline finished"
        assert {d.error_class for d in s.scalars(select(DeadLetter))} == {"RunAbandoned"}


def test_retried_urls_go_ahead_in_the_run_queue(vsl_env, instance) -> None:
    first, again = add_urls("https://cdn.example.com/new.m3u8", "https://cdn.example.com/again.m3u8")
    with db_session() as s:
        repo.requeue(s, [again])
    result = _tick(instance, vsl_env)
    priority = {r.partition_key: r.tags.get("dagster/priority") for r in result.run_requests}
    assert priority == {first: None, again: "1"}
    # A URL's transcription stage goes ahead of new downloads too (and a retried one further).
    from vsl_assets.defs.jobs import TRANSCRIBE
    from vsl_assets.defs.sensors import _requests

    assert [r.tags.get("dagster/priority") for r in _requests([(first, 0), (again, 1)], TRANSCRIBE, None)] == [
        "1",
        "2",
    ]


def test_a_worker_creates_its_pools_before_taking_work(vsl_env, instance) -> None:
    """Two runs creating a pool at once can fail one on PostgreSQL: `vsl worker` creates them first."""
    from vsl_assets.scaleout.pools import prepare_pools

    storage = instance.event_log_storage
    assert "ffmpeg" not in storage.get_concurrency_keys()
    assert prepare_pools(instance, ["ffmpeg", "transcription", "ffmpeg"]) == ["ffmpeg", "transcription"]
    assert storage.get_concurrency_info("ffmpeg").slot_count == 1  # the test instance's default_limit
    assert prepare_pools(instance, ["ffmpeg", "transcription"]) == []  # idempotent


def test_a_transcription_stage_run_is_limited_by_its_audio_and_the_audio_ahead(vsl_env, instance, monkeypatch) -> None:
    """Split queues: the transcription stage's audio is known when it is requested, so its limit follows it."""
    from vsl_assets.db import Audio
    from vsl_assets.defs.sensors import plan_transcriptions

    monkeypatch.setenv("VSL_TRANSCRIPTION_QUEUE", "vsl-gpu")
    monkeypatch.setenv("VSL_RUN_MIN_TIME_S", "1800")
    short, long = add_urls("https://cdn.example.com/short/main.m3u8", "https://cdn.example.com/long/main.m3u8")
    with db_session() as s:
        for key, duration in ((short, 120.0), (long, 1200.0)):
            url = s.scalar(select(Url).where(Url.partition_key == key))
            s.add(Audio(url_id=url.id, path=f"/a/{key}.ogg", size_bytes=1, duration_s=duration, codec="opus"))
            job_id = repo.start_job(s, key, "audio_file", f"dl-{key[:6]}", 1, UrlStatus.DOWNLOADING, "w")
            repo.finish_job(s, job_id, JobOutcome.SUCCEEDED)  # the download stage has ended
        repo.set_status(s, [short, long], UrlStatus.DOWNLOADED)
    result = plan_transcriptions(_db(vsl_env), 10)
    assert isinstance(result, SensorResult)
    limits = {r.partition_key: int(r.tags["dagster/max_runtime"]) for r in result.run_requests}
    # No transcription timed here yet: real-time factor 1.0, VSL_TRANSCRIBE_TIME_FACTOR 4.
    # short: 1800 + max(600, 4 x 120) + 4 x 1200 ahead; long: 1800 + 4 x 1200 + 4 x 120 ahead.
    assert limits == {short: 1800 + 600 + 4800, long: 1800 + 4800 + 480}


def test_a_run_whose_process_died_before_its_first_step_frees_its_place_and_requeues_its_url(vsl_env, instance) -> None:
    """``vsl up`` stopped while runs were loading: Dagster keeps them "started" for ever (the default
    launcher cannot tell a dead run worker), they fill the run queue's places, and their URLs stay
    queued.  Reconciliation finds their reported process gone and fails them; the URL is re-queued."""
    from dagster._core.events import EngineEventData
    from dagster._core.test_utils import create_run_for_test

    [key, loading] = add_urls("https://cdn.example.com/restart.m3u8", "https://cdn.example.com/loading.m3u8")
    tick = _tick(instance, vsl_env)
    assert {r.partition_key for r in tick.run_requests} == {key, loading}

    def run_of(k: str, pid: int):
        run = create_run_for_test(
            instance,
            job_name="ingest_vsl",
            status=DagsterRunStatus.STARTED,
            tags={"dagster/partition": k, "dagster/run_key": k},
        )
        instance.report_engine_event(f"Started process for run (pid: {pid}).", run, EngineEventData.in_process(pid))
        return run

    dead = run_of(key, 2**22 + 17)  # above Linux's largest pid: no such process
    alive = run_of(loading, os.getpid())
    assert reconcile(instance, _db(vsl_env)) == {"failed": 1, "requeued": 0, "resumed": 1}
    assert instance.get_run_by_id(dead.run_id).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(alive.run_id).status == DagsterRunStatus.STARTED
    with db_session() as s:
        rows = {u.partition_key: u for u in s.scalars(select(Url))}
        assert rows[key].status == "pending_ingest" and rows[loading].status == "queued"
        [letter] = s.scalars(select(DeadLetter))
        assert letter.error_class == "RunNotStarted" and "before its first step began" in letter.message
    # The re-queued URL gets its next run at the sensor's next tick.
    assert [r.partition_key for r in _tick(instance, vsl_env).run_requests] == [key]
