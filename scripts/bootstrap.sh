#!/usr/bin/env bash
# Create .venv and install the project with its test tools; a no-op when nothing changed.
# Needs only python3 (3.11+). Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=".venv/.vsl-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # pip is --quiet: without a word here a first run sat silent for minutes
  if [ -f "$stamp" ]; then
    echo "vsl: pyproject.toml changed: updating .venv (a minute or two)..." >&2
  else
    echo "vsl: first run: installing the project into .venv (a few minutes; later runs start at once)..." >&2
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD}"
mkdir -p storage
