"""The one partitions definition: a dynamic partition per VSL URL."""

from __future__ import annotations

from collections.abc import Sequence

from dagster import DagsterInstance, DynamicPartitionsDefinition

from vsl_assets.db.repo import chunks
from vsl_assets.urls import partition_key_for

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


__all__ = ["ADD_CHUNK", "PARTITIONS_NAME", "PARTITION_TAG", "partition_key_for", "register", "vsl_urls"]
