"""Taking VSLs away: the catalog (``vsl export``, the ``vsl_catalog`` asset), one VSL as a swipe
document (Markdown, DOCX, PDF), a board as CSV/XLSX and the library view as CSV.

Every front end (web pages, API, CLI) calls these; the tables share one column definition
(:data:`TABLE_COLUMNS`) and the documents one content model (:class:`Swipe`), so each format only
lays out the same facts.  A breakdown field the engine was not sure of reads "unknown" everywhere.
The heavy libraries (python-docx, openpyxl, reportlab, pandas) are imported by the export that
needs them, not by every process that imports this module."""

from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.services import titles
from vsl_assets.services.ports import Sessions
from vsl_assets.storage import LocalStore, StorageLayout

#: The formats the ``vsl_catalog`` asset keeps in storage.
STORED_FORMATS = ("parquet", "csv")


class ExportError(ValueError):
    """The request cannot be met as asked (e.g. binary Parquet to a terminal); ``str()`` says why."""


@dataclass(frozen=True)
class Exported:
    rows: int
    #: The file written, or None when the text is in ``text``.
    path: Path | None = None
    text: str | None = None


def export_catalog(*, sessions: Sessions, fmt: str, out: Path | None, min_confidence: float) -> Exported:
    """The catalog as ``fmt``: into ``out``, or as text when ``out`` is None (CSV and JSON only).

    A breakdown field graded below ``min_confidence`` is left empty (``VSL_BREAKDOWN_MIN_CONFIDENCE``)."""
    from vsl_assets import catalog  # pandas: loaded by the commands that export, not by every run

    if out is None and fmt == "parquet":
        raise ExportError("parquet is binary: give --out PATH")
    if fmt not in catalog.FORMATS:
        raise ExportError(f"unknown catalog format {fmt!r}; use one of {', '.join(catalog.FORMATS)}")
    with sessions() as s:
        df = _titled(s, catalog.build_catalog(s, min_confidence=min_confidence), min_confidence)
    if out is None:
        return Exported(len(df), text=catalog.as_text(df, fmt))
    return Exported(len(df), path=catalog.write(df, out, fmt))


def _titled(session: Session, df: Any, min_confidence: float) -> Any:
    """The catalog's ``title`` column as every front end shows it (``services.titles``)."""
    if len(df):
        named = titles.titles_for(session, df["partition_key"], min_confidence=min_confidence)
        df["title"] = [named[k].text if k in named else None for k in df["partition_key"]]
    return df


@dataclass(frozen=True)
class StoredCatalog:
    rows: int
    by_status: dict[str, int]
    paths: dict[str, Path]
    preview: str


def store_catalog(
    *, sessions: Sessions, layout: StorageLayout, store: LocalStore, min_confidence: float
) -> StoredCatalog:
    """Write the catalog to its place in the storage layout and publish it to the shared store."""
    from vsl_assets import catalog

    with sessions() as s:
        df = _titled(s, catalog.build_catalog(s, min_confidence=min_confidence), min_confidence)
    paths = {fmt: catalog.write(df, layout.catalog_path(fmt), fmt) for fmt in STORED_FORMATS}
    store.publish(*paths.values())
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    return StoredCatalog(len(df), {str(k): int(v) for k, v in counts.items()}, paths, catalog.preview_markdown(df))


# -- a VSL as a swipe document (Markdown, DOCX, PDF) ---------------------------------------------

#: The swipe document's formats and their media types.
SWIPE_FORMATS: dict[str, str] = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
#: What a breakdown field the engine did not find, or was not sure of, reads as.
UNKNOWN = "unknown"


def _same(text: str) -> str:
    return text


def _code(kind: str, code: str | None) -> str:
    if not code:
        return ""
    return beat_label(code) if kind == "beat" else code


