"""What an attacker or an unlucky user sends the web tier, and the answer they must get (sec16's
audit): text no database stores is a 400 that says so (never a 500) with nothing written, the login
page carries no words from its query string, a login ends the browser's earlier session, links
built from a reader's filters are encoded, an error page's way back stays on this site, a huge
request head is refused before the app, odd CSRF tokens and JSON numbers are refused (not 500s),
and a long search's address survives the login it leads to.

Each test fails on the code before its fix.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from vsl_assets.db import WatchEvent, repo
from vsl_assets.db.models import Url, utcnow
from vsl_assets.db.web_models import Board, LoginAttempt
from vsl_assets.net.guard import STRICT
from vsl_assets.services import intake
from vsl_assets.web import workers
from vsl_assets_tests.web.conftest import PASSWORD, Web, csrf_of, make_web
from vsl_assets_tests.web.seed import Fake, seed

UNSTORABLE = "the request holds a character that is not text (a NUL or an unpaired surrogate)"


def test_an_unpaired_surrogate_is_a_400_that_says_so_and_writes_nothing(sqlite_web: Web) -> None:
    """``"\\ud800"`` is valid JSON but not text: no database (nor the JSON answer) can encode it."""
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v", title="Kept title"))
    headers = {**web.bearer, "content-type": "application/json"}
    sent = [
        web.client.post("/api/boards", content=b'{"name": "a\\ud800b"}', headers=headers),
        web.client.post("/api/urls", content=b'{"urls": ["https://b.example.com/\\udc00"]}', headers=headers),
        web.client.patch(f"/api/vsls/{key}", content=b'{"title": "x\\ud800"}', headers=headers),
    ]
    for answer in sent:
        assert answer.status_code == 400, answer.text
        assert answer.json()["detail"].startswith(UNSTORABLE)
        assert "content-security-policy" in answer.headers
    with web.session() as s:
        assert s.scalar(select(func.count(Board.id))) == 0
        assert s.scalars(select(Url.url)).all() == ["https://a.example.com/v"]
    assert web.client.get(f"/api/vsls/{key}", headers=web.bearer).json()["title"] == "Kept title"
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 200  # the app serves on


@pytest.fixture
def pg_web(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    server = request.getfixturevalue("postgres")
    yield from make_web(server.create_database("web_hostile_nul"), tmp_path / "storage", monkeypatch)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_nul_character_is_a_400_on_postgresql_with_nothing_written(pg_web: Web) -> None:
    """PostgreSQL refuses NUL in text: a name, a note, a filter or a login name with one was a 500
    (an anonymous login too); now a 400 naming the problem, in the reader's language on pages."""
    web = pg_web
    anonymous = TestClient(web.client.app)
    token = csrf_of(anonymous.get("/login").text)
    login = anonymous.post("/login", data={"username": "ana\x00", "password": "x", "csrf_token": token})
    assert login.status_code == 400 and login.json()["detail"].startswith(UNSTORABLE)
    csrf = web.login()
    assert web.client.get("/api/vsls", params={"q": "a\x00b"}).json()["detail"].startswith(UNSTORABLE)
    assert web.client.get("/api/statuses", params={"keys": "a\x00"}).status_code == 400
    api = web.client.post("/api/boards", json={"name": "b\x00"}, headers=web.bearer)
    assert api.status_code == 400
    web.client.cookies.set("vsl_lang", "pt-BR")
    page = web.client.post("/boards", data={"name": "b\x00", "csrf_token": csrf}, headers={"accept": "text/html"})
    assert page.status_code == 400 and "caractere que não é texto" in page.text
    with web.session() as s:
        assert s.scalar(select(func.count(Board.id))) == 0
        assert s.scalar(select(func.count(LoginAttempt.id))) == 1  # ana's own login; the NUL one left none


def test_the_login_page_shows_no_words_from_its_query_string(sqlite_web: Web) -> None:
    """``/login?error=Call+us...`` put anyone's words in the page's alert, on this site's address."""
    page = sqlite_web.client.get("/login", params={"error": "Account locked: call 555-0100"})
    assert page.status_code == 200
    assert 'role="alert"' not in page.text
    assert "Account locked" not in re.sub(r'href="[^"]*"', "", page.text)
    wrong = sqlite_web.client.post(
        "/login", data={"username": "ana", "password": "wrong", "csrf_token": csrf_of(page.text)}
    )
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text  # our own message still shows


