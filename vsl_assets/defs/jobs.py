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

from dataclasses import dataclass

from dagster import (
    AssetSelection,
    Definitions,
    define_asset_job,
    definitions,
    in_process_executor,
)

from vsl_assets import settings
from vsl_assets.db import PIPELINE_STEPS

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

    def run_tags(self) -> dict[str, str]:
        """Tags every run of the stage gets when it is requested (read then, so changes apply).

        ``dagster/max_runtime`` is the backstop for a run wedged where no step deadline is
        checked (e.g. inside native code): run monitoring (dagster.yaml) terminates a run older
        than its steps' caps plus slack, and the cancelled-run sensor then fails its URL with a
        reason.  The queue tag routes the run under the Celery run launcher.
        """
        max_runtime_s = len(self.steps) * int(settings.current().step_timeout_s) + 600
        return {"dagster/max_runtime": str(max_runtime_s), CELERY_QUEUE_TAG: self.queue()}


INGEST = Stage("ingest_vsl", PIPELINE_STEPS, "")
DOWNLOAD = Stage("download_vsl", DOWNLOAD_STEPS, "")
TRANSCRIBE = Stage("transcribe_vsl", TRANSCRIBE_STEPS, ":transcribe")
INGEST_JOB_NAME = INGEST.job_name


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
