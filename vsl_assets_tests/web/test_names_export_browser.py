"""Names, duplicates and exports in real Chromium (issue 27, items 1, 8 and 9), at desktop
(1366x800) and phone (390x844) widths, in Portuguese and Spanish: rename on the VSL page, the
title in the tab, the swipe document and the library CSV downloaded through their links, and a
URL pasted with tracking parameters collapsing into the VSL already there.

Screenshots go to ``$VSL_WEB_SCREENS`` (default /tmp/web_screens), ``names_*``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from vsl_assets import settings as settings_module
from vsl_assets.db import session_scope
from vsl_assets.storage import StorageLayout
from vsl_assets.web.i18n import LANGUAGES
from vsl_assets_tests.web.conftest import PASSWORD
from vsl_assets_tests.web.seed import Fake, seed
from vsl_assets_tests.web.test_browser import browser, server, shot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STREAM = "http://127.0.0.1:8080/hls/master.m3u8"
HOOK = "Você vai descobrir o ritual da manhã."
VIEWPORTS = {"desktop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
WORDS = {
    "pt-BR": {"rename": "Renomear", "export": "Exportar CSV"},
    "es": {"rename": "Renombrar", "export": "Exportar CSV"},
    "en": {"rename": "Rename", "export": "Export CSV"},
}


def _words(lang: str) -> dict[str, str]:
    """The UI's words in ``lang`` once the app offers it (Spanish comes with the i18n work), else English."""
    return WORDS[lang] if lang in LANGUAGES else WORDS["en"]


def _login(page: Any, base: str, lang: str) -> None:
    page.context.add_cookies([{"name": "vsl_lang", "value": lang, "url": base}])
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _inside(page: Any, selector: str, width: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (selector, box)


@pytest.mark.parametrize(("viewport", "lang"), [("desktop", "pt-BR"), ("phone", "es")])
def test_rename_export_and_duplicates_in_chromium(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    tmp_path: Path,
    viewport: str,
    lang: str,
) -> None:
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        key = seed(s, StorageLayout(settings.storage_root), Fake(STREAM))
    context = browser.new_context(viewport=VIEWPORTS[viewport], accept_downloads=True)
    page = context.new_page()
    width = VIEWPORTS[viewport]["width"]
    _login(page, server, lang)

    # A direct stream is named by its hook, never "127.0.0.1".
    card = page.locator(f'a.vcard[data-key="{key}"] strong.title')
    assert card.inner_text() == "Você vai descobrir o ritual da manhã"
    shot(page, f"names_{viewport}_{lang}_01_library")

    # Rename on the VSL page: the heading and the tab's title follow.
    page.click(f'a.vcard[data-key="{key}"]')
    page.wait_for_url(f"{server}/vsl/{key}")
    assert page.title().startswith("Você vai descobrir o ritual da manhã")
    page.locator("#rename summary").click()
    assert page.locator("#rename summary").inner_text() == _words(lang)["rename"]
    _inside(page, "#rename input[name=title]", width)
    _inside(page, "#exports", width)
    page.fill("#rename input[name=title]", "Ritual — versão “B”")
    page.click("#rename button[type=submit]")
    page.wait_for_url(f"{server}/vsl/{key}")
    assert page.locator("#vsl-title").inner_text() == "Ritual — versão “B”"
    assert page.title().startswith("Ritual — versão “B”")
    shot(page, f"names_{viewport}_{lang}_02_renamed")

    # The swipe document, downloaded through the page's link, carries the new title and the transcript.
    with page.expect_download() as pdf_download:
        page.click("#exports a[data-export=pdf]")
    pdf_path = tmp_path / "swipe.pdf"
    pdf_download.value.save_as(pdf_path)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf_path).pages).split())
    assert "Ritual — versão “B”" in text and "Garantia de 30 dias na oferta especial." in text

    # The library's CSV through its link.
    page.goto(f"{server}/?language=pt")
    link = page.locator("#export-csv")
    assert link.inner_text() == _words(lang)["export"]
    with page.expect_download() as csv_download:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text("utf-8-sig"))))
    # In the viewer's language (the link carries it): the headers too.
    key_header = {"pt-BR": "Chave", "es": "Clave"}[lang]
    assert [(r[key_header], r["Título"]) for r in rows] == [(key, "Ritual — versão “B”")]

    # The same page pasted twice, once with tracking parameters: one VSL.
    page.goto(f"{server}/add")
    page.fill("textarea[name=urls]", "https://oferta.example.com/vsl?v=2\n")
    page.click("form.stack button[type=submit]")
    page.goto(f"{server}/add")
    page.fill("textarea[name=urls]", "https://oferta.example.com/vsl?v=2&utm_source=fb&fbclid=IwAR0x&gclid=Cj0\n")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    shot(page, f"names_{viewport}_{lang}_03_add_duplicate")
    listed = page.request.get(f"{server}/api/vsls", params={"q": "oferta.example.com"}).json()
    assert [i["url"] for i in listed["items"]] == ["https://oferta.example.com/vsl?v=2"]
    context.close()
