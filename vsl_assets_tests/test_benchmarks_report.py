"""The benchmark figures in docs/benchmarks.md are what the benchmarks recorded, never typed by hand.

``benchmarks/record.py`` writes each run's figures as JSON; ``benchmarks/report.py`` turns the committed
results into the docs' generated tables.  These tests check the generator on fixture results (figures
side by side, verdicts and targets as recorded, missing benchmarks shown as not measured, small runs and
busy machines labelled), the record's round trip, and that the committed docs are what the committed
results give -- so a hand edit or a forgotten regeneration fails.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import record  # noqa: E402
import report  # noqa: E402

DOCS_TEMPLATE = f"""# Benchmarks

Hand-written words before.

{report.begin("latest-figures")}
stale text
{report.end("latest-figures")}

Why throughput at 8 connections is unreliable (hand-written, kept).

{report.begin("recorded-results")}
{report.end("recorded-results")}

Hand-written words after.
"""


def _result(name: str, rows: list[record.Row], **extra: object) -> record.Result:
    fields: dict[str, object] = {
        "name": name,
        "command": f"python benchmarks/{name.split('-')[0]}.py --n 10",
        "commit": "abc1234",
        "dirty": False,
        "date_utc": "2026-12-07 05:00",
        "machine": {"cores": 2, "cpu": "Test CPU", "system": "Linux", "python": "3.11"},
        "load_before": [0.4, 0.5, 0.6],
        "load_after": [0.7, 0.5, 0.6],
        "rows": rows,
        "backend": "sqlite",
        "sizes": "1,000,800 segments",
    }
    fields.update(extra)
    return record.Result(**fields)  # type: ignore[arg-type]


SEARCH = _result(
    "bench_search",
    [
        record.Row(
            "product p95 over raw FTS5 p95",
            "31.2 ms",
            floor="raw FTS5 20.4 ms",
            peer="tantivy 1.1 ms",
            ratio="1.53x [1.41-1.66]",
            target="<= 1.5x",
            verdict="undecided",
        ),
        record.Row("index build", "45,000/s", floor="raw FTS5 68,000/s", target=">= 30,000 segments/s", verdict="PASS"),
        record.Row("throughput | 8 clients", "9.0 req/s", before="8.1 req/s"),
    ],
)
EXPORT = _result(
    "bench_export",
    [record.Row("PDF", "6.20 s", floor="bare canvas 1.1 s", target="<= 5 s", verdict="FAIL")],
    full_size=False,
    sizes="90 segments",
    load_before=[7.5, 6.0, 5.0],
    dirty=True,
)


def _write(folder: Path, *results: record.Result) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        (folder / f"{r.name}.json").write_text(r.to_json(), encoding="utf-8")
    return folder


def test_the_generator_puts_product_floor_and_peer_side_by_side_with_the_verdict(tmp_path: Path) -> None:
    results = report.load_results(_write(tmp_path / "results", SEARCH, EXPORT))
    docs = report.render(DOCS_TEMPLATE, results)

    lines = docs.splitlines()
    row = next(line for line in lines if line.startswith("| product p95 over raw FTS5 p95"))
    assert row == (
        "| product p95 over raw FTS5 p95 | 31.2 ms | raw FTS5 20.4 ms | tantivy 1.1 ms | 1.53x [1.41-1.66] "
        "| <= 1.5x | undecided |  |"
    )
    assert "| index build | 45,000/s | raw FTS5 68,000/s |  |  | >= 30,000 segments/s | **PASS** |  |" in lines
    # a pipe inside a figure cannot split the table; the before column appears only where a row has one
    assert "| throughput \\| 8 clients | 9.0 req/s |  |  |  |  |  | 8.1 req/s |" in lines
    assert "| PDF | 6.20 s | bare canvas 1.1 s |  |  | <= 5 s | **FAIL** |" in lines
    # the run's facts: command, date, commit, machine, load
    assert "`python benchmarks/bench_search.py --n 10` — 2026-12-07 05:00 UTC, commit `abc1234`" in docs
    assert "2 cores (Test CPU), sqlite; load 0.4 → 0.7" in docs


def test_the_latest_figures_table_says_when_where_and_what_was_not_measured(tmp_path: Path) -> None:
    results = report.load_results(_write(tmp_path / "results", SEARCH, EXPORT))
    docs = report.render(DOCS_TEMPLATE, results)
    latest = docs.split(report.begin("latest-figures"))[1].split(report.end("latest-figures"))[0]
    rows = {line.split(" | ")[0]: line for line in latest.splitlines() if line.startswith("| ")}

    search = next(line for key, line in rows.items() if "#bench_search" in key)
    assert "`abc1234`" in search and "2026-12-07 05:00" in search
    assert "1 **PASS**, 1 undecided" in search
    export = next(line for key, line in rows.items() if "#bench_export" in key)
    assert "**smaller than the issue's** (90 segments): to be rerun" in export
    assert "(busy)" in export and "uncommitted changes" in export
    assert "1 **FAIL**" in export
    # every other expected benchmark is listed without a figure, with the command that would measure it
    missing = [line for line in rows.values() if "not measured since" in line]
    assert len(missing) == len(report.EXPECTED) - 2
    e2e = next(line for line in missing if "--only e2e" in line)
    assert f"not measured since {report.RECORDING_SINCE} | | | |" in e2e
    # the hand-written words around the sections stay, the stale generated text goes
    assert "Hand-written words before." in docs and "Hand-written words after." in docs
    assert "Why throughput at 8 connections is unreliable (hand-written, kept)." in docs
    assert "stale text" not in docs
    # rendering is stable: a second run changes nothing
    assert report.render(docs, results) == docs


def test_an_informational_result_is_not_given_a_verdict(tmp_path: Path) -> None:
    web = _result("bench_web", [record.Row("GET /, concurrency 1", "p95 5.8 ms", floor="/healthz p95 2.4 ms")])
    docs = report.render(DOCS_TEMPLATE, report.load_results(_write(tmp_path / "r", web)))
    assert "not judged (figures only)" in docs
    assert "| GET /, concurrency 1 | p95 5.8 ms | /healthz p95 2.4 ms |  |  |  |  |" in docs


def test_a_long_result_is_folded_but_complete(tmp_path: Path) -> None:
    rows = [record.Row(f"field {i}", f"{i}/40") for i in range(report.FOLD_ROWS + 1)]
    docs = report.render(DOCS_TEMPLATE, report.load_results(_write(tmp_path / "r", _result("bench_breakdown", rows))))
    assert f"<details><summary>{report.FOLD_ROWS + 1} rows: not judged (figures only)</summary>" in docs
    assert all(f"| field {i} | {i}/40 |" in docs for i in range(report.FOLD_ROWS + 1))
    assert docs.index("</details>") > docs.index(f"| field {report.FOLD_ROWS} |")


def test_verdicts_are_the_benchmarks_words_and_need_a_target() -> None:
    assert report.verdict_cell("PASS") == "**PASS**"
    assert report.verdict_cell("FAIL") == "**FAIL**"
    assert report.verdict_cell("pass~") == "pass~"
    assert report.verdict_cell(None) == ""
    with pytest.raises(ValueError, match="none of"):
        record.Row("x", "1 s", target="<= 1 s", verdict="OK")
    with pytest.raises(ValueError, match="needs the target"):
        record.Row("x", "1 s", verdict="PASS")


def test_a_result_that_is_not_one_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "results", SEARCH)
    (folder / "bench_search.json").rename(folder / "bench_other.json")
    with pytest.raises(SystemExit, match="records 'bench_search', not 'bench_other'"):
        report.load_results(folder)
    data = json.loads(SEARCH.to_json())
    data["format"] = 99
    (folder / "bench_other.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SystemExit, match="format 99"):
        report.load_results(folder)


def test_docs_without_the_markers_are_refused() -> None:
    with pytest.raises(ValueError, match="latest-figures section must appear once"):
        report.render("# Benchmarks\n\nno markers\n", {})


def test_record_writes_what_a_run_was(tmp_path: Path) -> None:
    path = record.write(
        "bench_fixture",
        [record.Row("figure", "1.00 s", floor="0.50 s", ratio="2.00x", target="<= 3x", verdict="PASS")],
        backend="sqlite",
        full_size=False,
        sizes="tiny",
        directory=tmp_path,
        argv=[str(REPO / "benchmarks" / "bench_fixture.py"), "--n", "3", "--name", "a b"],
    )
    assert path == tmp_path / "bench_fixture.json"
    back = record.Result.from_json(path.read_text(encoding="utf-8"))
    assert back.command == "python benchmarks/bench_fixture.py --n 3 --name 'a b'"
    assert back.rows == [record.Row("figure", "1.00 s", floor="0.50 s", ratio="2.00x", target="<= 3x", verdict="PASS")]
    assert len(back.commit) >= 7 and back.commit != "unknown"
    assert back.machine["cores"] >= 1 and back.machine["cpu"]
    assert len(back.load_before) == 3 and len(back.load_after) == 3
    assert back.full_size is False and back.sizes == "tiny" and back.backend == "sqlite"
    assert back.date_utc[:4].isdigit()
    with pytest.raises(ValueError, match="nothing to record"):
        record.write("bench_fixture", [], directory=tmp_path)


def test_record_names_the_revision_a_before_after_run_compared_with(tmp_path: Path) -> None:
    """``--before CHECKOUT`` is stored as that checkout's commit (``+changes`` when it had uncommitted
    ones), ``--baseline-ref REF`` as the commit REF names: a path or a branch says nothing later."""
    before = tmp_path / "before"
    before.mkdir()

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(before), *args], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    git("init", "-q")
    (before / "code.py").write_text("x = 1\n", encoding="utf-8")
    git("add", "code.py")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "before")
    head = git("rev-parse", "--short", "HEAD")
    row = [record.Row("figure", "1.00 s")]

    def recorded(*argv: str) -> str | None:
        path = record.write("bench_fixture", row, directory=tmp_path, argv=["benchmarks/bench_fixture.py", *argv])
        return record.Result.from_json(path.read_text(encoding="utf-8")).before_commit

    assert recorded("--n", "3", "--before", str(before)) == head
    assert recorded(f"--before={before}") == head
    (before / "code.py").write_text("x = 2\n", encoding="utf-8")
    (before / "untracked.py").write_text("", encoding="utf-8")
    assert recorded("--before", str(before)) == f"{head}+changes"
    assert recorded("--before", str(tmp_path / "not-a-checkout")) == "unknown"
    assert recorded("--baseline-ref", "HEAD") == record.commit()[0]
    assert recorded("--n", "3") is None
    # the report says it next to the commit measured, in the summary and above the result's table
    shown = _result("bench_web", row, before_commit=f"{head}+changes", dirty=True)
    docs = report.render(DOCS_TEMPLATE, report.load_results(_write(tmp_path / "results", shown)))
    assert f"`abc1234` + uncommitted changes vs before `{head}+changes`" in docs.split("### bench_web")[0]
    assert f"commit `abc1234` + uncommitted changes vs before `{head}+changes`;" in docs.split("### bench_web")[1]
    assert " vs before " not in report.render(DOCS_TEMPLATE, {"bench_search": SEARCH})  # none compared


def test_bench_pipeline_records_its_table_as_printed() -> None:
    """print_report's rows: a ratio in the verdict column (1c) is a ratio, "n/a" is no verdict."""
    import bench_pipeline

    rows = bench_pipeline.record_rows(
        [
            ("1. per-URL orchestration overhead (K=3)", "0.812 s", "raw work 3.610 s", "<= 1.0 s", "PASS"),
            ("1c. extract_audio", "0.400 s", "plain ffmpeg 0.380 s", "~1.0x", "1.05x"),
            ("2. sensor tick", "n/a s", "naive ~9 s*", "<= 5 s", "n/a"),
        ]
    )
    assert rows[0] == record.Row(
        "1. per-URL orchestration overhead (K=3)",
        "0.812 s",
        floor="raw work 3.610 s",
        target="<= 1.0 s",
        verdict="PASS",
    )
    assert (rows[1].ratio, rows[1].verdict, rows[1].floor) == ("1.05x", None, "plain ffmpeg 0.380 s")
    assert (rows[2].ratio, rows[2].verdict) == (None, None)
    assert bench_pipeline.record_verdict("undecided") == "undecided"
    assert bench_pipeline.record_verdict("n/a") is None


