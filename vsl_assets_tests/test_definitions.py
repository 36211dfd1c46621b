"""The Definitions object, the instance files, and the `dagster` CLI working on our partitions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dagster import AssetKey, DefaultSensorStatus, instance_for_test
from sqlalchemy import select

from vsl_assets.db import Url
from vsl_assets.definitions import build_definitions
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import REPO, db_session, heard


def test_assets_checks_sensors_and_job() -> None:
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {"source_page", "video_file", "audio_file", "transcript", "breakdown", "search_index", "vsl_catalog"}
    for key in keys - {"vsl_catalog"}:
        node = graph.get(AssetKey(key))
        assert node.group_name == "vsl"
        assert node.partitions_def.name == "vsl_urls"
    catalog = graph.get(AssetKey("vsl_catalog"))
    assert catalog.partitions_def is None and catalog.automation_condition is not None
    assert catalog.parent_keys == {AssetKey("search_index")} and catalog.group_name == "vsl"
    assert graph.get(AssetKey("video_file")).parent_keys == {AssetKey("source_page")}
    assert graph.get(AssetKey("audio_file")).parent_keys == {AssetKey("video_file")}
    assert graph.get(AssetKey("transcript")).parent_keys == {AssetKey("audio_file")}
    assert graph.get(AssetKey("breakdown")).parent_keys == {AssetKey("transcript")}
    assert graph.get(AssetKey("search_index")).parent_keys == {AssetKey("breakdown")}
    assert {s.name for s in defs.sensors} >= {"pending_urls_sensor", "run_reconciliation_sensor"}
    for name in ("pending_urls_sensor", "catalog_automation_sensor"):
        sensor = next(s for s in defs.get_repository_def().sensor_defs if s.name == name)
        assert sensor.default_status == DefaultSensorStatus.RUNNING, name
    for name in ("ingest_vsl", "download_vsl", "transcribe_vsl"):
        assert defs.resolve_job_def(name).executor_def.name == "in_process"
    stages = {
        name: {k.to_user_string() for k in defs.resolve_job_def(name).asset_layer.executable_asset_keys}
        for name in ("download_vsl", "transcribe_vsl")
    }
    assert stages == {
        "download_vsl": {"source_page", "video_file", "audio_file"},
        "transcribe_vsl": {"transcript", "breakdown", "search_index"},
    }
    # Run monitoring's backstop, read when a run is requested: before the audio is known, the
    # ceiling (VSL_RUN_MAX_TIME_S, 8 h by default, was one 4-h step cap per step = 24 h); the audio
    # step then tightens it (test_pipeline).
    from vsl_assets.defs.jobs import run_tags

    assert run_tags() == {"dagster/max_runtime": "28800", "dagster-celery/queue": "vsl"}
    pools = {n.key.to_user_string(): graph.get(n.key).pools for n in (graph.get(AssetKey(k)) for k in keys)}
    # One run per URL: the audio and the transcript are one op (the Opus encode runs beside the
    # transcription), which claims the transcription pool.
    assert pools == {
        "source_page": set(),
        "video_file": {"ffmpeg"},
        "audio_file": {"transcription"},
        "transcript": {"transcription"},
        "breakdown": set(),
        "search_index": set(),
        "vsl_catalog": set(),
    }
    ops = {graph.get(AssetKey(k)).assets_def.node_def.name for k in ("audio_file", "transcript")}
    assert ops == {"audio_and_transcript"}


def test_split_stages_keep_the_audio_in_its_own_op(monkeypatch) -> None:
    """The download stage's run ends with the audio, on another queue: its own op in the ffmpeg pool."""
    monkeypatch.setenv("VSL_DOWNLOAD_QUEUE", "downloads")
    monkeypatch.setenv("VSL_TRANSCRIPTION_QUEUE", "transcriptions")
    graph = build_definitions().resolve_asset_graph()
    assert graph.get(AssetKey("audio_file")).pools == {"ffmpeg"}
    assert graph.get(AssetKey("transcript")).pools == {"transcription"}
    assert graph.get(AssetKey("audio_file")).assets_def.node_def.name == "audio_file"
    assert graph.get(AssetKey("transcript")).parent_keys == {AssetKey("audio_file")}


