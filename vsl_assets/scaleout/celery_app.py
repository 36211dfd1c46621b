"""The Celery application the workers run (``vsl worker`` = ``celery -A vsl_assets.scaleout.celery_app``).

It is dagster-celery's own app and tasks (``execute_job``/``resume_job``: each task executes one
whole Dagster run in the worker process, with the job's in-process executor), configured from
the same settings as the daemon's ``CeleryRunLauncher`` (deploy/scaleout/dagster.yaml), so both
talk to the same broker.  No step is sent through Celery on its own: ``celery_executor``'s known
problems (``result.get()`` inside a task, pools ignored) do not apply.
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from dagster_celery.config import DEFAULT_CONFIG
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task

from vsl_assets import settings

#: Celery settings shared by the launcher (dagster.yaml's ``config_source``) and the workers.
#: - one task at a time per pool process, taken only when the process is free (no prefetching a
#:   run another idle worker could start);
#: - the broker retried forever (Redis restarts), both at start and while running;
#: - results (run task states, read by Dagster's run monitoring) kept a day.
WORKER_CONFIG: dict[str, Any] = {
    **DEFAULT_CONFIG,
    "worker_prefetch_multiplier": 1,
    "broker_connection_retry_on_startup": True,
    "broker_connection_max_retries": None,
    "result_expires": 86400,
    "worker_send_task_events": False,
}


class BrokerNotConfigured(RuntimeError):
    pass


def broker_urls() -> tuple[str, str]:
    """(broker, result backend) from ``VSL_CELERY_BROKER_URL`` / ``VSL_CELERY_BACKEND_URL``."""
    s = settings.current()
    if s.celery_broker_url is None:
        raise BrokerNotConfigured(
            "VSL_CELERY_BROKER_URL is not set: give the Redis URL the daemon's CeleryRunLauncher uses "
            "(e.g. redis://127.0.0.1:6379/0; see deploy/scaleout)"
        )
    broker = s.celery_broker_url.get_secret_value()
    backend = s.celery_backend_url.get_secret_value() if s.celery_backend_url else broker
    return broker, backend


def build_app() -> Celery:
    broker, backend = broker_urls()
    return make_app(
        {
            "broker": broker,
            "backend": backend,
            "include": [],
            "config_source": WORKER_CONFIG,
            "task_default_queue": settings.current().download_queue,
        }
    )


app = build_app()
execute_job = create_execute_job_task(app)
resume_job = create_resume_job_task(app)
