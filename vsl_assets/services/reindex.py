"""Rebuilding the search index from the database (the product's record), dropping what it no longer has."""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vsl_assets.core.humanize import counted
from vsl_assets.core.worker import current_worker, worker_alive
from vsl_assets.search import SearchBackend, VslDocument
from vsl_assets.search.backend import REBUILD_PENDING
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


def reindex(
    *, sessions: Sessions, index: SearchBackend, min_confidence: float, lease: RebuildLease | None = None
) -> ReindexReport:
    """``min_confidence``: breakdown fields graded below it are indexed as unknown.  ``lease``: the
    rebuild after a format change holds the mark by it (told of each VSL read, so it beats as the
    pass goes on; the pass stops where another process took the rebuild over)."""
    from vsl_assets.search.documents import all_documents

    seen: set[str] = set()

    def documents(s: Session) -> Iterator[VslDocument]:
        for doc in all_documents(s, min_confidence=min_confidence):
            seen.add(doc.key)
            if lease is not None:
                lease.progressed()
            yield doc

    with sessions() as s:
        # In bulk: the embedded index takes many VSLs per transaction (``index_many``).
        segments = index.index_many(documents(s))
    stale = _gone(sessions, sorted(index.keys() - seen))
    for key in stale:
        index.delete_vsl(key)
    from vsl_assets.search.tantivy_backend import TantivySearch

    if isinstance(index, TantivySearch):
        index.mark_built()  # a tantivy index created empty beside FTS5 now has every VSL: auto may read it
    if lease is not None:
        lease.stop()  # its last beat is written before the mark is cleared, not after
        if lease.lost:  # taken over after this pass read its last VSL: the mark is the new owner's
            return ReindexReport(len(seen), segments, stale)
    for _ in range(5):  # recreated by a new format, now filled (by hand or by rebuild_in_background)
        state = index.rebuild_state()  # (read again where an owner's beat changed it meanwhile)
        if state is None or index.set_rebuild_state(state, None):
            break
    return ReindexReport(len(seen), segments, stale)


def _gone(sessions: Sessions, keys: list[str]) -> list[str]:
    """Of the indexed keys the pass did not read, those the database has no transcript of now: a
    run that added a VSL after the pass began indexed it itself, and it must stay."""
    from vsl_assets.db.models import TranscriptRow, Url

    present: set[str] = set()
    with sessions() as s:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            present.update(
                s.scalars(
                    select(Url.partition_key)
                    .join(TranscriptRow, TranscriptRow.url_id == Url.id)
                    .where(Url.partition_key.in_(chunk))
                )
            )
    return [k for k in keys if k not in present]


# -- the rebuild after a format change ------------------------------------------------------------

log = logging.getLogger(__name__)
#: The rebuild state a process writes when it takes the rebuild, its lease:
#: ``running <host>:<pid>:<start-time> <beat>``, ``beat`` the Unix time of its last progress.
RUNNING = "running"
#: The owner writes a new beat at most this often, and only when the pass went on since the last one...
BEAT_S = 15.0
#: ...and a mark whose beat is older than this is taken over by the next process that looks, on any
#: host (where ``worker_alive`` cannot see the owner's pid): the owner stopped, or stopped getting on.
#: Generous beside a batch's commit and the clocks of two hosts.
LEASE_S = 120.0
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


@dataclass(frozen=True)
class RebuildProgress:
    """An index recreated empty by a new format and not yet filled again: what search says."""

    indexed: int
    total: int
    #: Whether a process is filling it now (else it waits for the web app's next search or `vsl reindex`).
    running: bool

    def describe(self) -> str:
        return (
            f"the search index is being rebuilt after an upgrade: {self.indexed:,} of "
            f"{counted(self.total, 'VSL')} so far; results are incomplete until it is done"
            + ("" if self.running else " (it starts with the web app, or run `vsl reindex`)")
        )


def rebuild_progress(*, sessions: Sessions, index: SearchBackend) -> RebuildProgress | None:
    """None when the index is complete; else how far its refill is (VSLs indexed against VSLs
    with a transcript in the database)."""
    state = index.rebuild_state()
    if state is None:
        return None
    from vsl_assets.db.models import TranscriptRow

    with sessions() as s:
        total = int(s.scalar(select(func.count()).select_from(TranscriptRow)) or 0)
    return RebuildProgress(min(index.count().vsls, total), total, state.startswith(RUNNING) and not _abandoned(state))


def _mark(worker: str, beat: float) -> str:
    return f"{RUNNING} {worker} {beat:.3f}"


def _abandoned(state: str, now: float | None = None) -> bool:
    """A ``running`` state whose owner is gone or stalled: this process with no rebuild thread left;
    a process of this host that is gone (killed half-way: the owner is ``core.worker``'s
    ``host:pid:start-time``, read by ``worker_alive`` as reconciliation reads a job's worker, so a
    reused pid is not the owner); or, on any host, an owner whose beat is older than
    :data:`LEASE_S` (a mark of the version before the lease has no beat: taken over)."""
    kind, _, rest = state.partition(" ")
    worker, _, beat = rest.partition(" ")
    if kind != RUNNING or not worker:
        return False
    if worker == current_worker():
        with _threads_lock:
            return not any(t.is_alive() for t in _threads)
    if worker_alive(worker) is False:
        return True
    try:
        beaten = float(beat)
    except ValueError:
        return True
    return (time.time() if now is None else now) - beaten > LEASE_S


