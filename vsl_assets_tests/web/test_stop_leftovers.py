"""Leftovers noticed at the last stop, as a reader sees them: a search with no match says so once
(with what to try), an empty Boards page says what a board is and how to make one, and Compare
offers "what changed" only between versions of one VSL."""

from __future__ import annotations

import html
import re

from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed


def _text(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</div>', page, re.S)
    assert found is not None, element_id
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_a_search_with_no_match_says_it_once_with_a_hint(sqlite_web: Web) -> None:
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example/ritual", title="Ritual"))
        index_all(s, web.settings, [key])
    web.login()
    for lang, said, hint in (
        ("en", "No VSL says these words.", "a word's start with * (garant*)"),  # no filter set: none named (trial 19)
        ("pt-BR", "Nenhuma VSL diz estas palavras.", "o começo de uma palavra com * (garant*)"),
    ):
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/search", params={"q": "zzyzx"}).text
        assert said in _text(page, "search-empty") and hint in _text(page, "search-empty")
        assert 'id="search-count"' not in page and "0 VSLs" not in page
        assert "Nada encontrado." not in page and "No match." not in page
        found = web.client.get("/search", params={"q": "ritual"}).text
        assert 'id="search-empty"' not in found and 'id="search-count">1 VSL, ' in found


def test_an_empty_boards_page_says_what_a_board_is_and_how_to_make_one(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    for lang, what, how in (
        ("en", "A board is a named list of VSLs", "choose New board; then open a VSL and use Add to board"),
        (
            "pt-BR",
            "Um quadro é uma lista com nome de VSLs",
            "escolha Novo quadro; depois abra uma VSL e use Adicionar ao quadro",
        ),
    ):
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/boards").text
        said = _text(page, "no-boards")
        assert what in said and how in said
        assert "Nothing here." not in page and "Nada aqui." not in page
    web.client.post("/api/boards", json={"name": "Chás"}, headers=web.bearer)
    assert 'id="no-boards"' not in web.client.get("/boards").text


def test_a_failed_page_with_a_title_shows_its_title_escaped(sqlite_web: Web) -> None:
    """A URL whose page was read but gave no video (``urls.page_title``, no ``sources`` row)."""
    from sqlalchemy import delete

    from vsl_assets.db import Source, repo

    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://oferta.example.com/cha", status="failed", segments=[]))
        url = repo.require_url(s, key)
        url.page_title = "Chá & Cia <b>oferta</b>"
        s.execute(delete(Source).where(Source.url_id == url.id))
    web.login()
    shown = "Chá &amp; Cia &lt;b&gt;oferta&lt;/b&gt;"
    for lang, untitled in (("en", "Untitled VSL"), ("pt-BR", "VSL sem título")):
        web.client.cookies.set("vsl_lang", lang)
        library, page = web.client.get("/").text, web.client.get(f"/vsl/{key}").text
        assert shown in library and f'<h1 id="vsl-title" data-title-source="page">{shown}</h1>' in page
        assert untitled not in library and untitled not in page and "<b>oferta" not in page + library
