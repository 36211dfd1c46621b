"""Tantivy backend specifics: many writer processes at once (one per Dagster run) queue on its
single-writer lock instead of failing, and every document lands searchable."""

from __future__ import annotations

import fcntl
import multiprocessing
import multiprocessing.synchronize
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import tantivy

from vsl_assets.search import IndexCount, SearchQuery, Segment, VslDocument, open_search
from vsl_assets.search import bulk as search_bulk
from vsl_assets.search.query import fts5_terms, parse, query_languages
from vsl_assets.search.sqlite import POSITION_BITS, SqliteSearch
from vsl_assets.search.tantivy_backend import IndexBusyError, TantivySearch
from vsl_assets_tests.search.corpus import bulk_docs
from vsl_assets_tests.search.layouts import tantivy_before_word_pairs


def _index_many(db_url: str, worker: int) -> None:
    search = open_search(db_url)  # auto: a new install's first processes all create tantivy's index
    for i in range(8):
        segments = [Segment(float(j), float(j + 1), f"worker{worker} vsl{i} segment {j} garantia") for j in range(100)]
        search.index_vsl(VslDocument(key=f"w{worker}-{i}", url="https://x", language="pt", segments=segments))


def _run_at_once(*jobs: tuple[Callable[..., None], tuple[Any, ...]], timeout_s: float = 180) -> list[int | None]:
    """Each ``(target, args)`` in its own spawned process (as Dagster runs are), all at once;
    their exit codes once every one ended (or ``timeout_s`` passed)."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=args) for target, args in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout_s)
    return [p.exitcode for p in procs]


@pytest.mark.slow
def test_processes_indexing_at_once_all_land(tmp_path: Path) -> None:
    # Without the lock, a second process opening tantivy's IndexWriter fails at once (LockBusy).
    # On a new install (nothing on disk) ``auto`` picks tantivy in all four at the same instant:
    # they create the index once, under the writer lock, and none of them makes an FTS5 file.
    db_url = f"sqlite:///{tmp_path / 'vsl.db'}"
    assert _run_at_once(*[(_index_many, (db_url, w)) for w in range(4)]) == [0, 0, 0, 0]
    assert not (tmp_path / "vsl.search.db").exists()
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
    assert _run_at_once((_index_many, (db_url, 9))) == [0]
    assert reader.search(SearchQuery(text="garantia")).total_hits == 800  # same object, reloaded


def test_a_writer_that_never_releases_the_lock_gives_a_transient_error(tmp_path: Path) -> None:
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.ensure_schema()
    search.lock_timeout_s = 0.1
    with open(search.path / "writer.lock", "a+b") as held:
        # flock is per open file description: this handle blocks the backend's own handle.
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        t = time.monotonic()
        with pytest.raises(IndexBusyError, match="stayed locked by another writer"):
            search.index_vsl(VslDocument(key="k", url="https://x", segments=[Segment(0, 1, "olá")]))
        assert 0.1 <= time.monotonic() - t < 5
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


class _Writer:
    """A tantivy writer whose ``commit`` or ``wait_merging_threads`` fails (after doing its work)."""

    def __init__(self, writer: Any, failing: str) -> None:
        self.writer, self.failing = writer, failing

    def commit(self) -> Any:
        if self.failing == "commit":
            raise OSError("disk full")
        return self.writer.commit()

    def wait_merging_threads(self) -> None:
        self.writer.wait_merging_threads()  # tantivy's own lock released, as after a merge that failed
        if self.failing == "merges":
            raise RuntimeError("a merge failed")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.writer, name)


def _failing(search: TantivySearch, failing: str) -> Any:
    opened = search._tantivy_writer

    def writer(holder: list[Any]) -> Any:
        if not holder:
            holder.append(_Writer(opened([]), failing))
        return holder[0]

    return mock.patch.object(search, "_tantivy_writer", writer)


def test_a_commit_that_fails_leaves_nothing_and_one_that_failed_joining_merges_keeps_the_vsl(tmp_path: Path) -> None:
    search = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="tantivy")
    assert isinstance(search, TantivySearch)
    doc = VslDocument(key="k", url="https://x", language="pt", segments=[Segment(0, 1, "garantia de trinta dias")])
    # Tantivy's commit failed: the side table is rolled back with it (nothing half written).
    with _failing(search, "commit"), pytest.raises(OSError, match="disk full"):
        search.index_vsl(doc)
    assert search.count() == IndexCount(0, 0) and search.search(SearchQuery(text="garantia")).total_hits == 0
    # Both committed, then joining the merges failed: the error is raised and the VSL stays indexed
    # (the side table commits before the merges are joined, still under the writer lock).
    with _failing(search, "merges"), pytest.raises(RuntimeError, match="a merge failed"):
        search.index_vsl(doc)
    assert search.count() == IndexCount(1, 1)
    found = search.search(SearchQuery(text='"30 dias"'))
    assert [g.vsl.key for g in found.vsls] == ["k"] and found.total_hits == 1
    # The locks were released: the next write goes through and replaces the VSL.
    search.index_vsl(VslDocument(key="k", url="https://x", language="pt", segments=[Segment(0, 1, "outra coisa")]))
    assert search.count() == IndexCount(1, 1) and search.search(SearchQuery(text="garantia")).total_hits == 0


def test_the_setting_picks_the_backend_and_refuses_what_cannot_work(tmp_path: Path) -> None:
    from vsl_assets.errors import ConfigurationError

    url = f"sqlite:///{tmp_path / 'vsl.db'}"
    assert isinstance(open_search(url), TantivySearch)  # auto on a new install
    assert isinstance(open_search(url, engine="sqlite"), SqliteSearch)
    assert isinstance(open_search(url, engine="tantivy"), TantivySearch)
    with pytest.raises(ConfigurationError, match="no search backend 'lucene'"):
        open_search(url, engine="lucene")
    with pytest.raises(ConfigurationError, match="needs a PostgreSQL app database"):
        open_search(url, engine="postgres")
    with pytest.raises(ConfigurationError, match="beside a SQLite app database"):
        open_search("postgresql://u@127.0.0.1/vsl", engine="tantivy")


def test_a_bulk_build_commits_per_batch_and_finds_what_one_vsl_at_a_time_finds(tmp_path: Path) -> None:
    one = open_search("sqlite://", path=tmp_path / "one", engine="tantivy")
    bulk = open_search("sqlite://", path=tmp_path / "bulk", engine="tantivy")
    assert isinstance(one, TantivySearch) and isinstance(bulk, TantivySearch)
    bulk.BULK_SEGMENTS = 20  # a commit after every third VSL: 4 commits for 10 VSLs
    docs = bulk_docs(10)
    for d in docs:
        one.index_vsl(d)
    with mock.patch.object(bulk, "_write", wraps=bulk._write) as writes:
        assert bulk.index_many(iter(docs)) == 70
    assert writes.call_count == 4  # one writer, lock and commit per batch, not per VSL
    assert bulk.count() == one.count() == IndexCount(10, 70)
    for text in ("garantia", '"30 dias"', "vsl7", "part*"):
        a, b = one.search(SearchQuery(text=text, per_page=50)), bulk.search(SearchQuery(text=text, per_page=50))
        assert (a.total_vsls, a.total_hits) == (b.total_vsls, b.total_hits) != (0, 0)
        # The same VSLs and hits (equal scores tie in index order, which the batches change).
        assert {g.vsl.key: sorted(h.position for h in g.hits) for g in a.vsls} == {
            g.vsl.key: sorted(h.position for h in g.hits) for g in b.vsls
        }
    # A second bulk build replaces (never duplicates).
    assert bulk.index_many(docs[:4]) == 28
    assert bulk.count() == IndexCount(10, 70)
    assert bulk.search(SearchQuery(text="vsl3")).total_hits == 7
    assert bulk.search(SearchQuery(text="garantia")).total_hits == 70


def _bulk(db_url: str, batch: int) -> None:
    search = open_search(db_url, engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.BULK_SEGMENTS = batch
    search.index_many(bulk_docs(40, "bulk"))


@pytest.mark.slow
def test_a_bulk_build_beside_runs_indexing_one_vsl_each_loses_nothing(tmp_path: Path) -> None:
    # ``vsl reindex`` while pipeline runs index their VSLs: every process queues on the writer
    # lock between batches, and every VSL of every process lands whole.
    db_url = f"sqlite:///{tmp_path / 'vsl.db'}"
    assert _run_at_once((_bulk, (db_url, 50)), *[(_index_many, (db_url, w)) for w in range(3)]) == [0, 0, 0, 0]
    search = open_search(db_url, engine="tantivy")
    assert search.count() == IndexCount(40 + 24, 40 * 7 + 24 * 100)
    assert search.search(SearchQuery(text="garantia", per_page=100)).total_hits == 40 * 7 + 24 * 100
    for i in range(40):
        found = search.search(SearchQuery(text=f"vsl{i} parte", hits_per_vsl=10))
        assert [g.vsl.key for g in found.vsls] == [f"bulk{i}"] and found.total_hits == 7


@pytest.mark.parametrize("terms_up_to", [64, 0], ids=["vsl-terms-ored", "term-set"])
@pytest.mark.parametrize("per_hit", [4, 1], ids=["reads-every-match-of-the-page", "stops-at-its-limit"])
def test_totals_are_exact_when_the_ranking_reads_only_the_best(tmp_path: Path, per_hit: int, terms_up_to: int) -> None:
    # 70 matches, and page 1 of 2 VSLs x 2 hits reads only the best 4 (every VSL's shortest
    # segment ranks first, so those are four VSLs' one hit each): the counts come from the
    # aggregation run after the ranking, the page VSLs' second hits from a search inside them
    # (reading all their matches, or stopping at 1 per hit wanted, then again for any still short).
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.TOP_N, search.READ_PER_HIT = 1, 1
    search.FILL_PER_HIT = per_hit
    search.TERMS_UP_TO = terms_up_to  # the page VSLs' fill restricted by their terms ORed, or a term set
    words = "nossa garantia vale por trinta dias corridos".split()
    search.index_many(
        VslDocument(
            key=f"b{i}",
            url="https://x",
            language="pt",
            segments=[Segment(float(j), float(j + 1), " ".join([f"vsl{i}", *words[1 : 2 + j]])) for j in range(7)],
        )
        for i in range(10)
    )
    everything = TantivySearch(search.path)  # reads every match in its first ranking (70 < TOP_N)
    keys: list[str] = []
    for page in range(1, 6):
        query = SearchQuery(text="garantia", page=page, per_page=2, hits_per_vsl=2)
        found = search.search(query)
        assert (found.total_vsls, found.total_hits, found.pages) == (10, 70, 5)
        assert [(g.hit_count, len(g.hits)) for g in found.vsls] == [(7, 2), (7, 2)]
        # The same best hits, with the same scores, as a ranking that read every match.
        assert [(g.vsl.key, [(h.position, h.score) for h in g.hits]) for g in found.vsls] == [
            (g.vsl.key, [(h.position, h.score) for h in g.hits]) for g in everything.search(query).vsls
        ]
        keys += [g.vsl.key for g in found.vsls]
    assert sorted(keys) == sorted(f"b{i}" for i in range(10))  # every VSL on exactly one page
    # Five hits of each of a page's VSLs, 1 read per hit wanted: the search inside them stops at
    # its limit, and the VSLs still short are searched again until each has its five.
    query = SearchQuery(text="garantia", per_page=2, hits_per_vsl=5)
    assert [(g.vsl.key, [(h.position, h.score) for h in g.hits]) for g in search.search(query).vsls] == [
        (g.vsl.key, [(h.position, h.score) for h in g.hits]) for g in everything.search(query).vsls
    ]
    assert all(len(g.hits) == 5 for g in search.search(query).vsls)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["sqlite", "tantivy"])
def test_a_bulk_build_with_the_analysis_in_a_worker_finds_what_one_vsl_at_a_time_finds(
    tmp_path: Path, engine: str
) -> None:
    one = open_search("sqlite://", path=tmp_path / "one", engine=engine)
    bulk = open_search("sqlite://", path=tmp_path / "bulk", engine=engine)
    assert isinstance(bulk, SqliteSearch | TantivySearch)
    bulk.PARALLEL_AFTER = 14  # two VSLs analysed here, the other eight by a worker process
    bulk.BULK_SEGMENTS = 20
    docs = bulk_docs(10)
    for d in docs:
        one.index_vsl(d)
    with mock.patch.object(search_bulk, "ProcessPoolExecutor", wraps=search_bulk.ProcessPoolExecutor) as pools:
        assert bulk.index_many(iter(docs)) == 70
    assert pools.call_count == 1
    assert bulk.count() == one.count() == IndexCount(10, 70)
    for text in ("garantia", '"30 dias"', "vsl7", "part*", "trinta"):
        a, b = one.search(SearchQuery(text=text, per_page=50)), bulk.search(SearchQuery(text=text, per_page=50))
        assert (a.total_vsls, a.total_hits) == (b.total_vsls, b.total_hits) != (0, 0)
        assert {g.vsl.key: [(h.position, h.snippet.marks) for h in g.hits] for g in a.vsls} == {
            g.vsl.key: [(h.position, h.snippet.marks) for h in g.hits] for g in b.vsls
        }


def test_a_language_filter_alone_is_answered_by_the_language_tags_without_a_vsl_restriction(
    tmp_path: Path,
) -> None:
    # The Portuguese arm's terms ("pt_garant") exist only in Portuguese VSLs, so a language filter
    # alone needs no term set of the allowed VSLs; with another filter the restriction stays.
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    said = {"pt": "a garantia vale", "es": "la garantía vale", "en": "garantia is a word here too", None: "garantia"}
    for i, (language, text) in enumerate(said.items()):
        segments = [Segment(0, 1, text), Segment(1, 2, f"{text} de novo")]
        search.index_vsl(VslDocument(key=f"k{i}-{language}", url="https://x", language=language, segments=segments))
    with mock.patch.object(search, "_restrict", wraps=search._restrict) as restrict:
        pt = search.search(SearchQuery(text="garantia", language="pt"))
        assert restrict.call_count == 0
        assert [g.vsl.key for g in pt.vsls] == ["k0-pt"] and (pt.total_vsls, pt.total_hits) == (1, 2)
        es = search.search(SearchQuery(text="garantia", language="es"))
        assert [g.vsl.key for g in es.vsls] == ["k1-es"] and es.total_hits == 2
        assert search.search(SearchQuery(text="garantia", language="fr")).vsls == ()  # unknown: nothing
        narrowed = search.search(SearchQuery(text="garantia", key="k0-pt"))  # 2 of the 8 segments
        assert [g.vsl.key for g in narrowed.vsls] == ["k0-pt"] and restrict.call_count == 0
    assert search.search(SearchQuery(text="garantia")).total_vsls == 4


def _filtered_corpus(search: TantivySearch) -> None:
    """Twelve Portuguese VSLs: eight "health" ones that say "garantia" once in long segments,
    four "money" ones that say it in short segments (so those score higher by BM25), twice."""
    for i in range(12):
        health = i < 8
        said = "a garantia vale por trinta dias e mais nada depois disso" if health else "garantia sim"
        segments = [
            Segment(float(j), float(j + 1), said if j < (1 if health else 2) else "outra coisa") for j in range(6)
        ]
        niche = "health" if health else "money"
        search.index_vsl(VslDocument(key=f"{niche}{i}", url="https://x", language="pt", niche=niche, segments=segments))


def _answers(results: Any) -> tuple[Any, ...]:
    return (
        results.total_vsls,
        results.total_hits,
        [
            (g.vsl.key, g.hit_count, g.score, [(h.position, h.score, h.snippet.marks) for h in g.hits])
            for g in results.vsls
        ],
    )


@pytest.mark.parametrize("top_n", [256, 1])
def test_a_wide_filter_is_applied_to_the_ranked_hits_and_a_narrow_one_inside_the_query(
    tmp_path: Path, top_n: int
) -> None:
    # The same answers either way: the filter's VSLs as a term set inside the query (what every
    # filter was), or the query alone with the hits and per-VSL counts outside the filter dropped.
    # top_n 1: one hit read at first, so the ranking reads on and the short VSLs are filled.
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    inside = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")  # the same index
    assert isinstance(search, TantivySearch) and isinstance(inside, TantivySearch)
    _filtered_corpus(search)
    inside.POST_FILTER_SHARE = 2.0  # never: always the term set
    for s in (search, inside):
        s.TOP_N, s.READ_PER_HIT = top_n, 0
    queries = [
        SearchQuery(text="garantia", niche="health", hits_per_vsl=2),  # 8 of 12 VSLs, 48 of 72 segments
        SearchQuery(text="garantia", language="pt", niche="health", per_page=3, page=2),
        SearchQuery(text="garantia", niche="money", hits_per_vsl=1),  # 4 of 12: a third of the segments
        SearchQuery(text="garantia", key="health3"),  # one VSL: the term set
        SearchQuery(text="garantia", keys=("money9", "health0", "health1", "health2")),
    ]
    with mock.patch.object(search, "_restrict", wraps=search._restrict) as restrict:
        wide = search.search(queries[0])
        assert restrict.call_count == (0 if top_n > 1 else 1)  # top_n 1: a money VSL's hit came first
    assert (
        wide.total_vsls == 8
        and wide.total_hits == 8
        and {g.vsl.key for g in wide.vsls} == {f"health{i}" for i in range(8)}
    )
    for query in queries:
        assert _answers(search.search(query)) == _answers(inside.search(query)), query
    with mock.patch.object(search, "_restrict", wraps=search._restrict) as restrict:
        assert [g.vsl.key for g in search.search(queries[3]).vsls] == ["health3"]
        assert restrict.call_count == 1  # a word: the ranking's query is the count's


def test_a_filter_s_vsls_are_read_again_when_a_vsl_is_indexed_or_deleted(tmp_path: Path) -> None:
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    _filtered_corpus(search)
    health = SearchQuery(text="garantia", niche="health", per_page=50)
    assert search.search(health).total_vsls == 8
    said = [Segment(0, 1, "garantia")]
    search.index_vsl(VslDocument(key="new", url="https://x", language="pt", niche="health", segments=said))
    assert {g.vsl.key for g in search.search(health).vsls} == {*(f"health{i}" for i in range(8)), "new"}
    assert search.delete_vsl("health0") and search.delete_vsl("health1")
    search.index_vsl(VslDocument(key="money8", url="https://x", language="pt", niche="health", segments=said))
    assert {g.vsl.key for g in search.search(health).vsls} == {*(f"health{i}" for i in range(2, 8)), "new", "money8"}


def test_a_restriction_to_a_few_vsls_finds_their_segments_only(tmp_path: Path) -> None:
    """``_restrict`` to a few VSLs (their ``vsl`` terms ORed: a Python int is the u64 column's
    term) and to many (a term set) keep the same segments, with the text's own scores."""
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.index_many(
        VslDocument(
            key=f"r{i}",
            url="https://x",
            language="pt",
            segments=[Segment(float(j), float(j + 1), f"garantia de {j + 1} dias") for j in range(3)],
        )
        for i in range(6)
    )
    ids = sorted(int(r[0]) for r in search._conn().execute("SELECT id FROM vsls"))
    searcher = search._reader()
    text = tantivy.Query.term_query(search._schema, "terms", fts5_terms(["garantia"], "pt"))
    alone = {sid: score for score, sid in _scored(searcher, text)}
    found = {}
    for terms_up_to in (64, 0):
        search.TERMS_UP_TO = terms_up_to
        found[terms_up_to] = _scored(searcher, search._restrict(text, [ids[1], ids[4]]))
    assert found[64] == found[0]
    assert sorted(sid >> POSITION_BITS for _, sid in found[64]) == [ids[1]] * 3 + [ids[4]] * 3
    assert all(alone[sid] == score for score, sid in found[64])


