"""The web tier under load at 10,000 VSLs, on SQLite and on PostgreSQL, before and after in one run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_web.py --before /work/main          # 10,000 VSLs, both databases
    .venv/bin/python benchmarks/bench_web.py --n 2000 --seconds 2 --concurrency 1,8 --backends sqlite
    .venv/bin/python benchmarks/bench_web.py --before /tmp/before --concurrency 1,8 --rounds 3 --spread as-is

Each code version (``--before CHECKOUT``, and this checkout as ``after``) gets its own database
(SQLite file, or a database on a real PostgreSQL server started here), filled by that version's
own code: ``--n`` synthetic VSLs plus one realistic 60-minute VSL of 900 segments whose sentences
come from ``search_corpus.py`` (bigrams of the VSL scripts we wrote).  Each is served by its
own ``vsl web`` (as shipped: ``after`` runs its default worker processes) and logged in as a real
user (cookie for pages, bearer token for the API).

For every route and concurrency (1/8/32 keep-alive connections, a raw HTTP/1.1 client cheap
enough to leave the CPU to the servers) the versions are measured back to back, so a change in the
machine's load hits both alike; ``GET /healthz`` is the baseline in the same run.  Throughout, a
pipeline writer per database changes statuses and opens/closes job rows every ~20 ms; its errors,
any "database is locked" and any traceback in the server logs are counted.  Targets (issue 26):
library page and API list p95 <= 3x ``/healthz`` at concurrency 1, throughput >= 4x before at
concurrency 8, zero errors.  The script reports; it does not gate.

A keep-alive connection stays with the worker process that accepted it, so each measurement looks
from outside the server at which worker holds each client connection (``/proc/net/tcp`` and the
workers' file descriptors) and prints the spread (``4+4``; ``8`` for a one-process server).  With
``--spread even`` (the default) connections landing on a worker already serving its share are
reopened until the spread is even; a measurement whose spread stays uneven is marked ``!`` and
gives no throughput verdict.  ``--rounds R`` measures the versions R times, interleaved and in
alternating order, and the concurrency-8 verdict comes from the interval of the rounds' ratios:
PASS when its low end reaches 4x, FAIL when its high end does not, none when it straddles.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
#: The code under test in a child process (populate, writer): a checkout given by the parent.
if os.environ.get("BENCH_CODE"):
    sys.path.insert(0, os.environ["BENCH_CODE"])
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_seed  # type: ignore[import-not-found]  # noqa: E402
import record  # type: ignore[import-not-found]  # noqa: E402  (imported at the start: it notes the load average before the run)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cmd_populate(args: argparse.Namespace) -> int:
    """Child process: fill one database with the code under test (BENCH_CODE), print the credentials."""
    from vsl_assets.db import session_scope
    from vsl_assets.web.users import add_user, create_token

    rng = random.Random(7)
    bench_seed.populate(args.database, args.n, args.segments, rng)
    key = bench_seed.add_long_vsl(args.database, rng)
    if args.search:
        # The search page's corpus: --search more 60-minute VSLs and every transcript in natural
        # sentences (bench_seed's generators), indexed by the code under test's own backend.
        bench_seed.more_long_vsls(args.database, rng, args.search)
        bench_seed.natural_words(args.database, rng)
        bench_seed.index_everything(args.database)
    with session_scope(args.database) as s:
        add_user(s, "bench", "bench password")
        token = create_token(s, "bench")
    print(json.dumps({"token": token, "long_key": key}))
    return 0


def cmd_writer(args: argparse.Namespace) -> int:
    """Child process: what a pipeline writes while people browse (a status change, a job row opened
    and closed, every ~20 ms) for ``--seconds``; counts its errors and any "database is locked"."""
    from sqlalchemy import func, update

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import Job, Url

    rng = random.Random(11)
    with session_scope(args.database) as s:
        top = s.scalar(select(func.max(Url.id))) or 1
    writes = errors = locked = 0
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        uid = rng.randint(1, top)
        try:
            with session_scope(args.database) as s:
                s.execute(update(Url).where(Url.id == uid).values(status="transcribing", updated_at=datetime.now(UTC)))
                s.execute(
                    insert(Job),
                    [
                        {
                            "url_id": uid,
                            "step": "transcript",
                            "attempt": 1,
                            "outcome": "running",
                            "started_at": datetime.now(UTC),
                        }
                    ],
                )
            with session_scope(args.database) as s:
                s.execute(update(Url).where(Url.id == uid).values(status="analyzed", updated_at=datetime.now(UTC)))
            writes += 1
        except Exception as exc:  # counted and reported: the benchmark's point is that there are none
            errors += 1
            locked += "database is locked" in str(exc)
        time.sleep(0.02)
    print(json.dumps({"writes": writes, "errors": errors, "locked": locked}))
    return 0


# -- the load: raw HTTP/1.1 keep-alive over asyncio (cheap, so the client leaves the CPU to the server)


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One request on a keep-alive connection, its answer read whole: the status."""
    writer.write(request)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(length)
    return status


Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _drive(conn: Conn, request: bytes, deadline: float, latencies: list[float], failures: list[int]) -> None:
    reader, writer = conn
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        status = await _exchange(reader, writer, request)
        latencies.append((time.perf_counter() - start) * 1000)
        if status != 200:
            failures.append(status)


