"""Every page (``audit_pages.PAGES``) in real Chromium at 360, 390 and 1366 px wide, in Portuguese
and Spanish: axe-core (vendored) finds no serious or critical violation, and nothing is wider than
the window.  Also the keyboard: "/" focuses the search box, j / arrows walk the transcript and seek,
space plays and pauses, none of it while typing; and the phone header's menu.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens) as ``a11y_<page>_<lang>_<width>.png``;
``VSL_AUDIT_ONLY=name,name`` audits only those pages (while fixing one).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vsl_assets import settings as settings_module
from vsl_assets.db import repo, session_scope
from vsl_assets.db.models import Job, Url
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.audit_pages import PAGES, seed_audit_data
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (360, 390, 1366)
LANGS = ("pt-BR", "es")
#: axe's WCAG 2.x A/AA rules and its best practices; a failure is any serious or critical finding.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
BLOCKING = ("serious", "critical")


def _login(chromium: Any, base: str) -> dict[str, Any]:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/")
    state = context.storage_state()
    context.close()
    return state


def _context(chromium: Any, base: str, width: int, lang: str, state: dict[str, Any] | None) -> Any:
    height = 800 if width > 900 else 844
    context = chromium.new_context(
        viewport={"width": width, "height": height},
        bypass_csp=True,  # lets the test inject axe; the pages' own CSP is tested elsewhere
        storage_state=state,
        is_mobile=width < 900,
        has_touch=width < 900,
    )
    context.add_cookies([{"name": "vsl_lang", "value": lang, "url": base}])
    return context


def _audit(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _describe(violations: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(json.dumps(n["target"]) for n in v["nodes"][:4])
        for v in violations
    )


@pytest.mark.parametrize("lang", LANGS)  # one test per language: two workers audit them side by side
def test_every_page_is_accessible_and_fits_phones(server: str, browser: Any, small_mp4: Path, lang: str) -> None:  # noqa: F811
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        values = seed_audit_data(s, StorageLayout(settings.storage_root), small_mp4)
    state = _login(browser, server)
    only = {n for n in os.environ.get("VSL_AUDIT_ONLY", "").split(",") if n}  # a quicker loop while fixing a page
    pages = [p for p in PAGES if not only or p.name in only]
    failures: list[str] = []
    visited = 0
    for width in WIDTHS:
        signed_in = _context(browser, server, width, lang, state)
        signed_out = _context(browser, server, width, lang, None)
        for spec in pages:
            page = (signed_in if spec.login else signed_out).new_page()
            where = f"{spec.name} [{lang}, {width}px]"
            answer = page.goto(server + spec.path.format(**values))
            assert answer is not None and answer.status == spec.status, f"{where}: HTTP {answer and answer.status}"
            assert page.evaluate("document.documentElement.lang") == lang, where
            page.wait_for_load_state("load")
            overflow = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth,"
                " Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                ".slice(0, 3).map(e => e.tagName + '.' + e.className)]"
            )
            if overflow[1] != width or overflow[0] > overflow[1]:  # a phone widens its viewport to fit overflow
                failures.append(f"{where}: scrollWidth {overflow[0]} > innerWidth {overflow[1]} ({overflow[2]})")
            violations = _audit(page)
            if violations:
                failures.append(f"{where}: {_describe(violations)}")
            if width in (390, 1366):
                shot(page, f"a11y_{spec.name}_{lang}_{width}")
            visited += 1
            page.close()
        signed_in.close()
        signed_out.close()
    assert visited == len(pages) * len(WIDTHS) and (only or len(pages) == len(PAGES))
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_keyboard_and_phone_menu(server: str, browser: Any, small_mp4: Path) -> None:  # noqa: F811
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        values = seed_audit_data(s, StorageLayout(settings.storage_root), small_mp4)
    state = _login(browser, server)
    context = _context(browser, server, 390, "es", state)
    page = context.new_page()

    # The phone header: links hidden behind "Menú", which opens, lands on the first link, and closes on Escape.
    page.goto(f"{server}/")
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "Menú"
    assert not page.locator("nav.main").is_visible()
    toggle.click()
    assert page.locator("nav.main").is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.textContent") == "Biblioteca"
    page.keyboard.press("Escape")
    assert not page.locator("nav.main").is_visible()
    # The filters start folded on a phone; the search box is outside them.
    assert page.locator("#filters-drawer").get_attribute("open") is None
    assert not page.locator("select[name=status]").is_visible()

    # A card on its way repaints its progress from the status poll, in the page's language.
    running = page.locator(f"[data-key='{values['running']}'] [data-progress]")
    assert "45%" in running.inner_text()
    with session_scope(settings.database) as s:
        job = s.scalar(select(Job).join(Url, Url.id == Job.url_id).where(Url.partition_key == values["running"]))
        assert job is not None
        repo.set_job_progress(s, job.id, 0.8, 3 * 3600.0)
    page.wait_for_selector(f"[data-key='{values['running']}'] .percent[data-percent='80']", timeout=10000)
    assert "fin previsto dentro de 3 horas" in running.inner_text()

    # "/" focuses the search box; typed inside it, "/" and "j" are just text.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("a/j")
    assert page.input_value("input[name=q]") == "a/j"

    page.goto(f"{server}/vsl/{values['vsl']}")
    page.wait_for_function("document.querySelector('#player').readyState >= 1")
    segs = page.locator("#transcript .seg")
    assert segs.count() == 4
    # Player above the transcript on a phone.
    player_box = page.locator("#player").bounding_box()
    transcript_box = page.locator("#transcript").bounding_box()
    assert player_box and transcript_box and player_box["y"] + player_box["height"] <= transcript_box["y"]
    page.locator("body").click(position={"x": 5, "y": 5})  # focus on the page, not a control
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.start") == "0.0"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.start") == "2.2"
    assert abs(page.evaluate("document.querySelector('#player').currentTime") - 2.2) < 0.3
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.dataset.start") == "1.2"
    page.keyboard.press(" ")
    page.wait_for_function("!document.querySelector('#player').paused")
    page.keyboard.press("k")
    page.wait_for_function("document.querySelector('#player').paused")
    # Typing in the transcript filter neither seeks nor plays.
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "transcript-filter"
    page.keyboard.type("garantia k j")
    assert page.evaluate("document.querySelector('#player').paused")
    assert page.input_value("#transcript-filter") == "garantia k j"
    # The focused element shows a visible outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    context.close()
