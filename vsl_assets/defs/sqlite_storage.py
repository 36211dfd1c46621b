"""Dagster's SQLite instance storage with its connections kept open: event log, runs, schedules.

Why this module exists (issue 29): profiling an in-process run of the pipeline showed Dagster's
SQLite event log to be most of what a run costs beyond its work.  ``SqliteEventLogStorage._connect``
creates a SQLAlchemy engine, opens a connection, commits and disposes it **for every event**
(a run of the pipeline writes ~70 events and opens ~250 such connections: asset and check events
are mirrored into the index shard).  Each close of the last connection to a WAL database
checkpoints the WAL into the database file and deletes it, and each commit is synced
(``synchronous=FULL``), so an event costs several fsyncs; on this machine ~15-30 ms per event.

What this changes, and only this: the same per-run and index shard files, schema and queries,
written through one cached engine per shard (a small pool of connections kept open, so no
checkpoint-and-delete per event), with ``PRAGMA synchronous=NORMAL`` on each connection.  In WAL
mode that still survives a crash of any process (a commit is in the WAL before it returns); only
an operating-system crash or power loss can lose the last commits, never corrupt the file.  The
event log is the operator's record; the product's record is the app database.  Production
deployments use PostgreSQL storage (``deploy/postgres/dagster.yaml``), which this does not touch.

Dagster has no public setting for either (its SQLite storage takes only ``base_dir``), so this
subclasses the private ``SqliteEventLogStorage`` and overrides its private ``_connect``: the one
place in the project that does (DESIGN.md, "Public Dagster APIs only").  A Dagster upgrade that
renames it fails ``vsl_assets_tests/defs/test_sqlite_storage.py`` rather than silently falling back.
Selected in ``dagster.yaml`` with ``storage: custom:`` (module ``vsl_assets.defs.sqlite_storage``,
class ``VslSqliteStorage``, config ``base_dir``: the same directory ``storage: sqlite:`` used).
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs import SqliteRunStorage
from dagster._core.storage.schedules import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import create_db_conn_string
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from vsl_assets.db.engine import ALEMBIC_LOCK

#: Shards whose engines stay open in one process: the index shard and the runs being written or
#: read.  A long-lived process (webserver, daemon) reads many runs; older engines are disposed.
MAX_OPEN_SHARDS = 16
#: Seconds a connection waits on another process's write lock (Dagster's own value).
BUSY_TIMEOUT_S = 30


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_parent_connections() -> None:
    """A forked child (Celery's prefork pool, a forking executor) must never use its parent's open
    SQLite connections: its pools are emptied without closing them, as SQLAlchemy's docs ask."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)


def _tune(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with one engine (and open connections) per shard, not per event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        with ALEMBIC_LOCK:  # Dagster stamps the index shard through alembic's global context
            super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            engine = create_engine(
                create_db_conn_string(self._base_dir, shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=4,
                # Connections are used under the storage's lock, one thread at a time.
                connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            )
            db.event.listen(engine, "connect", _tune)
            _ENGINES.add(engine)
            self._engines[shard] = engine
            while len(self._engines) > MAX_OPEN_SHARDS:
                _, old = self._engines.popitem(last=False)
                old.dispose()
            return engine

    def _forget(self, shard: str | None = None) -> None:
        """Dispose cached engines (one shard's, or all) before their files are removed."""
        with self._engines_lock:
            shards = list(self._engines) if shard is None else [shard]
            for name in shards:
                engine = self._engines.pop(name, None)
                if engine is not None:
                    engine.dispose()

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                with ALEMBIC_LOCK:  # Dagster stamps the new shard through alembic's global context
                    self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def wipe(self) -> None:
        self._forget()  # the run shards' files are deleted: no connection may keep writing to them
        super().wipe()

    def dispose(self) -> None:
        self._forget()
        super().dispose()


class _KeptEngine:
    """``connect()`` through one engine kept for the storage's life, instead of an engine and a
    fresh connection (so a WAL checkpoint and fsyncs) per call, as Dagster's run and schedule
    storages do (``create_engine(..., poolclass=NullPool)`` in their ``connect``)."""

    _conn_string: str
    _kept: Engine | None = None
    _kept_lock = threading.Lock()

    def _kept_engine(self) -> Engine:
        with self._kept_lock:
            if self._kept is None:
                engine = create_engine(
                    self._conn_string,
                    poolclass=QueuePool,
                    pool_size=1,
                    max_overflow=4,
                    connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                )
                db.event.listen(engine, "connect", _tune)
                _ENGINES.add(engine)
                self._kept = engine
            return self._kept

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._kept_engine().connect() as conn, conn.begin():
            yield conn

    def _forget_kept(self) -> None:
        with self._kept_lock:
            if self._kept is not None:
                self._kept.dispose()
                self._kept = None


class PooledSqliteRunStorage(_KeptEngine, SqliteRunStorage):
    """``SqliteRunStorage`` (``runs.db``) with its engine and connections kept."""

    def dispose(self) -> None:
        self._forget_kept()
        super().dispose()


class PooledSqliteScheduleStorage(_KeptEngine, SqliteScheduleStorage):
    """``SqliteScheduleStorage`` (``schedules.db``, sensor ticks) with its engine and connections kept."""

    def dispose(self) -> None:
        self._forget_kept()
        super().dispose()


class VslSqliteStorage(DagsterSqliteStorage):
    """``storage: sqlite:`` (same ``base_dir``, same files) with kept engines for every store."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        # DagsterSqliteStorage.__init__ with the storages swapped (same directories).
        self.base_dir = base_dir
        with ALEMBIC_LOCK:  # each store is created or stamped through alembic's global context
            self._run_storage = PooledSqliteRunStorage.from_local(_runs_directory(base_dir))
            self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
            self._schedule_storage = PooledSqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Any) -> VslSqliteStorage:
        os.makedirs(config_value["base_dir"], exist_ok=True)
        return cls(inst_data=inst_data, **config_value)


def storage_yaml(base_dir: str | os.PathLike[str]) -> str:
    """The ``storage:`` block of a ``dagster.yaml`` that selects this storage under ``base_dir``."""
    return (
        "storage:\n"
        "  custom:\n"
        "    module: vsl_assets.defs.sqlite_storage\n"
        "    class: VslSqliteStorage\n"
        "    config:\n"
        f"      base_dir: {base_dir}\n"
    )
