"""The web tier under load at 10,000 VSLs, on SQLite and on PostgreSQL, before and after in one run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_web.py --before /work/main          # 10,000 VSLs, both databases
    .venv/bin/python benchmarks/bench_web.py --n 2000 --seconds 2 --concurrency 1,8 --backends sqlite
    .venv/bin/python benchmarks/bench_web.py --before /tmp/before --concurrency 1,8 --rounds 3 --spread as-is
    # the search page at issue 29's size (1,000,000 segments), before / FTS5 / tantivy, 3 rounds:
    .venv/bin/python benchmarks/bench_web.py --n 1000 --search-segments 1000000 --only search \
        --backends sqlite --before CHECKOUT --search-backend sqlite,tantivy --concurrency 1,8 \
        --seconds 4 --rounds 3 --keep /tmp/bw1m

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

The search page (issue 29; ``--search N`` or ``--search-segments 1000000``): N more 60-minute VSLs
of natural sentences (``search_corpus``, seeded by ``bench_seed``), every transcript indexed by
each side's own code (its bulk build where it has one), ``--search-backend sqlite,tantivy``
serving one database from two servers (``after-sqlite``, ``after-tantivy``).  Each kind (a word,
a phrase with its language and a niche, a number typed as digits) is a pool of 12 queries drawn
from the corpus's sentences and asked in turn by every connection.  The connection spread and the
interleaved rounds are the same as for every route; the verdict at 8 clients (>= 3x before) is
PASS only when the 95% bootstrap interval of the (evenly spread) rounds' ratios lies wholly at or
over 3, FAIL when wholly under.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
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
from typing import Any, NamedTuple

from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
#: The code under test in a child process (populate, writer): a checkout given by the parent.
if os.environ.get("BENCH_CODE"):
    sys.path.insert(0, os.environ["BENCH_CODE"])
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_seed  # type: ignore[import-not-found]  # noqa: E402
import ratio_stats  # type: ignore[import-not-found]  # noqa: E402
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
        # sentences (bench_seed's generators), indexed by the code under test's own backend(s).
        started = time.perf_counter()
        bench_seed.more_long_vsls(args.database, rng, args.search)
        bench_seed.natural_words(args.database, rng)
        seeded = time.perf_counter() - started
        for engine in args.engines.split(",") if args.engines else [""]:
            took, segments = bench_seed.index_search(args.database, engine or None)
            print(
                f"  seeded in {seeded:.0f} s; {segments:,} segments indexed ({engine or 'default backend'}) "
                f"in {took:.0f} s ({segments / max(took, 1e-9):,.0f}/s)",
                file=sys.stderr,
                flush=True,
            )
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


class ServerClosedError(ConnectionError):
    """The server closed a keep-alive connection (uvicorn closes one idle for 5 s: under heavy
    load, evening the spread can take that long while the first connections wait)."""


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One request on a keep-alive connection, its answer read whole: the status."""
    writer.write(request)
    await writer.drain()
    line = await reader.readline()
    if not line:
        raise ServerClosedError("the server closed the connection")
    status = int(line.split()[1])
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


