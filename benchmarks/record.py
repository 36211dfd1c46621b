"""What a benchmark run printed, written down as JSON so the documentation quotes it, not a copy of it.

Each benchmark calls :func:`write` at the end of its run with the rows it has just printed (the
product's figure, the floor or baseline measured in the same run, the peer where there is one,
the ratio with its interval, the target and the verdict it computed), and this module adds what
a reader needs to judge the figures: the exact command line, the commit (and whether the
checkout had uncommitted changes), the revision of the "before" side when the run compared one
(``--before CHECKOUT`` or ``--baseline-ref REF``: a path or a branch says nothing a month later), the date in UTC, and the machine (cores, CPU model, load
average when the benchmark started and when it ended).  The file lands in
``benchmarks/results/<name>.json`` and is committed; ``benchmarks/report.py`` turns the files
into the generated tables of ``docs/benchmarks.md``.

Why a separate record instead of parsing the printed output: the figures in the docs drifted from
what a benchmark printed when they were copied by hand, and a parser of each benchmark's free-form
tables would break at the first reworded line.  The figures here are the same strings the
benchmark printed (formatted once, by the benchmark), never recomputed.

The load average "before" is the one when this module was imported -- at the benchmark's start,
since every benchmark imports it with its other modules -- so a benchmark whose ``main`` others
edit needs only the final call.  Worker processes a benchmark starts must not call :func:`write`.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
# Benchmarks import what they share with the tests from ``vsl_assets_tests.instance``, never from
# ``conftest`` (which points $VSL_BENCH_RESULTS at a temporary folder, so that a test never overwrites
# the committed results); should one import it anyway, it still records here: set first, the folder is
# kept.  Inside the suite, conftest has already set it, and this leaves it alone.
os.environ.setdefault("VSL_BENCH_RESULTS", str(RESULTS))
#: Bumped when a field changes meaning; report.py refuses a file of another version.
FORMAT = 1
VERDICTS = ("PASS", "FAIL", "undecided", "pass~", "fail~")


def _loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:  # not on every platform
        return (float("nan"),) * 3


#: The load when the benchmark started (see the module's docstring).
LOAD_AT_START = _loadavg()
STARTED = datetime.now(UTC)


@dataclass(frozen=True)
class Row:
    """One figure as the benchmark printed it.

    ``product`` is this checkout's figure; ``floor`` the baseline measured in the same run (the
    real floor: raw FTS5, faster-whisper direct, a bare Dagster run, ``/healthz``...); ``peer`` what a
    user would pick instead, where the benchmark measures one; ``ratio`` the comparison the
    verdict is judged on, with its interval where the benchmark has one (e.g. ``1.07x [1.03-1.13]``);
    ``target`` the issue's target in words (``<= 1.10x``); ``verdict`` one of :data:`VERDICTS`, or
    ``None`` for an informational row that is not judged; ``before`` the same figure for the
    revision a ``--baseline-ref`` run measured beside this one.  All are the benchmark's own strings.
    """

    what: str
    product: str
    floor: str | None = None
    peer: str | None = None
    ratio: str | None = None
    target: str | None = None
    verdict: str | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise ValueError(f"verdict {self.verdict!r} is none of {', '.join(VERDICTS)}")
        if self.verdict is not None and not self.target:
            raise ValueError(f"{self.what!r}: a verdict needs the target it was judged against")


@dataclass
class Result:
    """A benchmark run: what :func:`write` stores and report.py reads."""

    name: str
    command: str
    commit: str
    dirty: bool
    date_utc: str
    machine: dict[str, Any]
    load_before: list[float]
    load_after: list[float]
    rows: list[Row]
    backend: str | None = None
    #: False when the run used smaller sizes than the issue's (a development run): the report says so.
    full_size: bool = True
    #: What the run's sizes were, in words (``10,000 VSLs, 30 requests per page``).
    sizes: str = ""
    notes: list[str] = field(default_factory=list)
    #: The compared revision (``--before``'s checkout or ``--baseline-ref``), short, with ``+changes``
    #: when that checkout had uncommitted changes; None when the run compared none (see :func:`before`).
    before_commit: str | None = None
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Result:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"result format {data.get('format')!r}, this code reads {FORMAT}")
        data["rows"] = [Row(**row) for row in data["rows"]]
        return cls(**data)


def _git(*args: str, where: Path = REPO) -> str:
    try:
        out = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def commit(where: Path = REPO) -> tuple[str, bool]:
    """A checkout's commit (short) and whether tracked files differ from it (results/ excluded)."""
    head = _git("rev-parse", "--short", "HEAD", where=where) or "unknown"
    changed = _git(
        "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)benchmarks/results", where=where
    )
    return head, bool(changed)


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``name`` in ``argv`` (``--x V`` or ``--x=V``; the last one given wins, as argparse)."""
    found = None
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found


def before(argv: list[str]) -> str | None:
    """The revision the run compared with, read from its command line: ``--before CHECKOUT`` (that
    checkout's commit, ``+changes`` when it had uncommitted ones) or ``--baseline-ref REF`` (the
    commit REF names here); ``unknown`` when neither git can tell, None when the run compared none."""
    checkout = _option(argv, "--before")
    if checkout is not None:
        path = Path(checkout).expanduser()
        if not _git("rev-parse", "--git-dir", where=path):
            return "unknown"
        head, dirty = commit(path)
        return head + ("+changes" if dirty else "")
    ref = _option(argv, "--baseline-ref")
    if ref is not None:
        return _git("rev-parse", "--short", f"{ref}^{{commit}}") or "unknown"
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed from the repository root (``python benchmarks/bench_x.py --flag``)."""
    argv = list(sys.argv if argv is None else argv)
    script = Path(argv[0]) if argv else Path("?")
    try:
        shown = str(script.resolve().relative_to(REPO))
    except ValueError:
        shown = str(script)
    return shlex.join(["python", shown, *argv[1:]])


def write(
    name: str,
    rows: list[Row],
    *,
    backend: str | None = None,
    full_size: bool = True,
    sizes: str = "",
    notes: list[str] | None = None,
    directory: Path | None = None,
    argv: list[str] | None = None,
) -> Path:
    """Write ``benchmarks/results/<name>.json`` for this run and say where (one line on stderr).

    ``$VSL_BENCH_RESULTS`` names another folder: the test suite sets it, so a benchmark run by a test
    never overwrites the committed results."""
    if not rows:
        raise ValueError(f"{name}: nothing to record")
    head, dirty = commit()
    args = list(sys.argv if argv is None else argv)
    result = Result(
        name=name,
        command=command_line(args),
        commit=head,
        dirty=dirty,
        date_utc=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        machine=machine(),
        load_before=[round(x, 2) for x in LOAD_AT_START],
        load_after=[round(x, 2) for x in _loadavg()],
        rows=list(rows),
        backend=backend,
        full_size=full_size,
        sizes=sizes,
        notes=list(notes or []),
        before_commit=before(args[1:]),
    )
    folder = directory or Path(os.environ.get("VSL_BENCH_RESULTS") or RESULTS)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(result.to_json(), encoding="utf-8")
    print(f"(recorded in {path}; python benchmarks/report.py updates docs/benchmarks.md)", file=sys.stderr)
    return path
