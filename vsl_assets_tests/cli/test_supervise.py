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
from vsl_assets.cli.supervise import Child, supervise
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


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_stops_both_children_each_their_own_way(tmp_path: Path, sig: signal.Signals) -> None:
    proc = _start(tmp_path, ignore_sigint=True)
    proc.send_signal(sig)
    assert proc.wait(timeout=30) == 0
    # dagster dev is stopped with SIGINT (its clean shutdown), even though the parent ignored SIGINT.
    assert (tmp_path / "a.txt").read_text() == "SIGINT"
    assert (tmp_path / "b.txt").read_text() == "SIGTERM"
    assert f"stopping ({sig.name})" in proc.stderr.read()


@pytest.mark.slow
def test_when_one_child_dies_the_other_is_stopped_too(tmp_path: Path) -> None:
    proc = _start(tmp_path, a_s="60", b_s="1")
    assert proc.wait(timeout=30) == 1  # not a requested stop: a failure
    assert (tmp_path / "b.txt").read_text() == "exited by itself"
    assert (tmp_path / "a.txt").read_text() == "SIGINT"
    assert "stopping (web exited)" in proc.stderr.read()


def _listening(port: int, path: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in args:
            found.append(args[:120])
    return found


@pytest.mark.slow
def test_vsl_up_serves_both_and_sigterm_stops_everything_even_when_backgrounded(vsl_env) -> None:
    """The real thing: `vsl up` (what run.sh runs) started as a background shell starts it."""
    from vsl_assets_tests.conftest import REPO
    from vsl_assets_tests.servers import free_ports

    web_port, dagster_port = free_ports(2)
    exe = Path(sys.executable).with_name("vsl")
    marker = f"--dagster-port {dagster_port}"
    proc = subprocess.Popen(
        [str(exe), "up", "--port", str(web_port), "--dagster-port", str(dagster_port)],
        cwd=REPO,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not (
            _listening(web_port, "/healthz") and _listening(dagster_port, "/server_info")
        ):
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(1)
        assert _listening(web_port, "/healthz") and _listening(dagster_port, "/server_info")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
        output = proc.stdout.read() if proc.stdout else ""
        assert f"http://127.0.0.1:{web_port}" in output and f"http://127.0.0.1:{dagster_port}" in output
        assert "stopping (SIGTERM)" in output
        assert "Use 'dg dev' instead" not in output  # dagster dev's warning, advice a run.sh user cannot act on
        # Nothing is left listening or running: webserver, daemon, code servers, the web app.
        time.sleep(2)
        assert not _listening(web_port, "/healthz") and not _listening(dagster_port, "/server_info")
        assert _processes_mentioning(f"-p {dagster_port}") == []
        assert _processes_mentioning(f"--port {web_port}") == []
        assert _processes_mentioning(f"--port {dagster_port}") == []  # the webserver dagster dev started
        assert _processes_mentioning(marker) == []
    finally:
        if proc.poll() is None:
            proc.kill()
