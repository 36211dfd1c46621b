"""An alias's page names its original in the reader's language when the original has no title."""

from __future__ import annotations

from vsl_assets.db import repo
from vsl_assets.net.urls import normalize_url
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def test_an_alias_page_names_an_untitled_original_in_portuguese(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    web.client.cookies.set("vsl_lang", "pt-BR")
    with web.session() as s:
        original = seed(s, web.layout, Fake("https://cdn.example.com/sem-nome.m3u8", status="failed", segments=[]))
        [added] = repo.add_urls(s, [normalize_url("https://pagina.example.com/oferta")])
        alias = repo.require_url(s, added.partition_key)
        alias.status, alias.alias_of = "alias", repo.require_url(s, original).id
        key = alias.partition_key
    html = web.client.get(f"/vsl/{key}").text
    assert 'id="alias-of"' in html and "Untitled VSL" not in html
    same = html.split('id="alias-of"')[1].split("</p>")[0]
    assert f'<a href="/vsl/{original}">VSL sem título</a>' in same
