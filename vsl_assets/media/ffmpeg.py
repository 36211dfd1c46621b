"""Finding and running ffmpeg.

A fresh machine has only Python: when no ``ffmpeg`` is on PATH the binary that the
``imageio-ffmpeg`` wheel ships is used.  ``VSL_FFMPEG`` overrides both: the front ends read it
from ``Settings`` and hand it down (the media options' and ``SilenceOptions``' ``ffmpeg``), so
nothing here reads the settings.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from vsl_assets.core import deadline
from vsl_assets.errors import ConfigurationError, TransientError

#: Sent with every request; some CDNs refuse ffmpeg's default Lavf user agent.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def find_ffmpeg(configured: str | None = None) -> str:
    """``configured`` (``VSL_FFMPEG``, handed in by the caller), else ffmpeg on PATH, else imageio-ffmpeg's."""
    return _find(configured or None)


@functools.cache
def _find(configured: str | None) -> str:
    candidate = configured or shutil.which("ffmpeg")
    if candidate:
        return candidate
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ConfigurationError(
            "ffmpeg was not found: install ffmpeg, `pip install imageio-ffmpeg`, or set VSL_FFMPEG"
        ) from None
    return imageio_ffmpeg.get_ffmpeg_exe()


#: Told the process id of each ffmpeg started in this context (:func:`announce_spawns`).
_SPAWNED: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar("ffmpeg_spawned", default=None)


@contextlib.contextmanager
def announce_spawns(callback: Callable[[int], None]) -> Iterator[None]:
    """Within this context (this thread, or a copy of its context), ``callback`` gets the process id
    of each ffmpeg :func:`run_ffmpeg` starts, as soon as it runs: what a caller needs to change the
    priority of an encode already under way."""
    token = _SPAWNED.set(callback)
    try:
        yield
    finally:
        _SPAWNED.reset(token)


@dataclass(frozen=True)
class FfmpegResult:
    returncode: int
    stderr: str
    elapsed_s: float

    def tail(self, lines: int = 12) -> str:
        return "\n".join(self.stderr.strip().splitlines()[-lines:])


def run_ffmpeg(
    args: Sequence[str],
    *,
    timeout_s: float,
    progress: Callable[[dict[str, str]], None] | None = None,
    ffmpeg: str | None = None,
) -> FfmpegResult:
    """Run ffmpeg with ``args``; stderr is captured (to a file, so it cannot block the pipe).

    With ``progress``, ffmpeg's ``-progress`` key/value blocks are handed over as they arrive.
    A wall-clock overrun kills ffmpeg and raises :class:`TransientError`.
    """
    timeout_s = deadline.remaining(timeout_s)
    cmd = [ffmpeg or find_ffmpeg(), "-nostdin", "-hide_banner", "-y"]
    if progress is not None:
        cmd += ["-progress", "pipe:1", "-stats_period", "5"]
    cmd += list(args)
    start = time.monotonic()
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if progress else subprocess.DEVNULL,
            stderr=err,
            text=True,
        )
        spawned = _SPAWNED.get()
        if spawned is not None:
            spawned(proc.pid)
        try:
            if progress is not None and proc.stdout is not None:
                block: dict[str, str] = {}
                for line in proc.stdout:
                    name, _, value = line.strip().partition("=")
                    block[name] = value
                    if name == "progress":
                        progress(block)
                        block = {}
                    if time.monotonic() - start > timeout_s:
                        break
            remaining = max(0.1, timeout_s - (time.monotonic() - start))
            proc.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            pass
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
                deadline.check()  # the step's cap, not ffmpeg's own limit, is what ran out
                raise TransientError(f"ffmpeg did not finish within {timeout_s:.0f} s and was stopped")
        err.seek(0)
        return FfmpegResult(proc.returncode, err.read(), time.monotonic() - start)
