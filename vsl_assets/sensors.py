"""Sensors: launch runs for pending URLs, and keep URL statuses true when runs die.

``pending_urls_sensor`` makes no per-URL call to Dagster or the database: one query for the
batch, one lookup of which of its keys exist, one bulk status update.  Each run request also
carries its resolved partition tags: without them Dagster validates every request's partition
one by one while evaluating the tick (measured: 10,000 requests took 8.6-30 s that way, ~0.4 s
with the tags; ``benchmarks/bench_pipeline.py``), which counts against the 60 s tick limit.
"""

from datetime import UTC, datetime, timedelta

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)
from dagster._core.storage.dagster_run import FINISHED_STATUSES, DagsterRun
from dagster._core.storage.tags import PARTITION_NAME_TAG, PARTITION_SET_TAG

from vsl_assets.db import UrlStatus, repo
from vsl_assets.jobs import INGEST_JOB_NAME, ingest_vsl
from vsl_assets.partitions import ADD_CHUNK, PARTITIONS_NAME, vsl_urls
from vsl_assets.resources import DatabaseResource
from vsl_assets.settings import env
from vsl_assets.worker import worker_alive

#: A URL queued this long without any run for it lost its run request (e.g. a failed tick).
QUEUED_GRACE = timedelta(minutes=10)
#: Dead-letter class of a step whose worker process died under it.
WORKER_DIED = "WorkerDied"


def run_key(key: str, queue_count: int) -> str:
    """The first attempt's run key is the partition key; each ``vsl retry`` gets a fresh one."""
    return key if queue_count == 0 else f"{key}:retry-{queue_count}"


def partition_tags(key: str) -> dict[str, str]:
    """The tags Dagster would resolve for this partition; every key here exists or is being added."""
    return {PARTITION_NAME_TAG: key, PARTITION_SET_TAG: f"{INGEST_JOB_NAME}_partition_set"}


def plan_tick(instance, db: DatabaseResource, batch: int) -> SensorResult | SkipReason:  # noqa: ANN001
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
        run_requests=[RunRequest(run_key=run_key(k, n), partition_key=k, tags=partition_tags(k)) for k, n in rows],
        dynamic_partitions_requests=[
            vsl_urls.build_add_request(list(chunk)) for chunk in repo.chunks(new_keys, ADD_CHUNK)
        ],
    )


@sensor(
    name="pending_urls_sensor",
    job=ingest_vsl,
    minimum_interval_seconds=int(env("VSL_SENSOR_INTERVAL_S")),
    default_status=DefaultSensorStatus.RUNNING,
    description="Adds a partition and requests one run per pending_ingest URL, then marks them queued.",
)
def pending_urls_sensor(context: SensorEvaluationContext, db: DatabaseResource) -> SensorResult | SkipReason:
    result = plan_tick(context.instance, db, int(env("VSL_SENSOR_BATCH")))
    if isinstance(result, SensorResult):
        context.log.info(f"queued {len(result.run_requests or [])} URLs")
    return result


def _finished_reason(run_id: str, status: DagsterRunStatus | None) -> str:
    if status is None:
        return f"the run {run_id[:8]} that was processing this URL no longer exists"
    word = {DagsterRunStatus.CANCELED: "was cancelled", DagsterRunStatus.FAILURE: "failed"}.get(status, "ended")
    return f"the run {run_id[:8]} {word} before this step recorded a result (worker killed or crashed?)"


