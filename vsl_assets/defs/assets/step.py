"""What every asset does around its work: jobs row, URL status, failure handling, metadata.

Keeping this in one place is what lets each asset stay a few lines long: load the URL row,
open a ``jobs`` row and move the status; on a typed domain error close the job, on the final
attempt fail the URL and write the dead letter, and raise a Dagster ``Failure`` that allows a
retry only for transient errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from dagster import AssetExecutionContext, Backoff, Config, Failure, Jitter, RetryPolicy, asset
from pydantic import Field

from vsl_assets import heartbeat
from vsl_assets.core.worker import current_worker
from vsl_assets.db import PIPELINE_STEPS, STEP_STATUSES, JobOutcome, UrlStatus, repo
from vsl_assets.defs.jobs import follow_the_audio
from vsl_assets.defs.partitions import vsl_urls
from vsl_assets.defs.resources import (
    BreakdownResource,
    DatabaseResource,
    MediaResource,
    SearchResource,
    StorageResource,
    TranscriberResource,
)
from vsl_assets.errors import VslError
from vsl_assets.net.urls import redact_url
from vsl_assets.services import steps
from vsl_assets.services.steps import StepInputs, StepResources
from vsl_assets.settings import Settings

R = TypeVar("R")


def retry_policy(max_retries: int) -> RetryPolicy:
    """Transient failures are retried with exponential backoff and jitter; permanent ones raise
    ``Failure(allow_retries=False)`` and skip this policy.  The OpenAI client's own retries sit
    below it, so a rate-limited request is retried by the client first."""
    return RetryPolicy(max_retries=max_retries, delay=2.0, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)


def pipeline_asset(s: Settings, **kwargs: Any) -> Any:
    """``@asset`` with what every pipeline asset shares: the URL partitions, group, retry policy
    (``VSL_MAX_RETRIES``, from the settings the code location was loaded with)."""
    return asset(partitions_def=vsl_urls, group_name="vsl", retry_policy=retry_policy(s.max_retries), **kwargs)


class StepConfig(Config):
    force: bool = Field(default=False, description="Redo the work even if a valid output already exists.")


@dataclass
class Step:
    key: str
    url: str
    url_id: int
    job_id: int
    name: str = ""
    attempt: int = 1
    reused: bool = False
    #: The URL's status when the step began: a step that only reuses its output ends there when
    #: that is further on than its own done status (``services.steps.further_on``).
    before: str | None = None

    def inputs(self, context: AssetExecutionContext, config: StepConfig) -> StepInputs:
        """What the step's service gets: this URL, ``force`` from the run config, the run's log."""
        return StepInputs(self.key, self.url, self.url_id, force=config.force, log=context.log.info, job_id=self.job_id)


def run_step(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    media: MediaResource,
    run: Callable[[StepInputs, StepResources], R],
    resources: StepResources,
    step_name: str | None = None,
    *,
    done_status: UrlStatus | None = None,
) -> R:
    """The whole of an asset's work: one ``services.steps.run_<step>``, recorded as every step is
    (``services.steps.tracked`` over :class:`DagsterSteps`).

    ``step_name``: the asset's own name, needed only where one op makes several assets;
    ``done_status``: the URL's status when the step is done, where the run (not the step's table
    entry) decides it; the service's own (a duplicate's ``alias``) comes first."""
    step = step_name or context.asset_key.to_user_string()
    track = DagsterSteps(context, config, db, media)
    return steps.tracked(track, step, resources, lambda inputs: run(inputs, resources), done_status=done_status)


def step_resources(
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    *,
    transcriber: TranscriberResource | None = None,
    breakdown_engine: BreakdownResource | None = None,
    search: SearchResource | None = None,
) -> StepResources:
    """The services' view of the Dagster resources (each built from ``Settings``)."""
    return StepResources(
        sessions=db.session,
        layout=storage.layout,
        store=storage.store,
        media=media,
        transcription=transcriber,
        breakdown_engine=breakdown_engine.build if breakdown_engine else None,
        search=search.backend if search else None,
        min_confidence=search.min_confidence if search else None,
    )


