"""Where each URL in the queue stands: stage, percent, an estimated end, and whether it stalled.

Read from the database only (any front end can call it): the transcription step writes its
fraction done and expected end into its job row as it goes (``jobs.progress``/``eta_at``); URLs
waiting for transcription get an estimate from the audio ahead of them at the real-time factor
measured on this installation's recent transcripts.  A step whose heartbeat has been silent past
the grace reconciliation uses is shown as stalled instead of as progressing.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vsl_assets.core.worker import HEARTBEAT_GRACE
from vsl_assets.db.models import Audio, Job, JobOutcome, Url, UrlStatus, Video

#: Real-time factor assumed before any transcript was timed here (CPU ``base`` runs at ~0.5).
DEFAULT_RTF = 1.0
#: Recent transcriptions the measured real-time factor is the median of.
RTF_SAMPLE = 20
#: The stages a person reads, in the pipeline's order, each with the statuses shown as it: the one
#: definition of the order a run moves a URL through (``services.steps.tracking.PROGRESS`` is its
#: statuses in a row; ``failed`` and ``alias`` are off this line).
STAGES: tuple[tuple[UrlStatus, ...], ...] = (
    (UrlStatus.PENDING_INGEST, UrlStatus.QUEUED),
    (UrlStatus.DOWNLOADING,),
    (UrlStatus.DOWNLOADED,),
    (UrlStatus.TRANSCRIBING,),
    (UrlStatus.TRANSCRIBED, UrlStatus.ANALYZING),
    (UrlStatus.ANALYZED,),
)
#: The statuses a run moves a URL through, in order.
PROGRESS: tuple[UrlStatus, ...] = tuple(status for stage in STAGES for status in stage)
#: Each status's stage (0-5): the stage shown never goes back.
STAGE_ORDER = {status.value: n for n, stage in enumerate(STAGES) for status in stage}
STAGE_COUNT = len(STAGES) - 1


@dataclass(frozen=True)
class Estimate:
    key: str
    #: 0-5 along the pipeline (queued, downloading, waiting for transcription, transcribing, analysing, done).
    stage: int
    #: Of the running step (transcription), 0-100; None when the step does not report it.
    percent: float | None
    #: When the URL should be transcribed, at the measured speed; None when unknown.
    eta_at: datetime | None
    #: URLs waiting for transcription before this one (0: next or running).
    ahead: int
    #: The running step's worker has stopped beating (killed, hung or cut off).
    stalled: bool


def _aware(ts: datetime | None) -> datetime | None:
    return ts if ts is None or ts.tzinfo else ts.replace(tzinfo=UTC)


def measured_rtf(session: Session) -> float:
    """Median seconds of work per second of audio over the last finished transcriptions."""
    rows = session.execute(
        select(Job.started_at, Job.finished_at, Audio.duration_s)
        .join(Audio, Audio.url_id == Job.url_id)
        .where(Job.step == "transcript", Job.outcome == JobOutcome.SUCCEEDED.value, Job.finished_at.is_not(None))
        .order_by(Job.id.desc())
        .limit(RTF_SAMPLE)
    ).all()
    factors = [
        (_aware(end) - _aware(start)).total_seconds() / duration  # type: ignore[operator]
        for start, end, duration in rows
        if duration and duration > 0
    ]
    return statistics.median(factors) if factors else DEFAULT_RTF


def time_limit_s(duration_s: float, rtf: float, factor: float, floor_s: float) -> float:
    """How long a transcription of ``duration_s`` may take: ``factor`` x the measured speed, at least ``floor_s``.

    A transcription that runs several times slower than this installation's own record is stuck
    (or starved), and holding its slot for the generic 4 h step cap blocks everything behind it.
    """
    return max(floor_s, factor * rtf * duration_s)


def audio_ahead_s(session: Session, url_id: int) -> float:
    """Seconds of audio the transcription slot holds or has waiting besides this URL's.

    Every ``downloaded`` or ``transcribing`` URL counts, not only those queued earlier: an upper
    bound, since a run's time limit must not stop a run that is only waiting its turn.  A URL whose
    audio is made beside its transcription (local engine, one run) waits with its video only: the
    video's length stands for the audio's."""
    total = session.scalar(
        select(func.coalesce(func.sum(func.coalesce(Audio.duration_s, Video.duration_s)), 0.0))
        .select_from(Url)
        .outerjoin(Audio, Audio.url_id == Url.id)
        .outerjoin(Video, Video.url_id == Url.id)
        .where(
            Url.status.in_([UrlStatus.DOWNLOADED.value, UrlStatus.TRANSCRIBING.value]),
            Url.id != url_id,
        )
    )
    return float(total or 0.0)


def run_time_limit_s(
    duration_s: float | None,
    ahead_s: float,
    rtf: float,
    *,
    factor: float,
    transcribe_floor_s: float,
    floor_s: float,
    ceiling_s: float,
) -> float:
    """How long a run that still has this URL's transcription ahead of it may take, from now.

    The transcription step's own limit (:func:`time_limit_s`), the wait for the slot (the audio
    ahead at the same pace) and ``floor_s`` for everything else (downloading, the breakdown, the
    index), at most ``ceiling_s``.  Unknown audio (not downloaded yet): the ceiling.
    """
    if duration_s is None or duration_s <= 0:
        return ceiling_s
    own = time_limit_s(duration_s, rtf, factor, transcribe_floor_s)
    return min(ceiling_s, floor_s + own + factor * rtf * ahead_s)


def estimates(session: Session, urls: Sequence[Url], now: datetime | None = None) -> dict[str, Estimate]:
    """An estimate for each of ``urls`` still in the pipeline (pending, running or waiting)."""
    now = now or datetime.now(UTC)
    rtf = measured_rtf(session)
    ids = [u.id for u in urls]
    open_jobs: dict[int, Job] = {}
    for job in session.scalars(
        select(Job)
        .where(Job.url_id.in_(ids), Job.outcome.in_([JobOutcome.RUNNING.value, JobOutcome.RETRYING.value]))
        .order_by(Job.id)
    ):
        open_jobs[job.url_id] = job
    # The video's length where the audio is not made yet (made beside the transcription).
    durations = dict(session.execute(select(Video.url_id, Video.duration_s).where(Video.url_id.in_(ids))).all())
    durations.update(session.execute(select(Audio.url_id, Audio.duration_s).where(Audio.url_id.in_(ids))).all())
    # The transcription slot frees when the running transcription ends; then the waiting URLs
    # go one after the other, oldest first.
    running_end = now
    for job in open_jobs.values():
        if job.step == "transcript" and job.eta_at is not None:
            running_end = max(running_end, _aware(job.eta_at) or now)
    waiting = sorted(
        (u for u in urls if STAGE_ORDER.get(u.status, 0) < STAGE_ORDER[UrlStatus.TRANSCRIBING.value]),
        key=lambda u: (-STAGE_ORDER.get(u.status, 0), u.updated_at or now),
    )
    out: dict[str, Estimate] = {}
    cursor = running_end
    for ahead, url in enumerate(waiting):
        duration = durations.get(url.id)
        eta = cursor + timedelta(seconds=duration * rtf) if duration else None
        if eta is not None:
            cursor = eta
        out[url.partition_key] = Estimate(
            url.partition_key, STAGE_ORDER.get(url.status, 0), None, eta, ahead, _stalled(open_jobs.get(url.id), now)
        )
    for url in urls:
        if url.partition_key in out or url.status not in STAGE_ORDER:
            continue
        running = open_jobs.get(url.id)
        percent = round(100 * running.progress, 1) if running is not None and running.progress is not None else None
        eta = _aware(running.eta_at) if running is not None and running.step == "transcript" else None
        out[url.partition_key] = Estimate(
            url.partition_key, STAGE_ORDER[url.status], percent, eta, 0, _stalled(running, now)
        )
    return out


def _stalled(job: Job | None, now: datetime) -> bool:
    if job is None:
        return False
    last = _aware(job.heartbeat_at) or _aware(job.started_at)
    return last is not None and now - last > HEARTBEAT_GRACE


#: Statuses of a URL still on its way through the pipeline (what a progress display is for).
ON_THE_WAY = tuple(s for s in STAGE_ORDER if s != UrlStatus.ANALYZED.value)
#: In-flight URLs estimated together at most (the queue page shows as many per section).
QUEUE_WINDOW = 400


#: How long one process reuses the queue's estimates (seconds): every open library tab and
#: Add page polls; estimating a 400-URL queue costs ~20 ms on SQLite, an ETA 2 s old costs nothing.
QUEUE_TTL_S = 2.0
_queue_cache: dict[str, tuple[float, dict[str, Estimate]]] = {}
#: One refresh per database at a time: when the estimates expire under load, every request in
#: flight (a library page, a poll) used to estimate the whole queue at once, 8 x ~20 ms of CPU
#: at 8 concurrent users; now one refreshes and the others use the previous answer meanwhile.
_queue_refreshing: dict[str, threading.Lock] = {}
_queue_locks_lock = threading.Lock()


def queue_estimates(
    session: Session, now: datetime | None = None, max_age_s: float = QUEUE_TTL_S
) -> dict[str, Estimate]:
    """Estimates for every URL on its way (up to ``QUEUE_WINDOW``, most recently moved first).

    A place in line and an ETA only mean something against the whole queue, so a library card or
    a poll of a few keys reads its estimate from here rather than estimating its keys alone.
    While another thread refreshes expired estimates, the previous ones are returned (at most one
    refresh older); with none yet, the caller waits for that refresh.
    """
    key = str(session.get_bind().engine.url)
    cached = _queue_cache.get(key)
    clock = time.monotonic()
    if cached is not None and clock - cached[0] < max_age_s:
        return cached[1]
    with _queue_locks_lock:
        lock = _queue_refreshing.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=cached is None):
        assert cached is not None  # only a non-blocking acquire fails
        return cached[1]
    try:
        again = _queue_cache.get(key)
        if again is not None and again is not cached and time.monotonic() - again[0] < max_age_s:
            return again[1]  # refreshed by the thread this one waited for
        rows = list(
            session.scalars(
                select(Url).where(Url.status.in_(ON_THE_WAY)).order_by(Url.updated_at.desc()).limit(QUEUE_WINDOW)
            )
        )
        found = estimates(session, rows, now) if rows else {}
        _queue_cache[key] = (clock, found)
        return found
    finally:
        lock.release()
