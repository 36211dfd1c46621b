"""Exports in the reader's language (PT-BR, ES; English with labels): the swipe document's
headings, labels and values, and the board/library tables' headers and values, through the pages'
catalog and Babel formats.  Opened with reader libraries (python-docx, openpyxl, pypdf).  Without
``lang`` an export stays as scripts have always had it (codes, ISO money and dates)."""

from __future__ import annotations

import csv
import io
import re

import docx
import openpyxl
import pypdf
import pytest

from vsl_assets.services.export import EXPORT_MESSAGES, TABLE_COLUMNS
from vsl_assets.web.i18n import MESSAGES, fmt_date
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.test_exports import TITLE, _board, _download
from vsl_assets_tests.web.test_exports import _seed_vsl as _seed_export

NB = "\u00a0"


def _seed_vsl(web: Web) -> str:
    """The export tests' VSL, its niche a taxonomy code (what the breakdown engine stores)."""
    from sqlalchemy import select

    from vsl_assets.db.models import BreakdownRow
    from vsl_assets_tests.web.seed import url_id

    key = _seed_export(web)
    with web.session() as s:
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id(s, key)))
        assert row is not None
        row.niche = "health/weight_loss"
    return key


@pytest.mark.parametrize("lang", ["pt-BR", "es"])
def test_every_export_message_and_column_has_a_text(lang: str) -> None:
    assert [m for m in EXPORT_MESSAGES if not MESSAGES[lang].get(m)] == []
    assert [c.header for c in TABLE_COLUMNS if not MESSAGES[lang].get(f"column:{c.header}")] == []


def test_the_swipe_document_in_portuguese_docx_and_markdown(sqlite_web: Web) -> None:
    web = sqlite_web
    key = _seed_vsl(web)
    document = docx.Document(io.BytesIO(_download(web, f"/api/vsls/{key}/export.docx", params={"lang": "pt-BR"})))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings == [
        ("Title", TITLE),
        ("Heading 1", "Análise"),
        ("Heading 1", "Blocos"),
        ("Heading 1", "Transcrição"),
        ("Heading 2", "Gancho (0:00)"),
        ("Heading 2", "Oferta (0:10)"),
    ]
    header = {p.text.split(": ", 1)[0]: p.text.split(": ", 1)[1] for p in document.paragraphs[1:6] if ": " in p.text}
    assert header["Status"] == "Pronta" and header["Idioma"] == "Português"
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert facts["Oferta"] == f"R${NB}197,00"
    assert facts["Garantia"] == "30 dias"
    assert facts["Nicho"] == "Saúde / Emagrecimento"
    assert facts["Lead"] == "História"
    assert facts["Consciência"] == "Consciente do problema"
    assert facts["Mecanismo"] == "desconhecido (incerto: confiança 0,30)"
    beats = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert beats[0] == ["Bloco", "Tempo", "Citação"] and beats[2][:2] == ["Oferta", "0:10\u20130:15"]

    md = _download(web, f"/api/vsls/{key}/export.md", params={"lang": "pt-BR"}).decode("utf-8")
    assert "| Campo | Valor |" in md and f"| Oferta | R${NB}197,00 |" in md
    assert "- **Gancho** 0:00\u20130:04" in md
    assert re.findall(r"^### (.+)$", md.split("## Transcrição")[1], re.M) == ["Gancho (0:00)", "Oferta (0:10)"]


def test_the_swipe_document_in_spanish_pdf(sqlite_web: Web) -> None:
    web = sqlite_web
    key = _seed_vsl(web)
    reader = pypdf.PdfReader(io.BytesIO(_download(web, f"/api/vsls/{key}/export.pdf", params={"lang": "es"})))
    flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for needle in (
        "Análisis",
        "Bloques",
        "Transcripción",
        "Gancho (0:00)",
        "Oferta (0:10)",
        "Estado: Lista",
        "Idioma: Portugués",
        "197,00 R$",  # Spanish puts the symbol after the amount (CLDR), as the pages do
        "30 días",
        "Salud / Pérdida de peso",
        "desconocido (dudoso: confianza 0,30)",
    ):
        assert needle in flat, needle
    assert reader.metadata is not None and reader.metadata.title == TITLE


def test_without_lang_an_export_is_unchanged_for_scripts(sqlite_web: Web) -> None:
    web = sqlite_web
    key = _seed_vsl(web)
    md = _download(web, f"/api/vsls/{key}/export.md").decode("utf-8")
    assert "## Breakdown" in md and "| Offer | BRL 197.00 |" in md and "- **Status:** analyzed" in md
    board_id = _board(web, [key])
    rows = list(csv.reader(io.StringIO(_download(web, f"/api/boards/{board_id}/export.csv").decode("utf-8-sig"))))
    assert rows[0][:4] == ["key", "title", "url", "status"] and rows[1][3] == "analyzed"
    assert web.client.get(f"/api/vsls/{key}/export.md", params={"lang": "fr"}, headers=web.bearer).status_code == 422


def test_board_and_library_tables_in_portuguese_and_spanish(sqlite_web: Web) -> None:
    web = sqlite_web
    key = _seed_vsl(web)
    board_id = _board(web, [key])
    with web.session() as s:
        from sqlalchemy import select

        from vsl_assets.db.models import Url

        added = s.scalar(select(Url.created_at).where(Url.partition_key == key))
    book = openpyxl.load_workbook(
        io.BytesIO(_download(web, f"/api/boards/{board_id}/export.xlsx", params={"lang": "pt-BR"}))
    )
    values = [[c.value for c in r] for r in book.active.iter_rows()]
    row = dict(zip(values[0], values[1], strict=True))
    assert values[0][:4] == ["Chave", "Título", "URL", "Status"] and values[0][-2:] == ["Nota", "Tags"]
    assert row["Status"] == "Pronta" and row["Idioma"] == "Português" and row["Nicho"] == "Saúde / Emagrecimento"
    assert row["Lead"] == "História" and row["Consciência"] == "Consciente do problema"
    assert row["Preço"] == f"R${NB}197,00" and row["Moeda"] == "BRL"
    assert row["Duplicata"] == "não" and row["Revisar transcrição"] == "não"
    assert row["Adicionado em"] == fmt_date("pt-BR", added)
    assert row["Duração (s)"] == 120.0  # seconds stay a number a spreadsheet can sum

    raw = _download(web, "/api/library/export.csv", params={"lang": "es", "language": "pt"})
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0]["Clave"] == key and rows[0]["Estado"] == "Lista"
    assert rows[0]["Consciencia"] == "Consciente del problema" and rows[0]["Precio"] == f"197,00{NB}R$"
    assert rows[0]["Duplicado"] == "no" and rows[0]["Añadido"] == fmt_date("es", added)


def test_the_pages_link_exports_in_the_viewers_language(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    key = _seed_vsl(web)
    web.client.get("/lang/es")
    vsl = web.client.get(f"/vsl/{key}").text
    assert re.findall(r'href="(/api/vsls/[^"]+/export\.\w+\?lang=es)" download', vsl)
    link = re.search(r'href="(/api/vsls/[^"]+/export\.docx\?lang=es)"', vsl)
    assert link is not None
    document = docx.Document(io.BytesIO(web.client.get(link.group(1)).content))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Análisis",
        "Bloques",
        "Transcripción",
    ]
