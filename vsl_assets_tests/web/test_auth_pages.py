"""Login, sessions, CSRF, hostile form input and the pages' languages (SQLite; the auth code
path is the same on PostgreSQL, whose API tests run in test_api.py)."""

from __future__ import annotations

import argparse
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vsl_assets.db.models import Url
from vsl_assets.db.web_models import ApiToken, Board, User
from vsl_assets.web.commands import register
from vsl_assets.web.users import add_user
from vsl_assets_tests.web.conftest import PASSWORD, Web, csrf_of
from vsl_assets_tests.web.seed import Fake, seed


def test_login_sets_a_signed_httponly_lax_cookie_and_wrong_passwords_are_refused(sqlite_web: Web) -> None:
    web = sqlite_web
    token = csrf_of(web.client.get("/login").text)
    wrong = web.client.post("/login", data={"username": "ana", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong user name or password." in wrong.text
    nobody = web.client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf_token": token})
    assert nobody.status_code == 401
    done = web.client.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    cookie = done.headers["set-cookie"]
    assert "vsl_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie.split("vsl_login")[0]  # plain http on loopback
    assert web.client.get("/api/vsls").status_code == 200  # the cookie alone authenticates
    forged = web.client.cookies.get("vsl_session", "")[:-3] + "AAA"
    other = TestClient(web.client.app, cookies={"vsl_session": forged})
    assert other.get("/api/vsls").status_code == 401


def test_cookies_are_secure_over_https(sqlite_web: Web) -> None:
    client = TestClient(sqlite_web.client.app, base_url="https://testserver")
    token = csrf_of(client.get("/login").text)
    done = client.post(
        "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert "Secure" in done.headers["set-cookie"]
    assert client.get("/healthz").headers["strict-transport-security"].startswith("max-age=")


def test_login_form_needs_its_csrf_token(sqlite_web: Web) -> None:
    web = sqlite_web
    web.client.get("/login")
    refused = web.client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "forged"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert web.client.get("/api/vsls").status_code == 401


def test_every_state_changing_form_needs_the_csrf_token(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v", status="failed", reason="HTTP 404"))
    posts = [
        ("/add", {"urls": "https://new.example.com/v"}),
        (f"/vsl/{key}/retry", {}),
        ("/boards", {"name": "x"}),
        ("/logout", {}),
    ]
    for path, data in posts:
        for token in (None, "forged", csrf[:-2]):
            form = dict(data, **({"csrf_token": token} if token else {}))
            response = web.client.post(path, data=form, follow_redirects=False)
            assert response.status_code == 403, (path, token)
    json_add = web.client.post("/api/urls", json={"urls": ["https://new.example.com/v"]})
    assert json_add.status_code == 403  # a cookie-authenticated API call needs X-CSRF-Token too
    with web.session() as s:
        assert s.scalar(select(Url).where(Url.url == "https://new.example.com/v")) is None
        assert s.scalars(select(Board)).all() == []
        assert s.scalar(select(Url.status).where(Url.partition_key == key)) == "failed"
    ok = web.client.post("/api/urls", json={"urls": ["https://new.example.com/v"]}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200
    retried = web.client.post(f"/vsl/{key}/retry", data={"csrf_token": csrf, "next": "/queue"}, follow_redirects=False)
    assert retried.status_code == 303 and retried.headers["location"] == "/queue"
    with web.session() as s:
        assert s.scalar(select(Url.status).where(Url.partition_key == key)) == "pending_ingest"
    # A bearer token cannot be sent by another site's page: no CSRF token needed.
    assert web.client.post("/api/urls", json={"urls": ["https://b.example.com"]}, headers=web.bearer).status_code == 200


def test_invalid_lines_come_back_in_the_box_so_nothing_pasted_is_lost(sqlite_web: Web) -> None:
    """A trial: a paste with a typo was answered "Invalid" and an empty box, the paste gone."""
    web = sqlite_web
    csrf = web.login()
    none_valid = web.client.post("/add", data={"urls": "htp://typo.example.com/v\nnot a url\n", "csrf_token": csrf})
    assert none_valid.status_code == 400
    box = none_valid.text.split("<textarea")[1].split("</textarea>")[0]
    assert "htp://typo.example.com/v" in box and "not a url" in box
    assert "The invalid lines are back in the box above" in none_valid.text
    mixed = web.client.post(
        "/add", data={"urls": "https://ok.example.com/v\nftp://typo.example.com/v", "csrf_token": csrf}
    )
    assert mixed.status_code == 200  # the valid one was taken (the redirect to its batch)
    box = mixed.text.split("<textarea")[1].split("</textarea>")[0]
    assert "ftp://typo.example.com/v" in box and "ok.example.com" not in box
    with web.session() as s:
        assert s.scalars(select(Url.url)).all() == ["https://ok.example.com/v"]


def test_hostile_form_input_is_refused_or_escaped(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    evil = "<script>alert(1)</script>"
    page = web.client.post("/add", data={"urls": f"{evil}\njavascript:alert(1)\n\x00\n", "csrf_token": csrf})
    assert page.status_code == 400
    assert evil not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "unsupported URL scheme" in page.text
    board = web.client.post("/boards", data={"name": evil, "note": evil, "csrf_token": csrf})
    assert board.status_code == 200 and evil not in board.text and "&lt;script&gt;" in board.text
    search = web.client.get("/search", params={"q": f'"{evil} OR NEAR(a b) *'})
    assert search.status_code == 200 and evil not in search.text
    with web.session() as s:
        seed(s, web.layout, Fake("https://x.example.com/v", title=evil, segments=[(0.0, 2.0, evil)]))
    library = web.client.get("/")
    assert evil not in library.text and "&lt;script&gt;" in library.text
    huge = web.client.post("/boards", data={"name": "x" * 500, "csrf_token": csrf})
    assert huge.status_code == 422
    assert "script-src 'self'" in library.headers["content-security-policy"]
    assert library.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("target", ["//evil.example.com/", "https://evil.example.com/", "/\\evil.example.com"])
def test_no_open_redirect_after_login(sqlite_web: Web, target: str) -> None:
    web = sqlite_web
    token = csrf_of(web.client.get("/login").text)
    done = web.client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/"


def test_nothing_secret_is_rendered(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        user = s.scalar(select(User))
        token_hash = s.scalar(select(ApiToken.token_hash))
        assert user is not None and token_hash is not None
        stored_hash = user.password_hash
    secret = (web.layout.root / ".web-secret").read_text()
    for path in ("/", "/queue", "/add", "/boards", "/search?q=x", "/openapi.json"):
        body = web.client.get(path).text
        for value in (stored_hash, token_hash, web.token, PASSWORD, secret):
            assert value not in body, path
    assert oct((web.layout.root / ".web-secret").stat().st_mode & 0o777) == "0o600"
    assert stored_hash.startswith("scrypt$") and PASSWORD not in stored_hash


def test_changing_the_password_ends_old_sessions(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    assert web.client.get("/api/vsls").status_code == 200
    with web.session() as s:
        add_user(s, "ana", "another password")
    assert web.client.get("/api/vsls").status_code == 401


def test_pages_speak_portuguese_and_format_for_the_locale(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        seed(s, web.layout, Fake("https://a.example.com/v", title="Ritual", price=1997.0, currency="BRL"))
    english = web.client.get("/").text
    assert "Library" in english and "R$\u00a01,997.00" in english
    switched = web.client.get("/lang/pt-BR", params={"next": "/"}, follow_redirects=False)
    assert switched.status_code == 303 and "vsl_lang=pt-BR" in switched.headers["set-cookie"]
    portuguese = web.client.get("/").text
    assert "Biblioteca" in portuguese and "R$\u00a01.997,00" in portuguese and "Pronta" in portuguese
    assert '<html lang="pt-BR">' in portuguese
    browser = TestClient(web.client.app, headers={"Accept-Language": "pt-BR,pt;q=0.9"})
    assert "Entrar" in browser.get("/login").text


def test_cli_user_add_and_token_create(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser(prog="vsl")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["user", "add", "bruna", "--password-stdin"])
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert args.func(args, sqlite_web.settings) == 2
    assert "at least 8 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert args.func(args, sqlite_web.settings) == 0
    assert "user bruna created" in capsys.readouterr().out
    args = parser.parse_args(["token", "create", "bruna"])
    assert args.func(args, sqlite_web.settings) == 0
    token = capsys.readouterr().out.strip()
    assert sqlite_web.client.get("/api/vsls", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    args = parser.parse_args(["token", "create", "nobody"])
    assert args.func(args, sqlite_web.settings) == 2
    assert "vsl user add nobody" in capsys.readouterr().err
    web_args = parser.parse_args(["web"])
    assert (web_args.host, web_args.port) == ("127.0.0.1", 8000)


def test_password_guessing_is_throttled(sqlite_web: Web) -> None:
    web = sqlite_web
    token = csrf_of(web.client.get("/login").text)
    for _ in range(5):
        wrong = web.client.post("/login", data={"username": "ana", "password": "guess-guess", "csrf_token": token})
        assert wrong.status_code == 401
    blocked = web.client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429 and "too many failed logins" in blocked.json()["detail"]
    assert 0 < int(blocked.headers["retry-after"]) <= 301
    assert web.client.get("/api/vsls").status_code == 401


def test_every_page_names_its_icon_so_the_browser_asks_no_missing_favicon(sqlite_web: Web) -> None:
    """A trial's console showed a 404 for /favicon.ico on every page: the pages now name an icon
    that is served to anyone (the login page's tab has one too)."""
    login = sqlite_web.client.get("/login")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login.text
    icon = sqlite_web.client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")


def test_a_wrong_password_keeps_the_name_typed_and_asks_only_the_password(sqlite_web: Web) -> None:
    """A pt-BR trial: after "Usuário ou senha incorretos." both fields were empty again."""
    web = sqlite_web
    token = csrf_of(web.client.get("/login").text)
    wrong = web.client.post("/login", data={"username": "ana<b>", "password": "nope-nope", "csrf_token": token})
    assert wrong.status_code == 401
    assert 'name="username" autocomplete="username" required value="ana&lt;b&gt;">' in wrong.text
    assert 'name="password" type="password" autocomplete="current-password" required autofocus>' in wrong.text
    fresh = web.client.get("/login").text
    assert 'required value="" autofocus>' in fresh and "required autofocus>" not in fresh.split('name="password"')[1]
