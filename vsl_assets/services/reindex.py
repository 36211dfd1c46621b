"""Rebuilding the search index from the database (the product's record), dropping what it no longer has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vsl_assets.search import SearchBackend, VslDocument
from vsl_assets.services.ports import Sessions


@dataclass(frozen=True)
class ReindexReport:
    indexed: int
    segments: int
    #: Keys that were in the index but no longer in the database, now removed from it.
    stale: list[str]

    def describe(self) -> str:
        return (
            f"indexed {self.indexed} VSL(s), {self.segments} segment(s); "
            f"removed {len(self.stale)} no longer in the database"
        )


def reindex(*, sessions: Sessions, index: SearchBackend, min_confidence: float) -> ReindexReport:
    """``min_confidence``: breakdown fields graded below it are indexed as unknown."""
    from vsl_assets.search.documents import all_documents

    seen: set[str] = set()

    def documents(s: Session) -> Iterator[VslDocument]:
        for doc in all_documents(s, min_confidence=min_confidence):
            seen.add(doc.key)
            yield doc

    with sessions() as s:
        # In bulk: the embedded index takes many VSLs per transaction (``index_many``).
        segments = index.index_many(documents(s))
    stale = sorted(index.keys() - seen)
    for key in stale:
        index.delete_vsl(key)
    return ReindexReport(len(seen), segments, stale)
