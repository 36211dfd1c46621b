"""What every ``vsl`` command shares: exit codes, the error line, the Dagster instance, the ports."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vsl_assets.db import session_scope
from vsl_assets.services.ports import PartitionPort, Sessions
from vsl_assets.settings import Settings

if TYPE_CHECKING:
    from dagster import DagsterInstance

    from vsl_assets.search import SearchBackend

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def err(message: str) -> None:
    print(f"vsl: {message}", file=sys.stderr)


def sessions(settings: Settings) -> Sessions:
    return lambda: session_scope(settings.database)


def instance(settings: Settings) -> DagsterInstance | None:
    """The Dagster instance of ``DAGSTER_HOME``, else of the project (which holds ``dagster.yaml``).

    Imported lazily: ``vsl status`` and ``vsl show`` never load Dagster.
    """
    home = settings.instance_dir
    if home is None:
        return None
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(home))


def partitions(settings: Settings) -> PartitionPort | None:
    """The Dagster side's partition port, opened at first use (or None without an instance)."""
    if settings.instance_dir is None:
        return None
    from vsl_assets.defs.partitions import partitions_for

    return partitions_for(settings.instance_dir)


@contextlib.contextmanager
def search_index(settings: Settings) -> Iterator[SearchBackend]:
    """The search backend for this command: schema ensured, closed afterwards (a PostgreSQL pool)."""
    from vsl_assets.search import open_search

    backend = open_search(settings.database, engine=settings.search_backend)
    try:
        backend.ensure_schema()
        yield backend
    finally:
        backend.close()
