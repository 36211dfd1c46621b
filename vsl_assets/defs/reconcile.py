"""Applies :mod:`vsl_assets.reconcile`'s decisions through the database and Dagster's instance.

This is the one module that reaches below Dagster's documented API, and only for one call:
freeing the pool slots of a run whose worker was killed (``event_log_storage.
free_concurrency_slots_for_run``).  A killed worker never releases its ffmpeg/transcription slots;
left claimed, they would block every later run, and the instance has no public method for it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    DefaultRunLauncher,
    DefaultSensorStatus,
    Definitions,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    definitions,
    sensor,
)

from vsl_assets import reconcile as decisions
from vsl_assets import settings
from vsl_assets.core.worker import liveness, pid_alive, worker_alive
from vsl_assets.db import repo
from vsl_assets.db.models import IN_FLIGHT
from vsl_assets.defs.jobs import TRANSCRIBE, URL_JOBS
from vsl_assets.defs.partitions import PARTITION_TAG
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.defs.sensors import run_key
from vsl_assets.settings import Settings

LOOKUP_CHUNK = 100


def _view(run: DagsterRun) -> decisions.RunView:
    return decisions.RunView(run.run_id, run.status.value, run.is_finished)


def reconcile(
    instance: DagsterInstance, db: DatabaseResource, now: datetime | None = None, crash_retries: int | None = None
) -> dict[str, int]:
    """Gather the inputs, decide, apply; returns counts of what was done."""
    now = now or datetime.now(UTC)
    if crash_retries is None:
        crash_retries = settings.current().crash_retries
    with db.session() as s:
        items = repo.in_progress(s, crash_classes=decisions.CRASH_CLASSES)
        workers = [worker for item in items for _, worker in (*item.jobs, *([item.last_job] if item.last_job else []))]
        beats = repo.heartbeats(s, workers)
    run_ids = sorted({r for item in items for r in item.run_ids})
    runs: dict[str, decisions.RunView] = {}
    for part in repo.chunks(run_ids, LOOKUP_CHUNK):
        runs.update({r.run_id: _view(r) for r in instance.get_runs(RunsFilter(run_ids=list(part)))})
    latest: dict[str, decisions.RunView] = {}
    for part in repo.chunks(decisions.queued_without_run(items, now), LOOKUP_CHUNK):
        for run in instance.get_runs(RunsFilter(tags={PARTITION_TAG: list(part)})):
            latest.setdefault(run.tags.get(PARTITION_TAG, ""), _view(run))  # newest first
    actions = decisions.decide(items, runs, latest, liveness(beats, now), now, crash_retries, worker_alive)
    actions += decisions.died_before_a_step(items, _run_processes(instance, db, items), pid_alive, crash_retries)
    return apply(instance, db, actions)


def _run_processes(
    instance: DagsterInstance, db: DatabaseResource, items: list[repo.InProgress]
) -> list[decisions.RunProcess]:
    """Starting/started runs of URLs that have no job row yet, with the process each reported.

    Only under the default run launcher, whose run workers are processes of this host (the
    code server's children): another launcher's runs live elsewhere, and Celery's launcher
    reports its workers' health to run monitoring itself.  Cheap: one query for the runs in
    progress (at most ``max_concurrent_runs`` of them) and one event query per candidate.
    """
    if not isinstance(instance.run_launcher, DefaultRunLauncher):
        return []
    fresh = {i.key for i in items if not i.jobs and i.last_job is None}
    if not fresh:
        return []
    names = {job.name for job in URL_JOBS}
    found: list[decisions.RunProcess] = []
    for run in instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.STARTING, DagsterRunStatus.STARTED])):
        key = run.tags.get(PARTITION_TAG)
        if run.job_name not in names or key is None or key not in fresh:
            continue
        with db.session() as s:
            url = repo.get_url(s, key)
            current = {run_key(key, url.queue_count, stage) for stage in (None, TRANSCRIBE)} if url else set()
        owner = run.tags.get("dagster/run_key") in current
        for entry in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
            data = entry.dagster_event.engine_event_data if entry.dagster_event else None
            pid = data.metadata.get("pid") if data is not None else None
            if pid is not None and str(pid.value).isdigit():
                at = datetime.fromtimestamp(entry.timestamp, UTC)
                found.append(decisions.RunProcess(run.run_id, key, int(str(pid.value)), at, owner))
                break
    return found


def apply(instance: DagsterInstance, db: DatabaseResource, actions: list[decisions.Action]) -> dict[str, int]:
    counts = {"failed": 0, "requeued": 0, "resumed": 0}
    lost: list[str] = []
    with db.session() as s:
        for action in actions:
            if isinstance(action, decisions.FailRun):
                run = instance.get_run_by_id(action.run_id)
                if run is not None and not run.is_finished:
                    instance.report_run_failed(run, action.reason)
                    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            elif isinstance(action, decisions.FailUrl):
                # IN_FLIGHT: a run that died between steps leaves its URL "downloaded".
                if repo.fail_abandoned(
                    s,
                    action.key,
                    action.run_id,
                    action.reason,
                    IN_FLIGHT,
                    error_class=action.error_class,
                    owner=action.owner,
                ):
                    counts["failed"] += 1
                    if action.requeue:
                        repo.requeue(s, [action.key])
                        counts["resumed"] += 1
            else:
                lost.append(action.key)
        # Same run key: the daemon may still be submitting a big tick's requests (1,000 URLs took
        # over 10 min under load in benchmarks/bench_scaleout.py), and a new key made duplicates.
        counts["requeued"] = len(repo.requeue(s, lost, new_attempt=False))
    return counts


def reconciliation_tick(context: SensorEvaluationContext, db: DatabaseResource) -> SkipReason:
    """``run_reconciliation_sensor``'s tick."""
    counts = reconcile(context.instance, db)
    return SkipReason(
        f"reconciled: {counts['failed']} failed ({counts['resumed']} re-queued after a crash), "
        f"{counts['requeued']} lost run requests re-queued"
    )


def build_reconciliation_sensor(s: Settings) -> SensorDefinition:
    """The reconciliation sensor at ``VSL_RECONCILE_INTERVAL_S`` as the settings say when the definitions load."""
    return sensor(
        name="run_reconciliation_sensor",
        minimum_interval_seconds=s.reconcile_interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description="Fails URLs left in an in-progress status by a run that died; re-queues lost run requests.",
    )(reconciliation_tick)


@definitions
def reconciliation() -> Definitions:
    """Read at load, not at import (like the pipeline's assets)."""
    return Definitions(sensors=[build_reconciliation_sensor(settings.current())])
