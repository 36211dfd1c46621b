"""Sensors: launch runs for pending URLs, and fail a URL at once when its run fails or is cancelled.

``pending_urls_sensor`` makes no per-URL call to Dagster or the database: one query for the
batch, one lookup of which of its keys exist, one bulk status update.  Each run request also
carries the partition tags the job itself resolves: without them Dagster validates every
request's partition one by one while evaluating the tick (measured: 10,000 requests took
8.6-30 s that way, ~0.4 s with the tags; ``benchmarks/bench_pipeline.py``), which counts against
the 60 s tick limit.  Runs that die unseen are handled by :mod:`vsl_assets.defs.reconcile`.
"""

from __future__ import annotations

from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    JobDefinition,
    RunFailureSensorContext,
    RunRequest,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)

from vsl_assets import settings
from vsl_assets.db import IN_FLIGHT, UrlStatus, repo
from vsl_assets.defs.jobs import INGEST_JOB_NAME, ingest_vsl, run_tags
from vsl_assets.defs.partitions import ADD_CHUNK, PARTITION_TAG, PARTITIONS_NAME, vsl_urls
from vsl_assets.defs.resources import DatabaseResource


def run_key(key: str, queue_count: int) -> str:
    """The first attempt's run key is the partition key; each ``vsl retry`` gets a fresh one."""
    return key if queue_count == 0 else f"{key}:retry-{queue_count}"


def plan_tick(
    instance: DagsterInstance, db: DatabaseResource, batch: int, job: JobDefinition | None = None
) -> SensorResult | SkipReason:
    """Mark a batch of pending URLs queued and request their runs (adding new partitions).

    ``job`` is the resolved job (the sensor has it): each request then carries the tags the job
    resolves for its partition, which spares Dagster a validation per request.
    """
    with db.session() as s:
        rows = repo.pending(s, batch)
    if not rows:
        return SkipReason("no pending URLs")
    keys = [k for k, _ in rows]
    existing = instance.get_existing_dynamic_partitions(PARTITIONS_NAME, keys)
    new_keys = [k for k in keys if k not in existing]
    with db.session() as s:
        repo.set_status(s, keys, UrlStatus.QUEUED)
    tags = run_tags()
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=run_key(k, n),
                partition_key=k,
                tags={**tags, **(job.get_tags_for_partition_key(k, selected_asset_keys=None) if job else {})},
            )
            for k, n in rows
        ],
        dynamic_partitions_requests=[
            vsl_urls.build_add_request(list(chunk)) for chunk in repo.chunks(new_keys, ADD_CHUNK)
        ],
    )


@sensor(
    name="pending_urls_sensor",
    job=ingest_vsl,
    minimum_interval_seconds=settings.current().sensor_interval_s,
    default_status=DefaultSensorStatus.RUNNING,
    description="Adds a partition and requests one run per pending_ingest URL, then marks them queued.",
)
def pending_urls_sensor(context: SensorEvaluationContext, db: DatabaseResource) -> SensorResult | SkipReason:
    job = context.repository_def.get_job(INGEST_JOB_NAME) if context.repository_def is not None else None
    result = plan_tick(context.instance, db, settings.current().sensor_batch, job)
    if isinstance(result, SensorResult):
        context.log.info(f"queued {len(result.run_requests or [])} URLs")
    return result


def _fail_for_run(context: RunStatusSensorContext, db: DatabaseResource, what: str) -> None:
    run = context.dagster_run
    key = run.tags.get(PARTITION_TAG)
    if not key:
        return
    reason = f"the run {run.run_id[:8]} {what} before the pipeline finished"
    with db.session() as s:
        url = repo.get_url(s, key)
        requested_as = run.tags.get("dagster/run_key")
        if url is not None and requested_as is not None and requested_as != run_key(key, url.queue_count):
            return  # the URL was re-queued after this run (vsl retry, crash resume): a newer run owns it
        if repo.fail_abandoned(s, key, run.run_id, reason, from_statuses=IN_FLIGHT):
            context.log.warning(f"{key}: {reason}")


@run_failure_sensor(
    name="vsl_run_failure_sensor",
    monitored_jobs=[ingest_vsl],
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="A failed run fails its URL at once, wherever it stopped.",
)
def vsl_run_failure_sensor(context: RunFailureSensorContext, db: DatabaseResource) -> None:
    _fail_for_run(context, db, "failed")


@run_status_sensor(
    name="vsl_run_canceled_sensor",
    run_status=DagsterRunStatus.CANCELED,
    monitored_jobs=[ingest_vsl],
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="A cancelled run fails its URL with a reason saying so.",
)
def vsl_run_canceled_sensor(context: RunStatusSensorContext, db: DatabaseResource) -> None:
    _fail_for_run(context, db, "was cancelled")