def begin_step(
    context: AssetExecutionContext,
    db: DatabaseResource,
    media: MediaResource,
    step_name: str,
    status: UrlStatus | None = None,
    *,
    force: bool = False,
) -> Step:
    """Open the step's ``jobs`` row and move the URL to the step's status (``STEP_STATUSES``, or
    ``status`` where the caller knows better), unless the URL is already further on and the run
    does not force the work (``services.steps.StepTracker.begin``)."""
    start_status: UrlStatus | None = status or STEP_STATUSES[step_name][0]
    key = context.partition_key
    attempt = context.retry_number + 1
    with db.session() as s:
        row = repo.get_url(s, key)
        if row is None:
            raise Failure(
                description=(
                    f"partition {key!r} has no URL in the vsl database: partitions are made by adding URLs, with "
                    "the add_urls job (Launchpad config: urls), `vsl add` or the web app, not by hand"
                ),
                allow_retries=False,
            )
        before = row.status
        if not force and start_status is not None and steps.further_on(before, start_status):
            start_status = None  # it stays where it is; the step's end decides (end_step)
        worker = current_worker(media.worker_name or None)
        job_id = repo.start_job(
            s, key, step_name, context.run.run_id, attempt, start_status, worker, close_wait=db.take_wait()
        )
        step = Step(key, row.url, row.id, job_id, step_name, attempt, before=before)
    heartbeat.keep_beating(db.url, worker)
    if attempt > 1:
        # Said only for a retry: each run-log line is a write to the event log (~20 ms on SQLite
        # storage), and the step's start, its partition and its own lines already say the rest.
        context.log.info(f"{step_name} for {redact_url(step.url)} (attempt {attempt})")
    return step


def end_step(
    db: DatabaseResource,
    step: Step,
    *,
    move_status: bool = True,
    status: UrlStatus | None = None,
    outcome: JobOutcome | None = None,
    error: str | None = None,
) -> None:
    """Close the step's ``jobs`` row; move the URL to ``status`` (default: the step's done status)
    unless told not to (a step that ends while a later one already runs must not move the URL back),
    or unless the step only reused its output on a URL that was already further on: it stays there."""
    done = status or STEP_STATUSES[step.name][1]
    if step.reused and step.before is not None and steps.further_on(step.before, done):
        done = UrlStatus(step.before)
    with db.session() as s:
        repo.finish_job(s, step.job_id, outcome or (JobOutcome.REUSED if step.reused else JobOutcome.SUCCEEDED), error)
        if move_status and outcome is None:
            repo.set_status(s, [step.key], done)


def fail_step(context: AssetExecutionContext, db: DatabaseResource, step: Step, exc: BaseException) -> NoReturn:
    """Record a failed step and raise the Dagster ``Failure`` (retried only when transient)."""
    if isinstance(exc, Failure):
        raise exc
    if not isinstance(exc, VslError):
        # A bug or an unforeseen library error: record it like any failure so the URL does not
        # stay in an in-progress status, and do not retry blindly.
        exc = VslError(f"internal error in {step.name}: {type(exc).__name__}: {exc}")
    _fail(context, db, step, step.name, step.attempt, exc)


@dataclass
class DagsterSteps:
    """The run's step bookkeeping as a service sees it (``services.steps.StepTracker``): each step's
    ``jobs`` row, status and failure, for an asset's own step (:func:`run_step`) and for each step
    a service sequences in one op alike."""

    context: AssetExecutionContext
    config: StepConfig
    db: DatabaseResource
    media: MediaResource
    _open: dict[str, Step] = field(default_factory=dict)

    def begin(self, step: str, status: UrlStatus | None = None) -> StepInputs:
        opened = self._open[step] = begin_step(self.context, self.db, self.media, step, status, force=self.config.force)
        return opened.inputs(self.context, self.config)

    def end(
        self,
        step: str,
        *,
        reused: bool = False,
        move_status: bool = True,
        status: UrlStatus | None = None,
        failed: str | None = None,
    ) -> None:
        done = self._open.pop(step)
        done.reused = reused
        outcome = JobOutcome.FAILED if failed is not None else None
        end_step(self.db, done, move_status=move_status, status=status, outcome=outcome, error=failed)

    def fail(self, step: str, error: BaseException) -> NoReturn:
        fail_step(self.context, self.db, self._open.pop(step), error)

    def follow_audio(self, seconds: float) -> None:
        follow_the_audio(self.context, self.db.session, self.context.partition_key, seconds)

    def log(self, message: str) -> None:
        self.context.log.info(message)


def _fail(
    context: AssetExecutionContext, db: DatabaseResource, step: Step, step_name: str, attempt: int, exc: VslError
) -> NoReturn:
    # Retried here only when transient and not already retried by the layer below.
    retryable = exc.transient and not exc.retried
    policy = context.op_def.retry_policy
    final = not retryable or attempt > (policy.max_retries if policy is not None else 0)
    with db.session() as s:
        repo.record_failure(
            s,
            key=step.key,
            job_id=step.job_id,
            step=step_name,
            run_id=context.run.run_id,
            attempt=attempt,
            error=exc,
            final=final,
            payload={"url": step.url, "partition_key": step.key, "step": step_name, "assets": list(PIPELINE_STEPS)},
        )
    what = "failed" if final else "failed (will retry)"
    context.log.error(f"{step_name} {what}: {exc.reason}" + (f"\n{exc.detail}" if exc.detail else ""))
    raise Failure(
        description=exc.reason,
        metadata={"error_class": exc.error_class, "transient": exc.transient, "attempt": attempt},
        allow_retries=retryable,
    ) from None
