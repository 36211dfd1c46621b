"""Stopping a process a test started, with everything it started (Linux ``/proc``).

``dagster dev`` starts a webserver, a daemon, ``dagster code-server`` processes and their gRPC
servers, and run workers.  A SIGTERM to its process group is what an operator's Ctrl-C sends, but
a child that outlives it (stuck in its shutdown, or in a session of its own) would otherwise keep
running after the test, holding ports, files and CPU.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(ppid, process group, session) of a live process; None once it is gone or a zombie."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "; comm may hold spaces
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[2]), int(fields[3])


def family(leader: int) -> set[int]:
    """Every live process descended from ``leader`` or in its process group or session (which is
    where its orphans stay once their parent has exited), ``leader`` included while it lives."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            table[int(entry.name)] = stat
    found = {pid for pid, (_, group, session) in table.items() if leader in (group, session)}
    if leader in table:
        found.add(leader)
    grew = True
    while grew:
        children = {pid for pid, (ppid, _, _) in table.items() if ppid in found} - found
        found |= children
        grew = bool(children)
    return found


def alive(pid: int) -> bool:
    return _stat(pid) is not None


def stop_tree(proc: subprocess.Popen, grace_s: float = 30.0) -> set[int]:
    """SIGTERM to ``proc``'s process group (it was started with ``start_new_session=True``), up to
    ``grace_s`` for every process of its family to end, then SIGKILL to whatever is left; returns
    the processes it stopped.  The family is read before and after the SIGTERM, so a process
    started during the shutdown, or reparented when its parent exited, is not missed."""
    seen = family(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    give_up = time.monotonic() + grace_s
    while time.monotonic() < give_up:
        seen |= family(proc.pid)
        if proc.poll() is not None and not any(alive(p) for p in seen if p != proc.pid):
            break
        time.sleep(0.1)
    seen |= family(proc.pid)
    for pid in sorted(p for p in seen if alive(p)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()
    give_up = time.monotonic() + 10
    while any(alive(p) for p in seen if p != proc.pid) and time.monotonic() < give_up:
        time.sleep(0.05)  # a SIGKILLed grandchild is reaped by init (or its parent) shortly after
    return seen
