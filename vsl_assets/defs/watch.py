"""The watch in Dagster: ``watch_pages`` (a job of one op) and ``watch_schedule``, which runs it.

The op calls :func:`vsl_assets.services.watch.run_checks` for the pages that are due; new versions
are stored as ``pending_ingest`` URLs (with their partitions), so the ``pending_urls_sensor``
queues them exactly like new URLs.  The schedule ticks on ``VSL_WATCH_SCHEDULE`` (every 15
minutes); each page's own interval (``VSL_WATCH_INTERVAL_S``, daily, with jitter) decides whether
it is due, and a tick starts no run when no page is due, no analysed version waits to be compared
and no event waits for the webhook.
"""

from dagster import (
    DefaultScheduleStatus,
    MetadataValue,
    OpExecutionContext,
    Output,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    job,
    op,
    schedule,
)

from vsl_assets import settings
from vsl_assets.defs.partitions import InstancePartitions
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.services import watch


@op(description="Check every watched page that is due (cheap, conditional GETs); record checks, versions, events.")
def watch_pages_op(context: OpExecutionContext, db: DatabaseResource) -> Output[int]:
    cfg = watch.WatchConfig.from_settings(settings.current())
    summary = watch.run_checks(db.session, cfg, partitions=InstancePartitions(context.instance))
    context.log.info(
        f"checked {summary.checked} pages in {summary.seconds:.1f} s: {summary.not_modified} unchanged by ETag, "
        f"{summary.changed} changed, {summary.failed} failed, {summary.down} down"
    )
    events = "\n".join(f"- {told.code}" for told in summary.events[:200]) or "none"
    return Output(
        summary.checked,
        metadata={
            "checked": MetadataValue.int(summary.checked),
            "changed": MetadataValue.int(summary.changed),
            "failed": MetadataValue.int(summary.failed),
            "down": MetadataValue.int(summary.down),
            "etag_hits": MetadataValue.int(summary.not_modified),
            "requests_per_page": MetadataValue.float(round(summary.requests_per_page, 2)),
            "pages_per_s": MetadataValue.float(round(summary.pages_per_s, 1)),
            "new_versions": MetadataValue.md("\n".join(f"- `{k}`" for k in summary.new_versions) or "none"),
            "events": MetadataValue.md(events),
            "webhook_sent": MetadataValue.int(summary.webhook_sent),
            "webhook_failed": MetadataValue.int(summary.webhook_failed),
        },
    )


@job(description="Re-check the watched sales pages that are due; new VSL versions go through the pipeline.")
def watch_pages() -> None:
    watch_pages_op()


@schedule(
    name="watch_schedule",
    job=watch_pages,
    cron_schedule=settings.current().watch_schedule,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Runs watch_pages; each page is checked once per VSL_WATCH_INTERVAL_S (daily), with jitter.",
)
def watch_schedule(context: ScheduleEvaluationContext, db: DatabaseResource) -> RunRequest | SkipReason:
    # No run when no page is due: the Runs page is not filled with empty runs every 15 minutes.
    cfg = watch.WatchConfig.from_settings(settings.current())
    with db.session() as s:
        due = len(watch.due_pages(s, cfg, watch.utcnow()))
        waiting = watch.work_waiting(s, cfg)
    if not due and not waiting:
        return SkipReason("no watched page is due, no version waits to be compared, no event to send")
    return RunRequest(
        run_key=None, tags={"vsl/watch": "scheduled", "vsl/watch_due": str(due), "vsl/watch_waiting": str(waiting)}
    )
