#!/usr/bin/env bash
# Set up (first run) and run the whole test suite. Extra arguments go to pytest:
#   ./test.sh -m "not slow"     the fast tier for the edit loop (no pipeline runs, daemons or PostgreSQL)
#   ./test.sh vsl_assets_tests/search -k phrase
#   VSL_TEST_WORKERS=0 ./test.sh   one process (pdb, -x, timing one test); the default runs one
#                                  pytest-xdist worker per CPU (-n logical), each with its own servers
# pytest's exit status is passed through (5 = no tests collected counts as a failure).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
exec python -m pytest -q -p no:cacheprovider -n "${VSL_TEST_WORKERS:-logical}" --dist loadgroup "$@"