def test_logging_in_again_ends_the_session_the_browser_had(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    before = web.client.cookies["vsl_session"]
    web.login()
    after = web.client.cookies["vsl_session"]
    assert after != before
    assert TestClient(web.client.app, cookies={"vsl_session": before}).get("/api/vsls").status_code == 401
    assert web.client.get("/api/vsls").status_code == 200


def test_the_changes_feeds_next_page_link_encodes_its_filters(sqlite_web: Web) -> None:
    """A niche with ``&`` in it ("health & beauty") made the link's query another filter."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v", niche="health & beauty"))
        url_id = repo.require_url(s, key).id
        now = utcnow()
        s.add_all(WatchEvent(url_id=url_id, kind="page_down", at=now - timedelta(minutes=i)) for i in range(51))
    html = web.client.get("/changes", params={"niche": "health & beauty"}).text
    more = re.search(r'href="(/changes\?before=[^"]*)"', html)
    assert more, "no link to the next page"
    assert more.group(1).endswith("&amp;niche=health+%26+beauty")


def test_an_error_pages_way_back_never_leads_to_another_site(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    data = {"name": "x" * 500, "csrf_token": csrf}
    home = web.client.post("/boards", data=data, headers={"accept": "text/html", "referer": "http://testserver/boards"})
    assert home.status_code == 422 and 'href="/boards"' in home.text
    evil = web.client.post(
        "/boards", data=data, headers={"accept": "text/html", "referer": "http://testserver/\\evil.example.com/"}
    )
    assert evil.status_code == 422 and "evil.example.com" not in evil.text


@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/"])
def test_intake_warns_about_loopback_written_as_a_number(sqlite_web: Web, url: str) -> None:
    """The resolver reads ``2130706433`` and ``0x7f.1`` as 127.0.0.1: the fetch was refused, but
    the URL was stored without the warning a dotted 127.0.0.1 gets."""
    with sqlite_web.session() as s:
        report = intake.add_urls(s, [url], partitions=None, net=STRICT)
    [item] = report.items
    assert item.warning is not None and "resolves to a loopback address (127.0.0.1)" in item.warning


class _Transport(asyncio.Transport):
    """What a protocol writes, and whether it closed the connection."""

    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_the_server_refuses_a_request_head_over_its_cap_before_the_app_sees_it() -> None:
    """httptools (uvicorn's ``auto``) buffered a request line and headers of any size: 50 MB of
    headers from anyone held 50 MB of a worker's memory.  ``vsl web`` serves with a capped one."""
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    assert workers.http_protocol() == "vsl_assets.web.httphead:HeadCappedHttpTools"
    loop = asyncio.new_event_loop()
    try:
        config = uvicorn.Config(app, http=workers.http_protocol(), log_level="critical")
        config.load()

        def connect() -> tuple[HttpToolsProtocol, _Transport]:
            protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={}, _loop=loop)
            assert isinstance(protocol, HttpToolsProtocol)
            transport = _Transport()
            protocol.connection_made(transport)
            return protocol, transport

        protocol, transport = connect()
        protocol.data_received(b"GET /ok HTTP/1.1\r\nHost: x\r\nX-Fine: " + b"a" * 100_000 + b"\r\n\r\n")
        loop.run_until_complete(asyncio.sleep(0.05))
        assert seen == ["/ok"] and transport.written.startswith(b"HTTP/1.1 204")
        protocol, transport = connect()
        protocol.data_received(b"GET /big HTTP/1.1\r\nHost: x\r\nX-Huge: ")
        for _ in range(20):  # 1.25 MB of one header, in reads as the network delivers them
            protocol.data_received(b"a" * 65_536)
        assert transport.written.startswith(b"HTTP/1.1 431") and transport.closed
        assert b"at most 1 MiB" in transport.written
        assert seen == ["/ok"]  # the app never saw it
    finally:
        loop.close()


def test_a_csrf_token_that_is_not_ascii_is_refused_as_invalid_not_a_500(sqlite_web: Web) -> None:
    """``hmac.compare_digest`` raises on a non-ASCII str: the login form (anyone), a page's form
    and the API's header answered 500 for a token with an accent."""
    web = sqlite_web
    anonymous = TestClient(web.client.app)
    token = csrf_of(anonymous.get("/login").text)
    login = anonymous.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "é" + token})
    assert login.status_code == 403 and "CSRF" in login.json()["detail"]
    web.login()
    form = web.client.post("/boards", data={"name": "b", "csrf_token": "é"}, follow_redirects=False)
    header = web.client.post("/api/urls", json={"urls": []}, headers={"X-CSRF-Token": "é".encode("latin-1")})
    assert form.status_code == header.status_code == 403
    with web.session() as s:
        assert s.scalar(select(func.count(Board.id))) == 0


def test_a_number_json_cannot_carry_is_a_422_naming_it_not_a_500(sqlite_web: Web) -> None:
    """Python's JSON reads ``1e400`` (inf) and ``NaN``; the 422 that echoed them back could not be
    written as JSON and became a 500."""
    web = sqlite_web
    headers = {**web.bearer, "content-type": "application/json"}
    for body in (b'{"ids": [1e400]}', b'{"ids": [NaN]}'):
        answer = web.client.put("/api/boards/order", content=body, headers=headers)
        assert answer.status_code == 422, answer.text
        [error] = answer.json()["detail"]
        assert error["loc"] == ["body", "ids", 0] and error["input"] in ("inf", "nan")
    share = web.client.post("/api/boards", json={"name": "b"}, headers=web.bearer).json()["id"]
    days = web.client.post(f"/api/boards/{share}/shares", content=b'{"days": -Infinity}', headers=headers)
    assert days.status_code == 422 and days.json()["detail"][0]["input"] == "-inf"


def test_a_long_search_survives_the_login_that_it_led_to(sqlite_web: Web) -> None:
    """A search of 1,000 characters in Portuguese is over 3,000 percent-encoded: sent to log in
    from it, the login form's ``next`` was refused (422) at 2,000 and nobody could log in."""
    web = sqlite_web
    words = "ação " * 200
    redirected = web.client.get("/search", params={"q": words}, follow_redirects=False)
    target = redirected.headers["location"].split("next=", 1)[1]
    page = web.client.get("/login?next=" + target)
    next_value = re.search(r'name="next" value="([^"]+)"', page.text)
    assert next_value and len(next_value.group(1)) > 3000
    data = {"username": "ana", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": next_value.group(1)}
    done = web.client.post("/login", data=data, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/search?q=a%C3%A7%C3%A3o")
    assert web.client.get(done.headers["location"]).status_code == 200
