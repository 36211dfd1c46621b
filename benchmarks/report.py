"""Rewrite the generated figures of ``docs/benchmarks.md`` from ``benchmarks/results/*.json``.

    python benchmarks/report.py            # rewrite the generated sections in place
    python benchmarks/report.py --check    # exit 1 when they differ from what the results give

The workflow: run a benchmark on a quiet machine (it writes ``benchmarks/results/<name>.json``
through ``record.py``), run this script, commit the result file and the docs together.  Only the
text between the ``BEGIN GENERATED`` and ``END GENERATED`` comments is rewritten; the explanations
around it are written by hand.  ``vsl_assets_tests/test_benchmarks_report.py`` fails when the
committed docs differ from what this script makes of the committed results, so a figure edited by
hand, or a result committed without regenerating, is caught by CI.

Why tables are generated and never typed: figures copied by hand from printed output drifted from
what the benchmark printed.  Here every figure is the benchmark's own string; a benchmark that has no
result is listed as not measured, never with a figure from elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record

DOCS = record.REPO / "docs" / "benchmarks.md"

#: The benchmarks whose figures the docs quote, in the order shown, with the command that produces
#: each at the issue's size (the lead's quiet-machine run).  A result not listed here is shown after these.
EXPECTED: dict[str, tuple[str, str]] = {
    "bench_pipeline-overhead": (
        "orchestration per URL and a run's start (before/after)",
        "python benchmarks/bench_pipeline.py --only overhead --urls 3 --baseline-ref main --rounds 2",
    ),
    "bench_pipeline-e2e": (
        "a 7.6-minute VSL end to end vs faster-whisper direct",
        "python benchmarks/bench_pipeline.py --only e2e",
    ),
    "bench_search": (
        "search at 1,000,800 segments vs raw FTS5 and tantivy",
        "python benchmarks/bench_search.py --n 1112",
    ),
    "bench_web": (
        "the web tier at 10,000 VSLs, SQLite and PostgreSQL",
        "python benchmarks/bench_web.py --n 10000 --seconds 4 --concurrency 1,8 --backends sqlite,postgres",
    ),
    "bench_web-search": (
        "the search page under load",
        "python benchmarks/bench_web.py --n 2000 --search 20 --only search --concurrency 1,8 --backends sqlite",
    ),
    "bench_pages-sqlite": ("every page at 10,000 VSLs, SQLite", "python benchmarks/bench_pages.py --requests 30"),
    "bench_pages-postgres": (
        "every page at 10,000 VSLs, PostgreSQL",
        "python benchmarks/bench_pages.py --pg --requests 30",
    ),
    "bench_breakdown-all-local": (
        "breakdown scores on the labelled set, and speed",
        "python benchmarks/bench_breakdown.py --split all",
    ),
    "bench_breakdown-real-local": (
        "breakdown on the real copy, per field",
        "python benchmarks/bench_breakdown.py --split real",
    ),
    "bench_transcription": (
        "word errors vs faster-whisper direct, both ffmpeg builds",
        "python benchmarks/bench_transcription.py",
    ),
    "bench_export": ("a 60-minute VSL as a PDF", "python benchmarks/bench_export.py"),
}
#: Titles of the other results a benchmark may record (a development mode of one above, for instance).
TITLES = {
    "bench_transcription-quick": "word errors vs faster-whisper direct, --quick (tiny.en, 4.7 min)",
    "bench_pipeline-overhead-sensor-add": "orchestration, sensor tick and vsl add (no baseline revision)",
}
#: The day results began to be recorded: before it, figures were copied by hand.
RECORDING_SINCE = "2026-12-07"
SECTIONS = ("latest-figures", "recorded-results")
#: A result with more rows than this is folded (``<details>``), so the page stays readable.
FOLD_ROWS = 30


def begin(section: str) -> str:
    return f"<!-- BEGIN GENERATED {section}: benchmarks/report.py writes this from benchmarks/results/; do not edit -->"


def end(section: str) -> str:
    return f"<!-- END GENERATED {section} -->"


def load_results(folder: Path = record.RESULTS) -> dict[str, record.Result]:
    """Every result file in ``folder`` by name; a file that does not parse is an error, not skipped."""
    results = {}
    for path in sorted(folder.glob("*.json")):
        try:
            result = record.Result.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError) as exc:
            raise SystemExit(f"{path}: not a benchmark result ({exc})") from exc
        if result.name != path.stem:
            raise SystemExit(f"{path}: records {result.name!r}, not {path.stem!r}")
        results[result.name] = result
    return results


def cell(text: str | None) -> str:
    """A table cell: pipes escaped, nothing shown as an empty cell rather than "None"."""
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def verdict_cell(verdict: str | None) -> str:
    """PASS / FAIL in bold; "pass~" / "fail~" (the point estimate's side, the interval cannot tell) and
    "undecided" as printed; informational rows show nothing."""
    if verdict is None:
        return ""
    return f"**{verdict}**" if verdict in ("PASS", "FAIL") else verdict


def load_text(load: list[float]) -> str:
    return f"{load[0]:.1f}" if load and load[0] == load[0] else "?"


def machine_text(r: record.Result) -> str:
    m = r.machine
    busy = max(r.load_before[:1] + r.load_after[:1] or [0.0]) > (m.get("cores") or 1)
    return (
        f"{m.get('cores', '?')} cores ({m.get('cpu', '?')})"
        + (f", {r.backend}" if r.backend else "")
        + f"; load {load_text(r.load_before)} → {load_text(r.load_after)}"
        + (" (busy)" if busy else "")
    )


def commit_text(r: record.Result) -> str:
    """The measured commit and, for a before/after run, the revision it was compared with."""
    text = f"`{r.commit}`" + (" + uncommitted changes" if r.dirty else "")
    return text + (f" vs before `{r.before_commit}`" if r.before_commit else "")


def size_text(r: record.Result) -> str:
    size = r.sizes or "as in the command"
    return size if r.full_size else f"**smaller than the issue's** ({size}): to be rerun"


def tally(rows: Iterable[record.Row]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        if row.verdict is not None:
            counts[row.verdict] = counts.get(row.verdict, 0) + 1
    order = [v for v in record.VERDICTS if v in counts]
    return ", ".join(f"{counts[v]} {verdict_cell(v)}" for v in order) or "not judged (figures only)"


def anchor(name: str) -> str:
    return name.lower()  # GitHub keeps "_" and "-" in a heading's anchor


def latest_figures(results: dict[str, record.Result]) -> list[str]:
    """One line per benchmark: when, where and at what load it last ran, and its verdicts."""
    lines = [
        "| benchmark | command | date (UTC), commit | machine, load average before → after | sizes | verdicts |",
        "|---|---|---|---|---|---|",
    ]
    for name in [*EXPECTED, *sorted(set(results) - set(EXPECTED))]:
        r = results.get(name)
        title = EXPECTED[name][0] if name in EXPECTED else TITLES.get(name, name)
        if r is None:
            lines.append(
                f"| {cell(title)} | `{cell(EXPECTED[name][1])}` | not measured since {RECORDING_SINCE} | | | |"
            )
            continue
        commit = commit_text(r)
        lines.append(
            f"| [{cell(title)}](#{anchor(name)}) | `{cell(r.command)}` | {r.date_utc}, {commit} | {cell(machine_text(r))} | "
            f"{cell(size_text(r))} | {tally(r.rows)} |"
        )
    return lines


def recorded_results(results: dict[str, record.Result]) -> list[str]:
    """Each result's rows: the product's figure beside the floor and the peer from the same run."""
    lines: list[str] = []
    for name in [*[n for n in EXPECTED if n in results], *sorted(set(results) - set(EXPECTED))]:
        r = results[name]
        commit = commit_text(r)
        lines += [
            "",
            f"### {name}",
            "",
            f"`{r.command}` — {r.date_utc} UTC, commit {commit}; {machine_text(r)}; {size_text(r)}.",
            "",
        ]
        folded = len(r.rows) > FOLD_ROWS
        if folded:
            lines += [f"<details><summary>{len(r.rows)} rows: {tally(r.rows)}</summary>", ""]
        with_before = any(row.before for row in r.rows)
        head = ["what", "product", "floor (same run)", "peer (same run)", "ratio [interval]", "target", "verdict"]
        head += ["before (same run)"] if with_before else []
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in r.rows:
            cells = [row.what, row.product, row.floor, row.peer, row.ratio, row.target]
            text = [cell(c) for c in cells] + [verdict_cell(row.verdict)]
            text += [cell(row.before)] if with_before else []
            lines.append("| " + " | ".join(text) + " |")
        if folded:
            lines += ["", "</details>"]
        for note in r.notes:
            lines += ["", cell(note)]
    return lines[1:] if lines else [f"No recorded results since {RECORDING_SINCE}."]


def render(docs: str, results: dict[str, record.Result]) -> str:
    """``docs`` with each generated section replaced by what ``results`` give."""
    bodies = {"latest-figures": latest_figures(results), "recorded-results": recorded_results(results)}
    for section in SECTIONS:
        start, stop = begin(section), end(section)
        if docs.count(start) != 1 or docs.count(stop) != 1 or docs.index(start) > docs.index(stop):
            raise ValueError(f"docs: the {section} section must appear once, marked by:\n{start}\n{stop}")
        head, rest = docs.split(start, 1)
        _, tail = rest.split(stop, 1)
        docs = head + start + "\n" + "\n".join(bodies[section]) + "\n" + stop + tail
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the docs differ from the results")
    parser.add_argument("--docs", type=Path, default=DOCS)
    parser.add_argument("--results", type=Path, default=record.RESULTS)
    args = parser.parse_args(argv)
    current = args.docs.read_text(encoding="utf-8")
    wanted = render(current, load_results(args.results))
    if args.check:
        if wanted != current:
            print(f"{args.docs} differs from {args.results}: run python benchmarks/report.py", file=sys.stderr)
            return 1
        return 0
    if wanted != current:
        args.docs.write_text(wanted, encoding="utf-8")
        print(f"rewrote the generated sections of {args.docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
