"""``scripts/bootstrap.sh`` (sourced by ``run.sh`` and ``test.sh``) says when it installs: pip runs
``--quiet``, and a new user's first ``./run.sh`` sat silent for minutes before it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bootstrap.sh"

#: Stands in for python3: ``-m venv .venv`` makes a .venv whose python accepts pip's calls and does nothing.
FAKE_PYTHON = """#!/bin/sh
mkdir -p .venv/bin
printf '#!/bin/sh\\nexit 0\\n' > .venv/bin/python
chmod +x .venv/bin/python
"""


def _source(project: Path, python: Path) -> str:
    done = subprocess.run(
        ["bash", "-c", "source scripts/bootstrap.sh"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "PYTHON": str(python)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr


def test_bootstrap_says_it_installs_and_is_quiet_when_nothing_changed(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, project / "scripts" / "bootstrap.sh")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    python = tmp_path / "python3"
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)

    first = _source(project, python)
    assert first.strip() == (
        "vsl: first run: installing the project into .venv (a few minutes; later runs start at once)..."
    )
    assert _source(project, python) == ""  # installed, nothing changed: starts at once, says nothing
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n')
    assert _source(project, python).strip() == "vsl: pyproject.toml changed: updating .venv (a minute or two)..."
    assert (project / "storage").is_dir()
