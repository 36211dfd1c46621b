"""Removal, reindex, export and process at the service level, on seeded VSLs (real DB, storage, index)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from vsl_assets.db import UrlStatus, repo
from vsl_assets.scaleout.health import check_search
from vsl_assets.search import SearchQuery, choose_backend, open_search, search_path_for
from vsl_assets.search.documents import document_for
from vsl_assets.services.export import ExportError, export_catalog, store_catalog
from vsl_assets.services.ports import RunOutcome
from vsl_assets.services.process import pending_keys, process_pending
from vsl_assets.services.reindex import reindex, upgrade_to_tantivy
from vsl_assets.services.removal import Removed, remove_urls
from vsl_assets.storage.objectstore import store_for
from vsl_assets_tests.services.conftest import Env
from vsl_assets_tests.web.seed import Fake, index_all, seed


def _seed(env: Env, *urls: str) -> list[str]:
    with env.sessions() as s:
        keys = [seed(s, env.layout, Fake(u)) for u in urls]
        index_all(s, env.settings, keys)
    return keys


def _found(env: Env, word: str, engine: str | None = None) -> set[str]:
    index = open_search(env.settings.database, engine=engine or env.settings.search_backend)
    try:
        return {g.vsl.key for g in index.search(SearchQuery(text=word)).vsls}
    finally:
        index.close()


def test_remove_forgets_files_row_search_documents_and_partitions_key_by_key(env: Env) -> None:
    gone, kept = _seed(env, "https://a.example.com/v", "https://b.example.com/v")
    assert env.layout.files_of(gone) and _found(env, "ritual") == {gone, kept}
    index = open_search(env.settings.database, engine=env.settings.search_backend)
    try:
        outcomes = remove_urls(
            [gone, "Not A Key", "unknown-key"],
            sessions=env.sessions,
            store=store_for(env.settings),
            index=index,
            partitions=env.partitions,
        )
    finally:
        index.close()
    assert [(r.key, r.outcome) for r in outcomes] == [
        (gone, Removed.REMOVED),
        ("Not A Key", Removed.INVALID),
        ("unknown-key", Removed.UNKNOWN),
    ]
    assert outcomes[1].reason == "'Not A Key' is not a partition key (see `vsl status`)"
    assert outcomes[2].reason == "no URL with key unknown-key"
    assert env.layout.files_of(gone) == [] and env.layout.files_of(kept)
    with env.sessions() as s:
        assert repo.get_url(s, gone) is None and repo.get_url(s, kept) is not None
    assert _found(env, "ritual") == {kept}
    assert env.partitions.removed == [gone]


def test_reindex_indexes_every_vsl_and_drops_what_the_database_no_longer_has(env: Env) -> None:
    keys = _seed(env, "https://a.example.com/v", "https://b.example.com/v")
    with env.sessions() as s:
        repo.delete_url(s, keys[1])
    index = open_search(env.settings.database, engine=env.settings.search_backend)
    try:
        report = reindex(sessions=env.sessions, index=index, min_confidence=0.6)
    finally:
        index.close()
    assert (report.indexed, report.stale) == (1, [keys[1]])
    assert report.segments == 3
    assert report.describe() == "indexed 1 VSL, 3 segments; removed 1 no longer in the database"
    assert _found(env, "ritual") == {keys[0]}


def test_reindex_moves_an_fts5_install_to_tantivy_in_one_step(env: Env) -> None:
    # An install from before tantivy was the default: its VSLs are in vsl.search.db only.
    keys = _seed(env, "https://a.example.com/v", "https://b.example.com/v")
    old = open_search(env.settings.database, engine="sqlite")
    with env.sessions() as s:
        for key in keys:
            old.index_vsl(document_for(s, key, min_confidence=0.6))  # type: ignore[arg-type]
    old.close()
    tantivy_dir = search_path_for(env.settings.database, "tantivy")
    shutil.rmtree(tantivy_dir, ignore_errors=True)  # _seed indexed where a new install's auto does
    assert choose_backend(env.settings.database).engine == "sqlite"
    auto = env.settings.model_copy(update={"search_backend": "auto"})  # whatever this shell has set
    told = check_search(auto)  # `vsl health` says which backend and how to move
    assert told.ok and told.detail.startswith("SQLite FTS5") and "run `vsl reindex`" in told.detail
    assert _found(env, "ritual", "auto") == set(keys)  # search works on FTS5 before the upgrade
    with env.sessions() as s:
        repo.delete_url(s, keys[1])  # removed while on FTS5: the tantivy index must not have it
    report = upgrade_to_tantivy(sessions=env.sessions, database_url=env.settings.database, min_confidence=0.6)
    assert (report.indexed, report.segments) == (1, 3)
    assert choose_backend(env.settings.database).engine == "tantivy"
    assert _found(env, "ritual", "auto") == {keys[0]}  # auto reads tantivy now, with what the database has
    assert not list(tantivy_dir.parent.glob("vsl.tantivy.building-*"))  # moved into place, nothing left
    assert check_search(auto).detail == "tantivy (its index vsl.tantivy/ exists)"


def test_export_as_text_as_a_file_and_into_the_storage_layout(env: Env, tmp_path) -> None:
    [key] = _seed(env, "https://a.example.com/v")
    text = export_catalog(sessions=env.sessions, fmt="json", out=None, min_confidence=0.6)
    assert text.rows == 1 and json.loads(text.text or "")[0]["partition_key"] == key
    with pytest.raises(ExportError, match="parquet is binary"):
        export_catalog(sessions=env.sessions, fmt="parquet", out=None, min_confidence=0.6)
    written = export_catalog(sessions=env.sessions, fmt="parquet", out=tmp_path / "c.parquet", min_confidence=0.6)
    assert written.path == tmp_path / "c.parquet"
    assert list(pd.read_parquet(tmp_path / "c.parquet")["partition_key"]) == [key]
    stored = store_catalog(sessions=env.sessions, layout=env.layout, store=store_for(env.settings), min_confidence=0.6)
    assert stored.paths == {fmt: env.layout.catalog_path(fmt) for fmt in ("parquet", "csv")}
    assert stored.by_status == {"analyzed": 1} and key in env.layout.catalog_path("csv").read_text()


class ScriptedRunner:
    """Stands in for the orchestrator's run: succeeds or fails by key, as a real run reports."""

    def __init__(self, failing: set[str]) -> None:
        self.failing, self.ran = failing, []

    def run(self, key: str, *, force: bool) -> RunOutcome:
        self.ran.append((key, force))
        return RunOutcome(key not in self.failing, f"r{len(self.ran):07d}-0000")


