"""Both processes started together stop together: on SIGTERM, on Ctrl-C, and when one of them dies."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: A child that writes the name of the signal that ended it, then exits.
CHILD = """
import signal, sys, time, pathlib
out = pathlib.Path(sys.argv[1])
def bye(signum, frame):
    out.write_text(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGINT, bye)
signal.signal(signal.SIGTERM, bye)
out.write_text("started")
time.sleep(float(sys.argv[2]))
out.write_text("exited by itself")
"""

SUPERVISOR = """
import signal, sys
from pathlib import Path
from vsl_assets.supervise import Child, supervise
tmp = Path(sys.argv[1])
children = [
    Child("dagster", [sys.executable, str(tmp / "child.py"), str(tmp / "a.txt"), sys.argv[2]], signal.SIGINT),
    Child("web", [sys.executable, str(tmp / "child.py"), str(tmp / "b.txt"), sys.argv[3]], signal.SIGTERM),
]
sys.exit(supervise(children, tmp, grace_s=5))
"""


def _start(tmp_path: Path, a_s: str = "60", b_s: str = "60", ignore_sigint: bool = False) -> subprocess.Popen[str]:
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "sup.py").write_text(SUPERVISOR)

    def _like_a_background_shell() -> None:
        if ignore_sigint:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # what `run.sh &` does to its children

    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "sup.py"), str(tmp_path), a_s, b_s],
        preexec_fn=_like_a_background_shell,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if all((tmp_path / n).exists() and (tmp_path / n).read_text() == "started" for n in ("a.txt", "b.txt")):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("children did not start")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_both_children_each_their_own_way(tmp_path: Path, sig: signal.Signals) -> None:
    proc = _start(tmp_path, ignore_sigint=True)
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 0
    # dagster dev is stopped with SIGINT (its clean shutdown), even though the parent ignored SIGINT.
    assert (tmp_path / "a.txt").read_text() == "SIGINT"
    assert (tmp_path / "b.txt").read_text() == "SIGTERM"
    assert f"stopping ({sig.name})" in proc.stderr.read()


def test_when_one_child_dies_the_other_is_stopped_too(tmp_path: Path) -> None:
    proc = _start(tmp_path, a_s="60", b_s="1")
    assert proc.wait(timeout=30) == 1  # not a requested stop: a failure
    assert (tmp_path / "b.txt").read_text() == "exited by itself"
    assert (tmp_path / "a.txt").read_text() == "SIGINT"
    assert "stopping (web exited)" in proc.stderr.read()
