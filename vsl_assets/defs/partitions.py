"""The one partitions definition: a dynamic partition per VSL URL."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from dagster import DagsterInstance, DynamicPartitionsDefinition

from vsl_assets.db.repo import chunks
from vsl_assets.net.urls import partition_key_for

PARTITIONS_NAME = "vsl_urls"

#: The run tag naming a run's partition (documented among Dagster's system run tags).
PARTITION_TAG = "dagster/partition"

vsl_urls = DynamicPartitionsDefinition(name=PARTITIONS_NAME)

#: Keys per ``add_dynamic_partitions`` call; SQLite caps the variables in one statement.
ADD_CHUNK = 500


def register(instance: DagsterInstance, keys: Sequence[str]) -> None:
    """Make the URLs' partitions exist in the instance (``vsl add``, the add_urls job, ``vsl process``)."""
    for part in chunks(keys, ADD_CHUNK):
        instance.add_dynamic_partitions(PARTITIONS_NAME, list(part))


def unregister(instance: DagsterInstance, keys: Sequence[str]) -> None:
    """Forget the URLs' partitions that exist (``vsl remove``)."""
    for key in keys:
        if instance.has_dynamic_partition(PARTITIONS_NAME, key):
            instance.delete_dynamic_partition(PARTITIONS_NAME, key)


class InstancePartitions:
    """The services' :class:`~vsl_assets.services.ports.PartitionPort` over a Dagster instance.

    Given an instance, it uses it (``vsl process``, the ``add_urls`` job); given a ``DAGSTER_HOME``,
    it opens the instance at first use and keeps it, so a web app that only reads never loads
    Dagster and one that adds URLs opens the instance once.
    """

    def __init__(self, instance: DagsterInstance | None = None, home: Path | None = None) -> None:
        if instance is None and home is None:
            raise ValueError("InstancePartitions needs an instance or its home")
        self._instance = instance
        self._home = home
        self._lock = threading.Lock()

    @property
    def instance(self) -> DagsterInstance:
        with self._lock:
            if self._instance is None:
                self._instance = DagsterInstance.from_config(str(self._home))
            return self._instance

    def register(self, keys: Sequence[str]) -> None:
        register(self.instance, keys)

    def remove(self, keys: Sequence[str]) -> None:
        unregister(self.instance, keys)


def partitions_for(home: Path | None) -> InstancePartitions | None:
    """The partition port of the instance at ``home`` (``Settings.instance_dir``), or None without one."""
    return None if home is None else InstancePartitions(home=home)


__all__ = [
    "ADD_CHUNK",
    "PARTITIONS_NAME",
    "PARTITION_TAG",
    "InstancePartitions",
    "partition_key_for",
    "partitions_for",
    "register",
    "unregister",
    "vsl_urls",
]
