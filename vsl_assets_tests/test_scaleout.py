"""Beyond one machine, for real: PostgreSQL, Redis, the Dagster daemon with dagster-celery's
``CeleryRunLauncher`` (deploy/scaleout/dagster.yaml) and ``vsl worker`` processes per queue.

Transcription goes through the OpenAI-compatible test server, so every paid request is counted.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from vsl_assets.db import DeadLetter, Job, Url
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import db_session, wait_until
from vsl_assets_tests.instance import REPO, SCALEOUT_YAML
from vsl_assets_tests.servers import FakeOpenAIServer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SECRET = "sk-scaleout-" + "s" * 24


def instance_yaml(home: Path, *, pool_limit: int, max_runs: int) -> dict:
    """The shipped deploy/scaleout/dagster.yaml, with paths under ``home`` and faster monitoring."""
    config = yaml.safe_load(SCALEOUT_YAML.read_text())
    config["local_artifact_storage"]["config"]["base_dir"] = str(home)
    config["compute_logs"]["config"]["base_dir"] = str(home / "logs")
    config["concurrency"]["runs"]["max_concurrent_runs"] = max_runs
    config["concurrency"]["pools"]["default_limit"] = pool_limit
    config["run_monitoring"].update(poll_interval_seconds=2, free_slots_after_run_end_seconds=2)
    return config


class Deployment:
    """The daemon and workers of one test, each a process group with its own log."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        with open(self.tmp / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                args,
                cwd=REPO,
                env={**os.environ, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def daemon(self) -> None:
        self.start(
            "daemon", [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-m", "vsl_assets.definitions"]
        )

    def worker(self, name: str, queue: str, concurrency: int = 1, env: dict[str, str] | None = None) -> None:
        exe = str(Path(sys.executable).with_name("vsl"))
        self.start(name, [exe, "worker", "-q", queue, "-c", str(concurrency), "--name", name], env)

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.tmp.glob("*.log"))
        )

    def wait(self, what: str, cond: Callable[[], object], timeout: float) -> object:
        return wait_until(what, cond, timeout, self.logs)