def _scored(searcher: tantivy.Searcher, query: tantivy.Query) -> list[tuple[float, int]]:
    hits = searcher.search(query, 100, count=False).hits
    sids = searcher.fast_field_values("sid", [addr for _, addr in hits])
    return sorted(zip([score for score, _ in hits], sids, strict=True))


#: Sentences written for this test: repeated words, accents, inflections, numbers said both ways,
#: hyphens, and phrases that run across two segments (which a phrase must not match).
_PHRASE_TEXTS = {
    "pt": [
        "Você vai receber a garantia de trinta dias.",
        "voce vai ver: garantias de 30 dias, bem bem simples",
        "Clique no botão abaixo agora. Clique no botão",
        "abaixo fica o e-mail do suporte, bem bem bem rápido",
        "a garantia vale por vinte e sete dias",
        "nossa garantia de trinta",
        "dias corridos para você testar",
    ],
    "en": [
        "Click the button below to get the thirty day guarantee",
        "the button below is the one; click the button",
        "below you see our 30 day guarantee, a very very good deal",
        "guarantees of thirty days, twenty-seven days, e-mail us",
    ],
    "es": [
        "Haz clic en el botón de abajo y los resultados llegan",
        "y los resultados, y los resultados, y a la semana",
        "garantía de treinta días en el botón",
    ],
}
_PHRASES = [
    '"garantia de trinta dias"',  # 4 words, numbers said in words vs digits
    '"garantia de 30 dias"',
    '"voce vai"',  # accents folded
    '"Você vai receber"',
    '"garantias de"',  # stemmed
    '"bem bem"',  # a repeated word
    '"bem bem bem"',
    '"no botão abaixo"',
    '"botão abaixo"',
    '"trinta dias"',  # across two segments in one VSL ("... de trinta" | "dias corridos ...")
    '"vinte e sete dias"',  # a number of three words: one term, then a two-term phrase
    '"27 days"',
    '"e-mail"',  # a hyphen: two words
    '"click the button"',
    '"the button below"',
    '"y los resultados"',
    '"y a la"',
    '"thirty day guarantee"',
    '"garantía de treinta días"',
    'garantia -"trinta dias"',  # an excluded phrase
    '"botão abaixo" OR "button below"',
    '"nao existe aqui"',
]


