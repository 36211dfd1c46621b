"""Boards in real Chromium, in Portuguese, on a desktop (1366x800) and a phone (390x844): added
from the VSL page with its confirmation, renamed, reordered (drag and drop on the desktop, the
arrow buttons on the phone), tagged and filtered by tag, shared by a link that a signed-out
browser opens (the board, a VSL with its video playing) until the link is revoked, deleted and
brought back with Undo.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens) as ``boards_<device>_<step>.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from vsl_assets import settings as settings_module
from vsl_assets.db import session_scope
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.seed import Fake, seed
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEVICES = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}


def _cards(page: Any) -> list[str]:
    return [str(k) for k in page.eval_on_selector_all("#board-items > li", "els => els.map(e => e.dataset.key)")]


def _no_overflow(page: Any, width: int, selector: str) -> None:
    """The board's own content fits the viewport (the header is the layout's, not the board's)."""
    right = page.eval_on_selector_all(selector, "els => Math.max(0, ...els.map(e => e.getBoundingClientRect().right))")
    assert right <= width + 1, f"{selector} reaches {right}px in a {width}px viewport"


@pytest.mark.parametrize("device", list(DEVICES))
def test_boards_in_chromium(server: str, browser: Any, small_mp4: Path, device: str) -> None:  # noqa: F811
    viewport = DEVICES[device]
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        layout = StorageLayout(settings.storage_root)
        keys = [
            seed(s, layout, Fake(f"https://{h}.example.com/vsl", title=t, duration_s=4.0), small_mp4)
            for h, t in (
                ("a", "Ritual da manhã"),
                ("b", "Segredo do chá"),
                ("c", "Café que emagrece enquanto você dorme: o método completo"),
            )
        ]
    a, b, c = keys
    context = browser.new_context(viewport=viewport, locale="pt-BR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{server}/lang/pt-BR?next=/boards")

    # A new board, then each VSL added from its own page, which confirms with a link to the board.
    page.fill("form.new-board input[name=name]", "Chás")
    page.fill("form.new-board input[name=note]", "Para o cliente")
    page.click("form.new-board button[type=submit]")
    page.wait_for_url(re.compile(r".*/boards/\d+$"))
    board_url = page.url
    for key, tags in ((a, "Emoção, hook"), (b, "emocao"), (c, "")):
        page.goto(f"{server}/vsl/{key}")
        page.fill("#board-form input[name=tags]", tags)
        page.click("#board-form button[type=submit]")
        page.wait_for_url(f"**/vsl/{key}?added=*")
        flash = page.locator("#added-flash")
        assert " ".join(flash.inner_text().split()) == "✓ Adicionado ao quadro Chás"
        box = flash.bounding_box()  # scrolled into view: the confirmation is seen, not below the fold
        assert box is not None and 0 <= box["y"] < viewport["height"]
    shot(page, f"boards_{device}_1_added_flash")
    page.click("#added-flash a")
    page.wait_for_url(board_url)
    assert _cards(page) == [a, b, c]

    # Rename and describe.
    page.click(".board-edit summary")
    page.fill("#rename-form input[name=name]", "Chás que vendem")
    page.fill("#rename-form textarea[name=note]", "Os melhores ganchos")
    page.click("#rename-form button[type=submit]")
    # expect() waits for the page the form leads to: reading at once may still see the old one.
    expect(page.locator("#flash")).to_have_text("Quadro salvo.")
    assert page.inner_text("#board-name") == "Chás que vendem"

    # Reorder: dragging on the desktop (saved through the API), the arrows on the phone (a form).
    if device == "desktop":
        page.drag_and_drop(f"#item-{c}", f"#item-{a}")
        page.wait_for_function("() => document.getElementById('order-status').textContent === 'Ordem salva.'")
    else:
        page.click(f"#item-{c} button[aria-label='Subir']")
        page.click(f"#item-{c} button[aria-label='Subir']")
    assert _cards(page) == [c, a, b]
    page.reload()
    assert _cards(page) == [c, a, b]  # persisted
    # A long title wraps onto two lines (then "…"), never cut mid-word on one (a trial's board card).
    cut = page.eval_on_selector(f"#item-{c} .title strong", "e => e.scrollWidth > e.clientWidth + 1")
    assert not cut
    shot(page, f"boards_{device}_2_reordered")

    # Tags: edited on a card, then the filter (case and accents aside).
    page.click(f"#item-{c} .item-edit summary")
    page.fill(f"#item-{c} .item-edit input[name=tags]", "EMOÇÃO, oferta")
    page.fill(f"#item-{c} .item-edit textarea[name=note]", "Preço no minuto 3")
    page.click(f"#item-{c} .item-edit button[type=submit]")
    expect(page.locator(f"#item-{c} .item-note")).to_contain_text("Preço no minuto 3")
    page.click("#tag-filter a[data-tag='emocao']")
    assert _cards(page) == [c, a, b]
    page.click("#tag-filter a[data-tag='hook']")
    assert _cards(page) == [a]
    assert page.inner_text("#tag-filter .tag.on") == "hook (1)"
    shot(page, f"boards_{device}_3_tag_filter")
    page.goto(board_url)

    # A share link, opened by a browser that never logged in.
    page.select_option("#share-form select[name=days]", "30")
    page.click("#share-form button[type=submit]")
    link = page.input_value("#new-share-url")
    assert re.fullmatch(rf"{re.escape(server)}/s/[A-Za-z0-9_-]{{32}}", link)
    page.click("#copy-share")
    page.wait_for_function("() => document.getElementById('copy-share').textContent === 'Link copiado'")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    shot(page, f"boards_{device}_4_share_created")
    if device == "phone":
        _no_overflow(page, viewport["width"], "#board-items, .board-admin, .board-head")
    stranger = browser.new_context(viewport=viewport, locale="pt-BR").new_page()
    opened = stranger.goto(link)
    assert opened is not None and opened.status == 200
    assert opened.headers["referrer-policy"] == "no-referrer" and "noindex" in opened.headers["x-robots-tag"]
    assert stranger.inner_text("#board-name") == "Chás que vendem"
    assert stranger.inner_text("#share-banner") == "Um quadro compartilhado com você: só leitura."
    assert _cards(stranger) == [c, a, b] and stranger.locator("form").count() == 0
    shot(stranger, f"boards_{device}_5_shared_board")
    stranger.click(f"#board-items li[data-key='{a}'] a.title")
    stranger.wait_for_selector("#player")
    stranger.eval_on_selector("#player", "v => { v.muted = true; return v.play(); }")
    stranger.wait_for_function("() => document.querySelector('#player').currentTime > 0.3", timeout=15000)
    assert "Garantia de 30 dias" in stranger.inner_text("#transcript")
    if device == "phone":
        _no_overflow(stranger, viewport["width"], ".player-col, .transcript-col")
    shot(stranger, f"boards_{device}_6_shared_vsl")
    # The link opens nothing else: not the signed-in pages, not the API.
    other = stranger.request.get(f"{server}/api/vsls/{a}/video")
    assert other.status == 401

    # Revoked: the same browser, the same link, a page that says it is off (and the media 410).
    page.click("#share-list li[data-state='active'] button")
    expect(page.locator("#flash")).to_contain_text("revogado")
    gone = stranger.goto(link)
    assert gone is not None and gone.status == 410
    assert stranger.inner_text("#share-gone h1") == "Este link de compartilhamento foi desativado"
    assert stranger.request.get(f"{link}/v/{a}/video").status == 410
    shot(stranger, f"boards_{device}_7_share_revoked")

    # Delete, then Undo from the flash.
    page.click("#delete-form button")
    page.wait_for_url("**/boards?deleted=*")
    assert " ".join(page.inner_text("#deleted-flash").split()) == "Quadro excluído: Chás que vendem Desfazer"
    assert page.locator("#board-list li").count() == 0
    shot(page, f"boards_{device}_8_deleted_undo")
    page.click("#deleted-flash button.undo")
    page.wait_for_url(re.compile(r".*/boards/\d+\?done=restored$"))
    assert page.inner_text("#flash") == "Quadro restaurado." and _cards(page) == [c, a, b]
    page.goto(f"{server}/boards")
    assert page.inner_text("#board-list .board-name") == "Chás que vendem"
    if device == "phone":
        _no_overflow(page, viewport["width"], "#board-list, form.new-board")
    shot(page, f"boards_{device}_9_list")
    context.close()
