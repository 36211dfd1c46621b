#!/usr/bin/env bash
# Static checks, as CI and the pre-commit hook run them: lint, format, types, import contract.
# Needs the project's .venv (./test.sh or ./run.sh creates it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=.venv/bin
echo "== ruff check";           "$bin/ruff" check .
echo "== ruff format --check";  "$bin/ruff" format --check .
echo "== mypy (vsl_assets/)";   "$bin/python" -m mypy
echo "== import contract";      "$bin/lint-imports"