# -- which worker process serves which client connection, seen from outside the server -----------
#
# ``vsl web`` runs several worker processes on one port.  Each keep-alive connection stays with the
# process that accepted it, and which one that is the kernel and the workers' event loops decide:
# 8 connections all on one of two workers halve the throughput measured.  So each measurement
# finds the owner of every client connection (the server-side socket of the connection, from
# /proc/net/tcp, is a file descriptor of exactly one process) and, with ``--spread even``, reopens
# connections until each worker serves its share; a measurement whose spread is not even is
# reported as such and gives no throughput verdict.


def _socket_inodes(pid: int) -> set[int]:
    """The socket inodes among a process's open files (empty when it is gone)."""
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for fd in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(fd.path)
                if target.startswith("socket:["):
                    found.add(int(target[8:-1]))
    return found


def _tcp_table() -> list[tuple[int, int, str, int]]:
    """(local port, remote port, state, inode) of every IPv4/IPv6 TCP socket of this machine."""
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(name).read_text().splitlines()[1:]:
                f = line.split()
                rows.append((int(f[1].rsplit(":", 1)[1], 16), int(f[2].rsplit(":", 1)[1], 16), f[3], int(f[9])))
    return rows


LISTEN, ESTABLISHED = "0A", "01"


@dataclass
class Topology:
    """The server's worker processes: those holding its listening socket with no child that does
    (uvicorn's supervisor holds it too but never accepts; a single-process server is its own worker)."""

    port: int
    workers: list[int]

    @classmethod
    def of(cls, server_pid: int, port: int) -> Topology:
        listening = {inode for lp, _, st, inode in _tcp_table() if lp == port and st == LISTEN}
        holders = [p for p in _descendants(server_pid) if _socket_inodes(p) & listening]
        parents = set()
        for p in holders:
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents.add(int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1]))
        return cls(port, sorted(p for p in holders if p not in parents) or [server_pid])

    def owners(self, client_ports: list[int]) -> list[int | None]:
        """The worker serving each client connection (by its local port); None: not accepted yet."""
        by_inode = {inode: pid for pid in self.workers for inode in _socket_inodes(pid)}
        accepted = {rp: inode for lp, rp, st, inode in _tcp_table() if lp == self.port and st == ESTABLISHED and inode}
        return [by_inode.get(accepted.get(cp, -1)) for cp in client_ports]

    def spread(self, owners: list[int | None]) -> list[int]:
        """Connections per worker, most first (unknown owners left out)."""
        return sorted((sum(o == w for o in owners) for w in self.workers), reverse=True)


def even(spread: list[int]) -> bool:
    return bool(spread) and max(spread) - min(spread) <= 1