@pytest.mark.parametrize("language", [None, "pt"])
def test_phrases_matched_by_word_pairs_find_and_rank_what_the_phrase_query_alone_does(
    tmp_path: Path, language: str | None
) -> None:
    # The same index read two ways: phrases through the word-pair field (the default) and through
    # the phrase query alone (what the backend did before the field).  Every hit, score, total and
    # per-VSL count must be the same; the ranking reads only the best 2 so the counts come from
    # the aggregation (the pair term alone for two words), and a page's VSLs are filled in.
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.TOP_N, search.READ_PER_HIT = 2, 1
    docs = [
        VslDocument(
            key=f"{lang}{copy}",
            url="https://x",
            language=lang,
            segments=[Segment(float(j), float(j + 1), t) for j, t in enumerate(texts[copy:] + texts[:copy])],
        )
        for lang, texts in _PHRASE_TEXTS.items()
        for copy in range(3)
    ]
    search.index_many(docs)
    alone = TantivySearch(search.path)
    alone.TOP_N, alone.READ_PER_HIT, alone.PAIRS = 2, 1, False
    found_any = 0
    for text in _PHRASES:
        for page in (1, 2):
            query = SearchQuery(text=text, language=language, page=page, per_page=2, hits_per_vsl=2)
            a, b = search.search(query), alone.search(query)
            assert (a.total_vsls, a.total_hits) == (b.total_vsls, b.total_hits), text
            assert [(g.vsl.key, g.hit_count, [h.position for h in g.hits]) for g in a.vsls] == [
                (g.vsl.key, g.hit_count, [h.position for h in g.hits]) for g in b.vsls
            ], text
            pairs = zip(a.vsls, b.vsls, strict=True)
            scores = [(h.score, o.score) for g, f in pairs for h, o in zip(g.hits, f.hits, strict=True)]
            if not search._ranked_by_pairs(parse(text), query_languages(language)):
                assert all(x == y for x, y in scores), text  # ranked by the words, as before
            else:
                # One phrase in one language is ranked by its pairs: the same order, its scores
                # the words' times one factor.
                assert len({round(x / y, 4) for x, y in scores}) <= 1, (text, scores)
            found_any += a.total_hits
    assert found_any > 0
    assert search._ranked_by_pairs(parse('"no botão abaixo"'), ("pt",))
    assert not search._ranked_by_pairs(parse('"no botão abaixo"'), query_languages(None))
    # What the phrases find, spelled out for a few (every copy of a VSL holds each sentence once).
    totals = {
        text: search.search(SearchQuery(text=text, language=language)).total_hits
        for text in ('"trinta dias"', '"bem bem"', '"bem bem bem"', '"e-mail"', '"garantia de 30 dias"')
    }
    assert totals == {
        # "trinta dias." and "30 dias" in PT, 3 copies each (and ES's "treinta días" without a
        # language filter); never "de trinta" | "dias corridos", the end of one segment and the
        # start of the next
        '"trinta dias"': 6 if language else 9,
        '"bem bem"': 6,  # "bem bem simples" and "bem bem bem rápido", 3 copies each
        '"bem bem bem"': 3,
        '"e-mail"': 3 if language else 6,  # PT's, and EN's without a language filter
        '"garantia de 30 dias"': 6 if language else 9,  # "garantia de trinta dias", "garantias de 30 dias"
    }
    assert search.search(SearchQuery(text='"27 days"')).total_hits == 3  # "twenty-seven days"
    assert search.search(SearchQuery(text='"vinte e sete dias"', language="pt")).total_hits == 3


