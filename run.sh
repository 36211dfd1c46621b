#!/usr/bin/env bash
# Set up (first run) and start the app: Dagster webserver + daemon on 127.0.0.1, sensors running.
# Add URLs from another terminal with:  .venv/bin/vsl add URL
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
exec dagster dev -h "${VSL_HOST:-127.0.0.1}" -p "${VSL_PORT:-3000}" -w workspace.yaml "$@"