async def _connect(port: int, request: bytes) -> tuple[Conn, int]:
    """A keep-alive connection with one request answered (so the server has accepted it)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await _exchange(reader, writer, request)
    return (reader, writer), int(writer.get_extra_info("sockname")[1])


async def open_connections(
    port: int, request: bytes, concurrency: int, topology: Topology | None, want_even: bool, tries: int
) -> tuple[list[Conn], list[int], int]:
    """``concurrency`` connections, and their spread over the workers (connections per worker).

    With ``want_even`` the connections are opened one at a time and one that lands on a worker
    already serving its share is closed and opened again (at most ``tries`` reopenings): the
    third number is how many were reopened."""
    if topology is None:
        made = await asyncio.gather(*(_connect(port, request) for _ in range(concurrency)))
        return [c for c, _ in made], [concurrency], 0
    if not want_even:
        made = await asyncio.gather(*(_connect(port, request) for _ in range(concurrency)))
        return [c for c, _ in made], topology.spread(topology.owners([p for _, p in made])), 0
    share = -(-concurrency // len(topology.workers))
    count: dict[int | None, int] = {}
    conns: list[Conn] = []
    owners: list[int | None] = []
    reopened = 0
    while len(conns) < concurrency:
        conn, client_port = await _connect(port, request)
        owner = topology.owners([client_port])[0]
        if owner is not None and count.get(owner, 0) >= share and reopened < tries:
            conn[1].close()
            reopened += 1
            await asyncio.sleep(0.005 * (reopened % 10))  # let another worker's loop come round
            continue
        count[owner] = count.get(owner, 0) + 1
        conns.append(conn)
        owners.append(owner)
    return conns, topology.spread(owners), reopened


#: The pipeline writer's PostgreSQL application name: its backend's CPU is not the server's.
WRITER = "bench_writer"
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving ``database`` (its connections)."""
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(database)
    with (
        contextlib.closing(
            psycopg2.connect(host=url.host, port=url.port, user=url.username, dbname="postgres")
        ) as conn,
        conn.cursor() as cur,
    ):
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name <> %s", (url.database, WRITER)
        )
        return [int(pid) for (pid,) in cur.fetchall()]


def cpu_meter(server_pid: int, database: str) -> Any:
    """A function giving the CPU seconds, per process, of the server's processes and (keyed
    ``db<pid>``) of its PostgreSQL backends: the cost per request measured this way does not
    depend on what else loads the machine (see ``cpu_spent``)."""

    def read() -> dict[str, float]:
        spent = {str(p): _cpu_s(p) for p in _descendants(server_pid)}
        if database.startswith("postgresql"):
            spent.update({f"db{p}": _cpu_s(p) for p in _backends(database)})
        return spent

    return read


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> tuple[float, float]:
    """(app, database) CPU seconds between two readings: a process's growth, a new one's whole
    time; one that ended in between is not counted (an undercount; the pools keep theirs open)."""
    app = db = 0.0
    for key, now in after.items():
        grew = now - before.get(key, 0.0)
        if key.startswith("db"):
            db += grew
        else:
            app += grew
    return app, db


