"""Dagster's PostgreSQL storage with a connection pool, for the daemon and the Celery workers.

``dagster_postgres`` opens its engines with SQLAlchemy's ``NullPool`` everywhere but in
``dagster-webserver`` (dagster-io/dagster#20325): every event a run writes, every query of the
run queue and of each sensor tick is a new PostgreSQL connection, a server process forked and
authenticated for one statement.  ``benchmarks/bench_scaleout.py`` counted 526 connections per
URL to the Dagster database (about 160 a second at 2 workers), and ``psycopg2.connect`` was 27 %
of the daemon's samples.

:class:`PooledPostgresStorage` is ``DagsterPostgresStorage`` whose three storages keep a small
``QueuePool`` instead (as Dagster's own ``optimize_for_webserver`` does for the webserver), with:

- ``pool_pre_ping``: a connection the server dropped (PostgreSQL restarted, an idle timeout) is
  replaced when it is checked out, so a restart costs no failed statement once the server is back;
- new connections wait out an outage: a refused or "shutting down / starting up" connection is
  tried again for up to ``connect_wait_s`` (default 60 s; the app database's engine does the
  same, :func:`vsl_assets.db.engine.wait_out_outages`).  Dagster's own retry gives up after
  about 12 s.  Wrong credentials or a missing database fail at once;
- the engines disposed with the instance (a Celery task opens one instance per run; its
  connections close when the run ends instead of waiting for garbage collection);
- a forked child (Celery's prefork pool) never reuses its parent's sockets: the pools are emptied
  in the child without closing the parent's connections, as SQLAlchemy's documentation asks.

Configured in ``deploy/scaleout/dagster.yaml`` and ``deploy/postgres/dagster.yaml`` as
``storage: custom:``; the config is the ``postgres`` storage's, plus ``pool_size``,
``max_overflow``, ``pool_recycle_s`` and ``connect_wait_s``.
"""

from __future__ import annotations

import os
import weakref
from typing import Any, cast

import sqlalchemy.pool as db_pool
from dagster import Field, IntSource
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.run_storage import PostgresRunStorage
from dagster_postgres.schedule_storage import PostgresScheduleStorage
from dagster_postgres.utils import create_pg_engine, get_token_provider_from_config, pg_url_from_config

from vsl_assets.db.engine import DB_OUTAGE_S, wait_out_outages

#: Defaults: the daemon's threads (run queue, sensors on 2 threads, monitoring) rarely need more
#: than 4 connections per storage at once; a run needs 1-2.
POOL_SIZE = 4
MAX_OVERFLOW = 8
POOL_RECYCLE_S = 1800
CONNECT_WAIT_S = DB_OUTAGE_S

_ENGINES: weakref.WeakSet[Any] = weakref.WeakSet()


def _forget_parent_connections() -> None:
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_parent_connections)

POOL_FIELDS = {
    "pool_size": Field(IntSource, is_required=False, default_value=POOL_SIZE),
    "max_overflow": Field(IntSource, is_required=False, default_value=MAX_OVERFLOW),
    "pool_recycle_s": Field(IntSource, is_required=False, default_value=POOL_RECYCLE_S),
    "connect_wait_s": Field(IntSource, is_required=False, default_value=CONNECT_WAIT_S),
}


def pooled_engine(
    storage: Any, *, pool_size: int, max_overflow: int, pool_recycle_s: int, connect_wait_s: int = CONNECT_WAIT_S
) -> Any:
    """The engine ``storage`` (a dagster_postgres storage) gets: its URL, AUTOCOMMIT, a QueuePool."""
    kwargs: dict[str, Any] = {
        "isolation_level": "AUTOCOMMIT",
        "poolclass": db_pool.QueuePool,
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_recycle": pool_recycle_s,
        "pool_pre_ping": True,
    }
    options = storage._engine.url.query.get("options")
    if options:
        kwargs["connect_args"] = {"options": options}
    engine = create_pg_engine(storage.postgres_url, storage._token_provider, **kwargs)
    wait_out_outages(engine, connect_wait_s)  # after the token hook, which only sets the password
    _ENGINES.add(engine)
    return engine


class _Pooled:
    """Mixin for a dagster_postgres storage: swap its NullPool engine for a pooled one."""

    _engine: Any

    def __init__(
        self, postgres_url: str, should_autocreate_tables: bool, token_provider: Any, pool: dict[str, int]
    ) -> None:
        super().__init__(postgres_url, should_autocreate_tables, token_provider=token_provider)  # type: ignore[call-arg]
        self._engine.dispose()  # the NullPool engine holds nothing; replace it
        self._engine = pooled_engine(self, **pool)

    def optimize_for_webserver(self, statement_timeout: int, pool_recycle: int, max_overflow: int) -> None:
        old = self._engine
        super().optimize_for_webserver(statement_timeout, pool_recycle, max_overflow)  # type: ignore[misc]
        old.dispose()

    def dispose(self) -> None:
        # DagsterInstance.dispose calls the run and event log storages' dispose (not the unified
        # storage's): the run's connections close with its instance.
        super().dispose()  # type: ignore[misc]
        self._engine.dispose()


class PooledRunStorage(_Pooled, PostgresRunStorage):
    """``PostgresRunStorage`` on a pooled engine."""


class PooledEventLogStorage(_Pooled, PostgresEventLogStorage):
    """``PostgresEventLogStorage`` on a pooled engine."""


class PooledScheduleStorage(_Pooled, PostgresScheduleStorage):
    """``PostgresScheduleStorage`` on a pooled engine."""


class PooledPostgresStorage(DagsterPostgresStorage):
    """``DagsterPostgresStorage`` with pooled, pre-pinged connections (see the module's text)."""

    def __init__(
        self,
        postgres_url: str,
        should_autocreate_tables: bool = True,
        inst_data: Any = None,
        token_provider: Any = None,
        *,
        pool_size: int = POOL_SIZE,
        max_overflow: int = MAX_OVERFLOW,
        pool_recycle_s: int = POOL_RECYCLE_S,
        connect_wait_s: int = CONNECT_WAIT_S,
    ) -> None:
        # Not DagsterPostgresStorage.__init__: it would build three NullPool storages first.
        self.postgres_url = postgres_url
        self.should_autocreate_tables = should_autocreate_tables
        self._inst_data = inst_data
        pool = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_recycle_s": pool_recycle_s,
            "connect_wait_s": connect_wait_s,
        }
        args = (postgres_url, should_autocreate_tables, token_provider, pool)
        self._run_storage = PooledRunStorage(*args)
        self._event_log_storage = PooledEventLogStorage(*args)
        self._schedule_storage = PooledScheduleStorage(*args)
        super(DagsterPostgresStorage, self).__init__()

    @classmethod
    def config_type(cls) -> Any:
        return {**cast("dict[str, Any]", DagsterPostgresStorage.config_type()), **POOL_FIELDS}

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> PooledPostgresStorage:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
            **{name: config_value[name] for name in POOL_FIELDS},  # their defaults are the fields'
        )
