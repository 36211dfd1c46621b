"""Which backend ``auto`` picks (``search.choose_backend``), one case per kind of install, and
that every process follows it, the long-lived ones included, when ``vsl reindex`` moves an
FTS5 install to tantivy."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsl_assets.errors import ConfigurationError
from vsl_assets.search import (
    SearchQuery,
    Segment,
    VslDocument,
    choose_backend,
    open_search,
    shared_search,
)
from vsl_assets.search.sqlite import SqliteSearch
from vsl_assets.search.tantivy_backend import TantivySearch

DOC = VslDocument(key="k", url="https://x", language="pt", segments=[Segment(0, 1, "garantia de sete dias")])


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vsl.db'}"


def _fts5_install(tmp_path: Path) -> None:
    """What an install from before tantivy was the default has: ``vsl.search.db`` only."""
    old = open_search(_url(tmp_path), engine="sqlite")
    old.index_vsl(DOC)
    old.close()


def _tantivy_index(tmp_path: Path) -> None:
    """A built ``vsl.tantivy/``: as an install that opted in before the default had it, or as
    ``vsl reindex`` moves it into place."""
    index = TantivySearch(tmp_path / "vsl.tantivy")
    index.ensure_schema()
    index.close()


def test_a_new_install_gets_tantivy_and_no_fts5_file(tmp_path: Path) -> None:
    choice = choose_backend(_url(tmp_path))
    assert (choice.engine, choice.upgrade) == ("tantivy", None)
    assert "new install" in choice.describe()
    search = open_search(_url(tmp_path))
    assert isinstance(search, TantivySearch)
    search.index_vsl(DOC)
    assert (tmp_path / "vsl.tantivy").is_dir() and not (tmp_path / "vsl.search.db").exists()
    assert choose_backend(_url(tmp_path)).engine == "tantivy"  # and stays so


def test_an_fts5_install_keeps_fts5_and_is_told_how_to_upgrade(tmp_path: Path) -> None:
    _fts5_install(tmp_path)
    choice = choose_backend(_url(tmp_path))
    assert choice.engine == "sqlite" and "vsl reindex" in (choice.upgrade or "")
    assert "vsl.search.db exists and vsl.tantivy/ does not" in choice.describe()
    search = open_search(_url(tmp_path))
    assert isinstance(search, SqliteSearch)
    assert search.search(SearchQuery(text="garantia")).total_hits == 1  # search still works
    assert not (tmp_path / "vsl.tantivy").exists()  # opening it built nothing


def test_an_install_with_both_indexes_uses_tantivy(tmp_path: Path) -> None:
    _fts5_install(tmp_path)
    _tantivy_index(tmp_path)
    choice = choose_backend(_url(tmp_path))
    assert (choice.engine, choice.upgrade) == ("tantivy", None)
    assert isinstance(open_search(_url(tmp_path)), TantivySearch)


def test_an_install_with_only_the_tantivy_index_uses_it(tmp_path: Path) -> None:
    _tantivy_index(tmp_path)
    assert choose_backend(_url(tmp_path)).engine == "tantivy"
    assert "vsl.tantivy/ exists" in choose_backend(_url(tmp_path)).reason


def test_a_postgresql_app_database_uses_postgresql_whatever_lies_on_disk() -> None:
    choice = choose_backend("postgresql://u@127.0.0.1:1/vsl")
    assert (choice.engine, choice.upgrade) == ("postgres", None)
    with pytest.raises(ConfigurationError, match="no search backend for a 'mysql'"):
        choose_backend("mysql://u@h/db")


def test_an_explicit_setting_wins_over_what_is_on_disk(tmp_path: Path) -> None:
    _fts5_install(tmp_path)
    assert choose_backend(_url(tmp_path), "tantivy").engine == "tantivy"
    _tantivy_index(tmp_path)
    assert choose_backend(_url(tmp_path), "sqlite").engine == "sqlite"
    assert isinstance(open_search(_url(tmp_path), engine="sqlite"), SqliteSearch)
    assert choose_backend("postgresql://u@127.0.0.1:1/vsl", "postgres").reason == "VSL_SEARCH_BACKEND"
    with pytest.raises(ConfigurationError, match="no search backend 'lucene'"):
        choose_backend(_url(tmp_path), "lucene")


def test_a_long_lived_process_moves_to_tantivy_when_its_index_appears(tmp_path: Path) -> None:
    # The web app holds its backend for its lifetime: it must not go on reading FTS5 while the
    # runs started after the upgrade index into tantivy.
    _fts5_install(tmp_path)
    before = shared_search(_url(tmp_path))
    assert isinstance(before, SqliteSearch)
    assert shared_search(_url(tmp_path)) is before
    _tantivy_index(tmp_path)
    after = shared_search(_url(tmp_path))
    assert isinstance(after, TantivySearch) and shared_search(_url(tmp_path)) is after


def test_a_process_set_to_tantivy_on_an_fts5_install_does_not_move_auto_to_an_empty_index(tmp_path: Path) -> None:
    # Misconfigured: one process has VSL_SEARCH_BACKEND=tantivy, the others auto.  It creates
    # vsl.tantivy/ (empty, marked unbuilt in the same rename), and auto stays on FTS5, which has the
    # VSLs, until a full reindex into tantivy drops the mark.
    _fts5_install(tmp_path)
    explicit = open_search(_url(tmp_path), engine="tantivy")
    assert isinstance(explicit, TantivySearch)
    explicit.index_vsl(VslDocument(key="new", url="https://x", segments=[Segment(0, 1, "novo")]))
    choice = choose_backend(_url(tmp_path))
    assert choice.engine == "sqlite" and "vsl.tantivy/ is not built yet" in choice.reason and choice.upgrade
    assert open_search(_url(tmp_path), engine="tantivy").path == explicit.path  # the same index, mark kept
    assert choose_backend(_url(tmp_path)).engine == "sqlite"
    explicit.mark_built()  # what `vsl reindex` does after indexing every VSL into it
    assert choose_backend(_url(tmp_path)).engine == "tantivy"
    assert explicit.keys() == {"new"}