def load(
    port: int,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    cpu: Any = None,
    topology: Topology | None = None,
    want_even: bool = False,
    tries: int = 200,
) -> dict[str, Any]:
    """``concurrency`` keep-alive connections sending ``path`` for ``seconds`` (after 0.5 s of
    warm-up on the same connections), and where they landed among the server's workers."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode()

    async def run() -> tuple[list[float], list[int], float, list[int], int, tuple[float, float]]:
        conns, spread, reopened = await open_connections(port, request, concurrency, topology, want_even, tries)
        try:
            warm = time.perf_counter() + 0.5  # templates, statement caches, each worker's pool
            await asyncio.gather(*(_drive(c, request, warm, [], []) for c in conns))
            latencies: list[float] = []
            failures: list[int] = []
            before = cpu() if cpu else {}
            start = time.perf_counter()
            await asyncio.gather(*(_drive(c, request, start + seconds, latencies, failures) for c in conns))
            elapsed = time.perf_counter() - start
            after = cpu() if cpu else {}
        finally:
            for _, writer in conns:
                writer.close()
        return latencies, failures, elapsed, spread, reopened, cpu_spent(before, after) if cpu else (0.0, 0.0)

    latencies, failures, elapsed, spread, reopened, (app_s, db_s) = asyncio.run(run())
    n = max(1, len(latencies))
    return {
        "app_cpu_ms": app_s * 1000 / n,
        "db_cpu_ms": db_s * 1000 / n,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p95": pct(latencies, 95),
        "p99": pct(latencies, 99),
        "n": len(latencies),
        "errors": len(failures),
        "spread": spread,
        "even": even(spread),
        "reopened": reopened,
    }


# -- one code version on one database -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(code: Path, database: str, storage: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VSL_")}
    return {
        **env,
        "PYTHONPATH": str(code),
        "BENCH_CODE": str(code),
        "VSL_DATABASE_URL": database,
        "VSL_STORAGE_DIR": str(storage),
        **extra,
    }


def _login_cookie(port: int) -> str:
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        page = client.get("/login").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        done = client.post("/login", data={"username": "bench", "password": "bench password", "csrf_token": csrf})
        assert done.status_code == 303, done.status_code
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


ROUTES = (
    ("/healthz", "GET /healthz (baseline)", None),
    ("/", "GET / library page (24 cards)", "cookie"),
    ("/api/vsls", "GET /api/vsls (24, newest)", "bearer"),
    ("/vsl/{long_key}", "GET /vsl/{key} (60 min, 900 segments)", "cookie"),
)
#: The search page (issue 29), measured with ``--search N`` (N more 60-minute VSLs indexed): a
#: word said in many segments, a phrase with filters, a number (said in words in the transcripts).
SEARCH_ROUTES = (
    ("/search?q=garantia", "GET /search word", "cookie"),
    ("/search?q=%22ritual+da+manh%C3%A3%22&language=pt&niche=health", "GET /search phrase+filters", "cookie"),
    ("/search?q=30+dias", "GET /search number", "cookie"),
)


def routes(args: argparse.Namespace) -> tuple[tuple[str, str, str | None], ...]:
    """The routes measured: ``--only search`` keeps ``/healthz`` and the search page."""
    if args.only == "search":
        return (ROUTES[0], *SEARCH_ROUTES)
    return ROUTES + (SEARCH_ROUTES if args.search else ())


@dataclass
class Running:
    """One code version serving its own database, with a pipeline writer on that database."""

    label: str
    code: Path
    storage: Path
    database: str
    port: int
    info: dict[str, str]
    server: subprocess.Popen[str]
    log: Path
    cookie: str = ""
    writer: subprocess.Popen[str] | None = None

    def headers(self, auth: str | None) -> dict[str, str]:
        if auth == "cookie":
            return {"Cookie": self.cookie}
        if auth == "bearer":
            return {"Authorization": f"Bearer {self.info['token']}"}
        return {}


def start(label: str, code: Path, database: str, storage: Path, args: argparse.Namespace) -> Running:
    extra = {"VSL_SEARCH_BACKEND": args.search_backend} if args.search_backend and label == "after" else {}
    env = _env(code, database, storage, **extra)
    command = [sys.executable, __file__, "populate", "--database", database, "--n", str(args.n)]
    command += ["--search", str(args.search)]
    made = subprocess.run([*command, "--segments", str(args.segments)], env=env, capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"populate ({label}) failed:\n{made.stderr[-3000:]}")
    info = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = storage / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "vsl_assets.cli", "web", "--port", str(port)],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        text=True,
    )
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    running = Running(label, code, storage, database, port, info, server, log)
    running.cookie = _login_cookie(port)
    return running


def measure_all(servers: list[Running], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each route and concurrency on every version back to back (before, after, before, ...), so a
    change in the machine's load (other work on these cores) hits both sides alike."""
    rows: list[dict[str, Any]] = []
    total_s = len(routes(args)) * len(args.concurrency) * len(servers) * args.rounds * (args.seconds + 1.5) + 10
    for s in servers:
        s.writer = subprocess.Popen(
            [sys.executable, __file__, "writer", "--database", s.database, "--seconds", str(total_s)],
            env=_env(s.code, s.database, s.storage, PGAPPNAME=WRITER),  # not counted as the server's
            stdout=subprocess.PIPE,
            text=True,
        )
    for path, name, auth in routes(args):
        for c in args.concurrency:
            for round_ in range(1, args.rounds + 1):
                # Interleaved rounds, the order alternating, so load changes hit both sides alike.
                for s in servers if round_ % 2 else servers[::-1]:
                    meter = cpu_meter(s.server.pid, s.database)
                    topology = Topology.of(s.server.pid, s.port)
                    result = load(
                        s.port,
                        path.format(**s.info),
                        s.headers(auth),
                        c,
                        args.seconds,
                        meter,
                        topology,
                        want_even=args.spread == "even",
                        tries=args.spread_tries,
                    )
                    rows.append({"code": s.label, "route": name, "c": c, "round": round_, **result})
                    print(
                        f"  {s.label:<7} {name:<40} c={c:<3} r{round_} {result['rps']:7.1f} req/s"
                        f"  p95 {result['p95']:7.1f} ms  CPU/req {result['app_cpu_ms']:.2f} + {result['db_cpu_ms']:.2f} ms"
                        f"  errors {result['errors']}  spread {spread_text(result)}",
                        flush=True,
                    )
    for s in servers:
        assert s.writer is not None
        out, _ = s.writer.communicate(timeout=total_s + 120)
        rows.append({"code": s.label, "writer": json.loads(out.strip().splitlines()[-1])})
    return rows


