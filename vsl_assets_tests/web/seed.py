"""Rows and files of analyzed VSLs written straight into the database and storage.

The API tests need VSLs in known states without running the pipeline for each; the browser test
runs the real pipeline.  Everything here goes through the project's models and storage layout.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.breakdown.models import Breakdown
from vsl_assets.db import repo
from vsl_assets.db.models import DeadLetter, Job, Source, TranscriptRow, Url, Video
from vsl_assets.net.urls import normalize_url
from vsl_assets.search import SearchBackend, shared_search
from vsl_assets.search.documents import document_for
from vsl_assets.services import insights
from vsl_assets.settings import Settings
from vsl_assets.storage import StorageLayout, atomic_write_text


@dataclass
class Fake:
    url: str
    status: str = "analyzed"
    title: str | None = None
    language: str | None = "pt"
    niche: str | None = "health/weight loss"
    lead: str | None = "story"
    awareness: str | None = "problem_aware"
    duration_s: float = 120.0
    price: float | None = 197.0
    currency: str | None = "BRL"
    reason: str | None = None
    segments: list[tuple[float, float, str]] = field(
        default_factory=lambda: [
            (0.0, 4.0, "Você vai descobrir o ritual da manhã."),
            (4.0, 9.5, "Milhares de pessoas já assistiram."),
            (9.5, 15.0, "Garantia de 30 dias na oferta especial."),
        ]
    )


def seed(session: Session, layout: StorageLayout, fake: Fake, video: Path | None = None) -> str:
    """Insert one VSL (and write its transcript files, and its video when given); returns its key."""
    [added] = repo.add_urls(session, [normalize_url(fake.url)])
    key = added.partition_key
    url = repo.require_url(session, key)
    # Through the running counts, as the pipeline writes (the insights read them).
    with insights.counted(session, [url.id]):
        url.status = fake.status
        url.reason = fake.reason
        session.add(
            Source(url_id=url.id, page_url=url.url, stream_url=url.url, kind="hls", title=fake.title, cta_seconds=9.0)
        )
        size = 1000
        if video is not None:
            layout.ensure()
            target = layout.video_path(key)
            target.write_bytes(video.read_bytes())
            size = target.stat().st_size
        session.add(Video(url_id=url.id, path=str(layout.video_path(key)), size_bytes=size, duration_s=fake.duration_s))
        segs = [{"start": a, "end": b, "text": t} for a, b, t in fake.segments]
        text = " ".join(t for _, _, t in fake.segments)
        session.add(
            TranscriptRow(
                url_id=url.id,
                text=text,
                language=fake.language,
                engine="test",
                model="test",
                segments=segs,
                word_count=9,
            )
        )
        layout.ensure()
        atomic_write_text(layout.transcript_path(key, "txt"), text + "\n")
        atomic_write_text(
            layout.transcript_path(key, "json"), json.dumps({"language": fake.language, "segments": segs})
        )
        atomic_write_text(layout.transcript_path(key, "vtt"), "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nhello\n")
        atomic_write_text(layout.transcript_path(key, "srt"), "1\n00:00:00,000 --> 00:00:04,000\nhello\n")
        if fake.status == "analyzed":
            beats = [("hook", 0.0, 4.0, fake.segments[0][2]), ("offer", 9.5, 15.0, fake.segments[-1][2])]
            repo.save_breakdown(
                session,
                url.id,
                beats,
                status="ok",
                language=fake.language,
                niche=fake.niche,
                niche_top=fake.niche.split("/")[0] if fake.niche else None,
                awareness=fake.awareness,
                lead_type=fake.lead,
                duration_s=fake.duration_s,
                pitch_s=9.5,
                page_pitch_s=9.0,
                offer_amount=fake.price,
                offer_currency=fake.currency,
                guarantee_days=30,
                hook=fake.segments[0][2],
                engine="local",
                model="rules",
                data={"evidence": {"guarantee_days": {"quote": "Garantia de 30 dias", "start": 9.5, "end": 15.0}}},
            )
    session.add(Job(url_id=url.id, step="video_file", attempt=1, outcome="succeeded"))
    if fake.status == "failed":
        session.add(
            DeadLetter(
                url_id=url.id,
                step="video_file",
                error_class="HttpError",
                message=fake.reason or "HTTP 404 from the stream URL",
                payload={"partition_key": key},
            )
        )
    session.flush()
    return key


def seed_breakdown(session: Session, layout: StorageLayout, key: str, breakdown: Breakdown) -> None:
    """Store ``breakdown`` for ``key`` exactly as the breakdown asset does: its JSON file, and its
    row and beats through the asset's own column mapping (page pitch from the seeded source)."""
    from vsl_assets.services.steps.breakdown import _columns

    url = repo.require_url(session, key)
    layout.breakdowns.mkdir(parents=True, exist_ok=True)
    atomic_write_text(layout.breakdown_path(key), breakdown.model_dump_json(indent=2))
    source = session.scalar(select(Source).where(Source.url_id == url.id))
    with insights.counted(session, [url.id]):
        repo.save_breakdown(
            session,
            url.id,
            [(x.beat, x.start, x.end, x.quote) for x in breakdown.beats],
            **_columns(breakdown, 120.0, source.cta_seconds if source else None, None),
        )
    session.flush()


def search_of(settings: Settings) -> SearchBackend:
    """The search backend the app under test reads (``VSL_SEARCH_BACKEND`` honoured), so what a
    test indexes is what its pages and API find, whichever backend the suite runs on."""
    return shared_search(settings.database, settings.search_backend)


def index_all(session: Session, settings: Settings, keys: list[str], min_confidence: float = 0.6) -> None:
    backend = search_of(settings)
    for key in keys:
        doc = document_for(session, key, min_confidence=min_confidence)
        if doc is not None:
            backend.index_vsl(doc)


def url_id(session: Session, key: str) -> int:
    return repo.require_url(session, key).id


__all__ = ["Fake", "Url", "index_all", "search_of", "seed", "seed_breakdown"]
