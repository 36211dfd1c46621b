"""Names (issue 27, item 1): every surface shows the one display title; people rename through
the VSL page's form (CSRF) and ``PATCH /api/vsls/{key}`` (write tokens only)."""

from __future__ import annotations

import re

from sqlalchemy import select

from vsl_assets.db.models import BreakdownRow
from vsl_assets.services.export import export_catalog
from vsl_assets.web.users import create_token
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed, url_id

STREAM = "http://127.0.0.1:8080/hls/master.m3u8"
HOOK = "Você vai descobrir o ritual da manhã."


def _h1(html: str) -> str:
    found = re.search(r'<h1 id="vsl-title"[^>]*>([^<]*)</h1>', html)
    assert found, "no title heading"
    return found.group(1)


def _page_title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found
    return found.group(1)


def test_a_direct_stream_is_named_by_its_hook_everywhere_never_its_address(web: Web) -> None:
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake(STREAM))
        index_all(s, web.settings, [key])
    card = re.search(r'<strong class="title" data-title-source="hook">([^<]*)<', web.client.get("/").text)
    assert card and card.group(1) == "Você vai descobrir o ritual da manhã"
    html = web.client.get(f"/vsl/{key}").text
    assert _h1(html) == "Você vai descobrir o ritual da manhã"
    assert _page_title(html).startswith("Você vai descobrir o ritual da manhã")
    assert "127.0.0.1" not in _page_title(html) + _h1(html)
    api = web.client.get(f"/api/vsls/{key}", headers=web.bearer).json()
    assert (api["title"], api["title_source"], api["custom_title"]) == (
        "Você vai descobrir o ritual da manhã",
        "hook",
        None,
    )
    [row] = web.client.get("/api/search", params={"q": "garantia"}, headers=web.bearer).json()
    assert row["title"] == "Você vai descobrir o ritual da manhã"
    board = web.client.post("/api/boards", json={"name": "B"}, headers={**web.bearer}).json()
    items = web.client.post(f"/api/boards/{board['id']}/items", json={"partition_key": key}, headers=web.bearer).json()[
        "items"
    ]
    assert items[0]["title"] == "Você vai descobrir o ritual da manhã"
    catalog = export_catalog(sessions=web.session, fmt="csv", out=None, min_confidence=0.6)
    assert catalog.text is not None and ",Você vai descobrir o ritual da manhã," in catalog.text
    assert csrf


def test_the_product_names_a_vsl_only_when_the_engine_was_sure(web: Web) -> None:
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake(STREAM))
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, key)))
        assert row is not None
        row.product = "Flexa Max"
        row.confidence = {"product": 0.3}
    assert web.client.get(f"/api/vsls/{key}", headers=web.bearer).json()["title_source"] == "hook"
    with web.session() as s:
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, key)))
        assert row is not None
        row.confidence = {"product": 0.9}
    got = web.client.get(f"/api/vsls/{key}", headers=web.bearer).json()
    assert (got["title"], got["title_source"]) == ("Flexa Max", "product")
    assert '<strong class="title" data-title-source="product">Flexa Max<' in web.client.get("/").text


def test_rename_on_the_page_then_clear_restores_the_detected_title(web: Web) -> None:
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://oferta.example.com/vsl", title="Método Joelho Livre"))
        index_all(s, web.settings, [key])
    refused = web.client.post(f"/vsl/{key}/title", data={"title": "Sem token"}, follow_redirects=False)
    assert refused.status_code == 403
    done = web.client.post(
        f"/vsl/{key}/title", data={"title": "Joelho — versão B", "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    html = web.client.get(f"/vsl/{key}").text
    assert _h1(html) == "Joelho — versão B" and _page_title(html).startswith("Joelho — versão B")
    assert 'placeholder="Método Joelho Livre"' in html  # the detected title, kept apart
    assert "Joelho — versão B" in web.client.get("/", params={"q": "versão B"}).text  # the text filter finds it
    # Search results carry the edit at once, without a reindex.
    [row] = web.client.get("/api/search", params={"q": "garantia"}, headers=web.bearer).json()
    assert row["title"] == "Joelho — versão B"
    web.client.post(f"/vsl/{key}/title", data={"title": "  ", "csrf_token": csrf})
    assert _h1(web.client.get(f"/vsl/{key}").text) == "Método Joelho Livre"


def test_patch_renames_with_a_write_token_only(web: Web) -> None:
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://oferta.example.com/vsl", title="Método Joelho Livre"))
        read = create_token(s, "ana", "reader", scope="read")
    path = f"/api/vsls/{key}"
    denied = web.client.patch(path, json={"title": "X"}, headers={"Authorization": f"Bearer {read}"})
    assert denied.status_code == 403 and "read-only" in denied.json()["detail"]
    assert web.client.patch(path, json={"title": "X"}).status_code == 401
    ok = web.client.patch(path, json={"title": "Ritual da manhã (B)"}, headers=web.bearer)
    assert ok.status_code == 200
    assert ok.json() == {
        "partition_key": key,
        "title": "Ritual da manhã (B)",
        "title_source": "custom",
        "detected_title": "Método Joelho Livre",
        "custom_title": "Ritual da manhã (B)",
    }
    cards = web.client.get("/api/vsls", headers=web.bearer).json()["items"]
    assert [c["title"] for c in cards] == ["Ritual da manhã (B)"]
    cleared = web.client.patch(path, json={"title": None}, headers=web.bearer).json()
    assert (cleared["title"], cleared["title_source"], cleared["custom_title"]) == ("Método Joelho Livre", "page", None)
    assert web.client.patch("/api/vsls/nope-000000000000", json={"title": "X"}, headers=web.bearer).status_code == 404
    too_long = web.client.patch(path, json={"title": "x" * 2001}, headers=web.bearer)
    assert too_long.status_code == 422


def test_titles_sort_the_library_and_untitled_is_translated(web: Web) -> None:
    web.login()
    with web.session() as s:
        seed(s, web.layout, Fake("https://b.example.com/v", title="Bravo"))
        seed(s, web.layout, Fake("https://a.example.com/v", title="Alfa"))
        seed(s, web.layout, Fake("http://127.0.0.1:9/x.m3u8", status="pending_ingest", segments=[(0, 1, "x")]))
    cards = web.client.get("/api/vsls", params={"sort": "title"}, headers=web.bearer).json()["items"]
    assert [(c["title"], c["title_source"]) for c in cards] == [
        ("Alfa", "page"),
        ("Bravo", "page"),
        ("Untitled VSL", "none"),
    ]
    web.client.cookies.set("vsl_lang", "pt-BR")
    assert '<strong class="title" data-title-source="none">VSL sem título<' in web.client.get("/").text
