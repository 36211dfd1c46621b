"""What a new user read on a first afternoon with the Swipe (trial 19): a price's reading said its
role twice ("anchor: anchor: a lower price follows..."), an untitled VSL on a board was "Untitled
VSL" on a Portuguese page, and some refusals stayed English on Portuguese error pages."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from vsl_assets.db import repo
from vsl_assets.db.models import BreakdownRow, Url
from vsl_assets.net.urls import normalize_url
from vsl_assets.web.errors import FIELD_LABELS
from vsl_assets.web.i18n import MESSAGES, explain, reason, template_helpers
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed

HTML = {"Accept": "text/html"}
PT = {**HTML, "Accept-Language": "pt-BR"}


def test_a_prices_reading_does_not_repeat_its_role() -> None:
    raw = 'anchor: a lower price follows after "mas"'
    assert explain("en", raw, "anchor").text == 'a lower price follows after "mas"'
    assert explain("pt-BR", raw, "anchor").text == 'um preço menor vem depois de "mas"'
    assert explain("es", raw, "anchor").text == 'un precio menor viene después de "mas"'
    assert explain("pt-BR", raw, "anchor").raw == raw  # the text as written is kept (title=)
    # "offer cue: ..." is not the role "offer" said twice: kept whole; so is a reading without a role
    assert explain("en", 'offer cue: "apenas"', "offer").text == 'offer cue: "apenas"'
    assert explain("pt-BR", raw).text == 'âncora: um preço menor vem depois de "mas"'
    assert (
        explain("en", "offer: the lower price after the contrast", "offer").text == "the lower price after the contrast"
    )


def test_the_vsl_page_says_a_prices_role_once(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    quote = "custa 500 reais, mas hoje 97"
    prices = [
        {
            "amount": 500.0,
            "currency": "BRL",
            "role": "anchor",
            "start": 25.0,
            "end": 29.0,
            "quote": quote,
            "why": 'anchor: a lower price follows after "mas"',
        },
        {
            "amount": 97.0,
            "currency": "BRL",
            "role": "offer",
            "start": 25.0,
            "end": 29.0,
            "quote": quote,
            "why": "offer: the lower price after the contrast",
        },
    ]
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/precos", title="Preços"))
        row = s.scalar(select(BreakdownRow).join(Url, Url.id == BreakdownRow.url_id).where(Url.partition_key == key))
        assert row is not None
        row.data = {**(row.data or {}), "prices": prices}
    page = html.unescape(web.client.get(f"/vsl/{key}", headers=PT).text)
    assert '<span class="role">âncora</span>: <em title=' in page
    assert '>um preço menor vem depois de "mas"</em>' in page and "âncora: âncora" not in page
    assert '<span class="role">oferta</span>: <em' in page and "oferta: oferta" not in page
    english = html.unescape(web.client.get(f"/vsl/{key}", headers={**HTML, "Accept-Language": "en"}).text)
    assert '<span class="role">anchor</span>: <em title=' in english
    assert '>a lower price follows after "mas"</em>' in english and "offer</span>: <em" in english
    assert ">the lower price after the contrast</em>" in english


def test_an_untitled_vsl_on_a_board_is_named_in_the_readers_language(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        [added] = repo.add_urls(s, [normalize_url("https://nada.example.com/x.m3u8")])  # nothing read yet
        key = added.partition_key
        ready = seed(s, web.layout, Fake("https://pronta.example.com/v", title="Ritual pronto"))
    made = web.client.post("/api/boards", json={"name": "Estudo"}, headers=web.bearer)
    bid = made.json()["id"]
    for item in (key, ready):
        added_to = web.client.post(f"/api/boards/{bid}/items", json={"partition_key": item}, headers=web.bearer)
        assert added_to.status_code == 200
    page = web.client.get(f"/boards/{bid}", headers=PT).text
    assert "<strong>VSL sem título</strong>" in page and "Untitled VSL" not in page
    # not ready yet: its card says so (a failed or waiting VSL on a board read like a ready one);
    # a ready one has no badge
    assert 'data-status="pending_ingest">Recebida</span>' in page
    assert page.count('class="badge s-') == 1 and "<strong>Ritual pronto</strong>" in page
    assert (
        "<strong>VSL sin título</strong>"
        in web.client.get(f"/boards/{bid}", headers={**HTML, "Accept-Language": "es"}).text
    )
    assert (
        "<strong>Untitled VSL</strong>"
        in web.client.get(f"/boards/{bid}", headers={**HTML, "Accept-Language": "en"}).text
    )
    name = template_helpers("pt-BR")["vsl_name"]
    assert name("Ritual da manhã", "https://x") == "Ritual da manhã" and name(None, "https://x") == "https://x"


def test_refusals_a_user_can_reach_read_in_their_language(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    lang = web.client.get("/search", params={"q": "garantia", "language": "fr"}, headers=PT)
    assert lang.status_code == 422
    said = html.unescape(lang.text)
    assert "a busca não conhece o idioma 'fr': use um destes: português, inglês, espanhol" in said
    # what the pipeline and the URL check say, known to the catalogs
    big = "no video player found on page (only the first part of a very large page was read)"
    assert reason("pt-BR", big).text == (
        "nenhum player de vídeo encontrado na página (só a primeira parte de uma página muito grande foi lida)"
    )
    assert reason("es", big).translated
    typo = "the URL starts with http// or https// without the colon: write http:// or https://"
    assert reason("pt-BR", typo).text.startswith("a URL começa com http// ou https// sem os dois-pontos")
    assert reason("pt-BR", "no live token 7 of yours").text == "você não tem o token ativo 7 (talvez já revogado)"
    assert reason("pt-BR", "'k-1' is not on board 3").text == "'k-1' não está no quadro 3"
    assert reason("es", "no saved search 4 of yours").text == "no tienes la búsqueda guardada 4 (quizá ya borrada)"


def test_the_search_page_names_what_was_asked(sqlite_web: Web) -> None:
    """A first search read "No VSL says these words with these filters." with no filter set, and a
    filter alone read "2 VSLs, 0 segments", as if nothing had been found inside them."""
    web = sqlite_web
    with web.session() as s:
        keys = [seed(s, web.layout, Fake(f"https://{n}.example.com/v", title=f"Ritual {n}")) for n in ("a", "b")]
        index_all(s, web.settings, keys)
    web.login()

    def said(lang: str, **params: str) -> str:
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/search", params=params).text
        found = re.search(r'id="search-empty"[^>]*>(.*?)</div>', page, re.S) or re.search(
            r'id="search-count"[^>]*>(.*?)</p>', page, re.S
        )
        assert found is not None, page
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())

    assert said("pt-BR", language="pt") == "2 VSLs"
    assert said("en", language="pt") == "2 VSLs"
    assert said("en", q="ritual", language="pt") == "2 VSLs, 2 segments"
    assert (
        said("pt-BR", q="zzyzx")
        == "Nenhuma VSL diz estas palavras. Tente menos palavras ou outras, ou o começo de uma palavra com * (garant*)."
    )
    assert said("en", q="zzyzx", language="es").startswith("No VSL says these words with these filters.")
    assert said("es", language="es") == "Ninguna VSL cumple estos filtros. Prueba menos filtros."


def test_a_refused_filter_is_named_as_its_menu_names_it(sqlite_web: Web) -> None:
    """A hand-edited or stale link read "sort: não é uma das opções oferecidas", "t: um número",
    "board_id: um número inteiro": the parameter's name, not the field's."""
    web = sqlite_web
    web.login()
    for path, said in (
        ("/?sort=bogus", "Ordenar: não é uma das opções oferecidas"),
        ("/?niche=x&pitch_min=abc", "Pitch (transcrição): um número"),
        ("/boards/abc", "Quadro: um número inteiro"),
        ("/vsl/some-key?t=abc", "Segundo do vídeo: um número"),
    ):
        page = web.client.get(path, headers=PT)
        assert page.status_code == 422, path
        assert said in html.unescape(page.text), path
    for lang in ("pt-BR", "es"):
        assert all(MESSAGES[lang].get(text) for text in FIELD_LABELS.values()), lang
