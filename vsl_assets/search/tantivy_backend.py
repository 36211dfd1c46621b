"""Embedded backend on tantivy: one writer at a time, many readers, next to the app database.

Why (benchmarks/bench_search.py, same rows): tantivy answers a query about an order of magnitude
faster than FTS5, because it skips the blocks of a posting list that cannot enter the top k
instead of scoring every match.  Its catch is that it allows one ``IndexWriter`` per index
directory, and a second process gets ``LockBusy`` at once; every Dagster run is its own process.
So every write here is taken under an exclusive ``fcntl`` lock on ``writer.lock`` with bounded
retry and backoff: concurrent runs queue for a few milliseconds each instead of failing, and the
tantivy writer is opened, committed and released inside the lock.  Readers never lock: before a
query they look at ``meta.json``'s change time and reload when a writer committed.

Layout (``vsl.db`` -> ``vsl.tantivy/``): ``index/`` is the tantivy index of segment terms only
(the same stemmed, folded, language-tagged terms as the FTS5 backend, ``query.fts5_terms_of_texts``,
split on whitespace, with positions for phrases), the same terms' adjacent pairs as one term each
(``pairs``, with positions: :func:`pair_terms`, what phrases are matched through) and two numeric
columns (``vsl``, ``sid``);
``side.db`` is a small SQLite file with the VSL table the filters read (``filters.vsl_filter``,
the same SQL as the other backends) and each segment's text and times for the hits shown.  A
write changes the side table in a transaction committed only after tantivy's commit, so a crash
in between leaves terms whose VSL id the side table does not know, which reads skip (ids are
never reused: AUTOINCREMENT); the merges that commit started are joined after the side commit,
still under the writer lock.

Queries are top-k first, as in the FTS5 backend: the best n segments by BM25 (tantivy's
block-max pruning), grouped per VSL; exact totals come from a terms aggregation over the ``vsl``
column (no scoring), run after the ranking and only when more than n segments matched (fewer
are counted from the hits read); the page VSLs with fewer than k hits among the n read, and
more matches than that by their count, get them from one query restricted to them (same index-wide BM25
statistics, so the same scores; 4 read per hit wanted, again for those still short).  Prefix
clauses match as a constant score (tantivy's automaton queries do not compute BM25), where FTS5
ranks them by BM25.  The page's snippets are made per language in one analysis of all its hits'
words (``snippet.highlight_many``), the same as text by text.

A phrase (or any query that is not a union of terms) gets no block skipping: its ranking scores
every match whatever n, and the count reads every match.  Both used to walk the intersection of
the phrase's words' posting lists (led by its rarest word's) and check positions in every segment
holding all the words (~1.5 ms each for the bench's phrases at 1,000,200 segments).
Since schema 4 the index also holds each segment's word pairs (``_form``): the count of a
two-word phrase is its pair term's posting list, of a longer one the phrase of its pairs (three
times cheaper over the bench's phrases, 18.8 -> 6.3 ms for the 12).  A query that is one phrase
in one language is ranked by its pairs' BM25 too, which orders its segments as its words' BM25
does (``_ranked_by_pairs`` says why; the scores differ by one factor): 5.6 ms for the 12 against
17.5.  Any other query with a phrase scores the phrase on the words as before, inside the pairs'
intersection (13.5 ms for the 12: the rest is scoring each match), so scores and ranking stay the
same.  Not done, measured (issue 29):
counting only the page's VSLs (~0.4 ms, their terms drive it) and estimating how many VSLs match,
from an even sample of 24 of the VSLs not among the hits read (off by 7% on average, up to 38%,
over 440 phrase/filter/page variants) or from the hits read (Chao1: 20%, up to 66%): too wrong a
number of VSLs shown.  The pairs cost the index ~85% more size (37 -> 69 MB at 1,000,200
segments) and a bulk build ~23% of its speed (``bench_search.py --build-only``, load 4-6.5:
28,310 against 36,908 segments/s; 2.3 us a segment of it is making the pairs in Python).

Filters are the side table's (``filters.vsl_filter``); their VSL set is read once per filter and
VSL-table version (``_allowed``).  A known language alone is answered by its tagged terms.  Other
filters: when their VSLs hold at least ``POST_FILTER_SHARE`` of the segments the query can match
(e.g. a niche most of the language's VSLs are in), the query runs as it is and the ranked hits and
per-VSL counts of other VSLs are dropped; a narrower filter is a term set of its VSLs inside the
query (what every filter was before: a term set of ~500 VSLs cost the ranking and the count ~1 ms
each at 1,000,200 segments).  The answers are the same either way (``test_tantivy``; the bench's
queries and 288 variants with other filters and pages at 1,000,200 segments).  Nothing changes in
the index (filters are not indexed in tantivy), so nothing needs rebuilding.

Writes: a pipeline run indexes its VSL in one commit (``index_vsl``).  Where a 60-minute VSL's time
went (issue 29, 200 VSLs into a fresh index at load 0.8: 34.8 ms a VSL, 43.7 ms over a 1,112-VSL
build): the analysis, before the lock (7.6 ms; ~20% less CPU since the per-language stem table and
the ASCII word split in ``text.py``, the same terms), opening the index and the writer (1.5 ms),
tantivy's commit (14.4 ms), the merges it starts (5.4 ms, more as the index grows) and the side
table's rows.  The commit is mostly the disk's: it syncs ~14 times (each of the new segment's 6
files, ``.managed.json`` rewritten and synced once per new file, ``meta.json``, the directory;
strace -T of 40 VSLs at load 4: 32 ms a VSL in fdatasync, half of it the ~8 atomic rewrites of
``.managed.json``/``meta.json``), so on a busy disk it is nearly all of it (117 ms a VSL at load
4-5, the same commits 18 ms on tmpfs); its CPU is mostly fixed per commit (the writer's term table
walked whole, the term dictionaries' FST builders, the document channel), not the ~29,000 tokens.
Since this pass the side rows are inserted while tantivy commits (``_commit_beside``: its commit
releases the GIL) and the side table commits while the merges run, which are then joined, still
under the lock: with the analysis, 59.0 against 65.6 ms a VSL on tmpfs (200 VSLs, load 4.7) and
98.2 against 102.3 on disk (300 VSLs, load 3-4), each VSL indexed by this code and main's in turn
in one process: on a busy disk the syncs are nearly all there is; bench_search.py --n 1112 at load
4.4-5.9: 15,961 segments/s (the disk's fdatasync 0.2 ms median, 297 ms p90 in that run).  Measured
and not kept: the writer's heap at tantivy's floor (15 MB: the same CPU, its term table is as
large); ``pairs`` without positions (~10% less of tantivy's CPU, but phrases of three words or more
are matched through the pairs' positions).  Not possible with tantivy-py 0.27: a merge policy,
fewer files or syncs per commit.  So one commit per VSL stays under 30,000 segments/s (33 ms a
60-minute VSL, about what its commit and merges alone take at low load): batching the commits of
several runs would take one long-lived indexing process that runs queue to; not built (runs one
after another would still commit one by one).  Each commit waits for the merges it triggers:
``wait_merging_threads`` is what releases tantivy's own lock; a writer dropped without it abandons
them, and unmerged segments slow every query.  A commit that fails drops tantivy's writer at once
(the error's traceback kept it, and its lock, alive).  ``vsl reindex`` (``index_many``) commits
about every 100,000 segments, releasing the lock in between (bench_search.py).
"""

