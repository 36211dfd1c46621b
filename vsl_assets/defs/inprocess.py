"""Running one URL's pipeline in this process: the services' ``RunPort`` for ``vsl process``.

No daemon, no run launcher: ``execute_in_process`` of the ingest job for one partition, with the
same run tags as a sensor-launched run so the reconciler and the UI treat it alike.
"""

from __future__ import annotations

from typing import Any

from dagster import DagsterInstance, JobDefinition

from vsl_assets.services.ports import RunOutcome


def force_config(force: bool, job: JobDefinition) -> dict[str, Any]:
    """Run config that makes every step of ``job`` redo its work (``--force``), or none.

    Keyed by the job's ops, which are not always the steps: one op makes the audio and the
    transcript when a run makes every step (``defs.assets.pipeline.audio_and_transcript``)."""
    if not force:
        return {}
    return {"ops": {node.name: {"config": {"force": True}} for node in job.nodes}}


class InProcessRunner:
    def __init__(self, instance: DagsterInstance) -> None:
        # Imported here: the definitions load this folder, so a module-level import would be circular.
        from vsl_assets.definitions import build_definitions
        from vsl_assets.defs.jobs import INGEST_JOB_NAME

        self.instance = instance
        self.job = build_definitions().resolve_job_def(INGEST_JOB_NAME)

    def run(self, key: str, *, force: bool) -> RunOutcome:
        from vsl_assets.defs.jobs import run_tags

        result = self.job.execute_in_process(
            partition_key=key,
            instance=self.instance,
            raise_on_error=False,
            run_config=force_config(force, self.job),
            tags=run_tags(),
        )
        return RunOutcome(result.success, result.run_id)
