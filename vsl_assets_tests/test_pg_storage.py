"""The scale-out instance's pooled PostgreSQL storage (vsl_assets/scaleout/pg_storage.py), on a real server.

Each test counts what the server saw (``pg_stat_database.sessions``, ``pg_stat_activity``,
``pg_backend_pid()``) and compares with Dagster's stock ``postgres`` storage where that is the
point: the stock one opens a connection per statement outside dagster-webserver.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa
import yaml
from dagster import DagsterInstance
from dagster._core.test_utils import create_run_for_test
from dagster_postgres.utils import DagsterPostgresException
from sqlalchemy.pool import NullPool, QueuePool

from vsl_assets.db import repo
from vsl_assets.db.engine import dispose_all, session_scope
from vsl_assets.scaleout.pg_storage import (
    PooledEventLogStorage,
    PooledRunStorage,
    PooledScheduleStorage,
    pooled_engine,
)
from vsl_assets_tests.conftest import require, wait_until
from vsl_assets_tests.instance import SCALEOUT_YAML
from vsl_assets_tests.servers import PostgresServer

# xdist_group: its own PostgreSQL server starts once, on one worker (./test.sh runs workers in parallel)
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("pg_storage")]


@pytest.fixture(scope="module")
def own_pg(tmp_path_factory: pytest.TempPathFactory):
    """A server of this module's own: one test restarts it."""
    require(PostgresServer.find_bin_dir(), "PostgreSQL server binaries", ".ci/run installs them")
    with PostgresServer(tmp_path_factory.mktemp("pgpool")) as server:
        yield server


def _instance(pg: PostgresServer, tmp_path: Path, monkeypatch, *, stock: bool = False, **pool: int) -> DagsterInstance:
    """An instance from deploy/scaleout/dagster.yaml's storage section (or the stock one) on a fresh database."""
    db = f"dagster_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("DAGSTER_PG_URL", pg.create_database(db))
    storage = yaml.safe_load(SCALEOUT_YAML.read_text())["storage"]
    if stock:
        storage = {"postgres": storage["custom"]["config"]}
    else:
        storage["custom"]["config"].update(pool)
    home = tmp_path / db
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump({"storage": storage, "telemetry": {"enabled": False}}))
    instance = DagsterInstance.from_config(str(home))
    instance._vsl_db = db  # type: ignore[attr-defined]
    return instance


def _open(pg: PostgresServer, db: str) -> int:
    with psycopg2.connect(pg.dsn()) as conn, conn.cursor() as cur:
        cur.execute("select count(*) from pg_stat_activity where datname = %s", (db,))
        return int(cur.fetchone()[0])


def _work(instance: DagsterInstance, n: int) -> None:
    """What a run and the daemon do most: write runs and events, read them back."""
    for _ in range(n):
        run = create_run_for_test(instance, job_name="vsl_job")
        instance.report_engine_event("step", run)
        assert instance.get_run_by_id(run.run_id) is not None
        instance.all_logs(run.run_id)


def test_the_shipped_instance_pools_all_three_storages_with_pre_ping(own_pg, tmp_path, monkeypatch) -> None:
    instance = _instance(own_pg, tmp_path, monkeypatch, pool_size=3, max_overflow=5)
    try:
        storages = (instance.run_storage, instance.event_log_storage, instance.schedule_storage)
        assert [type(s) for s in storages] == [PooledRunStorage, PooledEventLogStorage, PooledScheduleStorage]
        for storage in storages:
            pool = storage._engine.pool
            assert isinstance(pool, QueuePool)
            assert (pool.size(), pool._max_overflow, pool._pre_ping) == (3, 5, True)
    finally:
        instance.dispose()


def test_pooled_storage_reuses_connections_where_the_stock_one_opens_one_per_statement(
    own_pg, tmp_path, monkeypatch
) -> None:
    opened = {}
    for stock in (True, False):
        instance = _instance(own_pg, tmp_path, monkeypatch, stock=stock)
        try:
            before = own_pg.connections_accepted(instance._vsl_db)
            _work(instance, 20)
            opened[stock] = own_pg.connections_accepted(instance._vsl_db) - before
        finally:
            instance.dispose()
    assert opened[True] >= 80, opened  # 4 statements x 20: one connection each
    assert opened[False] <= 3, opened  # one per storage at most (1 thread)


def test_disposing_the_instance_closes_its_connections(own_pg, tmp_path, monkeypatch) -> None:
    """A Celery task opens one instance per run: its connections must end with the run."""
    instance = _instance(own_pg, tmp_path, monkeypatch)
    db = instance._vsl_db
    _work(instance, 3)
    assert _open(own_pg, db) >= 2
    instance.dispose()
    # The client closes its sockets at once; each server backend leaves pg_stat_activity a moment later.
    wait_until("the instance's connections to end", lambda: _open(own_pg, db) == 0, 10)


