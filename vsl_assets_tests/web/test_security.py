"""The attacks of issue 26, each reproduced and refused: session lifecycle, tokens, limits before
work, the Add page's size, huge integers, the login throttle, files and caching, the Dagster UI.

Every test sends what an attacker (or an unlucky user) would send and asserts the refusal and its
reason; the assertions fail on the code before the fix.
"""

from __future__ import annotations

import argparse
import io
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from vsl_assets import settings as settings_module
from vsl_assets.cli import build_parser
from vsl_assets.db import dispose_all
from vsl_assets.db.models import Url, utcnow
from vsl_assets.db.web_models import AddBatch, ApiToken, LoginAttempt, WebSession
from vsl_assets.web import create_app
from vsl_assets.web.commands import register
from vsl_assets.web.throttle import ThrottlePolicy
from vsl_assets.web.users import add_user
from vsl_assets_tests.web.conftest import PASSWORD, Web, csrf_of, make_web
from vsl_assets_tests.web.seed import Fake, seed

HEADERS = ("x-content-type-options", "x-frame-options", "content-security-policy", "referrer-policy")


def _cli() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vsl")
    register(parser.add_subparsers(dest="command", required=True))
    return parser


def _login(client: TestClient, user: str = "ana", password: str = PASSWORD) -> str:
    token = csrf_of(client.get("/login").text)
    done = client.post(
        "/login", data={"username": user, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    return csrf_of(client.get("/add").text)


# -- 1. sessions --------------------------------------------------------------------------------


def test_logout_ends_the_session_even_for_a_copied_cookie(web: Web) -> None:
    csrf = web.login()
    stolen = web.client.cookies["vsl_session"]
    thief = TestClient(web.client.app, cookies={"vsl_session": stolen})
    assert thief.get("/api/vsls").status_code == 200
    assert web.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert thief.get("/api/vsls").status_code == 401
    added = thief.post("/api/urls", json={"urls": ["https://x.example.com/v"]}, headers={"X-CSRF-Token": csrf})
    assert added.status_code == 401
    with web.session() as s:
        assert s.scalar(select(func.count(Url.id))) == 0


def test_sessions_end_when_idle_and_at_their_absolute_end(web: Web) -> None:
    web.login()
    assert web.client.get("/api/vsls").status_code == 200
    idle = web.settings.web_session_idle_s
    with web.session() as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(seconds=idle + 5)))
    assert web.client.get("/api/vsls").status_code == 401
    web.login()
    with web.session() as s:
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert web.client.get("/api/vsls").status_code == 401


