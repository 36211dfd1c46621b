"""Load and failure drill of the scale-out deployment (issue 15), all on this machine.

    .venv/bin/python benchmarks/bench_scaleout.py                       # 1000 URLs x 1,2,4 workers + drill of 200
    .venv/bin/python benchmarks/bench_scaleout.py --urls 100 --drill-urls 100
    .venv/bin/python benchmarks/bench_scaleout.py --skip-drill --workers 1,2 --urls 50

The deployment is ``deploy/scaleout/dagster.yaml`` as shipped (PostgreSQL run/event storage,
dagster-celery's ``CeleryRunLauncher`` on Redis, ``QueuedRunCoordinator`` limits per queue tag,
pools), with paths in a temp dir and its limits sized to the worker count.  Real PostgreSQL and
Redis servers and the object store (SeaweedFS; media shared through it as between machines,
``--no-object-store`` for local files only) are started once; every configuration gets a fresh
database pair (Dagster + app), Dagster home, storage root, bucket prefix and OpenAI-compatible
test server, so no count mixes with another.

A *worker* is one ``vsl worker -q download -q transcription -c 1`` process: one run at a time,
taking whichever stage is next.  With two queues split across dedicated processes, a 1-worker
configuration could not exist and "N workers" would mean N/2 per stage, idle whenever the
stages are unbalanced (here the download stage costs more than the transcription stage).  With
``-c 1`` a worker is exactly one run-executing process, so "1, 2, 4 worker processes" are 1, 2, 4
concurrent runs; ``max_concurrent_runs``, each queue's tag limit and the pools' default limit are
set to N.  (``--concurrency`` gives every worker more pool processes, for comparison.)
With ``--single-queue`` the deployment is the default one instead: both queues are ``vsl``, a URL
is one ``ingest_vsl`` run, and a worker is ``vsl worker -q vsl -c 1``.

Each URL is a tiny HLS stream (3 s, 160x120, speech) on 127.0.0.1 with its own query string, so
it is its own partition; transcription goes to the test server (counted per upload: the upload's
file name is the partition key), the breakdown is the local engine.  Everything the figures say
is read from the product's records of this run: the ``urls`` and ``jobs`` tables, Dagster's run
storage, the files under the storage root and the test server's request log.

Figures per configuration: wall time (first URL added -> last URL finished, database clock),
throughput (URLs/min), **queue latency** (a URL's ``created_at`` -> the ``started_at`` of its first
``jobs`` row: sensor tick + Dagster queue + Celery + run start-up) and **end-to-end latency**
(``created_at`` -> the ``finished_at`` of its last ``jobs`` row), p50/p95, and the throughput
relative to the 1-worker configuration of the same run.  Then the exactly-once audit, PASS/FAIL
per line, and where each URL's time went (medians).

The failure drill runs one configuration (``--drill-workers``, default 2) with ``--drill-urls``
URLs and injects, in order: SIGKILL of the Celery pool process executing a transcription while
its upload is in flight; a Redis restart; a PostgreSQL restart (same port and data); and the
object store stopped for ``--store-down`` seconds (30).  It then waits
for every URL to be terminal and audits: none stuck, every failure has a reason, nobody paid
twice (a second upload is accepted only for the URL whose upload the SIGKILL cut), runs per URL.

Exit status: 1 when an audit line FAILs (or a configuration did not finish), else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
for entry in (REPO, REPO / "benchmarks"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from scaleout_rig import (  # noqa: E402
    SINGLE_QUEUE,
    SPLIT_QUEUES,
    STAGES,
    TERMINAL,
    AppDb,
    Config,
    RunInfo,
    dagster_runs,
    interrupts_as_exceptions,
    new_config,
    pct,
    redis_command,
    ts,
    wait_for,
)

from vsl_assets_tests.servers import (  # noqa: E402
    FakeOpenAIServer,
    MediaHTTPServer,
    PostgresServer,
    RedisServer,
    SeaweedServer,
    make_hls,
)

SPEECH = REPO / "vsl_assets_tests" / "data" / "speech_pt.opus"


def queues() -> tuple[str, str]:
    """VSL_DOWNLOAD_QUEUE, VSL_TRANSCRIPTION_QUEUE of this run's deployments."""
    return SINGLE_QUEUE if ARGS.single_queue else SPLIT_QUEUES


def stages() -> tuple[str, ...]:
    """The Dagster jobs a URL goes through: one ``ingest_vsl`` run, or the two stage runs."""
    return ("ingest_vsl",) if ARGS.single_queue else STAGES


IN_PROGRESS = ("pending_ingest", "queued", "downloading", "downloaded", "transcribing", "transcribed", "analyzing")


# -- the run of one configuration -------------------------------------------------------------


@dataclass
class Outcome:
    """What one configuration did, read back from its records after it settled."""

    name: str
    workers: int
    n: int
    finished: bool
    observed_wall_s: float
    add_s: float
    storage: str = "pooled"
    #: Connections PostgreSQL accepted to this configuration's Dagster / app database.
    dagster_sessions: int = 0
    app_sessions: int = 0
    urls: dict[str, dict] = field(default_factory=dict)
    jobs: list[dict] = field(default_factory=list)
    runs: list[RunInfo] = field(default_factory=list)
    transcript_rows: int = 0
    transcript_row_keys: int = 0
    dead_letters: list[dict] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=dict)
    leftovers: list[str] = field(default_factory=list)
    uploads: list[tuple[str, int, float]] = field(default_factory=list)  # (key, status, recorded at)
    received: int = 0
    chat_requests: int = 0
    alive: dict[str, bool] = field(default_factory=dict)

    # derived per-URL times (epoch seconds)
    def first_start(self, key: str) -> float | None:
        starts = [j["started"] for j in self.jobs if j["key"] == key]
        return min(starts) if starts else None

    def last_finish(self, key: str) -> float | None:
        ends = [j["finished"] for j in self.jobs if j["key"] == key and j["finished"] is not None]
        return max(ends) if ends else None


