"""The product's record: what the swipe file, search and status views read.

Dagster's event log is the operator's record; these tables are the product's, so they must be
true on their own (every attempt a ``jobs`` row, every failure a ``dead_letters`` row).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    func,
    null,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UrlStatus(enum.StrEnum):
    PENDING_INGEST = "pending_ingest"
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    DOWNLOADED = "downloaded"
    TRANSCRIBING = "transcribing"
    TRANSCRIBED = "transcribed"
    ANALYZING = "analyzing"
    ANALYZED = "analyzed"
    FAILED = "failed"
    #: The page plays a video another URL already has: shown as that VSL's alias, not processed.
    ALIAS = "alias"


#: The one step -> status table: the URL's status while each pipeline step runs, and once it is done.
#: (Extracting the audio still counts as "downloading": the video is not usable until both exist.
#: So the video step ends still "downloading": ending it "downloaded" made the status go back to
#: "downloading" when the audio step started, which a person watching reads as going backwards.)
STEP_STATUSES: dict[str, tuple[UrlStatus, UrlStatus]] = {
    "source_page": (UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADING),
    "video_file": (UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADING),
    "audio_file": (UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADED),
    "transcript": (UrlStatus.TRANSCRIBING, UrlStatus.TRANSCRIBED),
    "breakdown": (UrlStatus.ANALYZING, UrlStatus.ANALYZED),
    # Indexing takes milliseconds and changes nothing a person waits for: the URL stays analyzed.
    "search_index": (UrlStatus.ANALYZED, UrlStatus.ANALYZED),
}
#: The pipeline steps in order (re-materialized when a URL is retried).
PIPELINE_STEPS = tuple(STEP_STATUSES)

#: Statuses that mean "a run owns this URL right now"; reconciliation watches these.
IN_PROGRESS = (UrlStatus.QUEUED, UrlStatus.DOWNLOADING, UrlStatus.TRANSCRIBING, UrlStatus.ANALYZING)
#: Every status a run may leave a URL in before its last step: a failed or cancelled run fails these.
IN_FLIGHT = (
    UrlStatus.QUEUED,
    UrlStatus.DOWNLOADING,
    UrlStatus.DOWNLOADED,
    UrlStatus.TRANSCRIBING,
    UrlStatus.ANALYZING,
)


class JobOutcome(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    REUSED = "reused"  # a valid output existed; no work done
    RETRYING = "retrying"  # failed transiently; Dagster will retry the step
    FAILED = "failed"
    #: The run's process is up and waiting for its first step (a pool slot): see ``WAIT_STEP``.
    WAITING = "waiting"


#: Step name of the row a run opens while it waits for its first step (:func:`vsl_assets.db.repo.
#: open_wait`): a transcription-stage run of split queues has no other row until its slot frees,
#: and this one carries its process for reconciliation and the heartbeat.  Not a pipeline step.
WAIT_STEP = "waiting"


class Base(DeclarativeBase):
    pass


class Url(Base):
    __tablename__ = "urls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    partition_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(32), index=True, default=UrlStatus.PENDING_INGEST)
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: Bumped by ``vsl retry`` so the sensor's run key differs from the previous attempt's.
    queue_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The VSL's language as a person gave it (``vsl add --language``, the Add page): transcribed
    #: in it, no detection.  None: detected among ``VSL_LANGUAGES``.
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    #: The Whisper model (name or directory) this URL is transcribed with, instead of the setting.
    transcribe_model: Mapped[str | None] = mapped_column(String(256), default=None)
    #: ``transcript``: the next run transcribes again (and redoes what follows) instead of reusing
    #: the stored transcript, which stays until the new one replaces it.  Cleared once it has.
    redo_from: Mapped[str | None] = mapped_column(String(32), default=None)
    #: The title a person gave this VSL; None = the detected one (``services.titles``), which is
    #: never overwritten by an edit, so clearing the edit restores it.
    title: Mapped[str | None] = mapped_column(Text, default=None)
    #: The title its sales page showed when the page was read but gave no video (no player, DRM...):
    #: what it is called while it has no ``sources`` row (``services.titles``).  Set by ``source_page``.
    page_title: Mapped[str | None] = mapped_column(Text, default=None)
    #: The VSL this URL is a duplicate of: its page resolved to the same video (status ``alias``,
    #: not processed again).  Set by the ``source_page`` step (``services.steps.source``).
    #: (No FOREIGN KEY: SQLite cannot add one to an existing table without copying it; removing
    #: a VSL clears this on its aliases, ``repo.delete_url``.)
    alias_of: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UrlTotal(Base):
    """How many rows ``urls`` holds, kept by the database itself (triggers of migration
    ``0015_pg``) so the library's total is one row read: PostgreSQL's ``count(*)`` walked an index
    of every URL on each library page and API list (~0.9 ms at 10,000 VSLs).

    One row (``id`` 1).  On PostgreSQL a deferred trigger applies each inserted or deleted URL at
    commit (the row is locked only while a transaction commits, so two writers never wait on each
    other in a cycle); on SQLite (one writer at a time) a trigger per row.  Rolled back with the
    rows it counts; read in the same snapshot as them."""

    __tablename__ = "url_total"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


class Source(Base):
    """What the page URL resolved to: the stream to download and what the page showed."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), unique=True)
    page_url: Mapped[str] = mapped_column(Text)
    stream_url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text, default=None)
    thumbnail: Mapped[str | None] = mapped_column(Text, default=None)
    #: ``[{"url": ..., "kind": ...}]``: the page's other videos (testimonials, A/B variants...).
    other_videos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cta_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    #: Where ``cta_seconds`` was read: "vturb config pitchTime", "page script setTimeout"...
    cta_source: Mapped[str | None] = mapped_column(Text, default=None)
    referer: Mapped[str | None] = mapped_column(Text, default=None)
    #: Request headers players check (Referer, Origin); never credentials.
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    drm: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The video's identity (``services.steps.source.stream_key``): two URLs with the same key
    #: play the same video, and the later one becomes an alias of the first.
    stream_key: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Video(Base):
    __tablename__ = "videos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), unique=True)
    path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[float] = mapped_column(Float)
    container: Mapped[str | None] = mapped_column(String(64), default=None)
    video_codec: Mapped[str | None] = mapped_column(String(32), default=None)
    audio_codec: Mapped[str | None] = mapped_column(String(32), default=None)
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    bitrate: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Audio(Base):
    __tablename__ = "audio"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), unique=True)
    path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[float] = mapped_column(Float)
    codec: Mapped[str | None] = mapped_column(String(32), default=None)
    sample_rate: Mapped[int | None] = mapped_column(Integer, default=None)
    channels: Mapped[int | None] = mapped_column(Integer, default=None)
    bitrate: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class TranscriptRow(Base):
    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    segments: Mapped[list[Any]] = mapped_column(JSON)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    billed_minutes: Mapped[float | None] = mapped_column(Float, default=None)
    cost_usd: Mapped[float | None] = mapped_column(Float, default=None)
    #: How the language was decided (see ``Transcript.language_source``) and how surely.
    language_probability: Mapped[float | None] = mapped_column(Float, default=None)
    language_source: Mapped[str | None] = mapped_column(String(16), default=None)
    language_note: Mapped[str | None] = mapped_column(Text, default=None)
    #: ``[{"kind", "message"}]``: why the transcript should not be trusted as is; empty = fine.
    warnings: Mapped[list[Any] | None] = mapped_column(JSON, default=list)
    #: Share of the VAD's speech time covered by transcript segments (0-1).
    speech_coverage: Mapped[float | None] = mapped_column(Float, default=None)
    #: 0-1, see ``transcription.quality.quality_score``; None: unknown (no per-segment signals).
    quality_score: Mapped[float | None] = mapped_column(Float, default=None)
    #: A warning or a low quality score: the library's "needs review" filter.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class BreakdownRow(Base):
    """A VSL's breakdown: the labels as queryable columns; the whole breakdown (evidence...) in ``data``."""

    __tablename__ = "breakdowns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    niche: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    niche_top: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    awareness: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    lead_type: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    #: The second the offer section starts, read from the transcript...
    pitch_s: Mapped[float | None] = mapped_column(Float, index=True, default=None)
    #: ...and as the player's configuration on the page announced it (``sources.cta_seconds``).
    page_pitch_s: Mapped[float | None] = mapped_column(Float, default=None)
    #: The second the product is first named (often minutes before the offer section).
    product_reveal_s: Mapped[float | None] = mapped_column(Float, index=True, default=None)
    offer_amount: Mapped[float | None] = mapped_column(Float, index=True, default=None)
    offer_currency: Mapped[str | None] = mapped_column(String(8), default=None)
    offer_installments: Mapped[int | None] = mapped_column(Integer, default=None)
    offer_installment_amount: Mapped[float | None] = mapped_column(Float, default=None)
    anchor_amount: Mapped[float | None] = mapped_column(Float, default=None)
    anchor_currency: Mapped[str | None] = mapped_column(String(8), default=None)
    guarantee_days: Mapped[int | None] = mapped_column(Integer, default=None)
    hook: Mapped[str | None] = mapped_column(Text, default=None)
    product: Mapped[str | None] = mapped_column(Text, default=None)
    mechanism: Mapped[str | None] = mapped_column(Text, default=None)
    consistency: Mapped[str | None] = mapped_column(Text, default=None)
    engine: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    cost_usd: Mapped[float | None] = mapped_column(Float, default=None)
    #: The engine's 0..1 grade per field (``Breakdown.confidence``); null or a missing field means
    #: none was recorded, which readers take as sure.  Compared with the configured threshold at
    #: read time (:func:`sure_value`), so changing the threshold needs no re-analysis.
    confidence: Mapped[dict[str, float] | None] = mapped_column(JSON(none_as_null=True), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def field_is_sure(field: str, threshold: float) -> ColumnElement[bool]:
    """SQL: the breakdown's ``field`` has no recorded confidence or one at ``threshold`` or above.

    The SQL twin of :func:`vsl_assets.breakdown.models.is_sure` (JSON path on SQLite and PostgreSQL).
    """
    # ``coalesce(grade >= t, true)``, not ``grade IS NULL OR grade >= t``: the field is read out
    # of the JSON once, not twice (PostgreSQL's ``json`` is parsed again at each ``->>``; a sort
    # or filter on a graded field reads it for every row), and the statement plans faster.
    grade = BreakdownRow.confidence[field].as_float()
    return func.coalesce(grade >= threshold, true())


def sure_value(column: Any, field: str, threshold: float) -> ColumnElement[Any]:
    """SQL: ``column`` when ``field`` is sure, else NULL: what cards, sorts and the catalog show."""
    return case((field_is_sure(field, threshold), column), else_=null())


class BeatRow(Base):
    """One timed beat of a VSL's pitch (``hook``, ``problem``... ``cta``), in order."""

    __tablename__ = "beats"
    __table_args__ = (Index("ix_beats_url_position", "url_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    beat: Mapped[str] = mapped_column(String(16), index=True)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text)


class InsightCount(Base):
    """A running count behind the insights charts (``services.insights``), so a page reads a few
    hundred rows instead of every breakdown.

    One row per confidence threshold (``threshold``, as ``repr(float)``), sure niche (``niche``,
    ``niche_top``; ``""`` when unknown or unsure), ``kind`` and ``key``:

    - ``count``: ``key`` is one count behind a chart (JSON: ``["analysed"]``, ``["price", "BRL",
      3]``, ``["mix", "lead_type", "story"]``...), ``vsls`` the analysed VSLs it counts;
    - ``beat``: ``key`` is a beat; ``vsls`` the VSLs that have it, ``ratios`` its rows with a
      known length and ``sum_start``/``sum_end`` the sum of their relative positions;
    - ``built``: the marker that the counts of ``threshold`` are complete and kept up to date;
      ``key`` is the build's id and ``vsls`` the changes counted since, so a process may keep the
      insights it read until either moves.

    Written by whatever changes what they count (a breakdown, a video's length, a removal), in the
    same transaction; rebuilt from the breakdowns by ``vsl insights --rebuild``.
    """

    __tablename__ = "insight_counts"
    __table_args__ = (Index("ix_insight_counts_key", "threshold", "kind", "niche", "niche_top", "key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    threshold: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    niche: Mapped[str] = mapped_column(String(64))
    niche_top: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    vsls: Mapped[int] = mapped_column(Integer, default=0)
    ratios: Mapped[int] = mapped_column(Integer, default=0)
    sum_start: Mapped[float] = mapped_column(Float, default=0.0)
    sum_end: Mapped[float] = mapped_column(Float, default=0.0)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_url_step", "url_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    #: ``host:pid:start-time[:name]`` of the process running the step (see vsl_assets.core.worker).
    worker: Mapped[str | None] = mapped_column(String(128), default=None)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    outcome: Mapped[str] = mapped_column(String(16), default=JobOutcome.RUNNING)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    #: Refreshed every few seconds while the step runs: a worker on another host whose steps stop
    #: beating has died (the process check of vsl_assets.core.worker only works on the same host).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: How far the step is (0-1) and when it should end, as the engine measured its speed
    #: (transcription only): what the Swipe shows as percent and ETA.
    progress: Mapped[float | None] = mapped_column(Float, default=None)
    eta_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class DeadLetter(Base):
    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[str | None] = mapped_column(String(64), default=None)
    error_class: Mapped[str] = mapped_column(String(128))
    message: Mapped[str] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    #: What is needed to retry: the URL, its key, the step and the assets to re-materialize.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Set when ``vsl retry`` re-queued the URL.
    retried_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