async def _drive(
    conn: Conn, requests: list[bytes], turn: list[int], deadline: float, latencies: list[float], failures: list[int]
) -> None:
    """Requests on one connection until ``deadline``: ``requests`` in turn, from the connection's
    place ``turn[0]`` (kept, so the measured run goes on where the warm-up stopped)."""
    reader, writer = conn
    while time.perf_counter() < deadline:
        request = requests[turn[0] % len(requests)]
        turn[0] += 1
        start = time.perf_counter()
        try:
            status = await _exchange(reader, writer, request)
        except (ServerClosedError, ConnectionResetError):
            failures.append(0)  # counted as an error; this connection is done
            return
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
    port: int,
    request: bytes | list[bytes],
    concurrency: int,
    topology: Topology | None,
    want_even: bool,
    tries: int,
) -> tuple[list[Conn], list[int], int]:
    """``concurrency`` connections, and their spread over the workers (connections per worker).

    Connection i is accepted with ``request`` (given a pool, its i-th request: the one that
    connection starts with).  With ``want_even`` the connections are opened one at a time and one
    that lands on a worker already serving its share is closed and opened again (at most
    ``tries`` reopenings): the third number is how many were reopened."""
    pool = [request] if isinstance(request, bytes) else request

    def first(i: int) -> bytes:
        return pool[i % len(pool)]

    if topology is None:
        made = await asyncio.gather(*(_connect(port, first(i)) for i in range(concurrency)))
        return [c for c, _ in made], [concurrency], 0
    if not want_even:
        made = await asyncio.gather(*(_connect(port, first(i)) for i in range(concurrency)))
        return [c for c, _ in made], topology.spread(topology.owners([p for _, p in made])), 0
    share = -(-concurrency // len(topology.workers))
    count: dict[int | None, int] = {}
    conns: list[Conn] = []
    owners: list[int | None] = []
    reopened = 0
    while len(conns) < concurrency:
        conn, client_port = await _connect(port, first(len(conns)))
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
    path: str | list[str],
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    cpu: Any = None,
    topology: Topology | None = None,
    want_even: bool = False,
    tries: int = 200,
) -> dict[str, Any]:
    """``concurrency`` keep-alive connections sending ``path`` for ``seconds`` (after 0.5 s of
    warm-up on the same connections), and where they landed among the server's workers.  Given
    a list (the search page's pool of queries), each connection asks its paths in turn,
    connection i starting at the i-th, so no one query's cached pages flatter a side."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    paths = [path] if isinstance(path, str) else path
    requests = [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode() for p in paths]

    async def run() -> tuple[list[float], list[int], float, list[int], int, tuple[float, float]]:
        for attempt in range(3):
            conns, spread, reopened = await open_connections(port, requests, concurrency, topology, want_even, tries)
            turns = [[i + 1] for i in range(len(conns))]  # each connection asked its i-th request when opened
            warm = time.perf_counter() + 0.5  # templates, statement caches, each worker's pool
            closed: list[int] = []
            await asyncio.gather(*(_drive(c, requests, t, warm, [], closed) for c, t in zip(conns, turns, strict=True)))
            if not closed.count(0) or attempt == 2:
                break
            for _, writer in conns:  # one was closed by the server while the others were opened
                writer.close()
        try:
            latencies: list[float] = []
            failures: list[int] = []
            before = cpu() if cpu else {}
            start = time.perf_counter()
            await asyncio.gather(
                *(
                    _drive(c, requests, t, start + seconds, latencies, failures)
                    for c, t in zip(conns, turns, strict=True)
                )
            )
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
        "p50": statistics.median(latencies) if latencies else math.nan,
        "p95": pct(latencies, 95) if latencies else math.nan,
        "p99": pct(latencies, 99) if latencies else math.nan,
        "n": len(latencies),
        "errors": len(failures),
        "spread": spread,
        "even": even(spread),
        "reopened": reopened,
    }


# -- one code version on one database -------------------------------------------------------------


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
#: The search page (issue 29), measured with ``--search N`` (N more 60-minute VSLs indexed): each
#: kind is a pool of queries drawn from the corpus's own sentences (``search_queries``), asked in
#: turn, so no one query's cached pages flatter a side.
SEARCH_KINDS = ("word", "phrase+filters", "number")
#: Number words of the corpus's languages and their value: a number query is the digits followed by
#: the word said after them ("30 dias"), as a person types what they heard.
NUMBER_WORDS = {
    "cinco": 5, "five": 5, "sete": 7, "siete": 7, "seven": 7, "dez": 10, "diez": 10, "ten": 10,
    "vinte": 20, "veinte": 20, "twenty": 20, "trinta": 30, "treinta": 30, "thirty": 30,
    "quarenta": 40, "cuarenta": 40, "forty": 40, "sessenta": 60, "sesenta": 60, "sixty": 60,
    "noventa": 90, "ninety": 90, "cem": 100, "cien": 100, "hundred": 100,
}  # fmt: skip
#: Words after a number that belong to it ("thirty one", "cem mil"): not a number query's second word.
_NUMBER_TAILS = set(
    "one two three four six eight nine um uma dois duas três quatro seis oito nove uno una dos tres cuatro "
    "seis ocho nueve mil thousand hundred cientos million milhões millones".split()
)
_STRIP = ",.;:?!¿¡\"'()"


def search_queries(per_kind: int = 12, seed: int = 29) -> dict[str, list[str]]:
    """The search page's paths per kind, from the sentences the corpus is walked from
    (``search_corpus.sentences``: the scripts we wrote, a natural vocabulary):

    * word: a word of five letters or more, drawn by occurrence (frequent words come up often);
    * phrase+filters: two or three consecutive words of a sentence, quoted, with that sentence's
      language and the niche "health" (every long VSL's niche);
    * number: a number said in words, typed as digits, with the word said after it.
    """
    from urllib.parse import urlencode

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import search_corpus  # type: ignore[import-not-found]

    rng = random.Random(seed)
    said = {
        lang: [[w.strip(_STRIP) for w in t.split()] for t in search_corpus.sentences(lang)]
        for lang in ("pt", "en", "es")
    }
    words = [w.lower() for sents in said.values() for ws in sents for w in ws if len(w) >= 5 and w.isalpha()]
    numbers = sorted(
        {
            f"{NUMBER_WORDS[ws[i].lower()]} {ws[i + 1].lower()}"
            for sents in said.values()
            for ws in sents
            for i in range(len(ws) - 1)
            if ws[i].lower() in NUMBER_WORDS
            and len(ws[i + 1]) >= 4
            and ws[i + 1].isalpha()
            and ws[i + 1].lower() not in NUMBER_WORDS.keys() | _NUMBER_TAILS
        }
    )
    phrases: list[str] = []
    while len(phrases) < per_kind:
        lang = ("pt", "en", "es")[len(phrases) % 3]
        ws = [w for w in rng.choice(said[lang]) if w]
        if len(ws) < 4:
            continue
        at, n = rng.randrange(len(ws) - 3), rng.choice((2, 3))
        phrases.append(urlencode({"q": '"' + " ".join(ws[at : at + n]) + '"', "language": lang, "niche": "health"}))
    return {
        "word": ["/search?" + urlencode({"q": w}) for w in rng.sample(words, per_kind)],
        "phrase+filters": ["/search?" + p for p in phrases],
        "number": ["/search?" + urlencode({"q": q}) for q in rng.sample(numbers, min(per_kind, len(numbers)))],
    }


def routes(args: argparse.Namespace) -> tuple[tuple[str | list[str], str, str | None], ...]:
    """The routes measured: ``--only search`` keeps ``/healthz`` and the search page."""
    pools = search_queries() if args.search else {}
    search = tuple((pools[kind], f"GET /search {kind}", "cookie") for kind in SEARCH_KINDS if pools)
    if args.only == "search":
        return (ROUTES[0], *search)
    return ROUTES + search


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


def seed(
    label: str, code: Path, database: str, storage: Path, engines: list[str], args: argparse.Namespace
) -> dict[str, str]:
    """Fill one database with ``code``'s own code (and index it with each of ``engines``, that
    code's default when empty); returns the bench user's credentials.  With ``--keep DIR`` a
    database seeded before with the same sizes, checkout and engines is used again as it is (a
    million segments take minutes to seed), so a run can measure code changed since on the same
    rows; a change of the index's format needs a fresh DIR (the revision seeded is printed)."""
    what = {
        "code": str(code),
        "n": args.n,
        "segments": args.segments,
        "search": args.search,
        "engines": engines,
        "database": database,
    }
    marker = storage / "seeded.json"
    if args.keep and marker.exists() and database.startswith("sqlite"):  # a PostgreSQL server is new each run
        kept = json.loads(marker.read_text())
        if kept["what"] == what:
            print(f"  {label}: the database seeded before at {kept.get('rev')} ({storage}) is used again", flush=True)
            return dict(kept["info"])
    env = _env(code, database, storage)
    rev = _rev(code)
    command = [sys.executable, __file__, "populate", "--database", database, "--n", str(args.n)]
    command += ["--search", str(args.search), "--engines", ",".join(engines), "--segments", str(args.segments)]
    made = subprocess.run(command, env=env, capture_output=True, text=True)
    for line in made.stderr.splitlines():
        if line.startswith("  seeded"):
            print(f"  {label}:{line[1:]}", flush=True)
    if made.returncode != 0:
        raise SystemExit(f"populate ({label}) failed:\n{made.stderr[-3000:]}")
    info = json.loads(made.stdout.strip().splitlines()[-1])
    marker.write_text(json.dumps({"what": what, "rev": rev, "info": info}))
    return dict(info)


def _rev(code: Path) -> str:
    done = subprocess.run(["git", "-C", str(code), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


def start(label: str, code: Path, database: str, storage: Path, info: dict[str, str], engine: str | None) -> Running:
    """``vsl web`` of ``code`` on the seeded database (``engine``: its VSL_SEARCH_BACKEND, else the
    code's default), logged in."""
    from vsl_assets_tests.servers.ports import free_port  # the suite's one helper for it

    env = _env(code, database, storage, **({"VSL_SEARCH_BACKEND": engine} if engine else {}))
    port = free_port()
    log = storage / f"server-{label}.log"
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
    """Each route and concurrency on every server back to back (before, after, ...; the order
    reversed every other round), ``--rounds`` times, so a change in the machine's load (other
    work on these cores) hits every side alike."""
    rows: list[dict[str, Any]] = []
    measured = routes(args)
    total_s = len(measured) * len(args.concurrency) * len(servers) * args.rounds * (args.seconds + 1.5) + 10
    writers: dict[str, subprocess.Popen[str]] = {}
    for s in servers:
        if s.database not in writers:  # one pipeline writer per database (after's engines share one)
            writers[s.database] = subprocess.Popen(
                [sys.executable, __file__, "writer", "--database", s.database, "--seconds", str(total_s)],
                env=_env(s.code, s.database, s.storage, PGAPPNAME=WRITER),  # not counted as the server's
                stdout=subprocess.PIPE,
                text=True,
            )
            s.writer = writers[s.database]
    for path, name, auth in measured:
        for c in args.concurrency:
            for round_ in range(1, args.rounds + 1):
                # Interleaved rounds, the order alternating, so load changes hit both sides alike.
                for s in servers if round_ % 2 else servers[::-1]:
                    meter = cpu_meter(s.server.pid, s.database)
                    topology = Topology.of(s.server.pid, s.port)
                    result = load(
                        s.port,
                        path if isinstance(path, list) else path.format(**s.info),
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
                        f"  {s.label:<13} {name:<40} c={c:<3} r{round_} {result['rps']:7.1f} req/s"
                        f"  p95 {result['p95']:7.1f} ms  CPU/req {result['app_cpu_ms']:.2f} + {result['db_cpu_ms']:.2f} ms"
                        f"  errors {result['errors']}  spread {spread_text(result)}",
                        flush=True,
                    )
    for s in servers:
        if s.writer is not None:
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
#: Issue 29's target: the search page's throughput at 8 clients >= 3x before's, and what "today"
#: was when the issue was filed (1,000,000 segments, this machine): 6.8 req/s at 1 client, 8.1 at 8.
SEARCH_TARGET = 3.0
ISSUE_RPS = {1: 6.8, 8: 8.1}


def ratio_interval(ratios: list[float]) -> tuple[float, float, float]:
    """Geometric mean of per-round ratios (after / before, measured back to back in a round) and its
    95% t interval over the rounds (:func:`ratio_stats.rounds_interval`, the method ``bench_pipeline``
    uses: with 3 rounds a bootstrap's percentile interval covers only ~80%, see :mod:`ratio_stats`)."""
    ci = ratio_stats.rounds_interval(ratios)
    return ci.estimate, ci.low, ci.high


def verdict(lo: float, hi: float, target: float) -> str:
    """PASS only when the whole interval is at or over the target, FAIL when it is wholly under."""
    if lo >= target:
        return "PASS"
    if hi < target:
        return "FAIL"
    return "UNDECIDED"


class Verdict(NamedTuple):
    """One route and concurrency of one "after" server against "before": the counted rounds'
    ratios (after / before req/s) and the verdict in words."""

    route: str
    c: int
    ratios: list[float]
    verdict: str
    code: str = "after"
    #: ``PASS``, ``FAIL`` or ``undecided`` (``record.VERDICTS``); None with no target or no counted round.
    word: str | None = None
    #: What the verdict was judged on, in words: the 95% interval of the geometric mean (search
    #: page) or the rounds' lowest and highest ratio (library page, API list).
    judged: str | None = None


def throughput_verdicts(rows: list[dict[str, Any]]) -> list[Verdict]:
    """A :class:`Verdict` for every route measured on "before" and on an "after" server (``after``,
    or ``after-sqlite`` / ``after-tantivy`` with several search backends).  A round counts only
    if both sides' connections were spread evenly over their workers.  At concurrency 8 the
    library page and API list (issue 26, >= 4x) are judged on the interval of the counted rounds:
    ``PASS`` when its lowest ratio reaches the target, ``FAIL`` when its highest does not; the
    search page (issue 29, >= 3x) on the 95% bootstrap interval of their geometric mean: ``PASS``
    only when it lies wholly at or over the target, ``FAIL`` when wholly under.  Otherwise (or
    with no counted round) no verdict."""
    by = {(r["code"], r["route"], r["c"], r["round"]): r for r in rows if "route" in r}
    out = []
    afters = dict.fromkeys(code for (code, _, _, _) in by if code.startswith("after"))
    for code in afters:
        for route, c in dict.fromkeys((r, c) for (_, r, c, _) in by):
            rounds = sorted({k[3] for k in by if k[1] == route and k[2] == c})
            pairs = [(by.get((code, route, c, n)), by.get(("before", route, c, n))) for n in rounds]
            if not any(a and b for a, b in pairs):
                continue
            ratios = [a["rps"] / b["rps"] for a, b in pairs if a and b and a["even"] and b["even"] and b["rps"] > 0]
            search = route.startswith("GET /search")
            target = SEARCH_TARGET if search else THROUGHPUT_TARGET
            word: str | None = None
            judged: str | None = None
            if c != TARGET_CONCURRENCY or not (search or route in TARGET_ROUTES):
                said = "(no target)"
            elif not ratios:
                said = "no verdict (no round with both sides' connections spread evenly)"
            elif search:
                mean, lo, hi = ratio_interval(ratios)
                word = verdict(lo, hi, target)
                judged = f"{mean:.2f}x [{lo:.2f}-{hi:.2f}] (geometric mean of {len(ratios)} rounds, 95% t interval)"
                said = {
                    "PASS": f"PASS (95% interval {lo:.2f}-{hi:.2f}x, wholly >= {target:g}x)",
                    "FAIL": f"FAIL (95% interval {lo:.2f}-{hi:.2f}x, wholly < {target:g}x)",
                }.get(word, f"no verdict (the 95% interval {lo:.2f}-{hi:.2f}x straddles {target:g}x)")
            else:
                judged = f"{min(ratios):.2f}-{max(ratios):.2f}x (lowest-highest of {len(ratios)} rounds)"
                if min(ratios) >= target:
                    word, said = "PASS", f"PASS (>= {target:g}x in every round)"
                elif max(ratios) < target:
                    word, said = "FAIL", f"FAIL (< {target:g}x in every round)"
                else:
                    word, said = "UNDECIDED", f"no verdict (the interval straddles {target:g}x)"
            skipped = sum(1 for a, b in pairs if a and b) - len(ratios)
            said += f"; {skipped} uneven round(s) left out" if skipped else ""
            recorded = {"PASS": "PASS", "FAIL": "FAIL", "UNDECIDED": "undecided"}.get(word or "")
            out.append(Verdict(route, c, ratios, said, code, recorded, judged))
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
    runs: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in table:
        runs.setdefault((r["code"], r["route"], r["c"]), []).append(r)

    def median(code: str, route: str, c: int, key: str) -> float:
        return statistics.median(
            r["app_cpu_ms"] + r["db_cpu_ms"] if key == "cpu" else r[key] for r in runs[(code, route, c)]
        )

    print(
        "\nthroughput after / before at each concurrency (each round's ratio, their geometric mean, "
        "then the verdict from their interval):"
    )
    for v in throughput_verdicts(rows):
        shown = ", ".join(f"{x:.2f}x" for x in v.ratios) or "-"
        mean = f" = {math.exp(statistics.fmean(math.log(x) for x in v.ratios)):.2f}x" if v.ratios else ""
        print(
            f"  {v.code:<13} {v.route:<40} c={v.c:<3} {shown}{mean}  -> {v.verdict}"
            f"   req/s (median) {median('before', v.route, v.c, 'rps'):.1f} -> {median(v.code, v.route, v.c, 'rps'):.1f}"
            f"   CPU per request (app + db, median) {median('before', v.route, v.c, 'cpu'):.2f}"
            f" -> {median(v.code, v.route, v.c, 'cpu'):.2f} ms"
        )
    search = {k: v for k, v in runs.items() if k[1].startswith("GET /search") and k[2] in ISSUE_RPS}
    if search:
        print("\nfor reference only (another day's load, not a same-run baseline): the issue's figures, 6.8 req/s at")
        print("1 client and 8.1 at 8; this run's median req/s per side:")
        for (code, route, c), measured in search.items():
            rps = statistics.median(r["rps"] for r in measured)
            print(f"  {code:<13} {route:<30} c={c:<3} {rps:7.1f} req/s ({rps / ISSUE_RPS[c]:.1f}x the issue's)")
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
    p.add_argument("--engines", default="")
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
    parser.add_argument(
        "--search-segments",
        type=int,
        default=None,
        help="as --search, given as the whole corpus's segments (1000000: issue 29's size, ~1,100 more VSLs)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="seed the SQLite databases here and use them again on later runs with the same sizes and revisions",
    )
    parser.add_argument("--only", choices=["search"], default=None, help="only /healthz and the search page")
    parser.add_argument(
        "--search-backend",
        default=None,
        help="VSL_SEARCH_BACKEND of the after version, or several (sqlite,tantivy: one database indexed "
        "by each, one server per backend, labelled after-sqlite, after-tantivy); default: its default",
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
    engines = [e for e in (args.search_backend or "").split(",") if e]
    if any(e not in ("sqlite", "tantivy") for e in engines):
        parser.error("--search-backend takes sqlite, tantivy or both (comma-separated)")
    if args.search_segments is not None:
        own = args.n * args.segments + 900  # the synthetic VSLs and the one long VSL
        args.search = max(1, -(-(args.search_segments - own) // 900))
    segments = args.n * args.segments + 900 * (args.search + 1)
    versions = [("before", args.before.resolve())] if args.before else []
    versions.append(("after", REPO))
    tmp = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench_web_"))
    recorded: list[record.Row] = []
    print(
        f"{args.n:,} VSLs + one 60-minute VSL of 900 segments per database"
        + (f" + {args.search:,} more ({segments:,} segments)" if args.search else "")
        + f"; {os.cpu_count()} cores; {args.seconds:g} s per measurement, {args.rounds} round(s); "
        "a pipeline writer runs throughout" + (f"; after's search backend(s): {','.join(engines)}" if engines else ""),
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
                    # FTS5 and tantivy keep their index beside a SQLite app database only: on
                    # PostgreSQL each side searches with its default (PostgreSQL's own) backend.
                    mine = engines if label == "after" and pg is None else []
                    print(f"{backend} / {label} ({code}): seeding and starting", flush=True)
                    info = seed(label, code, database, storage, mine, args)
                    for engine in mine or [None]:
                        name = f"{label}-{engine}" if len(mine) > 1 else label
                        servers.append(start(name, code, database, storage, info, engine))
                rows += measure_all(servers, args)
            finally:
                rows += [stop(s) for s in servers]
        report(backend, rows)
        recorded += record_rows(backend, rows)
    if args.browser:
        browser_report(tmp / "browser", args)
    # The issue's size: 10,000 VSLs (issue 26); for the search page alone, 1,000,000 segments (issue 29).
    full = (segments >= 1_000_000 if args.only == "search" else args.n >= 10_000) and args.seconds >= 3
    sizes = (
        f"{args.n:,} VSLs"
        + (f" + {args.search:,} 60-minute ones ({segments:,} segments)" if args.search else "")
        + f", {args.seconds:g} s per measurement, {args.rounds} round(s), concurrency {args.concurrency}"
    )
    name = "bench_web-search" if args.only == "search" else "bench_web"
    record.write(name, recorded, backend=args.backends, full_size=full, sizes=sizes)
    return 0


def record_rows(backend: str, rows: list[dict[str, Any]]) -> list[record.Row]:
    """``report``'s table for the record: each route of each "after" server (``after``, or one per
    search backend) with its /healthz ratio and the "before" code's figure beside it, each the
    median over the rounds (errors summed), informational; then one row per throughput target
    judged (:func:`throughput_verdicts`: library page and API list >= 4x before, the search page
    >= 3x, at concurrency 8) with the ratio it was judged on and its verdict."""
    table = [r for r in rows if "route" in r]
    runs: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in table:
        runs.setdefault((r["code"], r["route"], r["c"]), []).append(r)
    by = {
        key: {
            "p95": statistics.median(r["p95"] for r in measured),
            "rps": statistics.median(r["rps"] for r in measured),
            "cpu": statistics.median(r["app_cpu_ms"] + r["db_cpu_ms"] for r in measured),
            "errors": sum(r["errors"] for r in measured),
            "rounds": len(measured),
        }
        for key, measured in runs.items()
    }
    health = {(code, c): r for (code, route, c), r in by.items() if route.startswith("GET /healthz")}

    def figure(r: dict[str, Any]) -> str:
        median = f" (median of {r['rounds']} rounds)" if r["rounds"] > 1 else ""
        return f"p95 {r['p95']:.1f} ms, {r['rps']:.1f} req/s, CPU {r['cpu']:.2f} ms/req{median}, {r['errors']} errors"

    out = []
    for (code, route, c), r in by.items():
        if not code.startswith("after"):
            continue
        base = health[(code, c)]["p95"]
        was = by.get(("before", route, c))
        label = "" if code == "after" else f" ({code})"
        out.append(
            record.Row(
                f"{backend}: {route}, concurrency {c}{label}",
                figure(r),
                floor=None if route.startswith("GET /healthz") else f"/healthz p95 {base:.1f} ms",
                ratio=f"{r['p95'] / base:.1f}x /healthz p95",
                before=figure(was) if was else None,
            )
        )
    for v in throughput_verdicts(rows):
        if v.judged is None and not v.verdict.startswith("no verdict"):
            continue  # no target at this route and concurrency
        label = "" if v.code == "after" else f" ({v.code})"
        target = SEARCH_TARGET if v.route.startswith("GET /search") else THROUGHPUT_TARGET
        rps = by[(v.code, v.route, v.c)]["rps"]
        was = by[("before", v.route, v.c)]["rps"]
        out.append(
            record.Row(
                f"{backend}: {v.route}, concurrency {v.c}{label}: throughput vs before",
                f"{rps:.1f} req/s (median of {by[(v.code, v.route, v.c)]['rounds']} rounds)",
                ratio=v.judged or v.verdict,
                target=f">= {target:g}x before's req/s",
                verdict=v.word,
                before=f"{was:.1f} req/s",
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
