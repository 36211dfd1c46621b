"""Full-text search over every VSL's transcript, landing on the second a phrase is said.

Plain Python (never imports Dagster).  The whole interface::

    from vsl_assets.search import SearchQuery, Segment, VslDocument, open_search

    search = open_search(settings.db_url)          # sqlite:///… -> embedded, postgresql://… -> PostgreSQL
    search.ensure_schema()                         # idempotent, safe from many processes
    search.index_vsl(VslDocument(key, url, title=…, language="pt", player=…, duration_s=…,
                                 added_at=…, niche="health/weight loss", lead_type=…, awareness=…,
                                 pitch_s=…, price=97.0, currency="BRL",
                                 segments=[Segment(0.0, 4.2, "Você vai emagrecer…"), …]))  # upsert
    search.delete_vsl(key)                         # -> bool
    results = search.search(SearchQuery(text='"garantia de 30 dias" emagrec*', niche="health",
                                        page=1, per_page=20, hits_per_vsl=3))
    for group in results.vsls:                     # one entry per VSL, best first
        for hit in group.hits:                     # its best segments: hit.start, hit.end (seconds)
            hit.snippet.html()                     # escaped text with <mark>…</mark> over the match
    results.rows()                                 # flat dicts for `vsl search --json`
    search.count(), search.keys(), search.size_bytes(), search.close()

Backends (``backend.SearchBackend`` is the protocol; a new engine is one module implementing it):

- ``sqlite.SqliteSearch``: SQLite FTS5 in ``<app db>.search.db`` next to the app database file
  (``vsl.db`` -> ``vsl.search.db``); stemming/folding in Python with PyStemmer (Snowball), once
  per VSL at index time.
- ``tantivy_backend.TantivySearch`` (opt-in, ``VSL_SEARCH_BACKEND=tantivy``): a tantivy index of
  the same analysed terms in ``vsl.tantivy/`` next to a SQLite app database, a side SQLite table
  for filters and texts, one writer at a time under an ``fcntl`` lock (runs queue, never fail);
  ``vsl reindex`` commits per ~100,000 segments.
- ``postgres.PostgresSearch``: ``search_vsls``/``search_segments`` tables in the app database,
  generated ``tsvector`` per segment with the language's configuration over ``unaccent``, GIN.

Query text (``query.py``): words (stemmed, accent- and case-insensitive), ``"quoted phrases"``,
``prefix*``, ``-excluded``/``NOT excluded``, ``a OR b``.  Any text is accepted: syntax of the
underlying engines cannot be injected and no query raises a syntax error.  A query with no words
lists the VSLs matching the filters (newest first); with no words and no filters it raises
``SearchQueryError`` (its ``reason`` is for the person who typed it).

Hits are segments (``start``/``end`` seconds); results are grouped per VSL and paginated by VSL,
with the VSL's best ``hits_per_vsl`` segments each, ranked by BM25 (FTS5) or ``ts_rank_cd``
(PostgreSQL).  A language filter also narrows stemming to that language; without one, every
stemmer's form of each word is tried (the embedded backend counts each language's arm first and
ranks only the arms that match).  Both backends are top-k first: exact totals from a pass that
does not rank, the best n matches ranked with a LIMIT, then only the page's VSLs are read.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from vsl_assets.db.engine import normalise_database_url
from vsl_assets.errors import ConfigurationError
from vsl_assets.search.backend import IndexCount, SearchBackend
from vsl_assets.search.model import (
    Hit,
    SearchQuery,
    SearchQueryError,
    SearchResults,
    Segment,
    Snippet,
    VslDocument,
    VslHits,
    VslSummary,
)

__all__ = [
    "Hit",
    "IndexCount",
    "SearchBackend",
    "SearchQuery",
    "SearchQueryError",
    "SearchResults",
    "Segment",
    "Snippet",
    "VslDocument",
    "VslHits",
    "VslSummary",
    "open_search",
    "search_path_for",
    "shared_search",
]


_shared: dict[tuple[str, str], SearchBackend] = {}
_shared_lock = threading.Lock()


def shared_search(database_url: str, engine: str = "auto") -> SearchBackend:
    """One backend per database for the whole process (a PostgreSQL backend holds a pool), schema ensured."""
    with _shared_lock:
        backend = _shared.get((engine, database_url))
        if backend is None:
            backend = open_search(database_url, engine=engine)
            backend.ensure_schema()
            _shared[(engine, database_url)] = backend
        return backend


def search_path_for(database_url: str, engine: str = "sqlite") -> Path:
    """Where the embedded index of a SQLite app database lives: ``vsl.db`` -> ``vsl.search.db``
    (FTS5) or the ``vsl.tantivy/`` directory (tantivy)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise ConfigurationError(
            "the app database is in memory, so the search index has no file to live next to; "
            "pass open_search(..., path=...) or use a database file"
        )
    path = Path(database)
    if engine == "tantivy":
        return path.with_name(f"{path.stem}.tantivy")
    return path.with_name(f"{path.stem}.search{path.suffix or '.db'}")


#: ``VSL_SEARCH_BACKEND`` values: ``auto`` follows the app database (PostgreSQL there, else SQLite FTS5).
ENGINES = ("auto", "sqlite", "postgres", "tantivy")


def open_search(database_url: str, *, path: Path | str | None = None, engine: str = "auto") -> SearchBackend:
    """The backend that fits the app database: PostgreSQL there, else embedded SQLite FTS5;
    ``engine`` (``VSL_SEARCH_BACKEND``) picks one explicitly.

    ``path`` places the embedded index elsewhere (tests, a rebuild into a fresh file).
    """
    if engine not in ENGINES:
        raise ConfigurationError(f"no search backend {engine!r}; choose one of {', '.join(ENGINES)}")
    url = normalise_database_url(database_url)
    backend = make_url(url).get_backend_name()
    if engine == "postgres" and backend != "postgresql":
        raise ConfigurationError("VSL_SEARCH_BACKEND=postgres needs a PostgreSQL app database (VSL_DATABASE_URL)")
    if engine == "tantivy":
        if path is None and backend != "sqlite":
            raise ConfigurationError(
                "VSL_SEARCH_BACKEND=tantivy keeps its index beside a SQLite app database; "
                "with PostgreSQL use auto or postgres"
            )
        from vsl_assets.search.tantivy_backend import TantivySearch

        return TantivySearch(Path(path) if path is not None else search_path_for(url, "tantivy"))
    if backend == "postgresql" and engine != "sqlite":
        from vsl_assets.search.postgres import PostgresSearch

        return PostgresSearch(url)
    if backend == "sqlite":
        from vsl_assets.search.sqlite import SqliteSearch

        return SqliteSearch(Path(path) if path is not None else search_path_for(url))
    raise ConfigurationError(f"no search backend for a {backend!r} database; use SQLite or PostgreSQL")