class LeaseLost(RuntimeError):
    """Another process took the rebuild over (this one's beats stopped reaching the mark in time)."""


class RebuildLease:
    """The mark a rebuild holds, beaten by a thread of its own as the pass goes on.

    The beat is written from its own thread, not from the pass: the embedded backends' pass holds
    the index's write transaction while it reads the VSLs, which the mark's compare-and-set waits
    for.  A beat is written only where the pass went on since the last one, so a pass stuck for
    :data:`LEASE_S` loses the rebuild to the next process as a dead one does.  Lost (the
    compare-and-set found another mark), it stops beating and the pass stops at its next VSL."""

    def __init__(self, index: SearchBackend, state: str, worker: str) -> None:
        self.index, self.state, self.worker = index, state, worker
        self.lost = False
        self._read = self._beaten = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="search-rebuild-lease", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def progressed(self) -> None:
        """One more VSL read by the pass (no write here: a counter the beat thread reads)."""
        if self.lost:
            raise LeaseLost("the search index rebuild was taken over by another process")
        self._read += 1

    def beat(self, now: float | None = None) -> bool:
        """Write the time into the mark where the pass went on since the last beat; False once lost."""
        read = self._read
        if self.lost or read == self._beaten:
            return not self.lost
        new = _mark(self.worker, time.time() if now is None else now)
        if self.index.set_rebuild_state(self.state, new):
            self.state, self._beaten = new, read
            return True
        self.lost = True
        return False

    def _run(self) -> None:
        while not self._stop.wait(BEAT_S):
            try:
                if not self.beat():
                    return
            except Exception:  # a busy index: the next beat tries again, within the lease
                log.warning("could not write the search index rebuild's beat", exc_info=True)

    def stop(self) -> None:
        """No beat after this returns (the mark is the caller's to clear or give back)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()


def rebuild_in_background(*, sessions: Sessions, index: SearchBackend, min_confidence: float) -> RebuildProgress | None:
    """Where ``index`` was recreated empty because its format changed (``rebuild_state``), take
    the rebuild (one process of all, by a compare-and-set of the state) and fill it from the
    database in a thread of this process; returns the progress (None: complete).

    Called by the web app as it starts and at each search, so an upgrade refills the index by
    itself, without the operator, while search says how far it is.  The fill is :func:`reindex` under the backend's
    own write rules (tantivy: the single-writer lock, released between batches of
    ``index_many``), so a pipeline run indexing a VSL meanwhile is not blocked, and its VSL is not
    lost: one added after the pass began is kept (:func:`_gone`), and one changed meanwhile is
    written again by a second pass (as ``upgrade_to_tantivy`` does), which reads the database
    after the run's change.  The owner holds the mark as a lease, ``running <host>:<pid>:<start-time>
    <beat>``, beaten as its pass goes on (:class:`RebuildLease`): a process killed half-way is taken
    over by the next search on its host at once (a reused pid does not hold it), and on any host
    once its beat is :data:`LEASE_S` old; ``vsl reindex`` by hand fills it at any time."""
    state = index.rebuild_state()
    if state is None:
        return None
    if state == REBUILD_PENDING or _abandoned(state):
        worker = current_worker()
        owner = _mark(worker, time.time())
        if index.set_rebuild_state(state, owner):
            lease = RebuildLease(index, owner, worker)
            thread = threading.Thread(
                target=_rebuild, args=(sessions, index, min_confidence, lease), name="search-rebuild", daemon=True
            )
            with _threads_lock:
                _threads[:] = [t for t in _threads if t.is_alive()]
                _threads.append(thread)
            thread.start()
            log.info("search index recreated by a new format: rebuilding it from the database")
    return rebuild_progress(sessions=sessions, index=index)


def _rebuild(sessions: Sessions, index: SearchBackend, min_confidence: float, lease: RebuildLease) -> None:
    lease.start()
    try:
        first = reindex(sessions=sessions, index=index, min_confidence=min_confidence, lease=lease)  # clears the state
        second = reindex(sessions=sessions, index=index, min_confidence=min_confidence)  # what runs changed meanwhile
        log.info("search index rebuilt after an upgrade: %s; then %s", first.describe(), second.describe())
    except LeaseLost as exc:
        log.warning("%s: this process stops its pass", exc)
    except Exception:
        log.exception("the search index rebuild stopped; the next search starts it again (or run `vsl reindex`)")
        lease.stop()
        index.set_rebuild_state(lease.state, REBUILD_PENDING)
    finally:
        lease.stop()


def wait_for_rebuilds(timeout_s: float | None = None) -> None:
    """Join this process's rebuild threads (tests, and a clean shutdown)."""
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(timeout_s)


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