class Rig:
    """The shared servers of the whole run and the configurations made on them."""

    def __init__(self, tmp: Path, args: argparse.Namespace) -> None:
        self.tmp = tmp
        self.args = args
        self.stack = contextlib.ExitStack()
        self.pg: PostgresServer
        self.redis: RedisServer
        self.media: MediaHTTPServer
        #: The shared object store (SeaweedFS), unless --no-object-store.
        self.store: SeaweedServer | None = None
        self.configs: list[Config] = []

    def start(self) -> None:
        t = time.monotonic()
        media_root = self.tmp / "media"
        make_hls(media_root / "tiny", SPEECH, duration_s=3.0, segment_s=1.5, width=160, height=120, fps=5)
        self.pg = self.stack.enter_context(PostgresServer(self.tmp / "pg", max_connections=300))
        self.redis = self.stack.enter_context(RedisServer(self.tmp / "redis"))
        self.media = self.stack.enter_context(MediaHTTPServer(media_root))
        if not self.args.no_object_store:
            self.store = self.stack.enter_context(SeaweedServer(self.tmp / "seaweedfs"))
        print(
            f"servers up in {time.monotonic() - t:.1f} s: PostgreSQL :{self.pg.port}, Redis :{self.redis.port}, "
            f"object store {self.store.endpoint_url if self.store else 'none (local files)'}, "
            f"media {self.media.base_url}/tiny/index.m3u8 (3 s, 160x120, speech)",
            flush=True,
        )

    def close(self) -> None:
        for config in self.configs:
            config.stop_all()
        self.stack.close()

    def url_list(self, name: str, n: int) -> list[str]:
        return [self.media.url(f"/tiny/index.m3u8?{name}={i}") for i in range(n)]

    def deploy(self, name: str, workers: int, api: FakeOpenAIServer, stock: bool = False) -> tuple[Config, AppDb]:
        redis_command(self.redis.port, "FLUSHALL")  # no message or result of a previous configuration
        config = new_config(
            name,
            self.tmp / name,
            self.pg,
            self.redis.url,
            api.base_url,
            slots=workers * self.args.concurrency,
            dequeue_interval_s=self.args.dequeue_interval,
            sensor_interval_s=self.args.sensor_interval,
            queues=queues(),
            stock_storage=stock,
        )
        if self.store is not None:
            config.env.update(self.store.env(prefix=name))  # each configuration its own prefix
        self.configs.append(config)
        # Create both schemas before any process races to: `vsl status` migrates the app
        # database, reading the (empty) run storage creates Dagster's tables.
        status = config.vsl("status")
        if status.returncode != 0:
            raise RuntimeError(f"vsl status failed: {status.stderr}")
        dagster_runs(config)
        config.daemon()
        names = [f"w{i + 1}" for i in range(workers)]
        for worker in names:
            config.worker(worker, sorted(set(queues())), self.args.concurrency)
        if not wait_for(lambda: config.workers_ready(names), 120):
            raise RuntimeError(f"workers did not start:\n{config.log(names[0])[-2000:]}")
        return config, AppDb(config.env["VSL_DATABASE_URL"])

    def add(self, config: Config, urls: list[str]) -> float:
        path = config.root / "urls.txt"
        path.write_text("\n".join(urls) + "\n")
        t = time.monotonic()
        added = config.vsl("add", "--file", str(path))
        if added.returncode != 0:
            raise RuntimeError(f"vsl add failed ({added.returncode}): {added.stderr[-2000:]}")
        return time.monotonic() - t

    def settle(self, db: AppDb, n: int, timeout: float, label: str, stall_s: float) -> bool:
        """Wait for every URL to be analyzed or failed (or for ``stall_s`` without any status change)."""
        t0 = time.monotonic()
        last_print = last_change = t0
        last_counts: dict[str, int] = {}
        while time.monotonic() - t0 < timeout:
            try:
                counts = db.status_counts()
            except Exception as exc:  # the database may be restarting (drill)
                counts = {"<db unreachable>": 0}
                print(f"  [{label}] database not answering: {type(exc).__name__}", flush=True)
            done = sum(counts.get(s, 0) for s in TERMINAL)
            if done >= n:
                return True
            if counts != last_counts:
                last_counts, last_change = counts, time.monotonic()
            elif time.monotonic() - last_change > stall_s:
                print(f"  [{label}] no URL changed status for {stall_s:.0f} s: giving up", flush=True)
                return False
            if time.monotonic() - last_print >= 30:
                last_print = time.monotonic()
                shown = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                print(f"  [{label}] {time.monotonic() - t0:5.0f} s: {shown}", flush=True)
            time.sleep(1)
        return False

    def collect(
        self,
        config: Config,
        db: AppDb,
        api: FakeOpenAIServer,
        workers: int,
        n: int,
        finished: bool,
        wall: float,
        add_s: float,
    ) -> Outcome:
        out = Outcome(config.name, workers, n, finished, wall, add_s)
        out.dagster_sessions = self.pg.connections_accepted(config.dagster_db)
        out.app_sessions = self.pg.connections_accepted(config.vsl_db)
        out.alive = {name: proc.poll() is None for name, proc in config.procs.items()}
        for key, status, reason, created, updated in db.rows(
            "SELECT partition_key, status, reason, created_at, updated_at FROM urls"
        ):
            out.urls[key] = {"status": status, "reason": reason, "created": ts(created), "updated": ts(updated)}
        for key, step, run_id, worker, started, finished_at, outcome, error in db.rows(
            "SELECT u.partition_key, j.step, j.run_id, j.worker, j.started_at, j.finished_at, j.outcome, j.error "
            "FROM jobs j JOIN urls u ON u.id = j.url_id ORDER BY j.id"
        ):
            out.jobs.append(
                {
                    "key": key,
                    "step": step,
                    "run_id": run_id,
                    "worker": worker,
                    "started": ts(started),
                    "finished": ts(finished_at),
                    "outcome": outcome,
                    "error": error,
                }
            )
        [(out.transcript_rows, out.transcript_row_keys)] = db.rows(
            "SELECT count(*), count(DISTINCT url_id) FROM transcripts"
        )
        for key, step, error_class, message, created in db.rows(
            "SELECT u.partition_key, d.step, d.error_class, d.message, d.created_at "
            "FROM dead_letters d JOIN urls u ON u.id = d.url_id ORDER BY d.id"
        ):
            out.dead_letters.append(
                {"key": key, "step": step, "class": error_class, "message": message, "created": ts(created)}
            )
        out.runs = dagster_runs(config)
        transcripts = config.storage / "transcripts"
        for ext in ("json", "txt", "srt", "vtt"):
            out.files[ext] = len(list(transcripts.glob(f"*.{ext}"))) if transcripts.is_dir() else 0
        if transcripts.is_dir():
            out.leftovers = sorted(
                p.name for p in transcripts.iterdir() if p.is_file() and p.suffix[1:] not in out.files
            )
            checkpoints = transcripts / ".checkpoints"
            if checkpoints.is_dir():
                out.leftovers += [f".checkpoints/{p.name}" for p in checkpoints.iterdir()]
        out.uploads = [(Path(r.filename or "?").stem, r.status, 0.0) for r in list(api.requests)]
        out.received = api.received
        out.chat_requests = len(api.chat_requests)
        return out


