"""Compare and what-changed in real Chromium, in Portuguese, at desktop (1366x800) and phone
(390x844) widths: what each page shows, no horizontal overflow of the page's content, the
columns stacked on a phone, and the transcripts scrolled together by time.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens) as ``compare_*`` and ``diff_*``.
"""

from __future__ import annotations

from typing import Any

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.db import session_scope
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.compare.seeding import ADDED, REMOVED, seed_versions
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.seed import Fake, seed
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEVICES = (("desktop", {"width": 1366, "height": 800}), ("phone", {"width": 390, "height": 844}))

#: Elements of the page's own content wider than the window (the site header is another
#: engineer's, and judged by its own tests).
SPILLING = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length)
  .map(e => e.tagName + '.' + (e.getAttribute('class') || '') + '#' + e.id)"""


def _long(n: int, seconds: float, offset: int) -> list[tuple[float, float, str]]:
    return [
        (k * seconds, (k + 1) * seconds, f"Frase {k + offset} do roteiro longo, sobre o ritual e a oferta de hoje.")
        for k in range(n)
    ]


def _login(page: Any, server: str) -> None:  # noqa: F811
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")


def _top_start(page: Any, key: str) -> float:
    return float(
        page.evaluate(
            """(key) => { const ol = document.querySelector(`ol.cmp-transcript[data-key="${key}"]`);
            const li = [...ol.children].filter(li => li.offsetTop <= ol.scrollTop + 1).pop();
            return parseFloat(li.dataset.start); }""",
            key,
        )
    )


def test_compare_and_what_changed_in_chromium(server: str, browser: Any) -> None:  # noqa: F811
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        layout = StorageLayout(settings.storage_root)
        old, new, other = seed_versions(s, layout)
        # Two long transcripts cut at other lengths (4 s and 6 s), for scrolling together.
        a = seed(
            s,
            layout,
            Fake(
                "https://cdn.example.com/longo-a.m3u8", title="Longo A", segments=_long(150, 4.0, 0), duration_s=600.0
            ),
        )
        b = seed(
            s,
            layout,
            Fake(
                "https://cdn.example.com/longo-b.m3u8", title="Longo B", segments=_long(100, 6.0, 0), duration_s=600.0
            ),
        )
    for device, viewport in DEVICES:
        context = browser.new_context(viewport=viewport, locale="pt-BR")
        page = context.new_page()
        _login(page, server)
        page.goto(f"{server}/lang/pt-BR?next=/compare")
        # The picker, from the library's link.
        page.goto(f"{server}/")
        page.click("#compare-link")
        page.check(f'input[name=keys][value="{old}"]')
        page.check(f'input[name=keys][value="{new}"]')
        page.check(f'input[name=keys][value="{other}"]')
        page.click("button[name=mode][value=columns]")
        page.wait_for_selector("#cmp-facts")
        assert page.locator(".cmp-lane").count() == 3
        # In the order they were added, whatever the order of the boxes.
        lanes = page.locator(".cmp-lane")
        assert [lanes.nth(i).get_attribute("data-key") for i in range(3)] == [old, new, other]
        assert page.locator(".cmp-lane .lane-beat").count() == 11  # 4 + 5 beats, and the third VSL's 2
        offer = page.locator('#cmp-facts tr[data-field="offer_price"] td')
        assert [offer.nth(i).inner_text() for i in range(3)] == ["R$\u00a0197,00", "R$\u00a0147,00", "R$\u00a097,00"]
        lead = page.locator('#cmp-facts tr[data-field="lead_type"]').inner_text()
        assert "não tenho certeza" in lead and "História" in lead  # the lead as a word (label), not the code
        assert page.is_visible("#cmp-sync")  # the script ran
        assert page.evaluate(SPILLING) == [], device
        cols = page.locator(".cmp-col")
        first, second = cols.nth(0).bounding_box(), cols.nth(1).bounding_box()
        if device == "phone":  # one VSL after another
            assert second["y"] >= first["y"] + first["height"] - 1 and abs(second["x"] - first["x"]) < 2
        else:  # side by side
            assert abs(second["y"] - first["y"]) < 2 and second["x"] > first["x"] + first["width"] - 1
        shot(page, f"compare_pt_{device}")

        # What changed, from the compare page's link.
        page.click(f'a[data-diff="{old},{new}"]')
        page.wait_for_selector("#diff-rows")
        assert page.inner_text("h1") == "O que mudou"
        assert page.locator(".drow.k-rewritten del").all_inner_texts() == ["197"]
        assert page.locator(".drow.k-rewritten ins").all_inner_texts() == ["147"]
        assert page.locator(".drow.k-added ins").all_inner_texts() == [ADDED]
        assert page.locator(".drow.k-removed del").all_inner_texts() == [REMOVED]
        assert page.inner_text('#diff-summary [data-count="rewritten"]') == "1"
        offer_row = page.inner_text('#diff-fields tr[data-field="offer_price"]')
        assert "R$\u00a0197,00" in offer_row and "R$\u00a0147,00" in offer_row and "mudou" in offer_row
        assert "incerto" in page.inner_text('#diff-fields tr[data-field="lead_type"]')
        assert page.get_attribute('#diff-beats tr[data-beat="offer"]', "data-status") == "moved"
        # Fields that did not change are folded away, one click from view.
        assert page.locator("#diff-fields tr[data-status=same]").count() == 0
        assert not page.is_visible('#diff-fields-same tr[data-field="niche"]')
        page.click(".diff-same summary")
        assert page.is_visible('#diff-fields-same tr[data-field="niche"]')
        assert page.evaluate(SPILLING) == [], device
        if device == "phone":  # the two sides stack; the empty side of an added row is hidden
            row = page.locator(".drow.k-rewritten .dside")
            assert row.nth(1).bounding_box()["y"] > row.nth(0).bounding_box()["y"]
            assert not page.locator(".drow.k-added .dside.old").is_visible()
            assert not page.locator(".drow.k-unchanged .dside.old").first.is_visible()
        shot(page, f"diff_pt_{device}")
        page.click("#only-changes")
        page.wait_for_url("**only=changes")
        assert page.locator(".drow[data-kind]").count() == 3
        shot(page, f"diff_pt_{device}_changes")

        # Scrolled together by time: the second column follows the first to the same second.
        page.goto(f"{server}/compare?keys={a},{b}")
        page.wait_for_selector("#cmp-sync")
        page.evaluate(
            """(key) => { const ol = document.querySelector(`ol.cmp-transcript[data-key="${key}"]`);
            ol.scrollTop = ol.children[90].offsetTop; }""",
            a,
        )
        page.wait_for_function(
            """(key) => document.querySelector(`ol.cmp-transcript[data-key="${key}"]`).scrollTop > 0""", arg=b
        )
        t_a = _top_start(page, a)
        assert t_a == 360.0
        assert abs(_top_start(page, b) - t_a) <= 6.0  # the b segment holding second 360
        assert page.evaluate(SPILLING) == [], device
        shot(page, f"compare_sync_pt_{device}")
        context.close()


def test_compare_without_javascript_is_plain_columns(server: str, browser: Any) -> None:  # noqa: F811
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        old, new, _ = seed_versions(s, StorageLayout(settings.storage_root))
    context = browser.new_context(viewport={"width": 1366, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    _login(page, server)
    page.goto(f"{server}/compare?keys={old},{new}")
    assert page.locator(".cmp-col").count() == 2
    assert page.locator("ol.cmp-transcript li").count() > 10
    assert not page.is_visible("#cmp-sync-label")  # no promise the page cannot keep
    assert page.locator(".cmp-lane .lane-beat").count() == 9  # the lanes are SVG: no script needed
    page.goto(f"{server}/compare?keys={old},{new}&mode=diff")
    assert page.locator(".drow.k-rewritten ins").all_inner_texts() == ["147"]
    context.close()