def test_secret_is_configured_by_env_var_name_not_value(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-never-shown-123")
    monkeypatch.delenv("VSL_TRANSCRIBER", raising=False)
    transcriber = build_definitions().resources["transcriber"]
    # What the UI shows as the resource's configuration: the variable's name, not the key.
    shown = transcriber.get_resource_definition().config_schema.default_value
    assert shown["openai_api_key"] == {"env": "OPENAI_API_KEY"}
    assert "sk-never-shown-123" not in repr(shown)
    assert shown["engine"] == "openai"  # an API key present selects the openai engine by default


def test_repo_instance_files_are_valid() -> None:
    for path in (REPO / "dagster.yaml", REPO / "deploy" / "postgres" / "dagster.yaml"):
        config = yaml.safe_load(path.read_text())
        assert config["concurrency"]["runs"]["max_concurrent_runs"] >= 1
        assert config["concurrency"]["pools"]["default_limit"] == 1
        assert config["run_monitoring"]["enabled"] is True
    sqlite_cfg = yaml.safe_load((REPO / "dagster.yaml").read_text())
    custom = sqlite_cfg["storage"]["custom"]
    assert (custom["module"], custom["class"]) == ("vsl_assets.defs.sqlite_storage", "VslSqliteStorage")
    assert custom["config"]["base_dir"].startswith("storage/dagster")
    with instance_for_test(
        overrides={
            k: v for k, v in sqlite_cfg.items() if k not in ("storage", "local_artifact_storage", "compute_logs")
        }
    ) as inst:
        assert inst.get_concurrency_config().run_queue_config.max_concurrent_runs == 4


def test_the_entry_point_is_named_in_one_place() -> None:
    workspace = yaml.safe_load((REPO / "workspace.yaml").read_text())
    assert workspace["load_from"][0]["python_module"]["module_name"] == "vsl_assets.definitions"
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    # dg derives the entry point (<root_module>.definitions) and the defs folder (<root_module>.defs).
    assert project["tool"]["dg"]["project"] == {"root_module": "vsl_assets", "code_location_name": "vsl_assets"}
    assert "dagster" not in project["tool"]
    assert project["project"]["scripts"]["vsl"] == "vsl_assets.cli:main"


def test_no_hand_kept_lists_of_definitions() -> None:
    """A definition added under vsl_assets/defs/ is loaded without being listed anywhere."""
    # The adapter modules allowed Dagster's private API (DESIGN.md), each saying why: the SQLite
    # storage and the compute log manager, both selected in dagster.yaml.
    adapters = {REPO / "vsl_assets" / "defs" / name for name in ("sqlite_storage.py", "compute_logs.py")}
    for adapter in adapters:
        assert "Why this module exists" in adapter.read_text()
    text = "\n".join(p.read_text() for p in (REPO / "vsl_assets").rglob("*.py") if p not in adapters)
    for name in ("ALL_ASSETS", "ALL_CHECKS", "ALL_SENSORS", "dagster._core", "dagster._"):
        assert name not in text.replace("dagster._core.storage.root", "").replace("dagster._core.run_coordinator", "")


@pytest.fixture
def dg_env(tmp_path: Path) -> dict[str, str]:
    """The environment for ``dg`` in the repository: its own Dagster home, not the checkout's
    (without DAGSTER_HOME, dg opens the project's dagster.yaml, whose storage/dagster paths are
    relative to the working directory: the repository)."""
    from vsl_assets_tests.conftest import write_dagster_yaml

    home = tmp_path / "dagster_home"
    home.mkdir()
    return {**os.environ, "DAGSTER_HOME": str(write_dagster_yaml(home))}


@pytest.mark.slow
def test_dg_check_defs_passes(dg_env: dict[str, str]) -> None:
    dg = Path(sys.executable).with_name("dg")
    out = subprocess.run([str(dg), "check", "defs"], capture_output=True, text=True, cwd=REPO, env=dg_env, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "All definitions loaded successfully." in out.stdout + out.stderr


@pytest.mark.slow
def test_domain_packages_never_import_dagster() -> None:
    """The import contract in pyproject.toml (import-linter), as CI runs it."""
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(linter)], capture_output=True, text=True, cwd=REPO, timeout=180)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "0 broken" in out.stdout


@pytest.mark.slow
def test_dagster_asset_materialize_cli_works_right_after_vsl_add(vsl_env, media_server) -> None:
    added = vsl("add", media_server.url("/good/index.m3u8"))
    key = added.stdout.split("\t")[0]
    dagster = Path(sys.executable).with_name("dagster")
    out = subprocess.run(
        [
            str(dagster),
            "asset",
            "materialize",
            "-m",
            "vsl_assets.definitions",
            "--select",
            "video_file,audio_file,transcript",
            "--partition",
            key,
        ],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=REPO,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    with db_session() as s:
        assert s.scalar(select(Url.status).where(Url.partition_key == key)) == "transcribed"
    txt = Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}.txt").read_text()
    assert heard(txt) >= 0.8


@pytest.mark.slow
def test_dg_cli_lists_the_project_definitions(dg_env: dict[str, str]) -> None:
    import json

    dg = Path(sys.executable).with_name("dg")
    out = subprocess.run(
        [str(dg), "list", "defs", "--json"], capture_output=True, text=True, cwd=REPO, env=dg_env, timeout=180
    )
    assert out.returncode == 0, out.stderr[-2000:]
    listed = json.loads(out.stdout)
    assert {a["asset_key"] for a in listed["assets"]} == {
        "source_page",
        "video_file",
        "audio_file",
        "transcript",
        "breakdown",
        "search_index",
        "vsl_catalog",
    }
    assert {a["group_name"] for a in listed["assets"]} == {"vsl"}
    assert "pending_urls_sensor" in {s["name"] for s in listed["sensors"]}