# -- figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    storage: str
    dagster_conn_per_url: float
    workers: int
    n: int
    wall_s: float
    per_min: float
    queue_p50: float
    queue_p95: float
    e2e_p50: float
    e2e_p95: float
    analyzed: int
    failed: int


def figures(out: Outcome) -> Figures:
    created = [u["created"] for u in out.urls.values()]
    queue, e2e, ends = [], [], []
    for key, u in out.urls.items():
        start, end = out.first_start(key), out.last_finish(key)
        if start is not None:
            queue.append(start - u["created"])
        if u["status"] not in TERMINAL:
            continue  # a configuration cut short: its rate counts the URLs that ended, not n
        end = end if end is not None else u["updated"]
        ends.append(end)
        e2e.append(end - u["created"])
    wall = max(ends) - min(created) if ends else float("nan")
    statuses = Counter(u["status"] for u in out.urls.values())
    return Figures(
        out.storage,
        out.dagster_sessions / max(1, len(ends)),
        out.workers,
        out.n,
        wall,
        len(ends) / wall * 60 if wall > 0 else float("nan"),
        pct(queue, 50),
        pct(queue, 95),
        pct(e2e, 50),
        pct(e2e, 95),
        statuses["analyzed"],
        statuses["failed"],
    )


def print_figures(rows: list[Figures]) -> None:
    bases = {f.storage: f for f in rows if f.workers == 1}
    print("\n== Throughput and latency (one run; scaling vs the 1-worker configuration of this run) ==")
    header = (
        f"{'storage':>7} {'workers':>7} {'URLs':>9} {'wall s':>8} {'URLs/min':>9} {'queue p50':>10} {'queue p95':>10} "
        f"{'e2e p50':>8} {'e2e p95':>8} {'scaling':>8} {'ideal':>6} {'PG conn/URL':>11}"
    )
    print(header)
    print("-" * len(header))
    for f in rows:
        base = bases.get(f.storage)
        scaling = f"{f.per_min / base.per_min:.2f}x" if base else "n/a"
        ideal = f"{f.workers / base.workers:.0f}x" if base else "n/a"
        ended = f.analyzed + f.failed
        urls = str(f.n) if ended >= f.n else f"{ended}/{f.n}"  # cut short: the URLs that ended
        print(
            f"{f.storage:>7} {f.workers:>7} {urls:>9} {f.wall_s:>8.1f} {f.per_min:>9.1f} {f.queue_p50:>9.1f}s "
            f"{f.queue_p95:>9.1f}s {f.e2e_p50:>7.1f}s {f.e2e_p95:>7.1f}s {scaling:>8} {ideal:>6} "
            f"{f.dagster_conn_per_url:>11.1f}"
        )
    print(
        "queue latency = URL added (urls.created_at) -> its first step started (min jobs.started_at); "
        "e2e = added -> its last step finished (max jobs.finished_at); wall = first added -> last finished.\n"
        "storage: pooled = the shipped PooledPostgresStorage, stock = dagster_postgres' own; "
        "PG conn/URL = connections PostgreSQL accepted to the Dagster database per URL that ended."
    )


def _stage_parts(
    parts: dict[str, list[float]], numbers: tuple[int, int, int, int], stage: str, run: Any, st: dict, steps: tuple
) -> None:
    """One stage's share of a URL's time: queue, start-up, its steps, Dagster's bookkeeping between them."""
    queued, to_first, step_no, between = numbers
    label = (
        f"{stage} run queued -> started (run queue, Celery, worker)"
        if stage != "transcribe"
        else ("transcribe run queued -> started")
    )
    parts[f"{queued} {label}"].append(run.started - run.created)
    if run.launched:
        parts[f"{queued}a   of which in Dagster's run queue (created -> launched)"].append(run.launched - run.created)
        parts[f"{queued}b   of which launched -> started (Celery + worker start-up)"].append(run.started - run.launched)
    first = st[steps[0]]["started"] - run.started
    parts[f"{to_first} {stage} run start -> {steps[0]} step"].append(first)
    work = 0.0
    for name in steps:
        took = st[name]["finished"] - st[name]["started"]
        parts[f"{step_no} step {name}"].append(took)
        work += took
    parts[f"{between} {stage} run: between/after steps"].append((run.ended - run.started) - first - work)