@pytest.fixture
def scaleout(vsl_env, postgres, redis, monkeypatch, tmp_path: Path) -> Iterator[tuple[Deployment, FakeOpenAIServer]]:
    """The scale-out configuration on this machine: everything but the processes, which tests start."""
    suffix = uuid.uuid4().hex[:8]
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(instance_yaml(home, pool_limit=1, max_runs=8)))
    with FakeOpenAIServer(api_key=SECRET) as api:
        env = {
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_URL": postgres.create_database(f"dagster_{suffix}"),
            "VSL_DATABASE_URL": postgres.create_database(f"vsl_{suffix}"),
            "VSL_CELERY_BROKER_URL": redis.url,
            "VSL_DOWNLOAD_QUEUE": "download",
            "VSL_TRANSCRIPTION_QUEUE": "transcription",
            "VSL_SENSOR_INTERVAL_S": "2",
            "VSL_RECONCILE_INTERVAL_S": "5",
            "VSL_TRANSCRIBER": "openai",
            "VSL_BREAKDOWN_ENGINE": "local",
            "OPENAI_API_KEY": SECRET,
            "OPENAI_BASE_URL": api.base_url,
            "VSL_LANGUAGE": "pt",
        }
        monkeypatch.delenv("VSL_WHISPER_MODEL", raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        deployment = Deployment(tmp_path)
        try:
            yield deployment, api
        finally:
            deployment.stop_all()


def _statuses() -> dict[str, tuple[str, str | None]]:
    with db_session() as s:
        return {u.partition_key: (u.status, u.reason) for u in s.scalars(select(Url))}


def _settled(count: int) -> Callable[[], bool]:
    def check() -> bool:
        statuses = _statuses()
        return len(statuses) == count and all(st in ("analyzed", "failed") for st, _ in statuses.values())

    return check


def _runs(job_name: str) -> list:
    from dagster import DagsterInstance, RunsFilter

    instance = DagsterInstance.get()
    try:
        return list(instance.get_runs(RunsFilter(job_name=job_name)))
    finally:
        instance.dispose()


@pytest.mark.xdist_group("seaweedfs")  # beside the object-store tests: SeaweedFS starts once
def test_runs_go_to_celery_workers_by_queue_and_pools_hold_across_workers(
    scaleout, media_server, seaweedfs, monkeypatch, tmp_path: Path
) -> None:
    """Every process with its own disk, as on separate machines: media moves only through the store."""
    deployment, api = scaleout
    prefix = f"scaleout-{uuid.uuid4().hex[:8]}"
    for name, value in seaweedfs.env(prefix).items():
        monkeypatch.setenv(name, value)
    api.delay_s = 1.5  # long enough that two transcriptions would overlap if the pool did not hold
    deployment.daemon()
    deployment.worker("dl-1", "download", concurrency=2, env={"VSL_STORAGE_DIR": str(tmp_path / "host-dl")})
    deployment.worker("tr-1", "transcription", concurrency=2, env={"VSL_STORAGE_DIR": str(tmp_path / "host-tr")})
    good = [
        media_server.url("/good/index.m3u8"),
        media_server.url("/good2/index.m3u8"),
        media_server.url("/good/index.m3u8?v=3"),
    ]
    added = vsl("add", *good, media_server.url("/missing/index.m3u8"))
    assert added.returncode == 0, added.stderr
    deployment.wait("every URL to end", _settled(4), 300)

    statuses = _statuses()
    assert sorted(st for st, _ in statuses.values()) == ["analyzed", "analyzed", "analyzed", "failed"]
    [reason] = [r for st, r in statuses.values() if st == "failed"]
    assert "404" in reason

    # Each stage ran on the worker of its queue, as `vsl status --workers` shows.
    listing = json.loads(vsl("status", "--json").stdout)
    for row in listing:
        if row["status"] == "analyzed":
            assert {j["step"]: j["worker"] for j in row["steps"]} == {
                "source_page": "dl-1", "video_file": "dl-1", "audio_file": "dl-1",
                "transcript": "tr-1", "breakdown": "tr-1", "search_index": "tr-1",
            }  # fmt: skip
    text = vsl("status", "--workers").stdout
    assert "transcript=succeeded@tr-1" in text and "audio_file=succeeded@dl-1" in text

    # Two runs per good URL (one per stage), launched through Celery to the stage's queue.
    analyzed = {k for k, (st, _) in statuses.items() if st == "analyzed"}
    for job, queue in (("download_vsl", "download"), ("transcribe_vsl", "transcription")):
        runs = [r for r in _runs(job) if r.status.value == "SUCCESS"]
        assert sorted(r.tags["dagster/partition"] for r in runs) >= sorted(analyzed)
        assert {r.tags["dagster-celery/queue"] for r in _runs(job)} == {queue}
        assert all(r.tags.get("dagster-celery/task_id") for r in _runs(job))
    assert len([r for r in _runs("transcribe_vsl") if r.status.value == "SUCCESS"]) == 3
    assert _runs("ingest_vsl") == []

    # Shared media: every output is in the bucket; the transcription host fetched only the audio.
    page = seaweedfs.client().list_objects_v2(Bucket=seaweedfs.bucket, Prefix=f"{prefix}/")
    names = {item["Key"][len(prefix) + 1 :] for item in page.get("Contents", [])}
    for key in analyzed:
        assert {f"videos/{key}.mp4", f"audio/{key}.ogg", f"transcripts/{key}.json", f"breakdowns/{key}.json"} <= names
    tr_files = {p.relative_to(tmp_path / "host-tr").as_posix() for p in (tmp_path / "host-tr").rglob("*.*")}
    assert not any(name.startswith("videos/") for name in tr_files), tr_files
    assert {f"audio/{key}.ogg" for key in analyzed} <= tr_files

    # Paid exactly once per VSL.
    assert len([r for r in api.requests if r.status == 200]) == 3

    # The transcription pool (limit 1 here) held across the worker's two concurrent runs.
    with db_session() as s:
        spans = sorted((j.started_at, j.finished_at) for j in s.scalars(select(Job).where(Job.step == "transcript")))
    assert len(spans) == 3
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert start >= end, f"two transcriptions overlapped: {spans}"

    health = vsl("health", "--json")
    checks = {c["name"]: c for c in json.loads(health.stdout)}
    assert health.returncode == 0, health.stdout
    assert "CeleryRunLauncher" in checks["dagster"]["detail"]
    assert "PooledRunStorage (pooled, 4 kept per storage)" in checks["dagster"]["detail"]
    assert "dl-1@" in checks["workers"]["detail"] and "tr-1@" in checks["workers"]["detail"]
    assert SECRET not in health.stdout


def test_health_names_what_is_down(scaleout, redis) -> None:
    _deployment, _ = scaleout
    no_workers = vsl("health")
    assert no_workers.returncode == 1
    assert "FAIL workers" in no_workers.stdout and "vsl worker" in no_workers.stdout
    os.environ["VSL_CELERY_BROKER_URL"] = "redis://:hunter2secret@127.0.0.1:1/0"
    try:
        broker_down = vsl("health")
    finally:
        os.environ["VSL_CELERY_BROKER_URL"] = redis.url
    assert broker_down.returncode == 1 and "FAIL broker" in broker_down.stdout
    assert "hunter2secret" not in broker_down.stdout + broker_down.stderr
    assert "ok   database" in broker_down.stdout


def test_a_worker_killed_mid_transcription_is_noticed_and_the_url_finishes_on_a_fresh_process(
    scaleout, media_server
) -> None:
    deployment, api = scaleout
    api.delay_s = 6.0
    deployment.daemon()
    deployment.worker("dl-1", "download")
    deployment.worker("tr-1", "transcription")
    added = vsl("add", media_server.url("/good/index.m3u8"))
    assert added.returncode == 0
    deployment.wait("the transcription to start", lambda: api.received >= 1, 180)
    with db_session() as s:
        job = s.scalars(select(Job).where(Job.step == "transcript", Job.outcome == "running")).one()
        pid = int(job.worker.split(":")[1])
    os.kill(pid, signal.SIGKILL)  # the Celery pool process executing the run, mid-request
    deployment.wait("the URL to end", _settled(1), 240)
    [(status, reason)] = _statuses().values()
    assert status == "analyzed", reason
    with db_session() as s:
        letters = list(s.scalars(select(DeadLetter)))
    assert [d.error_class for d in letters] == ["WorkerDied"]
    # The killed request was in flight (the server had it); the retry is the one other request.
    assert api.received == 2
