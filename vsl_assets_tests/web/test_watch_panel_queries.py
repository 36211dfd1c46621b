"""The VSL page's watch panel reads what it shows in one statement (it sent ten: the page's owner,
its schedule, the version counts, its key, the switches, the boards switched on, every later
version's id, the page's source, then the owner again and the versions), and shows the same:
longevity, the versions newest first with their "what changed" links, watched or not.

Checked on a page with three versions (a later one not live, one still waiting for the pipeline),
from the page and from a later version, with the URL's own switch, a board's, the default for a
sales page and for a stream pasted directly, a page that is down, and a URL never checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vsl_assets.db.models import Source, Url
from vsl_assets.db.watch_models import WatchPage, WatchSwitch, WatchVersion
from vsl_assets.db.web_models import Board, BoardItem
from vsl_assets.services import watch
from vsl_assets.web import watchview
from vsl_assets_tests.statements import sent_statements
from vsl_assets_tests.web.conftest import Web

PAGE = "shop-example-com-oferta"
DIRECT = "cdn-example-com-a-index-m3u8"
T = [datetime(2026, 11, d, 12, 0, tzinfo=UTC) for d in range(1, 29)]


@dataclass
class Ids:
    page: int
    v2: int
    v3: int
    direct: int
    board: int


def _add(web: Web) -> Ids:
    """A sales page seen in three versions (v2 no longer live, v3 not processed yet) and a
    stream pasted directly (not watched by default), both on a board."""
    with web.session() as s:
        page = Url(url="https://shop.example.com/oferta", partition_key=PAGE, status="analyzed", created_at=T[0])
        v2 = Url(url=page.url, partition_key=f"{PAGE}-v2", status="analyzed", created_at=T[5])
        v3 = Url(url=page.url, partition_key=f"{PAGE}-v3", status="pending_ingest", created_at=T[9])
        direct = Url(url="https://cdn.example.com/a/index.m3u8", partition_key=DIRECT, status="analyzed")
        s.add_all([page, v2, v3, direct])
        s.flush()
        s.add(Source(url_id=page.id, page_url=page.url, stream_url="https://cdn.example.com/x.m3u8", kind="vturb"))
        s.add(Source(url_id=direct.id, page_url=direct.url, stream_url=direct.url, kind="direct-hls"))
        for number, row, live, first, last, kind in (
            (1, page, True, T[0], T[9], "vturb"),
            (2, v2, False, T[5], T[6], "panda"),
            (3, v3, True, T[9], T[9], None),
        ):
            s.add(
                WatchVersion(
                    url_id=page.id,
                    number=number,
                    identity=f"id-{number}",
                    version_url_id=row.id,
                    source={"kind": kind} if kind else {},
                    first_seen_at=first,
                    last_seen_at=last,
                    live=live,
                )
            )
        s.add(
            WatchPage(
                url_id=page.id, host="shop.example.com", next_check_at=T[20], first_seen_at=T[0], last_live_at=T[9]
            )
        )
        board = Board(user_id=1, name="Ofertas")
        s.add(board)
        s.flush()
        s.add_all([BoardItem(board_id=board.id, url_id=page.id), BoardItem(board_id=board.id, url_id=direct.id)])
        return Ids(page.id, v2.id, v3.id, direct.id, board.id)


def _panel(web: Web, key: str, url_id: int, all_pages: bool = True) -> tuple[dict[str, Any], list[str]]:
    with web.session() as s, sent_statements(web.settings.database) as sent:
        shown = watchview.panel(s, key, all_pages, url_id)
    return shown, [" ".join(statement.split()) for statement, _ in sent]


def _life(web: Web, url_id: int, all_pages: bool = True) -> watch.Longevity:
    """What the cards and ``vsl watch`` read (``watch.longevity``): the panel must say the same."""
    with web.session() as s:
        return watch.longevity(s, [url_id], all_pages)[url_id]


def _utc(when: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (UTC); PostgreSQL aware ones."""
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _section(html: str) -> str:
    found = re.search(r'<section class="watch-panel" id="watch">.*?</section>', html, re.S)
    assert found, "no watch panel on the page"
    return " ".join(re.sub(r'name="csrf_token" value="[^"]+"', "", found.group(0)).split())


