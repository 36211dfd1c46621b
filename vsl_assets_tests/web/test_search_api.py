"""``GET /api/search`` with the library's filters (the search page's definition) and the language
checked against what the index knows; saved searches through the API per user and token scope
(real SQLite app DB and FTS5 index, the real ASGI app)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from vsl_assets.services import boards
from vsl_assets.web.users import add_user, create_token
from vsl_assets_tests.web.conftest import PASSWORD, Web
from vsl_assets_tests.web.test_search_page import _seed_three


def _keys(web: Web, **params: object) -> list[str]:
    response = web.client.get("/api/search", params=params, headers=web.bearer)
    assert response.status_code == 200, response.text
    return sorted({row["partition_key"] for row in response.json()})


def test_api_search_takes_the_library_filters(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed_three(web)
    pt = sorted([keys["pt_story"], keys["pt_cheap"]])
    assert _keys(web, q="ritual") == sorted(keys.values())
    assert _keys(web, q="ritual", language="pt") == pt
    assert _keys(web, q="ritual", lang="pt-BR") == pt  # the old name, and a locale, still work
    assert _keys(web, q="ritual", lead="problem") == [keys["pt_cheap"]]
    assert _keys(web, q="ritual", niche="money") == [keys["es_money"]]
    assert _keys(web, q="ritual", awareness="unaware") == [keys["es_money"]]
    assert _keys(web, q="ritual", price_max=50, language="pt") == [keys["pt_cheap"]]
    assert _keys(web, q="ritual", duration_min=300) == [keys["pt_cheap"]]
    assert _keys(web, q="ritual", key=keys["pt_story"]) == [keys["pt_story"]]
    # Blank fields (a form's) are no filter.
    assert len(_keys(web, q="ritual", language="", niche="", price_min="", board="")) == 3

    with web.session() as s:
        mine = boards.create_board(s, 1, "Favoritos", None)
        boards.add_item(s, mine, keys["es_money"], None, [])
        add_user(s, "bia", PASSWORD)
        hers = boards.create_board(s, 2, "Privado", None)
        boards.add_item(s, hers, keys["pt_story"], None, [])
        mine_id, hers_id = mine.id, hers.id
    assert _keys(web, q="ritual", board=mine_id) == [keys["es_money"]]
    # Another user's private board filters to nothing (never leaks, never everything).
    assert _keys(web, q="ritual", board=hers_id) == []
    assert _keys(web, q="ritual", board=99999) == []


def test_api_search_refuses_a_language_it_does_not_know(sqlite_web: Web) -> None:
    web = sqlite_web
    _seed_three(web)
    for bad in ("xx", "portugues brasileiro", "fr"):
        response = web.client.get("/api/search", params={"q": "ritual", "lang": bad}, headers=web.bearer)
        assert response.status_code == 422, bad
        assert "pt, en, es" in response.json()["detail"]
    clash = web.client.get("/api/search", params={"q": "ritual", "lang": "pt", "language": "es"}, headers=web.bearer)
    assert clash.status_code == 422 and "disagree" in clash.json()["detail"]
    assert web.client.get("/api/search", params={"q": "x", "price_min": -1}, headers=web.bearer).status_code == 422
    assert web.client.get("/api/search", params={"q": "x", "limit": 101}, headers=web.bearer).status_code == 422
    bad_key = web.client.get("/api/search", params={"q": "x", "key": "../etc"}, headers=web.bearer)
    assert bad_key.status_code == 400 and "partition key" in bad_key.json()["detail"]
    # A long query is fine here (the library's 200-character title filter is not the search's words).
    assert web.client.get("/api/search", params={"q": "ritual " * 60}, headers=web.bearer).status_code == 200


def test_saved_searches_api_per_user_and_scope(sqlite_web: Web) -> None:
    web = sqlite_web
    _seed_three(web)
    with web.session() as s:
        read_token = create_token(s, "ana", "reader", scope="read")
        add_user(s, "bia", PASSWORD)
        bia_token = create_token(s, "bia", "bia")
    reader = {"Authorization": f"Bearer {read_token}"}
    bia = {"Authorization": f"Bearer {bia_token}"}

    made = web.client.post(
        "/api/saved-searches",
        json={"query": "q=ritual&language=pt&price_max=50&status=failed&evil=1", "name": "  Baratos   PT "},
        headers=web.bearer,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    # The same reading as the page's form: only the search page's fields kept, the name tidied.
    assert body["query"] == "q=ritual&language=pt&price_max=50"
    assert body["name"] == "Baratos PT"
    assert body["url"] == "/search?q=ritual&language=pt&price_max=50"
    # A name left blank is the words searched.
    unnamed = web.client.post("/api/saved-searches", json={"query": "q=garantia"}, headers=web.bearer).json()
    assert unnamed["name"] == "garantia"
    # Nothing to save is refused with the page's reason.
    empty = web.client.post("/api/saved-searches", json={"query": "status=failed"}, headers=web.bearer)
    assert empty.status_code == 400 and "Nothing to save" in empty.json()["detail"]

    # A read token lists but may not create or delete.
    listed = web.client.get("/api/saved-searches", headers=reader).json()
    assert [s["name"] for s in listed] == ["garantia", "Baratos PT"]
    assert web.client.post("/api/saved-searches", json={"query": "q=x"}, headers=reader).status_code == 403
    assert web.client.delete(f"/api/saved-searches/{body['id']}", headers=reader).status_code == 403

    # Another user sees none of them and cannot delete them.
    assert web.client.get("/api/saved-searches", headers=bia).json() == []
    assert web.client.delete(f"/api/saved-searches/{body['id']}", headers=bia).status_code == 404
    # Saved through the API, it is on the page; deleted, it is gone from both.
    web.login()
    assert ">Baratos PT</a>" in web.client.get("/search").text
    assert web.client.delete(f"/api/saved-searches/{body['id']}", headers=web.bearer).status_code == 204
    assert [s["name"] for s in web.client.get("/api/saved-searches", headers=web.bearer).json()] == ["garantia"]
    assert ">Baratos PT</a>" not in web.client.get("/search").text
    assert web.client.delete(f"/api/saved-searches/{body['id']}", headers=web.bearer).status_code == 404
    # Signed out: no access at all.
    assert TestClient(web.client.app).get("/api/saved-searches").status_code == 401
    assert web.client.delete("/api/saved-searches/99999999999", headers=web.bearer).status_code == 422


def test_api_search_with_filters_and_no_words_lists_the_filtered_vsls(sqlite_web: Web) -> None:
    """As the search page does: one row per VSL the filters select, with no moment (start null)."""
    web = sqlite_web
    keys = _seed_three(web)
    response = web.client.get("/api/search", params={"language": "pt"}, headers=web.bearer)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert sorted(r["partition_key"] for r in rows) == sorted([keys["pt_story"], keys["pt_cheap"]])
    assert all(r["start"] is None and r["end"] is None and r["text"] == "" for r in rows)
    assert all(r["title"] and r["url"] for r in rows)
    assert _keys(web, niche="money") == [keys["es_money"]]
    # With words, every row is a moment.
    assert all(
        r["start"] is not None for r in web.client.get("/api/search", params={"q": "ritual"}, headers=web.bearer).json()
    )
    # Neither words nor a filter: refused with the reason.
    empty = web.client.get("/api/search", headers=web.bearer)
    assert empty.status_code == 400 and "choose a filter" in empty.json()["detail"]


def test_search_page_has_its_own_query_limit_and_checks_the_language(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed_three(web)
    web.login()
    # Longer than the library's 200-character title filter: still a search.
    long_query = ("ritual " * 60).strip()
    page = web.client.get("/search", params={"q": long_query})
    assert page.status_code == 200 and keys["pt_story"] in page.text
    too_long = web.client.get("/search", params={"q": "a" * 1001}, headers={"Accept": "text/html"})
    # The limit said in the reader's language, as the page writes numbers ("1,000"; pt-BR "1.000").
    assert too_long.status_code == 422 and "at most 1,000 characters" in too_long.text
    for bad in ("fr", "klingon"):
        refused = web.client.get("/search", params={"q": "ritual", "language": bad}, headers={"Accept": "text/html"})
        assert refused.status_code == 422, bad
        assert "pt, en, es" in refused.text and "<html" in refused.text.lower()
    pt = web.client.get("/search", params={"q": "ritual", "language": "Portuguese"})
    assert pt.status_code == 200 and keys["pt_story"] in pt.text and keys["es_money"] not in pt.text
