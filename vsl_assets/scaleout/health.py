"""``vsl health``: is every part this host depends on reachable and working?

Each check returns a ``Check`` (name, ok, detail) and never raises: a down service is a failed
check with a readable reason, not a traceback.  Details never contain a secret (URLs are shown
without their password).
"""

from __future__ import annotations

import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from vsl_assets.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def redact(url: str) -> str:
    """``scheme://user:secret@host/...`` -> ``scheme://user:***@host/...``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    netloc = f"{user}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _timed(name: str, fn: Callable[[], str], s: Settings) -> Check:
    start = time.monotonic()
    try:
        detail = fn()
        return Check(name, True, detail, round(time.monotonic() - start, 3))
    except Exception as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        for secret in _secrets(s):
            text = text.replace(secret, "***")
        return Check(name, False, f"{type(exc).__name__}: {text}"[:300], round(time.monotonic() - start, 3))


def _secrets(s: Settings) -> list[str]:
    found = []
    for value in (s.celery_broker_url, s.celery_backend_url, s.openai_api_key):
        if value is not None:
            secret = value.get_secret_value()
            found += [p for p in (urlsplit(secret).password, secret) if p]
    for url in (s.database,):
        password = urlsplit(url).password
        if password:
            found.append(password)
    return found


def check_database(s: Settings) -> Check:
    def run() -> str:
        from sqlalchemy import text

        from vsl_assets.db.engine import get_engine

        with get_engine(s.database).connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return f"{redact(s.database)} (schema {revision})"

    return _timed("database", run, s)


def check_storage(s: Settings) -> Check:
    def run() -> str:
        root = s.storage_root
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".health-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
        free = shutil.disk_usage(root).free / 1024**3
        if free < 1:
            raise OSError(f"only {free:.2f} GiB free under {root}")
        return f"{root} writable, {free:.1f} GiB free"

    return _timed("storage", run, s)


def check_search(s: Settings) -> Check:
    """Which search backend every process uses here, and how to move to tantivy when it is not it
    (``search.choose_backend``); only reads which index files exist."""

    def run() -> str:
        from vsl_assets.search import choose_backend, search_path_for
        from vsl_assets.services.reindex import leftover_builds

        choice = choose_backend(s.database, s.search_backend)
        detail = choice.describe()
        if choice.engine in ("sqlite", "tantivy") and choice.reason != "VSL_SEARCH_BACKEND":
            stopped = leftover_builds(search_path_for(s.database, "tantivy"))
            if stopped:
                detail += f"; {len(stopped)} stopped tantivy build(s) to delete: {', '.join(p.name for p in stopped)}"
        progress = _rebuild_progress(s, choice.engine)
        if progress is not None:
            detail += f"; {progress.describe()}"
        return detail

    return _timed("search", run, s)


def _rebuild_progress(s: Settings, engine: str) -> Any:
    """How far the refill of an index that a new format recreated empty is (None: complete, or
    no index yet: nothing is created here).  Opening it ensures its schema, as every process does."""
    from vsl_assets.db.engine import session_scope
    from vsl_assets.search import open_search, search_path_for
    from vsl_assets.services.reindex import rebuild_progress

    if engine != "postgres" and not search_path_for(s.database, engine).exists():
        return None
    index = open_search(s.database, engine=engine)
    try:
        index.ensure_schema()
        return rebuild_progress(sessions=lambda: session_scope(s.database), index=index)
    finally:
        index.close()


def check_dagster(s: Settings) -> Check:
    home = s.instance_dir

    def run() -> str:
        from dagster import DagsterInstance
        from sqlalchemy.pool import QueuePool

        if home is None:
            raise RuntimeError("no Dagster instance: set DAGSTER_HOME or run inside the project")
        instance = DagsterInstance.from_config(str(home))
        try:
            launcher = type(instance.run_launcher).__name__
            storage = type(instance.run_storage).__name__
            pool = getattr(getattr(instance.run_storage, "_engine", None), "pool", None)
            if isinstance(pool, QueuePool):  # vsl_assets.scaleout.pg_storage
                storage += f" (pooled, {pool.size()} kept per storage)"
            instance.get_runs_count()
            alive = instance.get_daemon_heartbeats()
        finally:
            instance.dispose()
        daemons = ", ".join(sorted(alive)) if alive else "no daemon heartbeat yet"
        return f"{storage}, run launcher {launcher}; daemons: {daemons}"

    return _timed("dagster", run, s)


def check_broker(s: Settings, timeout_s: float) -> Check:
    def run() -> str:
        from kombu import Connection

        from vsl_assets.scaleout.celery_app import broker_urls

        broker, _ = broker_urls()
        with Connection(broker, connect_timeout=timeout_s) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout_s)
        return redact(broker)

    return _timed("broker", run, s)


def check_workers(s: Settings, timeout_s: float) -> Check:
    def run() -> str:
        from vsl_assets.scaleout.celery_app import app

        queues = app.control.inspect(timeout=timeout_s).active_queues() or {}
        if not queues:
            raise RuntimeError("no Celery worker answered: start one with `vsl worker`")
        served = {q["name"] for qs in queues.values() for q in qs}
        missing = sorted({s.download_queue, s.transcription_queue} - served)
        listing = "; ".join(f"{name}: {','.join(sorted(q['name'] for q in qs))}" for name, qs in sorted(queues.items()))
        if missing:
            raise RuntimeError(f"no worker takes queue {', '.join(missing)} ({listing})")
        return listing

    return _timed("workers", run, s)


def run_checks(s: Settings, timeout_s: float = 3.0) -> list[Check]:
    """Database, storage and Dagster always; the broker and workers when a broker is configured."""
    checks = [check_database(s), check_storage(s), check_search(s), check_dagster(s)]
    if s.celery_broker_url is not None:
        broker = check_broker(s, timeout_s)
        checks.append(broker)
        if broker.ok:
            checks.append(check_workers(s, timeout_s))
    return checks
