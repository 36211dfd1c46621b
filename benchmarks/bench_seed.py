"""The synthetic library the web benchmarks seed, one definition for all of them (bench_web,
bench_pages, bench_boards): ``--n`` short VSLs with transcripts, breakdowns and beats, a realistic
60-minute VSL, more of those for the search page, natural sentences, and the search index.

Every function imports ``vsl_assets`` when called, so it seeds with the code under test: the
checkout on ``sys.path`` of the process calling it (a baseline's worktree, or this checkout).
The sentences come from ``search_corpus`` (word bigrams of the VSL scripts we wrote).
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

WORDS = (
    "você vai descobrir ritual manhã emagrecer garantia dias oferta especial segredo médicos não querem "
    "saiba dinheiro renda extra investir método simples passo corpo saúde energia dormir melhor "
    "this short video morning ritual thousands people lose weight special offer today button access"
).split()
NICHES = ("health/weight loss", "health/diabetes", "money/investing", "money/side income", "relationships/dating")
LEADS = ("offer", "promise", "problem_solution", "big_secret", "proclamation", "story")
AWARE = ("unaware", "problem_aware", "solution_aware", "product_aware", "most_aware")


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


def more_long_vsls(database: str, rng: random.Random, count: int) -> None:
    """``count`` more 60-minute VSLs (900 segments of natural PT/EN/ES sentences each)."""
    from datetime import UTC, datetime

    import search_corpus  # type: ignore[import-not-found]
    from sqlalchemy import insert, select

    from vsl_assets.db import session_scope
    from vsl_assets.db.models import BreakdownRow, Source, TranscriptRow, Url, Video

    normalize_url, partition_key_for = _url_keys()
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


def index_everything(database: str) -> float:
    from vsl_assets.db import session_scope
    from vsl_assets.search import shared_search
    from vsl_assets.search.documents import all_documents

    start = time.perf_counter()
    engine = os.environ.get("VSL_SEARCH_BACKEND")  # the backend the server will read
    backend = shared_search(database, engine) if engine else shared_search(database)
    with session_scope(database) as s:
        for doc in all_documents(s, min_confidence=0.6):
            backend.index_vsl(doc)
    return time.perf_counter() - start


def index_search(database: str, engine: str | None, chunk: int = 50) -> tuple[float, int]:
    """Index every transcript with the code under test's backend ``engine`` (its default when
    None): its bulk build (``index_many``, what ``vsl reindex`` does) where the code has one, else
    one VSL at a time as that code's pipeline did.  VSLs are read ``chunk`` at a time (a million
    segments of ORM rows at once would be gigabytes).  Returns (seconds, segments).

    ``bench_web``'s search page at 1,000,000 segments: one VSL at a time (``index_everything``)
    would take each side far longer than its own ``vsl reindex`` does."""
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
