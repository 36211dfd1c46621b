"""The per-URL jobs, executed in one process each (on whichever machine the run launcher picks).

By default one run per URL materializes every step (``ingest_vsl``).  When the download and
transcription queues differ (``VSL_DOWNLOAD_QUEUE`` / ``VSL_TRANSCRIPTION_QUEUE``, see
deploy/scaleout), a URL gets two runs instead: ``download_vsl`` (page, video, audio) on the
download queue and, once its audio exists, ``transcribe_vsl`` (transcript, breakdown, index) on the
transcription queue, so download-heavy and transcription-heavy work go to different workers.

The in-process executor costs about 0.4 s per run on a 2-core machine against about 5 s for the
multiprocess one; ffmpeg and transcription concurrency is governed by pools instead (which the
instance enforces wherever a run executes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Definitions,
    define_asset_job,
    definitions,
    in_process_executor,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets import progress, settings
from vsl_assets.db import PIPELINE_STEPS, repo
from vsl_assets.db.models import Audio, Url
from vsl_assets.settings import Settings

#: Run monitoring's time limit of a run, in seconds from its start.
MAX_RUNTIME_TAG = "dagster/max_runtime"
#: dagster-celery's run tag naming the Celery queue a run is sent to (``CeleryRunLauncher``);
#: other run launchers ignore it.
CELERY_QUEUE_TAG = "dagster-celery/queue"

#: Where the download stage ends and the transcription stage begins.
_SPLIT = PIPELINE_STEPS.index("transcript")
DOWNLOAD_STEPS = PIPELINE_STEPS[:_SPLIT]
TRANSCRIBE_STEPS = PIPELINE_STEPS[_SPLIT:]


@dataclass(frozen=True)
class Stage:
    job_name: str
    steps: tuple[str, ...]
    #: Suffix of the stage's run keys (the first stage's run key is the partition key).
    run_key_suffix: str

    def queue(self) -> str:
        s = settings.current()
        return s.transcription_queue if self is TRANSCRIBE else s.download_queue

    def run_tags(self, max_runtime_s: float | None = None) -> dict[str, str]:
        """Tags every run of the stage gets when it is requested (read then, so changes apply).

        ``dagster/max_runtime`` is the backstop for a run wedged where no step deadline is
        checked (e.g. inside native code), or dead without anyone noticing: run monitoring
        (dagster.yaml) terminates a run older than it, and the cancelled-run sensor then fails its
        URL with a reason.  It follows the expected work (:func:`run_limit_s`); before the audio
        is known it is ``VSL_RUN_MAX_TIME_S``, and the audio step tightens it
        (:func:`follow_the_audio`).  The queue tag routes the run under the Celery run launcher.
        """
        limit = settings.current().run_max_time_s if max_runtime_s is None else max_runtime_s
        return {MAX_RUNTIME_TAG: str(int(limit)), CELERY_QUEUE_TAG: self.queue()}


INGEST = Stage("ingest_vsl", PIPELINE_STEPS, "")
DOWNLOAD = Stage("download_vsl", DOWNLOAD_STEPS, "")
TRANSCRIBE = Stage("transcribe_vsl", TRANSCRIBE_STEPS, ":transcribe")
INGEST_JOB_NAME = INGEST.job_name


def run_limit_s(session: Session, url_id: int, duration_s: float | None, s: Settings) -> float:
    """A run's time limit from now, for a URL whose transcription is still ahead (``progress.run_time_limit_s``)."""
    return progress.run_time_limit_s(
        duration_s,
        progress.audio_ahead_s(session, url_id),
        progress.measured_rtf(session),
        factor=s.transcribe_time_factor,
        transcribe_floor_s=s.transcribe_min_time_s,
        floor_s=s.run_min_time_s,
        ceiling_s=s.run_max_time_s,
    )


def transcription_limits(session: Session, keys: Sequence[str], s: Settings) -> dict[str, float]:
    """The time limits of transcription-stage runs about to be requested (their audio is known)."""
    rows = session.execute(
        select(Url.partition_key, Url.id, Audio.duration_s)
        .join(Audio, Audio.url_id == Url.id)
        .where(Url.partition_key.in_(list(keys)))
    ).all()
    return {key: run_limit_s(session, url_id, duration, s) for key, url_id, duration in rows}


def follow_the_audio(
    context: AssetExecutionContext, sessions: Callable[[], AbstractContextManager[Session]], key: str, duration_s: float
) -> float | None:
    """Once the audio is known, tighten this run's time limit to the work it has left.

    Only a run that transcribes too (one run per URL); a split pipeline's download stage ends here.
    The new limit counts from the run's start, like Dagster's: the time spent so far plus
    :func:`run_limit_s`, at most ``VSL_RUN_MAX_TIME_S``.  Returns it (None: not changed).
    """
    if "transcript" not in _job_steps(context.job_name):
        return None
    s = settings.current()
    record = context.instance.get_run_record_by_id(context.run.run_id)
    started = record.start_time if record is not None and record.start_time else time.time()
    with sessions() as session:
        url = repo.get_url(session, key)
        limit = run_limit_s(session, url.id, duration_s, s) if url is not None else s.run_max_time_s
    new = min(s.run_max_time_s, max(0.0, time.time() - started) + limit)
    context.instance.add_run_tags(context.run.run_id, {MAX_RUNTIME_TAG: str(int(new))})
    context.log.info(f"run time limit now {new:.0f} s from its start (the audio lasts {duration_s:.0f} s)")
    return new


def _job_steps(job_name: str) -> tuple[str, ...]:
    return next((st.steps for st in (INGEST, DOWNLOAD, TRANSCRIBE) if st.job_name == job_name), ())


def first_stage() -> Stage:
    """The run a pending URL gets: everything, or only the download stage when stages are split."""
    return DOWNLOAD if settings.current().split_stages else INGEST


def run_tags() -> dict[str, str]:
    """Tags of a whole-pipeline run (``vsl process``, retries)."""
    return INGEST.run_tags()


def _job(stage: Stage, description: str):  # noqa: ANN202 - dagster does not export the job's type
    return define_asset_job(
        stage.job_name,
        selection=AssetSelection.assets(*stage.steps),
        executor_def=in_process_executor,
        description=description,
    )


ingest_vsl = _job(INGEST, "Download, extract audio, transcribe and break down one VSL URL (one partition).")
download_vsl = _job(DOWNLOAD, "Stage 1 of 2 (split queues): the page, the video and the audio of one VSL URL.")
transcribe_vsl = _job(TRANSCRIBE, "Stage 2 of 2 (split queues): transcribe, break down and index one VSL URL.")
URL_JOBS = (ingest_vsl, download_vsl, transcribe_vsl)


@definitions
def default_executor() -> Definitions:
    """The in-process executor for every job, ``dagster asset materialize``'s implicit one included."""
    return Definitions(executor=in_process_executor)
