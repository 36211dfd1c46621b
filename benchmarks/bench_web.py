"""The web tier under load at 10,000 VSLs, on SQLite and on PostgreSQL, before and after in one run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_web.py --before /work/main          # 10,000 VSLs, both databases
    .venv/bin/python benchmarks/bench_web.py --n 2000 --seconds 2 --concurrency 1,8 --backends sqlite
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

The search page (issue 29; ``--search N`` or ``--search-segments 1000000``): N more 60-minute VSLs
of natural sentences (``search_corpus``), every transcript indexed by each side's own code (its
bulk build where it has one), ``--search-backend sqlite,tantivy`` serving one database from two
servers.  Each kind (a word, a phrase with its language and a niche, a number typed as digits) is
a pool of 12 queries drawn from the corpus's sentences and asked in turn.  With ``--rounds R`` the
sides alternate which goes first; the verdict at 8 clients (>= 3x before) is PASS only when the
95% bootstrap interval of the per-round ratios lies wholly over 3, FAIL when wholly under.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
#: The code under test in a child process (populate, writer): a checkout given by the parent.
if os.environ.get("BENCH_CODE"):
    sys.path.insert(0, os.environ["BENCH_CODE"])

WORDS = (
    "você vai descobrir ritual manhã emagrecer garantia dias oferta especial segredo médicos não querem "
    "saiba dinheiro renda extra investir método simples passo corpo saúde energia dormir melhor "
    "this short video morning ritual thousands people lose weight special offer today button access"
).split()
NICHES = ("health/weight loss", "health/diabetes", "money/investing", "money/side income", "relationships/dating")
LEADS = ("offer", "promise", "problem_solution", "big_secret", "proclamation", "story")
AWARE = ("unaware", "problem_aware", "solution_aware", "product_aware", "most_aware")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _url_keys() -> tuple[Any, Any]:
    """``normalize_url`` and ``partition_key_for`` of the code under test (a checkout from before
    issue 25 has them in ``vsl_assets.urls``)."""
    import importlib

    import vsl_assets

    old = (Path(vsl_assets.__file__).parent / "urls.py").exists()
    urls = importlib.import_module("vsl_assets.urls" if old else "vsl_assets.net.urls")
    return urls.normalize_url, urls.partition_key_for


def populate(database: str, n: int, segments: int, rng: random.Random) -> list[str]:
    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BeatRow, BreakdownRow, Job, Source, TranscriptRow, Url, Video

    normalize_url, partition_key_for = _url_keys()

    now = datetime.now(UTC)
    statuses = ["analyzed"] * 8 + ["failed", "pending_ingest"]
    with session_scope(database) as s:
        urls: list[dict[str, Any]] = []
        for i in range(n):
            url = normalize_url(f"https://vsl{i % 97}.example.com/page/{i}")
            status = rng.choice(statuses)
            urls.append(
                {
                    "url": url,
                    "partition_key": partition_key_for(url),
                    "status": status,
                    "reason": "HTTP 404 from the stream URL" if status == "failed" else None,
                    "queue_count": 0,
                    "created_at": now - timedelta(minutes=n - i),
                    "updated_at": now,
                }
            )
        for start in range(0, n, 1000):
            s.execute(insert(Url), urls[start : start + 1000])
        ids = dict(s.execute(select(Url.partition_key, Url.id)).all())
        sources: list[dict[str, Any]] = []
        videos: list[dict[str, Any]] = []
        transcripts: list[dict[str, Any]] = []
        breakdowns: list[dict[str, Any]] = []
        beats: list[dict[str, Any]] = []
        jobs: list[dict[str, Any]] = []
        for row in urls:
            uid = ids[row["partition_key"]]
            duration = rng.uniform(300, 5400)
            lang = rng.choice(("pt", "en", "es"))
            segs = []
            t = 0.0
            for _ in range(segments):
                length = rng.uniform(3, 9)
                segs.append(
                    {"start": round(t, 2), "end": round(t + length, 2), "text": " ".join(rng.choices(WORDS, k=12))}
                )
                t += length
            sources.append(
                {
                    "url_id": uid,
                    "page_url": row["url"],
                    "stream_url": row["url"],
                    "kind": "vturb",
                    "title": f"VSL {uid} " + " ".join(rng.choices(WORDS, k=3)),
                    "other_videos": [],
                    "headers": {},
                    "drm": False,
                    "created_at": now,
                }
            )
            if row["status"] == "pending_ingest":
                continue
            videos.append({"url_id": uid, "path": "x", "size_bytes": 10**8, "duration_s": duration, "created_at": now})
            jobs.append({"url_id": uid, "step": "video_file", "attempt": 1, "outcome": "succeeded", "started_at": now})
            if row["status"] != "analyzed":
                continue
            transcripts.append(
                {
                    "url_id": uid,
                    "text": " ".join(str(x["text"]) for x in segs),
                    "language": lang,
                    "engine": "bench",
                    "model": "bench",
                    "segments": segs,
                    "word_count": 12 * segments,
                    "chunk_count": 1,
                    "created_at": now,
                }
            )
            niche = rng.choice(NICHES)
            breakdowns.append(
                {
                    "url_id": uid,
                    "status": "ok",
                    "language": lang,
                    "niche": niche,
                    "niche_top": niche.split("/")[0],
                    "awareness": rng.choice(AWARE),
                    "lead_type": rng.choice(LEADS),
                    "duration_s": duration,
                    "pitch_s": duration * 0.6,
                    "offer_amount": rng.choice((37.0, 47.0, 97.0, 197.0, 297.0, 497.0)),
                    "offer_currency": rng.choice(("BRL", "USD")),
                    "engine": "bench",
                    "model": "bench",
                    "data": {},
                    "created_at": now,
                }
            )
            beats += [
                {"url_id": uid, "position": 0, "beat": "hook", "start_s": 0.0, "end_s": 30.0, "quote": "q"},
                {
                    "url_id": uid,
                    "position": 1,
                    "beat": "offer",
                    "start_s": duration * 0.6,
                    "end_s": duration,
                    "quote": "q",
                },
            ]
        for table, rows in (
            (Source, sources),
            (Video, videos),
            (TranscriptRow, transcripts),
            (BreakdownRow, breakdowns),
            (BeatRow, beats),
            (Job, jobs),
        ):
            for start in range(0, len(rows), 1000):
                s.execute(insert(table), rows[start : start + 1000])
    return [r["partition_key"] for r in urls]


def add_long_vsl(database: str, rng: random.Random, segments: int = 900, minutes: float = 60.0) -> str:
    """One 60-minute Portuguese VSL of 900 segments (~4 s each), 8 beats, 7 jobs: the VSL page a
    marketer actually opens.  Its text comes from ``search_corpus`` (issue 29's generator: word
    bigrams of the scripts we wrote, so the vocabulary is natural and no third-party text)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import search_corpus  # type: ignore[import-not-found]

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BeatRow, BreakdownRow, Job, Source, TranscriptRow, Url, Video

    normalize_url, partition_key_for = _url_keys()

    texts = search_corpus.vsl_segments(rng, search_corpus.chains()["pt"], segments)
    now = datetime.now(UTC)
    step = minutes * 60 / segments
    segs = [
        {"start": round(i * step, 2), "end": round((i + 1) * step - 0.1, 2), "text": text}
        for i, text in enumerate(texts)
    ]
    url = normalize_url("https://oferta.example.com.br/ritual-da-manha/vsl")
    key = partition_key_for(url)
    with session_scope(database) as s:
        s.execute(
            insert(Url),
            [
                {
                    "url": url,
                    "partition_key": key,
                    "status": "analyzed",
                    "queue_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        uid = s.scalar(select(Url.id).where(Url.partition_key == key))
        s.execute(
            insert(Source),
            [
                {
                    "url_id": uid,
                    "page_url": url,
                    "stream_url": url,
                    "kind": "vturb",
                    "title": "O ritual da manhã que os médicos não comentam",
                    "other_videos": [],
                    "headers": {},
                    "drm": False,
                    "created_at": now,
                }
            ],
        )
        s.execute(
            insert(Video),
            [{"url_id": uid, "path": "x", "size_bytes": 350_000_000, "duration_s": minutes * 60, "created_at": now}],
        )
        s.execute(
            insert(TranscriptRow),
            [
                {
                    "url_id": uid,
                    "text": " ".join(x["text"] for x in segs),
                    "language": "pt",
                    "engine": "bench",
                    "model": "bench",
                    "segments": segs,
                    "word_count": sum(len(x["text"].split()) for x in segs),
                    "chunk_count": 6,
                    "created_at": now,
                }
            ],
        )
        s.execute(
            insert(BreakdownRow),
            [
                {
                    "url_id": uid,
                    "status": "ok",
                    "language": "pt",
                    "niche": "health/weight loss",
                    "niche_top": "health",
                    "awareness": "problem_aware",
                    "lead_type": "story",
                    "duration_s": minutes * 60,
                    "pitch_s": minutes * 36,
                    "offer_amount": 197.0,
                    "offer_currency": "BRL",
                    "engine": "bench",
                    "model": "bench",
                    "data": {},
                    "created_at": now,
                }
            ],
        )
        beats = ["hook", "lead", "story", "problem", "mechanism", "proof", "offer", "close"]
        s.execute(
            insert(BeatRow),
            [
                {
                    "url_id": uid,
                    "position": i,
                    "beat": b,
                    "start_s": i * 450.0,
                    "end_s": (i + 1) * 450.0,
                    "quote": segs[i * 112]["text"],
                }
                for i, b in enumerate(beats)
            ],
        )
        s.execute(
            insert(Job),
            [
                {"url_id": uid, "step": st, "attempt": 1, "outcome": "succeeded", "started_at": now}
                for st in (
                    "source_page",
                    "video_file",
                    "audio_file",
                    "transcript",
                    "breakdown",
                    "search_index",
                    "vsl_catalog",
                )
            ],
        )
    return key


def cmd_populate(args: argparse.Namespace) -> int:
    """Child process: fill one database with the code under test (BENCH_CODE), print the credentials."""
    from vsl_assets.db import session_scope
    from vsl_assets.web.users import add_user, create_token

    rng = random.Random(7)
    populate(args.database, args.n, args.segments, rng)
    key = add_long_vsl(args.database, rng)
    if args.search:
        # The search page's corpus: --search more 60-minute VSLs and every transcript in natural
        # sentences (bench_pages' generators), indexed by the code under test's own backend(s).
        os.environ.setdefault("BENCH_PAGES_CODE", os.environ.get("BENCH_CODE", str(REPO)))
        import bench_pages

        started = time.perf_counter()
        bench_pages.more_long_vsls(args.database, rng, args.search)
        bench_pages.natural_words(args.database, rng)
        seeded = time.perf_counter() - started
        for engine in args.engines.split(",") if args.engines else [""]:
            took, segments = index_search(args.database, engine or None)
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


def index_search(database: str, engine: str | None, chunk: int = 50) -> tuple[float, int]:
    """Index every transcript with the code under test's backend ``engine`` (its default when
    None): its bulk build (``index_many``, what ``vsl reindex`` does) where the code has one, else
    one VSL at a time as that code's pipeline did.  VSLs are read ``chunk`` at a time (a million
    segments of ORM rows at once would be gigabytes).  Returns (seconds, segments)."""
    from vsl_assets.db import session_scope
    from vsl_assets.db.models import TranscriptRow, Url
    from vsl_assets.search import shared_search
    from vsl_assets.search.documents import _documents

    backend = shared_search(database, engine) if engine else shared_search(database)
    with session_scope(database) as s:
        keys = list(s.scalars(select(Url.partition_key).join(TranscriptRow, TranscriptRow.url_id == Url.id)))
    counted = [0]

    def documents() -> Any:
        for at in range(0, len(keys), chunk):
            with session_scope(database) as s:
                for doc in _documents(s, keys[at : at + chunk], 0.6):
                    counted[0] += len(doc.segments)
                    yield doc

    started = time.perf_counter()
    if hasattr(backend, "index_many"):
        backend.index_many(documents())
    else:
        for doc in documents():
            backend.index_vsl(doc)
    return time.perf_counter() - started, counted[0]


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


async def _one(
    port: int, requests: list[bytes], deadline: float, latencies: list[float], failures: list[int], first: int = 0
) -> None:
    """One keep-alive connection asking ``requests`` in turn (from ``first``) until ``deadline``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    turn = first
    try:
        while time.perf_counter() < deadline:
            request = requests[turn % len(requests)]
            turn += 1
            start = time.perf_counter()
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
            latencies.append((time.perf_counter() - start) * 1000)
            if status != 200:
                failures.append(status)
    finally:
        writer.close()


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
    port: int, path: str | list[str], headers: dict[str, str], concurrency: int, seconds: float, cpu: Any = None
) -> dict[str, float]:
    """``path`` or, given a list, each of its paths in turn (connection i starts at the i-th)."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    paths = [path] if isinstance(path, str) else path
    requests = [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n".encode() for p in paths]

    async def run(duration: float) -> tuple[list[float], list[int], float]:
        latencies: list[float] = []
        failures: list[int] = []
        start = time.perf_counter()
        await asyncio.gather(
            *(_one(port, requests, start + duration, latencies, failures, i) for i in range(concurrency))
        )
        return latencies, failures, time.perf_counter() - start

    asyncio.run(run(0.5))  # warm: connections, templates, statement caches
    before = cpu() if cpu else {}
    latencies, failures, elapsed = asyncio.run(run(seconds))
    app_s, db_s = cpu_spent(before, cpu() if cpu else {})
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
    if args.keep and marker.exists():
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
    env = _env(code, database, storage, **({"VSL_SEARCH_BACKEND": engine} if engine else {}))
    port = _free_port()
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
    total_s = args.rounds * len(routes(args)) * len(args.concurrency) * len(servers) * (args.seconds + 0.7) + 10
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
    for round_no in range(1, args.rounds + 1):
        for path, name, auth in routes(args):
            for c in args.concurrency:
                for s in servers if round_no % 2 else servers[::-1]:
                    target = path if isinstance(path, list) else path.format(**s.info)
                    meter = cpu_meter(s.server.pid, s.database)
                    result = load(s.port, target, s.headers(auth), c, args.seconds, meter)
                    rows.append({"code": s.label, "route": name, "c": c, "round": round_no, **result})
                    print(
                        f"  r{round_no} {s.label:<13} {name:<40} c={c:<3} {result['rps']:7.1f} req/s"
                        f"  p95 {result['p95']:7.1f} ms  CPU/req {result['app_cpu_ms']:.2f} + "
                        f"{result['db_cpu_ms']:.2f} ms  errors {result['errors']}",
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


#: Issue 29's target: the search page's throughput at 8 clients >= 3x before's, and what "today"
#: was when the issue was filed (1,000,000 segments, this machine): 6.8 req/s at 1 client, 8.1 at 8.
SEARCH_TARGET = 3.0
ISSUE_RPS = {1: 6.8, 8: 8.1}


def ratio_interval(ratios: list[float], rng: random.Random, n: int = 2000) -> tuple[float, float, float]:
    """Geometric mean of per-round ratios (after / before, measured back to back in a round) and
    its 95% bootstrap interval over the rounds."""
    logs = [math.log(r) for r in ratios]
    means = sorted(statistics.fmean(rng.choices(logs, k=len(logs))) for _ in range(n))
    return (
        math.exp(statistics.fmean(logs)),
        math.exp(means[int(0.025 * (n - 1))]),
        math.exp(means[int(0.975 * (n - 1))]),
    )


def verdict(lo: float, hi: float, target: float) -> str:
    """PASS only when the whole interval is at or over the target, FAIL when it is wholly under."""
    if lo >= target:
        return "PASS"
    if hi < target:
        return "FAIL"
    return "UNDECIDED"


def report(backend: str, rows: list[dict[str, Any]]) -> None:
    table = [r for r in rows if "route" in r]
    health = {(r["code"], r["c"], r.get("round", 1)): r for r in table if r["route"].startswith("GET /healthz")}
    print(f"\n## {backend}\n")
    print(
        "| round | code | route | conc. | req/s | p50 ms | p95 ms | p99 ms | p95 / healthz p95 "
        "| app CPU ms/req | db CPU ms/req | errors |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in table:
        base = health[(r["code"], r["c"], r.get("round", 1))]["p95"]
        print(
            f"| {r.get('round', 1)} | {r['code']} | {r['route']} | {r['c']} | {r['rps']:.1f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {r['p95'] / base:.1f}x | {r['app_cpu_ms']:.2f} | "
            f"{r['db_cpu_ms']:.2f} | {r['errors']} |"
        )
    by: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for r in table:
        by.setdefault((r["code"], r["route"], r["c"]), []).append(r)
    rng = random.Random(3)
    print("\nthroughput after / before at each concurrency (geometric mean of the rounds' ratios, 95% interval):")
    for (code, route, c), runs in by.items():
        was = by.get(("before", route, c))
        if not code.startswith("after") or not was:
            continue
        ratios = [r["rps"] / w["rps"] for r, w in zip(runs, was, strict=True) if w["rps"] > 0]
        if not ratios:
            continue
        mean, lo, hi = ratio_interval(ratios, rng)
        cpu_now = statistics.median(r["app_cpu_ms"] + r["db_cpu_ms"] for r in runs)
        cpu_was = statistics.median(w["app_cpu_ms"] + w["db_cpu_ms"] for w in was)
        line = (
            f"  {code:<13} {route:<30} c={c:<3} {mean:5.2f}x [{lo:.2f}-{hi:.2f}]"
            f"  req/s {statistics.median(w['rps'] for w in was):.1f} -> {statistics.median(r['rps'] for r in runs):.1f}"
            f"  CPU/req (app + db) {cpu_was:.1f} -> {cpu_now:.1f} ms"
        )
        if route.startswith("GET /search") and c == 8:
            line += f"  target >= {SEARCH_TARGET:g}x: {verdict(lo, hi, SEARCH_TARGET)}"
        print(line)
    search = [r for r in table if r["route"].startswith("GET /search") and r["c"] in ISSUE_RPS]
    if search:
        print("\nfor reference only (another day's load, not a same-run baseline): the issue's figures, 6.8 req/s at")
        print("1 client and 8.1 at 8; this run's median req/s per side:")
        for (code, route, c), runs in by.items():
            if route.startswith("GET /search") and c in ISSUE_RPS:
                rps = statistics.median(r["rps"] for r in runs)
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
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every measurement, sides alternating")
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
    versions = [("before", args.before.resolve())] if args.before else []
    versions.append(("after", REPO))
    tmp = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="bench_web_"))
    print(
        f"{args.n:,} VSLs + one 60-minute VSL of 900 segments per database"
        + (
            f" + {args.search:,} more ({args.n * args.segments + 900 * (args.search + 1):,} segments)"
            if args.search
            else ""
        )
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
    if args.browser:
        browser_report(tmp / "browser", args)
    return 0


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
    keys = populate(settings.database, 10, 12, rng)
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
