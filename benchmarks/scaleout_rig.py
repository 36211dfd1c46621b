"""The scale-out deployment of ``deploy/scaleout`` on this machine, for ``bench_scaleout.py``.

Real PostgreSQL, real Redis, the ``dagster-daemon`` and ``vsl worker`` processes (each in its own
process group, with its own log), the tests' media HTTP server and OpenAI-compatible server.
Nothing here changes the product: the instance yaml is the shipped one with paths and sizes
adapted, as ``vsl_assets_tests/test_scaleout.py`` adapts it.

Read-outs come from the product's own records: the app database (``urls``, ``jobs``,
``transcripts``, ``dead_letters``), Dagster's run storage and the files under the storage root.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vsl_assets_tests.instance import SCALEOUT_YAML  # noqa: E402
from vsl_assets_tests.servers import PostgresServer  # noqa: E402

BIN = Path(sys.executable).parent
API_KEY = "sk-bench-scaleout-" + "b" * 24
TERMINAL = ("analyzed", "failed")
STAGES = ("download_vsl", "transcribe_vsl")
#: Queues of the split deployment (two runs per URL) and of the single-queue one (one run per URL).
SPLIT_QUEUES = ("download", "transcription")
SINGLE_QUEUE = ("vsl", "vsl")


# -- servers ----------------------------------------------------------------------------------


def redis_command(port: int, *words: str) -> bytes:
    """One RESP command to the Redis on ``port`` (FLUSHALL, DBSIZE...); the raw reply."""
    payload = f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(payload.encode())
        return conn.recv(4096)


def instance_yaml(
    home: Path, *, slots: int, dequeue_interval_s: int | None = None, stock_storage: bool = False
) -> dict[str, Any]:
    """deploy/scaleout/dagster.yaml with paths under ``home``, sized to ``slots`` worker slots.

    ``max_concurrent_runs`` and each queue's tag limit = the worker slots (every worker takes both
    queues), the pools' default limit too; run monitoring polls every 2 s as in the tests.
    ``stock_storage``: dagster_postgres' own storage (a connection per statement) instead of the
    shipped pooled one, as the baseline of that change.
    """
    config = yaml.safe_load(SCALEOUT_YAML.read_text())
    if stock_storage:
        pooled = config["storage"]["custom"]["config"]
        config["storage"] = {"postgres": {"postgres_url": pooled["postgres_url"]}}
    config["local_artifact_storage"]["config"]["base_dir"] = str(home)
    config["compute_logs"]["config"]["base_dir"] = str(home / "logs")
    runs = config["concurrency"]["runs"]
    runs["max_concurrent_runs"] = slots
    for limit in runs["tag_concurrency_limits"]:
        if limit.get("value") in (*SPLIT_QUEUES, SINGLE_QUEUE[0]):
            limit["limit"] = slots
    config["concurrency"]["pools"]["default_limit"] = slots
    config["run_monitoring"].update(poll_interval_seconds=2, free_slots_after_run_end_seconds=2)
    if dequeue_interval_s is not None:
        config["run_coordinator"].setdefault("config", {})["dequeue_interval_seconds"] = dequeue_interval_s
    return config


# -- one configuration: databases, Dagster home, storage, processes ---------------------------


@dataclass
class Config:
    """One deployment: a fresh database pair, Dagster home and storage root on shared servers."""

    name: str
    root: Path
    env: dict[str, str]
    dagster_db: str
    vsl_db: str
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def storage(self) -> Path:
        return Path(self.env["VSL_STORAGE_DIR"])

    @property
    def home(self) -> Path:
        return Path(self.env["DAGSTER_HOME"])

    # processes

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        with open(self.root / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                args, cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs[name] = proc
        return proc

    def daemon(self) -> None:
        self.start("daemon", [str(BIN / "dagster-daemon"), "run", "-m", "vsl_assets.definitions"])

    def worker(self, name: str, queues: list[str], concurrency: int = 1) -> None:
        args = [str(BIN / "vsl"), "worker", "-c", str(concurrency), "--name", name]
        for q in queues:
            args += ["-q", q]
        self.start(name, args)

    def workers_ready(self, names: list[str]) -> bool:
        return all(" ready." in self.log(n) for n in names)

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def pool_pids(self, name: str) -> list[int]:
        """The Celery pool processes (children of the worker's main process)."""
        proc = self.procs[name]
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def stop(self, name: str, sig: int = signal.SIGTERM, grace_s: float = 20) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        # The group may hold orphans (a pool process whose parent died): end them too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def vsl(self, *args: str, stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "vsl"), *args],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def new_config(
    name: str,
    root: Path,
    pg: PostgresServer,
    redis_url: str,
    api_base_url: str,
    *,
    slots: int,
    dequeue_interval_s: int | None,
    sensor_interval_s: int,
    queues: tuple[str, str] = SPLIT_QUEUES,
    stock_storage: bool = False,
) -> Config:
    suffix = f"{name.replace('-', '_')}_{uuid.uuid4().hex[:6]}"
    root.mkdir(parents=True)
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        yaml.safe_dump(
            instance_yaml(home, slots=slots, dequeue_interval_s=dequeue_interval_s, stock_storage=stock_storage)
        )
    )
    dagster_db, vsl_db = f"dagster_{suffix}", f"vsl_{suffix}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VSL_", "DAGSTER_", "OPENAI_"))}
    env.update(
        {
            "VSL_PROJECT_DIR": str(REPO),
            "VSL_STORAGE_DIR": str(root / "storage"),
            "DAGSTER_HOME": str(home),
            "DAGSTER_PG_URL": pg.create_database(dagster_db),
            "VSL_DATABASE_URL": pg.create_database(vsl_db),
            "VSL_CELERY_BROKER_URL": redis_url,
            "VSL_DOWNLOAD_QUEUE": queues[0],
            "VSL_TRANSCRIPTION_QUEUE": queues[1],
            "VSL_SENSOR_INTERVAL_S": str(sensor_interval_s),
            "VSL_RECONCILE_INTERVAL_S": "5",
            "VSL_TRANSCRIBER": "openai",
            "VSL_BREAKDOWN_ENGINE": "local",
            "VSL_LANGUAGE": "pt",
            "VSL_ALLOW_PRIVATE_NETWORKS": "1",
            "OPENAI_API_KEY": API_KEY,
            "OPENAI_BASE_URL": api_base_url,
        }
    )
    return Config(name, root, env, dagster_db, vsl_db)