def reconcile(instance, db: DatabaseResource, now: datetime | None = None) -> dict[str, int]:  # noqa: ANN001
    """Make URL statuses true again after runs that died without their asset code noticing.

    - A URL whose open step belongs to a finished (or vanished) run is failed.
    - A URL whose step worker on this host no longer exists (``kill -9``, OOM, a power cut) is
      failed, and the run, which Dagster's default launcher would leave "started" forever, is
      reported failed.  The crash is not the URL's fault: it is re-queued at once, up to
      ``VSL_CRASH_RETRIES`` times (a URL that keeps killing its worker, e.g. by running out of
      memory, then stays failed); the new run reuses finished outputs and transcript checkpoints.
    - A URL queued long ago with no run at all (a lost run request) is re-queued.
    """
    now = now or datetime.now(UTC)
    counts = {"failed": 0, "requeued": 0, "resumed": 0}
    crash_retries = int(env("VSL_CRASH_RETRIES"))
    with db.session() as s:
        stuck = repo.in_progress(s)
    run_ids = sorted({r for item in stuck for r in item.run_ids})
    runs: dict[str, DagsterRun] = {}
    for part in repo.chunks(run_ids, 100):
        runs.update({r.run_id: r for r in instance.get_runs(RunsFilter(run_ids=list(part)))})
    queued_without_job = {i.key: i for i in stuck if not i.jobs and _aware(i.updated_at) < now - QUEUED_GRACE}
    latest_by_key: dict[str, DagsterRun] = {}
    for part in repo.chunks(list(queued_without_job), 100):
        for run in instance.get_runs(RunsFilter(tags={PARTITION_NAME_TAG: list(part)})):
            latest_by_key.setdefault(run.tags.get(PARTITION_NAME_TAG, ""), run)  # newest first
    lost: list[str] = []
    with db.session() as s:
        for item in stuck:
            if item.jobs:
                last_run_id, last_worker = item.jobs[-1]
                run = runs.get(last_run_id)
                run_over = all(runs.get(r) is None or runs[r].status in FINISHED_STATUSES for r in item.run_ids)
                crashed = False
                if run_over:
                    reason = _finished_reason(last_run_id, run.status if run else None)
                elif worker_alive(last_worker) is False:
                    crashed = True
                    reason = (
                        f"the process running run {last_run_id[:8]} died (killed or crashed) before this step finished"
                    )
                    if run is not None and run.status not in FINISHED_STATUSES:
                        instance.report_run_failed(run, reason)
                        # A killed worker never releases its ffmpeg/transcription pool slots;
                        # left claimed, they would block every later run.
                        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
                else:
                    continue
                kind = WORKER_DIED if crashed else "RunAbandoned"
                if repo.fail_abandoned(s, item.key, last_run_id, reason, error_class=kind):
                    counts["failed"] += 1
                    if crashed and repo.dead_letter_count(s, item.key, WORKER_DIED) <= crash_retries:
                        repo.requeue(s, [item.key])
                        counts["resumed"] += 1
            elif item.key in queued_without_job:
                run = latest_by_key.get(item.key)
                if run is None:
                    lost.append(item.key)
                elif run.status in FINISHED_STATUSES and run.status != DagsterRunStatus.SUCCESS:
                    if repo.fail_abandoned(s, item.key, run.run_id, _finished_reason(run.run_id, run.status)):
                        counts["failed"] += 1
        counts["requeued"] = len(repo.requeue(s, lost))
    return counts


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


@sensor(
    name="run_reconciliation_sensor",
    minimum_interval_seconds=int(env("VSL_RECONCILE_INTERVAL_S")),
    default_status=DefaultSensorStatus.RUNNING,
    description="Fails URLs left in an in-progress status by a run that died; re-queues lost run requests.",
)
def run_reconciliation_sensor(context: SensorEvaluationContext, db: DatabaseResource) -> SkipReason:
    counts = reconcile(context.instance, db)
    return SkipReason(
        f"reconciled: {counts['failed']} failed ({counts['resumed']} re-queued after a crash), "
        f"{counts['requeued']} lost run requests re-queued"
    )


def _fail_for_run(context: RunStatusSensorContext, db: DatabaseResource, what: str) -> None:
    run = context.dagster_run
    key = run.tags.get(PARTITION_NAME_TAG)
    if not key:
        return
    reason = f"the run {run.run_id[:8]} {what} before the pipeline finished"
    with db.session() as s:
        url = repo.get_url(s, key)
        requested_as = run.tags.get("dagster/run_key")
        if url is not None and requested_as is not None and requested_as != run_key(key, url.queue_count):
            return  # the URL was re-queued after this run (vsl retry, crash resume): a newer run owns it
        if repo.fail_abandoned(
            s,
            key,
            run.run_id,
            reason,
            from_statuses=(UrlStatus.QUEUED, UrlStatus.DOWNLOADING, UrlStatus.DOWNLOADED, UrlStatus.TRANSCRIBING),
        ):
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


ALL_SENSORS = [pending_urls_sensor, run_reconciliation_sensor, vsl_run_failure_sensor, vsl_run_canceled_sensor]
