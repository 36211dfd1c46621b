"""Dagster's local compute logs, mirrored to the run's own output by a thread instead of processes.

Why this module exists (issue 29): ``LocalComputeLogManager.capture_logs`` sends the run's stdout
and stderr (file descriptors 1 and 2, so the ffmpeg it starts too) to the files the UI's "stdout"
and "stderr" tabs read, and mirrors them back to where they went before with, for each stream, a
``tail -F`` process and a second Python interpreter (``watch_orphans.py``) that kills the ``tail``
if the run dies: four processes started and stopped for every run, or for every step of a
multi-process run, whose CPU the run's own work shares on a small machine.

What this changes, and only this: the same files under the same keys and the same completion
marker, so the UI and ``dagster`` show the same logs; the mirror is a thread of the run that
copies what the file receives to the original descriptor.  A thread cannot outlive its process,
so nothing needs watching.  Everything else (reading, subscriptions, deletion) is
``LocalComputeLogManager``'s.  Selected in ``dagster.yaml`` (``compute_logs:`` module
``vsl_assets.defs.compute_logs``, class ``VslComputeLogManager``, config ``base_dir`` as before).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from dagster._core.storage.compute_log_manager import CapturedLogContext, ComputeIOType
from dagster._core.storage.local_compute_log_manager import IO_TYPE_EXTENSION, LocalComputeLogManager
from dagster._serdes import ConfigurableClassData

#: How often the mirror looks for new output (``tail -F`` without inotify: once a second).
POLL_S = 0.2
#: How long the end of a capture waits for the mirror to copy what is left.
MIRROR_JOIN_S = 5.0


def compute_logs_yaml(base_dir: Path | str) -> str:
    """The ``compute_logs:`` section of a ``dagster.yaml`` that selects this manager."""
    return (
        "compute_logs:\n"
        "  module: vsl_assets.defs.compute_logs\n"
        "  class: VslComputeLogManager\n"
        "  config:\n"
        f"    base_dir: {base_dir}\n"
    )


class VslComputeLogManager(LocalComputeLogManager):
    """``LocalComputeLogManager`` whose capture mirrors the output with a thread (module docstring)."""

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> VslComputeLogManager:
        return cls(inst_data=inst_data, **config_value)

    @contextlib.contextmanager
    def capture_logs(self, log_key: Sequence[str]) -> Iterator[CapturedLogContext]:
        out = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDOUT])
        err = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDERR])
        with mirrored(sys.stdout, out), mirrored(sys.stderr, err):
            yield CapturedLogContext(log_key)
        # Left on the filesystem so that the capture is known to be complete (as Dagster's does).
        Path(self.complete_artifact_path(log_key)).touch()


def _fileno(stream: IO[Any]) -> int | None:
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # a test runner's stand-in stream
        return None
    return fd if isinstance(fd, int) else None


@contextlib.contextmanager
def mirrored(stream: IO[Any], path: str | Path) -> Iterator[None]:
    """Send ``stream``'s file descriptor to ``path`` (appended) and copy what the file receives to
    where the descriptor pointed before, until the end of the block.  A stream without a
    descriptor is left alone (Dagster does the same): the file stays empty."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).touch()
    fd = _fileno(stream)
    if fd is None or os.name == "nt":
        yield
        return
    stream.flush()
    before = os.dup(fd)
    done = threading.Event()
    mirror = threading.Thread(target=_follow, args=(path, before, done), name="compute-log-mirror", daemon=True)
    mirror.start()
    try:
        with open(path, "ab", buffering=0) as sink:
            os.dup2(sink.fileno(), fd)
            try:
                yield
            finally:
                with contextlib.suppress(ValueError, OSError):
                    stream.flush()
                os.dup2(before, fd)
    finally:
        done.set()
        mirror.join(MIRROR_JOIN_S)
        if not mirror.is_alive():  # a mirror stuck writing to a full pipe keeps its descriptor
            os.close(before)


def _follow(path: str | Path, dest: int, done: threading.Event) -> None:
    """Copy what ``path`` receives to ``dest`` until ``done``, then what is left; stop copying (but
    keep reading) if ``dest`` is gone."""
    writable = True
    with open(path, "rb") as source:
        while True:
            finished = done.is_set()
            while chunk := source.read(1 << 16):
                while writable and chunk:
                    try:
                        chunk = chunk[os.write(dest, chunk) :]
                    except OSError:  # the reader went away (EPIPE) or the descriptor is closed
                        writable = False
            if finished:
                return
            done.wait(POLL_S)