def test_process_runs_each_pending_url_and_a_failed_run_leaves_it_failed_with_a_reason(env: Env) -> None:
    from vsl_assets.net.guard import NetPolicy
    from vsl_assets.services import intake

    with env.sessions() as s:
        keys = intake.add_urls(
            s,
            ["https://a.example.com/v", "https://b.example.com/v"],
            partitions=None,
            net=NetPolicy(allow_private=True),
        ).keys
    assert pending_keys(env.sessions, 10) == keys
    runner = ScriptedRunner(failing={keys[1]})
    done = list(process_pending(keys, sessions=env.sessions, runner=runner, partitions=env.partitions, force=True))
    assert runner.ran == [(keys[0], True), (keys[1], True)]
    assert [d.ok for d in done] == [True, False]
    assert env.partitions.registered == keys
    with env.sessions() as s:
        failed = repo.get_url(s, keys[1])
        assert failed is not None and failed.status == UrlStatus.FAILED
        assert failed.reason == "run r0000002 failed"


def test_search_finds_the_moment_and_refuses_a_bad_key_with_the_same_words_everywhere(env: Env) -> None:
    from vsl_assets.search import SearchQueryError
    from vsl_assets.services.search import search

    [key] = _seed(env, "https://a.example.com/v")
    index = open_search(env.settings.database, engine=env.settings.search_backend)
    try:
        [group] = search(index, "garantia", key=key).vsls
        assert group.vsl.key == key and group.hits[0].start == 9.5
        with pytest.raises(SearchQueryError, match=r"'\.\./x' is not a partition key \(see `vsl status`\)"):
            search(index, "garantia", key="../x")
    finally:
        index.close()