def stop(s: Running) -> dict[str, Any]:
    s.server.terminate()
    try:
        s.server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        s.server.kill()
        s.server.wait()
    err = s.log.read_text()
    return {
        "code": s.label,
        "server_locked": err.count("database is locked"),
        "server_tracebacks": err.count("Traceback"),
    }


def spread_text(r: dict[str, Any]) -> str:
    """Connections per worker process, e.g. ``4+4`` (``8`` on a one-process server); ``!`` marks
    an uneven spread, ``(n reopened)`` the connections opened again to even it."""
    text = "+".join(str(n) for n in r["spread"]) + ("" if r["even"] else " !")
    return text + (f" ({r['reopened']} reopened)" if r.get("reopened") else "")


#: Issue 26's throughput target: after / before at concurrency 8 on the library page and API list.
THROUGHPUT_TARGET, TARGET_CONCURRENCY = 4.0, 8
TARGET_ROUTES = (ROUTES[1][1], ROUTES[2][1])


def throughput_verdicts(rows: list[dict[str, Any]]) -> list[tuple[str, int, list[float], str]]:
    """(route, concurrency, after/before ratio of each round, verdict) for every route measured on
    both sides.  A round counts only if both sides' connections were spread evenly over their
    workers; the verdict (library page and API list at concurrency 8) comes from the interval of the counted rounds: ``PASS`` when its lowest
    ratio reaches the target, ``FAIL`` when its highest does not, otherwise (or with no counted
    round) no verdict."""
    by = {(r["code"], r["route"], r["c"], r["round"]): r for r in rows if "route" in r}
    out = []
    for route, c in dict.fromkeys((r, c) for (_, r, c, _) in by):
        rounds = sorted({k[3] for k in by if k[1] == route and k[2] == c})
        pairs = [(by.get(("after", route, c, n)), by.get(("before", route, c, n))) for n in rounds]
        ratios = [a["rps"] / b["rps"] for a, b in pairs if a and b and a["even"] and b["even"]]
        if not any(a and b for a, b in pairs):
            continue
        if route not in TARGET_ROUTES or c != TARGET_CONCURRENCY:
            verdict = "(no target)"
        elif not ratios:
            verdict = "no verdict (no round with both sides' connections spread evenly)"
        elif min(ratios) >= THROUGHPUT_TARGET:
            verdict = f"PASS (>= {THROUGHPUT_TARGET:g}x in every round)"
        elif max(ratios) < THROUGHPUT_TARGET:
            verdict = f"FAIL (< {THROUGHPUT_TARGET:g}x in every round)"
        else:
            verdict = f"no verdict (the interval straddles {THROUGHPUT_TARGET:g}x)"
        skipped = len(pairs) - len(ratios)
        out.append((route, c, ratios, verdict + (f"; {skipped} uneven round(s) left out" if skipped else "")))
    return out


