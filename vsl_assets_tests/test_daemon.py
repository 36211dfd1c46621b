"""The real thing: `dagster dev` (webserver + daemon) picks up URLs added with `vsl add`.

No manual step: the sensor registers partitions and launches runs, run workers download and
transcribe, and a run worker killed with SIGKILL mid-download is noticed and its URL failed
with a reason, then retried to completion.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import DeadLetter, Job, TranscriptRow, Url
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import REPO, db_session, wait_until
from vsl_assets_tests.processes import family, stop_tree
from vsl_assets_tests.servers import FakeOpenAIServer, free_port

pytestmark = pytest.mark.slow


def _wait(what: str, cond: Callable[[], object], timeout: float, log: Path) -> object:
    def tail() -> str:
        return "--- dagster dev log tail ---\n" + (log.read_text(errors="replace")[-4000:] if log.exists() else "")

    return wait_until(what, cond, timeout, tail)


def _statuses() -> dict[str, tuple[str, str | None]]:
    with db_session() as s:
        return {u.partition_key: (u.status, u.reason) for u in s.scalars(select(Url))}


def _up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def _dagster_dev(log: Path) -> Iterator[subprocess.Popen]:
    """`dagster dev` (webserver, daemon, code server, run workers) in its own process group; on
    exit, it and every process it started are gone."""
    port = free_port()
    dagster = Path(sys.executable).with_name("dagster")
    with open(log, "a") as out:
        proc = subprocess.Popen(
            [str(dagster), "dev", "-m", "vsl_assets.definitions", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=os.environ.copy(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait("the webserver", lambda: _up(port), 120, log)
        yield proc
    finally:
        # Every process it started, not only its group's leader: a code server or its gRPC child
        # that outlives the SIGTERM is killed too (vsl_assets_tests.processes).
        stop_tree(proc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()


def test_dagster_dev_end_to_end_with_killed_run(vsl_env, media_server, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VSL_CRASH_RETRIES", "0")  # the manual path: failed with a reason, then `vsl retry`
    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "2")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "3")
    log = tmp_path / "dagster-dev.log"
    with _dagster_dev(log):
        good, missing, slow = (
            media_server.url("/good/index.m3u8"),
            media_server.url("/missing/index.m3u8"),
            media_server.url("/good2/index.m3u8"),
        )
        media_server.set_delay("/good2/seg_", 10.0)  # a slow CDN: time to kill the download
        added = vsl("add", good, missing, slow)
        assert added.returncode == 0, added.stderr
        key = {line.split("\t")[2]: line.split("\t")[0] for line in added.stdout.splitlines()}

        # Kill the run worker of the slow URL while it downloads.
        def downloading_worker() -> int | None:
            with db_session() as s:
                job = s.scalar(
                    select(Job)
                    .join(Url)
                    .where(Url.partition_key == key[slow], Job.step == "video_file", Job.outcome == "running")
                )
                return int(job.worker.split(":")[1]) if job and job.worker else None

        pid = _wait("the slow download to start", downloading_worker, 180, log)
        time.sleep(1.0)
        os.kill(pid, signal.SIGKILL)

        def settled() -> dict[str, tuple[str, str | None]] | None:
            st = _statuses()
            return st if all(st[k][0] in ("analyzed", "failed") for k in key.values()) else None

        final = _wait("all URLs to settle", settled, 240, log)
        assert final[key[good]] == ("analyzed", None)
        assert final[key[missing]] == ("failed", "HTTP 404 from the stream URL")
        assert final[key[slow]][0] == "failed"
        assert "died (killed or crashed)" in final[key[slow]][1] or "failed before" in final[key[slow]][1]
        storage = Path(vsl_env["VSL_STORAGE_DIR"])
        assert not (storage / "videos" / f"{key[slow]}.mp4").exists()

        # The Dagster side agrees: the killed run is not left "started".
        from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

        instance = DagsterInstance.get()
        runs = {r.tags["dagster/partition"]: r.status for r in instance.get_runs(RunsFilter(job_name="ingest_vsl"))}
        assert runs[key[good]] == DagsterRunStatus.SUCCESS
        assert runs[key[missing]] == DagsterRunStatus.FAILURE
        _wait(
            "the killed run to be marked failed",
            lambda: (
                instance.get_runs(RunsFilter(tags={"dagster/partition": key[slow]}))[0].status
                == DagsterRunStatus.FAILURE
            ),
            60,
            log,
        )

        # Retry: the sensor launches a new run (fresh run key) and it completes.
        media_server.set_delay("/good2/seg_", 0)
        assert vsl("retry", key[slow]).returncode == 0
        _wait("the retried URL to be transcribed", lambda: _statuses()[key[slow]][0] == "analyzed", 180, log)
        assert not list((storage / "videos").glob(".tmp-*"))  # the killed download's temp file was cleared
        status = json.loads(vsl("status", "--json").stdout)
        assert sorted(r["status"] for r in status) == ["analyzed", "analyzed", "failed"]

        # The catalog follows by itself (catalog_automation_sensor, every 30 s): all three URLs, as now.
        import pandas as pd

        def catalog_statuses() -> list[str] | None:
            path = storage / "catalog" / "vsl_catalog.parquet"
            try:
                return sorted(pd.read_parquet(path)["status"]) if path.is_file() else None
            except (OSError, ValueError):
                return None

        _wait(
            "the catalog to list the three URLs as they ended",
            lambda: catalog_statuses() == ["analyzed", "analyzed", "failed"],
            150,
            log,
        )


def test_whole_platform_killed_mid_transcription_loses_nothing(
    vsl_env, media_server, tmp_path: Path, monkeypatch
) -> None:
    """kill -9 of everything (daemon, webserver, code server, run worker) while chunk 2 of a
    transcript is at the API, as in a power cut: after a restart the URL is not left
    "transcribing", the Dagster run is not left "started", and the URL resumes by itself
    (VSL_CRASH_RETRIES=1) without paying again for chunk 1, whose answer had arrived before
    the kill."""
    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "2")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "3")
    monkeypatch.setenv("VSL_MAX_CHUNK_S", "8")
    log = tmp_path / "dagster-dev.log"
    storage = Path(vsl_env["VSL_STORAGE_DIR"])
    with FakeOpenAIServer(api_key="sk-test-crash") as api:
        monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-crash")
        monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
        api.delay_request(2, 600)  # chunk 2 hangs at the "API": the kill lands mid-transcription
        with _dagster_dev(log) as proc:
            added = vsl("add", media_server.url("/good/index.m3u8"))
            assert added.returncode == 0, added.stderr
            key = added.stdout.split("\t")[0]
            _wait("chunk 2 to reach the API", lambda: api.received >= 2, 180, log)
            checkpoints = storage / "transcripts" / ".checkpoints" / key
            assert len(list(checkpoints.glob("chunk-*.json"))) == 1  # chunk 1's answer, on disk
            with db_session() as s:
                job = s.scalar(select(Job).join(Url).where(Url.partition_key == key, Job.step == "transcript"))
                worker_pid = int(job.worker.split(":")[1])
            assert _statuses()[key][0] == "transcribing" and _alive(worker_pid)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            _wait("every process of the group to be gone", lambda: not _alive(worker_pid), 30, log)
        assert _statuses()[key][0] == "transcribing"  # what a crash leaves behind
        first_attempt = list(api.successful_requests)
        assert len(first_attempt) == 1

        with _dagster_dev(log):
            # No manual step: the reconciliation sensor sees the dead worker, records it and
            # re-queues the URL; the pending sensor launches a fresh run that completes.
            _wait("the crashed URL to resume and finish", lambda: _statuses()[key][0] == "analyzed", 240, log)

            from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

            instance = DagsterInstance.get()

            def runs() -> list:
                return instance.get_runs(RunsFilter(tags={"dagster/partition": key}))  # newest first

            _wait(
                "the resumed run to succeed",
                lambda: [r.status for r in runs()] == [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE],
                60,
                log,
            )
            assert runs()[0].tags["dagster/run_key"] == f"{key}:retry-1"

    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        [letter] = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        assert letter.error_class == "WorkerDied" and letter.step == "transcript" and letter.retried_at is not None
        assert "died (killed or crashed)" in letter.message and url.reason is None
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        paid = api.successful_requests
        # Every chunk was paid exactly once: chunk 1 before the crash, the others after it.
        assert row.chunk_count == len(paid) and len(paid) >= 3
        assert abs(row.billed_minutes - sum(r.duration_s for r in paid) / 60) < 0.01
        assert row.segments[-1]["end"] > 15.0
    assert (storage / "transcripts" / f"{key}.json").is_file() and not checkpoints.exists()
    assert not [p for p in storage.rglob(".tmp-*")]


def test_runs_queued_on_the_transcription_slot_survive_a_kill_of_the_whole_platform(
    vsl_env, media_server, tmp_path: Path, monkeypatch
) -> None:
    """The drill of issue 24: one URL holds the single transcription slot (its API request hangs),
    a second URL's run waits for that slot ("downloaded"); the whole process group is killed.
    After a restart neither run may keep a slot: reconciliation fails both runs (their processes
    are gone), frees their slots and re-queues the URLs, which finish, all within 2 minutes."""
    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "2")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "3")
    log = tmp_path / "dagster-dev.log"
    with FakeOpenAIServer(api_key="sk-test-slot") as api:
        monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-slot")
        monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
        api.delay_request(1, 600)  # the first transcription hangs at the "API", holding the slot
        with _dagster_dev(log) as proc:
            added = vsl("add", media_server.url("/good/index.m3u8"), media_server.url("/good2/index.m3u8"))
            assert added.returncode == 0, added.stderr
            keys = [line.split("\t")[0] for line in added.stdout.splitlines()]

            def holder_and_waiter() -> bool:
                statuses = sorted(status for status, _ in _statuses().values())
                return api.received >= 1 and statuses == ["downloaded", "transcribing"]

            _wait("one URL to hold the slot and the other to wait for it", holder_and_waiter, 240, log)
            time.sleep(3.0)  # the waiting run is parked on the slot, not between two quick steps
            assert sorted(s for s, _ in _statuses().values()) == ["downloaded", "transcribing"]
            with db_session() as s:
                pids = {int(j.worker.split(":")[1]) for j in s.scalars(select(Job)) if j.worker}
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            _wait("every process of the group to be gone", lambda: not any(_alive(p) for p in pids), 30, log)
        waiting = next(k for k, (status, _) in _statuses().items() if status == "downloaded")

        from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

        instance = DagsterInstance.get()
        [dead_waiter] = instance.get_runs(RunsFilter(tags={"dagster/partition": waiting}))
        assert dead_waiter.status == DagsterRunStatus.STARTED  # what the kill leaves behind

        with _dagster_dev(log):
            restarted = time.monotonic()
            _wait(
                "both dead runs to be failed and their slots freed",
                lambda: instance.get_run_by_id(dead_waiter.run_id).status == DagsterRunStatus.FAILURE,
                120,
                log,
            )
            freed_after = time.monotonic() - restarted
            _wait(
                "both URLs to resume and finish",
                lambda: all(_statuses()[k][0] == "analyzed" for k in keys),
                240,
                log,
            )
            info = instance.event_log_storage.get_concurrency_info("transcription")
            assert info.claimed_slots == [] and info.pending_step_count == 0
    assert freed_after < 120
    with db_session() as s:
        letters = {
            (u.partition_key, d.error_class, d.step)
            for d, u in s.execute(select(DeadLetter, Url).join(Url, DeadLetter.url_id == Url.id))
        }
    others = [k for k in keys if k != waiting]
    assert letters == {(waiting, "WorkerDied", "run"), (others[0], "WorkerDied", "transcript")}


def test_local_engine_run_waiting_for_the_transcription_slot_reads_waiting_and_survives_a_kill(
    vsl_env, media_server, tmp_path: Path, monkeypatch
) -> None:
    """The local-engine twin of issue 24's drill.  With the local engine in one run per URL the audio
    is made in the transcription's op, beside it, so a run waiting for the slot has only its video:
    it must still read ``downloaded`` (waiting for transcription), not ``downloading``.  One URL holds
    the single slot (its Opus encode hangs: ``VSL_FFMPEG`` is real ffmpeg behind a script that
    sleeps before an Opus encode), the other waits; the whole process group is killed.  After a
    restart with the plain ffmpeg, reconciliation fails both runs, frees the slot and re-queues both
    URLs, which finish; no temporary file (PCM or audio) is left behind."""
    import shlex
    import shutil

    from vsl_assets.media.ffmpeg import find_ffmpeg

    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "2")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "3")
    real = shutil.which("ffmpeg") or find_ffmpeg()
    slow_opus = tmp_path / "ffmpeg-slow-opus"
    slow_opus.write_text(f'#!/bin/sh\ncase " $* " in *" libopus "*) sleep 600 ;; esac\nexec {shlex.quote(real)} "$@"\n')
    slow_opus.chmod(0o755)
    monkeypatch.setenv("VSL_FFMPEG", str(slow_opus))
    log = tmp_path / "dagster-dev.log"
    storage = Path(vsl_env["VSL_STORAGE_DIR"])
    with _dagster_dev(log) as proc:
        added = vsl("add", media_server.url("/good/index.m3u8"), media_server.url("/good2/index.m3u8"))
        assert added.returncode == 0, added.stderr
        keys = [line.split("\t")[0] for line in added.stdout.splitlines()]

        def holder_and_waiter() -> bool:
            return sorted(status for status, _ in _statuses().values()) == ["downloaded", "transcribing"]

        _wait("one URL to hold the slot and the other to wait for it", holder_and_waiter, 240, log)
        time.sleep(3.0)  # the waiting run is parked on the slot, not between two quick steps
        assert sorted(s for s, _ in _statuses().values()) == ["downloaded", "transcribing"]
        waiting = next(k for k, (status, _) in _statuses().items() if status == "downloaded")
        holder = next(k for k in keys if k != waiting)
        with db_session() as s:
            steps_by_key = {
                k: [(j.step, j.outcome) for j in s.scalars(select(Job).join(Url).where(Url.partition_key == k))]
                for k in keys
            }
            pids = {int(j.worker.split(":")[1]) for j in s.scalars(select(Job)) if j.worker}
        # The waiter has its video and nothing running; the holder both steps of the one op open.
        assert steps_by_key[waiting][-1] == ("video_file", "succeeded")
        assert "running" not in {o for _, o in steps_by_key[waiting]}, steps_by_key
        assert {("audio_file", "running"), ("transcript", "running")} <= set(steps_by_key[holder])
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        _wait("every process of the group to be gone", lambda: not any(_alive(p) for p in pids), 30, log)
    assert _statuses()[waiting][0] == "downloaded"  # what the kill leaves behind

    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    instance = DagsterInstance.get()
    [dead_waiter] = instance.get_runs(RunsFilter(tags={"dagster/partition": waiting}))
    assert dead_waiter.status == DagsterRunStatus.STARTED

    monkeypatch.delenv("VSL_FFMPEG")
    with _dagster_dev(log) as proc:
        _wait(
            "the dead waiting run to be failed and its slot freed",
            lambda: instance.get_run_by_id(dead_waiter.run_id).status == DagsterRunStatus.FAILURE,
            120,
            log,
        )
        _wait("both URLs to resume and finish", lambda: all(_statuses()[k][0] == "analyzed" for k in keys), 240, log)
        info = instance.event_log_storage.get_concurrency_info("transcription")
        assert info.claimed_slots == [] and info.pending_step_count == 0
        started = family(proc.pid)  # webserver, daemon, code server(s) and their gRPC servers
    assert len(started) >= 4, started
    assert not [p for p in started if _alive(p)]  # none outlives the fixture
    with db_session() as s:
        letters = {
            (u.partition_key, d.error_class, d.step)
            for d, u in s.execute(select(DeadLetter, Url).join(Url, DeadLetter.url_id == Url.id))
        }
        texts = {u.partition_key: t for t, u in s.execute(select(TranscriptRow.text, Url).join(Url))}
    assert {(k, c) for k, c, _ in letters} == {(waiting, "WorkerDied"), (holder, "WorkerDied")}, letters
    assert (waiting, "WorkerDied", "run") in letters
    assert all(texts.get(k) for k in keys), texts
    for key in keys:
        assert (storage / "audio" / f"{key}.ogg").is_file() and (storage / "transcripts" / f"{key}.json").is_file()
    assert not [p for p in storage.rglob(".tmp-*")]
    assert not [p for p in (storage / "transcripts" / ".checkpoints").glob("*/*")]
