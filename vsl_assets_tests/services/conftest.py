"""The use cases against a real SQLite database and storage root (``vsl_env``); ports that record."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import pytest
from sqlalchemy.orm import Session

from vsl_assets import settings as settings_module
from vsl_assets.db import repo, session_scope
from vsl_assets.settings import Settings
from vsl_assets.storage import StorageLayout


@dataclass
class RecordingPartitions:
    """A partition port that also checks what the orchestrator relies on: the row is committed first."""

    database: str
    registered: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Keys that had no committed row when their partition was registered (must stay empty).
    orphans: list[str] = field(default_factory=list)

    def register(self, keys: Sequence[str]) -> None:
        with session_scope(self.database) as s:
            self.orphans += [k for k in keys if repo.get_url(s, k) is None]
        self.registered += list(keys)

    def remove(self, keys: Sequence[str]) -> None:
        self.removed += list(keys)


@dataclass
class Env:
    settings: Settings
    layout: StorageLayout
    partitions: RecordingPartitions

    def sessions(self) -> AbstractContextManager[Session]:
        return session_scope(self.settings.database)


@pytest.fixture
def env(vsl_env: dict[str, str]) -> Env:
    settings = settings_module.current()
    return Env(settings, StorageLayout(settings.storage_root), RecordingPartitions(settings.database))
