"""What the use cases need from the outside and do not import: the orchestrator's partitions.

The Dagster side implements :class:`PartitionPort` (``vsl_assets.defs.partitions.InstancePartitions``);
an entry point that has a Dagster instance passes one in.  Without one, intake still stores the
URL and the ``pending_urls_sensor`` makes its partition on its next tick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

#: A unit of work on the app database (``lambda: session_scope(settings.database)``): commits on success.
Sessions = Callable[[], AbstractContextManager[Session]]


class PartitionPort(Protocol):
    """The URL partitions of the orchestrator (one per partition key)."""

    def register(self, keys: Sequence[str]) -> None:
        """Make the partitions exist (idempotent), so a run of any of them can start at once."""

    def remove(self, keys: Sequence[str]) -> None:
        """Forget the partitions that exist among ``keys``."""


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    run_id: str


class RunPort(Protocol):
    """Runs one URL's pipeline to the end in this process (``vsl process``; Dagster's ``execute_in_process``)."""

    def run(self, key: str, *, force: bool) -> RunOutcome:
        """Run every step for ``key``; ``force`` redoes work even where valid outputs exist."""
