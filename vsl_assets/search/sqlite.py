"""Embedded backend: SQLite FTS5 in its own file next to the app database.

Why tantivy is the default beside a SQLite app database and this backend stays (both measured by
benchmarks/bench_search.py on the same rows): tantivy answers a query an order of magnitude faster
at a million segments, because FTS5 scores every match with BM25 before it can return the best few
(tantivy skips blocks that cannot enter the top k), and that full pass is the floor of this backend
and of a bare FTS5 table alike.  This one remains for installations that have its index and have
not run ``vsl reindex`` since (``search.choose_backend``), for ``VSL_SEARCH_BACKEND=sqlite``, and
for prefix queries ranked by BM25 (tantivy scores a prefix match as a constant).  SQLite writers
simply wait on the busy timeout, every write is one transaction, and filters, grouping and
pagination are SQL next to the match.

Why its own file (``vsl.db`` -> ``vsl.search.db``): indexing a long VSL or rebuilding everything
holds SQLite's single write lock; in a separate file that never blocks the pipeline's writes to
the app database, and the index can be deleted and rebuilt without touching the record.

Stemming and folding happen in Python (``text.py``), once per VSL at index time (one fold and one
stemmer call for all its segments) and once per query: the FTS5 table indexes each segment's
stemmed terms tagged with its language (a query is matched per language, as PostgreSQL does);
the terms are stored once, in ``segments`` beside the original text (FTS5's external content).
A segment's id is its VSL's id shifted left 20 bits plus its position, so grouping hits per VSL
needs no join (``rowid >> 20``) and "inside one VSL" is a rowid range FTS5 applies inside the
match.  Queries are top-k first (see ``_match``).
"""

from __future__ import annotations

import heapq
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsl_assets.errors import PermanentError
from vsl_assets.search.backend import (
    REBUILD_PENDING,
    IndexCount,
    page_bounds,
    summary_from_row,
    vsl_columns_sql,
    vsl_values,
)
from vsl_assets.search.bulk import PARALLEL_AFTER, analysed
from vsl_assets.search.filters import vsl_filter
from vsl_assets.search.model import Hit, SearchQuery, SearchResults, Snippet, VslDocument, VslHits
from vsl_assets.search.query import (
    ParsedQuery,
    fts5_terms_of_texts,
    parse_search,
    query_languages,
    to_fts5,
)
from vsl_assets.search.snippet import highlight_many

