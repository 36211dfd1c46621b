"""Repository functions: every read and write the assets, sensors and CLI make.

Bulk operations work in chunks so that one statement never exceeds SQLite's variable limit,
and none of them issues a query per URL: the sensor calls them with thousands of keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from vsl_assets.core.worker import worker_label
from vsl_assets.db.models import (
    IN_PROGRESS,
    PIPELINE_STEPS,
    WAIT_STEP,
    Audio,
    BeatRow,
    BreakdownRow,
    DeadLetter,
    Job,
    JobOutcome,
    Source,
    TranscriptRow,
    Url,
    UrlStatus,
    Video,
    utcnow,
)
from vsl_assets.errors import VslError
from vsl_assets.net.urls import partition_key_for

CHUNK = 500
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True)
class AddResult:
    url: str
    partition_key: str
    created: bool
    status: str


def add_urls(session: Session, normalized_urls: Iterable[str], language: str | None = None) -> list[AddResult]:
    """Insert new URLs as ``pending_ingest``; existing ones are reported, not duplicated.

    ``language`` (an ISO 639-1 code) is the URLs' own language, which their transcripts use
    instead of detection; given for URLs already known, it replaces theirs for the next transcript.
    """
    by_key: dict[str, str] = {}
    for url in normalized_urls:
        by_key.setdefault(partition_key_for(url), url)
    keys = list(by_key)
    existing: dict[str, str] = {}
    for key_part in chunks(keys):
        for key, status in session.execute(
            select(Url.partition_key, Url.status).where(Url.partition_key.in_(key_part))
        ):
            existing[key] = status
    now = utcnow()
    new_rows: list[dict[str, object]] = [
        {
            "url": by_key[k],
            "partition_key": k,
            "status": UrlStatus.PENDING_INGEST.value,
            "queue_count": 0,
            "language": language,
            "created_at": now,
            "updated_at": now,
        }
        for k in keys
        if k not in existing
    ]
    inserted: set[str] = set()
    for rows_part in chunks(new_rows):
        # Another process may add the same URL between the SELECT above and this INSERT
        # (two `vsl add` at once): the conflict is ignored and the URL reported as known.
        stmt = _insert(session).values(list(rows_part)).on_conflict_do_nothing(index_elements=["partition_key"])
        inserted.update(session.scalars(stmt.returning(Url.partition_key)))
    if language is not None:
        known = [k for k in keys if k not in inserted]
        for part in chunks(known):
            session.execute(update(Url).where(Url.partition_key.in_(part)).values(language=language))
    raced = [k for k in keys if k not in existing and k not in inserted]
    for part in chunks(raced):
        for key, status in session.execute(select(Url.partition_key, Url.status).where(Url.partition_key.in_(part))):
            existing[key] = status
    return [AddResult(by_key[k], k, k in inserted, existing.get(k, UrlStatus.PENDING_INGEST.value)) for k in keys]


def _insert(session: Session) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL alike)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(Url)
    return sqlite_insert(Url)


def get_url(session: Session, key: str) -> Url | None:
    return session.scalar(select(Url).where(Url.partition_key == key))


#: ``urls.redo_from`` value: transcribe again from the (kept) audio, then everything after.
REDO_TRANSCRIPT = "transcript"


@dataclass(frozen=True)
class TranscribeRequest:
    """How a URL's transcript is to be made: its own language and model, and whether to redo it."""

    language: str | None
    model: str | None
    redo: bool


def transcribe_request(session: Session, url_id: int) -> TranscribeRequest:
    row = session.execute(select(Url.language, Url.transcribe_model, Url.redo_from).where(Url.id == url_id)).one()
    return TranscribeRequest(row.language, row.transcribe_model, row.redo_from == REDO_TRANSCRIPT)


