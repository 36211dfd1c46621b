"""``vsl ARGS`` run two ways: in this process (``main()``, for what the command does) and as a real
subprocess (for what only a process shows: the console script, the environment a terminal gives).

A subprocess start imports the whole stack again (~3 s of CPU each); the fast tier runs the
command in process and keeps a few subprocess twins, marked slow, in the full suite.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    """What a ``vsl`` call gave, as :class:`subprocess.CompletedProcess` names it."""

    returncode: int
    stdout: str
    stderr: str


def in_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None) -> Ran:
    """``vsl ARGS`` through ``main()`` here: its output captured, and the working directory (which
    ``main()`` moves to the project), the environment and stdin put back afterwards."""
    from vsl_assets.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_cwd, saved_env, saved_stdin = os.getcwd(), dict(os.environ), sys.stdin
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.chdir(cwd or REPO)  # where the subprocess twin starts
        sys.stdin = io.StringIO(stdin or "")
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdin = saved_stdin
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return Ran(code, out.getvalue(), err.getvalue())


def as_subprocess(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None
) -> Ran:
    """``vsl ARGS`` as the installed console script (``python -m vsl_assets.cli`` without one)."""
    exe = Path(sys.executable).with_name("vsl")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "vsl_assets.cli"]
    done = subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=os.environ.copy() if env is None else env,
        cwd=cwd or REPO,
        timeout=300,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


Runner = Callable[..., Ran]
#: Parametrize a test over both: in process in the fast tier, the subprocess twin in the full suite.
BOTH = pytest.mark.parametrize(
    "run_vsl", [in_process, pytest.param(as_subprocess, marks=pytest.mark.slow)], ids=["in_process", "subprocess"]
)