def test_log_out_everywhere_and_disable_end_every_session(sqlite_web: Web, capsys: pytest.CaptureFixture[str]) -> None:
    web = sqlite_web
    other = TestClient(web.client.app)
    _login(other)
    csrf = web.login()
    assert other.get("/api/vsls").status_code == 200
    assert web.client.post("/logout/all", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert other.get("/api/vsls").status_code == 401 and web.client.get("/api/vsls").status_code == 401
    _login(other)
    args = _cli().parse_args(["user", "disable", "ana"])
    assert args.func(args, web.settings) == 0
    assert other.get("/api/vsls").status_code == 401
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 401  # tokens revoked too
    token = csrf_of(other.get("/login").text)
    refused = other.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 401
    args = _cli().parse_args(["user", "list"])
    assert args.func(args, web.settings) == 0
    assert "disabled" in capsys.readouterr().out


def test_sessions_live_in_the_database_so_any_app_instance_serves_them(
    sqlite_web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app instances (two workers or hosts) on one database: a login in one works in the other,
    a logout in the other ends it in the first."""
    web = sqlite_web
    second = TestClient(create_app(web.settings))
    csrf = web.login()
    second.cookies.set("vsl_session", web.client.cookies["vsl_session"])
    assert second.get("/api/vsls").status_code == 200
    assert second.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert web.client.get("/api/vsls").status_code == 401


def test_the_signing_secret_comes_from_the_settings_when_set(sqlite_web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSL_WEB_SECRET", "s" * 40)
    settings = settings_module.current()
    one, two = TestClient(create_app(settings)), TestClient(create_app(settings))
    csrf = _login(one)
    two.cookies.set("vsl_session", one.cookies["vsl_session"])
    # The CSRF token made by one host is accepted by the other: they share the secret.
    made = two.post("/boards", data={"name": "shared", "csrf_token": csrf}, follow_redirects=False)
    assert made.status_code == 303
    monkeypatch.setenv("VSL_WEB_SECRET", "short")
    with pytest.raises(ValueError, match="at least 32"):
        create_app(settings_module.current())


# -- 2. tokens ----------------------------------------------------------------------------------


def test_tokens_are_scoped_expire_are_listed_and_revoked(web: Web, capsys: pytest.CaptureFixture[str]) -> None:
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v", status="failed"))
    parser = _cli()
    args = parser.parse_args(["token", "create", "ana", "--scope", "read", "--expires", "90d", "--label", "ro"])
    assert args.func(args, web.settings) == 0
    captured = capsys.readouterr()
    read = {"Authorization": f"Bearer {captured.out.strip()}"}
    assert "scope read" in captured.err and "expires" in captured.err
    assert web.client.get("/api/vsls", headers=read).status_code == 200
    assert web.client.get("/api/search", params={"q": "x"}, headers=read).status_code == 200
    assert web.client.get(f"/api/vsls/{key}/transcript.txt", headers=read).status_code == 200
    for method, path, body in (
        ("POST", "/api/urls", {"urls": ["https://new.example.com/v"]}),
        ("POST", f"/api/vsls/{key}/retry", None),
        ("POST", f"/pipeline/start/{key}", None),
        ("POST", "/api/boards", {"name": "b"}),
    ):
        refused = web.client.request(method, path, json=body, headers=read)
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"], path
    with web.session() as s:
        assert s.scalar(select(func.count(Url.id))) == 1
        row = s.scalar(select(ApiToken).where(ApiToken.name == "ro"))
        assert row is not None and row.last_used_at is not None and row.token_hash not in captured.out
        ro_id = row.id
    args = parser.parse_args(["token", "list"])
    assert args.func(args, web.settings) == 0
    listing = capsys.readouterr().out
    assert "ro" in listing and "read" in listing and "active" in listing
    args = parser.parse_args(["token", "revoke", str(ro_id)])
    assert args.func(args, web.settings) == 0
    assert web.client.get("/api/vsls", headers=read).status_code == 401
    assert args.func(args, web.settings) == 1  # already revoked
    # An expired token is refused.
    with web.session() as s:
        s.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 401
    bad = parser.parse_args(["token", "create", "ana", "--expires", "soon"])
    assert bad.func(bad, web.settings) == 2 and "not a lifetime" in capsys.readouterr().err


def test_a_password_change_revokes_every_token(web: Web) -> None:
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 200
    with web.session() as s:
        add_user(s, "ana", "a brand new password")
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 401


def test_the_token_page_creates_shows_once_and_revokes(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    page = web.client.post("/tokens", data={"label": "zap", "scope": "read", "expires": "30d", "csrf_token": csrf})
    assert page.status_code == 200
    token = page.text.split('id="new-token">')[1].split("<")[0]
    assert token.startswith("vsl_")
    listing = web.client.get("/tokens").text
    assert "zap" in listing and token not in listing  # shown once
    bearer = {"Authorization": f"Bearer {token}"}
    assert web.client.get("/api/vsls", headers=bearer).status_code == 200
    assert web.client.post("/api/urls", json={"urls": ["https://n.example.com/v"]}, headers=bearer).status_code == 403
    with web.session() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.name == "zap"))
    forged = web.client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    done = web.client.post(f"/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    assert web.client.get("/api/vsls", headers=bearer).status_code == 401


# -- 3. limits before work ------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_parsing_and_before_login(sqlite_web: Web) -> None:
    web = sqlite_web
    anonymous = TestClient(web.client.app)
    big = b'{"urls": ["' + b"a" * 3_000_000 + b'"]}'
    declared = anonymous.post("/api/urls", content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413 and "at most 2 MB" in declared.json()["detail"]
    for name in HEADERS:
        assert name in declared.headers

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(40):
            yield b"x" * 100_000

    streamed = anonymous.post("/api/urls", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    form = anonymous.post("/login", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 413
    assert anonymous.get("/healthz").status_code == 200  # and the app still answers


def test_the_url_count_per_add_is_a_setting_with_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VSL_WEB_MAX_URLS_PER_ADD", "3")
    web = next(make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch))
    try:
        urls = [f"https://m{i}.example.com/v" for i in range(5)]
        api = web.client.post("/api/urls", json={"urls": urls}, headers=web.bearer)
        assert api.status_code == 422 and "at most 3 per request" in api.json()["detail"]
        csrf = web.login()
        page = web.client.post("/add", data={"urls": "\n".join(urls), "csrf_token": csrf})
        assert page.status_code == 200
        assert "2 lines not taken" in page.text and "at most 3" in page.text
        textarea = page.text.split("<textarea")[1].split("</textarea>")[0]
        assert urls[3] in textarea and urls[4] in textarea and urls[0] not in textarea
        with web.session() as s:
            assert s.scalar(select(func.count(Url.id))) == 3
    finally:
        dispose_all()


@pytest.mark.parametrize(
    ("method", "path", "where"),
    [
        ("GET", "/api/vsls?after=9223372036854775808", "after"),
        ("GET", "/api/vsls?after=99999999999999999999999999", "after"),
        ("GET", "/boards/999999999999999999999", "board_id"),
        ("POST", "/api/boards/9223372036854775808/items", "board_id"),
        ("GET", "/add?batch=99999999999999999999", "batch"),
    ],
)
def test_huge_integers_get_422_with_the_reason_not_500(sqlite_web: Web, method: str, path: str, where: str) -> None:
    web = sqlite_web
    web.login()
    body = {"partition_key": "k" * 12} if method == "POST" else None
    response = web.client.request(method, path, json=body, headers=web.bearer)
    assert response.status_code == 422, response.text
    assert where in response.text and "less than or equal" in response.text
    for name in HEADERS:
        assert name in response.headers


def test_an_unexpected_error_is_a_500_with_the_security_headers_and_the_app_keeps_serving(
    sqlite_web: Web,
) -> None:
    app = sqlite_web.client.app
    assert isinstance(app, FastAPI)

    def boom() -> None:
        raise RuntimeError("database exploded with secret detail")

    app.router.add_api_route("/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    as_json = client.get("/boom")
    assert as_json.status_code == 500 and as_json.json()["detail"].startswith("internal error")
    assert "secret detail" not in as_json.text
    as_html = client.get("/boom", headers={"Accept": "text/html"})
    assert as_html.status_code == 500 and "<html" in as_html.text and "secret detail" not in as_html.text
    for response in (as_json, as_html):
        for name in HEADERS:
            assert name in response.headers
        assert response.headers["cache-control"] == "private, no-store"
    assert client.get("/healthz").status_code == 200


def test_pages_show_errors_as_pages_with_the_headers(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    missing = web.client.get("/vsl/nosuchkey0001", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text and "no VSL with key" in missing.text
    assert "content-security-policy" in missing.headers
    assert web.client.get("/api/vsls/nosuchkey0001", headers=web.bearer).json()["detail"].startswith("no VSL")


# -- 4. the Add page ----------------------------------------------------------------------------


def test_the_add_page_is_paginated_with_retry_only_on_failed_rows(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    urls = [f"https://p{i}.example.com/vsl" for i in range(500)]
    page = web.client.post("/add", data={"urls": "\n".join(urls), "csrf_token": csrf})
    assert page.status_code == 200  # its speed is bench_web's; a wall-clock bound here failed under load
    assert len(page.content) < 100_000  # was 8.8 MB for 500 lines: every row carried every key
    assert page.text.count("data-poll-key=") == 50 and "1\u201350 / 500" in page.text
    assert page.text.count('action="/vsl/') == 0  # nothing failed yet: no Retry button
    with web.session() as s:
        batch_id = s.scalar(select(AddBatch.id))
        failed_key = s.scalar(select(Url.partition_key).where(Url.url == "https://p60.example.com/vsl"))
        s.execute(update(Url).where(Url.partition_key == failed_key).values(status="failed", reason="HTTP 404"))
    assert f"/add?batch={batch_id}&amp;page=2" in page.text
    second = web.client.get("/add", params={"batch": batch_id, "page": 2})
    assert second.status_code == 200 and second.text.count('action="/vsl/') == 1 and failed_key in second.text
    retried = web.client.post(
        f"/vsl/{failed_key}/retry",
        data={"csrf_token": csrf, "next": f"/add?batch={batch_id}&page=2"},
        follow_redirects=False,
    )
    assert retried.status_code == 303 and retried.headers["location"] == f"/add?batch={batch_id}&page=2"
    stranger = TestClient(web.client.app)
    with web.session() as s:
        add_user(s, "bob", "bob's long password")
    _login(stranger, "bob", "bob's long password")
    assert stranger.get("/add", params={"batch": batch_id}).status_code == 404  # not bob's batch


# -- 5. the login throttle ----------------------------------------------------------------------


@pytest.fixture
def live_server(sqlite_web: Web) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(sqlite_web.client.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_parallel_guesses_get_no_more_than_the_free_attempts(sqlite_web: Web, live_server: str) -> None:
    # A first delay longer than the test: only the free attempts may be answered 401.
    sqlite_web.client.app.state.web.throttle.policy = ThrottlePolicy(base_s=120.0)  # type: ignore[attr-defined]
    with httpx.Client(base_url=live_server) as first:
        token = csrf_of(first.get("/login").text)
        cookies = dict(first.cookies)

    def guess(i: int) -> int:
        with httpx.Client(base_url=live_server, cookies=cookies) as c:
            return c.post(
                "/login", data={"username": "ana", "password": f"guess {i:04d}", "csrf_token": token}
            ).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(guess, range(24)))
    assert codes.count(401) <= ThrottlePolicy().free, codes  # was 9-14 of 24 past a limit of 5
    assert codes.count(429) >= 24 - ThrottlePolicy().free
    with sqlite_web.session() as s:
        assert s.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.outcome == "failed")) <= 5


def test_x_forwarded_for_is_ignored_unless_from_a_configured_proxy(sqlite_web: Web) -> None:
    web = sqlite_web
    token = csrf_of(web.client.get("/login").text)
    for i in range(5):
        forged = {"X-Forwarded-For": f"198.51.100.{i}"}
        data = {"username": f"user{i}", "password": "wrong-wrong", "csrf_token": token}
        assert web.client.post("/login", data=data, headers=forged).status_code == 401
    blocked = web.client.post(
        "/login",
        data={"username": "user9", "password": "wrong-wrong", "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.99"},
    )
    assert blocked.status_code == 429  # one address, whatever the header claims
    with web.session() as s:
        assert set(s.scalars(select(LoginAttempt.addr_key))) == {"testclient"}


def test_a_configured_proxy_is_believed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSL_WEB_TRUSTED_PROXIES", "testclient")
    web = next(make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch))
    try:
        token = csrf_of(web.client.get("/login").text)
        for i in range(7):
            data = {"username": f"user{i}", "password": "wrong-wrong", "csrf_token": token}
            response = web.client.post("/login", data=data, headers={"X-Forwarded-For": f"198.51.100.{i}"})
            assert response.status_code == 401  # seven clients behind the proxy, one failure each
        with web.session() as s:
            assert len(set(s.scalars(select(LoginAttempt.addr_key)))) == 7
    finally:
        dispose_all()


def test_ones_own_login_does_not_reset_the_count_of_guesses(sqlite_web: Web) -> None:
    web = sqlite_web
    # A first delay far longer than the test: on a busy machine a 1 s delay can lapse between two posts.
    web.client.app.state.web.throttle.policy = ThrottlePolicy(base_s=120.0)  # type: ignore[attr-defined]
    with web.session() as s:
        add_user(s, "mallory", "mallory's own password")
    token = csrf_of(web.client.get("/login").text)
    guess = {"username": "ana", "password": "wrong-wrong", "csrf_token": token}
    for _ in range(4):
        assert web.client.post("/login", data=guess).status_code == 401
    own = {"username": "mallory", "password": "mallory's own password", "csrf_token": token}
    assert web.client.post("/login", data=own, follow_redirects=False).status_code == 303
    token = csrf_of(web.client.get("/login").text)
    assert web.client.post("/login", data={**guess, "csrf_token": token}).status_code == 401  # the 5th
    assert web.client.post("/login", data={**guess, "csrf_token": token}).status_code == 429  # no reset


def test_guesses_slow_the_owner_down_but_never_lock_them_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSL_WEB_TRUSTED_PROXIES", "testclient")
    web = next(make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch))
    try:
        context = web.client.app.state.web  # type: ignore[attr-defined]
        context.throttle.policy = ThrottlePolicy(free=5, base_s=1.0, name_cap_s=2.0, addr_cap_s=600.0)
        # A guessing campaign against ana from one address: 40 failures in the last minutes.
        with web.session() as s:
            now = utcnow()
            s.add_all(
                LoginAttempt(name_key="ana", addr_key="203.0.113.66", at=now - timedelta(seconds=i), outcome="failed")
                for i in range(40)
            )
        token = csrf_of(web.client.get("/login").text)
        guess = {"username": "ana", "password": "wrong-wrong", "csrf_token": token}
        attacker = web.client.post("/login", data=guess, headers={"X-Forwarded-For": "203.0.113.66"})
        assert attacker.status_code == 429 and int(attacker.headers["retry-after"]) > 500
        owner = {"X-Forwarded-For": "192.0.2.10"}
        data = {"username": "ana", "password": PASSWORD, "csrf_token": token}
        waited = 0.0
        while True:
            answer = web.client.post("/login", data=data, headers=owner, follow_redirects=False)
            if answer.status_code != 429 or waited > 6:
                break
            assert int(answer.headers["retry-after"]) <= 3  # seconds, never the guesser's minutes
            time.sleep(float(answer.headers["retry-after"]))
            waited += float(answer.headers["retry-after"])
        assert answer.status_code == 303  # the owner is in, not locked out
    finally:
        dispose_all()


# -- 6. files and caching -----------------------------------------------------------------------


def test_media_follows_no_symlink_and_serves_only_keys_in_the_database(sqlite_web: Web, tmp_path: Path) -> None:
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v"))
    outside = tmp_path / "outside-secret.txt"
    outside.write_text("not for the web")
    video = web.layout.video_path(key)
    video.parent.mkdir(parents=True, exist_ok=True)
    video.symlink_to(outside)
    assert web.client.get(f"/api/vsls/{key}/video", headers=web.bearer).status_code == 404
    transcript = web.layout.transcript_path(key, "txt")
    transcript.unlink()
    transcript.symlink_to(outside)
    refused = web.client.get(f"/api/vsls/{key}/transcript.txt", headers=web.bearer)
    assert refused.status_code == 404 and "not for the web" not in refused.text
    # A symlinked directory: the file itself is regular, but lies outside the storage root.
    (tmp_path / "elsewhere").mkdir()
    stray = "a" * 16
    (tmp_path / "elsewhere" / f"{stray}.txt").write_text("stray")
    # A key not in the database is not served even when its file exists.
    orphan = web.layout.transcript_path(stray, "txt")
    orphan.write_text("orphan")
    assert web.client.get(f"/api/vsls/{stray}/transcript.txt", headers=web.bearer).status_code == 404


def test_a_symlinked_directory_in_storage_is_not_followed(sqlite_web: Web, tmp_path: Path) -> None:
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{key}.txt").write_text("outside the root")
    folder = web.layout.transcript_path(key, "txt").parent
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    response = web.client.get(f"/api/vsls/{key}/transcript.txt", headers=web.bearer)
    assert response.status_code == 404 and "outside the root" not in response.text


def test_authenticated_answers_are_not_cached_and_media_revalidates(sqlite_web: Web, small_mp4: Path) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v"), video=small_mp4)
    for path in ("/", "/add", "/tokens", f"/vsl/{key}", "/api/vsls", f"/api/vsls/{key}"):
        assert web.client.get(path).headers["cache-control"] == "private, no-store", path
    video = web.client.get(f"/api/vsls/{key}/video")
    assert video.status_code == 200 and video.headers["cache-control"].startswith("private")
    assert "no-store" not in video.headers["cache-control"]
    etag, modified = video.headers["etag"], video.headers["last-modified"]
    assert etag and modified
    again = web.client.get(f"/api/vsls/{key}/video", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    part = web.client.get(f"/api/vsls/{key}/video", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100 and part.headers["etag"] == etag
    assert web.client.get("/static/app.css").headers["cache-control"].startswith("public, max-age=")


def test_the_database_file_and_the_secret_are_owner_only(sqlite_web: Web) -> None:
    web = sqlite_web
    database = web.settings.storage_root / "vsl.db"
    assert database.stat().st_mode & 0o777 == 0o600
    assert (web.layout.root / ".web-secret").stat().st_mode & 0o777 == 0o600
    # A file left readable by an older version is tightened on the next start.
    os.chmod(database, 0o644)
    dispose_all()
    create_app(web.settings)
    assert database.stat().st_mode & 0o777 == 0o600


# -- 7. the Dagster UI --------------------------------------------------------------------------


def test_vsl_up_refuses_to_expose_the_dagster_ui(sqlite_web: Web, capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    args = parser.parse_args(["up", "--dagster-host", "0.0.0.0"])
    assert args.func(args, sqlite_web.settings) == 2
    assert "refusing to serve the Dagster UI on 0.0.0.0" in capsys.readouterr().err
    args = parser.parse_args(["up", "--host", "0.0.0.0"])
    assert args.dagster_host == "127.0.0.1"  # the web app's address no longer moves the Dagster UI


def test_vsl_web_runs_several_workers_by_default() -> None:
    from vsl_assets.web.commands import default_workers

    assert 2 <= default_workers() <= 8
    args = _cli().parse_args(["web", "--workers", "3"])
    assert args.workers == 3


def test_user_reset_ends_sessions_and_tokens(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    web = sqlite_web
    web.login()
    monkeypatch.setattr("sys.stdin", io.StringIO("the reset password\n"))
    args = _cli().parse_args(["user", "reset", "ana", "--password-stdin"])
    assert args.func(args, web.settings) == 0
    assert web.client.get("/api/vsls").status_code == 401
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 401
    _login(TestClient(web.client.app), "ana", "the reset password")
    args = _cli().parse_args(["user", "reset", "nobody", "--password-stdin"])
    assert args.func(args, web.settings) == 2 and "no user 'nobody'" in capsys.readouterr().err


def test_a_storage_root_reached_through_a_symlink_still_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Symlinks above the root are the operator's choice (a mounted volume): only those below it are refused."""
    real = tmp_path / "volume"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    web = next(make_web(f"sqlite:///{real / 'vsl.db'}", tmp_path / "linked", monkeypatch))
    try:
        with web.session() as s:
            key = seed(s, web.layout, Fake("https://a.example.com/v"))
        response = web.client.get(f"/api/vsls/{key}/transcript.txt", headers=web.bearer)
        assert response.status_code == 200 and response.content == web.layout.transcript_path(key, "txt").read_bytes()
    finally:
        dispose_all()
