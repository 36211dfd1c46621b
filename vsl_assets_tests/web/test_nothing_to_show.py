"""Controls and columns with nothing to do or say are not shown (leftovers of the trials): arrows
on a board of one card or a list of one board, an empty Progress column in the queue, an empty
"link to this moment" box; and a long URL in the queue is one line, cut at its end, not broken
mid-word."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from vsl_assets.db.models import Job, Url
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed

ARROWS = re.compile(r'value="(?:up|down)" class="step"|class="step" title="Move (?:up|down)"')


def _keys(web: Web, n: int, status: str = "analyzed", video: Path | None = None) -> list[str]:
    with web.session() as s:
        return [seed(s, web.layout, Fake(f"https://v{i}.example.com/vsl", status=status), video) for i in range(n)]


def test_a_board_of_one_card_and_a_list_of_one_board_have_no_arrows(sqlite_web: Web) -> None:
    web = sqlite_web
    first, second = _keys(web, 2)
    web.login()
    bid = web.client.post("/api/boards", json={"name": "Chás"}, headers=web.bearer).json()["id"]
    web.client.post(f"/api/boards/{bid}/items", json={"partition_key": first}, headers=web.bearer)
    one = web.client.get(f"/boards/{bid}").text
    assert re.findall(r'<li class="vcard" id="item-([^"]+)"', one) == [first]
    assert not ARROWS.search(one) and 'class="grip"' not in one and 'draggable="true"' not in one
    listing = web.client.get("/boards").text
    assert f'id="board-{bid}"' in listing and not ARROWS.search(listing)

    web.client.post(f"/api/boards/{bid}/items", json={"partition_key": second}, headers=web.bearer)
    two = web.client.get(f"/boards/{bid}").text
    assert len(ARROWS.findall(two)) == 4 and two.count('class="grip"') == 2 and 'draggable="true"' in two
    web.client.post("/api/boards", json={"name": "Outro"}, headers=web.bearer)
    assert len(ARROWS.findall(web.client.get("/boards").text)) == 4


def _progress_head(page: str, table: str) -> str:
    found = re.search(rf'<table class="live" id="{table}">.*?<th scope="col" class="progress"([^>]*)>', page, re.S)
    assert found is not None
    return found.group(1)


def test_the_queue_has_no_progress_column_until_a_run_reports_one_and_cuts_long_urls(sqlite_web: Web) -> None:
    web = sqlite_web
    long = "https://www.example.com/produtos/" + "ritual-da-manha-" * 8 + "?utm_source=x"
    with web.session() as s:
        failed = seed(s, web.layout, Fake(long, status="failed", reason="no video player found on page"))
    web.login()
    page = web.client.get("/queue").text
    assert "data-unreported" in _progress_head(page, "failed")  # hidden (app.css): nothing to show in it
    row = page.split(f'data-poll-key="{failed}"')[1].split("</tr>")[0]
    cell = re.search(
        r'<td class="url" data-label="URL"><span class="url-short" title="([^"]+)">([^<]+)</span></td>', row
    )
    assert cell is not None
    assert cell.group(1).replace("&amp;", "&") == long  # the whole URL, kept
    assert cell.group(2) == long.removeprefix("https://")  # host first, no scheme
    css = (Path(__file__).parents[2] / "vsl_assets/web/static/app.css").read_text()
    assert ".live .url-short { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }" in css
    assert "table.live:has(th.progress[data-unreported]) .progress { display: none; }" in css

    [running] = _keys(web, 1, status="transcribing")
    with web.session() as s:
        url_id = s.scalar(select(Url.id).where(Url.partition_key == running))
        s.add(Job(url_id=url_id, step="transcript", outcome="running", heartbeat_at=datetime.now(UTC)))
    page = web.client.get("/queue").text
    assert "data-unreported" not in _progress_head(page, "running")
    assert "data-unreported" in _progress_head(page, "failed")


def test_the_vsl_page_shows_no_empty_moment_link_box(sqlite_web: Web, small_mp4: Path) -> None:
    web = sqlite_web
    [key] = _keys(web, 1, video=small_mp4)
    web.login()
    page = web.client.get(f"/vsl/{key}").text
    box = re.search(r'<input id="moment-link"[^>]*>', page)
    assert box is not None and " hidden " in box.group(0) and 'value=""' in box.group(0)
    assert 'id="copy-moment"' in page  # the button that makes the moment (app.js shows the box then)


def test_the_tokens_page_without_a_token_says_what_one_is_for(sqlite_web: Web) -> None:
    """A new user's API tokens page said only "Nothing here." under a form asking "What it is for"."""
    from sqlalchemy import delete

    from vsl_assets.db.web_models import ApiToken

    web = sqlite_web
    web.login()
    with web.session() as s:
        s.execute(delete(ApiToken))  # the fixture's own token
    page = web.client.get("/tokens").text
    assert "Nothing here." not in page
    assert re.search(r'<p class="empty" id="no-tokens">No token yet\. A token lets a script use the API', page)
    web.client.get("/lang/pt-BR")
    assert "Nenhum token ainda. Um token deixa um script usar a API em seu nome" in web.client.get("/tokens").text
