#!/usr/bin/env bash
# Set up (first run) and start everything: the web app on http://127.0.0.1:8000 and Dagster
# (webserver + daemon, sensors running) on http://127.0.0.1:3000. Ctrl-C or SIGTERM stops both.
# First time: create a login with  .venv/bin/vsl user add NAME
set -euo pipefail
cd "$(dirname "$0")"
source scripts/bootstrap.sh
exec vsl up --host "${VSL_HOST:-127.0.0.1}" --port "${VSL_WEB_PORT:-8000}" --dagster-port "${VSL_PORT:-3000}" "$@"