DOWNLOAD_STEPS = ("source_page", "video_file", "audio_file")
TRANSCRIBE_STEPS = ("transcript", "breakdown", "search_index")


def breakdown(out: Outcome) -> None:
    """Medians of where a URL's time went, from the jobs rows and the runs' timestamps."""
    by_key: dict[str, dict[str, RunInfo]] = defaultdict(dict)
    for run in out.runs:
        if run.status == "SUCCESS":
            by_key[run.key][run.job] = run
    steps: dict[str, dict[str, dict]] = defaultdict(dict)
    for j in out.jobs:
        if j["outcome"] in ("succeeded", "reused") and j["finished"] is not None:
            steps[j["key"]][j["step"]] = j
    parts: dict[str, list[float]] = defaultdict(list)
    for key, u in out.urls.items():
        runs, st = by_key.get(key, {}), steps.get(key, {})
        one = runs.get("ingest_vsl")
        if ARGS.single_queue:
            if not (one and one.started and one.ended) or len(st) < 6:
                continue
            parts["1 added -> run created (pending_urls_sensor)"].append(one.created - u["created"])
            _stage_parts(parts, (2, 3, 4, 5), "ingest", one, st, DOWNLOAD_STEPS + TRANSCRIBE_STEPS)
            parts["= run execution (start -> end)"].append(one.ended - one.started)
            parts["= end to end"].append(st["search_index"]["finished"] - u["created"])
            continue
        dl, tr = runs.get("download_vsl"), runs.get("transcribe_vsl")
        if not (dl and tr and dl.started and dl.ended and tr.started and tr.ended) or len(st) < 6:
            continue
        parts["1 added -> download run created (pending_urls_sensor)"].append(dl.created - u["created"])
        _stage_parts(parts, (2, 3, 4, 5), "download", dl, st, DOWNLOAD_STEPS)
        parts["6 download run end -> transcribe run created (downloaded_urls_sensor)"].append(tr.created - dl.ended)
        _stage_parts(parts, (7, 8, 9, 10), "transcribe", tr, st, TRANSCRIBE_STEPS)
        parts["= run execution (both runs, start -> end)"].append((dl.ended - dl.started) + (tr.ended - tr.started))
        parts["= end to end"].append(st["search_index"]["finished"] - u["created"])
    if not parts:
        print("  (no URL with its run(s) and all six steps: no breakdown)")
        return
    busy = sum((r.ended or 0) - (r.started or 0) for r in out.runs if r.started and r.ended)
    print(f"\n-- where the time went, {out.name} ({len(parts['= end to end'])} URLs; median, p95 in s) --")

    def order(k: str) -> tuple[bool, int, str]:
        head = k.split()[0]
        digits = "".join(c for c in head if c.isdigit())
        return (k.startswith("="), int(digits) if digits else 0, head)

    for name in sorted(parts, key=order):
        values = parts[name]
        print(f"  {name:<72} {statistics.median(values):7.2f} {pct(values, 95):7.2f}")
    # A slot freed by a run's end is used again when the coordinator next dequeues: for runs that
    # were waiting (created before the previous run ended), launched - the latest run end before.
    run_ends = sorted(r.ended for r in out.runs if r.ended)
    idle = []
    for r in out.runs:
        if r.launched is None:
            continue
        before = [e for e in run_ends if e <= r.launched]
        if before and r.created < before[-1]:
            idle.append(r.launched - before[-1])
    if idle:
        print(
            f"  a waiting run was launched {statistics.median(idle):.2f} s (median; p95 {pct(idle, 95):.2f} s) "
            "after the latest run end before it (the slot's idle time: run-queue dequeue interval)"
        )
    f = figures(out)
    slots = out.workers * ARGS.concurrency
    print(
        f"  run execution, all runs: {busy:.0f} s over a {f.wall_s:.0f} s wall on {slots} slot(s) "
        f"= {busy / (f.wall_s * slots) * 100:.0f} % of the slots busy running a run"
    )


# -- audits -------------------------------------------------------------------------------------


class Audit:
    def __init__(self) -> None:
        self.failures = 0

    def line(self, ok: bool, text: str) -> None:
        self.failures += not ok
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")

    def info(self, text: str) -> None:
        print(f"  info  {text}")


def success_runs(out: Outcome) -> dict[str, Counter[str]]:
    per: dict[str, Counter[str]] = {job: Counter() for job in stages()}
    for run in out.runs:
        if run.status == "SUCCESS" and run.job in per:
            per[run.job][run.key] += 1
    return per


