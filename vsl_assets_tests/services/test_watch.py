"""The watch at the service level: real pages on 127.0.0.1 whose embed changes between checks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from vsl_assets.db import Url, UrlStatus, WatchCheck, WatchEvent, WatchPage, WatchVersion, repo
from vsl_assets.db.models import BreakdownRow, utcnow
from vsl_assets.net.urls import normalize_url
from vsl_assets.services import watch
from vsl_assets.services.watch import WatchConfig, run_checks
from vsl_assets_tests.loopback import LOOPBACK
from vsl_assets_tests.services.conftest import Env
from vsl_assets_tests.services.watch_support import PageHost, panda_page, video_page, vturb_page, vturb_script

ACCOUNT = "0b7e5c1d-2f3a-4b5c-8d9e-0f1a2b3c4d5e"
PLAYER = "6750b2c3d4e5f6a7b8c9d0e1"
VIDEO_A = "6750a1b2c3d4e5f6a7b8c9aa"
VIDEO_B = "6750a1b2c3d4e5f6a7b8c9bb"
PANDA_A = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
PANDA_B = "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"

#: The test servers are on 127.0.0.1: the checks get the loopback-allowing policy, said explicitly.
CFG = WatchConfig(host_interval_s=0.0, check_timeout_s=5.0, net=LOOPBACK)


@pytest.fixture
def hosts() -> Iterator[tuple[PageHost, PageHost]]:
    with PageHost() as page, PageHost() as cdn:
        yield page, cdn


def _add(env: Env, url: str) -> str:
    with env.sessions() as s:
        [row] = repo.add_urls(s, [normalize_url(url)])
    return row.partition_key


def _run(env: Env, *keys: str, cfg: WatchConfig = CFG) -> watch.RunSummary:
    return run_checks(env.sessions, cfg, partitions=env.partitions, keys=list(keys) or None)


def _versions(env: Env, key: str) -> list[tuple[int, str, bool]]:
    with env.sessions() as s:
        url = repo.get_url(s, key)
        assert url is not None
        rows = s.execute(
            select(WatchVersion.number, Url.partition_key, WatchVersion.live)
            .join(Url, Url.id == WatchVersion.version_url_id)
            .where(WatchVersion.url_id == url.id)
            .order_by(WatchVersion.number)
        ).all()
    return [tuple(r) for r in rows]


def _events(env: Env) -> list[WatchEvent]:
    with env.sessions() as s:
        rows = list(s.scalars(select(WatchEvent).order_by(WatchEvent.id)))
        s.expunge_all()
    return rows


def _vturb(page: PageHost, cdn: PageHost, video: str, delay: int = 840) -> str:
    page.serve(
        f"/{ACCOUNT}/players/{PLAYER}/v4/player.js",
        vturb_script(ACCOUNT, PLAYER, video, cdn.base_url),
        content_type="application/javascript",
    )
    return page.serve("/oferta/", vturb_page(page.base_url, ACCOUNT, PLAYER, delay))


def test_unchanged_page_and_player_config_answer_304_and_nothing_is_parsed_or_added(env: Env, hosts) -> None:
    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    first = _run(env, key)
    assert (first.checked, first.changed, first.not_modified, first.failed) == (1, 0, 0, 0)
    assert first.requests == 2  # the page and the vturb player.js: never the stream
    assert _versions(env, key) == [(1, key, True)]

    second = _run(env, key)
    assert (second.checked, second.not_modified, second.changed) == (1, 1, 0)
    assert second.requests == 2
    # Both documents were asked conditionally and answered 304 (no body sent, none parsed).
    for path in ("/oferta/", f"/{ACCOUNT}/players/{PLAYER}/v4/player.js"):
        last = page.hits(path)[-1]
        assert last.status == 304 and last.headers.get("if-none-match")
    assert cdn.seen == []  # no playlist, no segment, no video: nothing downloaded
    assert _versions(env, key) == [(1, key, True)]
    with env.sessions() as s:
        outcomes = [c.outcome for c in s.scalars(select(WatchCheck).order_by(WatchCheck.id))]
        check = s.scalars(select(WatchCheck).order_by(WatchCheck.id)).first()
        assert check is not None
        assert check.player == "vturb" and check.page_offer_s == 840
        assert check.title and "Horta" in check.title and check.etag
    assert outcomes == ["same", "not_modified"]


def test_vturb_video_swapped_in_player_config_is_a_new_version_once(env: Env, hosts) -> None:
    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    _run(env, key)
    _vturb(page, cdn, VIDEO_B)  # the page is byte-identical (its ETag answers 304); the config is not
    summary = _run(env, key)
    assert summary.changed == 1 and summary.new_versions == [f"{key}-v2"]
    assert env.partitions.registered == [f"{key}-v2"] and env.partitions.orphans == []
    # The old video is no longer live the moment the new one is found (it was for 3 more checks).
    assert _versions(env, key) == [(1, key, False), (2, f"{key}-v2", True)]
    again = _run(env, key)
    assert again.new_versions == [] and again.not_modified == 1
    assert _versions(env, key) == [(1, key, False), (2, f"{key}-v2", True)]
    with env.sessions() as s:
        row = repo.get_url(s, f"{key}-v2")
        assert row is not None and row.status == UrlStatus.PENDING_INGEST and row.url == repo.get_url(s, key).url
        version = s.scalar(select(WatchVersion).where(WatchVersion.number == 2))
        assert version is not None and VIDEO_B in version.source["stream_url"]
        assert version.source["kind"] == "vturb"
    [event] = [e for e in _events(env) if e.kind == "new_version"]
    assert (event.old_key, event.new_key) == (key, f"{key}-v2")
    assert _run(env, key).new_versions == []
    assert _versions(env, key) == [(1, key, False), (2, f"{key}-v2", True)]
    assert cdn.seen == []


def test_panda_iframe_changed_is_a_new_version(env: Env, hosts) -> None:
    page, _cdn = hosts
    url = page.serve("/aula/", panda_page(PANDA_A))
    key = _add(env, url)
    _run(env, key)
    page.serve("/aula/", panda_page(PANDA_B))
    summary = _run(env, key)
    assert summary.new_versions == [f"{key}-v2"]
    with env.sessions() as s:
        version = s.scalar(select(WatchVersion).where(WatchVersion.number == 2))
        assert version is not None and PANDA_B in version.source["stream_url"]
        assert version.source["kind"] == "panda"


def test_page_404_is_down_then_back_up(env: Env, hosts) -> None:
    page, cdn = hosts
    url = page.serve("/pao/", video_page(cdn.url("/v/a/index.m3u8")))
    key = _add(env, url)
    _run(env, key)
    page.routes["/pao/"].status = 404
    down = _run(env, key)
    assert down.down == 1
    with env.sessions() as s:
        state = s.get(WatchPage, repo.get_url(s, key).id)
        assert state is not None and state.down_since is not None and "404" in (state.down_reason or "")
    assert _versions(env, key) == [(1, key, False)]
    page.routes["/pao/"].status = 200
    back = _run(env, key)
    assert back.new_versions == []
    assert [e.kind for e in _events(env)] == ["page_down", "back_up"]
    assert _versions(env, key) == [(1, key, True)]
    with env.sessions() as s:
        state = s.get(WatchPage, repo.get_url(s, key).id)
        assert state is not None and state.down_since is None
        longevity = watch.longevity(s, [state.url_id], True)[state.url_id]
    assert longevity.days_live == 0 and longevity.versions == 1 and longevity.down_since is None


def test_ab_page_keeps_both_variants_live(env: Env, hosts) -> None:
    page, cdn = hosts
    url = page.serve("/ab/", video_page(cdn.url("/v/a/index.m3u8")), video_page(cdn.url("/v/b/index.m3u8")))
    key = _add(env, url)
    _run(env, key)
    _run(env, key)  # variant b first seen: a is not seen since, so not live until it is served again
    assert _versions(env, key) == [(1, key, False), (2, f"{key}-v2", True)]
    for _ in range(2):
        _run(env, key)
    assert _versions(env, key) == [(1, key, True), (2, f"{key}-v2", True)]
    with env.sessions() as s:
        assert s.scalar(select(func.count(WatchVersion.id))) == 2
        assert s.scalar(select(func.count(Url.id))) == 2
    assert cdn.seen == []


def test_transient_failures_back_off_then_count_as_down(env: Env, hosts) -> None:
    page, cdn = hosts
    url = page.serve("/flaky/", video_page(cdn.url("/v/a/index.m3u8")))
    key = _add(env, url)
    _run(env, key)
    page.routes["/flaky/"].status = 503
    delays = []
    for _ in range(3):
        before = utcnow()
        summary = _run(env, key, cfg=WatchConfig(host_interval_s=0, net=LOOPBACK, retry_s=600, down_after=3))
        assert summary.failed == 1
        with env.sessions() as s:
            state = s.get(WatchPage, repo.get_url(s, key).id)
            assert state is not None
            delays.append((watch._aware(state.next_check_at) - before).total_seconds())
    assert delays[0] == pytest.approx(600, abs=5) and delays[1] == pytest.approx(1200, abs=5)
    assert delays[2] == pytest.approx(2400, abs=5)
    assert [e.kind for e in _events(env)] == ["page_down"]


@pytest.mark.slow
def test_slow_and_hostile_pages_do_not_hold_the_run(env: Env, hosts) -> None:
    page, cdn = hosts
    good = _add(env, page.serve("/good/", video_page(cdn.url("/v/a/index.m3u8"))))
    drip = _add(env, page.serve("/drip/", video_page(cdn.url("/v/b/index.m3u8")), drip_s=0.2))
    with PageHost() as other:
        slow = _add(env, other.serve("/slow/", video_page(cdn.url("/v/c/index.m3u8")), delay_s=30))
        start = time.monotonic()
        summary = _run(env, good, drip, slow, cfg=WatchConfig(host_interval_s=0, net=LOOPBACK, check_timeout_s=2.0))
        took = time.monotonic() - start
    assert took < 25, took
    assert summary.checked == 3 and summary.failed == 2
    assert _versions(env, good) == [(1, good, True)]
    with env.sessions() as s:
        errors = {c.outcome: c.error for c in s.scalars(select(WatchCheck).where(WatchCheck.outcome == "error"))}
    assert "did not respond in time" in (errors.get("error") or "")


def test_due_pages_respect_the_interval_and_the_switches(env: Env, hosts) -> None:
    page, cdn = hosts
    a = _add(env, page.serve("/a/", video_page(cdn.url("/v/a/index.m3u8"))))
    stream = _add(env, cdn.url("/v/direct/index.m3u8"))
    with env.sessions() as s:
        watched = {k for _i, k, _u in watch.watched_pages(s, True)}
    assert watched == {a}  # a stream pasted directly has no page to re-check
    first = run_checks(env.sessions, CFG, partitions=None)
    assert first.checked == 1
    assert run_checks(env.sessions, CFG, partitions=None).checked == 0  # not due for a day
    with env.sessions() as s:
        state = s.get(WatchPage, repo.get_url(s, a).id)
        assert state is not None
        wait = (watch._aware(state.next_check_at) - utcnow()).total_seconds()
        assert 86400 - 5 <= wait <= 86400 * 1.1 + 5
        watch.set_switch(s, url_ids=[state.url_id], on=False)
        watch.set_switch(s, url_ids=[repo.get_url(s, stream).id], on=True)
        watched = {k for _i, k, _u in watch.watched_pages(s, True)}
    assert watched == {stream}


def test_breakdown_changes_become_events_and_the_webhook_gets_them(env: Env, hosts) -> None:
    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    _run(env, key)
    _vturb(page, cdn, VIDEO_B)
    _run(env, key)
    with env.sessions() as s:
        for k, price, days in ((key, 197.0, 7), (f"{key}-v2", 97.0, 30)):
            url = repo.get_url(s, k)
            assert url is not None
            s.add(
                BreakdownRow(
                    url_id=url.id,
                    status="ok",
                    offer_amount=price,
                    offer_currency="BRL",
                    guarantee_days=days,
                    pitch_s=900.0,
                    duration_s=1500.0,
                    engine="local",
                    model="test",
                    data={},
                )
            )
    with PageHost() as hook:
        cfg = WatchConfig(host_interval_s=0, net=LOOPBACK, webhook_url=hook.url("/hooks/vsl"))
        summary = _run(env, key, cfg=cfg)
        assert summary.webhook_sent == 3 and summary.webhook_failed == 0
        bodies = [json.loads(r.body) for r in hook.seen]
    kinds = [b["kind"] for b in bodies]
    assert kinds == ["new_version", "price_changed", "guarantee_changed"]
    price = bodies[1]
    assert price["vsl"] == key and price["old_key"] == key and price["new_key"] == f"{key}-v2"
    assert price["detail"]["changes"] == [{"field": "offer_amount", "old": 197.0, "new": 97.0}]
    assert price["what_changed"] == f"/compare?keys={key},{key}-v2&mode=diff"
    assert price["text"] == f"{key}: price changed — price 197 → 97"
    assert all(e.webhook == "sent" for e in _events(env))


def test_webhook_failures_are_recorded_and_given_up(env: Env, hosts) -> None:
    page, _cdn = hosts
    key = _add(env, page.serve("/aula/", panda_page(PANDA_A)))
    _run(env, key)
    page.routes["/aula/"].status = 410
    with PageHost() as hook:
        hook_url = hook.url("/nowhere")  # answers 404 to a POST? it answers 200: use a closed port below
    cfg = WatchConfig(host_interval_s=0, net=LOOPBACK, webhook_url=hook_url, webhook_attempts=2, webhook_timeout_s=1)
    _run(env, key, cfg=cfg)
    [event] = _events(env)
    assert event.kind == "page_down" and event.webhook == "failed" and event.webhook_attempts == 1
    assert event.webhook_error == "ConnectError" and "nowhere" not in (event.webhook_error or "")
    _run(env, key, cfg=cfg)
    [event] = _events(env)
    assert event.webhook == "gave_up" and event.webhook_attempts == 2
    _run(env, key, cfg=cfg)
    assert _events(env)[0].webhook_attempts == 2  # not retried forever


def test_feed_lists_events_newest_first_with_the_compare_link(env: Env, hosts) -> None:
    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    _run(env, key)
    _vturb(page, cdn, VIDEO_B)
    _run(env, key)
    with env.sessions() as s:
        [item] = watch.feed(s)
        assert item.kind == "new_version" and item.what_changed == f"/compare?keys={key},{key}-v2&mode=diff"
        assert watch.feed(s, niche="saude") == []
        life, versions = watch.page_watch(s, repo.get_url(s, f"{key}-v2").id, True)
        assert [v.number for v in versions] == [2, 1] and life.key == key
        ids = {repo.get_url(s, key).id, repo.get_url(s, f"{key}-v2").id}
        for life in watch.longevity(s, ids, True).values():
            assert life.versions == 2 and life.key == key
            assert life.summary() == "live since today, 2 versions"
        since = utcnow() - timedelta(days=1)
        assert set(s.scalars(watch.changed_since_ids(s, since))) == {repo.get_url(s, key).id}


def test_removing_a_page_removes_its_versions(env: Env, hosts) -> None:
    from vsl_assets.search import open_search
    from vsl_assets.services.removal import Removed, remove_urls
    from vsl_assets.storage.objectstore import store_for

    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    _run(env, key)
    _vturb(page, cdn, VIDEO_B)
    _run(env, key)
    index = open_search(env.settings.database, engine=env.settings.search_backend)
    try:
        done = remove_urls(
            [key], sessions=env.sessions, store=store_for(env.settings), index=index, partitions=env.partitions
        )
    finally:
        index.close()
    assert [(r.key, r.outcome) for r in done] == [(key, Removed.REMOVED), (f"{key}-v2", Removed.REMOVED)]
    with env.sessions() as s:
        assert s.scalar(select(func.count(Url.id))) == 0
        assert s.scalar(select(func.count(WatchVersion.id))) == 0
        assert s.scalar(select(func.count(WatchEvent.id))) == 0
    assert env.partitions.removed == [key, f"{key}-v2"]


def test_offer_second_moved_is_one_event_from_the_check_not_again_from_the_breakdowns(env: Env, hosts) -> None:
    page, cdn = hosts
    key = _add(env, _vturb(page, cdn, VIDEO_A))
    _run(env, key)
    _vturb(page, cdn, VIDEO_B, delay=600)
    _run(env, key)
    with env.sessions() as s:
        for k, second in ((key, 840.0), (f"{key}-v2", 600.0)):
            s.add(
                BreakdownRow(
                    url_id=repo.get_url(s, k).id, status="ok", page_pitch_s=second, engine="l", model="t", data={}
                )
            )
    _run(env, key)
    kinds = [(e.kind, e.detail.get("old"), e.detail.get("new")) for e in _events(env)]
    assert kinds == [("new_version", None, None), ("offer_second_changed", 840.0, 600.0)]


def test_a_page_found_only_by_ytdlp_whose_player_is_gone_is_down(env: Env, hosts) -> None:
    page, _cdn = hosts
    key = _add(
        env,
        page.serve(
            "/sem-video/", "<!DOCTYPE html><html><head><title>Oferta</title></head><body><p>Em breve.</p></body></html>"
        ),
    )
    with env.sessions() as s:
        url = repo.get_url(s, key)
        s.add(
            watch.Source(
                url_id=url.id, page_url=url.url, stream_url="https://cdn.example.com/v.mp4", kind="yt-dlp:generic"
            )
        )
    summary = _run(env, key)
    assert summary.down == 1
    with env.sessions() as s:
        check = s.scalars(select(WatchCheck)).one()
        assert check.outcome == "down" and "no video" in (check.error or "")


def test_the_guard_refuses_a_private_page_and_nothing_reaches_it(env: Env, hosts, monkeypatch) -> None:
    page, cdn = hosts
    key = _add(env, page.serve("/interno/", video_page(cdn.url("/v/a/index.m3u8"))))
    summary = _run(env, key, cfg=WatchConfig(host_interval_s=0.0, check_timeout_s=5.0))  # production's policy
    assert summary.down == 1 and page.seen == []
    with env.sessions() as s:
        check = s.scalars(select(WatchCheck)).one()
    assert check.outcome == "down" and "127.0.0.1" in (check.error or "")


def test_a_url_that_failed_before_any_player_was_found_is_not_watched_by_default(env: Env) -> None:
    """A ``.txt`` address (or a page without a video) failed at its first step: re-checking it would
    only put "page down" on the Changes feed for a page that never had a video."""
    notes = _add(env, "https://pages.example.com/notes.txt")
    waiting = _add(env, "https://pages.example.com/oferta/")
    with env.sessions() as s:
        repo.set_status(s, [notes], UrlStatus.FAILED)
        assert {k for _i, k, _u in watch.watched_pages(s, True)} == {waiting}  # not processed yet: still watched
        notes_id = repo.get_url(s, notes).id
        assert watch.page_watch(s, notes_id, True)[0].watched is False
        watch.set_switch(s, url_ids=[notes_id], on=True)  # the operator's own switch still wins
        assert {k for _i, k, _u in watch.watched_pages(s, True)} == {notes, waiting}
        assert watch.page_watch(s, notes_id, True)[0].watched is True