def _plain_number(value: float | None, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


@dataclass(frozen=True)
class Words:
    """How an export says things to its reader: the front end gives the reader's (the web's
    catalogs and Babel formats, ``web.i18n.export_words``), so a document and a table read like the
    pages.  The default, :data:`RAW`, is what scripts have always had: English headings, the codes
    (``analyzed``, ``story``), ISO money (``BRL 197.00``) and ISO dates."""

    #: The language's BCP 47 tag (``pt-BR``), or None for :data:`RAW`.
    lang: str | None = None
    #: An English message in the reader's language (``{name}`` holes kept).
    text: Callable[[str], str] = _same
    #: A coded value (``status``, ``lead``, ``beat``, ``column``...) as a word.
    label: Callable[[str, str | None], str] = _code
    money: Callable[[float | None, str | None], str] = field(default=lambda amount, currency: _money(amount, currency))
    number: Callable[[float | None, int], str] = _plain_number
    date: Callable[[datetime | None], str] = _iso


RAW = Words()

#: Every English message an export says through ``Words.text`` (a test checks each has a PT-BR and
#: an ES text, as the templates' messages are checked).
EXPORT_MESSAGES = (
    "URL",
    "Key",
    "Status",
    "Duration",
    "Language",
    "Same video as",
    "Breakdown",
    "Field",
    "Value",
    "Beats",
    "Beat",
    "Time",
    "Quote",
    "Transcript",
    "Niche",
    "Lead",
    "Awareness",
    "Offer",
    "Anchor",
    "Guarantee",
    "Pitch (transcript)",
    "Pitch (page)",
    "Product named",
    "Hook",
    "Product",
    "Mechanism",
    UNKNOWN,
    "not analysed yet",
    "no transcript yet",
    "{days} days",
    "{unknown} (not sure: confidence {confidence})",
    "yes",
    "no",
)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    #: False: the value is unknown (not found, or graded below the threshold: then ``value`` says so).
    known: bool


@dataclass(frozen=True)
class Line:
    start: float
    text: str


@dataclass(frozen=True)
class Part:
    """The transcript under one beat heading (``beat`` None: before the first beat, or no beats)."""

    beat: str | None
    start: float
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Swipe:
    """What every swipe format shows, built once (:func:`swipe_of`) and only laid out by each writer."""

    key: str
    title: str
    url: str
    status: str
    duration_s: float | None
    language: str | None
    alias_of: str | None
    facts: tuple[Fact, ...]
    #: ``(beat, start_s, end_s, quote)`` in order.
    beats: tuple[tuple[str, float, float, str], ...]
    parts: tuple[Part, ...]
    #: The reader's language: headings, labels and values are said with these.
    words: Words = RAW


def _span(start: float, end: float) -> str:
    """``0:04`` en dash ``0:09``: ranges as typeset."""
    from vsl_assets.core.humanize import clock

    return f"{clock(start)}\u2013{clock(end)}"


#: Beats said by their initials: capitalised like a word, "cta" read as the typo "Cta".
_INITIALISMS = {"cta": "CTA"}


def beat_label(beat: str) -> str:
    return _INITIALISMS.get(beat) or beat.replace("_", " ").capitalize()


def _money(amount: float | None, currency: str | None) -> str:
    """``BRL 197.00``: the ISO code, as ``Price.describe`` writes it (no locale in a shared document)."""
    return "" if amount is None else f"{currency or ''} {amount:,.2f}".strip()


#: The breakdown's facts (``breakdown.columns.FIELDS``) a swipe document lists after the language,
#: in its own reading order and words (where the offer appears is told twice: as said in the
#: transcript and as the page shows it).
DOCUMENT_FACTS: dict[str, str] = {
    "niche": "Niche",
    "lead_type": "Lead",
    "awareness": "Awareness",
    "offer_price": "Offer",
    "anchor_price": "Anchor",
    "guarantee_days": "Guarantee",
    "pitch_s": "Pitch (transcript)",
    "page_pitch_s": "Pitch (page)",
    "product_reveal_s": "Product named",
    "hook": "Hook",
    "product": "Product",
    "mechanism": "Mechanism",
}
#: The facts the document's fact list leaves out, and why.
DOCUMENT_LEFT_OUT: dict[str, str] = {"duration_s": "the document's header gives the video's length (Duration)"}


def _facts(detail: Any, w: Words = RAW) -> tuple[Fact, ...]:
    from vsl_assets.core.humanize import clock

    b = detail.breakdown
    if b is None:
        return (Fact(w.text("Breakdown"), w.text("not analysed yet"), False),)

    def said(fact: breakdown_columns.BreakdownField) -> str:
        """A fact as a reader reads it, by its kind."""
        if fact.kind == "price":
            part = {c.part: getattr(b, c.name) for c in breakdown_columns.field_columns(fact.name) if c.api and c.part}
            money = w.money(part.get("amount"), part.get("currency"))
            if money and part.get("installments") and part.get("installment_amount"):
                money += f" ({part['installments']}x {w.money(part['installment_amount'], part.get('currency'))})"
            return money
        value = getattr(b, fact.name)
        if fact.name == "page_pitch_s" and value is None and detail.source:
            value = detail.source.cta_seconds  # the page's button, when the page step did not say
        if value is None or value == "":
            return ""
        if fact.kind == "code":
            return w.label(fact.codes or fact.name, value)
        if fact.kind == "seconds":
            return clock(value)
        if fact.kind == "number" and fact.unit == "days":
            return w.text("{days} days").format(days=value)
        return str(value)

    facts = {f.name: f for f in breakdown_columns.FIELDS}
    rows: list[tuple[str, str | None, str]] = [
        ("Language", None, w.label("language", b.language)),
        *((label, name, said(facts[name])) for name, label in DOCUMENT_FACTS.items()),
    ]
    unknown = w.text(UNKNOWN)
    out: list[Fact] = []
    for label, field_name, value in rows:
        unsure = b.unsure.get(field_name) if field_name else None
        if unsure is not None:
            not_sure = w.text("{unknown} (not sure: confidence {confidence})")
            out.append(
                Fact(w.text(label), not_sure.format(unknown=unknown, confidence=w.number(unsure.confidence, 2)), False)
            )
        elif value:
            out.append(Fact(w.text(label), value, True))
        else:
            out.append(Fact(w.text(label), unknown, False))
    return tuple(out)


def _parts(segments: Any, beats: tuple[tuple[str, float, float, str], ...]) -> tuple[Part, ...]:
    """The transcript cut at each beat's start: a heading where a beat begins, its lines below."""
    starts = [b[1] for b in beats]
    parts: list[Part] = []
    current: int | None = -1
    lines: list[Line] = []
    part_start = 0.0
    for seg in segments:
        if not seg.text:
            continue
        index = bisect.bisect_right(starts, seg.start + 0.05) - 1  # the beat this line starts in
        beat_index = index if index >= 0 else None
        if beat_index != current:
            if lines or (current not in (-1, None)):
                parts.append(Part(beats[current][0] if current not in (-1, None) else None, part_start, tuple(lines)))
            current, lines = beat_index, []
            part_start = beats[beat_index][1] if beat_index is not None else seg.start
        lines.append(Line(seg.start, seg.text))
    if lines:
        parts.append(Part(beats[current][0] if current not in (-1, None) else None, part_start, tuple(lines)))
    return tuple(parts)


def swipe_of(detail: Any, words: Words = RAW) -> Swipe:
    """The swipe document of a VSL's detail (``services.library.detail``), said with ``words``."""
    b = detail.breakdown
    beats = tuple((x.beat, x.start_s, x.end_s, x.quote) for x in (b.beats if b else []))
    return Swipe(
        key=detail.partition_key,
        title=detail.title,
        url=detail.url,
        status=detail.status,
        duration_s=detail.video.duration_s
        if detail.video
        else (b.duration_s if b and hasattr(b, "duration_s") else None),
        language=detail.language or (b.language if b else None),
        alias_of=detail.alias_of.partition_key if detail.alias_of else None,
        facts=_facts(detail, words),
        beats=beats,
        parts=_parts(detail.segments, beats),
        words=words,
    )


def swipe_document(
    session: Session, key: str, fmt: str, *, min_confidence: float, words: Words = RAW
) -> tuple[bytes, str] | None:
    """The VSL as a swipe document in ``fmt`` (``md``, ``docx``, ``pdf``) and its file name; None when
    the key is unknown.  Fields graded below ``min_confidence`` read "unknown (not sure…)"; every
    heading, label and value is said with ``words`` (the reader's language)."""
    from vsl_assets.services import library

    if fmt not in SWIPE_FORMATS:
        raise ExportError(f"unknown swipe format {fmt!r}; use one of {', '.join(SWIPE_FORMATS)}")
    detail = library.detail(session, key, min_confidence=min_confidence)
    if detail is None:
        return None
    swipe = swipe_of(detail, words)
    data = {"md": lambda s: swipe_markdown(s).encode("utf-8"), "docx": swipe_docx, "pdf": swipe_pdf}[fmt](swipe)
    return data, f"{file_stem(swipe.title, key)}.{fmt}"


def file_stem(title: str, key: str) -> str:
    """An ASCII file name from the title (``Metodo-Joelho-Livre``), else the key."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:60].strip("-")
    return slug or key


def _header_lines(s: Swipe) -> list[tuple[str, str]]:
    from vsl_assets.core.humanize import clock

    w = s.words
    rows = [(w.text("URL"), s.url), (w.text("Key"), s.key), (w.text("Status"), w.label("status", s.status))]
    if s.duration_s is not None:
        rows.append((w.text("Duration"), clock(s.duration_s)))
    if s.language:
        rows.append((w.text("Language"), w.label("language", s.language)))
    if s.alias_of:
        rows.append((w.text("Same video as"), s.alias_of))
    return rows


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    """Text as Markdown shows it literally: a transcript's ``*`` or ``<b>`` is not markup (nor HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def swipe_markdown(s: Swipe) -> str:
    from vsl_assets.core.humanize import clock

    w = s.words
    out = [f"# {_md(s.title)}", ""]
    out += [f"- **{label}:** {_md(value)}" for label, value in _header_lines(s)]
    out += ["", f"## {w.text('Breakdown')}", "", f"| {w.text('Field')} | {w.text('Value')} |", "|---|---|"]
    out += [f"| {f.label} | {_md(f.value) if f.known else '_' + _md(f.value) + '_'} |" for f in s.facts]
    out += ["", f"## {w.text('Beats')}", ""]
    if s.beats:
        out += [
            f"- **{_md(w.label('beat', beat))}** {_span(start, end)}" + (f": “{_md(quote)}”" if quote else "")
            for beat, start, end, quote in s.beats
        ]
    else:
        out.append(f"_{w.text(UNKNOWN)}_")
    out += ["", f"## {w.text('Transcript')}", ""]
    for part in s.parts:
        if part.beat is not None:
            out += [f"### {_md(w.label('beat', part.beat))} ({clock(part.start)})", ""]
        out += [f"`[{clock(line.start)}]` {_md(line.text)}  " for line in part.lines]
        out.append("")
    if not s.parts:
        out += [f"_{w.text('no transcript yet')}_", ""]
    return "\n".join(out)


def swipe_docx(s: Swipe) -> bytes:
    """Word, through python-docx: headings (Word's navigation pane lists the beats), two tables."""
    import docx
    from docx.shared import Pt, RGBColor

    from vsl_assets.core.humanize import clock

    doc = docx.Document()
    doc.core_properties.title = s.title
    doc.add_heading(s.title, level=0)
    for label, value in _header_lines(s):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    w = s.words
    doc.add_heading(w.text("Breakdown"), level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Light Grid Accent 1"
    for fact in s.facts:
        cells = table.add_row().cells
        cells[0].text = fact.label
        cells[1].text = fact.value
        if not fact.known:
            for run in cells[1].paragraphs[0].runs:
                run.italic = True
    doc.add_heading(w.text("Beats"), level=1)
    if s.beats:
        beats = doc.add_table(rows=1, cols=3)
        beats.style = "Light Grid Accent 1"
        for cell, text in zip(beats.rows[0].cells, (w.text("Beat"), w.text("Time"), w.text("Quote")), strict=True):
            cell.text = text
        for beat, start, end, quote in s.beats:
            cells = beats.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = w.label("beat", beat), f"{_span(start, end)}", quote
    else:
        doc.add_paragraph(w.text(UNKNOWN)).runs[0].italic = True
    doc.add_heading(w.text("Transcript"), level=1)
    if not s.parts:
        doc.add_paragraph(w.text("no transcript yet")).runs[0].italic = True
    for part in s.parts:
        if part.beat is not None:
            doc.add_heading(f"{w.label('beat', part.beat)} ({clock(part.start)})", level=2)
        for line in part.lines:
            p = doc.add_paragraph()
            stamp = p.add_run(f"[{clock(line.start)}] ")
            stamp.font.size = Pt(8)
            stamp.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
            p.add_run(line.text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


#: The PDF's font: Bitstream Vera, which ships inside reportlab (so every install has it, with no
#: system font package): Latin-1 plus curly quotes, dashes, "…", "€" — Portuguese and Spanish whole.
#: Embedded (subset) in each PDF.  A character it lacks is written as its closest ASCII, else "?".
PDF_FONT = "Vera"


def _pdf_fonts() -> tuple[str, str, Any]:
    """Register the bundled Vera faces once; returns (regular, bold, the regular face's cmap)."""
    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        folder = Path(reportlab.__file__).parent / "fonts"
        faces = {"": "Vera.ttf", "-Bold": "VeraBd.ttf", "-Italic": "VeraIt.ttf", "-BoldItalic": "VeraBI.ttf"}
        for suffix, file in faces.items():
            pdfmetrics.registerFont(TTFont(PDF_FONT + suffix, str(folder / file)))
        addMapping(PDF_FONT, 0, 0, PDF_FONT)
        addMapping(PDF_FONT, 1, 0, PDF_FONT + "-Bold")
        addMapping(PDF_FONT, 0, 1, PDF_FONT + "-Italic")
        addMapping(PDF_FONT, 1, 1, PDF_FONT + "-BoldItalic")
    face = pdfmetrics.getFont(PDF_FONT).face
    return PDF_FONT, PDF_FONT + "-Bold", face.charToGlyph


def _pdf_text(text: str, cmap: Any) -> str:
    """``text`` escaped for reportlab's paragraph markup, each character the font lacks replaced."""
    out: list[str] = []
    for ch in text:
        if ord(ch) in cmap or ch in "\n\t":
            out.append(ch)
            continue
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append(plain or "?")
    return "".join(out).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def swipe_pdf(s: Swipe) -> bytes:
    """PDF through reportlab's platypus: the font embedded, headings as PDF outline entries."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from vsl_assets.core.humanize import clock

    regular, bold, cmap = _pdf_fonts()

    def t(text: str) -> str:
        return _pdf_text(text, cmap)

    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    h0 = ParagraphStyle("h0", fontName=bold, fontSize=18, leading=22, spaceAfter=6)
    h1 = ParagraphStyle("h1", fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=10.5, leading=13, spaceBefore=8, spaceAfter=2)
    line_style = ParagraphStyle("line", parent=body, leftIndent=14 * mm, firstLineIndent=-14 * mm)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ]
    )
    story: list[Any] = [Paragraph(t(s.title), h0)]
    story += [Paragraph(f"<b>{t(label)}:</b> {t(value)}", small) for label, value in _header_lines(s)]
    w = s.words
    story.append(Paragraph(t(w.text("Breakdown")), h1))
    facts = [
        [Paragraph(t(f.label), small), Paragraph(t(f.value) if f.known else f"<i>{t(f.value)}</i>", small)]
        for f in s.facts
    ]
    story.append(Table(facts, colWidths=[40 * mm, 130 * mm], style=grid))
    story.append(Paragraph(t(w.text("Beats")), h1))
    if s.beats:
        rows = [
            [
                Paragraph(t(w.label("beat", beat)), small),
                Paragraph(f"{_span(start, end)}", small),
                Paragraph(t(quote), small),
            ]
            for beat, start, end, quote in s.beats
        ]
        story.append(Table(rows, colWidths=[30 * mm, 25 * mm, 115 * mm], style=grid))
    else:
        story.append(Paragraph(f"<i>{t(w.text(UNKNOWN))}</i>", body))
    story.append(Paragraph(t(w.text("Transcript")), h1))
    for part in s.parts:
        if part.beat is not None:
            story.append(Paragraph(f"{t(w.label('beat', part.beat))} ({clock(part.start)})", h2))
        story += [
            Paragraph(f'<font color="#666666" size="8">[{clock(line.start)}]</font>\u00a0 {t(line.text)}', line_style)
            for line in part.lines
        ]
    if not s.parts:
        story.append(Paragraph(f"<i>{t(w.text('no transcript yet'))}</i>", body))
    story.append(Spacer(1, 4 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=t(s.title),
        lang=w.lang or "en",
        author="vsl-assets",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    doc.build(story)
    return buffer.getvalue()


# -- tables: a board (CSV, XLSX) and the library view (CSV) --------------------------------------


@dataclass(frozen=True)
class Column:
    #: The column's code: the header of a :data:`RAW` table, else ``words.label("column", header)``.
    header: str
    value: Callable[[Any, Words], Any]


def _labelled(kind: str, code: str | None, w: Words) -> str | None:
    return code if w.lang is None else (w.label(kind, code) if code else None)


def _yes_no(value: bool, w: Words) -> bool | str:
    return value if w.lang is None else w.text("yes" if value else "no")


def _when(value: datetime | None, w: Words) -> str | None:
    if value is None:
        return None
    return value.isoformat() if w.lang is None else w.date(value)


#: The columns of every exported VSL table (board and library alike), read from a ``VslCard``.
#: Said with :class:`Words`: a table for a reader has its headers, coded values, money and dates in
#: their language; a :data:`RAW` one keeps the codes, the bare price and ISO dates (for scripts).
TABLE_COLUMNS: tuple[Column, ...] = (
    Column("key", lambda c, w: c.partition_key),
    Column("title", lambda c, w: c.title),
    Column("url", lambda c, w: c.url),
    Column("status", lambda c, w: _labelled("status", c.status, w)),
    Column("alias", lambda c, w: _yes_no(c.alias, w)),
    Column("duration_s", lambda c, w: round(c.duration_s, 1) if c.duration_s is not None else None),
    Column("language", lambda c, w: _labelled("language", c.language, w)),
    Column("niche", lambda c, w: _labelled("niche", c.niche, w)),
    Column("lead_type", lambda c, w: _labelled("lead", c.lead_type, w)),
    Column("awareness", lambda c, w: _labelled("awareness", c.awareness, w)),
    Column("price", lambda c, w: c.price if w.lang is None or c.price is None else w.money(c.price, c.currency)),
    Column("currency", lambda c, w: c.currency),
    Column("needs_review", lambda c, w: _yes_no(c.needs_review, w)),
    Column("added_at", lambda c, w: _when(c.created_at, w)),
)
#: A board's own columns, after the shared ones.
BOARD_COLUMNS: tuple[str, ...] = ("board_note", "board_tags")
TABLE_FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: At most this many rows in a library export (the view's filters narrow it).
MAX_EXPORT_ROWS = 50_000
#: A cell starting with one of these would be read as a formula by a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _row(card: Any, words: Words = RAW) -> list[Any]:
    return [column.value(card, words) for column in TABLE_COLUMNS]


def table_headers(words: Words = RAW, *, board: bool = False) -> list[str]:
    """The header row: the column codes for :data:`RAW`, else each column's label."""
    codes = [*(c.header for c in TABLE_COLUMNS), *(BOARD_COLUMNS if board else ())]
    return codes if words.lang is None else [words.label("column", code) for code in codes]


def _cell_text(value: Any) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"  # a RAW table's; a reader's says it in their language
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (Excel then reads the accents right), one header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_cell_text(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    """One sheet through openpyxl; every text cell is a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    ws = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31] or "VSLs")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # "=HYPERLINK(...)" from a page's title stays text
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def board_table(
    session: Session, board: Any, fmt: str, *, min_confidence: float, words: Words = RAW
) -> tuple[bytes, str]:
    """A board's VSLs (the shared columns, then the board's note and tags) as CSV or XLSX."""
    from vsl_assets.services import boards, library

    if fmt not in TABLE_FORMATS:
        raise ExportError(f"unknown table format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")
    out = boards.board_out(session, board, min_confidence=min_confidence)
    cards = library.cards_for(session, [i.partition_key for i in out.items], min_confidence=min_confidence)
    rows = [
        [*_row(cards[i.partition_key], words), i.note, ", ".join(i.tags)] for i in out.items if i.partition_key in cards
    ]
    headers = table_headers(words, board=True)
    data = table_csv(headers, rows) if fmt == "csv" else table_xlsx(headers, rows, out.name)
    return data, f"{file_stem(out.name, f'board-{out.id}')}.{fmt}"


def library_table(session: Session, filters: Any, *, min_confidence: float, words: Words = RAW) -> tuple[bytes, int]:
    """The library view with its filters and sort, every page of it (at most ``MAX_EXPORT_ROWS``), as
    CSV; returns the bytes and the row count."""
    from vsl_assets.services import library

    rows: list[list[Any]] = []
    page_filters = replace(filters, limit=library.MAX_LIMIT, offset=0, after=None)
    while len(rows) < MAX_EXPORT_ROWS:
        page = library.list_vsls(session, page_filters, min_confidence=min_confidence)
        rows += [_row(card, words) for card in page.items]
        if len(page.items) < page.limit:
            break
        if page.next_after is not None:
            page_filters = replace(page_filters, after=page.next_after)
        else:
            page_filters = replace(page_filters, offset=page_filters.offset + page.limit)
    rows = rows[:MAX_EXPORT_ROWS]
    return table_csv(table_headers(words), rows), len(rows)
