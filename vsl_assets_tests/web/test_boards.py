"""Boards through the HTTP API and the pages, and a board's share link opened without a login:
statuses, JSON, page text and rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import Board, BoardItem, BoardShare
from vsl_assets.web.routers.share import RateLimit
from vsl_assets.web.users import add_user, create_token
from vsl_assets_tests.web.conftest import PASSWORD, Web, api_routes, csrf_of
from vsl_assets_tests.web.seed import Fake, seed

HTML = {"Accept": "text/html"}


def _vsls(web: Web, video: Path | None = None) -> list[str]:
    with web.session() as s:
        return [
            seed(s, web.layout, Fake("https://a.example.com/vsl", title="Ritual da manhã"), video),
            seed(s, web.layout, Fake("https://b.example.com/vsl", title="Segredo do chá", price=47.0), video),
            seed(s, web.layout, Fake("https://c.example.com/vsl", title="Fora do quadro"), video),
        ]


def _bia(web: Web) -> dict[str, str]:
    with web.session() as s:
        add_user(s, "bia", PASSWORD)
        return {"Authorization": f"Bearer {create_token(s, 'bia', 'tests')}"}


def _read_token(web: Web) -> dict[str, str]:
    with web.session() as s:
        return {"Authorization": f"Bearer {create_token(s, 'ana', 'ro', scope='read')}"}


def _keys(board: dict) -> list[str]:  # type: ignore[type-arg]
    return [i["partition_key"] for i in board["items"]]


# -- the API ------------------------------------------------------------------------------------


def test_api_rename_delete_restore_reorder_notes_and_tags(web: Web) -> None:
    a, b, c = _vsls(web)
    api, auth = web.client, web.bearer
    made = api.post("/api/boards", json={"name": "Chás", "note": "para o cliente"}, headers=auth)
    assert made.status_code == 201 and made.json()["visibility"] == "private" and made.json()["owner"] == "ana"
    bid = made.json()["id"]
    for key, tags in ((a, ["Emoção", "hook"]), (b, ["emocao"]), (c, [])):
        assert (
            api.post(f"/api/boards/{bid}/items", json={"partition_key": key, "tags": tags}, headers=auth).status_code
            == 200
        )
    renamed = api.patch(f"/api/boards/{bid}", json={"name": "Chás 2026"}, headers=auth).json()
    assert (renamed["name"], renamed["note"]) == ("Chás 2026", "para o cliente")

    # Order: all at once (what drag and drop sends), persisted.
    assert _keys(api.put(f"/api/boards/{bid}/order", json={"keys": [c, a]}, headers=auth).json()) == [c, a, b]
    assert _keys(api.get(f"/api/boards/{bid}", headers=auth).json()) == [c, a, b]
    bad = api.put(f"/api/boards/{bid}/order", json={"keys": ["zzz-000000000000"]}, headers=auth)
    assert bad.status_code == 422 and "not on this board" in bad.json()["detail"]

    # Notes and tags: edited, normalised, bounded, filtered by (case and accents aside).
    edited = api.patch(f"/api/boards/{bid}/items/{c}", json={"note": "ver o preço", "tags": ["Preço"]}, headers=auth)
    assert edited.status_code == 200 and edited.json()["items"][0]["tags"] == ["preço"]
    too_many = api.patch(f"/api/boards/{bid}/items/{c}", json={"tags": [f"t{i}" for i in range(13)]}, headers=auth)
    assert too_many.status_code == 422 and "at most 12" in too_many.json()["detail"]
    too_long = api.post(f"/api/boards/{bid}/items", json={"partition_key": a, "tags": ["x" * 33]}, headers=auth)
    assert too_long.status_code == 422 and "at most 32 characters" in too_long.json()["detail"]
    filtered = api.get(f"/api/boards/{bid}", params={"tag": "EMOÇÃO"}, headers=auth).json()
    assert _keys(filtered) == [a, b] and filtered["total"] == 3
    assert {t["key"]: t["count"] for t in filtered["tags"]} == {"emocao": 2, "hook": 1, "preco": 1}
    with web.session() as s:
        item = s.scalar(select(BoardItem).where(BoardItem.note == "ver o preço"))
        assert item is not None and item.tags == ["preço"]

    assert api.delete(f"/api/boards/{bid}/items/{b}", headers=auth).status_code == 200
    assert api.delete(f"/api/boards/{bid}/items/{b}", headers=auth).status_code == 404

    # Delete, gone from every read, then restored with its VSLs.
    gone = api.delete(f"/api/boards/{bid}", headers=auth)
    assert gone.status_code == 200 and gone.json()["restorable_until"]
    assert api.get(f"/api/boards/{bid}", headers=auth).status_code == 404
    assert api.get("/api/boards", headers=auth).json() == []
    back = api.post(f"/api/boards/{bid}/restore", headers=auth)
    assert back.status_code == 200 and _keys(back.json()) == [c, a]
    assert api.post(f"/api/boards/{bid}/restore", headers=auth).status_code == 404  # nothing left to undo

    # Boards' own order.
    other = api.post("/api/boards", json={"name": "Outro"}, headers=auth).json()["id"]
    assert api.put("/api/boards/order", json={"ids": [other]}, headers=auth).json() == [other, bid]
    assert [x["id"] for x in api.get("/api/boards", headers=auth).json()] == [other, bid]


def test_read_tokens_cannot_change_boards(web: Web) -> None:
    [a, *_] = _vsls(web)
    bid = web.client.post("/api/boards", json={"name": "b"}, headers=web.bearer).json()["id"]
    read = _read_token(web)
    assert web.client.get(f"/api/boards/{bid}", headers=read).status_code == 200
    for method, path, body in (
        ("PATCH", f"/api/boards/{bid}", {"name": "x"}),
        ("DELETE", f"/api/boards/{bid}", None),
        ("PUT", f"/api/boards/{bid}/order", {"keys": []}),
        ("POST", f"/api/boards/{bid}/items", {"partition_key": a}),
        ("POST", f"/api/boards/{bid}/shares", {"days": 7}),
        ("POST", f"/api/boards/{bid}/members", {"name": "ana"}),
    ):
        refused = web.client.request(method, path, json=body, headers=read)
        assert refused.status_code == 403 and "read-only" in refused.json()["detail"], path
    with web.session() as s:
        board = s.get(Board, bid)
        assert board is not None and board.name == "b" and board.deleted_at is None


def test_private_boards_are_404_to_others_and_team_boards_are_the_owners_to_manage(web: Web) -> None:
    [a, *_] = _vsls(web)
    api, ana = web.client, web.bearer
    bia = _bia(web)
    secret = api.post("/api/boards", json={"name": "secret", "visibility": "private"}, headers=ana).json()["id"]
    team = api.post("/api/boards", json={"name": "team", "visibility": "team"}, headers=ana).json()["id"]
    assert [x["name"] for x in api.get("/api/boards", headers=bia).json()] == ["team"]
    for method, path, body in (
        ("GET", f"/api/boards/{secret}", None),
        ("PATCH", f"/api/boards/{secret}", {"name": "mine now"}),
        ("DELETE", f"/api/boards/{secret}", None),
        ("POST", f"/api/boards/{secret}/items", {"partition_key": a}),
        ("PUT", f"/api/boards/{secret}/order", {"keys": []}),
        ("POST", f"/api/boards/{secret}/shares", {"days": 1}),
        ("GET", f"/api/boards/{secret}/shares", None),
        ("POST", f"/api/boards/{secret}/members", {"name": "bia"}),
        ("POST", f"/api/boards/{secret}/restore", None),
        ("GET", f"/api/boards/{secret}/export.csv", None),
    ):
        answer = api.request(method, path, json=body, headers=bia)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["detail"] in (f"no board {secret}", f"no deleted board {secret} of yours to restore")
    # The changes feed filtered by a board: the same 404 (its events would show what is on it).
    assert api.get("/api/watch/events", params={"board": secret}, headers=bia).status_code == 404
    assert api.get("/api/watch/events", params={"board": secret}, headers=ana).status_code == 200
    # A team board: bia edits what is on it, only ana manages it (403 says who).
    assert (
        api.post(f"/api/boards/{team}/items", json={"partition_key": a, "note": "bia"}, headers=bia).status_code == 200
    )
    assert api.patch(f"/api/boards/{team}", json={"name": "team 2"}, headers=bia).status_code == 200
    for method, path, body in (
        ("DELETE", f"/api/boards/{team}", None),
        ("PATCH", f"/api/boards/{team}", {"visibility": "private"}),
        ("POST", f"/api/boards/{team}/shares", None),
        ("POST", f"/api/boards/{team}/members", {"name": "bia"}),
    ):
        answer = api.request(method, path, json=body, headers=bia)
        assert answer.status_code == 403 and "owner (ana)" in answer.json()["detail"], path
    # Members: bia added to the private board sees it; removed, it is a 404 again.
    added = api.post(f"/api/boards/{secret}/members", json={"name": "bia"}, headers=ana)
    assert added.status_code == 200 and added.json()["members"] == ["bia"]
    assert api.post(f"/api/boards/{secret}/members", json={"name": "nobody"}, headers=ana).status_code == 422
    assert api.get(f"/api/boards/{secret}", headers=bia).status_code == 200
    assert api.delete(f"/api/boards/{secret}/members/bia", headers=ana).status_code == 200
    assert api.get(f"/api/boards/{secret}", headers=bia).status_code == 404
    # Making it a team board opens it to everyone.
    assert api.patch(f"/api/boards/{secret}", json={"visibility": "team"}, headers=ana).json()["visibility"] == "team"
    assert api.get(f"/api/boards/{secret}", headers=bia).status_code == 200


# -- the pages ----------------------------------------------------------------------------------


def _form(web: Web, path: str, csrf: str, **data: str) -> tuple[int, str]:
    done = web.client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
    return done.status_code, done.headers.get("location", "")


def test_pages_rename_delete_undo_reorder_and_tags(web: Web) -> None:
    a, b, c = _vsls(web)
    csrf = web.login()
    status, where = _form(web, "/boards", csrf, name="Chás", note="para o cliente", visibility="team")
    assert status == 303
    bid = int(where.rsplit("/", 1)[1])
    for key in (a, b, c):
        # Added from the VSL page: back to it, which then says so with a link to the board.
        status, where = _form(web, f"/boards/{bid}/items", csrf, partition_key=key, next=f"/vsl/{key}")
        assert (status, where) == (303, f"/vsl/{key}?added={bid}#added-flash")
    page = web.client.get(where.split("#")[0]).text
    assert re.search(rf'id="added-flash"[^>]*>.*<a href="/boards/{bid}">Chás</a>', page)

    assert _form(web, f"/boards/{bid}/edit", csrf, name="Chás 2026", note="novo")[0] == 303
    assert _form(web, f"/boards/{bid}/items/{c}/move", csrf, direction="up") == (303, f"/boards/{bid}#item-{c}")
    assert _form(web, f"/boards/{bid}/items/{a}/move", csrf, direction="down")[0] == 303
    with web.session() as s:
        board = s.get(Board, bid)
        assert board is not None and (board.name, board.note) == ("Chás 2026", "novo")
    html = web.client.get(f"/boards/{bid}").text
    assert re.findall(r'<li class="vcard" id="item-([^"]+)"', html) == [c, a, b]
    assert "Chás 2026" in html and 'draggable="true"' in html

    assert _form(web, f"/boards/{bid}/items/{a}/edit", csrf, note="gancho forte", tags="Emoção, HOOK, emocao")[0] == 303
    assert _form(web, f"/boards/{bid}/items/{b}/edit", csrf, tags="emoção")[0] == 303
    refused = web.client.post(
        f"/boards/{bid}/items/{b}/edit", data={"csrf_token": csrf, "tags": "x" * 40}, headers=HTML
    )
    assert refused.status_code == 400 and "at most 32 characters" in refused.text
    filtered = web.client.get(f"/boards/{bid}", params={"tag": "emocao"}).text
    assert re.findall(r'<li class="vcard" id="item-([^"]+)"', filtered) == [a, b]
    assert 'class="tag on" data-tag="emocao">emoção (2)' in filtered and "gancho forte" in filtered
    assert 'draggable="true"' not in filtered  # a filtered view is not reordered by dragging

    # A long board shows its first cards and a link to all of them (same order, same filter).
    first = web.client.get(f"/boards/{bid}", params={"limit": 2}).text
    assert re.findall(r'<li class="vcard" id="item-([^"]+)"', first) == [c, a]
    assert "Showing the first 2 of 3 VSLs." in first and f'href="/boards/{bid}?tag=&amp;limit=5000"' in first
    assert "Showing the first" not in html
    assert web.client.get(f"/boards/{bid}", params={"limit": 0}, headers=HTML).status_code == 422

    # Delete: gone from the list, an Undo right there, and in "recently deleted" for a while.
    assert _form(web, f"/boards/{bid}/delete", csrf) == (303, f"/boards?deleted={bid}")
    listing = web.client.get(f"/boards?deleted={bid}").text
    assert 'id="deleted-flash"' in listing and f'action="/boards/{bid}/restore"' in listing
    assert f'id="board-{bid}"' not in listing and 'id="trash"' in listing
    assert web.client.get(f"/boards/{bid}", headers=HTML).status_code == 404
    assert _form(web, f"/boards/{bid}/restore", csrf) == (303, f"/boards/{bid}?done=restored")
    assert "Chás 2026" in web.client.get("/boards").text

    # Boards' order, one step at a time.
    other = int(_form(web, "/boards", csrf, name="Outro")[1].rsplit("/", 1)[1])
    assert _form(web, f"/boards/{other}/move", csrf, direction="up")[0] == 303
    assert re.findall(r'<li id="board-(\d+)"', web.client.get("/boards").text) == [str(other), str(bid)]


def test_another_users_private_board_is_a_404_page(web: Web) -> None:
    [a, *_] = _vsls(web)
    csrf = web.login()
    secret = int(_form(web, "/boards", csrf, name="Segredo", visibility="private")[1].rsplit("/", 1)[1])
    _form(web, f"/boards/{secret}/items", csrf, partition_key=a)
    with web.session() as s:
        add_user(s, "bia", PASSWORD)
    other = TestClient(web.client.app)
    login = other.get("/login")
    other.post("/login", data={"username": "bia", "password": PASSWORD, "csrf_token": csrf_of(login.text)})
    bia_csrf = csrf_of(other.get("/boards").text)
    assert "Segredo" not in other.get("/boards").text
    assert "Segredo" not in other.get(f"/vsl/{a}").text  # not offered, not marked
    for method, path in (
        ("GET", f"/boards/{secret}"),
        ("POST", f"/boards/{secret}/edit"),
        ("POST", f"/boards/{secret}/delete"),
        ("POST", f"/boards/{secret}/items/{a}/remove"),
        ("POST", f"/boards/{secret}/shares"),
        ("POST", f"/boards/{secret}/watch"),
        ("GET", f"/changes?board={secret}"),
    ):
        answer = other.request(method, path, data={"csrf_token": bia_csrf, "name": "x"}, headers=HTML)
        assert answer.status_code == 404 and "Segredo" not in answer.text, path
    with web.session() as s:
        board = s.get(Board, secret)
        assert board is not None and board.name == "Segredo" and board.deleted_at is None


# -- the share link -----------------------------------------------------------------------------


def _share(web: Web, board_id: int, days: int = 7) -> str:
    made = web.client.post(f"/api/boards/{board_id}/shares", json={"days": days}, headers=web.bearer)
    assert made.status_code == 201, made.text
    url = made.json()["url"]
    assert url.startswith("http://testserver/s/")
    return url.removeprefix("http://testserver")


def test_share_link_opens_the_board_and_its_media_only(web: Web, small_mp4: Path) -> None:
    a, b, c = _vsls(web, small_mp4)
    bid = web.client.post("/api/boards", json={"name": "Para o cliente"}, headers=web.bearer).json()["id"]
    for key in (a, b):
        web.client.post(f"/api/boards/{bid}/items", json={"partition_key": key, "tags": ["hook"]}, headers=web.bearer)
    path = _share(web, bid)
    stranger = TestClient(web.client.app)  # no cookie, no token

    page = stranger.get(path, headers=HTML)
    assert page.status_code == 200
    assert "Para o cliente" in page.text and "Ritual da manhã" in page.text and "Segredo do chá" in page.text
    assert "Fora do quadro" not in page.text
    assert "R$\u00a0197,00" in page.text or "R$\u00a0197.00" in page.text  # the breakdown's offer (locale money)
    assert "<form" not in page.text  # nothing to post: nothing a CSRF could abuse
    for header, value in (
        ("referrer-policy", "no-referrer"),
        ("x-robots-tag", "noindex, nofollow"),
        ("cache-control", "private, no-store"),
        ("x-frame-options", "DENY"),
    ):
        assert page.headers[header] == value, header
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<meta name="robots" content="noindex, nofollow">' in page.text

    short = stranger.get(path, params={"limit": 1}, headers=HTML).text
    assert "Ritual da manhã" in short and "Segredo do chá" not in short
    assert f'href="{path}?limit=5000"' in short

    one = stranger.get(f"{path}/v/{a}", headers=HTML)
    assert one.status_code == 200 and f'src="{path}/v/{a}/video"' in one.text
    assert "Garantia de 30 dias na oferta especial." in one.text  # the transcript
    video = stranger.get(f"{path}/v/{a}/video", headers={"Range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100
    assert video.headers["cache-control"] == "private, no-store" and video.headers["referrer-policy"] == "no-referrer"
    assert stranger.get(f"{path}/v/{a}/transcript.txt").text.startswith("Você vai descobrir")
    assert stranger.get(f"{path}/v/{a}/poster.jpg").headers["content-type"] == "image/jpeg"

    # Exactly those VSLs: another VSL, another route, the API: nothing.
    for other in (f"{path}/v/{c}", f"{path}/v/{c}/video", f"{path}/v/{c}/poster.jpg", f"{path}/v/{c}/transcript.txt"):
        assert stranger.get(other).status_code == 404, other
    for closed in (f"/api/vsls/{a}/video", f"/api/boards/{bid}", "/api/boards", f"/api/vsls/{a}/transcript.txt"):
        assert stranger.get(closed).status_code == 401, closed
    assert stranger.get(f"/boards/{bid}", follow_redirects=False).status_code == 303  # to the login
    with web.session() as s:  # only the hash is stored
        token = path.rsplit("/", 1)[1]
        assert token not in s.scalars(select(BoardShare.token_hash)).all()


def test_revoked_expired_and_unknown_share_links_are_friendly_410_and_404(web: Web, small_mp4: Path) -> None:
    [a, *_] = _vsls(web, small_mp4)
    bid = web.client.post("/api/boards", json={"name": "Revogar"}, headers=web.bearer).json()["id"]
    web.client.post(f"/api/boards/{bid}/items", json={"partition_key": a}, headers=web.bearer)
    path, later = _share(web, bid), _share(web, bid, days=1)
    stranger = TestClient(web.client.app)
    assert stranger.get(f"{path}/v/{a}/video").status_code == 200
    [live, first] = web.client.get(f"/api/boards/{bid}/shares", headers=web.bearer).json()
    assert (live["state"], first["state"]) == ("active", "active")
    revoked = web.client.delete(f"/api/boards/{bid}/shares/{first['id']}", headers=web.bearer)
    assert [s["state"] for s in revoked.json()] == ["active", "revoked"]
    for gone in (path, f"{path}/v/{a}", f"{path}/v/{a}/video", f"{path}/v/{a}/poster.jpg"):
        answer = stranger.get(gone, headers=HTML)
        assert answer.status_code == 410, gone
    page = stranger.get(path, headers=HTML)
    assert "This share link was turned off" in page.text and "Revogar" not in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    with web.session() as s:
        s.execute(
            update(BoardShare).where(BoardShare.id == live["id"]).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = stranger.get(later, headers=HTML)
    assert expired.status_code == 410 and "This share link has expired" in expired.text
    unknown = stranger.get("/s/not-a-real-token-at-all", headers=HTML)
    assert unknown.status_code == 404 and "does not exist" in unknown.text
    assert (
        unknown.headers["referrer-policy"] == "no-referrer" and unknown.headers["x-robots-tag"] == "noindex, nofollow"
    )
    assert stranger.get("/s/bad%20token!", headers=HTML).status_code in (404, 422)
    # The share page of the owner lists the links with their states (the revoke form only on live ones).
    csrf = web.login()
    html = web.client.get(f"/boards/{bid}").text
    assert html.count('data-state="revoked"') == 1 and html.count('data-state="expired"') == 1
    made = web.client.post(f"/boards/{bid}/shares", data={"csrf_token": csrf, "days": "30"})
    assert made.status_code == 200 and 'id="new-share-url"' in made.text
    new_path = re.search(r'id="new-share-url" value="http://testserver(/s/[^"]+)"', made.text)
    assert new_path and stranger.get(new_path.group(1)).status_code == 200


def test_share_tokens_never_reach_the_access_log(web: Web, caplog: pytest.LogCaptureFixture) -> None:
    bid = web.client.post("/api/boards", json={"name": "log"}, headers=web.bearer).json()["id"]
    path = _share(web, bid)
    token = path.rsplit("/", 1)[1]
    access = logging.getLogger("uvicorn.access")  # uvicorn's own call, as its access log makes it
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", f"{path}/v/k-000000000000/video", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/static/boards.css", "1.1", 200)
    assert token not in caplog.text
    assert '"GET /s/[share-token]/v/k-000000000000/video HTTP/1.1" 200' in caplog.text
    assert '"GET /static/boards.css HTTP/1.1" 200' in caplog.text


def test_share_links_are_rate_limited_per_address(web: Web) -> None:
    bid = web.client.post("/api/boards", json={"name": "r"}, headers=web.bearer).json()["id"]
    path = _share(web, bid)
    web.client.app.state.share_limit = RateLimit(limit=3, window_s=60)  # type: ignore[attr-defined]
    stranger = TestClient(web.client.app)
    assert [stranger.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert stranger.get("/s/unknown-token").status_code == 429  # guessing counts too
    assert web.client.get("/api/boards", headers=web.bearer).status_code == 200  # the rest of the app is not limited


def test_the_share_link_is_the_only_door_without_a_login(web: Web) -> None:
    """Every route of the app, asked without a cookie or token, sends to the login (pages) or
    answers 401 (API), except the few meant to be open; a new open route fails this test."""
    open_routes = {"/healthz", "/login", "/lang/{code}", "/s/{token}", "/s/{token}/v/{key}"} | {
        f"/s/{{token}}/v/{{key}}/{f}" for f in ("video", "poster.jpg", "transcript.txt")
    }
    values = {"key": "a-example-com-000000000000", "fmt": "txt", "code": "en", "token": "x" * 32, "name": "ana"}
    stranger = TestClient(web.client.app)
    checked = 0
    for route in api_routes(web.client.app.routes):  # type: ignore[attr-defined]
        if route.path in open_routes:
            continue
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), route.path)
        for method in route.methods:
            answer = stranger.request(method, path, follow_redirects=False)
            refused = answer.status_code == 401 or (
                answer.status_code == 303 and answer.headers["location"].startswith("/login")
            )
            assert refused, (method, route.path, answer.status_code)
            checked += 1
    assert checked > 40


def test_a_private_board_of_another_user_filters_to_nothing_in_the_library_search_and_insights(web: Web) -> None:
    a, b, _c = _vsls(web)
    api, auth = web.client, web.bearer
    bid = api.post("/api/boards", json={"name": "Só meu"}, headers=auth).json()["id"]
    for key in (a, b):
        assert api.post(f"/api/boards/{bid}/items", json={"partition_key": key}, headers=auth).status_code in (200, 201)
    # The owner's filter works...
    assert {v["partition_key"] for v in api.get(f"/api/vsls?board={bid}", headers=auth).json()["items"]} == {a, b}
    # ...another user's is as if the board did not exist: its contents never show.
    bia = _bia(web)
    assert api.get(f"/api/vsls?board={bid}", headers=bia).json()["items"] == []
    table = api.get(f"/api/library/export.csv?board={bid}", headers=bia)
    assert table.status_code == 200 and a not in table.text and b not in table.text
    assert api.get(f"/api/insights?board={bid}", headers=auth).json()["analysed"] == 2
    assert api.get(f"/api/insights?board={bid}", headers=bia).json()["analysed"] == 0


def test_the_share_links_poster_uses_the_configured_ffmpeg(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the signed-in poster route: an install whose ffmpeg is not on PATH (``VSL_FFMPEG``)
    must get share-link posters too."""
    from vsl_assets.web.routers import share

    asked: list[str | None] = []

    def fake_poster(layout: object, key: str, duration: float | None = None, **kwargs: object) -> None:
        asked.append(kwargs.get("ffmpeg"))  # type: ignore[arg-type]

    monkeypatch.setattr(share, "ensure_poster", fake_poster)
    context = web.client.app.state.web  # type: ignore[attr-defined]
    monkeypatch.setattr(context, "settings", context.settings.model_copy(update={"ffmpeg": "/opt/ffmpeg-7/bin/ffmpeg"}))
    a, *_ = _vsls(web)
    bid = web.client.post("/api/boards", json={"name": "Cartaz"}, headers=web.bearer).json()["id"]
    web.client.post(f"/api/boards/{bid}/items", json={"partition_key": a}, headers=web.bearer)
    path = _share(web, bid)
    assert TestClient(web.client.app).get(f"{path}/v/{a}/poster.jpg").status_code == 404  # no video: no poster
    assert asked == ["/opt/ffmpeg-7/bin/ffmpeg"]