def test_an_index_of_the_layout_before_word_pairs_is_made_again_with_them(tmp_path: Path) -> None:
    # An index written before the pair field (side table schema 3, a tantivy index without
    # "pairs") cannot take a document with pairs, and its phrases would be read the new way: it is
    # recreated empty with the field (derived data; ``vsl reindex`` fills it again).
    import sqlite3

    path = tmp_path / "vsl.tantivy"
    said = VslDocument(key="k", url="https://x", language="pt", segments=[Segment(0, 1, "Garantia de trinta dias!")])
    TantivySearch(path).index_vsl(said)  # the side table's rows; the index is replaced below
    writer = tantivy_before_word_pairs(path).writer(heap_size=15_000_000, num_threads=1)
    doc = tantivy.Document()
    doc.add_text("terms", fts5_terms(["garantia", "de", "30", "dias"], "pt"))
    doc.add_unsigned("vsl", 1)
    doc.add_unsigned("sid", 1 << POSITION_BITS)
    writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    search = TantivySearch(path)
    search.ensure_schema()
    assert search.count() == IndexCount(0, 0)  # made again, empty
    assert search.search(SearchQuery(text='"garantia de 30 dias"')).total_hits == 0
    search.index_vsl(said)  # as ``vsl reindex`` does
    found = search.search(SearchQuery(text='"garantia de 30 dias"'))
    assert (found.total_vsls, found.total_hits) == (1, 1)
    assert search.search(SearchQuery(text='"de trinta"')).total_hits == 1
    with closing(sqlite3.connect(path / "side.db")) as conn:
        assert conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone() == ("4",)


