"""The search page and the insights page in real Chromium, in Portuguese, on a desktop (1366x800)
and a phone (390x844): filtered search with a number said in words, grouped results whose
moments open the VSL at their second, a saved search, and insights charts whose marks open the
library filtered to the VSLs they count.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens) as ``search_<device>.png`` and
``insights_<device>.png``.
"""

from __future__ import annotations

from typing import Any

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.db import session_scope
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.seed import Fake, index_all, seed
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEVICES = (("desktop", {"width": 1366, "height": 800}), ("phone", {"width": 390, "height": 844}))
WORDS = [
    (0.0, 6.0, "Você vai descobrir o ritual da manhã que mudou tudo."),
    (6.0, 12.0, "Eu tinha vinte e sete quilos a mais e nenhuma energia."),
    (12.0, 20.0, "E você tem uma garantia de trinta dias para testar o ritual."),
]


def _seed() -> dict[str, str]:
    settings = settings_module.current()
    layout = StorageLayout(settings.storage_root)
    with session_scope(settings.database) as s:
        keys = {
            "words": seed(s, layout, Fake("https://ofertas.example/ritual", title="Ritual da Manhã", segments=WORDS)),
            "digits": seed(
                s,
                layout,
                Fake("https://ofertas.example/sono", title="Sono Profundo", lead="big_secret", price=47.0),
            ),
            "wealth": seed(
                s,
                layout,
                Fake(
                    "https://ofertas.example/renda",
                    title="Renda Extra",
                    niche="wealth/trading",
                    lead="offer",
                    price=297.0,
                ),
            ),
        }
        index_all(s, settings, list(keys.values()))
    return keys


def _login(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/lang/pt-BR?next=/search")


def _overflowing(page: Any) -> list[str]:
    """Elements of the page's main content wider than the viewport (the shared header is judged
    by the layout's own tests)."""
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('main *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.className.baseVal + e.className)"
        )
    )


def _assert_filters_line_up(page: Any) -> None:
    """On a phone (a trial): every filter's control starts at one x, the price and duration
    ranges' boxes are the same columns, and no filter row is taller than its control plus a little
    (a wrapping row had left a line's height of empty space under some menus)."""
    box = {
        name: page.locator(f"#search-form [name={name}]").bounding_box()
        for name in ("language", "niche", "board", "price_min", "price_max", "duration_min", "duration_max")
    }
    assert {round(box[n]["x"]) for n in ("language", "niche", "board", "price_min", "duration_min")} == {
        round(box["language"]["x"])
    }, box
    for low, high in (("price_min", "duration_min"), ("price_max", "duration_max")):
        assert (round(box[low]["x"]), round(box[low]["width"])) == (round(box[high]["x"]), round(box[high]["width"]))
    assert box["price_max"]["x"] > box["price_min"]["x"] + box["price_min"]["width"]  # side by side, in order
    rows = page.evaluate(
        "() => [...document.querySelectorAll('#search-form label')].map(l => "
        "[l.textContent.trim().split('\\n')[0], l.getBoundingClientRect().height, "
        "l.querySelector('select, input').getBoundingClientRect().height])"
    )
    assert all(height <= control + 4 for _name, height, control in rows), rows


def _open_filters(page: Any) -> None:
    """The filters' drawer, opened where a phone folds it (app.js)."""
    if page.locator("#search-drawer").get_attribute("open") is None:
        page.click("#search-drawer summary")