def set_job_progress(session: Session, job_id: int, fraction: float, seconds_left: float | None) -> None:
    """Record how far a step is; the fraction never goes down (a person must never see it go back)."""
    job = session.get(Job, job_id)
    if job is None:
        return
    job.progress = max(job.progress or 0.0, min(1.0, max(0.0, fraction)))
    if seconds_left is not None:
        job.eta_at = utcnow() + timedelta(seconds=max(0.0, seconds_left))


def transcript_redone(session: Session, url_id: int) -> None:
    """The new transcript is stored: later runs may reuse it again."""
    session.execute(update(Url).where(Url.id == url_id).values(redo_from=None))


def retranscribe(
    session: Session, keys: Sequence[str], *, language: str | None = None, model: str | None = None
) -> list[str]:
    """Queue URLs to be transcribed again (and broken down, indexed...), reusing their audio.

    ``language``/``model`` become the URL's own (kept for later runs); None keeps what it has,
    ``language="auto"`` goes back to detection.  The stored transcript stays until the new one
    replaces it.  Returns the keys queued.
    """
    values: dict[str, object] = {"redo_from": REDO_TRANSCRIPT}
    if language is not None:
        values["language"] = None if language == "auto" else language
    if model is not None:
        values["transcribe_model"] = model
    for part in chunks(keys):
        session.execute(update(Url).where(Url.partition_key.in_(part)).values(**values))
    return requeue(session, keys)


def require_url(session: Session, key: str) -> Url:
    row = get_url(session, key)
    if row is None:
        raise KeyError(f"no URL with partition key {key!r} in the database (add it with `vsl add`)")
    return row


def pending(session: Session, limit: int) -> list[tuple[str, int]]:
    """(key, queue_count) of the oldest ``pending_ingest`` URLs."""
    rows = session.execute(
        select(Url.partition_key, Url.queue_count)
        .where(Url.status == UrlStatus.PENDING_INGEST.value)
        .order_by(Url.id)
        .limit(limit)
    )
    return [(k, n) for k, n in rows]


def crash_count(session: Session, key: str, crash_classes: Sequence[str]) -> int:
    """How many crash dead letters (of ``crash_classes``) the URL has."""
    return int(
        session.scalar(
            select(func.count(DeadLetter.id))
            .join(Url, Url.id == DeadLetter.url_id)
            .where(Url.partition_key == key, DeadLetter.error_class.in_(list(crash_classes)))
        )
        or 0
    )


def run_started_a_step(session: Session, run_id: str) -> bool:
    return session.scalar(select(Job.id).where(Job.run_id == run_id, Job.step != WAIT_STEP).limit(1)) is not None


def open_wait(session: Session, key: str, run_id: str, worker: str) -> bool:
    """A run's process is up and about to wait for its first step: record it on a ``downloaded`` URL.

    A split pipeline's transcription-stage run waits for a transcription slot before its first step
    opens a row, and its URL's newest row is the finished download run's; a process that died
    waiting would then be noticed by no one (its slot claim blocking the queue).  This row names the
    run and its process, so reconciliation judges it like any run between steps
    (:func:`vsl_assets.reconcile.between_steps`) and :func:`beat` keeps it fresh.  Only a URL whose
    audio is done gets one (a run that starts with the download has its steps' rows at once), and
    one per run.  Returns whether a row was opened.
    """
    url = get_url(session, key)
    if url is None or url.status != UrlStatus.DOWNLOADED.value:
        return False
    if session.scalar(select(Job.id).where(Job.run_id == run_id, Job.url_id == url.id).limit(1)) is not None:
        return False
    session.add(
        Job(
            url_id=url.id,
            step=WAIT_STEP,
            run_id=run_id,
            worker=worker,
            outcome=JobOutcome.WAITING.value,
            heartbeat_at=utcnow(),
        )
    )
    session.flush()
    return True