def test_the_watch_panel_is_one_statement_and_shows_the_page_and_its_versions(web: Web) -> None:
    web.login()
    ids = _add(web)
    for key, url_id in ((PAGE, ids.page), (f"{PAGE}-v2", ids.v2)):  # a later version shows its page's
        shown, statements = _panel(web, key, url_id)
        assert len(statements) == 1, statements
        view = shown["watch"]
        assert (view.key, view.watched, view.summary) == (PAGE, True, "live for 9 days, 3 versions")
        assert (_utc(view.first_seen_at), _utc(view.last_live_at), view.days_live, view.down_since) == (
            T[0],
            T[9],
            9,
            None,
        )
        assert [(v.number, v.key, v.status, v.live, v.player) for v in view.versions] == [
            (3, f"{PAGE}-v3", "pending_ingest", True, None),
            (2, f"{PAGE}-v2", "analyzed", False, "panda"),
            (1, PAGE, "analyzed", True, "vturb"),
        ]
        assert [(_utc(v.first_seen_at), _utc(v.last_seen_at)) for v in view.versions] == [
            (T[9], T[9]),
            (T[5], T[6]),
            (T[0], T[9]),
        ]
        assert shown["watch_pairs"] == {
            f"{PAGE}-v3": f"/compare?keys={PAGE}-v2,{PAGE}-v3&mode=diff",
            f"{PAGE}-v2": f"/compare?keys={PAGE},{PAGE}-v2&mode=diff",
        }
        life = _life(web, url_id)
        assert (view.key, view.watched, view.first_seen_at, view.last_live_at, view.summary) == (
            life.key,
            life.watched,
            life.first_seen_at,
            life.last_live_at,
            life.summary(),
        )
    html = _section(web.client.get(f"/vsl/{PAGE}-v2").text)
    assert "live for 9 days, 3 versions" in html
    assert [n for n in re.findall(r'data-version="(\d)"', html)] == ["3", "2", "1"]
    assert html.count('class="badge watch-on">live<') == 2 and "Stop watching" in html
    assert f'href="/compare?keys={PAGE}-v2,{PAGE}-v3&amp;mode=diff"' in html


def test_the_one_statement_panel_says_what_the_watch_rules_say(web: Web) -> None:
    """Watched: the URL's own switch wins, else a board switched on, else the default for a sales
    page (not for a stream pasted directly); down; never checked — as ``watch.longevity`` says."""
    ids = _add(web)

    def seen(key: str, url_id: int, all_pages: bool = True) -> tuple[Any, ...]:
        shown, statements = _panel(web, key, url_id, all_pages)
        assert len(statements) == 1, statements
        view, life = shown["watch"], _life(web, url_id, all_pages)
        assert (view.key, view.watched, view.down_since, view.down_reason, view.summary) == (
            life.key,
            life.watched,
            life.down_since,
            life.down_reason,
            life.summary(),
        )
        assert len(view.versions) == life.versions
        return view.watched, view.summary, len(view.versions)

    assert seen(DIRECT, ids.direct) == (False, "", 0)  # a stream pasted: nothing to re-check
    assert seen(PAGE, ids.page, all_pages=False) == (False, "live for 9 days, 3 versions", 3)
    with web.session() as s:
        s.add(WatchSwitch(board_id=ids.board, enabled=True))
    assert seen(DIRECT, ids.direct)[0] is True and seen(PAGE, ids.page, all_pages=False)[0] is True
    with web.session() as s:
        s.add_all([WatchSwitch(url_id=ids.direct, enabled=False), WatchSwitch(url_id=ids.page, enabled=False)])
    assert seen(DIRECT, ids.direct)[0] is False and seen(f"{PAGE}-v3", ids.v3)[0] is False
    with web.session() as s:
        page = s.get(WatchPage, ids.page)
        assert page is not None
        page.down_since, page.down_reason = T[12], "HTTP 404"
    assert seen(f"{PAGE}-v3", ids.v3) == (False, "down since 2026-11-13, 3 versions", 3)
