"""Web app speed at 10,000 VSLs: library page and API list, VSL page, search, against baselines
measured in the same run on the same database.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_web.py               # 10,000 synthetic VSLs, SQLite + embedded search
    .venv/bin/python benchmarks/bench_web.py --n 2000 --requests 50

Rows are synthetic (urls, sources, videos, transcripts of ``--segments`` segments, breakdowns with
two beats, one job each) and indexed into the search backend; requests go through the real ASGI
app in-process (``TestClient``: server time, no network), authenticated as a real user.

Baselines: ``GET /healthz`` (the app's fixed cost: routing, middleware, one ``SELECT 1``), a raw
``SELECT count(*)`` over the joined library tables, and the search backend called directly (the
web layer's overhead over search).  Targets from the issue: library page and API list p95 <= 100 ms,
VSL page <= 150 ms, search <= the search targets + 50 ms.  The script reports; it does not gate.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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


def timed(fn: Callable[[], object], n: int) -> list[float]:
    fn()  # warm caches (templates compiled, statements prepared)
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def populate(database: str, n: int, segments: int, rng: random.Random) -> list[str]:
    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BeatRow, BreakdownRow, Job, Source, TranscriptRow, Url, Video
    from vsl_assets.urls import normalize_url, partition_key_for

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="synthetic VSLs (default 10,000)")
    parser.add_argument("--segments", type=int, default=12, help="transcript segments per VSL (default 12)")
    parser.add_argument("--requests", type=int, default=100, help="requests per measured route (default 100)")
    parser.add_argument(
        "--browser", action="store_true", help="also time seeks in real Chromium (/usr/lib/chromium/chromium)"
    )
    parser.add_argument("--seeks", type=int, default=20, help="seeks timed in the browser (default 20)")
    args = parser.parse_args()
    rng = random.Random(7)
    tmp = Path(tempfile.mkdtemp(prefix="bench_web_"))
    os.environ["VSL_STORAGE_DIR"] = str(tmp / "storage")
    os.environ["VSL_DATABASE_URL"] = f"sqlite:///{tmp / 'storage' / 'vsl.db'}"

    from fastapi.testclient import TestClient

    from vsl_assets import settings as settings_module
    from vsl_assets.db import session_scope
    from vsl_assets.db.models import Url
    from vsl_assets.search import SearchQuery, shared_search
    from vsl_assets.search.documents import all_documents
    from vsl_assets.web import create_app
    from vsl_assets.web.users import add_user, create_token

    settings = settings_module.current()
    start = time.perf_counter()
    keys = populate(settings.database, args.n, args.segments, rng)
    backend = shared_search(settings.database)
    with session_scope(settings.database) as s:
        docs = all_documents(s, min_confidence=settings.breakdown_min_confidence)
        indexed = sum(1 for doc in docs if backend.index_vsl(doc) >= 0)
        add_user(s, "bench", "bench password")
        token = create_token(s, "bench")
    print(
        f"{args.n:,} VSLs ({indexed:,} with transcripts, {args.segments} segments each) written and indexed "
        f"in {time.perf_counter() - start:.1f} s under {tmp}"
    )

    client = TestClient(create_app(settings))
    bearer = {"Authorization": f"Bearer {token}"}
    login_page = client.get("/login").text
    csrf = login_page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "bench", "password": "bench password", "csrf_token": csrf})
    mid_after = client.get(
        "/api/vsls", params={"limit": 24, "offset": args.n // 2, "sort": "oldest"}, headers=bearer
    ).json()["items"][0]
    with session_scope(settings.database) as s:
        deep_after = s.scalar(select(Url.id).where(Url.partition_key == mid_after["partition_key"]))
    analyzed = [k for k in keys[-200:]]

    def get(path: str, **params: Any) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path, params=params, headers=bearer)
            assert response.status_code == 200, (path, response.status_code, response.text[:200])
            return response

        return call

    def page(path: str, **params: Any) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path, params=params)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    def raw_count() -> object:
        with session_scope(settings.database) as s:
            return s.execute(
                text(
                    "SELECT count(*) FROM urls LEFT JOIN sources ON sources.url_id = urls.id "
                    "LEFT JOIN videos ON videos.url_id = urls.id LEFT JOIN breakdowns ON breakdowns.url_id = urls.id"
                )
            ).scalar()

    keys_cycle = iter(analyzed * (args.requests // len(analyzed) + 2))
    words = iter(rng.choices(WORDS, k=args.requests * 4))
    n = args.requests
    rows: list[tuple[str, list[float], str]] = [
        ("baseline: GET /healthz", timed(get("/healthz"), n), ""),
        ("baseline: raw SQL count(*) over the joined tables", timed(raw_count, n), ""),
        ("GET /api/vsls (newest, 24)", timed(get("/api/vsls"), n), "<= 100"),
        (
            "GET /api/vsls filtered (lang+niche+price)",
            timed(get("/api/vsls", language="pt", niche="health", price_max=200), n),
            "<= 100",
        ),
        (
            f"GET /api/vsls sort=-price, offset {args.n // 2:,}",
            timed(get("/api/vsls", sort="-price", offset=args.n // 2), n),
            "<= 100",
        ),
        ("GET /api/vsls keyset page at the middle", timed(get("/api/vsls", after=deep_after), n), "<= 100"),
        ("GET / library page (HTML, 24 cards)", timed(page("/"), n), "<= 100"),
        (
            "GET / library page filtered",
            timed(page("/", status="analyzed", lead="story", sort="duration"), n),
            "<= 100",
        ),
        ("GET /vsl/{key} (HTML)", timed(lambda: page(f"/vsl/{next(keys_cycle)}")(), n), "<= 150"),
        ("GET /api/vsls/{key}", timed(lambda: get(f"/api/vsls/{next(keys_cycle)}")(), n), "<= 150"),
        (
            "baseline: search backend direct (one word)",
            timed(lambda: backend.search(SearchQuery(text=next(words))), n),
            "",
        ),
        ("GET /api/search?q=word", timed(lambda: get("/api/search", q=next(words))(), n), "<= search + 50"),
        ("GET /search?q=word (HTML)", timed(lambda: page("/search", q=next(words))(), n), "<= search + 50"),
    ]
    if args.browser:
        rows += browser_seeks(settings, keys[-1], args.seeks, rng)
    print(f"\n{'route':<46} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  target p95")
    for name, values, target in rows:
        print(f"{name:<46} {statistics.median(values):8.1f} {pct(values, 95):8.1f} {max(values):8.1f}  {target}")
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
