"""The shipped scale-out instance (deploy/scaleout/dagster.yaml), loaded as Dagster loads it."""

from __future__ import annotations

import pytest
import yaml
from dagster._serdes import ConfigurableClassData

from vsl_assets_tests.instance import SCALEOUT_YAML


def _launcher():
    from dagster_celery.launcher import CeleryRunLauncher

    section = yaml.safe_load(SCALEOUT_YAML.read_text())["run_launcher"]
    data = ConfigurableClassData(section["module"], section["class"], yaml.safe_dump(section["config"]))
    launcher = data.rehydrate(CeleryRunLauncher)
    assert isinstance(launcher, CeleryRunLauncher)
    return launcher


@pytest.mark.parametrize(("download", "transcription"), [("vsl", "vsl"), ("download", "transcription")])
def test_runs_without_a_queue_tag_go_to_the_download_queue_every_deployment_has_workers_for(
    monkeypatch, download: str, transcription: str
) -> None:
    """The catalog's automation run and UI materializations carry no queue tag.

    With one queue per URL (``vsl``, the default) a fixed ``download`` default queue had no worker
    listening, and such a run waited in Redis until run monitoring's start timeout failed it.
    """
    monkeypatch.setenv("VSL_CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("VSL_DOWNLOAD_QUEUE", download)
    monkeypatch.setenv("VSL_TRANSCRIPTION_QUEUE", transcription)
    assert _launcher().default_queue == download


def test_every_queue_the_pipeline_uses_has_a_run_limit() -> None:
    """Runs wait in Dagster's queue, not in Redis: each queue name the settings allow by default is capped."""
    limits = yaml.safe_load(SCALEOUT_YAML.read_text())["concurrency"]["runs"]["tag_concurrency_limits"]
    capped = {limit["value"] for limit in limits if limit["key"] == "dagster-celery/queue"}
    assert {"vsl", "download", "transcription", "transcription_gpu"} <= capped
