"""Issue 27's smaller gaps in real Chromium, in Portuguese on a desktop (1366x800) and in Spanish
on a touch phone (390x844): a share page's header link keeps a signed-out viewer on the share; a
transcript's warnings read in the viewer's language; dates are in the browser's time zone, named;
on the phone a card is dragged by its grip with a finger (touch events through the DevTools
protocol, as a touchscreen sends them) and the new order is saved.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens) as ``gaps_<device>_<step>.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vsl_assets import settings as settings_module
from vsl_assets.db import session_scope
from vsl_assets.db.models import TranscriptRow
from vsl_assets.services import boards
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.seed import Fake, seed, url_id
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401
from vsl_assets_tests.web.test_transcript_warnings_i18n import written

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASES = {
    "desktop": {
        "viewport": {"width": 1366, "height": 800},
        "lang": "pt-BR",
        "zone": ("America/Sao_Paulo", "BRT"),
        "coverage": "Fala sem texto: 2 trechos de fala, 28 s no total, sem texto",
        "unsure": "Idioma incerto: o idioma português foi detectado com probabilidade 0,42",
        "saved": "Ordem salva.",
        "lead": "História",
        "awareness": "Consciente do problema",
    },
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "lang": "es",
        "zone": ("Europe/Madrid", "CET"),
        "coverage": "Habla sin texto: 2 tramos de habla, 28 s en total, sin texto",
        "unsure": "Idioma dudoso: el idioma portugués se detectó con probabilidad 0,42",
        "saved": "Orden guardado.",
        "lead": "Historia",
        "awareness": "Consciente del problema",
    },
}


def _cards(page: Any) -> list[str]:
    return [str(k) for k in page.eval_on_selector_all("#board-items > li", "els => els.map(e => e.dataset.key)")]


def _seed(small_mp4: Path) -> tuple[list[str], int, str]:
    settings = settings_module.current()
    w = written()
    with session_scope(settings.database) as s:
        layout = StorageLayout(settings.storage_root)
        keys = [
            seed(s, layout, Fake(f"https://{h}.example.com/vsl", title=t, duration_s=4.0), small_mp4)
            for h, t in (("a", "Ritual da manhã"), ("b", "Segredo do chá"), ("c", "Café que emagrece"))
        ]
        row = s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url_id(s, keys[0])))
        assert row is not None
        row.warnings = [{"kind": "coverage", "message": w["coverage"]}, {"kind": "language", "message": w["unsure"]}]
        board = boards.create_board(s, 1, "Chás que vendem", None)
        for key in keys:
            boards.add_item(s, board, key, None, [])
        token, _row = boards.create_share(s, board, 1)
        return keys, board.id, token


def _touch_drag(page: Any, context: Any, grip: str, onto: str) -> None:
    """A finger on ``grip`` moved onto the card ``onto`` and lifted (Input.dispatchTouchEvent)."""
    cdp = context.new_cdp_session(page)
    page.locator(grip).scroll_into_view_if_needed()
    page.evaluate(
        "s => { const g = document.querySelector(s); window.scrollBy(0, g.getBoundingClientRect().top - 600); }", grip
    )
    start = page.locator(grip).bounding_box()
    target = page.locator(onto).bounding_box()
    assert start is not None and target is not None
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    y1 = max(target["y"] + 20, 20)
    assert y1 < target["y"] + target["height"], "the target card is not on screen"
    x1 = target["x"] + target["width"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, 11):
        y = y0 + (y1 - y0) * i / 10
        x = x0 + (x1 - x0) * i / 10
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("device", list(CASES))
def test_gaps_in_chromium(server: str, browser: Any, small_mp4: Path, device: str) -> None:  # noqa: F811
    case = CASES[device]
    keys, board_id, token = _seed(small_mp4)
    a, b, c = keys
    zone, zone_name = case["zone"]
    phone = device == "phone"
    context = browser.new_context(
        viewport=case["viewport"], locale=case["lang"], timezone_id=zone, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{server}/lang/{case['lang']}?next=/vsl/{a}")

    # Transcript warnings in the viewer's language, the text as written kept under the fold.
    items = page.locator("#transcript-warnings li")
    assert items.count() == 2
    assert " ".join(items.nth(0).inner_text().split()).startswith("⚠ " + case["coverage"])
    assert " ".join(items.nth(1).inner_text().split()).startswith("⚠ " + case["unsure"])
    assert not items.nth(1).locator("details code").is_visible()  # folded until asked for
    shot(page, f"gaps_{device}_1_vsl_warnings")

    # Dates in the browser's zone, named (app.js told the server on the first page).
    page.goto(f"{server}/boards/{board_id}")
    created = page.inner_text("#share-list li")
    assert re.search(rf"\d\d:\d\d {zone_name}\b", created), created
    assert " UTC" not in created

    # Touch: the phone drags card c by its grip onto b; the order is saved and survives a reload.
    if phone:
        assert _cards(page) == [a, b, c]
        _touch_drag(page, context, f"#item-{c} .grip", f"#item-{b}")
        page.wait_for_function("t => document.getElementById('order-status').textContent === t", arg=case["saved"])
        assert _cards(page) == [a, c, b]
        shot(page, f"gaps_{device}_2_touch_reordered")
        page.reload()
        assert _cards(page) == [a, c, b]
    else:
        assert page.locator(f"#item-{c} .grip").is_visible()
        shot(page, f"gaps_{device}_2_board")

    # A signed-out viewer of the share: the header's "The Swipe" keeps them on the share.
    stranger = browser.new_context(viewport=case["viewport"], locale=case["lang"]).new_page()
    link = f"{server}/s/{token}"
    stranger.goto(link)
    assert stranger.get_attribute("header a.brand", "href") == f"/s/{token}"
    # Its values read as words, as on every page (label()), not codes.
    card = stranger.inner_text(f"#board-items li[data-key='{a}']")
    assert case["lead"] in card and case["awareness"] in card and "problem_aware" not in card
    stranger.click(f"#board-items li[data-key='{a}'] a.title")
    stranger.wait_for_selector("#player")
    assert stranger.inner_text("h1") == "Ritual da manhã" and stranger.title().startswith("Ritual da manhã")
    assert stranger.get_attribute("header a.brand", "href") == f"/s/{token}"
    stranger.click("header a.brand")
    stranger.wait_for_url(link)
    assert "/login" not in stranger.url and stranger.inner_text("#board-name") == "Chás que vendem"
    shot(stranger, f"gaps_{device}_3_share_brand")
    # Revoked: the page says so, and its header links nowhere (there is nothing to go back to).
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        board = boards.board_for(s, board_id, 1)
        assert board is not None
        [share] = boards.shares_of(s, board)
        assert boards.revoke_share(s, board, 1, share.id)
    gone = stranger.goto(link)
    assert gone is not None and gone.status == 410
    assert stranger.locator("header a.brand").count() == 0
    assert stranger.locator("header span.brand").inner_text() == "The Swipe"
    shot(stranger, f"gaps_{device}_4_share_gone")
    context.close()
