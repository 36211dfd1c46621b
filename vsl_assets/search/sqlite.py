"""Embedded backend: SQLite FTS5 in its own file next to the app database.

Why FTS5 (measured, see benchmarks/bench_search.py): it ships in Python's sqlite3 (no new
binary) and meets the targets at 1,000,000 segments on the 2-core machine (mixed queries p95
44 ms, one 60-minute VSL re-indexed in 32 ms).  Tantivy was measured faster per query (200,000
segments: p95 0.2 ms vs 2 ms for a full BM25 pass) and smaller (10 vs 55 MB), but it allows one
IndexWriter per index directory ("LockBusy" from a second process, also measured), and every
Dagster run is its own process; SQLite writers simply wait on the busy timeout, every write is a
transaction, and filters, grouping and pagination are plain SQL next to the match.

Why its own file (``vsl.db`` -> ``vsl.search.db``): indexing a long VSL or rebuilding everything
holds SQLite's single write lock; in a separate file that never blocks the pipeline's writes to
the app database, and the index can be deleted and rebuilt without touching the record.

Stemming and folding happen in Python (``text.py``): the FTS5 table stores each segment's
stemmed terms tagged with its language (a query is matched per language, as PostgreSQL does);
the original text lives in ``segments`` for snippets.  A segment's id is its VSL's id shifted
left 20 bits plus its position, so grouping hits per VSL needs no join (``rowid >> 20``)
and "inside one VSL" is a rowid range FTS5 applies inside the match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from vsl_assets.errors import PermanentError
from vsl_assets.search.backend import IndexCount, page_bounds, summary_from_row, vsl_values
from vsl_assets.search.filters import vsl_filter
from vsl_assets.search.model import Hit, SearchQuery, SearchResults, VslDocument, VslHits
from vsl_assets.search.query import ParsedQuery, fts5_terms, parse_search, query_languages, to_fts5
from vsl_assets.search.snippet import highlight
from vsl_assets.search.text import words

SCHEMA_VERSION = "3"
#: Bits of a segment id that hold its position in the VSL (so at most ~1M segments per VSL).
POSITION_BITS = 20
MAX_SEGMENTS = 1 << POSITION_BITS
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vsls (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    title TEXT,
    language TEXT,
    player TEXT,
    player_key TEXT,
    duration_s REAL,
    added_at TEXT,
    niche TEXT,
    niche_top TEXT,
    niche_sub TEXT,
    lead_type TEXT,
    lead_key TEXT,
    awareness TEXT,
    awareness_key TEXT,
    pitch_s REAL,
    price REAL,
    currency TEXT,
    segment_count INTEGER NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,  -- vsl id << 20 | position, see segment_id()
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    text TEXT NOT NULL
);
-- Terms are tagged with the language ("pt_garant", see query.FTS5_TAGS), so '_' is a token
-- character, and prefix indexes of tag + 2 and tag + 3 characters serve short prefix queries.
CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    terms, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'", prefix = '5 6'
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
    """The embedded backend; one short-lived connection per call, so it is safe across threads."""

    name = "sqlite-fts5"

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 60.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._schema_ready = False

    # -- plumbing ----------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._schema_ready:
            self.ensure_schema()
        with closing(self._open()) as conn:
            yield conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
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
        recreated empty (``vsl reindex`` fills it again)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._open()) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
                version = has_meta and conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
                if has_meta and (version is None or version[0] != SCHEMA_VERSION):
                    for table in ("segments_fts", "segments", "vsls", "meta"):
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        self._schema_ready = True

    def close(self) -> None:
        """Nothing is held between calls."""

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _delete(conn: sqlite3.Connection, key: str) -> bool:
        row = conn.execute("SELECT id FROM vsls WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False
        lo, hi = _segment_range(row["id"])
        conn.execute("DELETE FROM segments_fts WHERE rowid BETWEEN ? AND ?", (lo, hi))
        conn.execute("DELETE FROM segments WHERE id BETWEEN ? AND ?", (lo, hi))
        conn.execute("DELETE FROM vsls WHERE id = ?", (row["id"],))
        return True

    def index_vsl(self, doc: VslDocument) -> int:
        if len(doc.segments) > MAX_SEGMENTS:
            raise PermanentError(
                f"a VSL of {len(doc.segments):,} segments is more than the index takes ({MAX_SEGMENTS:,})"
            )
        with self._write() as conn:
            self._delete(conn, doc.key)
            values = vsl_values(doc, _encode_time) | {"indexed_at": _encode_time(datetime.now(UTC))}
            cols = ", ".join(values)
            cur = conn.execute(f"INSERT INTO vsls ({cols}) VALUES ({', '.join(':' + c for c in values)})", values)
            vsl_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO segments (id, start_s, end_s, text) VALUES (?, ?, ?, ?)",
                ((segment_id(vsl_id, i), s.start, s.end, s.text) for i, s in enumerate(doc.segments)),
            )
            conn.executemany(
                "INSERT INTO segments_fts (rowid, terms) VALUES (?, ?)",
                ((segment_id(vsl_id, i), fts5_terms(words(s.text), doc.language)) for i, s in enumerate(doc.segments)),
            )
        return len(doc.segments)

    def delete_vsl(self, key: str) -> bool:
        with self._write() as conn:
            return self._delete(conn, key)

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
        match = to_fts5(parsed, query_languages(query.language))
        where, params = vsl_filter(query, _encode_time)
        params |= {"match": match}
        rowid_range = ""
        if query.key is not None:
            row = conn.execute("SELECT id FROM vsls WHERE key = ?", (query.key,)).fetchone()
            if row is None:
                return SearchResults(query, 0, 0, (), parsed.notes)
            rowid_range = "AND rowid BETWEEN :lo AND :hi"
            params |= dict(zip(("lo", "hi"), _segment_range(row["id"]), strict=True))
        limit, offset = page_bounds(query)
        # One statement, one pass of the match: bm25() only works next to its MATCH, so the match
        # is materialised first; VSL filters apply per group (a VSL's fields are the same for all
        # its segments); the page's best hits come from the same materialised rows.
        # bm25() is lower-is-better; scores are reported negated (higher is better).
        matches = (
            "m AS MATERIALIZED (SELECT rowid AS sid, rowid >> 20 AS vsl_id, bm25(segments_fts) AS rank "
            f"FROM segments_fts WHERE segments_fts MATCH :match {rowid_range}), "
            "g AS (SELECT vsl_id, min(rank) AS best, count(*) AS n FROM m GROUP BY vsl_id), "
            f"f AS (SELECT g.best, g.n, v.* FROM g JOIN vsls v ON v.id = g.vsl_id WHERE {where})"
        )
        rows = conn.execute(
            f"WITH {matches}, "
            "page AS (SELECT f.*, count(*) OVER () AS total_vsls, sum(f.n) OVER () AS total_hits FROM f "
            "         ORDER BY f.best, f.key LIMIT :limit OFFSET :offset), "
            "ranked AS (SELECT m.*, row_number() OVER (PARTITION BY m.vsl_id ORDER BY m.rank, m.sid) AS rn "
            "           FROM m WHERE m.vsl_id IN (SELECT id FROM page)) "
            "SELECT page.*, s.id AS h_id, s.start_s AS h_start, s.end_s AS h_end, s.text AS h_text, r.rank AS h_rank "
            "FROM page JOIN ranked r ON r.vsl_id = page.id AND r.rn <= :k JOIN segments s ON s.id = r.sid "
            "ORDER BY page.best, page.key, r.rn",
            params | {"limit": limit, "offset": offset, "k": query.hits_per_vsl},
        ).fetchall()
        if rows:
            total_vsls, total_hits = int(rows[0]["total_vsls"]), int(rows[0]["total_hits"])
        else:
            counted = conn.execute(f"WITH {matches} SELECT count(*), coalesce(sum(n), 0) FROM f", params).fetchone()
            total_vsls, total_hits = int(counted[0]), int(counted[1])
        groups = [self._group(list(rows_of_vsl), parsed) for _, rows_of_vsl in groupby(rows, key=lambda r: r["id"])]
        return SearchResults(query, total_vsls, total_hits, tuple(groups), parsed.notes)

    @staticmethod
    def _group(rows: list[sqlite3.Row], parsed: ParsedQuery) -> VslHits:
        first = rows[0]
        base = segment_id(first["id"], 0)
        return VslHits(
            vsl=summary_from_row(first, _decode_time),
            score=-float(first["best"]),
            hit_count=int(first["n"]),
            hits=tuple(
                Hit(
                    position=r["h_id"] - base,
                    start=r["h_start"],
                    end=r["h_end"],
                    text=r["h_text"],
                    snippet=highlight(r["h_text"], parsed, first["language"]),
                    score=-float(r["h_rank"]),
                )
                for r in rows
            ),
        )
