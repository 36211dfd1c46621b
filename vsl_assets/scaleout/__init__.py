"""Beyond one machine: runs sent to Celery workers through Redis (``dagster-celery``).

``celery_app`` is the worker side (``vsl worker``), ``health`` the checks behind ``vsl health``.
The daemon side is Dagster's own ``CeleryRunLauncher``, configured in deploy/scaleout/dagster.yaml.
"""