def test_bench_pipeline_records_each_side_of_a_before_after_run(capsys: pytest.CaptureFixture[str]) -> None:
    """``--baseline-ref``'s comparison: one row per side, judged as the printed line is, on the 95% t
    interval of the rounds' mean (``ratio_stats.mean_interval``), not on their lowest-highest."""
    import bench_pipeline

    def side(overheads: list[float], floor: float, start: float) -> list[dict[str, object]]:
        return [
            {
                "full": [4.0 + o],
                "raw": [4.0],
                "full_cpu": [2.0 + o],
                "raw_cpu": [2.0],
                "steps": [{"transcript": 3.0}],
                "trivial": [0.2],
                "floor": [floor],
                "nochecks": [4.1],
                "run_events": 73,
                "worker": {"imports_s": 1.0 + start},
                "bare": {"imports_s": 1.0},
            }
            for o in overheads
        ]

    rows = bench_pipeline._print_overhead_comparison(
        {
            "before (main 1111111)": side([1.5, 1.25, 1.4, 1.35], 0.5, 2.0),
            "after (2222222)": side([0.5, 0.75, 0.6, 0.65], 0.25, 1.0),
        },
        3,
    )
    printed = capsys.readouterr().out
    assert "target <= 1.0 s: PASS (0.625 s [0.459-0.791] (95% t interval of the mean of 4 rounds)" in printed
    before, before_start, after, after_start = rows
    assert after.what == "1. orchestration per URL over the raw work, after (2222222), 4 rounds of 3 URLs"
    assert (after.product, after.verdict, after.target) == ("0.625 s [rounds 0.500-0.750]", "PASS", "<= 1.0 s")
    assert after.ratio is not None and after.ratio.endswith("rounds min-max 0.500-0.750 s, shown, not judged")
    assert after.floor == "bare Dagster job of the same shape 0.250-0.250 s"
    assert (before.product, before.verdict) == ("1.375 s [rounds 1.250-1.500]", "FAIL")
    assert (after_start.product, after_start.verdict) == ("1.00 s / 1.00 s / 1.00 s / 1.00 s", "PASS")
    assert (before_start.product, before_start.verdict) == ("2.00 s / 2.00 s / 2.00 s / 2.00 s", "FAIL")
    # Two rounds say little of the spread: 0.5 and 0.75 s, both under 1.0 s, decide nothing.
    two = bench_pipeline._print_overhead_comparison(
        {"before": side([1.5, 1.25], 0.5, 2.0), "after": side([0.5, 0.75], 0.25, 1.0)}, 3
    )
    assert two[2].verdict == "undecided" and "target <= 1.0 s: undecided" in capsys.readouterr().out


