"""How a front end records a step (:class:`StepTracker`), and the one way a step is run under it.

A step's bookkeeping -- its ``jobs`` row, the URL's status, its deadline, its failure and dead
letter -- is the same whether the step is an asset of its own or one of several an op sequences
(:mod:`~vsl_assets.services.steps.beside`): :func:`tracked` is both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, Protocol, TypeVar

from vsl_assets.core import deadline
from vsl_assets.db import UrlStatus
from vsl_assets.progress import PROGRESS
from vsl_assets.services.steps.common import StepInputs, StepResources

R = TypeVar("R")

#: A stage a URL rests in once its steps are done (no run needs to own it).
_FINISHED = frozenset({UrlStatus.DOWNLOADED, UrlStatus.TRANSCRIBED, UrlStatus.ANALYZED})


def further_on(before: str | None, status: UrlStatus) -> bool:
    """Whether ``before`` (the URL's status when a step began) is a finished stage past ``status``:
    an analysed VSL whose transcript step runs again is further on than "transcribing" or
    "transcribed".  A step that re-runs on such a URL and only reuses its output must leave it
    there (``StepTracker``): its status never goes back for work nobody redid."""
    if before not in _FINISHED or status not in PROGRESS:
        return False
    return PROGRESS.index(UrlStatus(before)) > PROGRESS.index(status)


class StepTracker(Protocol):
    """How a front end records a step: its ``jobs`` row, the URL's status, its failure."""

    def begin(self, step: str, status: UrlStatus | None = None) -> StepInputs:
        """Open the step's row, move the URL to ``status`` (default: the step's own); its inputs.

        Not a URL already further on (:func:`further_on`) unless the run forces the work: a step
        that re-runs there most often reuses its output, and a run stopped half way must not leave
        an analysed VSL "transcribing" (nor failed by reconciliation)."""
        ...

    def end(
        self,
        step: str,
        *,
        reused: bool = False,
        move_status: bool = True,
        status: UrlStatus | None = None,
        failed: str | None = None,
    ) -> None:
        """Close the step's row and move the URL to ``status`` (default: the step's done status)
        unless ``move_status`` is False; ``failed``: as failed, with that reason, nothing more recorded.
        ``reused``: the step did no work, so a URL further on than ``status`` when the step began
        stays where it was (:func:`further_on`)."""
        ...

    def fail(self, step: str, error: BaseException) -> NoReturn:
        """Record the step's failure (job, URL, dead letter) and raise what the front end raises."""
        ...

    def follow_audio(self, seconds: float) -> None:
        """The audio's length is known: the run's time limit follows it (before the transcription)."""
        ...

    def log(self, message: str) -> None: ...


def tracked(
    track: StepTracker,
    step: str,
    res: StepResources,
    work: Callable[[StepInputs], R],
    *,
    done_status: UrlStatus | None = None,
) -> R:
    """One step, recorded: its row, its deadline (``VSL_STEP_TIMEOUT_S``), its failure or its end.

    The URL's status when the step is done: the result's own ``done_status`` where it has one (a
    duplicate's ``alias``), else ``done_status`` where the caller decides it, else the step's."""
    inputs = track.begin(step)
    try:
        with deadline.step_deadline(res.media.step_timeout_s, step):
            result = work(inputs)
    except Exception as exc:
        track.fail(step, exc)
    status = getattr(result, "done_status", None) or done_status
    track.end(step, reused=bool(getattr(result, "reused", False)), status=status)
    return result
