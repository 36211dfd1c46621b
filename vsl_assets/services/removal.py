"""Forgetting URLs: files (and their objects in the shared store), the row, search documents, partitions.

Files go first: when the shared store is down this fails and the row stays, so the removal can be
retried; a row without files is re-made by the pipeline, files without a row would be orphans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from vsl_assets.db import repo
from vsl_assets.search import SearchBackend
from vsl_assets.services import insights
from vsl_assets.services.ports import PartitionPort, Sessions
from vsl_assets.services.watch import later_version_keys
from vsl_assets.storage import LocalStore, validate_key


class Removed(StrEnum):
    REMOVED = "removed"
    #: Not a partition key at all (a typo, a URL pasted instead of its key).
    INVALID = "invalid"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Removal:
    key: str
    outcome: Removed

    @property
    def reason(self) -> str | None:
        if self.outcome is Removed.INVALID:
            return f"{self.key!r} is not a partition key (see `vsl status`)"
        if self.outcome is Removed.UNKNOWN:
            return f"no URL with key {self.key}"
        return None


def remove_urls(
    keys: Sequence[str],
    *,
    sessions: Sessions,
    store: LocalStore,
    index: SearchBackend,
    partitions: PartitionPort | None,
) -> list[Removal]:
    """Remove each key independently (one bad key does not stop the others); outcomes in input order.

    A watched page's later versions (``<key>-v2``...) go with it, each reported after the page.
    """
    outcomes: list[Removal] = []
    todo = list(keys)
    for key in todo:
        try:
            validate_key(key)
        except ValueError:
            outcomes.append(Removal(key, Removed.INVALID))
            continue
        with sessions() as s:
            todo += [k for k in later_version_keys(s, key) if k not in todo]
        store.remove(key)
        with sessions() as s:
            url = repo.get_url(s, key)
            with insights.counted(s, [url.id] if url is not None else []):
                found = repo.delete_url(s, key)
        if not found:
            outcomes.append(Removal(key, Removed.UNKNOWN))
            continue
        index.delete_vsl(key)
        outcomes.append(Removal(key, Removed.REMOVED))
    removed = [r.key for r in outcomes if r.outcome is Removed.REMOVED]
    if removed and partitions is not None:
        partitions.remove(removed)
    return outcomes
