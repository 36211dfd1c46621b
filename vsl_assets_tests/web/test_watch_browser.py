"""The watch's pages in real Chromium: the changes feed, the VSL page's panel and switch, the
library card, on a desktop (1366x800) and a phone (390x844) viewport; screenshots in ``$VSL_WEB_SCREENS``."""

from __future__ import annotations

from typing import Any

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.db import BreakdownRow, repo, session_scope
from vsl_assets.net.urls import normalize_url
from vsl_assets.services import watch
from vsl_assets_tests.loopback import LOOPBACK
from vsl_assets_tests.services.watch_support import PageHost, video_page
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _seed() -> str:
    db = settings_module.current().database
    cfg = watch.WatchConfig(host_interval_s=0, net=LOOPBACK)
    with PageHost() as page:
        url = page.serve("/oferta/", video_page("https://cdn.example.com/a/index.m3u8", title="Horta em Casa"))
        with session_scope(db) as s:
            [row] = repo.add_urls(s, [normalize_url(url)])
        sessions = lambda: session_scope(db)  # noqa: E731
        watch.run_checks(sessions, cfg, partitions=None, keys=[row.partition_key])
        page.serve("/oferta/", video_page("https://cdn.example.com/b/index.m3u8", title="Horta em Casa"))
        watch.run_checks(sessions, cfg, partitions=None, keys=[row.partition_key])
    key = row.partition_key
    with session_scope(db) as s:
        for k, price, days in ((key, 197.0, 7), (f"{key}-v2", 97.0, 30)):
            s.add(
                BreakdownRow(
                    url_id=repo.get_url(s, k).id,
                    status="ok",
                    offer_amount=price,
                    offer_currency="BRL",
                    guarantee_days=days,
                    engine="local",
                    model="t",
                    data={},
                )
            )
    with session_scope(db) as s:
        watch.compare_versions(s, watch.utcnow())
    return key


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert width <= 1, f"the page scrolls sideways by {width}px"


def test_changes_feed_and_vsl_panel_in_chromium(server: str, browser: Any) -> None:  # noqa: F811
    key = _seed()
    for name, viewport in (("desktop", {"width": 1366, "height": 800}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{server}/changes")
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/changes")
        items = page.locator("#changes li")
        assert [items.nth(i).get_attribute("data-kind") for i in range(items.count())] == [
            "guarantee_changed",
            "price_changed",
            "new_version",
        ]
        link = items.nth(1).locator("a.what-changed")
        assert link.get_attribute("href") == f"/compare?keys={key},{key}-v2&mode=diff"
        assert "price: 197 → 97" in items.nth(1).inner_text()
        _no_sideways_scroll(page)
        shot(page, f"watch_changes_{name}")
        page.select_option("select[name=kind]", "price_changed")
        page.click("#changes-filters button[type=submit]")
        assert page.locator("#changes li").count() == 1

        page.goto(f"{server}/vsl/{key}")
        assert " ".join(page.locator("#watch-life").inner_text().split()) == "live since today, 2 versions"
        assert page.locator(".watch-versions li").count() == 2
        # The page swapped its video: version 1 is no longer live (it was for three more checks).
        assert page.locator(".watch-versions li[data-version='2'] .badge.watch-on").count() == 1
        assert page.locator(".watch-versions li[data-version='1'] .badge.watch-on").count() == 0
        _no_sideways_scroll(page)
        shot(page, f"watch_vsl_{name}")
        page.goto(f"{server}/")
        assert "live since today, 2 versions" in page.locator(f"a[data-key='{key}'] .watch-life").inner_text()
        assert page.locator(f"a[data-key='{key}-v2']").count() == 0
        # One card for the page, with what it sells now: version 2's price, not version 1's.
        assert page.locator(f"a[data-key='{key}'] .tag.price").inner_text() == "R$\u00a097.00"
        shot(page, f"watch_library_{name}")
        context.close()
    # The switch, once, by clicking.
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/vsl/{key}")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/vsl/{key}")
    page.click("#watch button[type=submit]")
    page.wait_for_url(f"{server}/vsl/{key}")
    assert page.locator("#watch button[type=submit]").inner_text() == "Watch this page"
    context.close()
