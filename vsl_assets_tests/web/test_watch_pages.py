"""The watch in the Swipe: changes feed and its API, the VSL page's panel and switch, library cards,
filters and sort, the board switch — on pages checked for real (a local page whose video changes)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from vsl_assets.db import Board, BreakdownRow, WatchEvent, WatchPage, repo
from vsl_assets.db.models import utcnow
from vsl_assets.net.urls import normalize_url
from vsl_assets.services import watch
from vsl_assets_tests.loopback import LOOPBACK
from vsl_assets_tests.services.watch_support import PageHost, video_page
from vsl_assets_tests.web.conftest import Web

CFG = watch.WatchConfig(host_interval_s=0, net=LOOPBACK)


def _changed_page(web: Web, page: PageHost) -> str:
    url = page.serve("/oferta/", video_page("https://cdn.example.com/a/index.m3u8"))
    with web.session() as s:
        [row] = repo.add_urls(s, [normalize_url(url)])
    watch.run_checks(web.session, CFG, partitions=None, keys=[row.partition_key])
    page.serve("/oferta/", video_page("https://cdn.example.com/b/index.m3u8", title="Pães Artesanais 2"))
    watch.run_checks(web.session, CFG, partitions=None, keys=[row.partition_key])
    return row.partition_key


def test_changes_feed_page_and_api_list_the_new_version_with_the_compare_link(sqlite_web: Web) -> None:
    web = sqlite_web
    assert web.client.get("/api/watch/events").status_code == 401
    assert web.client.get("/changes", follow_redirects=False).status_code == 303
    web.login()
    with PageHost() as page:
        key = _changed_page(web, page)
    html = web.client.get("/changes").text
    link = f"/compare?keys={key},{key}-v2&amp;mode=diff"
    assert "new VSL version" in html and link in html
    events = web.client.get("/api/watch/events", headers=web.bearer).json()
    assert [(e["kind"], e["vsl"], e["old_key"], e["new_key"]) for e in events] == [
        ("new_version", key, key, f"{key}-v2")
    ]
    assert events[0]["what_changed"] == f"/compare?keys={key},{key}-v2&mode=diff"
    assert web.client.get(events[0]["what_changed"]).status_code == 200  # the compare page answers it
    assert web.client.get("/api/watch/events", params={"niche": "saude"}, headers=web.bearer).json() == []
    assert web.client.get("/api/watch/events", params={"kind": "page_down"}, headers=web.bearer).json() == []
    assert web.client.get("/api/watch/events", params={"board": 0}, headers=web.bearer).status_code == 422
    web.client.cookies.set("vsl_lang", "pt-BR")
    assert "nova versão da VSL" in web.client.get("/changes").text


def test_vsl_page_panel_versions_and_switch(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    with PageHost() as page:
        key = _changed_page(web, page)
    html = web.client.get(f"/vsl/{key}").text
    life = re.search(r'id="watch-life">(.*?)</p>', html, re.S)
    assert life and " ".join(life.group(1).split()) == "live since today, 2 versions"
    assert f'href="/compare?keys={key},{key}-v2&amp;mode=diff"' in html
    assert f'href="/vsl/{key}-v2"' in html
    got = web.client.get(f"/api/vsls/{key}-v2/watch", headers=web.bearer).json()
    assert got["key"] == key and got["watched"] is True and [v["number"] for v in got["versions"]] == [2, 1]
    assert got["summary"] == "live since today, 2 versions"
    assert web.client.post(f"/vsl/{key}/watch", data={"on": "0"}, follow_redirects=False).status_code == 403
    done = web.client.post(f"/vsl/{key}/watch", data={"on": "0", "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert web.client.get(f"/api/vsls/{key}/watch", headers=web.bearer).json()["watched"] is False
    assert "Watch this page" in web.client.get(f"/vsl/{key}").text
    again = web.client.put(f"/api/vsls/{key}/watch", json={"on": True}, headers=web.bearer)
    assert again.status_code == 200 and again.json()["watched"] is True


def test_library_cards_filters_and_sort_by_days_live(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with PageHost() as page:
        key = _changed_page(web, page)
        other = page.serve("/outra/", video_page("https://cdn.example.com/c/index.m3u8"))
        with web.session() as s:
            [row] = repo.add_urls(s, [normalize_url(other)])
        watch.run_checks(web.session, CFG, partitions=None, keys=[row.partition_key])
    with web.session() as s:  # the first page has been live for 94 days
        url_id = repo.get_url(s, key).id
        s.execute(update(WatchPage).where(WatchPage.url_id == url_id).values(days_live=94))
        for event in s.scalars(select(WatchEvent)):
            event.at = event.at - timedelta(days=10)
    html = web.client.get("/").text
    shown = re.findall(r'data-key="([^"]+)"', html)
    assert sorted(shown) == sorted([key, row.partition_key])  # version 2 is on its page, not a card
    assert "live for 94 days, 2 versions" in " ".join(html.split())
    assert re.findall(r'data-key="([^"]+)"', web.client.get("/?days_live_min=30").text) == [key]
    assert re.findall(r'data-key="([^"]+)"', web.client.get("/?sort=-days_live").text) == [key, row.partition_key]
    assert re.findall(r'data-key="([^"]+)"', web.client.get("/?changed_days=30").text) == [key]
    assert re.findall(r'data-key="([^"]+)"', web.client.get("/?changed_days=7").text) == []
    api = web.client.get("/api/vsls", params={"days_live_min": 30}, headers=web.bearer).json()
    assert api["total"] == 1 and api["items"][0]["days_live"] == 94 and api["items"][0]["versions"] == 2
    assert web.client.get("/?days_live_min=-1").status_code == 422


def test_board_watch_switch(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    with web.session() as s:
        user_id = s.execute(select(Board.user_id)).scalar()  # none yet
        assert user_id is None
    made = web.client.post("/boards", data={"name": "Saúde", "csrf_token": csrf}, follow_redirects=False)
    board_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert "Watch this board" in web.client.get(f"/boards/{board_id}").text
    done = web.client.post(f"/boards/{board_id}/watch", data={"on": "1", "csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    html = web.client.get(f"/boards/{board_id}").text
    assert "Stop watching this board" in html
    with web.session() as s:
        assert watch.board_switch(s, board_id) is True
    assert web.client.post("/boards/999999/watch", data={"on": "1", "csrf_token": csrf}).status_code == 404


def test_breakdown_change_in_feed_shows_the_fields(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with PageHost() as page:
        key = _changed_page(web, page)
    with web.session() as s:
        for k, price in ((key, 197.0), (f"{key}-v2", 147.0)):
            s.add(
                BreakdownRow(
                    url_id=repo.get_url(s, k).id,
                    status="ok",
                    offer_amount=price,
                    offer_currency="BRL",
                    engine="local",
                    model="t",
                    data={},
                )
            )
    with web.session() as s:
        watch.compare_versions(s, watch.utcnow())
    html = " ".join(web.client.get("/changes?kind=price_changed").text.split())
    assert "price changed" in html and "price: 197 → 147" in html


def test_vsl_page_says_why_a_page_is_down_in_the_readers_language(sqlite_web: Web) -> None:
    """A trial: "fora do ar desde … — no video player found on page" (the reason left in English)."""
    web = sqlite_web
    web.login()
    with PageHost() as page:
        key = _changed_page(web, page)
    with web.session() as s:
        url_id = repo.require_url(s, key).id
        s.execute(
            update(WatchPage)
            .where(WatchPage.url_id == url_id)
            .values(down_since=utcnow(), down_reason="no video player found on page")
        )
    web.client.cookies.set("vsl_lang", "pt-BR")
    life = re.search(r'id="watch-life">(.*?)</p>', web.client.get(f"/vsl/{key}").text, re.S)
    assert life and "fora do ar desde" in life.group(1)
    assert "nenhum player de vídeo encontrado na página" in life.group(1).lower()
    assert 'title="no video player found on page"' in life.group(1)  # the raw reason kept beside it