def _number_docs() -> list[VslDocument]:
    """VSLs in three languages saying 30 days in words and in digits (and 35 days, which is not
    30), the Portuguese ones 2, 3, 4 and 5 times, so every total is known."""
    pt = [
        VslDocument(
            key=f"pt{i}",
            url="https://x",
            language="pt",
            segments=[
                Segment(float(j), float(j + 1), text)
                for j, text in enumerate(
                    [
                        "garantia de trinta dias para você",
                        "são 30 dias corridos",
                        "trinta e cinco dias depois",
                        f"vsl{i} sem número nenhum",
                        *(f"mais trinta dias de teste {k}" for k in range(i)),
                    ]
                )
            ],
        )
        for i in range(4)
    ]
    en = VslDocument(
        key="en0",
        url="https://x",
        language="en",
        segments=[Segment(0.0, 1.0, "thirty days guarantee"), Segment(1.0, 2.0, "then 30 days more")],
    )
    es = VslDocument(
        key="es0",
        url="https://x",
        language="es",
        segments=[
            Segment(0.0, 1.0, "treinta días de garantía"),
            Segment(1.0, 2.0, "en 30 días lo verás"),
            Segment(2.0, 3.0, "treinta y cinco días"),
        ],
    )
    return [*pt, en, es]


def _page(found: Any) -> list[tuple[str, int, list[tuple[int, float, str]]]]:
    return [(g.vsl.key, g.hit_count, [(h.position, h.score, h.snippet.marked()) for h in g.hits]) for g in found.vsls]


