"""The library page's filter form and cards are rendered once per content and reused
(``web/render.cached_fragment``): a reused fragment must be exactly what rendering it anew gives,
and must never outlive what it shows (a changed card, another language or time zone).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import update

from vsl_assets.db.models import Url
from vsl_assets.web.i18n import LANG_COOKIE, TZ_COOKIE
from vsl_assets.web.routers import pages
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed

_CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _library(web: Web, **params: Any) -> str:
    answer = web.client.get("/", params=params)
    assert answer.status_code == 200, answer.text
    return _CSRF.sub("", answer.text)


def _seed_kinds(web: Web) -> dict[str, str]:
    """One VSL of each kind a card shows differently."""
    with web.session() as s:
        return {
            "analyzed": seed(s, web.layout, Fake("https://one.example.com/vsl", title="Ritual da manhã")),
            "failed": seed(
                s,
                web.layout,
                Fake("https://two.example.com/vsl", status="failed", reason="HTTP 404 from the stream URL"),
            ),
            "queued": seed(s, web.layout, Fake("https://three.example.com/vsl", status="queued", price=None)),
            "untitled": seed(s, web.layout, Fake("https://127.0.0.1/stream.m3u8", language="en", niche=None)),
        }


def test_a_reused_form_and_cards_are_what_rendering_them_anew_gives(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = sqlite_web
    web.login()
    keys = _seed_kinds(web)
    first = _library(web)
    assert all(f'data-key="{k}"' in first for k in keys.values())
    assert 'data-poll-key="' + keys["queued"] + '"' in first and 'class="reason"' in first
    again = _library(web)  # form and cards from the cache
    filtered = _library(web, status="failed", sort="oldest")

    real = pages.cached_fragment

    def fresh(request: Any, name: str, key: Any, data: Any) -> Any:
        return real(request, name, None, data)

    monkeypatch.setattr(pages, "cached_fragment", fresh)
    assert _library(web) == first == again
    assert _library(web, status="failed", sort="oldest") == filtered


def test_a_card_changes_with_its_vsl_language_and_time_zone(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    keys = _seed_kinds(web)
    assert "Ritual da manhã" in _library(web)
    with web.session() as s:
        s.execute(update(Url).where(Url.partition_key == keys["analyzed"]).values(title="Joelho — versão B"))
    html = _library(web)
    assert "Joelho — versão B" in html and "Ritual da manhã" not in html
    with web.session() as s:
        s.execute(update(Url).where(Url.partition_key == keys["analyzed"]).values(status="failed", reason="gone"))
    html = _library(web)
    assert html.count('class="reason"') == 2
    # The same cards and form in another language, then back: each language its own fragments.
    web.client.cookies.set(LANG_COOKIE, "pt-BR")
    html = _library(web)
    assert ">Filtrar<" in html and ">Filter<" not in html
    web.client.cookies.set(LANG_COOKIE, "en")
    web.client.cookies.set(TZ_COOKIE, "America/Sao_Paulo")
    html = _library(web)
    assert ">Filter<" in html and ">Filtrar<" not in html


def test_the_fragments_kept_are_bounded_and_the_page_stays_whole(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vsl_assets.web import render

    web = sqlite_web
    web.login()
    keys = _seed_kinds(web)
    monkeypatch.setattr(render, "MAX_FRAGMENTS", 2)
    first = _library(web)
    again = _library(web)
    assert first == again and all(f'data-key="{k}"' in again for k in keys.values())
    env = web.client.app.state.web.templates.env  # type: ignore[attr-defined]
    assert len(render._fragments[env]) <= 2
