"""The compute log manager whose mirror is a thread (``vsl_assets.defs.compute_logs``).

What must hold: what the run writes to its stdout and stderr (itself or a child process) lands in
the files the UI reads, and still reaches where that output went before; the capture is marked
complete; and a capture starts no process (Dagster's starts ``tail`` and a watcher per stream).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from vsl_assets.defs.compute_logs import VslComputeLogManager, compute_logs_yaml, mirrored

REPO = Path(__file__).resolve().parents[2]


def test_output_of_the_process_and_its_children_is_kept_and_mirrored(tmp_path: Path) -> None:
    log = tmp_path / "run.out"
    with open(tmp_path / "terminal", "w", encoding="utf-8") as terminal:
        terminal.write("before\n")
        with mirrored(terminal, log):
            os.write(terminal.fileno(), b"from the run\n")
            subprocess.run(["echo", "from a child"], stdout=terminal, check=True)
        terminal.write("after\n")
    assert log.read_text() == "from the run\nfrom a child\n"
    assert (tmp_path / "terminal").read_text() == "before\nfrom the run\nfrom a child\nafter\n"


def test_a_capture_starts_no_process_and_the_ui_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a process was started: {args}")

    out = open(tmp_path / "stdout", "w", encoding="utf-8")  # closed below
    err = open(tmp_path / "stderr", "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    manager = VslComputeLogManager(base_dir=str(tmp_path / "logs"))
    key = ["run-1", "compute_logs", "abcdefgh"]
    try:
        with manager.capture_logs(key):
            print("a line of the step", flush=True)
            os.write(err.fileno(), b"ffmpeg says\n")
    finally:
        monkeypatch.undo()
        out.close()
        err.close()
    assert manager.is_capture_complete(key)
    assert manager.get_log_data(key).stdout == b"a line of the step\n"
    assert manager.get_log_data(key).stderr == b"ffmpeg says\n"
    assert Path(manager.get_captured_local_path(key, "out")).read_text() == "a line of the step\n"
    assert (tmp_path / "stderr").read_text() == "ffmpeg says\n"


def test_the_instance_files_select_it() -> None:
    for path in (REPO / "dagster.yaml", REPO / "deploy" / "postgres" / "dagster.yaml"):
        section = yaml.safe_load(path.read_text())["compute_logs"]
        assert (section["module"], section["class"]) == ("vsl_assets.defs.compute_logs", "VslComputeLogManager")
    section = yaml.safe_load(compute_logs_yaml("/tmp/x"))["compute_logs"]
    assert section["config"] == {"base_dir": "/tmp/x"}


@pytest.mark.slow
def test_a_run_on_the_test_instance_keeps_what_its_step_printed(tmp_path: Path) -> None:
    """End to end through Dagster: the run's captured stdout is what the UI's log tab reads back."""
    from dagster import DagsterEventType, DagsterInstance, Definitions, asset, define_asset_job

    from vsl_assets_tests.conftest import write_dagster_yaml

    @asset
    def says_hello() -> None:
        print("hello from the step", flush=True)
        # sys.stdout's descriptor (fd 1 in a run worker; pytest's own capture file here)
        subprocess.run(["echo", "hello from ffmpeg"], stdout=sys.stdout, check=True)

    job = Definitions(assets=[says_hello], jobs=[define_asset_job("hello")]).resolve_job_def("hello")
    instance = DagsterInstance.from_config(str(write_dagster_yaml(tmp_path)))
    try:
        assert isinstance(instance.compute_log_manager, VslComputeLogManager)
        result = job.execute_in_process(instance=instance)
        assert result.success
        (captured,) = instance.all_logs(result.run_id, of_type=DagsterEventType.LOGS_CAPTURED)
        log_key = [result.run_id, "compute_logs", captured.dagster_event.logs_captured_data.file_key]  # type: ignore[union-attr]
        assert instance.compute_log_manager.is_capture_complete(log_key)
        stdout = instance.compute_log_manager.get_log_data(log_key).stdout or b""
        assert stdout.decode() == "hello from the step\nhello from ffmpeg\n"
    finally:
        instance.dispose()
