"""Exports (issue 27, item 8), opened with reader libraries: a VSL as Markdown, DOCX (python-docx)
and PDF (text extracted with pypdf), a board as CSV and XLSX (openpyxl), the library view as CSV."""

from __future__ import annotations

import csv
import html
import io
import re

import docx
import openpyxl
import pypdf
from sqlalchemy import select

from vsl_assets.db import repo
from vsl_assets.db.models import BreakdownRow
from vsl_assets.net.urls import normalize_url
from vsl_assets.services.export import BOARD_COLUMNS, TABLE_COLUMNS
from vsl_assets.web.users import create_token
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed, url_id

TITLE = "Método “Joelho Livre” — ¿Funciona? Sí…"
SEGMENTS = [
    (0.0, 4.0, "Você já sentiu dor nos joelhos ao subir escadas…"),
    (4.0, 9.5, "A “ciência” explica: cartílagem, inflamação, ação."),
    (9.5, 15.0, "Hoje por apenas R$ 19,70 — garantia de 30 dias. ¡Señora, añádalo!"),
]


def _seed_vsl(web: Web) -> str:
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://oferta.example.com/vsl", title=TITLE, segments=SEGMENTS))
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, key)))
        assert row is not None
        row.mechanism, row.product = "Colágeno tipo II", "Flexa Max"
        row.confidence = {"mechanism": 0.3, "niche": 0.95}
    return key


def _download(web: Web, path: str, **kw: object) -> bytes:
    got = web.client.get(path, headers=web.bearer, **kw)  # type: ignore[arg-type]
    assert got.status_code == 200, got.text
    assert got.headers["content-disposition"].startswith("attachment; filename=")
    return got.content


def test_a_vsl_exports_as_markdown_with_beat_headings_timestamps_and_unknowns(web: Web) -> None:
    key = _seed_vsl(web)
    md = _download(web, f"/api/vsls/{key}/export.md").decode("utf-8")
    assert md.startswith(f"# {TITLE}\n")
    assert "| Mechanism | _unknown (not sure: confidence 0.30)_ |" in md
    assert "| Product | Flexa Max |" in md and "| Niche | health/weight loss |" in md
    assert "- **Hook** 0:00\u20130:04" in md and "- **Offer** 0:10\u20130:15" in md
    transcript = md.split("## Transcript")[1]
    assert re.findall(r"^### (.+)$", transcript, re.M) == ["Hook (0:00)", "Offer (0:10)"]
    assert "`[0:04]` A “ciência” explica: cartílagem, inflamação, ação." in transcript
    # The line at 0:04 sits under Hook (the hook beat runs to 0:04... the offer starts at 0:09.5).
    assert transcript.index("[0:04]") < transcript.index("### Offer")


