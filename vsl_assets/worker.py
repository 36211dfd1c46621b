"""Identify the process doing a step, so a killed worker can be told apart from a slow one.

Dagster's default run launcher cannot report the health of a run worker: a run whose process
got ``kill -9`` stays "started" forever.  Each ``jobs`` row therefore records
``host:pid:start-time`` of the process executing it; reconciliation on the same host checks
whether that exact process still exists (the start time guards against PID reuse).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    return stat.rsplit(")", 1)[1].split()[19]


def current_worker() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"


def worker_alive(worker: str | None) -> bool | None:
    """True/False for a worker on this host; None when it cannot be known (other host, no /proc)."""
    if not worker:
        return None
    host, _, rest = worker.partition(":")
    pid_text, _, ticks = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if ticks and ticks != "?":
        current = _start_ticks(pid)
        if current is None:
            return not Path("/proc").is_dir() and None
        return current == ticks
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
