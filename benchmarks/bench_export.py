"""A 60-minute VSL (900 segments, 12 beats) exported as a swipe document: PDF against the target
(≤ 5 s, issue 27), next to baselines measured in the same run:

- ``markdown``: the same export path (database read, the same :class:`Swipe`) written as Markdown,
  i.e. everything but the PDF layout;
- ``bare reportlab``: reportlab's canvas writing the same lines with the same embedded font and
  naive line breaking, no tables or paragraphs: the floor for "this library writes this text";
- ``docx``: the Word export, for information.

Everything runs on a temporary SQLite database built here; the text is made up by this script
(Portuguese, with curly quotes, "…", R$ and accents, as the real ones have).  Prints medians of
``--repeats`` runs and PASS/FAIL against the target; always exits 0 (it reports, it does not gate).

    python benchmarks/bench_export.py               # 900 segments, 5 repeats (~20 s)
    python benchmarks/bench_export.py --segments 200 --repeats 2   # while developing
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(1, str(Path(__file__).resolve().parent))
import record  # noqa: E402  (imported at the start: it notes the load average before the run)

TARGET_S = 5.0
BEATS = (
    "hook",
    "problem",
    "story",
    "agitation",
    "discovery",
    "mechanism",
    "proof",
    "product",
    "offer",
    "bonus",
    "guarantee",
    "cta",
)
WORDS = (
    "você",
    "sabia",
    "que",
    "o",
    "joelho",
    "“ritual”",
    "da",
    "manhã",
    "muda",
    "tudo",
    "em",
    "sete",
    "dias",
    "…",
    "R$",
    "19,70",
    "garantia",
    "de",
    "trinta",
    "ação",
    "inflamação",
    "cartilagem",
    "¿funciona?",
    "sí",
    "señora",
    "médicos",
    "não",
    "contam",
    "isso",
    "—",
    "descubra",
    "agora",
    "mesmo",
    "é",
    "simples",
)


def _segments(n: int, seconds: float) -> list[tuple[float, float, str]]:
    step = seconds / n
    out = []
    for i in range(n):
        words = [WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(11 + i % 6)]
        out.append((round(i * step, 2), round((i + 1) * step, 2), " ".join(words).capitalize() + "."))
    return out


def _build(root: Path, n: int, seconds: float) -> tuple[str, str]:
    from sqlalchemy import delete

    from vsl_assets.db import repo, session_scope
    from vsl_assets.db.models import BeatRow
    from vsl_assets.storage import StorageLayout
    from vsl_assets_tests.web.seed import Fake, seed

    database = f"sqlite:///{root / 'vsl.db'}"
    segments = _segments(n, seconds)
    with session_scope(database) as s:
        key = seed(
            s,
            StorageLayout(root),
            Fake(
                "https://oferta.example.com/vsl",
                title="Método “Joelho Livre” — 60 min",
                duration_s=seconds,
                segments=segments,
            ),
        )
        url = repo.require_url(s, key)
        s.execute(delete(BeatRow).where(BeatRow.url_id == url.id))
        width = seconds / len(BEATS)
        s.add_all(
            BeatRow(
                url_id=url.id,
                position=i,
                beat=b,
                start_s=i * width,
                end_s=(i + 1) * width,
                quote=segments[int(i * width / (seconds / n))][2],
            )
            for i, b in enumerate(BEATS)
        )
    return database, key


def _bare_reportlab(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from vsl_assets.services.export import _pdf_fonts

    regular, _bold, _cmap = _pdf_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    _width, height = A4
    y = height - 50
    for line in lines:
        for start in range(0, len(line), 95):  # naive wrapping: the floor, not a layout
            if y < 50:
                c.showPage()
                y = height - 50
            c.setFont(regular, 9.5)
            c.drawString(50, y, line[start : start + 95])
            y -= 12.5
    c.save()
    return buffer.getvalue()


def _time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=900)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from vsl_assets.core.humanize import clock
    from vsl_assets.db import session_scope
    from vsl_assets.services.export import swipe_document

    with tempfile.TemporaryDirectory() as tmp:
        database, key = _build(Path(tmp), args.segments, args.minutes * 60)

        def export(fmt: str) -> bytes:
            with session_scope(database) as s:
                found = swipe_document(s, key, fmt, min_confidence=0.6)
            assert found is not None
            return found[0]

        md_text = export("md").decode("utf-8")  # warm: imports, font registration, first query
        export("pdf")
        export("docx")
        lines = [line for line in md_text.splitlines() if line.strip()]
        bare_s, bare = _time(lambda: _bare_reportlab(lines), args.repeats)
        md_s, _ = _time(lambda: export("md"), args.repeats)
        pdf_s, pdf = _time(lambda: export("pdf"), args.repeats)
        docx_s, docx_data = _time(lambda: export("docx"), args.repeats)

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)  # type: ignore[arg-type]
    print(
        f"VSL: {args.segments} segments over {clock(args.minutes * 60)}, {len(BEATS)} beats; "
        f"medians of {args.repeats} (after one warm-up each)"
    )
    print(f"{'export':<34}{'median s':>10}{'size':>12}")
    print(f"{'PDF (swipe_document)':<34}{pdf_s:>10.3f}{len(pdf):>12,}  ({pages} pages)")  # type: ignore[arg-type]
    print(f"{'baseline: Markdown (same path)':<34}{md_s:>10.3f}{len(md_text.encode()):>12,}")
    print(f"{'baseline: bare reportlab canvas':<34}{bare_s:>10.3f}{len(bare):>12,}")  # type: ignore[arg-type]
    print(f"{'DOCX (swipe_document)':<34}{docx_s:>10.3f}{len(docx_data):>12,}")  # type: ignore[arg-type]
    verdict = "PASS" if pdf_s <= TARGET_S else "FAIL"
    print(
        f"\nPDF {pdf_s:.2f} s vs target ≤ {TARGET_S:.0f} s: {verdict}; "
        f"{pdf_s / bare_s:.1f}x the bare canvas, {pdf_s - md_s:.2f} s over the Markdown export"
    )
    record.write(
        "bench_export",
        [
            record.Row(
                f"PDF of a {clock(args.minutes * 60)} VSL ({args.segments} segments), median of {args.repeats}",
                f"{pdf_s:.2f} s",
                floor=f"bare reportlab canvas {bare_s:.3f} s; Markdown export {md_s:.3f} s",
                ratio=f"{pdf_s / bare_s:.1f}x the bare canvas",
                target=f"<= {TARGET_S:.0f} s",
                verdict=verdict,
            ),
            record.Row("DOCX of the same VSL", f"{docx_s:.2f} s", floor=f"Markdown export {md_s:.3f} s"),
        ],
        full_size=args.segments >= 900 and args.minutes >= 60,
        sizes=f"{args.segments} segments over {args.minutes:g} min, {args.repeats} repeats",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
