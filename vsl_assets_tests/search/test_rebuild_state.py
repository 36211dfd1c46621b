"""Every backend marks an index that it recreated empty because its format changed, so that it is
refilled by itself and search says so meanwhile (``services.reindex.rebuild_in_background``)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlalchemy import text

from vsl_assets.search import SearchBackend
from vsl_assets.search.backend import REBUILD_PENDING, IndexCount
from vsl_assets.search.postgres import PostgresSearch
from vsl_assets.search.sqlite import SqliteSearch
from vsl_assets.search.tantivy_backend import TantivySearch
from vsl_assets_tests.search.conftest import CORPUS


def _write_an_older_schema_version(backend: SearchBackend) -> None:
    if isinstance(backend, PostgresSearch):
        with backend._engine.begin() as conn:
            conn.execute(text("UPDATE search_meta SET value = '1' WHERE name = 'schema'"))
        return
    assert isinstance(backend, SqliteSearch | TantivySearch)
    side = backend.path / "side.db" if isinstance(backend, TantivySearch) else backend.path
    with closing(sqlite3.connect(side)) as conn, conn:
        conn.execute("UPDATE meta SET value = '1' WHERE name = 'schema'")


def test_an_index_recreated_by_a_new_format_is_marked_until_it_is_refilled(backend: SearchBackend) -> None:
    for doc in CORPUS:
        backend.index_vsl(doc)
    assert backend.rebuild_state() is None  # a new index, filled as it goes: nothing to rebuild
    backend.ensure_schema()
    assert backend.rebuild_state() is None  # the same format again: kept, not marked
    _write_an_older_schema_version(backend)
    backend.ensure_schema()  # as a process of the new version opens it
    assert backend.count() == IndexCount(0, 0)
    assert backend.rebuild_state() == REBUILD_PENDING
    # One process of all takes the rebuild: the second compare-and-set finds it taken.
    assert backend.set_rebuild_state(REBUILD_PENDING, "running host 1")
    assert not backend.set_rebuild_state(REBUILD_PENDING, "running host 2")
    assert backend.rebuild_state() == "running host 1"
    backend.ensure_schema()  # another process opening it meanwhile changes nothing
    assert backend.rebuild_state() == "running host 1"
    assert backend.set_rebuild_state("running host 1", None)
    assert backend.rebuild_state() is None