def open_job_workers(session: Session, key: str) -> list[str | None]:
    """The workers of the URL's job rows still marked running (a step no one has closed)."""
    rows = session.execute(
        select(Job.worker)
        .join(Url, Url.id == Job.url_id)
        .where(Url.partition_key == key, Job.outcome == JobOutcome.RUNNING.value)
    )
    return [w for (w,) in rows]


def downloaded(session: Session, limit: int) -> list[tuple[str, int]]:
    """(key, queue_count) of ``downloaded`` URLs whose download stage has ended.

    ``downloaded`` is also the status of a URL whose download stage has not ended: between the video
    and the audio step, and, in one-run local mode (the audio made beside the transcription), from
    the video's end until the transcription starts (the newest job row is then the video step's, or
    the audio step's, still open).  So the URL's newest job row must be its audio step, finished
    (stored or reused).
    """
    latest = select(func.max(Job.id)).where(Job.url_id == Url.id).correlate(Url).scalar_subquery()
    rows = session.execute(
        select(Url.partition_key, Url.queue_count)
        .join(Job, Job.id == latest)
        .where(
            Url.status == UrlStatus.DOWNLOADED.value,
            Job.step == "audio_file",
            Job.outcome.in_((JobOutcome.SUCCEEDED.value, JobOutcome.REUSED.value)),
        )
        .order_by(Url.id)
        .limit(limit)
    )
    return [(k, n) for k, n in rows]