def report(backend: str, rows: list[dict[str, Any]]) -> None:
    table = [r for r in rows if "route" in r]
    health = {(r["code"], r["c"], r["round"]): r for r in table if r["route"].startswith("GET /healthz")}
    print(f"\n## {backend}\n")
    print(
        "| code | route | conc. | round | req/s | p50 ms | p95 ms | p99 ms | p95 / healthz p95 "
        "| app CPU ms/req | db CPU ms/req | errors | conns per worker |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in table:
        base = health[(r["code"], r["c"], r["round"])]["p95"]
        print(
            f"| {r['code']} | {r['route']} | {r['c']} | {r['round']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p99']:.1f} | {r['p95'] / base:.1f}x | {r['app_cpu_ms']:.2f} | {r['db_cpu_ms']:.2f} | {r['errors']} "
            f"| {spread_text(r)} |"
        )
    by = {(r["code"], r["route"], r["c"], r["round"]): r for r in table}
    print("\nthroughput after / before at each concurrency (each round's ratio, then the verdict from their interval):")
    for route, c, ratios, verdict in throughput_verdicts(rows):
        cpu = [
            (w["app_cpu_ms"] + w["db_cpu_ms"], r["app_cpu_ms"] + r["db_cpu_ms"])
            for (code, rt, cc, n), r in by.items()
            if code == "after" and rt == route and cc == c and (w := by.get(("before", route, c, n)))
        ]
        was, now = statistics.median(x for x, _ in cpu), statistics.median(y for _, y in cpu)
        shown = ", ".join(f"{x:.1f}x" for x in ratios) or "-"
        print(
            f"  {route:<40} c={c:<3} {shown}  -> {verdict}"
            f"   CPU per request (app + db, median) {was:.2f} -> {now:.2f} ms"
        )
    for r in rows:
        if "writer" in r:
            print(f"  pipeline writer during {r['code']}: {r['writer']}")
        if "server_locked" in r:
            print(
                f"  server log ({r['code']}): 'database is locked' x{r['server_locked']}, tracebacks x{r['server_tracebacks']}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("populate")
    p.add_argument("--database", required=True)
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--segments", type=int, default=12)
    p.add_argument("--search", type=int, default=0)
    p = sub.add_parser("writer")
    p.add_argument("--database", required=True)
    p.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--n", type=int, default=10_000, help="synthetic VSLs (default 10,000)")
    parser.add_argument("--segments", type=int, default=12, help="transcript segments per synthetic VSL")
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per route and concurrency")
    parser.add_argument("--concurrency", type=lambda v: [int(x) for x in v.split(",")], default=[1, 8, 32])
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="a checkout of the code to compare against (e.g. /work/main); default: none",
    )
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="interleaved rounds per route and concurrency (the throughput verdict comes from their interval)",
    )
    parser.add_argument(
        "--spread",
        choices=["even", "as-is"],
        default="even",
        help="even (default): reopen client connections until each server worker process serves its share; "
        "as-is: keep where the kernel put them (reported either way)",
    )
    parser.add_argument(
        "--spread-tries", type=int, default=200, help="connections reopened at most per measurement to even the spread"
    )
    parser.add_argument(
        "--search",
        type=int,
        default=0,
        help="also the search page, over this many more 60-minute VSLs of natural sentences (issue 29)",
    )
    parser.add_argument("--only", choices=["search"], default=None, help="only /healthz and the search page")
    parser.add_argument(
        "--search-backend",
        choices=["sqlite", "tantivy"],
        default=None,
        help="VSL_SEARCH_BACKEND of the after version (its index built and served by it); default: its default",
    )
    parser.add_argument(
        "--browser", action="store_true", help="also time seeks in real Chromium (/usr/lib/chromium/chromium)"
    )
    parser.add_argument("--seeks", type=int, default=20, help="seeks timed in the browser (default 20)")
    args = parser.parse_args()
    if args.command == "populate":
        return cmd_populate(args)
    if args.command == "writer":
        return cmd_writer(args)
    versions = [("before", args.before.resolve())] if args.before else []
    versions.append(("after", REPO))
    tmp = Path(tempfile.mkdtemp(prefix="bench_web_"))
    recorded: list[record.Row] = []
    print(
        f"{args.n:,} VSLs + one 60-minute VSL of 900 segments per database; {os.cpu_count()} cores; "
        f"{args.seconds:g} s per measurement; a pipeline writer runs throughout"
        + (f"; after's search backend: {args.search_backend}" if args.search_backend else ""),
        flush=True,
    )
    for backend in args.backends.split(","):
        rows: list[dict[str, Any]] = []
        with contextlib.ExitStack() as stack:
            pg = None
            if backend == "postgres":
                from vsl_assets_tests.servers.postgres import PostgresServer

                pg = stack.enter_context(PostgresServer(tmp / "pg", max_connections=200))
            servers: list[Running] = []
            try:
                for label, code in versions:
                    storage = tmp / backend / label
                    storage.mkdir(parents=True, exist_ok=True)
                    database = (
                        pg.create_database(f"bench_{label}") if pg is not None else f"sqlite:///{storage / 'vsl.db'}"
                    )
                    print(f"{backend} / {label} ({code}): populating and starting", flush=True)
                    servers.append(start(label, code, database, storage, args))
                rows += measure_all(servers, args)
            finally:
                rows += [stop(s) for s in servers]
        report(backend, rows)
        recorded += record_rows(backend, rows)
    if args.browser:
        browser_report(tmp / "browser", args)
    full = args.n >= 10_000 and args.seconds >= 3
    sizes = f"{args.n:,} VSLs, {args.seconds:g} s per measurement, concurrency {args.concurrency}"
    name = "bench_web-search" if args.only == "search" else "bench_web"
    record.write(name, recorded, backend=args.backends, full_size=full, sizes=sizes)
    return 0


