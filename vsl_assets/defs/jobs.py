"""The per-URL job: all ``vsl`` assets of one partition, executed in one process.

The in-process executor costs about 0.4 s per run on a 2-core machine against about 5 s for the
multiprocess one; ffmpeg and transcription concurrency is governed by pools instead.
"""

from __future__ import annotations

from dagster import AssetSelection, Definitions, define_asset_job, definitions, in_process_executor

from vsl_assets import settings
from vsl_assets.db import PIPELINE_STEPS

INGEST_JOB_NAME = "ingest_vsl"


def run_tags() -> dict[str, str]:
    """Tags every run of the job gets when it is requested (read then, so a changed cap applies).

    ``dagster/max_runtime`` is the backstop for a run wedged where no step deadline is checked
    (e.g. inside native code): run monitoring (dagster.yaml) terminates a run older than every
    step's cap plus slack, and the cancelled-run sensor then fails its URL with a reason.
    """
    max_runtime_s = len(PIPELINE_STEPS) * int(settings.current().step_timeout_s) + 600
    return {"dagster/max_runtime": str(max_runtime_s)}


ingest_vsl = define_asset_job(
    INGEST_JOB_NAME,
    selection=AssetSelection.assets(*PIPELINE_STEPS),
    executor_def=in_process_executor,
    description="Download, extract audio, transcribe and break down one VSL URL (one partition).",
)


@definitions
def default_executor() -> Definitions:
    """The in-process executor for every job, ``dagster asset materialize``'s implicit one included."""
    return Definitions(executor=in_process_executor)
