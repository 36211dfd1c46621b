"""Embedded backend specifics: its own file, many writer processes at once (one per Dagster run),
and bulk builds (FTS5, and tantivy where both embedded backends must behave alike)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from vsl_assets.errors import PermanentError
from vsl_assets.search import IndexCount, SearchQuery, Segment, VslDocument, open_search
from vsl_assets.search.sqlite import MAX_SEGMENTS, SqliteSearch
from vsl_assets.search.tantivy_backend import TantivySearch
from vsl_assets_tests.search.corpus import bulk_docs


def _index_many(db_url: str, worker: int) -> None:
    search = open_search(db_url, engine="sqlite")
    for i in range(10):
        segments = [Segment(float(j), float(j + 1), f"worker{worker} vsl{i} segment {j} garantia") for j in range(200)]
        search.index_vsl(VslDocument(key=f"w{worker}-{i}", url="https://x", language="pt", segments=segments))


@pytest.mark.slow
def test_processes_indexing_at_once_all_land(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'vsl.db'}"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_index_many, args=(db_url, w)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    search = open_search(db_url, engine="sqlite")
    assert search.count() == IndexCount(30, 6000)
    found = search.search(SearchQuery(text="worker2 vsl7", hits_per_vsl=500))
    assert [g.vsl.key for g in found.vsls] == ["w2-7"] and found.total_hits == 200
    assert found.vsls[0].hits[0].text.startswith("worker2 vsl7 segment")


def test_the_index_is_its_own_file_next_to_the_app_database(tmp_path: Path) -> None:
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="sqlite")
    search.index_vsl(VslDocument(key="k", url="https://x", segments=[Segment(0, 1, "olá")]))
    assert not (tmp_path / "vsl.db").exists()
    with sqlite3.connect(tmp_path / "vsl.search.db") as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"vsls", "segments", "segments_fts", "meta"} <= tables
    assert (search.size_bytes() or 0) > 0


def test_an_index_of_an_older_layout_is_rebuilt_empty(tmp_path: Path) -> None:
    path = tmp_path / "vsl.search.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema', '0')")
        conn.execute("CREATE VIRTUAL TABLE segments_fts USING fts5(terms)")
    search = open_search("sqlite://", path=path)
    search.ensure_schema()
    assert search.count() == IndexCount(0, 0)
    search.index_vsl(VslDocument(key="k", url="https://x", language="es", segments=[Segment(0, 1, "Garantías")]))
    assert search.search(SearchQuery(text="garantia")).total_hits == 1


def test_a_bulk_build_finds_what_one_vsl_at_a_time_finds(tmp_path: Path) -> None:
    one = open_search("sqlite://", path=tmp_path / "one.db")
    bulk = open_search("sqlite://", path=tmp_path / "bulk.db")
    assert isinstance(bulk, SqliteSearch)
    bulk.BULK_SEGMENTS = 20  # several transactions: a commit every third VSL
    docs = bulk_docs(10)
    for d in docs:
        one.index_vsl(d)
    assert bulk.index_many(iter(docs)) == 70
    assert bulk.count() == one.count() == IndexCount(10, 70)
    for text in ("garantia", '"30 dias"', "vsl7", "part*"):
        a, b = one.search(SearchQuery(text=text, per_page=50)), bulk.search(SearchQuery(text=text, per_page=50))
        assert (a.total_vsls, a.total_hits) == (b.total_vsls, b.total_hits)
        assert [(g.vsl.key, [h.position for h in g.hits]) for g in a.vsls] == [
            (g.vsl.key, [h.position for h in g.hits]) for g in b.vsls
        ]
    # A second bulk build replaces (never duplicates), and the cache is back to the default.
    assert bulk.index_many(docs[:4]) == 28
    assert bulk.count() == IndexCount(10, 70)
    assert bulk.search(SearchQuery(text="vsl3")).total_hits == 7
    with bulk._connect() as conn:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -2000


@pytest.mark.parametrize("engine", ["sqlite", "tantivy"])
def test_a_bulk_build_that_fails_keeps_whole_vsls_and_says_why(tmp_path: Path, engine: str) -> None:
    bulk = open_search("sqlite://", path=tmp_path / "bulk", engine=engine)
    assert isinstance(bulk, SqliteSearch | TantivySearch)
    bulk.BULK_SEGMENTS = 14  # commits after every second VSL
    too_long = VslDocument(key="huge", url="https://x", segments=[Segment(0, 1, "x")] * (MAX_SEGMENTS + 1))
    with pytest.raises(PermanentError, match="more than the index takes"):
        bulk.index_many([*bulk_docs(3), too_long])
    # The first two VSLs were committed; the third shared the failed batch and is gone whole.
    assert bulk.count() == IndexCount(2, 14)
    assert sorted(bulk.keys()) == ["b0", "b1"]
    assert bulk.search(SearchQuery(text="garantia")).total_hits == 14
    # The connection (FTS5) or the writer lock (tantivy) is usable afterwards.
    assert bulk.index_vsl(bulk_docs(1, "after")[0]) == 7
    assert bulk.search(SearchQuery(text="garantia")).total_hits == 21