#: 5: numbers said in words indexed as digits; 6: "1.000"/"1,000" read as 1000; 7: one prefix
#: index (tag + 2 characters) instead of two.
SCHEMA_VERSION = "7"
#: Bits of a segment id that hold its position in the VSL (so at most ~1M segments per VSL).
POSITION_BITS = 20
MAX_SEGMENTS = 1 << POSITION_BITS
#: The filterable fields of an indexed VSL (``backend.VSL_TABLE``) in SQLite: the ``vsls`` table of this backend and of the tantivy
#: backend's side table (one definition, so the two cannot drift apart).
VSL_COLUMNS = vsl_columns_sql({"text": "TEXT", "real": "REAL", "int": "INTEGER", "time": "TEXT"})
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vsls (
    id INTEGER PRIMARY KEY,{VSL_COLUMNS});
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,  -- vsl id << 20 | position, see segment_id()
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    text TEXT NOT NULL,
    terms TEXT NOT NULL  -- what segments_fts indexes (its external content)
);
-- Terms are tagged with the language ("pt_garant", see query.FTS5_TAGS), so '_' is a token
-- character, and a prefix index of tag + 2 characters serves the shortest prefix queries ("ga*",
-- the widest expansion).  A second one (tag + 3) measured ~1.3x slower indexing
-- (bench_search.py) for prefixes whose term range FTS5 reads quickly without it.
-- External content: the terms are stored once, in ``segments`` (FTS5 keeps only its index), and a
-- re-index deletes them from FTS5 with the stored values ('delete' command), never recomputed.
CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    terms, content = 'segments', content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'", prefix = '5'
);
"""


def segment_id(vsl_id: int, position: int) -> int:
    return (vsl_id << POSITION_BITS) | position


def _segment_range(vsl_id: int) -> tuple[int, int]:
    return segment_id(vsl_id, 0), segment_id(vsl_id, MAX_SEGMENTS - 1)


def _encode_time(value: datetime) -> str:
    # One fixed format in UTC, so text order is time order.
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _decode_time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SqliteSearch:
    """The embedded backend; each thread keeps its own connection, so it is safe across threads.

    Why kept open (not one connection per call): a new connection starts with an empty page cache
    and re-reads the schema and FTS5's configuration before its first statement; kept, the index's
    hot pages stay mapped (``mmap_size``) and a query starts at once.  A connection is never
    carried across a fork (checked by process id).
    """

    name = "sqlite-fts5"
    #: Bytes of the index file read through memory mapping (shared with the OS page cache).
    MMAP_BYTES = 1 << 30

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._schema_ready = False
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    # -- plumbing ----------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._schema_ready:
            self.ensure_schema()
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = self._open()
            # WAL makes NORMAL safe from corruption; a power cut may lose the last commits of
            # derived data (``vsl reindex`` restores them), and no commit waits for an fsync.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA mmap_size = {self.MMAP_BYTES}")
            self._local.conn, self._local.pid = conn, os.getpid()
            with self._lock:
                self._all.append(conn)
        yield conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front (IMMEDIATE), so it never fails half-way on a lock upgrade."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def ensure_schema(self) -> None:
        """Create the tables; an index of another layout is derived data, so it is dropped and
        recreated empty and marked ``rebuild_state`` pending (the web app refills it:
        ``services.reindex.rebuild_in_background``; or ``vsl reindex``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._open()) as conn:
            use_wal(conn, self.busy_timeout_s)
            conn.execute("BEGIN IMMEDIATE")
            try:
                has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
                version = has_meta and conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
                stale = bool(has_meta) and (version is None or version[0] != SCHEMA_VERSION)
                if stale:
                    for table in ("segments_fts", "segments", "vsls", "meta"):
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                if stale:  # it held VSLs: say so until the rebuild has put them back (services.reindex)
                    conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('rebuild', ?)", (REBUILD_PENDING,))
                conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self._schema_ready = True

    def close(self) -> None:
        """Close every thread's connection (each is used by its own thread only)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _delete(conn: sqlite3.Connection, key: str) -> bool:
        row = conn.execute("SELECT id FROM vsls WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False
        lo, hi = _segment_range(row["id"])
        conn.execute(
            "INSERT INTO segments_fts (segments_fts, rowid, terms) "
            "SELECT 'delete', id, terms FROM segments WHERE id BETWEEN ? AND ?",
            (lo, hi),
        )
        conn.execute("DELETE FROM segments WHERE id BETWEEN ? AND ?", (lo, hi))
        conn.execute("DELETE FROM vsls WHERE id = ?", (row["id"],))
        return True

    def index_vsl(self, doc: VslDocument) -> int:
        with self._write() as conn:
            return self._insert(conn, doc)

    #: Segments written per transaction by :meth:`index_many` (a few seconds of the write lock at
    #: most, so a pipeline run indexing meanwhile waits that long, well inside its busy timeout).
    BULK_SEGMENTS = 50_000
    #: Page cache of the connection during a bulk build (KiB, negative as SQLite takes it): FTS5
    #: flushes and merges its segments through it.
    BULK_CACHE_KIB = 64 * 1024
    #: Segments analysed here before ``index_many`` hands the analysis to a worker (``bulk.py``).
    PARALLEL_AFTER = PARALLEL_AFTER

    def index_many(self, docs: Iterable[VslDocument]) -> int:
        """``index_vsl`` of many VSLs (``vsl reindex``): about :data:`BULK_SEGMENTS` segments per
        transaction, with a larger page cache meanwhile; returns the segments indexed.

        Why: every commit makes FTS5 flush a new index segment and merge, and a small cache
        re-reads the pages it merges; one transaction per 50,000 segments measured ~1.3x faster
        than one per VSL (bench_search.py, "bulk build").  A VSL is never split across two
        transactions, so an interrupted rebuild leaves whole VSLs.  Past ``PARALLEL_AFTER``
        segments the analysis runs in a worker process ahead of the writes (``bulk.py``).
        """
        total = 0
        # The analysis on another core (bulk.py) while this process writes.
        with self._connect() as conn, closing(analysed(docs, self.PARALLEL_AFTER)) as pending:
            (cache,) = conn.execute("PRAGMA cache_size").fetchone()
            conn.execute(f"PRAGMA cache_size = -{self.BULK_CACHE_KIB}")
            try:
                batch = 0
                for doc, terms in pending:
                    if batch == 0:
                        conn.execute("BEGIN IMMEDIATE")
                    try:
                        batch += self._insert(conn, doc, terms)
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    if batch >= self.BULK_SEGMENTS:
                        conn.execute("COMMIT")
                        total += batch
                        batch = 0
                if batch or conn.in_transaction:
                    conn.execute("COMMIT")
                    total += batch
            finally:
                conn.execute(f"PRAGMA cache_size = {int(cache)}")
        return total

    def _insert(self, conn: sqlite3.Connection, doc: VslDocument, terms: list[str] | None = None) -> int:
        """Replace what is indexed for ``doc.key``, inside the caller's write transaction."""
        if len(doc.segments) > MAX_SEGMENTS:
            raise PermanentError(
                f"a VSL of {len(doc.segments):,} segments is more than the index takes ({MAX_SEGMENTS:,})"
            )
        self._delete(conn, doc.key)
        values = vsl_values(doc, _encode_time) | {"indexed_at": _encode_time(datetime.now(UTC))}
        cols = ", ".join(values)
        cur = conn.execute(f"INSERT INTO vsls ({cols}) VALUES ({', '.join(':' + c for c in values)})", values)
        vsl_id = int(cur.lastrowid or 0)
        if terms is None:
            terms = fts5_terms_of_texts([s.text for s in doc.segments], doc.language)
        rows = [
            (segment_id(vsl_id, i), s.start, s.end, s.text, t)
            for i, (s, t) in enumerate(zip(doc.segments, terms, strict=True))
        ]
        conn.executemany("INSERT INTO segments (id, start_s, end_s, text, terms) VALUES (?, ?, ?, ?, ?)", rows)
        conn.executemany("INSERT INTO segments_fts (rowid, terms) VALUES (?, ?)", ((r[0], r[4]) for r in rows))
        return len(doc.segments)

    def delete_vsl(self, key: str) -> bool:
        with self._write() as conn:
            return self._delete(conn, key)

    def rebuild_state(self) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE name = 'rebuild'").fetchone()
        return None if row is None else str(row[0])

    def set_rebuild_state(self, expected: str | None, new: str | None) -> bool:
        with self._connect() as conn:
            return swap_rebuild_state(conn, expected, new)

    # -- reading -----------------------------------------------------------------

    def count(self) -> IndexCount:
        with self._connect() as conn:
            vsls, segments = conn.execute("SELECT count(*), coalesce(sum(segment_count), 0) FROM vsls").fetchone()
        return IndexCount(int(vsls), int(segments))

    def keys(self) -> set[str]:
        with self._connect() as conn:
            return {row[0] for row in conn.execute("SELECT key FROM vsls")}

    def size_bytes(self) -> int | None:
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return sum(f.stat().st_size for f in files if f.exists())

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse_search(query)
        with self._connect() as conn:
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

    def _match(self, conn: sqlite3.Connection, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        """Top-k first: the page is read off the front of FTS5's BM25 order, and only the page's
        VSLs are looked up (fields, best hits, texts, snippets).

        One ranked pass per language arm with ``LIMIT n`` (FTS5 scores each match once, BM25 being
        what costs; SQLite keeps only the best n rows; reading every match in rank order instead
        measured 2x slower).  When it read every match, the totals come from it; otherwise a pass
        without ranking counts them exactly.  A page VSL whose best hits fall below the n read
        gets them from a pass restricted to the page's VSLs.
        """
        params: dict[str, Any] = {}
        conds = ""
        if query.key is not None:
            row = conn.execute("SELECT id FROM vsls WHERE key = ?", (query.key,)).fetchone()
            if row is None:
                return SearchResults(query, 0, 0, (), parsed.notes)
            conds += " AND rowid BETWEEN :lo AND :hi"
            params |= dict(zip(("lo", "hi"), _segment_range(row["id"]), strict=True))
        where, filter_params = vsl_filter(query, _encode_time)
        if query.keys is not None:
            # A board's keys (thousands of bound values) resolved to VSL ids once, then passed as
            # one JSON array: every ranked and counting pass below would otherwise bind and look
            # up the whole key list again (2,000 keys: ~35 ms a search, ~10 ms so).
            board = [r[0] for r in conn.execute(f"SELECT v.id FROM vsls v WHERE {where}", filter_params)]
            conds += f" AND (rowid >> {POSITION_BITS}) IN (SELECT value FROM json_each(:vsl_ids))"
            params["vsl_ids"] = json.dumps(board)
        elif set(filter_params) - {"f_key"}:
            # VSL filters apply to whole VSLs (their fields are the same for all their segments).
            conds += f" AND (rowid >> {POSITION_BITS}) IN (SELECT v.id FROM vsls v WHERE {where})"
            params |= filter_params
        fts = f"FROM segments_fts WHERE segments_fts MATCH :match{conds}"
        limit, offset = page_bounds(query)
        k = query.hits_per_vsl
        # The best n matches of each language arm (SQLite's top-n sort keeps only n rows), ranked
        # alone and merged: a VSL's segments carry one language's terms, so the arms match
        # disjoint rows and a row's BM25 is the same alone as in the OR of all arms (the other
        # arms' phrases add 0), while FTS5 then evaluates only the arm's own phrases per row.  A
        # query without a language filter is tried in every stemmer's form of its words; the
        # arms that match nothing are dropped after the first pass.  When the best n hold too
        # few VSLs, the next pass leaves out the VSLs already found (filtered before bm25() is
        # computed).  A VSL's hits arrive best first.  n is generous: FTS5 scores every match
        # whatever the limit, so a larger n costs only the rows handed to Python, spares most
        # page VSLs the pass for their missing hits, and reads every match of most queries, whose
        # totals then need no counting.
        n = max(1024, 8 * (offset + limit) * k)
        arms = {language: to_fts5(parsed, (language,)) for language in query_languages(query.language)}
        order: list[int] = []
        best: dict[int, list[tuple[int, float]]] = {}
        per_vsl: dict[int, int] | None = None
        cur = conn.cursor()
        cur.row_factory = None
        while True:
            found = {f"x{i}": v for i, v in enumerate(order)}
            excluded = f" AND (rowid >> {POSITION_BITS}) NOT IN ({', '.join(':' + x for x in found)})" if found else ""
            ranked = {}
            for language, arm in arms.items():
                # bm25() is lower-is-better (scores are reported negated: higher is better).
                cur.execute(
                    f"SELECT rowid, bm25(segments_fts) AS r {fts}{excluded} ORDER BY r, rowid LIMIT :n",
                    params | found | {"n": n, "match": arm},
                )
                ranked[language] = cur.fetchall()
            complete = all(len(rows) < n for rows in ranked.values())
            merged = list(heapq.merge(*ranked.values(), key=lambda row: (row[1], row[0])))
            first = per_vsl is None
            seen: dict[int, int] = {}
            for sid, rank in merged if complete else merged[:n]:
                vsl_id = sid >> POSITION_BITS
                seen[vsl_id] = seen.get(vsl_id, 0) + 1
                hits = best.get(vsl_id)
                if hits is None:
                    order.append(vsl_id)
                    best[vsl_id] = [(sid, rank)]
                elif len(hits) < k:
                    hits.append((sid, rank))
            if first:
                arms = {language: arm for language, arm in arms.items() if ranked[language]}
                if not arms:
                    return SearchResults(query, 0, 0, (), parsed.notes)
                if complete:
                    per_vsl = seen  # every match was read: the counts are exact
                else:
                    # Exact totals from passes without ranking: FTS5 then only walks posting
                    # lists (no BM25, no per-row document size), one per arm that matched.
                    per_vsl = {}
                    for arm in arms.values():
                        counted = conn.execute(
                            f"SELECT rowid >> {POSITION_BITS}, count(*) {fts} GROUP BY 1", params | {"match": arm}
                        ).fetchall()
                        per_vsl.update(counted)  # a VSL's segments carry its one language's terms only
            assert per_vsl is not None
            wanted = min(offset + limit, len(per_vsl))
            if len(order) >= wanted or complete:
                break
        params["match"] = to_fts5(parsed, tuple(arms))
        total_vsls, total_hits = len(per_vsl), sum(per_vsl.values())
        page_ids = order[offset:wanted]
        if not page_ids:
            return SearchResults(query, total_vsls, total_hits, (), parsed.notes)
        missing = [v for v in page_ids if len(best[v]) < min(k, per_vsl[v])]
        if missing:
            # Their other hits rank below the n read: FTS5 scores only these VSLs' matches (the
            # filter on the VSL id is applied before bm25() is computed), the same BM25 statistics
            # as the whole query, so the same scores; a window keeps each one's best k.
            ids = {f"m{i}": v for i, v in enumerate(missing)}
            for v in missing:
                best[v] = []
            for sid, rank in conn.execute(
                f"WITH m AS MATERIALIZED (SELECT rowid AS sid, bm25(segments_fts) AS r {fts} "
                f"AND (rowid >> {POSITION_BITS}) IN ({', '.join(':' + name for name in ids)})) "
                "SELECT sid, r FROM (SELECT sid, r, row_number() OVER "
                f"(PARTITION BY sid >> {POSITION_BITS} ORDER BY r, sid) AS rn FROM m) WHERE rn <= :k ORDER BY r, sid",
                params | ids | {"k": k},
            ):
                best[sid >> POSITION_BITS].append((sid, rank))
        marks = ",".join("?" * len(page_ids))
        vsls = {r["id"]: r for r in conn.execute(f"SELECT * FROM vsls WHERE id IN ({marks})", page_ids)}
        sids = [sid for vsl_id in page_ids for sid, _ in best[vsl_id]]
        texts = {
            r["id"]: r
            for r in conn.execute(
                f"SELECT id, start_s, end_s, text FROM segments WHERE id IN ({','.join('?' * len(sids))})", sids
            )
        }
        # The page's snippets per language in one analysis (``snippet.highlight_many``).
        said: dict[str | None, list[str]] = {}
        for v in page_ids:
            said.setdefault(vsls[v]["language"], []).extend(texts[sid]["text"] for sid, _ in best[v])
        made = {language: iter(highlight_many(each, parsed, language)) for language, each in said.items()}
        groups = tuple(self._group(vsls[v], per_vsl[v], best[v], texts, made[vsls[v]["language"]]) for v in page_ids)
        return SearchResults(query, total_vsls, total_hits, groups, parsed.notes)

    @staticmethod
    def _group(
        vsl: sqlite3.Row,
        hit_count: int,
        best: list[tuple[int, float]],
        texts: dict[int, sqlite3.Row],
        snippets: Iterator[Snippet],
    ) -> VslHits:
        """A page VSL's hits; ``snippets`` gives theirs in order (the page's, per language)."""
        base = segment_id(vsl["id"], 0)
        return VslHits(
            vsl=summary_from_row(vsl, _decode_time),
            score=-float(best[0][1]),
            hit_count=int(hit_count),
            hits=tuple(
                Hit(
                    position=sid - base,
                    start=texts[sid]["start_s"],
                    end=texts[sid]["end_s"],
                    text=texts[sid]["text"],
                    snippet=next(snippets),
                    score=-float(rank),
                )
                for sid, rank in best
            ),
        )


def use_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Put the index file in WAL mode (it stays so).  Switching takes an exclusive lock, and SQLite
    answers "database is locked" at once, without waiting, where waiting could deadlock (processes
    opening a new index together), so the switch is tried again until ``timeout_s``; a file already
    in WAL mode is only read."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def swap_rebuild_state(conn: sqlite3.Connection, expected: str | None, new: str | None) -> bool:
    """Compare-and-set of the ``rebuild`` meta row (None: no row), for one SQLite connection in
    autocommit mode (the embedded backends' ``set_rebuild_state``)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = conn.execute("SELECT value FROM meta WHERE name = 'rebuild'").fetchone()
        if (None if row is None else str(row[0])) != expected:
            conn.execute("ROLLBACK")
            return False
        if new is None:
            conn.execute("DELETE FROM meta WHERE name = 'rebuild'")
        else:
            conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('rebuild', ?)", (new,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True