def test_a_postgresql_restart_costs_no_failed_statement(own_pg, tmp_path, monkeypatch) -> None:
    instance = _instance(own_pg, tmp_path, monkeypatch)
    try:
        _work(instance, 2)
        own_pg.restart(down_s=1)
        # The pooled connections died with the server; pre-ping replaces them at checkout.
        _work(instance, 2)
        assert len(instance.get_runs()) == 4
    finally:
        instance.dispose()


def _during_restart(pg: PostgresServer, down_s: float, work) -> None:
    """Run ``work()`` 2 s into a ``down_s`` restart of ``pg`` (the server refuses connections)."""
    restart = threading.Thread(target=pg.restart, kwargs={"down_s": down_s})
    restart.start()
    time.sleep(2)
    try:
        work()
    finally:
        restart.join()


@pytest.mark.parametrize("stock", [False, True], ids=["pooled", "stock"])
def test_work_started_while_postgresql_is_down_waits_for_it(own_pg, tmp_path, monkeypatch, stock: bool) -> None:
    """A 22-s restart: the pooled storage's new connections wait it out (``connect_wait_s``).

    Dagster's own retry (all the stock storage has) gives up after about 12 s, and a run whose
    event cannot be written fails.
    """
    instance = _instance(own_pg, tmp_path, monkeypatch, stock=stock)
    try:
        _work(instance, 1)
        if stock:

            def work() -> None:
                with pytest.raises(DagsterPostgresException, match="too many retries"):
                    _work(instance, 1)
        else:

            def work() -> None:
                _work(instance, 1)

        _during_restart(own_pg, 22, work)
        assert len(instance.get_runs()) == (1 if stock else 2)
    finally:
        instance.dispose()


def test_the_app_database_waits_out_a_restart_too(own_pg) -> None:
    """The steps' own writes (jobs, dead letters) go through vsl_assets.db.engine on PostgreSQL."""
    url = own_pg.create_database(f"vsl_{uuid.uuid4().hex[:8]}")
    try:
        with session_scope(url) as s:
            repo.add_urls(s, ["https://example.com/before.m3u8"])
        dispose_all()  # no pooled connection left: the next write needs a new one

        def work() -> None:
            with session_scope(url) as s:
                repo.add_urls(s, ["https://example.com/during.m3u8"])

        _during_restart(own_pg, 15, work)
        with session_scope(url) as s:
            assert s.execute(sa.text("select count(*) from urls")).scalar_one() == 2
    finally:
        dispose_all()


def test_wrong_credentials_fail_at_once(own_pg, tmp_path, monkeypatch) -> None:
    """Only an outage is waited out: a database that does not exist is an error at once."""
    instance = _instance(own_pg, tmp_path, monkeypatch)
    try:
        storage = instance.run_storage
        engine = pooled_engine(storage, pool_size=1, max_overflow=0, pool_recycle_s=60, connect_wait_s=60)
        bad = engine.url.set(database="no_such_database")
        engine.dispose()
        storage.postgres_url = bad.render_as_string(hide_password=False)
        engine = pooled_engine(storage, pool_size=1, max_overflow=0, pool_recycle_s=60, connect_wait_s=60)
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="does not exist"):
            engine.connect()
        assert time.monotonic() - started < 5
        engine.dispose()
    finally:
        instance.dispose()


def test_a_forked_child_opens_its_own_connections(own_pg, tmp_path, monkeypatch) -> None:
    """Celery's prefork pool: a child must not talk over the parent's pooled socket."""
    instance = _instance(own_pg, tmp_path, monkeypatch)
    engine: sa.Engine = instance.run_storage._engine

    def backend_pid() -> int:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("select pg_backend_pid()")).scalar_one())

    try:
        parent = backend_pid()
        assert backend_pid() == parent  # pooled: the same server process again
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            try:
                os.write(write, str(backend_pid()).encode())
            finally:
                os._exit(0)
        os.close(write)
        in_child = int(os.read(read, 64).decode())
        os.waitpid(child, 0)
        assert in_child != parent
        assert backend_pid() == parent  # the parent's connection survived the child
    finally:
        instance.dispose()


def test_stock_storage_is_what_the_pool_replaces(own_pg, tmp_path, monkeypatch) -> None:
    """Guards the premise: if dagster_postgres ever pools by itself, this module can go."""
    instance = _instance(own_pg, tmp_path, monkeypatch, stock=True)
    try:
        assert isinstance(instance.run_storage._engine.pool, NullPool)
    finally:
        instance.dispose()