from __future__ import annotations

import errno
import fcntl
import os
import random
import secrets
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import tantivy

from vsl_assets.errors import PermanentError, TransientError
from vsl_assets.search.backend import REBUILD_PENDING, IndexCount, page_bounds, summary_from_row, vsl_values
from vsl_assets.search.bulk import PARALLEL_AFTER, analysed
from vsl_assets.search.filters import vsl_filter
from vsl_assets.search.model import Hit, SearchQuery, SearchResults, VslDocument, VslHits
from vsl_assets.search.query import (
    FTS5_TAGS,
    Clause,
    ParsedQuery,
    clause_forms,
    fts5_terms,
    fts5_terms_of_texts,
    parse_search,
    query_languages,
)
from vsl_assets.search.snippet import highlight_many
from vsl_assets.search.sqlite import MAX_SEGMENTS, POSITION_BITS, VSL_COLUMNS, segment_id, swap_rebuild_state

#: 2: numbers said in words indexed as digits; 3: "1.000"/"1,000" as 1000; 4: the word-pair field.
SCHEMA_VERSION = "4"
_SIDE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vsls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,{VSL_COLUMNS});
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,  -- vsl id << 20 | position, as in sqlite.segment_id()
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    text TEXT NOT NULL
)
"""
_FIELD = "terms"
#: Each segment's adjacent terms as one term each (:func:`pair_terms`): what a phrase is matched by.
_PAIRS = "pairs"
#: Per-VSL match counts without ranking: a terms aggregation over the ``vsl`` column walks the
#: posting lists only (no BM25), one bucket per VSL.
_PER_VSL = {"v": {"terms": {"field": "vsl", "size": 1 << 24}}}
_KEY_AND_COUNT = itemgetter("key", "doc_count")


class IndexBusyError(TransientError):
    """The writer lock stayed taken past the wait: another process is indexing for that long."""


def _encode_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _decode_time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def pair_terms(terms: str) -> str:
    """A segment's (or a phrase's) adjacent terms, each pair as one term: "pt_garant pt_de pt_30" ->
    "pt_garant_pt_de pt_de_pt_30".  "_" joins them: a term is a tag ("pt_") and a word of letters
    and digits only, so a pair reads back one way, and never equals a term of one word.  In C
    (``map``, ``pairwise``, ``join``): no Python step per word, so indexing stays at tantivy's speed."""
    ws = terms.split(" ")
    return " ".join(map("_".join, pairwise(ws)))


#: The last token of every segment's ``pairs``: n terms make n - 1 pairs and this, so the field's
#: length is the ``terms`` field's in every segment (and so its BM25 length normalisation, what
#: lets ``_match`` rank a phrase by its pairs in the same order).  Never a term or a pair.
_PAD = "."


def _pairs_field(terms: str) -> str:
    """A segment's ``pairs`` field: its pairs, then :data:`_PAD`."""
    return f"{pair_terms(terms)} {_PAD}" if " " in terms else _PAD


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # Terms arrive analysed (folded, stemmed, tagged "pt_garant"): whitespace splits them only.
    builder.add_text_field(_FIELD, stored=False, tokenizer_name="whitespace", index_option="position")
    # With positions: a phrase of n words is the phrase of its n - 1 pairs (``_form``).
    builder.add_text_field(_PAIRS, stored=False, tokenizer_name="whitespace", index_option="position")
    builder.add_unsigned_field("vsl", indexed=True, fast=True)
    builder.add_unsigned_field("sid", fast=True)
    return builder.build()