def set_status(session: Session, keys: Sequence[str], status: UrlStatus, reason: str | None = None) -> None:
    now = utcnow()
    for part in chunks(keys):
        session.execute(
            update(Url)
            .where(Url.partition_key.in_(part))
            .values(status=status.value, reason=reason, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def start_job(
    session: Session,
    key: str,
    step: str,
    run_id: str | None,
    attempt: int,
    status: UrlStatus | None,
    worker: str | None = None,
    *,
    close_wait: bool = True,
) -> int:
    """Open a ``jobs`` row for one step attempt and move the URL to ``status``.

    ``close_wait``: close the run's waiting row (:func:`open_wait`); a caller that knows the run
    opened none (every step of a run but the first, most runs' first too) saves the UPDATE."""
    url = require_url(session, key)
    if run_id is not None and close_wait:  # the run's wait (open_wait) is over: its first step begins
        session.execute(
            update(Job)
            .where(Job.url_id == url.id, Job.run_id == run_id, Job.step == WAIT_STEP, Job.finished_at.is_(None))
            .values(finished_at=utcnow(), outcome=JobOutcome.SUCCEEDED.value)
            .execution_options(synchronize_session=False)
        )
    job = Job(
        url_id=url.id,
        step=step,
        run_id=run_id,
        worker=worker,
        attempt=attempt,
        outcome=JobOutcome.RUNNING.value,
        heartbeat_at=utcnow(),
    )
    session.add(job)
    if status is not None:
        url.status = status.value
        url.reason = None
    session.flush()
    return job.id


def beat(session: Session, worker: str) -> int:
    """``worker`` is alive: refresh its open job rows (running, or waiting for a retry), and the
    newest row of each ``downloaded`` URL it last worked on.

    The second kind is a run between steps (its audio done, waiting for a transcription slot): no
    row is open, but its process lives, and reconciliation on another host can only tell that from
    a beat (:func:`vsl_assets.reconcile.between_steps`).  Returns how many rows it beat (0: nothing
    left to beat for).
    """
    waiting = (
        select(func.max(Job.id))
        .join(Url, Url.id == Job.url_id)
        .where(Url.status == UrlStatus.DOWNLOADED.value)
        .group_by(Job.url_id)
    )
    result = session.execute(
        update(Job)
        .where(
            Job.worker == worker,
            Job.outcome.in_([JobOutcome.RUNNING.value, JobOutcome.RETRYING.value]) | Job.id.in_(waiting),
        )
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def heartbeats(session: Session, workers: Iterable[str | None]) -> dict[str, datetime]:
    """worker -> its newest heartbeat over its job rows (workers that never beat are absent)."""
    names = sorted({w for w in workers if w})
    found: dict[str, datetime] = {}
    for part in chunks(names):
        for worker, last in session.execute(
            select(Job.worker, func.max(Job.heartbeat_at))
            .where(Job.worker.in_(part), Job.heartbeat_at.is_not(None))
            .group_by(Job.worker)
        ):
            if worker is not None and last is not None:
                found[worker] = last
    return found


def finish_job(session: Session, job_id: int, outcome: JobOutcome, error: str | None = None) -> None:
    session.execute(
        update(Job).where(Job.id == job_id).values(outcome=outcome.value, error=error, finished_at=utcnow())
    )


def record_failure(
    session: Session,
    *,
    key: str,
    job_id: int | None,
    step: str,
    run_id: str | None,
    attempt: int,
    error: VslError,
    final: bool,
    payload: dict[str, Any],
) -> None:
    """Close the job; on the final attempt fail the URL and write the dead letter."""
    url = require_url(session, key)
    if job_id is not None:
        finish_job(session, job_id, JobOutcome.FAILED if final else JobOutcome.RETRYING, error.reason)
    if final:
        url.status = UrlStatus.FAILED.value
        url.reason = error.reason
        session.add(
            DeadLetter(
                url_id=url.id,
                step=step,
                run_id=run_id,
                error_class=error.error_class,
                message=error.reason if not error.detail else f"{error.reason}\n{error.detail}",
                attempt=attempt,
                payload=payload,
            )
        )
    else:
        url.reason = f"retrying after attempt {attempt}: {error.reason}"


OutputRow = TypeVar("OutputRow", Source, Video, Audio, TranscriptRow, BreakdownRow)


def upsert(session: Session, table: type[OutputRow], url_id: int, **values: Any) -> None:
    row = session.scalar(select(table).where(table.url_id == url_id))
    if row is None:
        session.add(table(url_id=url_id, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.created_at = utcnow()


def save_breakdown(
    session: Session, url_id: int, beats: Sequence[tuple[str, float, float, str]], **columns: Any
) -> None:
    """Store a breakdown's columns and replace its beats (``(beat, start_s, end_s, quote)``, in order)."""
    upsert(session, BreakdownRow, url_id, **columns)
    session.execute(delete(BeatRow).where(BeatRow.url_id == url_id))
    session.add_all(
        BeatRow(url_id=url_id, position=i, beat=beat, start_s=start, end_s=end, quote=quote)
        for i, (beat, start, end, quote) in enumerate(beats)
    )


def get_output(
    session: Session,
    table: type[Source] | type[Video] | type[Audio] | type[TranscriptRow] | type[BreakdownRow],
    key: str,
) -> Any:
    return session.scalar(select(table).join(Url, Url.id == table.url_id).where(Url.partition_key == key))


def status_rows(session: Session, status: str | None = None) -> list[dict[str, Any]]:
    """One dict per URL, with ``steps``: each step's latest job (outcome and the worker that ran it)."""
    query = select(Url).order_by(Url.id)
    if status:
        query = query.where(Url.status == status)
    urls = list(session.scalars(query))
    steps = _latest_jobs(session, [u.id for u in urls])
    originals: dict[int, str] = {}
    for part in chunks(sorted({u.alias_of for u in urls if u.alias_of is not None})):
        originals.update((i, k) for i, k in session.execute(select(Url.id, Url.partition_key).where(Url.id.in_(part))))
    return [
        {
            "url": u.url,
            "partition_key": u.partition_key,
            "status": u.status,
            "reason": u.reason,
            #: The original's key when this URL is an alias (the same video as that one).
            "alias_of": originals.get(u.alias_of) if u.alias_of is not None else None,
            "created_at": u.created_at.isoformat() if u.created_at else None,
            "updated_at": u.updated_at.isoformat() if u.updated_at else None,
            "steps": steps.get(u.id, []),
        }
        for u in urls
    ]


def _latest_jobs(session: Session, url_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """url id -> the latest job row of each step, in pipeline order."""
    order = {step: i for i, step in enumerate(PIPELINE_STEPS)}
    found: dict[int, dict[str, Job]] = {}
    for part in chunks(url_ids):
        latest = (
            select(func.max(Job.id)).where(Job.url_id.in_(part), Job.step != WAIT_STEP).group_by(Job.url_id, Job.step)
        )
        for job in session.scalars(select(Job).where(Job.id.in_(latest))):
            found.setdefault(job.url_id, {})[job.step] = job
    return {
        url_id: [
            {"step": j.step, "outcome": j.outcome, "worker": worker_label(j.worker), "run_id": j.run_id}
            for j in sorted(jobs.values(), key=lambda j: order.get(j.step, len(order)))
        ]
        for url_id, jobs in found.items()
    }


def delete_url(session: Session, key: str) -> bool:
    """Remove a URL and everything recorded for it (its rows cascade); False when unknown."""
    url = session.scalar(select(Url).where(Url.partition_key == key))
    if url is None:
        return False
    for table in (BeatRow, BreakdownRow, TranscriptRow, Audio, Video, Source, Job, DeadLetter):
        session.execute(delete(table).where(table.url_id == url.id))
    # Its aliases (same video, never processed) are queued again: the first to resolve takes its place.
    # Their sources go too, so none of them is taken for the original before it is resolved again.
    aliases = list(session.execute(select(Url.id, Url.partition_key).where(Url.alias_of == url.id)).all())
    session.execute(delete(Source).where(Source.url_id.in_([a.id for a in aliases])))
    session.execute(update(Url).where(Url.alias_of == url.id).values(alias_of=None))
    requeue(session, [a.partition_key for a in aliases])
    session.delete(url)
    return True


def status_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Url.status, func.count()).group_by(Url.status)).all())


def requeue(session: Session, keys: Sequence[str], *, new_attempt: bool = True) -> list[str]:
    """Send URLs back to ``pending_ingest`` for the sensor; returns the keys re-queued.

    ``new_attempt`` (a retry, a crash) gives the next run a new run key.  Without it (a run
    request that looks lost) the sensor asks again under the same key, so if the first request
    was only slow to be submitted, Dagster skips the second instead of running the URL twice.
    """
    done: list[str] = []
    now = utcnow()
    for part in chunks(keys):
        rows = list(session.scalars(select(Url).where(Url.partition_key.in_(part))))
        for url in rows:
            url.status = UrlStatus.PENDING_INGEST.value
            url.reason = None
            url.queue_count += int(new_attempt)
            url.updated_at = now
            done.append(url.partition_key)
        session.execute(
            update(DeadLetter)
            .where(DeadLetter.url_id.in_([u.id for u in rows]), DeadLetter.retried_at.is_(None))
            .values(retried_at=now)
        )
    return done


def failed_keys(session: Session) -> list[str]:
    return list(session.scalars(select(Url.partition_key).where(Url.status == UrlStatus.FAILED.value).order_by(Url.id)))


@dataclass(frozen=True)
class InProgress:
    key: str
    status: str
    updated_at: datetime
    #: (run_id, worker) of the URL's open job rows.
    jobs: tuple[tuple[str, str | None], ...]
    #: How often a worker already died under this URL (its crash dead letters).
    crashes: int = 0
    #: (run_id, worker) of the URL's newest job row whatever its outcome; set for ``downloaded``
    #: URLs only, whose run sits between steps (e.g. waiting for a transcription slot).
    last_job: tuple[str, str | None] | None = None

    @property
    def run_ids(self) -> tuple[str, ...]:
        return tuple(sorted({r for r, _ in self.jobs} | ({self.last_job[0]} if self.last_job else set())))


def in_progress(session: Session, crash_classes: Sequence[str] = ("WorkerDied",)) -> list[InProgress]:
    """URLs a run should own right now, with the run ids of their open job rows and crash counts.

    ``downloaded`` URLs are included with their newest job row: a run waiting there for a pool
    slot has no open job row, and if its process dies the URL would otherwise never be noticed.
    """
    urls = list(
        session.execute(
            select(Url.id, Url.partition_key, Url.status, Url.updated_at).where(
                Url.status.in_([s.value for s in (*IN_PROGRESS, UrlStatus.DOWNLOADED)])
            )
        )
    )
    last: dict[int, tuple[str, str | None]] = {}
    for part in chunks([u.id for u in urls if u.status == UrlStatus.DOWNLOADED.value]):
        for url_id, run_id, worker in session.execute(
            select(Job.url_id, Job.run_id, Job.worker).where(Job.url_id.in_(part)).order_by(Job.id)
        ):
            if run_id:
                last[url_id] = (run_id, worker)
    jobs: dict[int, list[tuple[str, str | None]]] = {}
    for part in chunks([u.id for u in urls]):
        for url_id, run_id, worker in session.execute(
            select(Job.url_id, Job.run_id, Job.worker)
            .where(Job.url_id.in_(part), Job.outcome.in_([JobOutcome.RUNNING.value, JobOutcome.RETRYING.value]))
            .order_by(Job.id)
        ):
            if run_id:
                jobs.setdefault(url_id, []).append((run_id, worker))
    crashes: dict[int, int] = {}
    for part in chunks([u.id for u in urls]):
        for url_id, count in session.execute(
            select(DeadLetter.url_id, func.count(DeadLetter.id))
            .where(DeadLetter.url_id.in_(part), DeadLetter.error_class.in_(list(crash_classes)))
            .group_by(DeadLetter.url_id)
        ):
            crashes[url_id] = count
    return [InProgress(k, s, t, tuple(jobs.get(i, ())), crashes.get(i, 0), last.get(i)) for i, k, s, t in urls]


def fail_abandoned(
    session: Session,
    key: str,
    run_id: str | None,
    reason: str,
    from_statuses: Sequence[UrlStatus] = IN_PROGRESS,
    error_class: str = "RunAbandoned",
    *,
    owner: bool = False,
) -> bool:
    """Fail a URL whose run ended without its asset code recording the outcome.

    Returns False (and changes nothing) when the URL is no longer in progress, or when a newer
    run owns it (its newest job row is another run's), so a late or repeated reconciliation
    never overwrites what a newer run recorded.  ``owner``: the caller knows ``run_id`` is the
    URL's current run (by its run key) even if it has no job row yet, e.g. a transcription-stage
    run that failed before its first step, while the newest row is the download stage's.
    """
    url = get_url(session, key)
    if url is None or url.status not in {s.value for s in from_statuses}:
        return False
    latest = session.scalar(select(Job.run_id).where(Job.url_id == url.id).order_by(Job.id.desc()).limit(1))
    if not owner and run_id is not None and latest is not None and latest != run_id:
        return False  # a newer run owns the URL now (e.g. after `vsl retry`)
    open_jobs = list(
        session.scalars(
            select(Job).where(
                Job.url_id == url.id, Job.outcome.in_([JobOutcome.RUNNING.value, JobOutcome.RETRYING.value])
            )
        )
    )
    for job in open_jobs:
        job.outcome = JobOutcome.FAILED.value
        job.error = reason
        job.finished_at = utcnow()
    step = open_jobs[-1].step if open_jobs else "run"
    url.status = UrlStatus.FAILED.value
    url.reason = reason
    session.add(
        DeadLetter(
            url_id=url.id,
            step=step,
            run_id=run_id,
            error_class=error_class,
            message=reason,
            attempt=max((j.attempt for j in open_jobs), default=1),
            payload={"url": url.url, "partition_key": key, "step": step},
        )
    )
    return True
