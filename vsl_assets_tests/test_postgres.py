"""PostgreSQL for real: the Dagster instance (deploy/postgres/dagster.yaml) and the app database."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.run_storage import PostgresRunStorage
from sqlalchemy import create_engine, inspect, select, text

from vsl_assets.db import TranscriptRow, Url, dispose_all
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.defs.sensors import sensor_named
from vsl_assets.scaleout.pg_storage import PooledEventLogStorage, PooledRunStorage
from vsl_assets.settings import current as current_settings
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import REPO, heard

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_env(postgres, vsl_env, tmp_path, monkeypatch, request):
    suffix = request.node.name.replace("test_", "")[:20]
    dagster_url = postgres.create_database(f"dagster_{suffix}")
    app_url = postgres.create_database(f"vsl_{suffix}")
    home = tmp_path / "pg_home"
    home.mkdir()
    # The shipped file, with its compute logs and artifacts (relative to the working directory,
    # which `vsl` sets to the project: the repository) under the test's own directory instead.
    shipped = (REPO / "deploy" / "postgres" / "dagster.yaml").read_text()
    assert shipped.count("base_dir: storage/dagster") == 2
    (home / "dagster.yaml").write_text(shipped.replace("base_dir: storage/dagster", f"base_dir: {tmp_path}/dagster"))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_URL", dagster_url)
    # A plain postgresql:// URL, as people write it; the platform selects psycopg2 itself.
    monkeypatch.setenv("VSL_DATABASE_URL", app_url.replace("postgresql+psycopg2://", "postgresql://"))
    monkeypatch.chdir(tmp_path)
    yield {"dagster_url": dagster_url, "app_url": app_url}
    dispose_all()


def test_pipeline_on_postgres(pg_env, media_server) -> None:
    good, bad = media_server.url("/good/index.m3u8"), media_server.url("/missing/index.m3u8")
    added = vsl("add", good, bad)
    assert added.returncode == 0, added.stderr
    out = vsl("process")
    assert "processed 2: 1 ok, 1 failed" in out.stdout, out.stdout + out.stderr

    engine = create_engine(pg_env["app_url"])
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"urls", "videos", "audio", "transcripts", "jobs", "dead_letters", "alembic_version"} <= tables
        rows = {r.url: (r.status, r.reason) for r in conn.execute(select(Url.url, Url.status, Url.reason))}
        assert rows == {good: ("analyzed", None), bad: ("failed", "HTTP 404 from the stream URL")}
        transcript = conn.execute(select(TranscriptRow.text, TranscriptRow.segments)).one()
        assert heard(transcript.text) >= 0.8 and len(transcript.segments) >= 2
        assert conn.execute(text("SELECT count(*) FROM dead_letters")).scalar() == 1
        # Breakdown and search live in the same PostgreSQL database.
        assert {"breakdowns", "beats", "search_vsls", "search_segments"} <= set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT count(*) FROM breakdowns")).scalar() == 1
    engine.dispose()
    found = vsl("search", '"morning ritual"', "--json")
    assert found.returncode == 0, found.stderr
    [hit] = json.loads(found.stdout)
    assert hit["url"] == good and 2.0 < hit["start"] < 12.0

    instance = DagsterInstance.get()
    try:
        # dagster_postgres' storages, pooled (vsl_assets/scaleout/pg_storage.py).
        assert isinstance(instance.run_storage, PooledRunStorage)
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PooledEventLogStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        runs = instance.get_runs()
        assert len(runs) == 2
        assert sorted(r.status.value for r in runs) == ["FAILURE", "SUCCESS"]
        status = json.loads(vsl("status", "--json").stdout)
        assert {r["status"] for r in status} == {"analyzed", "failed"}
    finally:
        instance.dispose()


def test_sensor_tick_on_postgres(pg_env) -> None:
    urls = "\n".join(f"https://cdn.example.com/{i}/main.m3u8" for i in range(1500))
    assert vsl("add", "--file", "-", stdin=urls).returncode == 0
    instance = DagsterInstance.get()
    try:
        ctx = build_sensor_context(
            instance=instance, resources={"db": DatabaseResource(url=pg_env["app_url"], worker_name="")}
        )
        result = sensor_named(current_settings(), "pending_urls_sensor")(ctx)
        assert isinstance(result, SensorResult) and len(result.run_requests) == 1000
        assert len(instance.get_dynamic_partitions("vsl_urls")) == 1500  # `vsl add` registered them all
    finally:
        instance.dispose()
    engine = create_engine(pg_env["app_url"])
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT status, count(*) FROM urls GROUP BY status")).all())
    engine.dispose()
    assert counts == {"queued": 1000, "pending_ingest": 500}