def audit_load(out: Outcome, audit: Audit) -> None:
    keys = set(out.urls)
    statuses = Counter(u["status"] for u in out.urls.values())
    print(f"\n== Exactly-once audit: {out.name} ({out.n} URLs, {out.workers} worker(s)) ==")
    audit.line(out.finished and len(keys) == out.n, f"URLs known: {len(keys)} / {out.n}; all terminal: {out.finished}")
    audit.line(statuses["analyzed"] == out.n, f"analyzed {statuses['analyzed']}, failed {statuses['failed']}")
    for key, u in sorted(out.urls.items()):
        if u["status"] == "failed":
            audit.info(f"failed {key}: {u['reason']}")
            break
    crashed = {d["key"] for d in out.dead_letters if d["class"] in ("WorkerDied", "RunNotStarted")}
    per = success_runs(out)
    for job in stages():
        counts = per[job]
        dup = sorted(k for k, c in counts.items() if c > 1)
        missing = sorted(keys - set(counts))
        others = Counter(r.status for r in out.runs if r.job == job and r.status != "SUCCESS")
        audit.line(
            not dup and not missing,
            f"Dagster {job}: SUCCESS runs {sum(counts.values())} for {len(counts)} URLs "
            f"(exactly 1 each: {len(keys) - len(dup) - len(missing)}, >1: {len(dup)}, none: {len(missing)}); "
            f"other runs {dict(others) or 0}" + (f"; crash-retried URLs {len(crashed)}" if crashed else ""),
        )
    extra_runs = Counter(r.job for r in out.runs if r.job not in stages() and r.key)
    audit.line(not extra_runs, f"no URL runs of other jobs than {'/'.join(stages())}: {dict(extra_runs) or 0}")
    # The catalog's automation runs carry no queue tag: they go to the launcher's default queue.
    unpartitioned = Counter(f"{r.job}:{r.status}" for r in out.runs if not r.key)
    broken = sum(c for k, c in unpartitioned.items() if k.endswith((":FAILURE", ":CANCELED")))
    audit.line(not broken, f"runs without a partition (catalog automation), none failed: {dict(unpartitioned) or 0}")
    audit.line(
        all(c == out.n for c in out.files.values()) and not out.leftovers,
        f"transcript files: {', '.join(f'{e} {c}' for e, c in out.files.items())} (expect {out.n} each); "
        f"temp/checkpoint leftovers {len(out.leftovers)}",
    )
    audit.line(
        out.transcript_rows == out.n == out.transcript_row_keys,
        f"transcripts rows {out.transcript_rows} for {out.transcript_row_keys} URLs (expect {out.n})",
    )
    step_ok = Counter((j["key"], j["step"]) for j in out.jobs if j["outcome"] == "succeeded")
    bad_steps = [(k, s) for (k, s), c in step_ok.items() if c != 1]
    per_key = Counter(k for k, _ in step_ok)
    short = [k for k in keys if per_key.get(k, 0) != 6]
    audit.line(
        not bad_steps and not short,
        f"jobs rows: {len(out.jobs)} (succeeded {sum(step_ok.values())}, expect {6 * out.n}: 6 steps x 1 per URL); "
        f"steps succeeded twice {len(bad_steps)}, URLs without 6 {len(short)}; "
        f"other outcomes {dict(Counter(j['outcome'] for j in out.jobs if j['outcome'] != 'succeeded')) or 0}",
    )
    uploads = Counter(k for k, status, _ in out.uploads if status == 200)
    twice = sorted(k for k, c in uploads.items() if c > 1)
    audit.line(
        sum(uploads.values()) == out.n and set(uploads) == keys and not twice,
        f"API transcription requests: {len(out.uploads)} ({sum(uploads.values())} answered 200) for "
        f"{len(uploads)} URLs (expect {out.n}, one each); URLs paid twice {len(twice)}; "
        f"POSTs received {out.received}; chat requests {out.chat_requests}",
    )
    audit.line(all(out.alive.values()), f"daemon and workers alive at the end: {out.alive}")


# -- load ---------------------------------------------------------------------------------------


def run_load(rig: Rig, workers: int, n: int, storage: str = "pooled") -> Outcome:
    name = f"load-{workers}w" + ("-stock" if storage == "stock" else "")
    print(f"\n-- {name}: {n} URLs, {workers} worker(s) x -c {ARGS.concurrency}, {storage} storage --", flush=True)
    with _api() as api:
        config, db = rig.deploy(name, workers, api, stock=storage == "stock")
        try:
            t0 = time.monotonic()
            add_s = rig.add(config, rig.url_list(name, n))
            print(f"  vsl add --file of {n} URLs: {add_s:.1f} s", flush=True)
            # 2 cores cap the rate near 20 URLs/min whatever the worker count: 6 s per URL.
            finished = rig.settle(db, n, ARGS.timeout or max(600.0, n * 6.0), name, ARGS.stall)
            wall = time.monotonic() - t0
            time.sleep(3)  # a last sensor tick or request still being recorded
            out = rig.collect(config, db, api, workers, n, finished, wall, add_s)
            out.storage = storage
        finally:
            config.stop_all()
            db.close()
    f = figures(out)
    print(
        f"  done: {f.analyzed} analyzed, {f.failed} failed in {f.wall_s:.1f} s (observed {out.observed_wall_s:.1f} s): "
        f"{f.per_min:.1f} URLs/min; {out.dagster_sessions} connections to the Dagster database "
        f"({f.dagster_conn_per_url:.1f}/URL), {out.app_sessions} to the app database",
        flush=True,
    )
    return out


def _api() -> FakeOpenAIServer:
    from scaleout_rig import API_KEY

    return FakeOpenAIServer(api_key=API_KEY)


# -- the failure drill --------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    started: float = 0.0
    ended: float = 0.0
    detail: dict = field(default_factory=dict)
    log_offsets: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None


def log_offsets(config: Config) -> dict[str, int]:
    return {p.stem: p.stat().st_size for p in config.root.glob("*.log")}


