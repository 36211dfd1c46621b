"""Sensors: launch runs for pending URLs, and fail a URL at once when its run fails or is cancelled.

``pending_urls_sensor`` makes no per-URL call to Dagster or the database: one query for the
batch, one lookup of which of its keys exist, one bulk status update.  Each run request also
carries the partition tags the job itself resolves: without them Dagster validates every
request's partition one by one while evaluating the tick (measured: 10,000 requests took
8.6-30 s that way, ~0.4 s with the tags; ``benchmarks/bench_pipeline.py``), which counts against
the 60 s tick limit.  Runs that die unseen are handled by :mod:`vsl_assets.defs.reconcile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    DefaultSensorStatus,
    Definitions,
    RepositoryDefinition,
    RunFailureSensorContext,
    RunRequest,
    RunStatusSensorContext,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    definitions,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)

from vsl_assets import reconcile as decisions
from vsl_assets import settings
from vsl_assets.core.worker import liveness
from vsl_assets.db import IN_FLIGHT, UrlStatus, repo
from vsl_assets.defs.jobs import (
    MAX_RUNTIME_TAG,
    TRANSCRIBE,
    URL_JOBS,
    Stage,
    download_vsl,
    first_stage,
    ingest_vsl,
    transcribe_vsl,
    transcription_limits,
)
from vsl_assets.defs.partitions import ADD_CHUNK, PARTITION_TAG, PARTITIONS_NAME, vsl_urls
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.settings import Settings

#: The run queue's priority tag (QueuedRunCoordinator launches higher values first).
PRIORITY_TAG = "dagster/priority"


def run_key(key: str, queue_count: int, stage: Stage | None = None) -> str:
    """The first attempt's run key is the partition key; each ``vsl retry`` gets a fresh one.

    The transcription stage's runs (split queues) add ``:transcribe``.
    """
    base = key if queue_count == 0 else f"{key}:retry-{queue_count}"
    return base + (stage.run_key_suffix if stage else "")


def _priority(stage: Stage, queue_count: int) -> dict[str, str]:
    """Work in progress first: a URL's transcription stage, and a re-queued URL (retry, crash
    resume), go ahead of new downloads in the run queue, so URLs finish one after another instead
    of all at the end (measured: benchmarks/bench_scaleout.py, "transcribe run queued -> started")."""
    priority = int(stage is TRANSCRIBE) + int(queue_count > 0)
    return {PRIORITY_TAG: str(priority)} if priority else {}


def _requests(
    rows: list[tuple[str, int]],
    stage: Stage,
    repository: RepositoryDefinition | None,
    limits: Mapping[str, float] | None = None,
) -> list[RunRequest]:
    """One run request per (key, queue_count), tagged for its stage and partition.

    With the resolved job at hand each request carries the partition tags the job itself
    resolves, which spares Dagster a validation per request.  ``limits``: each key's run time
    limit where its audio is known (else the stage's default, ``VSL_RUN_MAX_TIME_S``).
    """
    job = repository.get_job(stage.job_name) if repository is not None else None
    tags = stage.run_tags()
    limits = limits or {}
    return [
        RunRequest(
            run_key=run_key(k, n, stage),
            job_name=stage.job_name,
            partition_key=k,
            tags={
                **tags,
                **({MAX_RUNTIME_TAG: str(int(limits[k]))} if k in limits else {}),
                **_priority(stage, n),
                **(job.get_tags_for_partition_key(k, selected_asset_keys=None) if job else {}),
            },
        )
        for k, n in rows
    ]


def plan_tick(
    instance: DagsterInstance, db: DatabaseResource, batch: int, repository: RepositoryDefinition | None = None
) -> SensorResult | SkipReason:
    """Mark a batch of pending URLs queued and request their runs (adding new partitions)."""
    with db.session() as s:
        rows = repo.pending(s, batch)
    if not rows:
        return SkipReason("no pending URLs")
    keys = [k for k, _ in rows]
    existing = instance.get_existing_dynamic_partitions(PARTITIONS_NAME, keys)
    new_keys = [k for k in keys if k not in existing]
    with db.session() as s:
        repo.set_status(s, keys, UrlStatus.QUEUED)
    return SensorResult(
        run_requests=_requests(rows, first_stage(), repository),
        dynamic_partitions_requests=[
            vsl_urls.build_add_request(list(chunk)) for chunk in repo.chunks(new_keys, ADD_CHUNK)
        ],
    )


def plan_transcriptions(
    db: DatabaseResource, batch: int, repository: RepositoryDefinition | None = None
) -> SensorResult | SkipReason:
    """Split queues: request the transcription stage of URLs whose download stage is done.

    Nothing is marked here: a URL stays ``downloaded`` until its transcription run starts, and the
    run key (one per attempt) makes Dagster drop the requests it already launched.
    """
    if not settings.current().split_stages:
        return SkipReason("one run per URL (VSL_DOWNLOAD_QUEUE equals VSL_TRANSCRIPTION_QUEUE)")
    with db.session() as s:
        rows = repo.downloaded(s, batch)
        limits = transcription_limits(s, [k for k, _ in rows], settings.current()) if rows else {}
    if not rows:
        return SkipReason("no downloaded URLs waiting for transcription")
    return SensorResult(run_requests=_requests(rows, TRANSCRIBE, repository, limits))


def pending_urls(context: SensorEvaluationContext, db: DatabaseResource) -> SensorResult | SkipReason:
    """``pending_urls_sensor``'s tick."""
    result = plan_tick(context.instance, db, settings.current().sensor_batch, context.repository_def)
    if isinstance(result, SensorResult):
        context.log.info(f"queued {len(result.run_requests or [])} URLs")
    return result


def downloaded_urls(context: SensorEvaluationContext, db: DatabaseResource) -> SensorResult | SkipReason:
    """``downloaded_urls_sensor``'s tick."""
    return plan_transcriptions(db, settings.current().sensor_batch, context.repository_def)


def build_sensors(s: Settings) -> list[SensorDefinition]:
    """The polling sensors, at ``VSL_SENSOR_INTERVAL_S`` as the settings say when the definitions load.

    Built per load, not at import: ``build_definitions`` after a settings change gets the new interval
    even in a process that imported this module already (tests, a reloaded code location)."""
    return [
        sensor(
            name="pending_urls_sensor",
            jobs=[ingest_vsl, download_vsl],
            minimum_interval_seconds=s.sensor_interval_s,
            default_status=DefaultSensorStatus.RUNNING,
            description="Adds a partition and requests one run per pending_ingest URL, then marks them queued.",
        )(pending_urls),
        sensor(
            name="downloaded_urls_sensor",
            job=transcribe_vsl,
            minimum_interval_seconds=s.sensor_interval_s,
            default_status=DefaultSensorStatus.RUNNING,
            description="Split queues only: requests the transcription-stage run of each URL whose audio is ready.",
        )(downloaded_urls),
    ]


def sensor_named(s: Settings, name: str) -> SensorDefinition:
    """One of :func:`build_sensors`' sensors (tests and benchmarks evaluate ticks directly)."""
    return next(d for d in build_sensors(s) if d.name == name)


@definitions
def polling_sensors() -> Definitions:
    """Read at load, not at import (like the pipeline's assets)."""
    return Definitions(sensors=build_sensors(settings.current()))


def _fail_for_run(context: RunStatusSensorContext, db: DatabaseResource, what: str) -> None:
    """Fail the URL of a failed or cancelled run, unless a newer run owns it or it was a crash.

    - A run whose worker died mid-step is left to reconciliation (a crash: re-queued).
    - A run that failed before its first step (no job row: its worker, the broker or the database
      failed it, e.g. a database restart while it claimed a pool slot) is not the URL's fault
      either: failed with a ``RunNotStarted`` letter and re-queued, within ``VSL_CRASH_RETRIES``.
    - A transcription-stage run is its URL's owner by its run key, even though the newest job
      row is the download stage's.
    """
    run = context.dagster_run
    key = run.tags.get(PARTITION_TAG)
    if not key:
        return
    reason = f"the run {run.run_id[:8]} {what} before the pipeline finished"
    with db.session() as s:
        url = repo.get_url(s, key)
        if url is None:
            return
        requested_as = run.tags.get("dagster/run_key")
        if requested_as is not None and requested_as not in {
            run_key(key, url.queue_count, st) for st in (None, TRANSCRIBE)
        }:
            return  # the URL was re-queued after this run (vsl retry, crash resume): a newer run owns it
        owner = requested_as is not None and requested_as == run_key(key, url.queue_count, TRANSCRIBE)
        if what == "failed":
            workers = repo.open_job_workers(s, key)
            alive = liveness(repo.heartbeats(s, workers), datetime.now(UTC))
            if any(alive(w) is False for w in workers):
                # Its worker died mid-step (a Celery run's task fails with it): a crash, which the
                # reconciliation sensor fails and re-queues with a WorkerDied letter.
                context.log.warning(f"{key}: the run {run.run_id[:8]} lost its worker; left to reconciliation")
                return
            if not repo.run_started_a_step(s, run.run_id):
                lost = decisions.not_started_reason(run.run_id)
                retry = repo.crash_count(s, key, decisions.CRASH_CLASSES) < settings.current().crash_retries
                if repo.fail_abandoned(
                    s, key, run.run_id, lost, IN_FLIGHT, decisions.RUN_NOT_STARTED, owner=requested_as is not None
                ):
                    if retry:
                        repo.requeue(s, [key])
                    context.log.warning(f"{key}: {lost}" + ("; re-queued" if retry else ""))
                return
        if repo.fail_abandoned(s, key, run.run_id, reason, from_statuses=IN_FLIGHT, owner=owner):
            context.log.warning(f"{key}: {reason}")


@run_failure_sensor(
    name="vsl_run_failure_sensor",
    monitored_jobs=list(URL_JOBS),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="A failed run fails its URL at once, wherever it stopped.",
)
def vsl_run_failure_sensor(context: RunFailureSensorContext, db: DatabaseResource) -> None:
    _fail_for_run(context, db, "failed")


@run_status_sensor(
    name="vsl_run_canceled_sensor",
    run_status=DagsterRunStatus.CANCELED,
    monitored_jobs=list(URL_JOBS),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="A cancelled run fails its URL with a reason saying so.",
)
def vsl_run_canceled_sensor(context: RunStatusSensorContext, db: DatabaseResource) -> None:
    _fail_for_run(context, db, "was cancelled")
