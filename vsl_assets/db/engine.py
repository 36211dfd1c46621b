"""Engines and sessions for the application database, migrated to head on first use.

Many processes touch the database at once (the CLI, the sensor, one process per run), so the
engine is set up for that: SQLite in WAL mode with a busy timeout, and the Alembic upgrade runs
under a lock (a file lock for SQLite, an advisory lock for PostgreSQL) and is skipped cheaply
once the schema is at head.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).with_name("migrations")
#: The newest migration's revision; a test keeps it equal to Alembic's head.  Comparing against
#: it lets every process start without importing Alembic (~0.3 s) when the schema is current.
SCHEMA_HEAD = "0012_boards"
_ADVISORY_LOCK_ID = 0x5653_4C00  # "VSL\0"
_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_sessionmakers: dict[str, sessionmaker[Session]] = {}


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` but drive them with psycopg2 explicitly.

    SQLAlchemy 2.1 no longer guesses the driver the same way dagster-postgres expects.
    """
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://") :]
    return url


def alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "sqlite":
        db_path = engine.url.database
        if not db_path or db_path == ":memory:":
            yield
            return
        lock_path = Path(db_path).with_suffix(".migrate.lock")
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    elif engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_ID})
    else:
        yield


def migrate(engine: Engine) -> None:
    """Bring the schema to head; a no-op (two cheap queries) when it already is."""
    if _current(engine) == SCHEMA_HEAD:
        return
    with _migration_lock(engine):
        if _current(engine) == SCHEMA_HEAD:
            return
        from alembic import command

        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


#: How long a new PostgreSQL connection waits for a server that refuses connections (restarting).
DB_OUTAGE_S = 60
#: Connection errors that no wait cures.
PERMANENT_CONNECT_ERRORS = ("password authentication failed", "does not exist", "no pg_hba.conf entry")


def wait_out_outages(engine: Any, wait_s: float) -> None:
    """Make ``engine``'s new connections retry a server that is down for up to ``wait_s``."""

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        deadline = time.monotonic() + wait_s
        delay = 0.25
        while True:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as exc:
                message = str(exc)
                if any(word in message for word in PERMANENT_CONNECT_ERRORS) or time.monotonic() + delay > deadline:
                    raise
                logger.warning(
                    "PostgreSQL not accepting connections, trying again in %.1f s: %s", delay, message.strip()
                )
                time.sleep(delay)
                delay = min(delay * 2, 4.0)


def owner_only(path: Path) -> None:
    """The SQLite file holds password and token hashes: created 0600, and tightened to 0600 when an
    older version left it readable by others (SQLite gives its -wal/-shm files the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            os.chmod(path, 0o600)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists() and side.stat().st_uid == os.getuid():
                    os.chmod(side, 0o600)
    else:
        os.close(fd)


def get_engine(url: str) -> Engine:
    """One migrated engine per URL per process."""
    url = normalise_database_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        parsed = make_url(url)
        kwargs: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                owner_only(Path(parsed.database))
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        engine = create_engine(url, **kwargs)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif parsed.get_backend_name() == "postgresql":
            wait_out_outages(engine, DB_OUTAGE_S)
        migrate(engine)
        _engines[url] = engine
        return engine


def session_factory(url: str) -> sessionmaker[Session]:
    url = normalise_database_url(url)
    factory = _sessionmakers.get(url)
    if factory is None:
        factory = sessionmaker(get_engine(url), expire_on_commit=False)
        _sessionmakers[url] = factory
    return factory


@contextlib.contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work on the database at ``url``: commit on success, roll back on any error."""
    with unit_of_work(session_factory(url)) as session:
        yield session


@contextlib.contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work from ``factory``: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Forget cached engines (tests switch databases within one process)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _sessionmakers.clear()