def test_filtered_search_in_chromium(server: str, browser: Any) -> None:  # noqa: F811
    keys = _seed()
    for device, viewport in DEVICES:
        context = browser.new_context(viewport=viewport, locale="pt-BR")
        page = context.new_page()
        _login(page, server)
        page.wait_for_selector("#search-form")
        # A phone shows the words and folds the filters (a whole screen of menus, always open before).
        folded = page.locator("#search-drawer").get_attribute("open") is None
        assert folded is (device == "phone") and page.locator("select[name=niche]").is_visible() is not folded
        assert page.locator("input[name=q]").is_visible()
        _open_filters(page)
        # Portuguese labels, and the language is a menu of the languages present.
        assert page.inner_text("label:has(select[name=language])").startswith("Idioma")
        assert page.locator("select[name=language] option").all_inner_texts()[1:] == [
            "Português"
        ]  # the language menu names languages in the page's language
        page.fill("input[name=q]", '"garantia de 30 dias"')
        page.select_option("select[name=niche]", "health")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector("#results")
        found = page.locator("#results > li.result")
        # "30" finds the VSL that says "trinta" and the one that says "30"; not the wealth one.
        assert sorted(found.nth(i).get_attribute("data-key") for i in range(found.count())) == sorted(
            [keys["words"], keys["digits"]]
        )
        words = page.locator(f'li.result[data-key="{keys["words"]}"]')
        assert words.locator("h2").inner_text() == "Ritual da Manhã"
        assert words.locator("mark").all_inner_texts() == ["garantia", "de", "trinta", "dias"]
        # The lead filter narrows to one.
        _open_filters(page)
        page.select_option("select[name=lead]", "big_secret")
        page.click("#search-form button[type=submit]")
        page.wait_for_selector("#results")
        assert page.locator("#results > li.result").count() == 1
        assert "Sono Profundo" in page.inner_text("#results")
        # Save it; it is listed, under its name.
        page.fill("#save-search input[name=name]", f"Garantia {device}")
        page.click("#save-search button[type=submit]")
        page.wait_for_selector("#saved-searches")
        assert f"Garantia {device}" in page.inner_text("#saved-searches")
        assert _overflowing(page) == [], device
        if device == "phone":
            _open_filters(page)
            _assert_filters_line_up(page)
        shot(page, f"search_{device}")
        # A moment opens the VSL at its second.
        page.goto(f"{server}/search?q=vinte+e+sete")
        page.locator(f'li.result[data-key="{keys["words"]}"] a.hit').first.click()
        page.wait_for_url(f"**/vsl/{keys['words']}?t=6.0")
        context.close()


def test_insights_charts_link_to_the_library_in_chromium(server: str, browser: Any) -> None:  # noqa: F811
    keys = _seed()
    for device, viewport in DEVICES:
        context = browser.new_context(viewport=viewport, locale="pt-BR")
        page = context.new_page()
        _login(page, server)
        page.goto(f"{server}/insights?niche=health")
        page.wait_for_selector("#chart-lead")
        assert "Faixas de preço" in page.inner_text("main")
        for chart in ("#chart-price-brl", "#chart-pitch", "#chart-guarantee", "#chart-lead", "#chart-beats"):
            assert page.is_visible(chart), chart
        assert _overflowing(page) == [], device
        shot(page, f"insights_{device}")
        # The "story" bar (read as "História" on a PT page) counts one VSL; its link lists exactly that one.
        bar = page.locator('#chart-lead a.mark:has(title:text-is("História: 1 VSL"))')
        assert bar.count() == 1
        bar.click()
        page.wait_for_selector("#grid")
        assert "lead=story" in page.url and "niche=health" in page.url
        cards = page.locator("#grid a.vcard")
        assert [cards.nth(i).get_attribute("data-key") for i in range(cards.count())] == [keys["words"]]
        # The pitch chart's dot where both health VSLs sit (2 min, pitch at 9.5 s) lists both.
        page.goto(f"{server}/insights?niche=health")
        dot = page.locator('#chart-pitch a.mark:has(title:text-matches("^2 VSLs"))')
        assert dot.count() == 1
        dot.click()
        page.wait_for_selector("#grid")
        assert "pitch_min=9.5" in page.url
        cards = page.locator("#grid a.vcard")
        assert sorted(cards.nth(i).get_attribute("data-key") for i in range(cards.count())) == sorted(
            [keys["words"], keys["digits"]]
        )
        context.close()
