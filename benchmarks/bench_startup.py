"""Start-up cost: what a run, ``vsl --help`` and ``vsl status`` pay before doing any work.

Every figure is the median CPU time (user + system) of fresh subprocesses (``--repeats``) — on a
shared machine steadier than wall time — printed next to its baselines measured in the same run:

- ``python -c pass``: the interpreter alone;
- a bare Dagster project (one no-op asset): the floor for a run of any code location;
- the same commands on another revision of this project (``--baseline-rev REV``: the revision
  before a change), extracted with ``git archive`` into a temporary folder.

The no-op run: the code location's definitions are loaded (as ``dagster asset materialize`` does
in each run worker) and one asset that does nothing is materialized in process on an ephemeral
instance.  ``vsl status`` runs against an empty project (SQLite, temporary storage).  The import
counts say how many modules each command loads; ``--modules`` lists which heavy ones.

    python benchmarks/bench_startup.py                          # this checkout only, 5 repeats
    python benchmarks/bench_startup.py --baseline-rev c2992fe   # + the same figures for c2992fe
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Modules a command should load only when it uses them (the issue's list).
HEAVY = (
    "fastapi",
    "uvicorn",
    "celery",
    "boto3",
    "botocore",
    "faster_whisper",
    "ctranslate2",
    "yt_dlp",
    "pandas",
    "dagster",
)

BARE_PROJECT = """
import dagster as dg

@dg.asset
def noop() -> None:
    return None

defs = dg.Definitions(assets=[noop])
"""

NOOP_RUN = """
import sys, time
t0 = time.perf_counter()
import dagster as dg
{load}
@dg.asset
def noop_probe() -> None:
    return None
result = dg.materialize([noop_probe], instance=dg.DagsterInstance.ephemeral())
assert result.success
print(f"{{len(sys.modules)}}")
"""

LOAD_OURS = "from vsl_assets.definitions import build_definitions\nbuild_definitions().resolve_asset_graph()"
LOAD_BARE = "import importlib.util, sys\nspec = importlib.util.spec_from_file_location('bare', sys.argv[1])\nmod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\nmod.defs.resolve_asset_graph()"

MODULES_PROBE = "import sys, runpy\nsys.argv = {argv!r}\ntry:\n    runpy.run_module('vsl_assets.cli', run_name='__main__')\nexcept SystemExit:\n    pass\nimport json\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})), file=sys.stderr)\nprint(len(sys.modules), file=sys.stderr)"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str, str]:
    """CPU seconds (user + system) of the child: steadier than wall time on a shared machine."""
    start = _children_cpu()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    elapsed = _children_cpu() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.stdout, done.stderr


def median_of(repeats: int, cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str, str]:
    results = [run(cmd, env, cwd) for _ in range(repeats)]
    return statistics.median(r[0] for r in results), results[-1][1], results[-1][2]


def project_env(code: Path, project: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VSL_", "DAGSTER_"))}
    env.update(
        PYTHONPATH=str(code),
        VSL_PROJECT_DIR=str(project),
        VSL_STORAGE_DIR=str(project / "storage"),
        VSL_DATABASE_URL=f"sqlite:///{project / 'storage' / 'vsl.db'}",
        DAGSTER_HOME=str(project),
        OPENAI_API_KEY="",
    )
    return env


def measure_code(label: str, code: Path, repeats: int, tmp: Path) -> list[tuple[str, float, str]]:
    """The three figures for one checkout of this project."""
    project = tmp / f"project-{label}"
    (project / "storage").mkdir(parents=True)
    (project / "workspace.yaml").write_text("load_from: []\n")
    (project / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = project_env(code, project)
    rows = []
    py = sys.executable
    noop = tmp / f"noop-{label}.py"
    noop.write_text(NOOP_RUN.format(load=LOAD_OURS))
    t, out, _ = median_of(repeats, [py, str(noop)], env, project)
    rows.append((f"no-op run, our code location [{label}]", t, f"{out.strip()} modules"))
    for argv in (["vsl", "--help"], ["vsl", "status"]):
        probe = MODULES_PROBE.format(argv=argv, heavy=set(HEAVY))
        t, _, err = median_of(repeats, [py, "-c", probe], env, project)
        heavy, count = err.strip().splitlines()[-2:]
        loaded = sorted({m.split(".")[0] for m in eval(heavy)})
        rows.append((f"{' '.join(argv)} [{label}]", t, f"{count} modules; heavy: {', '.join(loaded) or 'none'}"))
    return rows


def archive(rev: str, dest: Path) -> Path:
    dest.mkdir(parents=True)
    tar = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "vsl_assets", "pyproject.toml"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(dest)], input=tar.stdout, check=True)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-rev", help="also measure this revision of the project (git archive)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as name:
        tmp = Path(name)
        bare_env = {k: v for k, v in os.environ.items() if not k.startswith(("VSL_", "DAGSTER_"))}
        bare = tmp / "bare.py"
        bare.write_text(textwrap.dedent(BARE_PROJECT))
        noop = tmp / "noop-bare.py"
        noop.write_text(NOOP_RUN.format(load=LOAD_BARE))
        rows: list[tuple[str, float, str]] = []
        t, _, _ = median_of(args.repeats, [sys.executable, "-c", "pass"], bare_env, tmp)
        rows.append(("python -c pass (baseline)", t, ""))
        t, out, _ = median_of(args.repeats, [sys.executable, str(noop), str(bare)], bare_env, tmp)
        rows.append(("no-op run, bare Dagster project (baseline)", t, f"{out.strip()} modules"))
        floor = t
        if args.baseline_rev:
            rows += measure_code(args.baseline_rev, archive(args.baseline_rev, tmp / "baseline"), args.repeats, tmp)
        rows += measure_code("this checkout", REPO, args.repeats, tmp)
    print(f"start-up: CPU seconds, median of {args.repeats} fresh processes each (load {os.getloadavg()[0]:.1f})")
    for what, seconds, note in rows:
        ratio = f"{seconds / floor:5.2f}x bare run" if "no-op run" in what else ""
        print(f"  {what:<48} {seconds:7.3f} s  {ratio:<16} {note}")


if __name__ == "__main__":
    main()