@pytest.mark.parametrize("typed", ["30 dias", "trinta dias", "treinta días"])
def test_a_number_query_finds_the_number_in_words_and_digits_with_exact_totals(tmp_path: Path, typed: str) -> None:
    # A number typed as digits or said in any language's words, and the word after it: the
    # Portuguese and Spanish VSLs that say 30 days either way (never 35), with their counts, and
    # each hit's snippet marking the number and the word; the same page whether the ranking read
    # every match or only the best (the counts from the aggregation, the hits from the fill).
    search = open_search("sqlite://", path=tmp_path / "t", engine="tantivy")
    assert isinstance(search, TantivySearch)
    search.index_many(_number_docs())
    everything = TantivySearch(search.path)  # 16 matches < TOP_N: read in its first ranking
    search.TOP_N, search.READ_PER_HIT = 1, 1
    seen: list[str] = []
    for page in (1, 2, 3):
        query = SearchQuery(text=typed, page=page, per_page=2, hits_per_vsl=2)
        found = search.search(query)
        assert (found.total_vsls, found.total_hits) == (5, 16)
        assert _page(found) == _page(everything.search(query))
        seen += [g.vsl.key for g in found.vsls]
    assert sorted(seen) == ["es0", "pt0", "pt1", "pt2", "pt3"]
    whole = search.search(SearchQuery(text=typed, per_page=10, hits_per_vsl=10))
    assert {g.vsl.key: g.hit_count for g in whole.vsls} == {"pt0": 2, "pt1": 3, "pt2": 4, "pt3": 5, "es0": 2}
    marks = {h.snippet.marked() for g in whole.vsls for h in g.hits}
    assert marks == {
        "garantia de [trinta] [dias] para você",
        "são [30] [dias] corridos",
        *(f"mais [trinta] [dias] de teste {k}" for k in range(3)),
        "[treinta] [días] de garantía",
        "en [30] [días] lo verás",
    }
    english = search.search(SearchQuery(text="30 days", per_page=10, hits_per_vsl=10))
    assert [(g.vsl.key, g.hit_count) for g in english.vsls] == [("en0", 2)]
    assert [h.snippet.marked() for h in english.vsls[0].hits] == ["[thirty] [days] guarantee", "then [30] [days] more"]