def fault_sigkill(config: Config, db: AppDb, api: FakeOpenAIServer) -> Fault:
    """SIGKILL the pool process running a transcript step while its upload is in flight."""
    fault = Fault("SIGKILL of a worker's pool process mid-transcript")
    api.delay_request(1, ARGS.kill_hold)  # the next upload is held, so the step is surely mid-request

    def target() -> tuple | None:
        now = time.time()
        rows = db.rows(
            "SELECT u.partition_key, j.worker, j.run_id, j.started_at FROM jobs j JOIN urls u ON u.id = j.url_id "
            "WHERE j.step = 'transcript' AND j.outcome = 'running'"
        )
        in_flight = api.received > len(api.requests) + len(api.chat_requests)
        for key, worker, run_id, started in rows:
            if in_flight and now - started.timestamp() > 1.0:
                return key, worker, run_id
        return None

    found = wait_for(target, 180, 0.2)
    if not found:
        fault.skipped = "no transcript step in flight within 180 s"
        return fault
    key, worker, run_id = found  # type: ignore[misc]
    _host, pid, _ticks, name = worker.split(":", 3)
    fault.log_offsets = log_offsets(config)
    fault.started = time.time()
    os.kill(int(pid), signal.SIGKILL)
    fault.ended = time.time()
    fault.detail = {"key": key, "pid": int(pid), "worker": name, "run_id": run_id, "requests_before": api.received}
    print(f"  fault 1: SIGKILL pid {pid} (worker {name}) during transcript of {key} (run {run_id[:8]})", flush=True)
    return fault


def fault_redis(config: Config, redis: RedisServer) -> Fault:
    fault = Fault("Redis restart")
    fault.log_offsets = log_offsets(config)
    fault.started = time.time()
    redis.restart(down_s=ARGS.redis_down)
    fault.ended = time.time()
    fault.detail = {"down_s": round(fault.ended - fault.started, 1)}
    print(f"  fault 2: Redis restarted ({fault.ended - fault.started:.1f} s down)", flush=True)
    return fault


def fault_postgres(config: Config, pg: PostgresServer) -> Fault:
    fault = Fault("PostgreSQL restart")
    fault.log_offsets = log_offsets(config)
    fault.started = time.time()
    pg.restart(down_s=ARGS.pg_down, mode="fast")
    fault.ended = time.time()
    fault.detail = {"down_s": round(fault.ended - fault.started, 1)}
    print(f"  fault 3: PostgreSQL restarted ({fault.ended - fault.started:.1f} s down, pg_ctl -m fast)", flush=True)
    return fault


def fault_object_store(config: Config, store: SeaweedServer | None, down_s: float) -> Fault:
    """Stop the object store (every SeaweedFS process) for ``down_s`` seconds, then start it again."""
    fault = Fault(f"object store stopped for {down_s:.0f} s")
    if store is None:
        fault.skipped = "no object store configured (--no-object-store)"
        print(f"  fault 4: skipped: {fault.skipped}", flush=True)
        return fault
    fault.log_offsets = log_offsets(config)
    fault.started = time.time()
    store.stop()
    time.sleep(down_s)
    store.start()
    fault.ended = time.time()
    fault.detail = {"down_s": round(fault.ended - fault.started, 1)}
    print(f"  fault 4: object store stopped and started again ({fault.ended - fault.started:.1f} s down)", flush=True)
    return fault


def log_errors(config: Config, fault: Fault, until: dict[str, int] | None) -> list[str]:
    """Distinct error lines the processes logged from the fault on (up to the next fault)."""
    seen: Counter[str] = Counter()
    for name, start in fault.log_offsets.items():
        path = config.root / f"{name}.log"
        data = path.read_bytes()[start : (until or {}).get(name)].decode(errors="replace")
        for line in data.splitlines():
            line = re.sub(r"\x1b\[[0-9;]*m", "", line)
            if "reconciled:" in line or "Traceback" in line:
                continue
            if any(w in line for w in ("Error", "ERROR", "error:", "Traceback", "CRITICAL", "lost", "Cannot connect")):
                text = line.strip()
                text = text.split("] ", 1)[-1] if text.startswith("[") else text
                seen[f"{name}: {text[:160]}"] += 1
    return [f"{c}x {t}" for t, c in seen.most_common(6)]


def describe(fault: Fault, out: Outcome, config: Config, next_offsets: dict[str, int] | None) -> None:
    print(f"\n  * {fault.name}")
    if fault.skipped:
        print(f"    skipped: {fault.skipped}")
        return
    t0, t1 = fault.started, fault.ended
    window_end = t1 + 60
    if "key" in fault.detail:
        key = fault.detail["key"]
        u = out.urls.get(key, {})
        print(
            f"    SIGKILL of pid {fault.detail['pid']} (worker {fault.detail['worker']}) during transcript of {key}, "
            f"run {fault.detail['run_id'][:8]}"
        )
        for j in (j for j in out.jobs if j["key"] == key):
            when = f"{j['started'] - t0:+6.1f}s"
            label = (j["worker"] or "-").split(":")
            print(
                f"    job {j['step']:<12} {j['outcome']:<9} at {when} on {label[-1]} pid {label[1] if len(label) > 1 else '?'}"
                + (f" ({(j['error'] or '')[:90]})" if j["error"] else "")
            )
        for d in (d for d in out.dead_letters if d["key"] == key):
            print(f"    dead letter {d['class']} at {d['created'] - t0:+.1f}s: {d['message'][:120]}")
        for r in sorted((r for r in out.runs if r.key == key), key=lambda r: r.created):
            print(f"    run {r.run_id[:8]} {r.job:<15} {r.status:<8} created {r.created - t0:+.1f}s")
        uploads = [s for k, s, _ in out.uploads if k == key]
        end = out.last_finish(key)
        print(
            f"    -> URL {u.get('status')} "
            + (f"{end - t0:.1f} s after the kill" if end and u.get("status") == "analyzed" else f"({u.get('reason')})")
            + f"; uploads of this URL: {len(uploads)} (statuses {uploads})"
        )
    failed_runs = [r for r in out.runs if r.status == "FAILURE" and r.ended and t0 - 1 <= r.ended <= window_end]
    letters = Counter(d["class"] for d in out.dead_letters if t0 - 1 <= d["created"] <= window_end)
    failed_urls = [
        (k, u["reason"])
        for k, u in out.urls.items()
        if u["status"] == "failed" and t0 - 1 <= u["updated"] <= window_end
    ]
    ends = sorted(e for k in out.urls if (e := out.last_finish(k)) is not None)
    after = [e for e in ends if e >= t0]
    before = [e for e in ends if e < t0]
    gap = (after[0] - max(before[-1] if before else t0, t0)) if after else float("nan")
    done_60 = sum(1 for e in ends if t0 <= e < t0 + 60)
    done_prev = sum(1 for e in ends if t0 - 60 <= e < t0)
    print(
        f"    within 60 s: {len(failed_runs)} run(s) FAILED {dict(Counter(r.job for r in failed_runs)) or ''}, "
        f"dead letters {dict(letters) or 0}, URLs failed {len(failed_urls)}"
    )
    for k, reason in failed_urls[:3]:
        print(f"      failed {k}: {reason}")
    print(
        f"    completions: {done_prev} in the 60 s before, {done_60} in the 60 s after; "
        f"first URL finished {gap:.1f} s after the fault started"
    )
    for line in log_errors(config, fault, next_offsets):
        print(f"    log: {line}")


