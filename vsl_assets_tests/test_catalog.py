"""The analysts' catalog: the asset's files and `vsl export` agree with the database; it refreshes itself."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from dagster import AssetKey, evaluate_automation_conditions
from sqlalchemy import select

from vsl_assets.breakdown.models import is_sure
from vsl_assets.catalog import COLUMNS
from vsl_assets.db import BreakdownRow, TranscriptRow, Url
from vsl_assets.definitions import build_definitions
from vsl_assets_tests.cli.runner import in_process
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import add_urls, db_session, run_partition

#: The whole pipeline per test: part of the full suite, not of the fast tier (-m 'not slow').
pytestmark = pytest.mark.slow

CATALOG = AssetKey("vsl_catalog")


def _materialize_catalog(instance):
    job = build_definitions().resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, asset_selection=[CATALOG])


def test_catalog_files_match_the_database(vsl_env, instance, media_server) -> None:
    good, bad = add_urls(media_server.url("/good/index.m3u8"), media_server.url("/gone/index.m3u8"))
    assert run_partition(instance, good).success
    assert not run_partition(instance, bad).success
    result = _materialize_catalog(instance)
    assert result.success
    folder = Path(vsl_env["VSL_STORAGE_DIR"], "catalog")
    parquet = pd.read_parquet(folder / "vsl_catalog.parquet")
    csv = pd.read_csv(folder / "vsl_catalog.csv")
    assert list(parquet.columns) == list(COLUMNS) == list(csv.columns)
    assert list(parquet["partition_key"]) == [good, bad] == list(csv["partition_key"])
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == good))
        transcript = s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url.id))
        breakdown = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id))
        failed = s.scalar(select(Url).where(Url.partition_key == bad))
    row = parquet.iloc[0]
    assert (row["status"], row["language"], row["words"]) == ("analyzed", "en", transcript.word_count)
    # A field the engine was not sure of is left empty and named in not_sure (threshold 0.6, the default).
    for column, field in (("niche", "niche"), ("lead_type", "lead_type")):
        if is_sure(breakdown.confidence, field, 0.6):
            assert row[column] == getattr(breakdown, column)
        else:
            assert pd.isna(row[column]) and field in str(row["not_sure"]).split(",")
    assert abs(row["words_per_minute"] - transcript.word_count / (row["duration_s"] / 60)) < 0.1
    assert 18 < row["duration_s"] < 20 and row["player"] == "direct-hls"
    failed_row = parquet.iloc[1]
    assert failed_row["status"] == "failed" and failed_row["reason"] == failed.reason == "HTTP 404 from the stream URL"
    assert pd.isna(failed_row["words"]) and pd.isna(failed_row["niche"])
    [mat] = [e for e in result.get_asset_materialization_events() if e.asset_key == CATALOG]
    metadata = mat.materialization.metadata
    assert metadata["row_count"].value == 2
    assert good in metadata["preview"].value and "| partition_key | status |" in metadata["preview"].value
    assert not [p for p in folder.iterdir() if ".tmp-" in p.name]


def test_vsl_export_writes_each_format(vsl_env, instance, media_server, tmp_path) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    assert run_partition(instance, key).success
    out = vsl("export", "--format", "parquet", "--out", str(tmp_path / "c.parquet"))
    assert out.returncode == 0, out.stderr
    assert "1 VSLs written to" in out.stdout
    assert list(pd.read_parquet(tmp_path / "c.parquet")["partition_key"]) == [key]
    # The console script once (above); the other formats through main() in this process, the same
    # code and output without a process start each (runner.in_process).
    as_json = json.loads(in_process("export", "--format", "json").stdout)
    assert [r["partition_key"] for r in as_json] == [key] and as_json[0]["status"] == "analyzed"
    assert in_process("export").stdout.splitlines()[0].split(",") == list(COLUMNS)
    refused = in_process("export", "--format", "parquet")
    assert refused.returncode == 2 and "give --out PATH" in refused.stderr


def test_the_catalog_is_requested_when_a_vsl_changes_and_not_again_until_the_next_change(
    vsl_env, instance, media_server
) -> None:
    defs = build_definitions()
    start = evaluate_automation_conditions(defs=defs, instance=instance)
    assert start.get_num_requested(CATALOG) == 0  # nothing has changed since automation began
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    assert run_partition(instance, key).success  # breakdown (and its upstream) materialized
    changed = evaluate_automation_conditions(defs=defs, instance=instance, cursor=start.cursor)
    assert changed.get_num_requested(CATALOG) == 1
    # The pipeline's own assets are never requested by automation: the sensor launches them.
    assert changed.get_num_requested(AssetKey("transcript")) == 0
    _materialize_catalog(instance)
    settled = evaluate_automation_conditions(defs=defs, instance=instance, cursor=changed.cursor)
    assert settled.get_num_requested(CATALOG) == 0
    assert run_partition(instance, key, force=True).success
    again = evaluate_automation_conditions(defs=defs, instance=instance, cursor=settled.cursor)
    assert again.get_num_requested(CATALOG) == 1


def test_an_update_seen_in_the_same_tick_as_the_catalogs_own_build_still_triggers_a_rebuild(
    vsl_env, instance, media_server
) -> None:
    """Under the daemon a VSL often finishes seconds after a catalog build, so one evaluation sees
    both; the newer VSL must still get a rebuild (with ``since_last_handled`` it was dropped)."""
    defs = build_definitions()
    start = evaluate_automation_conditions(defs=defs, instance=instance)
    first, second = add_urls(media_server.url("/good/index.m3u8"), media_server.url("/good/index.m3u8?copy=2"))
    assert run_partition(instance, first).success
    requested = evaluate_automation_conditions(defs=defs, instance=instance, cursor=start.cursor)
    assert requested.get_num_requested(CATALOG) == 1
    _materialize_catalog(instance)  # the requested build ...
    assert run_partition(instance, second).success  # ... and, just after it, another VSL is analyzed
    both = evaluate_automation_conditions(defs=defs, instance=instance, cursor=requested.cursor)
    assert both.get_num_requested(CATALOG) == 1
    _materialize_catalog(instance)
    assert sorted(pd.read_parquet(Path(vsl_env["VSL_STORAGE_DIR"], "catalog", "vsl_catalog.parquet"))["status"]) == [
        "analyzed",
        "analyzed",
    ]
    quiet = evaluate_automation_conditions(defs=defs, instance=instance, cursor=both.cursor)
    assert quiet.get_num_requested(CATALOG) == 0
