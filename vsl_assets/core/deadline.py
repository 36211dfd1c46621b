"""A wall-clock cap per step, visible to every long loop the step runs.

:func:`~vsl_assets.services.steps.tracked` opens a :func:`step_deadline`; code that can run
long (ffmpeg, the HLS downloader, chunked and local transcription, API requests) shortens its
own timeouts to :func:`remaining` and calls :func:`check` between units of work, so a step stops
with a clear reason instead of running forever.  Outside a step there is no deadline and both
are no-ops.  Threads started for a step must run in a copy of its context
(``contextvars.copy_context().run``) to see the deadline.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from vsl_assets.core.humanize import clock
from vsl_assets.errors import PermanentError


class StepTimeoutError(PermanentError):
    """The step ran past its wall-clock cap; it was stopped and will not be retried by itself."""


@dataclass(frozen=True)
class _Deadline:
    ends_at: float
    limit_s: float
    step: str
    why: str = "VSL_STEP_TIMEOUT_S"


_current: ContextVar[_Deadline | None] = ContextVar("vsl_step_deadline", default=None)


@contextlib.contextmanager
def step_deadline(limit_s: float, step: str) -> Iterator[None]:
    token = _current.set(_Deadline(time.monotonic() + limit_s, limit_s, step))
    try:
        yield
    finally:
        _current.reset(token)


def tighten(limit_s: float, why: str) -> None:
    """Bring the current step's cap forward to ``limit_s`` from now (never later than it was).

    The transcription step knows its audio's length only once it runs: its cap then follows the
    audio (see :func:`vsl_assets.progress.time_limit_s`) instead of the generic step cap.
    ``why`` replaces the setting named in the timeout message.
    """
    current = _current.get()
    if current is None:
        return
    ends_at = time.monotonic() + limit_s
    if ends_at < current.ends_at:
        _current.set(_Deadline(ends_at, limit_s, current.step, why))


def remaining(default: float) -> float:
    """``default``, or less if the step's deadline comes first (never below 0.1 s)."""
    deadline = _current.get()
    if deadline is None:
        return default
    return max(0.1, min(default, deadline.ends_at - time.monotonic()))


def check() -> None:
    """Raise :class:`StepTimeoutError` once the current step is past its cap."""
    deadline = _current.get()
    if deadline is not None and time.monotonic() >= deadline.ends_at:
        raise StepTimeoutError(
            f"the {deadline.step} step ran longer than its limit of {clock(deadline.limit_s)} and was stopped "
            f"({deadline.why})"
        )