# -- read-outs ----------------------------------------------------------------------------------


class AppDb:
    """Plain SQL on the app database (the product's record), independent of the settings cache."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(url, pool_pre_ping=True)

    def rows(self, sql: str, **params: object) -> list[Any]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def statuses(self) -> dict[str, tuple[str, str | None]]:
        return {k: (s, r) for k, s, r in self.rows("SELECT partition_key, status, reason FROM urls")}

    def status_counts(self) -> dict[str, int]:
        return dict(self.rows("SELECT status, count(*) FROM urls GROUP BY status"))  # type: ignore[arg-type]

    def close(self) -> None:
        self.engine.dispose()


@dataclass
class RunInfo:
    run_id: str
    job: str
    key: str
    status: str
    created: float
    started: float | None
    ended: float | None
    #: When the run coordinator launched it (RUN_STARTING: dequeued and sent to Celery).
    launched: float | None = None


def dagster_runs(config: Config) -> list[RunInfo]:
    """Every run of the configuration's Dagster instance (its own database)."""
    from dagster import DagsterInstance

    saved = {k: os.environ.get(k) for k in ("DAGSTER_HOME", "DAGSTER_PG_URL")}
    os.environ["DAGSTER_HOME"] = config.env["DAGSTER_HOME"]
    os.environ["DAGSTER_PG_URL"] = config.env["DAGSTER_PG_URL"]
    try:
        instance = DagsterInstance.from_config(config.env["DAGSTER_HOME"])
        try:
            records = instance.get_run_records()
            launched = _status_changes(instance)
        finally:
            instance.dispose()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = []
    for rec in records:
        run = rec.dagster_run
        out.append(
            RunInfo(
                run.run_id,
                run.job_name,
                run.tags.get("dagster/partition", ""),
                run.status.value,
                rec.create_timestamp.timestamp(),
                rec.start_time,
                rec.end_time,
                launched.get(run.run_id),
            )
        )
    return out


def _status_changes(instance: Any) -> dict[str, float]:
    """run id -> timestamp of its RUN_STARTING event (the coordinator's launch), all pages."""
    from dagster import DagsterEventType

    found: dict[str, float] = {}
    cursor = None
    while True:
        result = instance.fetch_run_status_changes(
            DagsterEventType.RUN_STARTING, limit=1000, cursor=cursor, ascending=True
        )
        for record in result.records:
            found.setdefault(record.run_id, record.timestamp)
        if not result.has_more:
            return found
        cursor = result.cursor


def ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def wait_for(cond: Callable[[], object], timeout: float, interval: float = 0.5) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(interval)
    return None


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5 - 1e-9)))
    return ordered[rank - 1]


@contextlib.contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """SIGTERM/SIGHUP raise KeyboardInterrupt, so ``finally`` blocks stop every process."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