@pytest.mark.slow
def test_bench_search_records_the_intervals_it_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record quotes the bootstrap interval ``ratio_interval`` printed, not a second draw."""
    import bench_search

    monkeypatch.setenv("VSL_BENCH_RESULTS", str(tmp_path))
    monkeypatch.setattr(bench_search, "INTERVALS", [])
    rng = random.Random(3)
    mixed = {
        "product": [0.010 + 0.001 * (i % 7) for i in range(60)],
        "raw FTS5": [0.008 + 0.001 * (i % 5) for i in range(60)],
    }
    printed = bench_search.ratio_interval(mixed["product"], mixed["raw FTS5"], 95, rng)
    absolute = bench_search.ratio_interval(mixed["product"], [0.025] * 60, 95, rng)
    args = Namespace(n=2, segments=30, rounds=1)
    builds = {"product": 2.0, "raw FTS5": 1.0, "tantivy": 0.0, "product-tantivy": 3.0}
    rates = {("before", 1): 5.0, ("product", 1): 7.0}
    bench_search.record_search(args, 60_000, builds, 1.5, mixed, rates, tantivy_bulk_s=1.0)

    result = record.Result.from_json((tmp_path / "bench_search.json").read_text(encoding="utf-8"))
    by_what = {row.what: row for row in result.rows}
    ratio = by_what["product p95 over raw FTS5 p95"]
    assert ratio.ratio == f"{printed[0]:.2f}x [{printed[1]:.2f}-{printed[2]:.2f}]"
    assert ratio.verdict == bench_search.verdict(printed[1], printed[2], 1.5).split(" ")[0].replace(
        "UNDECIDED", "undecided"
    )
    p95 = by_what["product: mixed queries p95"]
    assert p95.product.endswith(f"[{absolute[1] * 25:.1f}-{absolute[2] * 25:.1f}]")
    build = by_what["index build, one transaction per VSL, segments/s"]
    assert (build.product, build.floor, build.verdict) == ("30,000/s", "raw FTS5 60,000/s", "PASS")
    # the default backend's builds are judged too: one commit per VSL is what the pipeline gets
    per_vsl = by_what["product-tantivy index build, one commit per VSL, segments/s"]
    assert (per_vsl.product, per_vsl.verdict) == ("20,000/s", "FAIL")
    assert by_what["product-tantivy bulk build (vsl reindex), segments/s"].verdict == "PASS"
    assert by_what["product: throughput, 1 client(s), mixed queries"].before == "5.0 req/s"
    assert result.full_size is False


def test_a_benchmark_run_by_a_test_records_outside_the_repository(tmp_path: Path) -> None:
    """The suite points $VSL_BENCH_RESULTS elsewhere (conftest), so the committed results stay as they are."""
    before = sorted((p.name, p.stat().st_mtime_ns) for p in record.RESULTS.glob("*.json"))
    path = record.write("bench_export", [record.Row("PDF", "0.50 s", target="<= 5 s", verdict="PASS")])
    assert record.RESULTS not in path.parents
    assert sorted((p.name, p.stat().st_mtime_ns) for p in record.RESULTS.glob("*.json")) == before
    path.unlink()


def test_the_committed_docs_are_what_the_committed_results_give() -> None:
    """A figure typed into the generated tables, or a result committed without regenerating, fails here."""
    docs = report.DOCS.read_text(encoding="utf-8")
    assert docs == report.render(docs, report.load_results()), "run: python benchmarks/report.py"
