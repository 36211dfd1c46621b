"""Full-text search over every VSL's transcript, landing on the second a phrase is said.

Plain Python (never imports Dagster).  The whole interface::

    from vsl_assets.search import SearchQuery, Segment, VslDocument, open_search

    search = open_search(settings.db_url)          # sqlite:///… -> embedded (choose_backend), postgresql://… -> PostgreSQL
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
- ``tantivy_backend.TantivySearch`` (the default beside a SQLite app database, see
  :func:`choose_backend`; FTS5 stays where only its index exists until ``vsl reindex``): a tantivy index of
  the same analysed terms (and their adjacent pairs, for phrases) in ``vsl.tantivy/`` next to a SQLite app database, a side SQLite table
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

import logging
import os
import shutil
import threading
from dataclasses import dataclass
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
    "BackendChoice",
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
    "choose_backend",
    "open_search",
    "search_path_for",
    "shared_search",
]


_shared: dict[tuple[str, str], SearchBackend] = {}
_shared_lock = threading.Lock()
log = logging.getLogger(__name__)


def shared_search(database_url: str, engine: str = "auto") -> SearchBackend:
    """One backend per database and engine for the whole process (a PostgreSQL backend holds a
    pool), schema ensured.  ``auto`` is resolved again at every call (two ``stat`` calls), so a
    long-lived process (the web app) moves to tantivy as soon as ``vsl reindex`` has built it,
    together with every run that starts after that."""
    choice = choose_backend(database_url, engine)
    with _shared_lock:
        backend = _shared.get((choice.engine, database_url))
        if backend is None:
            backend = open_search(database_url, engine=choice.engine)
            backend.ensure_schema()
            _shared[(choice.engine, database_url)] = backend
            log.info("search backend: %s", choice.describe())
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


#: ``VSL_SEARCH_BACKEND`` values: ``auto`` follows the app database and what is on disk
#: (:func:`choose_backend`).
ENGINES = ("auto", "sqlite", "postgres", "tantivy")

_NAMES = {"sqlite": "SQLite FTS5", "tantivy": "tantivy", "postgres": "PostgreSQL"}


@dataclass(frozen=True)
class BackendChoice:
    """Which backend a process uses for an app database, and why (shown by ``vsl health`` and
    logged when a process opens it)."""

    engine: str  # "sqlite", "tantivy" or "postgres": never "auto"
    reason: str
    #: What to do to move to the default backend, when this is an install that has not moved yet.
    upgrade: str | None = None

    def describe(self) -> str:
        text = f"{_NAMES[self.engine]} ({self.reason})"
        return f"{text}; {self.upgrade}" if self.upgrade else text


UPGRADE_ADVICE = (
    "run `vsl reindex` to build the faster tantivy index; search keeps working on FTS5 meanwhile "
    "and every process moves to tantivy when the build is done"
)


def choose_backend(database_url: str, engine: str = "auto") -> BackendChoice:
    """The one rule for which search backend a process uses, the same in every process (web app,
    runs, CLI) for the same settings and storage, because it reads only them:

    - ``VSL_SEARCH_BACKEND`` other than ``auto``: that backend.
    - a PostgreSQL app database: PostgreSQL.
    - a SQLite app database: tantivy (``vsl.tantivy/``) when its index exists (and is not marked
      :data:`UNBUILT`) or when there is no FTS5 index (a new install); SQLite FTS5 while
      ``vsl.search.db`` exists without a built ``vsl.tantivy/`` (an install from before tantivy was the default: search keeps working on
      what it has, and ``vsl reindex`` builds ``vsl.tantivy/`` aside and moves it into place in one
      rename, which switches every process at once, see :func:`vsl_assets.services.reindex.reindex`).

    Why tantivy by default: at 1,000,800 segments its mixed-query p95 measured 9.4 ms against
    50 ms on FTS5 (benchmarks/README.md, issue 29 fourth pass).
    """
    if engine not in ENGINES:
        raise ConfigurationError(f"no search backend {engine!r}; choose one of {', '.join(ENGINES)}")
    url = normalise_database_url(database_url)
    backend = make_url(url).get_backend_name()
    if engine != "auto":
        return BackendChoice(engine, "VSL_SEARCH_BACKEND")
    if backend == "postgresql":
        return BackendChoice("postgres", "the app database is PostgreSQL")
    if backend != "sqlite":
        raise ConfigurationError(f"no search backend for a {backend!r} database; use SQLite or PostgreSQL")
    tantivy_dir = search_path_for(url, "tantivy")
    fts5_file = search_path_for(url, "sqlite")
    if tantivy_dir.is_dir() and not (tantivy_dir / UNBUILT).exists():
        return BackendChoice("tantivy", f"its index {tantivy_dir.name}/ exists")
    if fts5_file.exists():
        why = "is not built yet" if tantivy_dir.is_dir() else "does not"
        return BackendChoice("sqlite", f"{fts5_file.name} exists and {tantivy_dir.name}/ {why}", UPGRADE_ADVICE)
    return BackendChoice("tantivy", "no search index yet: a new install")


#: A file in ``vsl.tantivy/`` that says it was created empty beside an FTS5 index (by a process
#: set to ``VSL_SEARCH_BACKEND=tantivy``) and not yet filled by ``vsl reindex``: until then
#: ``auto`` keeps FTS5, which has the VSLs.
UNBUILT = "unbuilt"


def _create_unbuilt(tantivy_dir: Path) -> None:
    """Create ``vsl.tantivy/`` with its :data:`UNBUILT` mark in one rename, so that no process
    sees the directory without the mark; another process that created it first wins."""
    staging = tantivy_dir.with_name(f"{tantivy_dir.name}.new-{os.getpid()}-{threading.get_ident()}")
    staging.mkdir(parents=True, exist_ok=True)
    (staging / UNBUILT).touch()
    try:
        os.rename(staging, tantivy_dir)
    except OSError:
        if not tantivy_dir.is_dir():
            raise
        shutil.rmtree(staging, ignore_errors=True)


def open_search(database_url: str, *, path: Path | str | None = None, engine: str = "auto") -> SearchBackend:
    """The backend :func:`choose_backend` picks (``engine`` is ``VSL_SEARCH_BACKEND``).

    ``path`` places the embedded index elsewhere (tests, a rebuild into a fresh directory); with
    ``auto`` it is an FTS5 file (name the engine for a tantivy directory).
    """
    if engine not in ENGINES:
        raise ConfigurationError(f"no search backend {engine!r}; choose one of {', '.join(ENGINES)}")
    url = normalise_database_url(database_url)
    backend = make_url(url).get_backend_name()
    if engine == "auto" and path is None:
        engine = choose_backend(url).engine
    if engine == "postgres" and backend != "postgresql":
        raise ConfigurationError("VSL_SEARCH_BACKEND=postgres needs a PostgreSQL app database (VSL_DATABASE_URL)")
    if engine == "tantivy":
        if path is None and backend != "sqlite":
            raise ConfigurationError(
                "VSL_SEARCH_BACKEND=tantivy keeps its index beside a SQLite app database; "
                "with PostgreSQL use auto or postgres"
            )
        from vsl_assets.search.tantivy_backend import TantivySearch

        if path is None:
            path = search_path_for(url, "tantivy")
            if not path.is_dir() and search_path_for(url, "sqlite").exists():
                _create_unbuilt(path)  # explicit tantivy beside FTS5: auto stays on FTS5 until reindexed
        return TantivySearch(Path(path))
    if backend == "postgresql" and engine != "sqlite":
        from vsl_assets.search.postgres import PostgresSearch

        return PostgresSearch(url)
    if backend == "sqlite":
        from vsl_assets.search.sqlite import SqliteSearch

        return SqliteSearch(Path(path) if path is not None else search_path_for(url))
    raise ConfigurationError(f"no search backend for a {backend!r} database; use SQLite or PostgreSQL")
