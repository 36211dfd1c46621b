"""Identify the process doing a step, so a killed worker can be told apart from a slow one.

Dagster's default run launcher cannot report the health of a run worker: a run whose process
got ``kill -9`` stays "started" forever.  Each ``jobs`` row therefore records
``host:pid:start-time`` of the process executing it; reconciliation on the same host checks
whether that exact process still exists (the start time guards against PID reuse).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    return stat.rsplit(")", 1)[1].split()[19]


def current_worker(name: str | None = None) -> str:
    """``host:pid:start-time``, plus ``:name`` when the process has a worker name (``vsl worker``
    sets ``VSL_WORKER_NAME``; the resources carry it here)."""
    pid = os.getpid()
    ident = f"{socket.gethostname()}:{pid}:{_start_ticks(pid) or '?'}"
    return f"{ident}:{name}" if name else ident


def worker_label(worker: str | None) -> str:
    """What a person reads: the worker's name when it has one, else ``host:pid``."""
    if not worker:
        return "-"
    host, pid, _ticks, name = ([*worker.split(":", 3), "", "", ""])[:4]
    return name or f"{host}:{pid}"


def worker_alive(worker: str | None) -> bool | None:
    """True/False for a worker on this host; None when it cannot be known (other host, no /proc)."""
    if not worker:
        return None
    host, pid_text, ticks = ([*worker.split(":", 3), "", ""])[:3]
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


#: Slack between a process's start time as ``/proc`` gives it (boot time in whole seconds plus
#: clock ticks) and a time the process itself reported.
_START_SLACK = timedelta(seconds=2)


def pid_alive(pid: int, reported_at: datetime) -> bool | None:
    """Whether the process ``pid`` that reported itself at ``reported_at`` (on this host) still lives.

    A process with that pid that started after ``reported_at`` is a new one (pid reuse): False.
    None when ``/proc`` is missing (not Linux): the caller then knows nothing.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = _start_ticks(pid)
    if ticks is None:
        return False
    try:
        boot = next(
            int(line.split()[1]) for line in (proc / "stat").read_text().splitlines() if line.startswith("btime")
        )
        started = datetime.fromtimestamp(boot + int(ticks) / os.sysconf("SC_CLK_TCK"), UTC)
    except (OSError, StopIteration, ValueError):
        return True
    at = reported_at if reported_at.tzinfo else reported_at.replace(tzinfo=UTC)
    return started <= at + _START_SLACK


#: How often a process running steps refreshes its open job rows (``jobs.heartbeat_at``).
HEARTBEAT_S = 10.0
#: A worker on another host whose open jobs have not beaten for this long is taken for dead
#: (a PostgreSQL restart or a network blip of a minute must not look like a crash).
HEARTBEAT_GRACE = timedelta(seconds=90)


def liveness(
    beats: Mapping[str, datetime], now: datetime, grace: timedelta = HEARTBEAT_GRACE
) -> Callable[[str | None], bool | None]:
    """Whether a job's worker lives: asked of the process on this host, else of its heartbeats.

    None when neither can tell (another host, and no heartbeat recorded: rows from before 0006).
    """

    def alive(worker: str | None) -> bool | None:
        local = worker_alive(worker)
        if local is not None or not worker:
            return local
        last = beats.get(worker)
        if last is None:
            return None
        return (last if last.tzinfo else last.replace(tzinfo=UTC)) >= now - grace

    return alive