def test_a_vsl_exports_as_docx_readable_by_python_docx(web: Web) -> None:
    key = _seed_vsl(web)
    got = web.client.get(f"/api/vsls/{key}/export.docx", headers=web.bearer)
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="Metodo-Joelho-Livre-Funciona-Si.docx"' in got.headers["content-disposition"]
    document = docx.Document(io.BytesIO(got.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings == [
        ("Title", TITLE),
        ("Heading 1", "Breakdown"),
        ("Heading 1", "Beats"),
        ("Heading 1", "Transcript"),
        ("Heading 2", "Hook (0:00)"),
        ("Heading 2", "Offer (0:10)"),
    ]
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert facts["Mechanism"] == "unknown (not sure: confidence 0.30)"
    assert facts["Offer"] == "BRL 197.00" and facts["Guarantee"] == "30 days"
    beats = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert beats[0] == ["Beat", "Time", "Quote"] and beats[2][:2] == ["Offer", "0:10\u20130:15"]
    lines = [p.text for p in document.paragraphs if p.text.startswith("[")]
    assert lines == [f"[{m}] {t}" for m, (_, _, t) in zip(("0:00", "0:04", "0:10"), SEGMENTS, strict=True)]


def test_a_vsl_exports_as_pdf_with_its_font_embedded_and_every_character_extractable(web: Web) -> None:
    key = _seed_vsl(web)
    data = _download(web, f"/api/vsls/{key}/export.pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert TITLE in flat
    for needle in (
        "unknown (not sure: confidence 0.30)",
        "Hook (0:00)",
        "Offer (0:10)",
        "[0:10]",
        "R$ 19,70 — garantia de 30 dias. ¡Señora, añádalo!",
        "A “ciência” explica: cartílagem, inflamação, ação.",
        "escadas…",
    ):
        assert needle in flat, needle
    fonts = {
        str(f["/BaseFont"]): f
        for page in reader.pages
        for f in (page["/Resources"]["/Font"][name].get_object() for name in page["/Resources"]["/Font"])
    }
    # Reportlab lists its canvas's initial Helvetica on each page; every text is in the embedded Vera.
    assert set(fonts) - {"/Helvetica"} == {
        "/AAAAAA+BitstreamVeraSans-Roman",
        "/AAAAAA+BitstreamVeraSans-Bold",
        "/AAAAAA+BitstreamVeraSans-Oblique",
    }
    embedded = [f["/FontDescriptor"].get_object() for name, f in fonts.items() if name != "/Helvetica"]
    assert all("/FontFile2" in d for d in embedded)  # TrueType embedded: no font needed where it is opened


def test_exports_need_a_login_and_a_known_key_and_a_read_token_is_enough(web: Web) -> None:
    key = _seed_vsl(web)
    with web.session() as s:
        read = create_token(s, "ana", "reader", scope="read")
    assert web.client.get(f"/api/vsls/{key}/export.pdf").status_code == 401
    ok = web.client.get(f"/api/vsls/{key}/export.md", headers={"Authorization": f"Bearer {read}"})
    assert ok.status_code == 200 and ok.headers["cache-control"] == "private, no-store"
    assert web.client.get("/api/vsls/nope-000000000000/export.md", headers=web.bearer).status_code == 404
    assert web.client.get(f"/api/vsls/{key}/export.exe", headers=web.bearer).status_code == 422


def _board(web: Web, keys: list[str]) -> int:
    board = web.client.post("/api/boards", json={"name": "Joelho: referências"}, headers=web.bearer).json()
    for i, key in enumerate(keys):
        item = {"partition_key": key, "note": f"nota {i}", "tags": ["hook forte", "BR"]}
        assert web.client.post(f"/api/boards/{board['id']}/items", json=item, headers=web.bearer).status_code == 200
    return int(board["id"])


def test_a_board_exports_as_csv_and_xlsx_with_the_shared_columns_and_no_formulas(web: Web) -> None:
    key = _seed_vsl(web)
    with web.session() as s:
        evil = seed(s, web.layout, Fake("https://evil.example.com/v", title='=HYPERLINK("http://x","y")'))
    board_id = _board(web, [key, evil])
    headers = [c.header for c in TABLE_COLUMNS] + list(BOARD_COLUMNS)
    raw = _download(web, f"/api/boards/{board_id}/export.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the accents right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == headers
    first = dict(zip(headers, rows[1], strict=True))
    assert (first["key"], first["title"], first["price"], first["currency"]) == (key, TITLE, "197.0", "BRL")
    assert (first["board_note"], first["board_tags"], first["alias"]) == (
        "nota 0",
        "hook forte, br",
        "no",
    )  # tags are stored lower case (boards)
    assert dict(zip(headers, rows[2], strict=True))["title"] == '\'=HYPERLINK("http://x","y")'
    book = openpyxl.load_workbook(io.BytesIO(_download(web, f"/api/boards/{board_id}/export.xlsx")))
    sheet = book.active
    assert sheet.title == "Joelho  referências"
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == headers
    assert dict(zip(headers, values[1], strict=True))["title"] == TITLE
    formula = sheet.cell(row=3, column=headers.index("title") + 1)
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert web.client.get("/api/boards/99999/export.csv", headers=web.bearer).status_code == 404


def test_the_library_view_exports_with_its_filters_every_page(web: Web) -> None:
    web.login()
    with web.session() as s:
        seed(s, web.layout, Fake("https://pt1.example.com/v", title="PT 1"))
        seed(s, web.layout, Fake("https://pt2.example.com/v", title="PT 2"))
        seed(s, web.layout, Fake("https://en.example.com/v", title="EN", language="en"))
        repo.add_urls(s, [normalize_url(f"https://bulk.example.com/v{i}") for i in range(205)])
    page = web.client.get("/", params={"language": "pt"}).text
    link = re.search(r'href="(/api/library/export\.csv[^"]*)" download id="export-csv"', page)
    assert link and html.unescape(link.group(1)) == "/api/library/export.csv?lang=en&language=pt"
    filtered = web.client.get(html.unescape(link.group(1)))  # the page's link, with the session cookie
    rows = list(csv.DictReader(io.StringIO(filtered.content.decode("utf-8-sig"))))
    assert [r["Title"] for r in rows] == ["PT 2", "PT 1"] and filtered.headers["x-rows"] == "2"
    everything = web.client.get("/api/library/export.csv", headers=web.bearer)
    assert everything.headers["x-rows"] == "208"  # more than one page of the view (200 a page)
    keys = [r["key"] for r in csv.DictReader(io.StringIO(everything.content.decode("utf-8-sig")))]
    assert len(keys) == len(set(keys)) == 208
    by_title = web.client.get("/api/library/export.csv", params={"sort": "title", "q": "PT"}, headers=web.bearer)
    assert [r["title"] for r in csv.DictReader(io.StringIO(by_title.content.decode("utf-8-sig")))] == ["PT 1", "PT 2"]


def test_the_pages_link_to_their_exports(web: Web) -> None:
    web.login()
    key = _seed_vsl(web)
    board_id = _board(web, [key])
    vsl = web.client.get(f"/vsl/{key}").text
    # Each link asks for the viewer's language (English here: the browser sent none).
    assert re.findall(r'href="/api/vsls/[^"]+/export\.(\w+)\?lang=en" download', vsl) == ["md", "docx", "pdf"]
    board = web.client.get(f"/boards/{board_id}").text
    assert f'href="/api/boards/{board_id}/export.csv?lang=en"' in board
    assert f'/api/boards/{board_id}/export.xlsx?lang=en"' in board
    assert web.client.get(f"/api/boards/{board_id}/export.xlsx").status_code == 200  # the cookie is enough
