"""The web app in real Chromium (Debian's package, driven by Playwright), with the real pipeline
behind it: HLS served on 127.0.0.1, local transcription, the local breakdown, the search index.

Screenshots of each page go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vsl_assets import settings as settings_module
from vsl_assets.db import dispose_all, session_scope
from vsl_assets.db.models import Url
from vsl_assets.web import create_app
from vsl_assets.web.users import add_user
from vsl_assets_tests.conftest import IN_CI, run_partition
from vsl_assets_tests.web.conftest import PASSWORD, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/lib/chromium/chromium")
SCREENS = Path(os.environ.get("VSL_WEB_SCREENS", "/tmp/web_screens"))


@pytest.fixture
def server(vsl_env: dict[str, str]) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1, on the test's database and storage."""
    import uvicorn

    settings = settings_module.current()
    with session_scope(settings.database) as s:
        add_user(s, "ana", PASSWORD)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    dispose_all()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"Chromium is required in CI ({CHROMIUM}; .ci/run installs Debian's chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--autoplay-policy=no-user-gesture-required"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


def shot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def current_time(page: Any) -> float:
    return float(page.eval_on_selector("#player", "v => v.currentTime"))


def wait_seeked_near(page: Any, target: float) -> float:
    page.wait_for_function(
        "t => { const v = document.querySelector('#player'); return v && v.readyState >= 1 && Math.abs(v.currentTime - t) < 2; }",
        arg=target,
        timeout=15000,
    )
    return current_time(page)


def test_the_swipe_in_chromium(server: str, browser: Any, instance: Any, media_server: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # Unauthenticated: the API refuses, pages send to the login form.
    refused = page.request.get(f"{server}/api/vsls")
    assert refused.status == 401
    page.goto(f"{server}/add")
    assert page.url.startswith(f"{server}/login?next=")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert page.locator("p.error").inner_text() == "Wrong user name or password."
    shot(page, "01_login_refused")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/add")

    # Add two URLs through the form: each row shows its key and live status.
    good, bad = media_server.url("/good/index.m3u8"), media_server.url("/missing/index.m3u8")
    page.fill("textarea[name=urls]", f"{good}\n{bad}\nnot a url at all")
    page.click("form.stack button[type=submit]")
    rows = page.locator("tr[data-poll-key]")
    assert rows.count() == 2
    assert "URL contains whitespace" in page.locator("ul.refused").inner_text()
    good_key, bad_key = (rows.nth(i).get_attribute("data-poll-key") for i in range(2))
    assert good_key and bad_key
    assert page.locator(f"tr[data-poll-key='{good_key}'] .badge").get_attribute("data-status") == "pending_ingest"
    shot(page, "02_add_pending")

    # The real pipeline runs while the page polls.
    assert run_partition(instance, good_key).success
    assert not run_partition(instance, bad_key).success
    page.wait_for_selector(f"tr[data-poll-key='{good_key}'] .badge[data-status=analyzed]", timeout=20000)
    page.wait_for_selector(f"tr[data-poll-key='{bad_key}'] .badge[data-status=failed]", timeout=20000)
    bad_row = page.locator(f"tr[data-poll-key='{bad_key}']")
    assert "HTTP 404" in bad_row.locator(".reason").inner_text()
    assert bad_row.locator("button", has_text="Retry").is_visible()
    assert not page.locator(f"tr[data-poll-key='{good_key}'] button", has_text="Retry").is_visible()
    shot(page, "03_add_done")

    # Retry re-queues the failed URL for the sensor.
    bad_row.locator("button", has_text="Retry").click()
    page.wait_for_selector(f"tr[data-poll-key='{bad_key}'] .badge[data-status=pending_ingest]", timeout=10000)
    with session_scope(settings_module.current().database) as s:
        row = s.scalar(select(Url).where(Url.partition_key == bad_key))
        assert row is not None and (row.status, row.queue_count) == ("pending_ingest", 1)

    # Library: both cards; a filter narrows the grid.
    page.goto(f"{server}/")
    assert page.locator("#grid .vcard").count() == 2
    page.wait_for_function("() => [...document.querySelectorAll('#grid img')].every(i => i.complete)")
    shot(page, "04_library")
    # A long title takes two lines before its "…" (the rule's selector once matched no card: one line)
    assert page.eval_on_selector("#grid .vcard .title", "e => getComputedStyle(e).webkitLineClamp") == "2"
    page.select_option("select[name=status]", "analyzed")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**status=analyzed**")
    cards = page.locator("#grid .vcard")
    assert cards.count() == 1 and cards.first.get_attribute("data-key") == good_key

    # Search a phrase, click the hit: the VSL page plays from that second.
    page.goto(f"{server}/search")
    page.fill("input[name=q]", '"morning ritual"')
    page.press("input[name=q]", "Enter")
    hit = page.locator("a.hit").first
    assert "<mark>" in hit.inner_html()
    hit_start = float(hit.get_attribute("data-start") or "nan")
    shot(page, "05_search")
    hit.click()
    page.wait_for_url(f"**/vsl/{good_key}?t=*")
    assert abs(wait_seeked_near(page, hit_start) - hit_start) < 2
    # ... inside the moment found: its segment is the one highlighted (``?t=`` rounded to a tenth below
    # the start opened the sentence before it)
    page.wait_for_selector("#transcript .seg.current")
    assert float(page.get_attribute("#transcript .seg.current", "data-start") or "nan") == hit_start
    shot(page, "06_vsl_at_hit")

    # Click a transcript segment, then a beat: the player seeks there.
    segments = page.locator("#transcript .seg")
    assert segments.count() >= 2
    last = segments.nth(segments.count() - 1)
    seg_start = float(last.get_attribute("data-start") or "nan")
    last.click()
    assert abs(wait_seeked_near(page, seg_start) - seg_start) < 2
    page.wait_for_selector("#transcript .seg.current")
    beats = page.locator("#timeline .beat")
    assert beats.count() >= 1
    beat = beats.first
    beat_start = float(beat.get_attribute("data-seek") or "nan")
    beat.click()
    assert abs(wait_seeked_near(page, beat_start) - beat_start) < 2
    page.fill("#transcript-filter", "morning")
    visible = page.locator("#transcript .seg:not([hidden])")
    assert visible.count() >= 1 and all("morning" in t.lower() for t in visible.all_inner_texts())
    assert visible.count() < segments.count()
    page.click("#copy-moment")
    assert page.input_value("#moment-link").startswith(f"{server}/vsl/{good_key}?t=")
    shot(page, "07_vsl_seeked")

    # Queue and boards pages render; Portuguese is one click away.
    page.goto(f"{server}/queue")
    shot(page, "08_queue")
    page.goto(f"{server}/boards")
    page.fill("input[name=name]", "Emagrecimento")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/boards/*")
    page.goto(f"{server}/vsl/{good_key}")
    page.fill("#board-form input[name=tags]", "hook, ritual")
    page.click("#board-form button[type=submit]")
    page.goto(f"{server}/boards")
    page.click("text=Emagrecimento")
    assert page.locator(".vcard .tag").all_inner_texts() == ["hook", "ritual"]
    page.click("nav.langs a[hreflang=pt-BR]")
    assert page.locator("nav.main").inner_text().startswith("Biblioteca")
    shot(page, "09_board_pt")
    context.close()
    if os.environ.get("VSL_WEB_SCREENS_COPY"):
        shutil.copytree(SCREENS, os.environ["VSL_WEB_SCREENS_COPY"], dirs_exist_ok=True)