def run_drill(rig: Rig, workers: int, n: int) -> int:
    name = f"drill-{workers}w"
    print(f"\n-- {name}: {n} URLs, {workers} worker(s); faults once the run is under way --", flush=True)
    audit = Audit()
    faults: list[Fault] = []
    with _api() as api:
        config, db = rig.deploy(name, workers, api, stock=ARGS.storage == "stock")
        try:
            t0 = time.monotonic()
            rig.add(config, rig.url_list(name, n))
            wait_for(lambda: db.status_counts().get("analyzed", 0) >= max(3, n // 10), 900, 1)
            faults.append(fault_sigkill(config, db, api))
            time.sleep(ARGS.fault_gap)
            faults.append(fault_redis(config, rig.redis))
            time.sleep(ARGS.fault_gap)
            faults.append(fault_postgres(config, rig.pg))
            time.sleep(ARGS.fault_gap)
            faults.append(fault_object_store(config, rig.store, ARGS.store_down))
            finished = rig.settle(db, n, ARGS.timeout or max(900.0, n * 10.0 / workers), name, ARGS.drill_stall)
            wall = time.monotonic() - t0
            time.sleep(3)
            out = rig.collect(config, db, api, workers, n, finished, wall, 0.0)
        finally:
            config.stop_all()
            db.close()

    print(f"\n== Failure drill: {n} URLs, {workers} worker(s) — what each fault did ==")
    for i, fault in enumerate(faults):
        nxt = next((f.log_offsets for f in faults[i + 1 :] if f.log_offsets), None)
        describe(fault, out, config, nxt)

    f = figures(out)
    print(f"\n  drill run: {f.analyzed} analyzed, {f.failed} failed, wall {f.wall_s:.1f} s ({f.per_min:.1f} URLs/min)")
    print("\n== Failure drill audit ==")
    stuck = {k: u["status"] for k, u in out.urls.items() if u["status"] in IN_PROGRESS}
    audit.line(len(out.urls) == n, f"URLs known: {len(out.urls)} / {n}")
    audit.line(
        not stuck,
        f"none stuck in an in-progress status: {len(stuck)} stuck"
        + (f" {dict(Counter(stuck.values()))}, e.g. {next(iter(stuck))}" if stuck else ""),
    )
    for key in list(stuck)[:5]:
        runs = ", ".join(
            f"{r.job}={r.status}({r.run_id[:8]})"
            for r in sorted((r for r in out.runs if r.key == key), key=lambda r: r.created)
        )
        last = [j for j in out.jobs if j["key"] == key][-1:]
        audit.info(
            f"stuck {key} ({stuck[key]}): runs {runs or 'none'}; last jobs row "
            + (f"{last[0]['step']} {last[0]['outcome']} of run {(last[0]['run_id'] or '?')[:8]}" if last else "none")
        )
    no_reason = [k for k, u in out.urls.items() if u["status"] == "failed" and not (u["reason"] or "").strip()]
    audit.line(not no_reason, f"every failed URL has a reason: failed {f.failed}, without a reason {len(no_reason)}")
    for reason, count in Counter(u["reason"] for u in out.urls.values() if u["status"] == "failed").most_common(5):
        audit.info(f"{count} failed: {reason}")
    killed = next((x.detail["key"] for x in faults if "key" in x.detail), None)
    uploads = Counter(k for k, status, _ in out.uploads if status == 200)
    twice = {k: c for k, c in uploads.items() if c > 1}
    unexplained = {k: c for k, c in twice.items() if not (k == killed and c == 2)}
    for k, c in twice.items():
        why = (
            "explained: its first upload was in flight when the SIGKILL cut it"
            if k not in unexplained
            else "UNEXPLAINED"
        )
        audit.info(f"{k}: {c} uploads answered 200 ({why})")
    audit.line(
        not unexplained,
        f"none paid twice: {sum(uploads.values())} uploads for {len(uploads)} URLs; >1 upload {len(twice)} "
        f"(unexplained {len(unexplained)}); POSTs received {out.received}",
    )
    per = success_runs(out)
    analyzed = {k for k, u in out.urls.items() if u["status"] == "analyzed"}
    # A crash retry re-queues the whole URL: its new download run finds the files (steps "reused").
    crashed = {d["key"] for d in out.dead_letters if d["class"] in ("WorkerDied", "RunNotStarted")}
    for job in stages():
        retried = [k for k, c in per[job].items() if c > 1 and k in crashed]
        if retried:
            audit.info(f"{job}: {len(retried)} URL(s) with 2 SUCCESS runs after a crash retry: {retried}")
        dup = [k for k, c in per[job].items() if c > 1 and k not in crashed]
        missing = [k for k in analyzed if per[job][k] == 0]
        others = Counter(r.status for r in out.runs if r.job == job and r.status != "SUCCESS")
        audit.line(
            not dup and not missing,
            f"Dagster {job}: SUCCESS {sum(per[job].values())} (analyzed URLs without one: {len(missing)}, "
            f"URLs with >1 not explained by a crash retry: {len(dup)}); other runs {dict(others) or 0}",
        )
    runs_per_url = Counter(Counter(r.key for r in out.runs if r.key).values())
    audit.info(f"runs per URL: {dict(sorted(runs_per_url.items()))} (URLs by their number of runs)")
    audit.line(
        out.transcript_rows == len(analyzed) == out.files["json"],
        f"transcripts rows {out.transcript_rows}, transcript JSON files {out.files['json']}, analyzed {len(analyzed)}",
    )
    audit.info(f"dead letters by class: {dict(Counter(d['class'] for d in out.dead_letters)) or 0}")
    audit.line(all(out.alive.values()), f"daemon and workers alive at the end: {out.alive}")
    return audit.failures


# -- main ---------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--urls", type=int, default=1000, help="URLs per load configuration (default 1000)")
    p.add_argument(
        "--baseline-urls",
        type=int,
        default=0,
        help="URLs of the 1-worker configuration when fewer than --urls fit the time (throughput is a rate;\n"
        "queue latency grows with the backlog, so compare it only between rows of equal URLs)",
    )
    p.add_argument("--workers", default="1,2,4", help="worker counts of the load configurations (default 1,2,4)")
    p.add_argument("--concurrency", type=int, default=1, help="pool processes per worker, vsl worker -c (default 1)")
    p.add_argument("--drill-urls", type=int, default=200, help="URLs of the failure drill (default 200)")
    p.add_argument("--drill-workers", type=int, default=2, help="workers of the failure drill (default 2)")
    p.add_argument("--skip-drill", action="store_true")
    p.add_argument("--skip-load", action="store_true")
    p.add_argument(
        "--single-queue",
        action="store_true",
        help="one ingest_vsl run per URL on queue vsl (the default deployment) instead of two stage runs",
    )
    p.add_argument(
        "--storage",
        choices=("pooled", "stock", "both"),
        default="pooled",
        help="Dagster's PostgreSQL storage: pooled (shipped), stock (dagster_postgres' own, a connection per\n"
        "statement) or both (each worker count with stock, then pooled: the baseline in the same run)",
    )
    p.add_argument("--sensor-interval", type=int, default=1, help="VSL_SENSOR_INTERVAL_S (default 1)")
    p.add_argument(
        "--dequeue-interval",
        type=int,
        default=None,
        help="run_coordinator dequeue_interval_seconds (default: as shipped, Dagster's 5 s)",
    )
    p.add_argument("--timeout", type=float, default=0, help="seconds to wait per configuration (default: scaled)")
    p.add_argument("--stall", type=float, default=120, help="load: give up after this long without progress")
    p.add_argument(
        "--drill-stall",
        type=float,
        default=660,
        help="drill: give up after this long without progress (default 660: past run monitoring's 600 s start timeout)",
    )
    p.add_argument("--fault-gap", type=float, default=15, help="seconds between drill faults (default 15)")
    p.add_argument("--kill-hold", type=float, default=8, help="seconds the killed upload is held (default 8)")
    p.add_argument("--redis-down", type=float, default=3, help="seconds Redis stays down (default 3)")
    p.add_argument("--pg-down", type=float, default=5, help="seconds PostgreSQL stays down (default 5)")
    p.add_argument("--store-down", type=float, default=30, help="seconds the object store stays down (default 30)")
    p.add_argument(
        "--no-object-store", action="store_true", help="keep media on each configuration's local disk (no SeaweedFS)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs) at the end")
    return p.parse_args()


ARGS = argparse.Namespace()


def main() -> int:
    global ARGS
    ARGS = parse_args()
    worker_counts = [int(w) for w in ARGS.workers.split(",") if w.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    print(f"bench_scaleout: temp dir {tmp}; {os.cpu_count()} CPUs", flush=True)
    failures = 0
    rig = Rig(tmp, ARGS)
    try:
        with interrupts_as_exceptions():
            rig.start()
            outcomes: list[Outcome] = []
            if not ARGS.skip_load:
                audit = Audit()
                storages = ("stock", "pooled") if ARGS.storage == "both" else (ARGS.storage,)
                for workers in worker_counts:
                    n = ARGS.baseline_urls if workers == 1 and ARGS.baseline_urls else ARGS.urls
                    for storage in storages:
                        out = run_load(rig, workers, n, storage)
                        outcomes.append(out)
                        # Each configuration's read-out as soon as it is done: a long run stopped
                        # later still has the configurations it finished.
                        breakdown(out)
                        audit_load(out, audit)
                print_figures([figures(o) for o in outcomes])
                failures += audit.failures
            if not ARGS.skip_drill:
                failures += run_drill(rig, ARGS.drill_workers, ARGS.drill_urls)
    except KeyboardInterrupt as exc:
        print(f"\ninterrupted ({exc or 'Ctrl-C'}): stopping every process", flush=True)
        failures += 1
    finally:
        rig.close()
        if ARGS.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'FAIL' if failures else 'PASS'}: {failures} audit line(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