class TantivySearch:
    """The tantivy backend; safe across threads (one side-table connection per thread) and
    across processes (one writer at a time under ``writer.lock``, readers reload on commit)."""

    name = "tantivy"
    #: Memory of the (short-lived) writer: tantivy's floor is 15 MB per indexing thread.  The floor
    #: for one VSL's writer was measured (issue 29): the same CPU per commit (18.6-20.1 against
    #: 19.6-19.8 ms a 60-minute VSL, process time, load 11): the writer's term table is as large.
    WRITER_HEAP = 64_000_000
    #: Best segments read per query at least (see ``_match``), and per hit the page shows: the
    #: page VSLs whose best k are not among them get them from a search of those VSLs (1,000,800
    #: segments, same queries: mixed p95 7.4 ms, against 9.1 ms with n = 1024 and one search per VSL).
    #: 4 per hit rather than 8 (issue 29, the search page's CPU per request, which is what its
    #: throughput at 8 clients is): reading 800 hits made 800 hit objects, their ``sid`` and their
    #: grouping in Python for a page of 100, and a conjunction ("30 dias") scores every match
    #: whatever n; the fill does the rest.  1,000,000 segments, the bench's 36 queries, 12 interleaved
    #: rounds at load 6.5: CPU per query 5.80 against 6.27 ms (number), 4.92 against 5.52 (word),
    #: 5.61 against 5.77 (phrase+filters); the same pages either way (the fill gives the same hits).
    TOP_N = 256
    READ_PER_HIT = 4
    #: Hits read per hit wanted when the page VSLs short of theirs are searched (``_fill``).
    FILL_PER_HIT = 4
    #: A filter whose VSLs hold at least this share of the segments the query can match (its
    #: language's, or all) is applied to the ranked hits and to the per-VSL counts instead of as a
    #: term set inside the query (``_match``).
    POST_FILTER_SHARE = 0.25
    #: Filters whose VSL sets are kept (``_allowed``).
    ALLOWED_CACHE = 64
    #: A restriction to at most this many VSLs is their terms ORed, not a term set (``_restrict``).
    TERMS_UP_TO = 64
    #: Phrases matched through the word-pair field (``_form``); False: the phrase query alone, as
    #: before the field existed (the tests compare the two on one index).
    PAIRS = True

    def __init__(self, path: Path | str, *, lock_timeout_s: float = 120.0) -> None:
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s
        self._index_dir = self.path / "index"
        self._side = self.path / "side.db"
        self._lock_file = self.path / "writer.lock"
        self._schema = _schema()
        self._index: tantivy.Index | None = None
        self._seen_meta: bytes | None = None
        self._searcher: tantivy.Searcher | None = None
        self._ready = False
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._thread_lock = threading.Lock()  # one writer per process at a time, before the file lock
        self._reader_lock = threading.Lock()
        self._allowed_cache: dict[tuple[str, tuple[tuple[str, Any], ...]], _Allowed] = {}

    # -- plumbing ----------------------------------------------------------------

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """The single-writer lock: waits (bounded, with backoff and jitter) instead of failing."""
        self.path.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, open(self._lock_file, "a+b") as handle:
            deadline = time.monotonic() + self.lock_timeout_s
            delay = 0.002
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        raise
                    if time.monotonic() >= deadline:
                        raise IndexBusyError(
                            f"the search index {self.path} stayed locked by another writer for "
                            f"{self.lock_timeout_s:.0f} s; try again"
                        ) from exc
                    time.sleep(delay * (0.5 + random.random()))
                    delay = min(delay * 2, 0.2)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _open_side(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._side, timeout=60.0, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    def _conn(self) -> sqlite3.Connection:
        if not self._ready:
            self.ensure_schema()
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = self._open_side()
            conn.execute("PRAGMA synchronous = NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
            with self._reader_lock:
                self._all.append(conn)
        return conn

    def ensure_schema(self) -> None:
        """Create the side table and the index; an index of another layout is derived data, so it is
        dropped and recreated empty and marked ``rebuild_state`` pending (the web app refills it:
        ``services.reindex.rebuild_in_background``; or ``vsl reindex``).  Under the writer lock, so
        processes starting together create it once."""
        with self._writer_lock():
            with closing(self._open_side()) as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
                    version = has_meta and conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
                    stale = bool(has_meta) and (version is None or version[0] != SCHEMA_VERSION)
                    if stale or not has_meta:
                        for table in ("segments", "vsls", "meta"):
                            conn.execute(f"DROP TABLE IF EXISTS {table}")
                        shutil.rmtree(self._index_dir, ignore_errors=True)
                    for statement in _SIDE_SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    if stale:  # it held VSLs: say so until the rebuild has put them back (services.reindex)
                        conn.execute(
                            "INSERT OR REPLACE INTO meta (name, value) VALUES ('rebuild', ?)", (REBUILD_PENDING,)
                        )
                    conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
                    # Names this side table's life: a table dropped and made again (another layout)
                    # starts its ids again, so the filter cache (``_allowed``) keys on it too.
                    conn.execute(
                        "INSERT OR IGNORE INTO meta (name, value) VALUES ('generation', ?)", (secrets.token_hex(8),)
                    )
                    self._index_dir.mkdir(parents=True, exist_ok=True)
                    if not tantivy.Index.exists(str(self._index_dir)):
                        tantivy.Index(self._schema, path=str(self._index_dir))
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        self._ready = True

    def rebuild_state(self) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE name = 'rebuild'").fetchone()
        return None if row is None else str(row[0])

    def set_rebuild_state(self, expected: str | None, new: str | None) -> bool:
        return swap_rebuild_state(self._conn(), expected, new)

    def mark_built(self) -> None:
        """After a full ``vsl reindex``: drop the mark ``open_search`` leaves on an index created
        empty beside an FTS5 index (``search.UNBUILT``), so that ``auto`` moves to this one."""
        from vsl_assets.search import UNBUILT

        (self.path / UNBUILT).unlink(missing_ok=True)

    def _reader(self) -> tantivy.Searcher:
        """The current searcher, reloaded when a writer (any process) committed since the last look."""
        if not self._ready:
            self.ensure_schema()
        # The file's bytes, not its mtime: two commits inside one clock tick keep the mtime, while
        # every commit writes a new opstamp into it (a few KB, read in microseconds).
        stamp = (self._index_dir / "meta.json").read_bytes()
        with self._reader_lock:
            if self._index is None or self._local_pid != os.getpid():
                self._index = tantivy.Index.open(str(self._index_dir))
                self._local_pid = os.getpid()
                self._seen_meta = None
            if stamp != self._seen_meta or self._searcher is None:
                self._index.reload()
                self._searcher = self._index.searcher()
                self._seen_meta = stamp
            return self._searcher

    _local_pid = -1

    def close(self) -> None:
        with self._reader_lock:
            conns, self._all = self._all, []
            self._index = self._searcher = None
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _delete_side(conn: sqlite3.Connection, key: str) -> int | None:
        row = conn.execute("SELECT id FROM vsls WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        vsl_id = int(row["id"])
        conn.execute(
            "DELETE FROM segments WHERE id BETWEEN ? AND ?",
            (segment_id(vsl_id, 0), segment_id(vsl_id, MAX_SEGMENTS - 1)),
        )
        conn.execute("DELETE FROM vsls WHERE id = ?", (vsl_id,))
        return vsl_id

    @contextmanager
    def _write(self) -> Iterator[tuple[sqlite3.Connection, list[Any], _SideRows]]:
        """Side-table transaction + tantivy writer under the single-writer lock; the side table
        commits after tantivy's commit.  Yields (connection, [writer], segments' side rows) — the
        writer is opened only when the body asks for it (``_tantivy_writer``); the rows, per VSL
        id, are inserted while tantivy commits (``_commit_beside``), in the same transaction."""
        conn = self._conn()  # before the lock: a first call ensures the schema, under that lock
        with self._writer_lock():
            conn.execute("BEGIN IMMEDIATE")
            holder: list[Any] = []
            rows: _SideRows = {}
            side_committed = False
            try:
                yield conn, holder, rows
                if holder:
                    _commit_beside(holder[0], lambda: _insert_segments(conn, rows))
                else:
                    _insert_segments(conn, rows)
                conn.execute("COMMIT")  # after tantivy's commit (the module's docstring says why)
                side_committed = True
                if holder:
                    # Joins the merges the commit started (they ran beside the side table's
                    # commit) and releases tantivy's own lock, still inside ours.
                    holder[0].wait_merging_threads()
            except BaseException:
                if not side_committed:
                    if holder:
                        with suppress(Exception):  # the original error is what matters
                            holder[0].rollback()
                        # Drops tantivy's writer now, and with it tantivy's own lock: the error's
                        # traceback keeps the Python object alive, and the next write of this
                        # process (or any other, until this one exits) got LockBusy.
                        with suppress(Exception):
                            holder[0].wait_merging_threads()
                    conn.execute("ROLLBACK")
                raise
            finally:
                holder.clear()

    def _tantivy_writer(self, holder: list[Any]) -> Any:
        if not holder:
            index = tantivy.Index.open(str(self._index_dir))
            holder.append(index.writer(heap_size=self.WRITER_HEAP, num_threads=1))
        return holder[0]

    def index_vsl(self, doc: VslDocument) -> int:
        terms = fts5_terms_of_texts([s.text for s in doc.segments], doc.language)  # before the lock
        with self._write() as (conn, holder, rows):
            return self._insert(conn, self._tantivy_writer(holder), rows, doc, terms)

    #: Segments written per commit by :meth:`index_many`: the writer lock is held that long (about
    #: 2 s at the bulk speed), so a pipeline run indexing meanwhile waits that long at most.
    BULK_SEGMENTS = 100_000
    #: Segments analysed here before ``index_many`` hands the analysis to a worker (``bulk.py``).
    PARALLEL_AFTER = PARALLEL_AFTER

    def index_many(self, docs: Iterable[VslDocument]) -> int:
        """``index_vsl`` of many VSLs (``vsl reindex``): one writer and one side transaction per
        about :data:`BULK_SEGMENTS` segments, committed together; returns the segments indexed.

        Why: a tantivy commit writes and fsyncs a new index segment (and may merge), ~0.2 s each,
        so one commit per VSL capped a rebuild at ~4,000 segments/s; per batch the commit cost is
        spread over ~110 VSLs.  A VSL is never split across two batches, so an interrupted rebuild
        leaves whole VSLs; the lock is released between batches, so a pipeline run's write slips in.
        Past ``PARALLEL_AFTER`` segments the analysis runs in a worker process ahead of the writes
        (``bulk.py``): the writes wait for the analysis otherwise.
        """
        total = 0
        with closing(analysed(docs, self.PARALLEL_AFTER)) as pending:  # on another core (bulk.py)
            while True:
                batch = 0
                with self._write() as (conn, holder, rows):
                    writer = None
                    for doc, terms in pending:
                        writer = writer or self._tantivy_writer(holder)
                        batch += self._insert(conn, writer, rows, doc, terms)
                        if batch >= self.BULK_SEGMENTS:
                            break
                total += batch
                if batch < self.BULK_SEGMENTS:
                    return total

    def _insert(
        self, conn: sqlite3.Connection, writer: Any, rows: _SideRows, doc: VslDocument, terms: list[str] | None = None
    ) -> int:
        """Replace what is indexed for ``doc.key``, inside the caller's side transaction and writer;
        the segments' side rows go to ``rows`` (``_write`` inserts them while tantivy commits)."""
        if len(doc.segments) > MAX_SEGMENTS:
            raise PermanentError(
                f"a VSL of {len(doc.segments):,} segments is more than the index takes ({MAX_SEGMENTS:,})"
            )
        if terms is None:
            terms = fts5_terms_of_texts([s.text for s in doc.segments], doc.language)
        old = self._delete_side(conn, doc.key)
        if old is not None:
            rows.pop(old, None)  # its rows not inserted yet (the same key twice in one index_many batch)
            writer.delete_documents_by_query(self._of_vsls([old]))
        values = vsl_values(doc, _encode_time) | {"indexed_at": _encode_time(datetime.now(UTC))}
        cols = ", ".join(values)
        cur = conn.execute(f"INSERT INTO vsls ({cols}) VALUES ({', '.join(':' + c for c in values)})", values)
        vsl_id = int(cur.lastrowid or 0)
        add, document = writer.add_document, tantivy.Document
        for i, t in enumerate(terms):
            if t:
                d = document()
                d.add_text(_FIELD, t)
                d.add_text(_PAIRS, _pairs_field(t))
                d.add_unsigned("vsl", vsl_id)
                d.add_unsigned("sid", segment_id(vsl_id, i))
                add(d)
        rows[vsl_id] = [(segment_id(vsl_id, i), s.start, s.end, s.text) for i, s in enumerate(doc.segments)]
        return len(doc.segments)

    def delete_vsl(self, key: str) -> bool:
        with self._write() as (conn, holder, _rows):
            old = self._delete_side(conn, key)
            if old is not None:
                self._tantivy_writer(holder).delete_documents_by_query(self._of_vsls([old]))
        return old is not None

    # -- reading -----------------------------------------------------------------

    def count(self) -> IndexCount:
        vsls, segments = self._conn().execute("SELECT count(*), coalesce(sum(segment_count), 0) FROM vsls").fetchone()
        return IndexCount(int(vsls), int(segments))

    def keys(self) -> set[str]:
        return {row[0] for row in self._conn().execute("SELECT key FROM vsls")}

    def size_bytes(self) -> int | None:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse_search(query)
        conn = self._conn()
        if parsed.empty:
            return self._list(conn, query, parsed)
        return self._match(conn, query, parsed)

    def _list(self, conn: sqlite3.Connection, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        where, params = vsl_filter(query, _encode_time)
        limit, offset = page_bounds(query)
        rows = conn.execute(
            f"SELECT v.*, count(*) OVER () AS total FROM vsls v WHERE {where} "
            "ORDER BY v.added_at DESC, v.key LIMIT :limit OFFSET :offset",
            params | {"limit": limit, "offset": offset},
        ).fetchall()
        total = (
            rows[0]["total"]
            if rows
            else conn.execute(f"SELECT count(*) FROM vsls v WHERE {where}", params).fetchone()[0]
        )
        groups = tuple(VslHits(summary_from_row(r, _decode_time), 0.0, 0, ()) for r in rows)
        return SearchResults(query, int(total), 0, groups, parsed.notes)

    def _clause(self, clause: Clause, language: str | None, scored: bool) -> tantivy.Query:
        """The clause in each of its forms (``query.clause_forms``: numbers across languages,
        a prefix that begins a number word), ORed."""
        forms = clause_forms(clause, language)
        if len(forms) == 1:
            return self._form(forms[0], language, scored)
        should = tantivy.Occur.Should
        return tantivy.Query.boolean_query([(should, self._form(f, language, scored)) for f in forms])

    def _form(self, clause: Clause, language: str | None, scored: bool) -> tantivy.Query:
        """One form of a clause.  A phrase is matched through its word pairs (:func:`pair_terms`):
        the words side by side in order are the pairs side by side in order, so a phrase of two
        words is its pair term and one of n words the phrase of its n - 1 pairs, and the pairs'
        posting lists are about as long as the phrase's matches where the words' are as long as
        each word's (``y los``: 14,270 matches, 0.3 ms to count at 1,000,200 segments, 4.9 ms
        through the words).

        ``scored`` (the ranking of a query with more than the phrase, ``_ranked_by_pairs``): the
        phrase query on ``terms``, its words' BM25 as before the pairs, inside the pairs'
        intersection (scoring 0), which leads it: the same scores and ranking, for the cost of
        scoring each match (a phrase gets no block skipping), where the words' intersection walked
        every segment holding its words.  Otherwise (the per-VSL count, an excluded clause, the
        ranking of a phrase alone in one language): the pairs alone."""
        terms: list[str | tuple[int, str]] = list(fts5_terms(list(clause.words), language).split(" "))
        if clause.prefix:
            # One word: tantivy turns a phrase prefix of no phrase into a range over the term
            # dictionary (no regex automaton to build: measured 4x cheaper per query).
            return tantivy.Query.phrase_prefix_query(self._schema, _FIELD, terms)
        if len(terms) == 1:
            return tantivy.Query.term_query(self._schema, _FIELD, str(terms[0]))
        if not self.PAIRS:
            return tantivy.Query.phrase_query(self._schema, _FIELD, terms)
        pairs = pair_terms(" ".join(map(str, terms))).split(" ")
        if not scored:
            if len(pairs) == 1:
                return tantivy.Query.term_query(self._schema, _PAIRS, pairs[0], index_option="freq")
            return tantivy.Query.phrase_query(self._schema, _PAIRS, list(pairs))
        must = tantivy.Occur.Must
        return tantivy.Query.boolean_query(
            [
                *(
                    (must, tantivy.Query.const_score_query(tantivy.Query.term_query(self._schema, _PAIRS, p), 0.0))
                    for p in dict.fromkeys(pairs)
                ),
                (must, tantivy.Query.phrase_query(self._schema, _FIELD, terms)),
            ]
        )

    def _text_query(self, parsed: ParsedQuery, languages: tuple[str | None, ...], scored: bool = True) -> tantivy.Query:
        """The query once per language, in that language's tagged stems, ORed (as ``to_fts5``):
        a segment carries one language's terms, so only its own arm scores.  ``scored``: see
        :meth:`_form` (the same segments either way)."""
        should, must, must_not = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot
        arms = []
        for language in languages:
            parts = []
            for group in parsed.groups:
                ors = [(should, self._clause(c, language, scored)) for c in group]
                parts.append((must, ors[0][1] if len(ors) == 1 else tantivy.Query.boolean_query(ors)))
            parts += [(must_not, self._clause(c, language, False)) for c in parsed.excluded]
            arms.append((should, tantivy.Query.boolean_query(parts)))
        return arms[0][1] if len(arms) == 1 else tantivy.Query.boolean_query(arms)

    def _ranked_by_pairs(self, parsed: ParsedQuery, languages: tuple[str | None, ...]) -> bool:
        """Whether the query is one phrase in one language (one form, no other clause; exclusions
        score nothing), which its pairs rank in the order its words would.

        Why the order is the same: a phrase's BM25 on ``terms`` is ``idf(its words) x tf / (tf +
        norm(length))``, its pairs' on ``pairs`` ``idf(the pairs) x tf / (tf + norm(length))``;
        the phrase occurs where its pairs do (the same tf), and every segment's ``pairs`` has as
        many tokens as its ``terms`` (:data:`_PAD`; so the same lengths, average and norm).  The
        scores differ by one factor, the same for every segment the query matches, so the order
        (and ties, broken by the index's order) is the same; only the number differs, and nothing
        compares it with another clause's.  The pairs' ranking is a term's (block skipping) for two
        words and a phrase of fewer, rarer postings for more: 5.6 ms against 13.5 for the bench's
        12 phrases at 1,000,200 segments.  A query of several clauses or languages adds or
        compares scores of different phrases, so it is ranked by the words (:meth:`_form`)."""
        if not self.PAIRS or len(languages) != 1 or len(parsed.groups) != 1 or len(parsed.groups[0]) != 1:
            return False
        clause = parsed.groups[0][0]
        return not clause.prefix and len(clause.words) > 1 and len(clause_forms(clause, languages[0])) == 1

    def _of_vsls(self, vsl_ids: list[int]) -> tantivy.Query:
        """The documents of these VSLs (a restriction, a VSL's old documents to delete).

        Not delete_documents_by_term, which takes a Python int as i64 (never equal to the u64
        column's terms): ``Query.term_query`` types the int by the field's schema (u64 here;
        ``test_a_restriction_to_a_few_vsls_finds_their_segments_only``).  A few VSLs (up to
        :data:`TERMS_UP_TO`: one to delete, the fill's, a small board) are their ``vsl`` terms ORed;
        more are one term set.  A term set costs ~0.2 ms whatever its size (a bit set as large as
        each index segment, filled and walked), its terms ORed ~0.03 ms for 20 VSLs but more per
        VSL: 0.05 against 0.27 ms for 20 VSLs at 1,000,200 segments, 0.16 against 0.32 for 64, 1.4
        against 0.8 for 500.  The same documents either way."""
        if len(vsl_ids) > self.TERMS_UP_TO:
            return tantivy.Query.term_set_query(self._schema, "vsl", vsl_ids)
        should = tantivy.Occur.Should
        return tantivy.Query.boolean_query(
            [(should, tantivy.Query.term_query(self._schema, "vsl", v)) for v in vsl_ids]
        )

    def _restrict(self, text: tantivy.Query, vsl_ids: list[int]) -> tantivy.Query:
        """``text`` inside these VSLs only; the restriction scores 0, so BM25 stays comparable
        (the same hits and scores whichever form :meth:`_of_vsls` takes)."""
        only = tantivy.Query.const_score_query(self._of_vsls(vsl_ids), 0.0)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, text), (tantivy.Occur.Must, only)])

    def _allowed(self, conn: sqlite3.Connection, query: SearchQuery, where: str, params: dict[str, Any]) -> _Allowed:
        """The VSLs the filters keep and their share of the segments the query can match (those
        of the filtered language, else all), kept per filter until the VSL table changes.

        The VSL table's rows are never updated, only inserted and deleted, and ids are never
        reused (AUTOINCREMENT), so its row count, highest id and the table's ``generation`` (made
        again with the table) say whether it changed; they are read in one statement (one
        snapshot), and a set and its version in one read transaction."""
        key = (where, tuple(sorted(params.items())))
        version = tuple(conn.execute(_VERSION).fetchone())
        kept = self._allowed_cache.get(key)
        if kept is not None and kept.version == version:
            return kept
        known = "f_language" in params and params["f_language"] in FTS5_TAGS  # else every VSL
        scope = "v.language = :f_language" if known else "1=1"
        conn.execute("BEGIN")
        try:
            version = tuple(conn.execute(_VERSION).fetchone())
            rows = conn.execute(
                f"SELECT v.id, v.segment_count, ({where}) AS ok FROM vsls v WHERE {scope}", params
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        ids = [r[0] for r in rows if r[2]]
        inside = sum(r[1] for r in rows if r[2])
        total = sum(r[1] for r in rows)
        found = _Allowed(version, ids, frozenset(ids), inside / total if total else 0.0)
        if len(self._allowed_cache) >= self.ALLOWED_CACHE:
            self._allowed_cache.clear()
        self._allowed_cache[key] = found
        return found

    def _match(self, conn: sqlite3.Connection, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        """Top-k first (see the module's docstring).  Filters other than a known language alone:
        a filter whose VSLs hold most of the segments the query can match (at least
        :data:`POST_FILTER_SHARE`, e.g. a niche most VSLs of the language are in) is applied to
        the ranked hits and to the per-VSL counts, without changing the query; a term set of
        several hundred VSLs made the ranking and the count each read those VSLs' postings
        (~1 ms each at 1,000,800 segments, ~40% of a filtered search's time).  A narrower filter
        (a board, a rare lead type), or a query whose first hits are mostly outside the filter,
        is ranked inside the filter's VSLs as before.  Either way the same hits, scores and counts."""
        searcher = self._reader()
        languages = query_languages(query.language)
        # The same segments unranked (``_form``): only a phrase is read otherwise.  A phrase alone
        # in one language is ranked by its pairs too (:meth:`_ranked_by_pairs`).
        phrases = any(len(c.words) > 1 for c in parsed.clauses())
        counted_text = self._text_query(parsed, languages, scored=False) if phrases else None
        if counted_text is not None and self._ranked_by_pairs(parsed, languages):
            text = counted_text
        else:
            text = self._text_query(parsed, languages)
            counted_text = counted_text or text
        where, filter_params = vsl_filter(query, _encode_time)
        ranked_text = text  # what the ranking runs
        keep: frozenset[int] | None = None  # the filter, applied to the ranked hits
        counted: frozenset[int] | None = None  # the filter, applied to the per-VSL counts
        allowed: _Allowed | None = None
        if filter_params and not _only_a_known_language(filter_params):
            allowed = self._allowed(conn, query, where, filter_params)
            if not allowed.ids:
                return SearchResults(query, 0, 0, (), parsed.notes)
            if allowed.share >= self.POST_FILTER_SHARE:
                keep = counted = allowed.members
            else:
                ranked_text = self._restrict(text, allowed.ids)
                counted_text = self._restrict(counted_text, allowed.ids) if phrases else ranked_text
        limit, offset = page_bounds(query)
        k = query.hits_per_vsl
        wanted = offset + limit
        n = max(self.TOP_N, self.READ_PER_HIT * wanted * k)
        while True:
            # count=False: counting would make tantivy score every match (no block skipping).
            hits = searcher.search(ranked_text, n, count=False).hits
            complete = len(hits) < n  # fewer than asked for: every match was read
            ranked = _sids(searcher, hits)
            if keep is not None:
                inside = [i for i, sid in enumerate(ranked) if sid >> POSITION_BITS in keep]
                if len(inside) < len(ranked):
                    hits, ranked = [hits[i] for i in inside], [ranked[i] for i in inside]
            best, order = _best_per_vsl(ranked, hits, k, (offset, limit))
            if complete or len(order) >= wanted:
                break
            if keep is not None and allowed is not None:
                # The filter's VSLs are rarer among this query's best matches than among the
                # segments: rank inside them (the count, filtered, stays as it is).
                ranked_text, keep = self._restrict(text, allowed.ids), None
            else:
                n *= 4
        if not hits:
            return SearchResults(query, 0, 0, (), parsed.notes)
        page_ids = order[offset : offset + limit]
        marks = ",".join("?" * len(page_ids))
        vsls = {r["id"]: r for r in conn.execute(f"SELECT * FROM vsls WHERE id IN ({marks})", page_ids)}
        page_ids = [v for v in page_ids if v in vsls]  # terms of a write that crashed before its side commit
        if complete:
            per_vsl = Counter(sid >> POSITION_BITS for sid in ranked)
        else:
            # Exact totals: a terms aggregation over the ``vsl`` column (posting lists only, no
            # BM25), only now that the ranking did not read every match (a query of fewer counts
            # them from its own hits).  It ran in another thread beside the ranking until issue 29's
            # last pass: on a loaded server (8 clients, 2 cores) that thread cost CPU, not time
            # (1,000,000 segments, the bench's 36 queries, 6 interleaved rounds at load 6-8: CPU
            # per query 5.00 against 5.41 ms for a number, 3.96 against 4.39 for a word, 4.70
            # against 4.90 for a phrase with filters), and it counted queries that needed no count.
            # (key, doc_count) of each bucket taken in C (the keys are ints already).
            found = dict(map(_KEY_AND_COUNT, searcher.aggregate(counted_text, _PER_VSL)["v"]["buckets"]))
            per_vsl = Counter(found if counted is None else {v: c for v, c in found.items() if v in counted})
            # A page VSL short of k here may have more matches below the n read: its count says.
            self._fill(searcher, text, [v for v in page_ids if len(best[v]) < min(k, per_vsl[v])], best, k)
        sids = [sid for v in page_ids for sid, _ in best[v]]
        texts = {
            r[0]: r
            for r in conn.execute(
                f"SELECT id, start_s, end_s, text FROM segments WHERE id IN ({','.join('?' * len(sids))})", sids
            )
        }
        groups = [(vsls[v], best[v]) for v in page_ids]
        hit_groups = _page_hits(groups, texts, parsed)
        return SearchResults(
            query,
            len(per_vsl),
            per_vsl.total(),
            tuple(
                VslHits(summary_from_row(vsl, _decode_time), kept[0][1], per_vsl[vsl["id"]], hits_)
                for (vsl, kept), hits_ in zip(groups, hit_groups, strict=True)
            ),
            parsed.notes,
        )

    def _fill(
        self,
        searcher: tantivy.Searcher,
        text: tantivy.Query,
        short: list[int],
        best: dict[int, list[tuple[int, float]]],
        k: int,
    ) -> None:
        """The best ``k`` hits of the VSLs ``short`` of them among the n read (their counts say
        they have more): the query inside those VSLs (same index-wide statistics, so the same
        scores; ``text`` without the filter's restriction, since these VSLs passed it), reading
        :data:`FILL_PER_HIT` hits per hit wanted; when that search stopped at its limit, again
        for the VSLs still short (at least one VSL got its k, so each round has fewer).  One
        search of up to 4,096 hits for all of them read thousands of hits of a common word that
        nobody shows (a third of a word query's time besides the snippets)."""
        while short:
            n = self.FILL_PER_HIT * k * len(short)
            inside = searcher.search(self._restrict(text, short), n, count=False).hits
            for v in short:
                best[v] = []
            for (score, _), sid in zip(inside, _sids(searcher, inside), strict=True):
                kept = best[sid >> POSITION_BITS]
                if len(kept) < k:
                    kept.append((sid, score))
            if len(inside) < n:
                return  # every match of those VSLs was read
            short = [v for v in short if len(best[v]) < k]


#: Segments' side rows (id, start, end, text) per VSL id, waiting for ``TantivySearch._write``.
_SideRows = dict[int, list[tuple[int, float, float, str]]]


def _insert_segments(conn: sqlite3.Connection, rows: _SideRows) -> None:
    conn.executemany(
        "INSERT INTO segments (id, start_s, end_s, text) VALUES (?, ?, ?, ?)", chain.from_iterable(rows.values())
    )


def _commit_beside(writer: Any, work: Callable[[], None]) -> None:
    """``writer.commit()`` in a thread while ``work`` (the side rows' inserts) runs in this one;
    raises the first error of either, once both ended.

    Why: tantivy's commit releases the GIL for all of its time, most of which is waiting on the
    disk (~14 fsyncs a commit: each of a segment's 6 files, ``.managed.json`` rewritten and synced
    once per new file, ``meta.json`` and the directory), so the ~900 inserts of a 60-minute VSL
    cost no time beside it.  If ``work`` fails after tantivy committed, the side transaction is
    rolled back: documents whose VSL id the side table does not know, which reads skip (the same
    state as a crash between the two commits)."""
    failed: list[BaseException] = []

    def commit() -> None:
        try:
            writer.commit()
        except BaseException as exc:  # raised below, in the caller's thread
            failed.append(exc)

    committing = threading.Thread(target=commit, name="tantivy-commit")
    committing.start()
    try:
        work()
    finally:
        committing.join()
    if failed:
        raise failed[0]


#: The VSL table's version for ``TantivySearch._allowed`` (one statement: one snapshot).
_VERSION = "SELECT count(*), max(id), (SELECT value FROM meta WHERE name = 'generation') FROM vsls"


@dataclass(frozen=True)
class _Allowed:
    """The VSLs a filter keeps (in id order, and as a set) and their share of the segments the
    query can match, as of ``version`` of the VSL table."""

    version: tuple[Any, ...]
    ids: list[int]
    members: frozenset[int]
    share: float


def _only_a_known_language(filter_params: dict[str, Any]) -> bool:
    """Whether the filters are a known language alone (``filters.vsl_filter``'s ``f_language``).
    Such a query needs no restriction to the VSLs of that language: its one arm asks for terms
    tagged with that language (``query.FTS5_TAGS``), and a segment's terms carry its VSL's
    language tag, so the arm matches those VSLs' segments only.  The restriction (a term set of
    ~a third of the VSLs) would be read by the ranking, the count and the fill each."""
    return filter_params.keys() == {"f_language"} and filter_params["f_language"] in FTS5_TAGS


def _page_hits(
    groups: list[tuple[sqlite3.Row, list[tuple[int, float]]]], texts: dict[int, sqlite3.Row], parsed: ParsedQuery
) -> list[tuple[Hit, ...]]:
    """Each page VSL's hits with their texts and snippets (a hit whose text is gone is left out).

    The snippets of all the page's hits of one language are made in one call
    (``snippet.highlight_many``: one analysis of all their words), the same as text by text."""
    # Per VSL: (position, index of its text among its language's, row, score).
    found: list[list[tuple[int, int, sqlite3.Row, float]]] = []
    by_language: dict[str | None, list[str]] = {}
    for vsl, best in groups:
        base = segment_id(vsl["id"], 0)
        said = by_language.setdefault(vsl["language"], [])
        kept = []
        for sid, score in best:
            row = texts.get(sid)
            if row is not None:
                kept.append((sid - base, len(said), row, score))
                said.append(row[3])
        found.append(kept)
    snippets = {lang: highlight_many(said, parsed, lang) for lang, said in by_language.items()}
    return [
        tuple(
            Hit(position, row[1], row[2], row[3], snippets[vsl["language"]][at], score)
            for position, at, row, score in kept
        )
        for (vsl, _best), kept in zip(groups, found, strict=True)
    ]


def _sids(searcher: tantivy.Searcher, hits: list[tuple[Any, Any]]) -> list[int]:
    """The segment ids of ranked hits (the ``sid`` fast column, a u64: ints)."""
    if not hits:
        return []
    return cast("list[int]", searcher.fast_field_values("sid", [addr for _, addr in hits]))


def _best_per_vsl(
    sids: list[int], hits: list[tuple[Any, Any]], k: int, shown: tuple[int, int]
) -> tuple[dict[int, list[tuple[int, float]]], list[int]]:
    """The ranked hits grouped per VSL: the VSLs in the order of their best hit, and the best
    ``k`` (segment id, score) of those the page shows (``shown``: offset and limit in that order).

    Why this way: grouping every hit read (800 for a page of 20 x 5) in a Python loop cost ~0.3 ms
    of each search; the VSLs' order is taken in C (``dict.fromkeys``), and a shown VSL's best k are
    its first k in the ranking, found by ``list.index`` (in C) from one to the next."""
    vsl_of = [sid >> POSITION_BITS for sid in sids]
    order = list(dict.fromkeys(vsl_of))
    offset, limit = shown
    best: dict[int, list[tuple[int, float]]] = {}
    for vsl_id in order[offset : offset + limit]:
        kept = best[vsl_id] = []
        at = -1
        while len(kept) < k:
            try:
                at = vsl_of.index(vsl_id, at + 1)
            except ValueError:
                break
            kept.append((sids[at], hits[at][0]))
    return best, order