def record_rows(backend: str, rows: list[dict[str, Any]]) -> list[record.Row]:
    """``report``'s table for the record: each route of the "after" code with its /healthz ratio and
    the "before" code's figure beside it.  Informational: this benchmark prints no verdict."""
    table = [r for r in rows if "route" in r]
    health = {(r["code"], r["c"]): r for r in table if r["route"].startswith("GET /healthz")}
    by = {(r["code"], r["route"], r["c"]): r for r in table}

    def figure(r: dict[str, Any]) -> str:
        cpu = r["app_cpu_ms"] + r["db_cpu_ms"]
        return f"p95 {r['p95']:.1f} ms, {r['rps']:.1f} req/s, CPU {cpu:.2f} ms/req, {r['errors']} errors"

    out = []
    for (code, route, c), r in by.items():
        if code != "after":
            continue
        base = health[(code, c)]["p95"]
        was = by.get(("before", route, c))
        out.append(
            record.Row(
                f"{backend}: {route}, concurrency {c}",
                figure(r),
                floor=None if route.startswith("GET /healthz") else f"/healthz p95 {base:.1f} ms",
                ratio=f"{r['p95'] / base:.1f}x /healthz p95",
                before=figure(was) if was else None,
            )
        )
    return out


SEEK_JS = """async (t) => {
  const v = document.querySelector('#player');
  const start = performance.now();
  const shown = new Promise((resolve) => {
    if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(() => resolve());
    v.addEventListener('seeked', () => setTimeout(resolve, 500), {once: true});
  });
  v.currentTime = t;
  await shown;
  return performance.now() - start;
}"""

FETCH_JS = """async (url) => {
  const start = performance.now();
  const r = await fetch(url, {headers: {Range: 'bytes=0-65535'}});
  await r.arrayBuffer();
  return performance.now() - start;
}"""


def browser_report(base: Path, args: argparse.Namespace) -> None:
    """The player's seeks in Chromium (this checkout, in-process server, SQLite)."""
    os.environ["VSL_STORAGE_DIR"] = str(base / "storage")
    os.environ["VSL_DATABASE_URL"] = f"sqlite:///{base / 'storage' / 'vsl.db'}"
    from vsl_assets import settings as settings_module
    from vsl_assets.db import session_scope
    from vsl_assets.web.users import add_user

    settings = settings_module.current()
    rng = random.Random(5)
    keys = bench_seed.populate(settings.database, 10, 12, rng)
    with session_scope(settings.database) as s:
        add_user(s, "bench", "bench password")
    print(f"\n{'Chromium':<50} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95")
    for name, values, target in browser_seeks(settings, keys[0], args.seeks, rng):
        print(f"{name:<50} {statistics.median(values):8.1f} {pct(values, 95):8.1f} {max(values):8.1f}  {target}")


def browser_seeks(settings: object, key: str, n: int, rng: random.Random) -> list[tuple[str, list[float], str]]:
    """Seek the VSL page's player to random seconds of a 5-minute 640x360 H.264 video and time until the
    new frame is presented (requestVideoFrameCallback); baseline: a 64 KB Range fetch from the page."""
    import subprocess
    import threading

    import uvicorn
    from playwright.sync_api import sync_playwright

    from vsl_assets.media.ffmpeg import find_ffmpeg
    from vsl_assets.storage import StorageLayout
    from vsl_assets.web import create_app

    layout = StorageLayout(settings.storage_root)  # type: ignore[attr-defined]
    layout.ensure()
    subprocess.run(
        [
            find_ffmpeg(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=640x360:rate=25",
            "-t",
            "300",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "50",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            str(layout.video_path(key)),
        ],
        check=True,
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    seeks: list[float] = []
    fetches: list[float] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/lib/chromium/chromium", headless=True)
            page = browser.new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=username]", "bench")
            page.fill("input[name=password]", "bench password")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/vsl/{key}")
            page.wait_for_function("() => document.querySelector('#player').readyState >= 1")
            for _ in range(n):
                seeks.append(float(page.evaluate(SEEK_JS, rng.uniform(5, 295))))
                fetches.append(float(page.evaluate(FETCH_JS, f"/api/vsls/{key}/video")))
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    return [
        ("baseline: 64 KB Range fetch from the page", fetches, ""),
        ("Chromium: seek -> new frame shown (5 min video)", seeks, "<= 1000"),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
