"""PostgreSQL backend: tables in the app database, ``tsvector`` per segment, GIN index.

Used automatically when the app database is PostgreSQL, so a deployment that already runs a
server needs no second store.  Each segment keeps the text-search configuration of its VSL's
language (``portuguese``/``english``/``spanish``, else ``simple``) in a ``regconfig`` column,
and its ``tsvector`` is a generated column over ``search_unaccent(text)`` — an IMMUTABLE wrapper
around ``unaccent`` (the extension's own function is only STABLE, which an index or generated
column refuses).

A query is read by the shared parser (``query.py``) and rendered for ``to_tsquery`` with words
only, once per configuration; a segment matches when its own configuration's query matches, so
stop words and stems are those of the segment's language.  ``websearch_to_tsquery`` is not used:
it has no prefix operator, and one parser keeps both backends' semantics the same.  Ranking is
``ts_rank_cd`` normalised by document length (cover density, BM25-like in the ways tests check).
Snippets come from ``snippet.py`` rather than ``ts_headline``, which is HTML-unsafe by default
and slow over long texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    insert,
    text,
)
from sqlalchemy.exc import DBAPIError

from vsl_assets.errors import ConfigurationError
from vsl_assets.search.backend import (
    REBUILD_PENDING,
    IndexCount,
    page_bounds,
    summary_from_row,
    vsl_columns_sql,
    vsl_values,
)
from vsl_assets.search.filters import vsl_filter
from vsl_assets.search.model import Hit, SearchQuery, SearchResults, VslDocument, VslHits
from vsl_assets.search.query import ParsedQuery, parse_search, query_languages, to_tsquery_text
from vsl_assets.search.snippet import highlight
from vsl_assets.search.text import number_text

#: Text-search configuration per language; None (unknown) gets no stemming and no stop words.
CONFIGS: dict[str | None, str] = {"pt": "portuguese", "en": "english", "es": "spanish", None: "simple"}
_LOCK_ID = 0x5653_4C53  # "VSLS": schema creation, serialised across processes
#: ts_rank_cd normalisation 1: divide by 1 + log(document length).
_RANK_NORMALISATION = 1

_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION search_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$""",
    "CREATE TABLE IF NOT EXISTS search_vsls (\n    id BIGSERIAL PRIMARY KEY,"
    + vsl_columns_sql(
        {"text": "TEXT", "real": "DOUBLE PRECISION", "int": "INTEGER", "time": "TIMESTAMPTZ"},
        {"indexed_at": "now()"},
    )
    + ")",
    """CREATE TABLE IF NOT EXISTS search_segments (
        id BIGSERIAL PRIMARY KEY,
        vsl_id BIGINT NOT NULL REFERENCES search_vsls (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        start_s DOUBLE PRECISION NOT NULL,
        end_s DOUBLE PRECISION NOT NULL,
        text TEXT NOT NULL,
        -- what is analysed: the text with numbers said in words as digits (text.number_text)
        search_text TEXT NOT NULL,
        cfg REGCONFIG NOT NULL,
        tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector(cfg, search_unaccent(search_text))) STORED
    )""",
    "CREATE INDEX IF NOT EXISTS search_segments_tsv ON search_segments USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_segments_vsl ON search_segments (vsl_id, position)",
]

_meta = MetaData()
#: Only the columns written from Python (``tsv`` is generated), for batched inserts.
_segments = Table(
    "search_segments",
    _meta,
    Column("vsl_id", Integer),
    Column("position", Integer),
    Column("start_s", Float),
    Column("end_s", Float),
    Column("text", Text),
    Column("search_text", Text),
    Column("cfg", Text),
)
#: Bumped when what is indexed changes (2: numbers said in words indexed as digits); a table of
#: another version is derived data, dropped and recreated empty and marked ``rebuild_state``
#: pending (the web app refills it: ``services.reindex.rebuild_in_background``; or ``vsl reindex``).
SCHEMA_VERSION = "3"  # 3: numbers written "1.000"/"1,000" analysed as 1000
_META = "CREATE TABLE IF NOT EXISTS search_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)"


def _same(value: datetime) -> datetime:
    return value


def _decode_time(value: Any) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


