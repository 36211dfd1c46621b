"""Run the Dagster webserver + daemon and the web app together, and stop them together.

``run.sh`` (and ``vsl up``) start both as child processes in their own process groups.  Ctrl-C,
SIGTERM or the death of either child stops both: ``dagster dev`` gets SIGINT (its own clean
shutdown of the webserver, daemon and code servers), the web app SIGTERM; whatever still runs
after the grace period is killed.  SIGINT is restored in the children on purpose: a shell that
starts ``run.sh &`` in the background makes its children ignore SIGINT, and ``dagster dev`` would
then never stop cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

#: Seconds each child gets to stop on its own before it is killed.
GRACE_S = 20.0


@dataclass
class Child:
    name: str
    argv: list[str]
    stop_signal: signal.Signals
    process: subprocess.Popen[bytes] | None = None

    def start(self, cwd: Path) -> None:
        def _child_setup() -> None:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

        self.process = subprocess.Popen(self.argv, cwd=cwd, start_new_session=True, preexec_fn=_child_setup)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        if self.process is not None and self.running():
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass


def _stop(children: Sequence[Child], grace_s: float) -> None:
    for child in children:
        child.signal_group(child.stop_signal)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(c.running() for c in children):
        time.sleep(0.2)
    for child in children:
        child.signal_group(signal.SIGKILL)
        if child.process is not None:
            child.process.wait()


def supervise(children: Sequence[Child], cwd: Path, grace_s: float = GRACE_S) -> int:
    """Start every child; when one exits or a stop signal arrives, stop them all. Returns an exit status."""
    stopping: list[str] = []

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            child.start(cwd)
        while not stopping and all(c.running() for c in children):
            time.sleep(0.2)
        ended = [c.name for c in children if not c.running()]
        why = stopping[0] if stopping else f"{', '.join(ended)} exited"
        print(f"vsl: stopping ({why})", file=sys.stderr, flush=True)
        _stop(children, grace_s)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else 1
