"""The SQLite instance storage with pooled event-log connections (``vsl_assets.defs.sqlite_storage``).

What must hold: the same files as Dagster's ``storage: sqlite:`` (an existing history stays
readable, and another process sees every event), asset and check events reach the cross-run
index, each connection commits with ``synchronous=NORMAL``, and an event no longer costs a
connection of its own (counted, so the test fails if Dagster's per-event engine comes back).
"""

from __future__ import annotations

import sqlite3
import sqlite3.dbapi2
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetKey,
    DagsterInstance,
    Definitions,
    MaterializeResult,
    asset,
    define_asset_job,
)

from vsl_assets.defs.sqlite_storage import (
    PooledSqliteEventLogStorage,
    PooledSqliteRunStorage,
    PooledSqliteScheduleStorage,
    VslSqliteStorage,
    storage_yaml,
)


@asset(check_specs=[AssetCheckSpec("is_positive", asset="numbers")])
def numbers() -> MaterializeResult:
    return MaterializeResult(
        metadata={"count": 3}, check_results=[AssetCheckResult(check_name="is_positive", passed=True)]
    )


JOB = Definitions(assets=[numbers], jobs=[define_asset_job("numbers_job")]).resolve_job_def("numbers_job")


@pytest.fixture
def count_connections(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """Call it to start counting: the paths of the SQLite connections opened from then on (the
    first run before it creates the shards, which is not what is counted)."""
    opened: list[str] = []
    real_connect = sqlite3.dbapi2.connect

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(str(args[0]))
        return real_connect(*args, **kwargs)

    def start() -> list[str]:
        # SQLAlchemy calls sqlite3.dbapi2.connect (patching sqlite3.connect counted nothing).
        monkeypatch.setattr(sqlite3.dbapi2, "connect", counting_connect)
        return opened

    return start


def _instance(home: Path, storage: str) -> DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    # Telemetry off, as in the suite's other instances: on, Dagster writes logs/event.log and
    # .telemetry/ under $DAGSTER_HOME, which ./test.sh sets to the checkout.
    (home / "dagster.yaml").write_text(storage + "telemetry:\n  enabled: false\n")
    return DagsterInstance.from_config(str(home))


def test_the_repo_instance_uses_it(tmp_path: Path) -> None:
    instance = _instance(tmp_path / "home", storage_yaml(tmp_path / "history"))
    try:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    finally:
        instance.dispose()


@pytest.mark.migrations  # the app database's own Alembic run is what is watched
def test_alembic_runs_under_one_process_lock_for_the_app_database_and_each_new_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alembic keeps its running context in module globals: a thread migrating the app database
    while another stamps a new event-log shard removed each other's context (``KeyError:
    'config'`` in CI). Both hold ``ALEMBIC_LOCK``."""
    from alembic.runtime import environment

    from vsl_assets.db import engine as db_engine

    held: list[bool] = []
    enter = environment.EnvironmentContext.__enter__

    def recording(self: Any) -> Any:
        held.append(db_engine.ALEMBIC_LOCK._is_owned())  # type: ignore[attr-defined]
        return enter(self)

    monkeypatch.setattr(environment.EnvironmentContext, "__enter__", recording)
    db_engine.get_engine(f"sqlite:///{tmp_path / 'app.db'}")  # a new app database: migrated
    storage = VslSqliteStorage(str(tmp_path / "history"))  # runs, schedules, the events' index
    try:
        with storage._event_log_storage._connect("new-shard"):  # a new shard: Dagster stamps it
            pass
    finally:
        storage.dispose()
        db_engine.dispose_all()
    assert len(held) >= 4 and all(held), held


@pytest.mark.slow
def test_runs_are_recorded_and_read_back_like_dagsters_own(tmp_path: Path) -> None:
    history = tmp_path / "history"
    # A history written by Dagster's own SQLite storage...
    plain = _instance(tmp_path / "plain", f"storage:\n  sqlite:\n    base_dir: {history}\n")
    first = JOB.execute_in_process(instance=plain)
    plain.dispose()
    # ... is read and extended by this one, in the same files.
    instance = _instance(tmp_path / "home", storage_yaml(history))
    try:
        assert instance.get_run_by_id(first.run_id) is not None
        second = JOB.execute_in_process(instance=instance)
        assert second.success
        events = [e.dagster_event.event_type_value for e in instance.all_logs(second.run_id) if e.dagster_event]
        assert "ASSET_MATERIALIZATION" in events and "ASSET_CHECK_EVALUATION" in events
        # The cross-run index (asset records, check executions) has both runs.
        record = instance.get_latest_materialization_event(AssetKey("numbers"))
        assert record is not None and record.run_id == second.run_id
        assert record.asset_materialization is not None
        assert record.asset_materialization.metadata["count"].value == 3
        checks = instance.event_log_storage.get_asset_check_execution_history(next(iter(numbers.check_keys)), limit=5)
        assert [c.run_id for c in checks] == [second.run_id, first.run_id]
        # Each event is committed when stored: another process reads them all while this one
        # still holds its connections open.
        shown = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(
                    f"""
                    from dagster import DagsterInstance
                    i = DagsterInstance.from_config({str(tmp_path / "plain")!r})
                    print(len(i.all_logs({second.run_id!r})))
                    """
                ),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert int(shown.stdout.split()[-1]) == len(instance.all_logs(second.run_id))
    finally:
        instance.dispose()


@pytest.mark.slow
def test_connections_are_kept_and_commit_with_synchronous_normal(
    tmp_path: Path, count_connections: Callable[[], list[str]]
) -> None:
    instance = _instance(tmp_path / "home", storage_yaml(tmp_path / "history"))
    try:
        JOB.execute_in_process(instance=instance)  # first use: shards created
        opened = count_connections()
        result = JOB.execute_in_process(instance=instance)
        events = len(instance.all_logs(result.run_id))
        run_shard_opens = [p for p in opened if result.run_id in p]
        # Dagster's own storage opens a connection (and an engine) per event and per read: ~2-3
        # per event here.  Pooled: a handful per shard, whatever the number of events.
        assert events >= 10
        assert len(run_shard_opens) <= 3, run_shard_opens
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        with storage.run_connection(result.run_id) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        instance.dispose()


@pytest.mark.slow
def test_run_storage_keeps_its_connections(tmp_path: Path, count_connections: Callable[[], list[str]]) -> None:
    """runs.db: Dagster's own run storage opens an engine and a connection per call (a run makes
    a dozen: the run, its status changes, tags, reads); kept, a second run opens none."""
    instance = _instance(tmp_path / "home", storage_yaml(tmp_path / "history"))
    try:
        JOB.execute_in_process(instance=instance)
        opened = count_connections()
        result = JOB.execute_in_process(instance=instance)
        instance.add_run_tags(result.run_id, {"a": "b"})
        assert instance.get_run_by_id(result.run_id).tags["a"] == "b"
        assert instance.get_run_record_by_id(result.run_id).dagster_run.is_success
        runs_opens = [p for p in opened if p.endswith("runs.db")]
        assert runs_opens == [], runs_opens
        assert isinstance(instance.run_storage, PooledSqliteRunStorage)
        assert isinstance(instance.schedule_storage, PooledSqliteScheduleStorage)
        with instance.run_storage.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        instance.dispose()
    # Another process reads the runs this one wrote (committed when written).
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from dagster import DagsterInstance\ni = DagsterInstance.from_config({str(tmp_path / 'home')!r})\n"
            f"print(i.get_run_by_id({result.run_id!r}).tags['a'], len(i.get_runs()))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split()[-2:] == ["b", "2"]


@pytest.mark.slow
def test_wipe_forgets_the_open_run_shards(tmp_path: Path) -> None:
    instance = _instance(tmp_path / "home", storage_yaml(tmp_path / "history"))
    try:
        run_id = JOB.execute_in_process(instance=instance).run_id
        instance.wipe()
        assert instance.all_logs(run_id) == []
        # A new run after the wipe is written to a fresh shard and read back.
        again = JOB.execute_in_process(instance=instance)
        assert len(instance.all_logs(again.run_id)) > 0
    finally:
        instance.dispose()


def test_a_storage_built_from_config_has_the_pooled_event_log(tmp_path: Path) -> None:
    storage = VslSqliteStorage.from_config_value(None, {"base_dir": str(tmp_path / "h")})
    try:
        assert isinstance(storage.event_log_storage, PooledSqliteEventLogStorage)
        assert (tmp_path / "h").is_dir()
    finally:
        storage.dispose()


@pytest.mark.slow
def test_a_forked_child_opens_its_own_connections(tmp_path: Path) -> None:
    import os

    instance = _instance(tmp_path / "home", storage_yaml(tmp_path / "history"))
    try:
        run_id = JOB.execute_in_process(instance=instance).run_id
        count = len(instance.all_logs(run_id))
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: reads through fresh connections, never the parent's
            try:
                os.write(write, str(len(instance.all_logs(run_id))).encode())
            finally:
                os._exit(0)
        os.close(write)
        os.waitpid(pid, 0)
        assert int(os.read(read, 32).decode()) == count
        # ... and the parent's connections still work.
        assert len(instance.all_logs(run_id)) == count
    finally:
        instance.dispose()
