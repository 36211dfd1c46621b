"""Embedded backend: SQLite FTS5 in its own file next to the app database.

Why FTS5 (measured, see benchmarks/bench_search.py): it ships in Python's sqlite3 (no new
binary), answers the benchmark's queries well inside the latency target, and — what decided it
over Tantivy, which is faster per query — it is transactional and safe with many writer
*processes*: every Dagster run is its own process, and Tantivy allows one writer per index
directory (a second process gets a lock error), while SQLite just waits on its busy timeout.
Filters, grouping and pagination are plain SQL joined to the match.

Why its own file (``vsl.db`` -> ``vsl.search.db``): indexing a long VSL or rebuilding everything
holds SQLite's single write lock; in a separate file that never blocks the pipeline's writes to
the app database, and the index can be deleted and rebuilt without touching the record.

Stemming and folding happen in Python (``text.py``): the FTS5 table stores each segment's
stemmed terms; the original text lives in ``segments`` for snippets.  Each VSL's segments get
consecutive ids, so "inside one VSL" is a rowid range FTS5 applies inside the match.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vsl_assets.search.backend import IndexCount, page_bounds, summary_from_row, vsl_values
from vsl_assets.search.filters import vsl_filter
from vsl_assets.search.model import Hit, SearchQuery, SearchQueryError, SearchResults, VslDocument, VslHits
from vsl_assets.search.query import ParsedQuery, parse, query_languages, to_fts5
from vsl_assets.search.snippet import highlight
from vsl_assets.search.text import terms

SCHEMA_VERSION = "1"
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
    first_segment_id INTEGER,
    last_segment_id INTEGER,
    indexed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    vsl_id INTEGER NOT NULL REFERENCES vsls(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_vsl ON segments (vsl_id, position);
CREATE VIRTUAL TABLE IF NOT EXISTS segments_fts USING fts5(
    terms, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
);
"""


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
        conn.execute("PRAGMA foreign_keys = ON")
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._open()) as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self._schema_ready = True

    def close(self) -> None:
        """Nothing is held between calls."""

    # -- writing -----------------------------------------------------------------

    @staticmethod
    def _delete(conn: sqlite3.Connection, key: str) -> bool:
        row = conn.execute("SELECT id, first_segment_id, last_segment_id FROM vsls WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False
        if row["first_segment_id"] is not None:
            conn.execute(
                "DELETE FROM segments_fts WHERE rowid BETWEEN ? AND ?",
                (row["first_segment_id"], row["last_segment_id"]),
            )
        conn.execute("DELETE FROM segments WHERE vsl_id = ?", (row["id"],))
        conn.execute("DELETE FROM vsls WHERE id = ?", (row["id"],))
        return True

    def index_vsl(self, doc: VslDocument) -> int:
        with self._write() as conn:
            self._delete(conn, doc.key)
            first = int(conn.execute("SELECT coalesce(max(id), 0) FROM segments").fetchone()[0]) + 1
            last = first + len(doc.segments) - 1 if doc.segments else None
            values = vsl_values(doc, _encode_time) | {
                "first_segment_id": first if doc.segments else None,
                "last_segment_id": last,
                "indexed_at": _encode_time(datetime.now(UTC)),
            }
            cols = ", ".join(values)
            cur = conn.execute(
                f"INSERT INTO vsls ({cols}) VALUES ({', '.join(':' + c for c in values)})",
                values,
            )
            vsl_id = cur.lastrowid
            conn.executemany(
                "INSERT INTO segments (id, vsl_id, position, start_s, end_s, text) VALUES (?, ?, ?, ?, ?, ?)",
                ((first + i, vsl_id, i, s.start, s.end, s.text) for i, s in enumerate(doc.segments)),
            )
            conn.executemany(
                "INSERT INTO segments_fts (rowid, terms) VALUES (?, ?)",
                ((first + i, terms(s.text, doc.language)) for i, s in enumerate(doc.segments)),
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
        parsed = parse(query.text)
        if parsed.empty and not query.has_filters():
            raise SearchQueryError("Type a word or a phrase to search for, or choose a filter.")
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
            bounds = conn.execute(
                "SELECT first_segment_id, last_segment_id FROM vsls WHERE key = ?", (query.key,)
            ).fetchone()
            if bounds is None or bounds[0] is None:
                return SearchResults(query, 0, 0, (), parsed.notes)
            rowid_range = "AND segments_fts.rowid BETWEEN :lo AND :hi"
            params |= {"lo": bounds[0], "hi": bounds[1]}
        limit, offset = page_bounds(query)
        # bm25() only works next to its MATCH, so the match is materialised before any join.
        # bm25() is lower-is-better; scores are reported negated (higher is better).
        matches = (
            "m AS MATERIALIZED (SELECT rowid AS sid, bm25(segments_fts) AS rank FROM segments_fts "
            f"WHERE segments_fts MATCH :match {rowid_range}), "
            "h AS (SELECT s.vsl_id AS vsl_id, m.rank AS rank FROM m JOIN segments s ON s.id = m.sid "
            f"JOIN vsls v ON v.id = s.vsl_id WHERE {where})"
        )
        page = conn.execute(
            f"WITH {matches}, g AS (SELECT vsl_id, min(rank) AS best, count(*) AS n FROM h GROUP BY vsl_id) "
            "SELECT g.vsl_id, g.best, g.n, count(*) OVER () AS total_vsls, sum(g.n) OVER () AS total_hits, v.* "
            "FROM g JOIN vsls v ON v.id = g.vsl_id ORDER BY g.best, v.key LIMIT :limit OFFSET :offset",
            params | {"limit": limit, "offset": offset},
        ).fetchall()
        if page:
            total_vsls, total_hits = int(page[0]["total_vsls"]), int(page[0]["total_hits"])
        else:
            counted = conn.execute(
                f"WITH {matches} SELECT count(DISTINCT vsl_id), count(*) FROM h",
                params,
            ).fetchone()
            total_vsls, total_hits = int(counted[0]), int(counted[1])
        groups = []
        for row in page:
            hits = conn.execute(
                "WITH m AS MATERIALIZED (SELECT rowid AS sid, bm25(segments_fts) AS rank FROM segments_fts "
                "WHERE segments_fts MATCH :match AND rowid BETWEEN :lo AND :hi) "
                "SELECT s.position, s.start_s, s.end_s, s.text, m.rank FROM m JOIN segments s ON s.id = m.sid "
                "ORDER BY m.rank, s.position LIMIT :k",
                {"match": match, "lo": row["first_segment_id"], "hi": row["last_segment_id"], "k": query.hits_per_vsl},
            ).fetchall()
            language_of_vsl = row["language"]
            groups.append(
                VslHits(
                    vsl=summary_from_row(row, _decode_time),
                    score=-float(row["best"]),
                    hit_count=int(row["n"]),
                    hits=tuple(
                        Hit(
                            position=h["position"],
                            start=h["start_s"],
                            end=h["end_s"],
                            text=h["text"],
                            snippet=highlight(h["text"], parsed, language_of_vsl),
                            score=-float(h["rank"]),
                        )
                        for h in hits
                    ),
                )
            )
        return SearchResults(query, total_vsls, total_hits, tuple(groups), parsed.notes)
