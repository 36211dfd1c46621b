"""The library page's filter form and cards are rendered once per content and reused
(``web/render.Fragments``): a reused fragment must be exactly what rendering it anew gives,
and must never outlive what it shows (a changed card, another language or time zone).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update
from starlette.templating import Jinja2Templates

from vsl_assets.db.models import Url
from vsl_assets.services.schemas import VslCard
from vsl_assets.web import render
from vsl_assets.web.i18n import LANG_COOKIE, TZ_COOKIE, install
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

    real = render.Fragments.get

    def fresh(self: render.Fragments, name: str, key: Any, data: Any) -> Any:
        return real(self, name, None, data)

    monkeypatch.setattr(render.Fragments, "get", fresh)
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
    web = sqlite_web
    web.login()
    keys = _seed_kinds(web)
    monkeypatch.setattr(render, "MAX_FRAGMENTS", 2)
    first = _library(web)
    again = _library(web)
    assert first == again and all(f'data-key="{k}"' in again for k in keys.values())
    env = web.client.app.state.web.templates.env  # type: ignore[attr-defined]
    assert len(render._fragments[env]) <= 2


# -- the card's cache key, field by field ---------------------------------------------------------

#: A card with every field set, and for each field another value that a card may show.  A field
#: added to ``VslCard`` fails ``test_every_card_field_has_a_changed_value`` until it is listed here.
_BASE = VslCard(
    partition_key="a-example-com-1",
    url="https://a.example.com/vsl",
    host="a.example.com",
    title="Ritual da manhã",
    title_source="page",
    alias=False,
    status="failed",
    reason="HTTP 404 from the stream URL",
    duration_s=61.0,
    language="pt",
    niche="health",
    lead_type="story",
    awareness="problem_aware",
    price=97.0,
    currency="BRL",
    created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    needs_review=False,
    transcript_quality=0.9,
    days_live=3,
    down_since=None,
    versions=2,
)
_CHANGED: dict[str, Any] = {
    "partition_key": "b-example-com-2",
    "url": "https://b.example.com/vsl",
    "host": "b.example.com",
    "title": "Joelho — versão B",
    "title_source": "custom",
    "alias": True,
    "status": "queued",
    "reason": "the page has no video",
    "duration_s": 3725.0,
    "language": "en",
    "niche": "finance",
    "lead_type": "secret",
    "awareness": "most_aware",
    "price": 197.0,
    "currency": "USD",
    "created_at": datetime(2026, 4, 2, 8, 30, tzinfo=UTC),
    "needs_review": True,
    "transcript_quality": 0.2,
    "days_live": 95,
    "down_since": datetime(2026, 5, 1, tzinfo=UTC),
    "versions": 5,
}


@functools.cache
def _request() -> Any:
    """A request in English of an app with the web's templates (built once)."""
    templates = Jinja2Templates(directory=str(Path(render.__file__).with_name("templates")))
    install(templates.env)
    app = SimpleNamespace(state=SimpleNamespace(web=SimpleNamespace(templates=templates)))
    return SimpleNamespace(cookies={LANG_COOKIE: "en"}, headers={}, app=app)


def _fragments() -> render.Fragments:
    """Fragments for that request, with nothing cached yet."""
    fragments = render.Fragments(_request())
    fragments._cache.clear()
    return fragments


def _key_misses(key: Callable[[VslCard], Hashable]) -> tuple[list[str], list[str]]:
    """(the fields whose change a card shows, those of them where the card cached by ``key``
    is not what rendering the changed card anew gives)."""
    shown, missed = [], []
    for field, value in _CHANGED.items():
        changed = _BASE.model_copy(update={field: value})
        fragments = _fragments()
        base = pages.library_card(fragments, _BASE, key)
        fresh = pages.library_card(fragments, changed, lambda _c: None)
        if fresh != base:
            shown.append(field)
        if pages.library_card(fragments, changed, key) != fresh:
            missed.append(field)
    return shown, missed


def test_every_card_field_has_a_changed_value() -> None:
    assert set(_CHANGED) == set(VslCard.model_fields)
    assert all(getattr(_BASE, f) != v for f, v in _CHANGED.items())


def test_the_card_key_holds_every_field_the_card_shows() -> None:
    shown, missed = _key_misses(pages.card_key)
    assert missed == []
    # What the check covers: each of these changes what the card shows.
    assert {"title", "status", "reason", "duration_s", "niche", "price", "needs_review", "days_live"} <= set(shown)


def test_a_key_that_leaves_a_shown_field_out_is_caught() -> None:
    def without_niche(c: VslCard) -> Hashable:
        return tuple(v for k, v in c.__dict__.items() if k != "niche")

    _shown, missed = _key_misses(without_niche)
    assert missed == ["niche"]
