"""``vsl up``, ``worker`` and ``health``: running and operating the services."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
from typing import Any

from vsl_assets import settings as settings_module
from vsl_assets.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, instance, own_command
from vsl_assets.core.humanize import counted
from vsl_assets.db import session_scope
from vsl_assets.errors import ConfigurationError
from vsl_assets.settings import Settings

#: The start of the warning ``dagster dev`` gives on every start (``-W`` matches a message by its start).
DAGSTER_DEV_SUPERSEDED = "Function `dev_command` is superseded"


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Dagster (webserver + daemon) and the web app together, stopped together."""
    from vsl_assets.cli.supervise import Child, supervise
    from vsl_assets.web.commands import dagster_host_refusal

    refusal = dagster_host_refusal(args.dagster_host, args.expose_dagster)
    if refusal:
        err(refusal)
        return EXIT_USAGE
    if settings.project_dir is None:
        err("vsl up needs the project (workspace.yaml, dagster.yaml): run it from the project or set VSL_PROJECT_DIR")
        return EXIT_USAGE
    children = [
        Child(
            "dagster",
            [
                sys.executable,
                # `dagster dev` warns on every start that it is "superseded ... Use 'dg dev' instead": advice
                # for Dagster's own scaffold, not for this project (`dg` is not installed), read by a new user
                # of run.sh as something to act on
                "-W",
                f"ignore:{DAGSTER_DEV_SUPERSEDED}",
                "-m",
                "dagster",
                "dev",
                "-h",
                args.dagster_host,
                "-p",
                str(args.dagster_port),
                "-w",
                "workspace.yaml",
            ],
            signal.SIGINT,
        ),
        Child(
            "web",
            [sys.executable, "-m", "vsl_assets.cli", "web", "--host", args.host, "--port", str(args.port)],
            signal.SIGTERM,
        ),
    ]
    print(
        f"vsl: the web app on http://{args.host}:{args.port}  ·  Dagster UI on http://{args.dagster_host}:{args.dagster_port}"
        "  (Ctrl-C stops both)",
        flush=True,
    )
    from sqlalchemy import func, select

    from vsl_assets.db.web_models import User

    with session_scope(settings.database) as s:
        if not s.scalar(select(func.count(User.id))):
            vsl = own_command(settings.project_dir)
            print(f"vsl: no login yet: create one with  {vsl} user add NAME  (then sign in)", flush=True)
    return supervise(children, settings.project_dir)


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """A Celery worker taking whole Dagster runs from the given queues (deploy/scaleout)."""
    if settings.celery_broker_url is None:
        err("vsl worker needs VSL_CELERY_BROKER_URL (the Redis URL the daemon's CeleryRunLauncher uses)")
        return EXIT_USAGE
    if settings.project_dir is None:
        err("vsl worker needs the project (workspace.yaml, dagster.yaml): run it there or set VSL_PROJECT_DIR")
        return EXIT_USAGE
    queues = list(dict.fromkeys(args.queue or [settings.download_queue, settings.transcription_queue]))
    bad = [q for q in queues if not re.fullmatch(settings_module.QUEUE_NAME, q)]
    name = args.name or settings.worker_name or f"{queues[0]}-{os.getpid()}"
    if bad or not re.fullmatch(settings_module.WORKER_NAME, name):
        err(f"invalid queue or worker name: {', '.join(bad) or name!r} (letters, digits, _ . - only)")
        return EXIT_USAGE
    if settings.engine == "local" and settings.whisper_device == "cuda" and settings.transcription_queue in queues:
        from vsl_assets.transcription.local_engine import require_cuda

        try:
            require_cuda()  # a GPU worker on a host without a GPU takes no work
        except ConfigurationError as exc:
            err(str(exc))
            return EXIT_USAGE
    if args.concurrency < 1:
        err("--concurrency must be 1 or more")
        return EXIT_USAGE
    dagster = instance(settings)
    if dagster is not None:
        from vsl_assets.scaleout.pools import prepare_pools

        try:
            from vsl_assets.definitions import build_definitions

            graph = build_definitions().resolve_asset_graph()
            pools = sorted({pool for key in graph.get_all_asset_keys() for pool in graph.get(key).pools or ()})
            created = prepare_pools(dagster, pools)
        finally:
            dagster.dispose()
        if created:
            print(
                f"vsl worker {name}: created {'pool' if len(created) == 1 else 'pools'} {', '.join(created)} at the instance's default limit"
            )
    env = settings_module.child_environment(
        VSL_WORKER_NAME=name,
        VSL_PROJECT_DIR=str(settings.project_dir),
        DAGSTER_HOME=str(settings.instance_dir),
    )
    command = [
        sys.executable, "-m", "celery", "-A", "vsl_assets.scaleout.celery_app", "worker",
        "-Q", ",".join(queues), "-c", str(args.concurrency), "-n", f"{name}@%h",
        "--prefetch-multiplier=1", "-O", "fair", "--without-gossip", "--without-mingle",
        "-l", args.log_level,
    ]  # fmt: skip
    print(f"vsl worker {name}: queues {', '.join(queues)}, {counted(args.concurrency, 'run')} at a time", flush=True)
    os.chdir(settings.project_dir)
    os.execve(sys.executable, command, env)


def cmd_health(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.scaleout.health import run_checks

    checks = run_checks(settings, timeout_s=args.timeout)
    if args.json:
        print(json.dumps([c.as_dict() for c in checks], indent=2))
    else:
        for c in checks:
            print(f"{'ok  ' if c.ok else 'FAIL'} {c.name:<9} {c.detail}")
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAILED


def register(sub: Any) -> None:
    p = sub.add_parser("worker", help="run a Celery worker that executes runs from the given queues (scale-out)")
    p.add_argument("--queue", "-q", action="append", help="queue to take runs from (repeatable; default: both)")
    p.add_argument("--concurrency", "-c", type=int, default=1, help="runs executed at once (default 1)")
    p.add_argument("--name", help="worker name shown by `vsl status --workers` (default: queue-pid)")
    p.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("health", help="check the database, storage, Dagster, broker and workers (exit 1 if any fails)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the broker and workers")
    p.set_defaults(func=cmd_health)


def register_up(sub: Any) -> None:
    p = sub.add_parser("up", help="run the Dagster webserver + daemon and the web app together")
    p.add_argument("--host", default="127.0.0.1", help="address the web app listens on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="web app port (default 8000)")
    p.add_argument(
        "--dagster-host",
        default="127.0.0.1",
        help="address the Dagster UI listens on (default 127.0.0.1; it has no login: publish it through an "
        "authenticating reverse proxy, see docs/security.md)",
    )
    p.add_argument("--dagster-port", type=int, default=3000, help="Dagster UI port (default 3000)")
    p.add_argument(
        "--expose-dagster",
        action="store_true",
        help="allow a non-loopback --dagster-host (only behind a firewall or an authenticating proxy)",
    )
    p.set_defaults(func=cmd_up, creates_database=True)  # ./run.sh: the README's first command
