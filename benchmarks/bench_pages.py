"""Server time of every page at 10,000 VSLs, next to ``GET /healthz`` measured in the same run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_pages.py                 # 10,000 VSLs (issue 27's size)
    .venv/bin/python benchmarks/bench_pages.py --n 2000 --requests 30

One SQLite app database and search index in a temporary directory, filled by ``bench_web``'s
generator (``populate``: statuses, sources, videos, transcripts, breakdowns and beats of ``--n``
VSLs; ``add_long_vsl``: one 60-minute Portuguese VSL of 900 segments whose sentences come from
``search_corpus``, word bigrams of the scripts we wrote), then made realistic where insights and
filters look: guarantee lengths (7/30/60/90 days or none), a fifth of the grades below the
threshold (unsure prices, leads, guarantees), ``--long`` more 60-minute VSLs, two boards (50 and
2,000 VSLs) and saved searches.  Every transcript is indexed with the product's search backend.

The app is the shipped ASGI app, called in this process through Starlette's test client as a
logged-in user (cookie): a request's time is the server's work plus the client's fixed overhead,
which ``/healthz`` (public, no query) shows, so read each page next to it.  Routes are measured in rounds, one request of each per round in a shuffled
order, so a change in the machine's load hits them alike; p50/p95 come from ``--requests`` rounds
after ``--warmup`` rounds.  The ``(uncached)`` insights routes drop their own scope's cached
aggregates before each request: what the first view after a change costs.

Target (issue 27): every page's p95 <= 100 ms.  Reports; does not gate (exit 0).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 100.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def more_long_vsls(database: str, rng: random.Random, count: int) -> None:
    """``count`` more 60-minute VSLs (900 segments of natural PT/EN/ES sentences each)."""
    from datetime import UTC, datetime

    import search_corpus  # type: ignore[import-not-found]
    from sqlalchemy import insert, select

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BreakdownRow, Source, TranscriptRow, Url, Video
    from vsl_assets.net.urls import normalize_url, partition_key_for

    chains = search_corpus.chains()
    now = datetime.now(UTC)
    with session_scope(database) as s:
        for i in range(count):
            lang = ("pt", "en", "es")[i % 3]
            texts = search_corpus.vsl_segments(rng, chains[lang], 900)
            segs = [{"start": j * 4.0, "end": j * 4.0 + 3.9, "text": t} for j, t in enumerate(texts)]
            url = normalize_url(f"https://long{i}.example.com/vsl")
            key = partition_key_for(url)
            s.execute(
                insert(Url),
                [{"url": url, "partition_key": key, "status": "analyzed", "queue_count": 0, "created_at": now}],
            )
            uid = s.scalar(select(Url.id).where(Url.partition_key == key))
            s.execute(
                insert(Source),
                [{"url_id": uid, "page_url": url, "stream_url": url, "kind": "vturb", "title": f"Long {i}"}],
            )
            s.execute(insert(Video), [{"url_id": uid, "path": "x", "size_bytes": 1, "duration_s": 3600.0}])
            s.execute(
                insert(TranscriptRow),
                [
                    {
                        "url_id": uid,
                        "text": " ".join(texts),
                        "language": lang,
                        "engine": "bench",
                        "model": "bench",
                        "segments": segs,
                        "word_count": sum(len(t.split()) for t in texts),
                    }
                ],
            )
            s.execute(
                insert(BreakdownRow),
                [
                    {
                        "url_id": uid,
                        "status": "ok",
                        "language": lang,
                        "niche": "health/weight loss",
                        "niche_top": "health",
                        "lead_type": "story",
                        "awareness": "problem_aware",
                        "duration_s": 3600.0,
                        "pitch_s": 2400.0,
                        "offer_amount": 197.0,
                        "offer_currency": "BRL",
                        "guarantee_days": 30,
                        "engine": "bench",
                        "model": "bench",
                        "data": {},
                    }
                ],
            )


def natural_words(database: str, rng: random.Random) -> int:
    """The short VSLs' transcripts rewritten in natural sentences of their language (``bench_web``
    fills them with a word soup, where every word is in a quarter of the segments)."""
    import search_corpus  # type: ignore[import-not-found]
    from sqlalchemy import select, update

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import TranscriptRow

    chains = search_corpus.chains()
    with session_scope(database) as s:
        rows = s.execute(select(TranscriptRow.id, TranscriptRow.language, TranscriptRow.segments)).all()
        changes = []
        for tid, lang, segs in rows:
            if len(segs) >= 900:
                continue
            texts = search_corpus.vsl_segments(rng, chains[lang or "pt"], len(segs))
            new = [{**seg, "text": text} for seg, text in zip(segs, texts, strict=True)]
            changes.append({"id": tid, "segments": new, "text": " ".join(texts)})
        for start in range(0, len(changes), 1000):
            s.execute(update(TranscriptRow), changes[start : start + 1000])
    return len(changes)


def realistic(database: str, rng: random.Random) -> tuple[int, int]:
    """Guarantees, unsure grades, two boards, saved searches; returns the boards' ids."""
    from sqlalchemy import select, update

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BreakdownRow, Url
    from vsl_assets.db.search_models import SavedSearch
    from vsl_assets.db.web_models import Board, BoardItem

    with session_scope(database) as s:
        ids = list(s.scalars(select(BreakdownRow.id)))
        for i in ids:
            values: dict[str, Any] = {"guarantee_days": rng.choice((7, 30, 30, 30, 60, 90, None))}
            if rng.random() < 0.2:
                values["confidence"] = {"offer_price": 0.3, "lead_type": 0.4, "guarantee_days": 0.2}
            s.execute(update(BreakdownRow).where(BreakdownRow.id == i).values(**values))
        url_ids = list(s.scalars(select(Url.id)))
        boards = []
        for name, size in (("Favoritos", 50), ("Swipe grande", 2000)):
            board = Board(user_id=1, name=name)
            s.add(board)
            s.flush()
            s.add_all(BoardItem(board_id=board.id, url_id=u, tags=[]) for u in rng.sample(url_ids, size))
            boards.append(board.id)
        for q in ("q=garantia&language=pt", "q=ritual&niche=health", "q=30+dias"):
            s.add(SavedSearch(user_id=1, name=q, query=q))
    return boards[0], boards[1]