class PostgresSearch:
    """The PostgreSQL backend over a pooled SQLAlchemy engine."""

    name = "postgresql"

    def __init__(self, database_url: str) -> None:
        self._engine = create_engine(database_url, pool_pre_ping=True)
        self._schema_ready = False

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        if not self._schema_ready:
            self.ensure_schema()
        with self._engine.begin() as conn:
            yield conn

    def ensure_schema(self) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
                stale = self._drop_if_stale(conn)
                for statement in _SCHEMA:
                    conn.execute(text(statement))
                conn.execute(text(_META))
                if stale:  # it held VSLs: say so until the rebuild has put them back (services.reindex)
                    conn.execute(
                        text(
                            "INSERT INTO search_meta (name, value) VALUES ('rebuild', :v) ON CONFLICT (name) DO NOTHING"
                        ),
                        {"v": REBUILD_PENDING},
                    )
                conn.execute(
                    text("INSERT INTO search_meta (name, value) VALUES ('schema', :v) ON CONFLICT (name) DO NOTHING"),
                    {"v": SCHEMA_VERSION},
                )
        except DBAPIError as exc:
            raise ConfigurationError(
                "could not create the search tables in PostgreSQL (the 'unaccent' extension must be "
                "installable: postgresql-contrib, and a role allowed to CREATE in the database)",
                detail=str(exc.orig),
            ) from exc
        self._schema_ready = True

    @staticmethod
    def _drop_if_stale(conn: Connection) -> bool:
        """Tables written by another version of the index (or before versions were kept) go;
        True when they did."""
        tables = set(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_name IN ('search_meta', 'search_segments', 'search_vsls')"
                )
            ).scalars()
        )
        if "search_segments" not in tables and "search_vsls" not in tables:
            return False
        version = None
        if "search_meta" in tables:
            version = conn.execute(text("SELECT value FROM search_meta WHERE name = 'schema'")).scalar()
        if version != SCHEMA_VERSION:
            conn.execute(text("DROP TABLE IF EXISTS search_segments, search_vsls, search_meta"))
            return True
        return False

    def close(self) -> None:
        self._engine.dispose()

    # -- writing -----------------------------------------------------------------

    def index_vsl(self, doc: VslDocument) -> int:
        values = vsl_values(doc, _same)
        with self._begin() as conn:
            conn.execute(text("DELETE FROM search_vsls WHERE key = :key"), {"key": doc.key})
            cols = ", ".join(values)
            vsl_id = conn.execute(
                text(f"INSERT INTO search_vsls ({cols}) VALUES ({', '.join(':' + c for c in values)}) RETURNING id"),
                values,
            ).scalar_one()
            if doc.segments:
                cfg = CONFIGS.get(doc.language, "simple")
                conn.execute(
                    insert(_segments),
                    [
                        {
                            "vsl_id": vsl_id,
                            "position": i,
                            "start_s": s.start,
                            "end_s": s.end,
                            "text": s.text,
                            "search_text": number_text(s.text, doc.language),
                            "cfg": cfg,
                        }
                        for i, s in enumerate(doc.segments)
                    ],
                )
        return len(doc.segments)

    def index_many(self, docs: Iterable[VslDocument]) -> int:
        """One ``index_vsl`` per VSL (each its own transaction; no bulk path measured faster here yet)."""
        return sum(self.index_vsl(doc) for doc in docs)

    def delete_vsl(self, key: str) -> bool:
        with self._begin() as conn:
            return conn.execute(text("DELETE FROM search_vsls WHERE key = :key"), {"key": key}).rowcount > 0

    def rebuild_state(self) -> str | None:
        with self._begin() as conn:
            value = conn.execute(text("SELECT value FROM search_meta WHERE name = 'rebuild'")).scalar()
        return None if value is None else str(value)

    def set_rebuild_state(self, expected: str | None, new: str | None) -> bool:
        with self._begin() as conn:
            current = conn.execute(text("SELECT value FROM search_meta WHERE name = 'rebuild' FOR UPDATE")).scalar()
            if current is None and expected is None:
                # No row to lock: two callers inserting race on the primary key, and one insert wins.
                inserted = conn.execute(
                    text("INSERT INTO search_meta (name, value) VALUES ('rebuild', :v) ON CONFLICT (name) DO NOTHING"),
                    {"v": new},
                ).rowcount
                return new is None or inserted == 1
            if current != expected:
                return False
            if new is None:
                conn.execute(text("DELETE FROM search_meta WHERE name = 'rebuild'"))
            else:
                conn.execute(text("UPDATE search_meta SET value = :v WHERE name = 'rebuild'"), {"v": new})
            return True

    # -- reading -----------------------------------------------------------------

    def count(self) -> IndexCount:
        with self._begin() as conn:
            vsls, segments = conn.execute(
                text("SELECT count(*), coalesce(sum(segment_count), 0) FROM search_vsls")
            ).one()
        return IndexCount(int(vsls), int(segments))

    def keys(self) -> set[str]:
        with self._begin() as conn:
            return set(conn.execute(text("SELECT key FROM search_vsls")).scalars())

    def size_bytes(self) -> int | None:
        with self._begin() as conn:
            return int(
                conn.execute(
                    text("SELECT pg_total_relation_size('search_segments') + pg_total_relation_size('search_vsls')")
                ).scalar_one()
            )

    def search(self, query: SearchQuery) -> SearchResults:
        parsed = parse_search(query)
        with self._begin() as conn:
            if parsed.empty:
                return self._list(conn, query, parsed)
            return self._match(conn, query, parsed)

    def _list(self, conn: Connection, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        where, params = vsl_filter(query, _same)
        limit, offset = page_bounds(query)
        rows = (
            conn.execute(
                text(
                    f"SELECT v.*, count(*) OVER () AS total FROM search_vsls v WHERE {where} "
                    "ORDER BY v.added_at DESC NULLS LAST, v.key LIMIT :limit OFFSET :offset"
                ),
                params | {"limit": limit, "offset": offset},
            )
            .mappings()
            .all()
        )
        if rows:
            total = rows[0]["total"]
        else:
            total = conn.execute(text(f"SELECT count(*) FROM search_vsls v WHERE {where}"), params).scalar_one()
        groups = tuple(VslHits(summary_from_row(r, _decode_time), 0.0, 0, ()) for r in rows)
        return SearchResults(query, int(total), 0, groups, parsed.notes)

    def _match(self, conn: Connection, query: SearchQuery, parsed: ParsedQuery) -> SearchResults:
        where, params = vsl_filter(query, _same)
        languages = query_languages(query.language)
        configs = [CONFIGS.get(lang, "simple") for lang in languages]
        # Each language's own query text: its number words read as digits, as its segments were.
        for c, lang in zip(configs, languages, strict=True):
            params[f"tq_{c}"] = to_tsquery_text(parsed, lang)
        # One arm per configuration, each with a constant tsquery, so the GIN index serves every arm.
        arms = " OR ".join(
            f"(s.cfg = '{c}'::regconfig AND s.tsv @@ to_tsquery('{c}'::regconfig, search_unaccent(:tq_{c})))"
            for c in configs
        )
        rank_query = "CASE s.cfg " + " ".join(
            f"WHEN '{c}'::regconfig THEN to_tsquery('{c}'::regconfig, search_unaccent(:tq_{c}))" for c in configs
        )
        rank = f"ts_rank_cd(s.tsv, {rank_query} END, {_RANK_NORMALISATION})"
        # Only ids and scores are carried through grouping; texts are read for the page's hits alone.
        matched = (
            f"SELECT s.id, s.vsl_id, s.position, {rank} AS score "
            f"FROM search_segments s JOIN search_vsls v ON v.id = s.vsl_id WHERE ({arms}) AND {where}"
        )
        limit, offset = page_bounds(query)
        sql = (
            f"WITH h AS MATERIALIZED ({matched}), "
            "g AS (SELECT vsl_id, max(score) AS best, count(*) AS n FROM h GROUP BY vsl_id), "
            "page AS (SELECT g.*, count(*) OVER () AS total_vsls, sum(g.n) OVER () AS total_hits "
            "         FROM g JOIN search_vsls v ON v.id = g.vsl_id ORDER BY g.best DESC, v.key "
            "         LIMIT :limit OFFSET :offset), "
            "ranked AS (SELECT h.*, row_number() OVER (PARTITION BY h.vsl_id ORDER BY h.score DESC, h.position) AS rn "
            "           FROM h WHERE h.vsl_id IN (SELECT vsl_id FROM page)) "
            "SELECT page.vsl_id, page.best, page.n, page.total_vsls, page.total_hits, v.*, "
            "       r.position AS h_position, s.start_s AS h_start, s.end_s AS h_end, s.text AS h_text, r.score AS h_score "
            "FROM page JOIN search_vsls v ON v.id = page.vsl_id "
            "JOIN ranked r ON r.vsl_id = page.vsl_id AND r.rn <= :k JOIN search_segments s ON s.id = r.id "
            "ORDER BY page.best DESC, v.key, r.rn"
        )
        rows = conn.execute(text(sql), params | {"limit": limit, "offset": offset, "k": query.hits_per_vsl})
        rows_list = rows.mappings().all()
        if rows_list:
            total_vsls, total_hits = int(rows_list[0]["total_vsls"]), int(rows_list[0]["total_hits"])
        else:
            counted = conn.execute(text(f"SELECT count(DISTINCT vsl_id), count(*) FROM ({matched}) m"), params).one()
            total_vsls, total_hits = int(counted[0]), int(counted[1])
        groups: list[VslHits] = []
        current: list[Any] = []
        for row in rows_list:
            if current and current[0]["vsl_id"] != row["vsl_id"]:
                groups.append(self._group(current, parsed))
                current = []
            current.append(row)
        if current:
            groups.append(self._group(current, parsed))
        return SearchResults(query, total_vsls, total_hits, tuple(groups), parsed.notes)

    @staticmethod
    def _group(rows: list[Any], parsed: ParsedQuery) -> VslHits:
        first = rows[0]
        return VslHits(
            vsl=summary_from_row(first, _decode_time),
            score=float(first["best"]),
            hit_count=int(first["n"]),
            hits=tuple(
                Hit(
                    position=r["h_position"],
                    start=r["h_start"],
                    end=r["h_end"],
                    text=r["h_text"],
                    snippet=highlight(r["h_text"], parsed, first["language"]),
                    score=float(r["h_score"]),
                )
                for r in rows
            ),
        )
