"""Rebuilding the search index from the database (the product's record), dropping what it no longer has."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from vsl_assets.core.humanize import counted
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
            f"indexed {counted(self.indexed, 'VSL')}, {counted(self.segments, 'segment')}; "
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
    from vsl_assets.search.tantivy_backend import TantivySearch

    if isinstance(index, TantivySearch):
        index.mark_built()  # a tantivy index created empty beside FTS5 now has every VSL: auto may read it
    return ReindexReport(len(seen), segments, stale)


def upgrade_to_tantivy(*, sessions: Sessions, database_url: str, min_confidence: float) -> ReindexReport:
    """``vsl reindex`` on an install that still searches FTS5 (``vsl.search.db`` without
    ``vsl.tantivy/``, see ``search.choose_backend``): build the tantivy index aside, move it into
    place, then catch up.

    Why aside: ``auto`` picks tantivy as soon as ``vsl.tantivy/`` exists, in every process, so the
    directory must appear only complete.  It is built in ``vsl.tantivy.building-<pid>/`` while every
    process keeps reading and writing FTS5, and moved into place by one ``rename`` (atomic).  A
    pipeline run that indexed a VSL into FTS5 during the build may have been read before its
    change, so a second pass over the database re-indexes every VSL into the live index and drops
    what was removed meanwhile: runs and the web app pick the backend again at every use, so after
    the rename nothing writes FTS5 any more, and the second pass sees every change made before.
    A build that stops half-way leaves only its ``building`` directory (FTS5 stays in use);
    running ``vsl reindex`` again starts over.  Two upgrades at once: the first rename wins, the
    other drops its copy and catches up into the winner's.
    """
    from vsl_assets.search import search_path_for
    from vsl_assets.search.tantivy_backend import TantivySearch

    final = search_path_for(database_url, "tantivy")
    if final.is_dir():  # created empty by a process set to tantivy, and written by it since: fill it in place
        return _build(TantivySearch(final), sessions, min_confidence)
    staging = final.with_name(f"{final.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    _build(TantivySearch(staging), sessions, min_confidence)
    try:
        os.rename(staging, final)
    except OSError:
        if not final.is_dir():
            raise
        shutil.rmtree(staging, ignore_errors=True)  # another upgrade moved its copy in first
    return _build(TantivySearch(final), sessions, min_confidence)


def _build(index: SearchBackend, sessions: Sessions, min_confidence: float) -> ReindexReport:
    try:
        index.ensure_schema()
        return reindex(sessions=sessions, index=index, min_confidence=min_confidence)
    finally:
        index.close()


def leftover_builds(tantivy_dir: Path) -> list[Path]:
    """``building`` directories of upgrades that stopped (shown by ``vsl health``; safe to delete
    when no ``vsl reindex`` is running)."""
    return sorted(tantivy_dir.parent.glob(f"{tantivy_dir.name}.building-*"))
