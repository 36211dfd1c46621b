"""Tantivy backend specifics: many writer processes at once (one per Dagster run) queue on its
single-writer lock instead of failing, and every document lands searchable."""

from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.synchronize
import time
from pathlib import Path

import pytest

from vsl_assets.search import IndexCount, SearchQuery, Segment, VslDocument, open_search
from vsl_assets.search.tantivy_backend import IndexBusyError, TantivySearch


def _index_many(db_url: str, worker: int) -> None:
    search = open_search(db_url, engine="tantivy")
    for i in range(8):
        segments = [Segment(float(j), float(j + 1), f"worker{worker} vsl{i} segment {j} garantia") for j in range(100)]
        search.index_vsl(VslDocument(key=f"w{worker}-{i}", url="https://x", language="pt", segments=segments))


@pytest.mark.slow
def test_processes_indexing_at_once_all_land(tmp_path: Path) -> None:
    # Without the lock, a second process opening tantivy's IndexWriter fails at once (LockBusy).
    db_url = f"sqlite:///{tmp_path / 'vsl.db'}"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_index_many, args=(db_url, w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    search = open_search(db_url, engine="tantivy")
    assert search.count() == IndexCount(32, 3200)
    assert search.keys() == {f"w{w}-{i}" for w in range(4) for i in range(8)}
    everything = search.search(SearchQuery(text="garantia", per_page=100, hits_per_vsl=1))
    assert (everything.total_vsls, everything.total_hits) == (32, 3200)
    for w in range(4):
        for i in range(8):
            found = search.search(SearchQuery(text=f'"worker{w} vsl{i}"', hits_per_vsl=500))
            assert [g.vsl.key for g in found.vsls] == [f"w{w}-{i}"] and found.total_hits == 100


@pytest.mark.slow
def test_a_reader_in_another_process_sees_each_commit(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'vsl.db'}"
    reader = open_search(db_url, engine="tantivy")
    assert reader.search(SearchQuery(text="garantia")).total_hits == 0
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=_index_many, args=(db_url, 9))
    p.start()
    p.join(120)
    assert p.exitcode == 0
    assert reader.search(SearchQuery(text="garantia")).total_hits == 800  # same object, reloaded


def test_a_writer_that_never_releases_the_lock_gives_a_transient_error(tmp_path: Path) -> None:
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.ensure_schema()
    search.lock_timeout_s = 0.3
    with open(search.path / "writer.lock", "a+b") as held:
        # flock is per open file description: this handle blocks the backend's own handle.
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        t = time.monotonic()
        with pytest.raises(IndexBusyError, match="stayed locked by another writer"):
            search.index_vsl(VslDocument(key="k", url="https://x", segments=[Segment(0, 1, "olá")]))
        assert 0.3 <= time.monotonic() - t < 5
    search.index_vsl(VslDocument(key="k", url="https://x", segments=[Segment(0, 1, "olá")]))
    assert search.count() == IndexCount(1, 1)


def test_the_index_lives_next_to_the_app_database(tmp_path: Path) -> None:
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="tantivy")
    search.index_vsl(VslDocument(key="k", url="https://x", segments=[Segment(0, 1, "olá")]))
    assert (tmp_path / "vsl.tantivy" / "index" / "meta.json").exists()
    assert not (tmp_path / "vsl.db").exists() and not (tmp_path / "vsl.search.db").exists()
    assert (search.size_bytes() or 0) > 0


def _hold_the_writer(path: str, ready: multiprocessing.synchronize.Event, seconds: float) -> None:
    """Another writer mid-commit: the writer lock taken and tantivy's IndexWriter open."""
    import tantivy

    with open(Path(path) / "writer.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        writer = tantivy.Index.open(str(Path(path) / "index")).writer(heap_size=15_000_000, num_threads=1)
        ready.set()
        time.sleep(seconds)
        writer.wait_merging_threads()  # releases tantivy's own lock
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@pytest.mark.slow
def test_a_write_waits_for_the_writer_of_another_process_instead_of_failing(tmp_path: Path) -> None:
    # Tantivy alone answers a second IndexWriter with LockBusy at once; the backend queues on the
    # lock file (this test fails with the lock taken out: index_vsl raises LockBusy).
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.ensure_schema()
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_the_writer, args=(str(search.path), ready, 1.0))
    holder.start()
    assert ready.wait(60)
    t = time.monotonic()
    search.index_vsl(VslDocument(key="k", url="https://x", language="es", segments=[Segment(0, 1, "Garantías")]))
    waited = time.monotonic() - t
    holder.join(60)
    assert holder.exitcode == 0 and waited >= 0.5
    assert search.search(SearchQuery(text="garantia")).total_hits == 1


def test_the_setting_picks_the_backend_and_refuses_what_cannot_work(tmp_path: Path) -> None:
    from vsl_assets.errors import ConfigurationError
    from vsl_assets.search.sqlite import SqliteSearch

    url = f"sqlite:///{tmp_path / 'vsl.db'}"
    assert isinstance(open_search(url), SqliteSearch)
    assert isinstance(open_search(url, engine="sqlite"), SqliteSearch)
    assert isinstance(open_search(url, engine="tantivy"), TantivySearch)
    with pytest.raises(ConfigurationError, match="no search backend 'lucene'"):
        open_search(url, engine="lucene")
    with pytest.raises(ConfigurationError, match="needs a PostgreSQL app database"):
        open_search(url, engine="postgres")
    with pytest.raises(ConfigurationError, match="beside a SQLite app database"):
        open_search("postgresql://u@127.0.0.1/vsl", engine="tantivy")