def index_everything(database: str) -> float:
    from vsl_assets.db import session_scope
    from vsl_assets.search import shared_search
    from vsl_assets.search.documents import all_documents

    start = time.perf_counter()
    backend = shared_search(database)
    with session_scope(database) as s:
        for doc in all_documents(s, min_confidence=0.6):
            backend.index_vsl(doc)
    return time.perf_counter() - start


def login(client: Any) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no login form"
    done = client.post(
        "/login",
        data={"username": "bench", "password": "bench password", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="VSLs (default 10,000)")
    parser.add_argument("--segments", type=int, default=12, help="segments of each short VSL")
    parser.add_argument("--long", type=int, default=20, help="more 60-minute VSLs (900 segments)")
    parser.add_argument("--requests", type=int, default=60, help="measured rounds (one request per route each)")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    database = f"sqlite:///{tmp / 'vsl.db'}"
    os.environ["VSL_DATABASE_URL"] = database
    os.environ["VSL_STORAGE_DIR"] = str(tmp)
    import bench_web  # type: ignore[import-not-found]
    from fastapi.testclient import TestClient

    from vsl_assets import settings as settings_module
    from vsl_assets.db import session_scope
    from vsl_assets.services import insights
    from vsl_assets.web import create_app
    from vsl_assets.web.users import add_user

    rng = random.Random(27)
    t0 = time.perf_counter()
    with session_scope(database) as s:
        add_user(s, "bench", "bench password")
    bench_web.populate(database, args.n, args.segments, rng)
    long_key = bench_web.add_long_vsl(database, rng)
    more_long_vsls(database, rng, args.long)
    natural_words(database, rng)
    small_board, big_board = realistic(database, rng)
    seeded = time.perf_counter() - t0
    indexed = index_everything(database)
    print(
        f"{args.n:,} VSLs + {args.long + 1} of 60 minutes seeded in {seeded:.1f} s, indexed in {indexed:.1f} s",
        flush=True,
    )

    settings = settings_module.current()
    app = create_app(settings)
    routes: dict[str, str] = {
        "healthz (baseline)": "/healthz",
        "library": "/",
        "library filtered": "/?niche=health&lead=story&price_max=200&duration_min=600",
        "library page 50": "/?offset=1200&sort=-price",
        "library on board": f"/?board={big_board}",
        "search word": "/search?q=garantia",
        "search phrase+filters": "/search?q=%22ritual+da+manh%C3%A3%22&language=pt&niche=health",
        "search number": "/search?q=30+dias",
        "search board (50)": f"/search?q=ritual&board={small_board}",
        "search board (2,000)": f"/search?q=ritual&board={big_board}",
        "search (empty form)": "/search",
        "vsl 900 segments": f"/vsl/{long_key}",
        "boards": "/boards",
        "board (50)": f"/boards/{small_board}",
        "board (2,000)": f"/boards/{big_board}",
        "insights": "/insights",
        "insights niche": "/insights?niche=health",
        "insights board": f"/insights?board={big_board}",
        "insights (uncached)": "/insights?sort=oldest",
        "insights niche (uncached)": "/insights?niche=relationships",
        "api insights": "/api/insights?niche=health",
        "queue": "/queue",
        "add": "/add",
    }

    def forget(test: Callable[[Any], bool]) -> Callable[[], None]:
        """Drop only the cached insights of one scope (the cached routes keep theirs)."""
        return lambda: [insights._cache.pop(k) for k in list(insights._cache) if test(k[1])] and None

    before: dict[str, Callable[[], None]] = {
        "insights (uncached)": forget(lambda f: f.sort == "oldest"),
        "insights niche (uncached)": forget(lambda f: f.niche == "relationships"),
    }
    times: dict[str, list[float]] = {name: [] for name in routes}
    statuses: dict[str, set[int]] = {name: set() for name in routes}
    with TestClient(app) as client:
        login(client)
        names = list(routes)
        for round_no in range(args.warmup + args.requests):
            rng.shuffle(names)
            for name in names:
                if name in before:
                    before[name]()
                start = time.perf_counter()
                response = client.get(routes[name])
                elapsed = (time.perf_counter() - start) * 1000
                statuses[name].add(response.status_code)
                if round_no >= args.warmup:
                    times[name].append(elapsed)
    base = statistics.median(times["healthz (baseline)"])
    print(f"\nserver time per page, {args.requests} requests each ({args.warmup} warm-up rounds), ms")
    print(f"  {'page':<24} {'p50':>8} {'p95':>8} {'p95/healthz p50':>16}  status  target p95 <= {TARGET_MS:g} ms")
    over = []
    for name in routes:
        values = times[name]
        p50, p95 = pct(values, 50), pct(values, 95)
        verdict = "PASS" if p95 <= TARGET_MS else "FAIL"
        if verdict == "FAIL":
            over.append(name)
        codes = ",".join(str(c) for c in sorted(statuses[name]))
        print(f"  {name:<24} {p50:8.1f} {p95:8.1f} {p95 / base:15.1f}x  {codes:>6}  {verdict}")
    print(f"\npages over {TARGET_MS:g} ms p95: {', '.join(over) if over else 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
