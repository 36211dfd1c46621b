"""An index that a new format recreated empty (here tantivy's word-pair field, schema 4) refills
itself from the database without the operator, and until it has, the search page, the API, the
CLI and ``vsl health`` say so instead of answering a silent "nothing" (real SQLite app database
and tantivy index)."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from vsl_assets import search as search_module
from vsl_assets.search import SearchQuery, VslDocument, search_path_for
from vsl_assets.search.backend import REBUILD_PENDING
from vsl_assets.search.tantivy_backend import TantivySearch
from vsl_assets.services import reindex as reindex_module
from vsl_assets.services.reindex import rebuild_in_background, rebuild_progress, reindex, wait_for_rebuilds
from vsl_assets_tests.search.layouts import tantivy_before_word_pairs
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, search_of, seed

SAID = [(0.0, 4.0, "Garantia de trinta dias na oferta."), (4.0, 9.0, "O ritual leva cinco minutos.")]


def _seed(web: Web, n: int, first: int = 0) -> list[str]:
    with web.session() as s:
        keys = [
            seed(s, web.layout, Fake(f"https://v{i}.example/ritual", title=f"Ritual {i}", segments=SAID))
            for i in range(first, first + n)
        ]
        index_all(s, web.settings, keys)
    return keys


def _make_it_the_layout_before_word_pairs(web: Web) -> Path:
    """Turn the index into one written before the pair field (side table schema 3, a tantivy index
    without "pairs"), as ``test_tantivy``'s upgrade test does, and forget this process's open
    backend: the next use opens it as a process started after the upgrade does."""
    search_of(web.settings).close()
    search_module._shared.clear()
    path = search_path_for(web.settings.database, "tantivy")
    tantivy_before_word_pairs(path)
    return path


def _notice(page: str) -> str | None:
    found = re.search(r'<p class="flash" role="status" id="search-rebuilding">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def _keys(page: str) -> list[str]:
    return re.findall(r'<li class="result" data-key="([^"]+)"', page)


def test_an_index_of_the_old_format_refills_itself_and_search_says_so_meanwhile(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = sqlite_web
    keys = _seed(web, 3)
    web.login()
    assert sorted(_keys(web.client.get("/search", params={"q": "ritual"}).text)) == sorted(keys)
    _make_it_the_layout_before_word_pairs(web)

    hold = threading.Event()  # the rebuild waits until the test has seen the page meanwhile
    real = reindex_module._rebuild

    def held(*args: object) -> None:
        assert hold.wait(30)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(reindex_module, "_rebuild", held)
    try:
        pt = web.client.get("/search", params={"q": "ritual"}, headers={"Accept-Language": "pt-BR"}).text
        assert _keys(pt) == []  # recreated empty: nothing yet, and the page says why
        assert _notice(pt) == (
            "O índice de busca está sendo refeito depois de uma atualização: 0 de 3 VSLs até agora. "
            "Os resultados ficam incompletos até ele terminar."
        )
        en = web.client.get("/search", headers={"Accept-Language": "en"}).text
        assert _notice(en) == (
            "The search index is being rebuilt after an upgrade: 0 of 3 VSLs so far. "
            "Results are incomplete until it is done."
        )
        api = web.client.get("/api/search", params={"q": "ritual"}, headers=web.bearer)
        assert api.status_code == 200 and api.json() == []
        assert api.headers["X-Search-Index-Rebuilding"] == "0 of 3 VSLs"
        assert "being rebuilt after an upgrade" in api.headers["Warning"]
    finally:
        hold.set()
        wait_for_rebuilds(30)

    # Filled by itself (no `vsl reindex`): every VSL is found again, phrases too, and no notice.
    page = web.client.get("/search", params={"q": '"garantia de trinta dias"'}, headers={"Accept-Language": "en"}).text
    assert sorted(_keys(page)) == sorted(keys)
    assert _notice(page) is None
    api = web.client.get("/api/search", params={"q": "ritual"}, headers=web.bearer)
    assert sorted({row["partition_key"] for row in api.json()}) == sorted(keys)
    assert "X-Search-Index-Rebuilding" not in api.headers


def test_the_web_app_starting_refills_it_before_anyone_searches(sqlite_web: Web) -> None:
    # `vsl up` / `vsl web` after the upgrade: the rebuild starts as the app starts.
    from vsl_assets.web import create_app

    web = sqlite_web
    keys = _seed(web, 2)
    _make_it_the_layout_before_word_pairs(web)
    create_app(web.settings)
    wait_for_rebuilds(30)
    index = search_of(web.settings)
    assert index.keys() == set(keys)
    assert rebuild_progress(sessions=web.session, index=index) is None
    assert index.search(SearchQuery(text='"garantia de trinta dias"')).total_vsls == 2


def test_a_vsl_a_run_indexed_during_the_pass_is_not_dropped_as_stale(sqlite_web: Web) -> None:
    # The pass reads the database once at its start; a run that adds a VSL meanwhile indexes it
    # itself, and the pass must not take it for one the database no longer has.
    web = sqlite_web
    first = _seed(web, 2)
    index = search_of(web.settings)
    added: list[str] = []

    class RunMeanwhile(TantivySearch):
        def index_many(self, docs: Iterable[VslDocument]) -> int:
            done = super().index_many(docs)
            added.extend(_seed(web, 1, first=10) if not added else [])  # seeded and indexed as a run does
            return done

    assert isinstance(index, TantivySearch)
    report = reindex(
        sessions=web.session,
        index=RunMeanwhile(index.path),
        min_confidence=web.settings.breakdown_min_confidence,
    )
    assert report.stale == []
    assert index.keys() == {*first, *added}


def test_the_cli_and_health_say_the_index_is_being_rebuilt(sqlite_web: Web, capsys: pytest.CaptureFixture[str]) -> None:
    from vsl_assets.cli.search import cmd_search
    from vsl_assets.scaleout.health import check_search

    web = sqlite_web
    _seed(web, 2)
    _make_it_the_layout_before_word_pairs(web)
    index = search_of(web.settings)  # reopened: recreated empty, marked for the rebuild
    assert rebuild_progress(sessions=web.session, index=index) is not None
    health = check_search(web.settings)
    assert health.ok
    assert "being rebuilt after an upgrade: 0 of 2 VSLs so far" in health.detail
    assert "run `vsl reindex`" in health.detail  # nobody is filling it yet
    args = _cli_args("ritual")
    cmd_search(args, web.settings)
    out = capsys.readouterr()
    assert "no match" in out.out
    assert "note: the search index is being rebuilt after an upgrade: 0 of 2 VSLs so far" in out.err

    reindex(sessions=web.session, index=index, min_confidence=web.settings.breakdown_min_confidence)  # by hand
    assert rebuild_progress(sessions=web.session, index=index) is None
    assert "being rebuilt" not in check_search(web.settings).detail


def _cli_args(query: str) -> object:
    import argparse

    return argparse.Namespace(
        query=query,
        lang=None,
        niche=None,
        lead=None,
        awareness=None,
        key=None,
        limit=20,
        page=1,
        pitch_min=None,
        pitch_max=None,
        price_min=None,
        price_max=None,
        currency=None,
        json=False,
    )


# -- the rebuild's lease: an owner on another host that stopped beating is taken over -----------

OTHER_HOST = "another-host:4242:99"


def _marked(web: Web, state: str) -> TantivySearch:
    """The index recreated by a new format, its mark set to ``state`` (as another process left it)."""
    _seed(web, 2)
    _make_it_the_layout_before_word_pairs(web)
    index = search_of(web.settings)
    assert isinstance(index, TantivySearch)
    assert index.set_rebuild_state(REBUILD_PENDING, state)
    return index


def _in_background(web: Web, index: TantivySearch) -> reindex_module.RebuildProgress | None:
    return rebuild_in_background(
        sessions=web.session, index=index, min_confidence=web.settings.breakdown_min_confidence
    )


def test_a_rebuild_whose_owner_on_another_host_stopped_beating_is_taken_over(sqlite_web: Web) -> None:
    # worker_alive cannot see a pid of another host: before the lease, this mark stayed "running" forever.
    stale = time.time() - 3600  # an hour without a beat
    index = _marked(sqlite_web, f"running {OTHER_HOST} {stale:.0f}")
    progress = rebuild_progress(sessions=sqlite_web.session, index=index)
    assert progress is not None and not progress.running  # nobody is filling it: search says how to
    _in_background(sqlite_web, index)
    wait_for_rebuilds(30)
    assert index.rebuild_state() is None
    assert len(index.keys()) == 2
    assert rebuild_progress(sessions=sqlite_web.session, index=index) is None


def test_a_rebuild_of_another_host_that_beats_is_left_to_it(sqlite_web: Web) -> None:
    mark = f"running {OTHER_HOST} {time.time():.0f}"
    index = _marked(sqlite_web, mark)
    progress = _in_background(sqlite_web, index)
    wait_for_rebuilds(30)
    assert progress is not None and progress.running and progress.indexed == 0
    assert index.rebuild_state() == mark and index.keys() == set()


def test_the_owner_beats_as_the_pass_goes_on_and_stops_when_taken_over(tmp_path: Path) -> None:
    start = 1_000_000.0
    index = TantivySearch(tmp_path / "search")  # the mark alone: no app, no VSLs
    assert index.set_rebuild_state(None, f"running me:1:2 {start:.0f}")
    lease = reindex_module.RebuildLease(index, f"running me:1:2 {start:.0f}", "me:1:2")
    assert lease.beat(now=start + 30)  # nothing read since: no beat written
    assert index.rebuild_state() == f"running me:1:2 {start:.0f}"
    lease.progressed()
    assert lease.beat(now=start + 60)
    assert index.rebuild_state() == f"running me:1:2 {start + 60:.3f}"
    assert not reindex_module._abandoned(index.rebuild_state() or "", now=start + 60 + reindex_module.LEASE_S)
    assert reindex_module._abandoned(index.rebuild_state() or "", now=start + 61 + reindex_module.LEASE_S)
    # Another process took it over: the next beat finds its mark, and the pass stops at its next VSL.
    assert index.set_rebuild_state(f"running me:1:2 {start + 60:.3f}", f"running {OTHER_HOST} {start + 200:.0f}")
    lease.progressed()
    assert not lease.beat(now=start + 210)
    assert index.rebuild_state() == f"running {OTHER_HOST} {start + 200:.0f}"
    with pytest.raises(reindex_module.LeaseLost):
        lease.progressed()


def test_a_rebuild_writes_its_beat_while_it_runs(sqlite_web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real rebuild thread and its beat thread: the mark's beat moves while the pass is under way.
    web = sqlite_web
    _seed(web, 2)
    _make_it_the_layout_before_word_pairs(web)
    monkeypatch.setattr(reindex_module, "BEAT_S", 0.05)
    base = search_of(web.settings)
    assert isinstance(base, TantivySearch)
    seen: list[str | None] = []

    class Slow(TantivySearch):
        def index_many(self, docs: Iterable[VslDocument]) -> int:
            pending = iter(docs)
            first = next(pending)  # read: the lease was told; wait (outside the write) for its beat
            if seen:  # the second pass, which holds no lease
                return super().index_many([first, *pending])
            taken = self.rebuild_state() or ""
            for _ in range(3000):
                state = self.rebuild_state()
                if state != taken:
                    break
                time.sleep(0.01)
            seen.extend([taken, state])
            return super().index_many([first, *pending])

    index = Slow(base.path)
    index.set_rebuild_state(REBUILD_PENDING, f"running {OTHER_HOST} 0")  # an owner gone long ago
    rebuild_in_background(sessions=web.session, index=index, min_confidence=web.settings.breakdown_min_confidence)
    wait_for_rebuilds(30)
    taken, beaten = seen[0], seen[1]
    assert taken is not None and beaten is not None
    assert taken.split(" ")[:2] == beaten.split(" ")[:2] == ["running", reindex_module.current_worker()]
    assert beaten != taken and float(beaten.split(" ")[2]) >= float(taken.split(" ")[2])
    assert index.rebuild_state() is None and len(index.keys()) == 2
