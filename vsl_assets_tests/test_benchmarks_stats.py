"""The interval and verdict of a ratio measured in interleaved rounds (``benchmarks/ratio_stats.py``), and
that ``bench_pipeline``'s end-to-end figure is judged on it, not on the rounds' lowest-highest range.

Pure functions on given ratios: no pipeline runs here (the benchmark itself measures).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import ratio_stats  # noqa: E402

#: Rounds whose highest ratio is over 1.10 while the other six sit near 0.97: the lowest-highest
#: range (0.95-1.12) straddles the target, the 95% interval of the typical ratio does not.
ONE_HIGH_ROUND = [0.95, 0.96, 0.97, 0.98, 0.99, 1.00, 1.12]


@pytest.mark.parametrize(
    ("level", "df", "expected"),
    # Student's t table (two-sided)
    [(0.95, 1, 12.706), (0.95, 2, 4.303), (0.95, 4, 2.776), (0.95, 6, 2.447), (0.95, 9, 2.262), (0.90, 4, 2.132)],
)
def test_t_quantile_is_the_tables(level: float, df: int, expected: float) -> None:
    assert ratio_stats.t_quantile(level, df) == pytest.approx(expected, abs=5e-4)


def test_interval_of_known_ratios() -> None:
    """Log ratios -0.1, 0, 0.1: geometric mean 1, sd 0.1, t(2) = 4.303, half-width 4.303 * 0.1 / sqrt(3)."""
    ci = ratio_stats.rounds_interval([math.exp(-0.1), 1.0, math.exp(0.1)])
    half = 4.302653 * 0.1 / math.sqrt(3)
    assert ci.estimate == pytest.approx(1.0)
    assert (ci.low, ci.high) == (pytest.approx(math.exp(-half), rel=1e-5), pytest.approx(math.exp(half), rel=1e-5))
    assert (ci.median, ci.lowest, ci.highest, ci.n, ci.level) == (1.0, math.exp(-0.1), math.exp(0.1), 3, 0.95)
    assert ci.describe() == "1.00x [0.78-1.28] (95% t interval of the geometric mean of 3 rounds)"


def test_verdict_is_judged_on_the_interval_not_on_the_range_of_the_rounds() -> None:
    ci = ratio_stats.rounds_interval(ONE_HIGH_ROUND)
    assert (ci.lowest, ci.highest) == (0.95, 1.12)  # the range straddles 1.10 ...
    assert ci.high < 1.10  # ... the interval does not
    assert ratio_stats.verdict_at_most(ci, 1.10) == "PASS"


def test_verdicts_fail_and_undecided() -> None:
    assert ratio_stats.verdict_at_most(ratio_stats.rounds_interval([1.20, 1.25, 1.22, 1.30]), 1.10) == "FAIL"
    # the quiet run of 2026-12-07 18:27: typical ratio 1.01, but too spread to say
    spread = ratio_stats.rounds_interval([0.92, 0.99, 0.87, 1.05, 1.27])
    assert (round(spread.estimate, 2), round(spread.low, 2), round(spread.high, 2)) == (1.01, 0.84, 1.21)
    assert ratio_stats.verdict_at_most(spread, 1.10) == "undecided"
    # one round says nothing of the spread: no verdict however low it is
    one = ratio_stats.rounds_interval([0.5])
    assert (one.low, one.high) == (0.0, math.inf)
    assert ratio_stats.verdict_at_most(one, 1.10) == "undecided"


def test_more_alike_rounds_narrow_the_interval() -> None:
    """The range of the rounds only widens with more rounds; the interval narrows when they agree."""
    few = ratio_stats.rounds_interval([1.0, 1.08, 0.94])
    many = ratio_stats.rounds_interval([1.0, 1.08, 0.94] * 3)
    assert many.high - many.low < few.high - few.low
    assert (many.lowest, many.highest) == (few.lowest, few.highest)


def test_rounds_interval_refuses_what_is_not_a_ratio() -> None:
    with pytest.raises(ValueError, match="no rounds"):
        ratio_stats.rounds_interval([float("nan")])
    with pytest.raises(ValueError, match="positive"):
        ratio_stats.rounds_interval([1.0, 0.0])


def test_mean_interval_of_seconds_that_may_be_negative() -> None:
    """Overheads -0.1, 0, 0.1 s: mean 0, sd 0.1, t(2) = 4.303 (a log interval could not take them)."""
    ci = ratio_stats.mean_interval([-0.1, 0.0, 0.1])
    half = 4.302653 * 0.1 / math.sqrt(3)
    assert ci.estimate == pytest.approx(0.0, abs=1e-12)
    assert (ci.low, ci.high) == (pytest.approx(-half, rel=1e-5), pytest.approx(half, rel=1e-5))
    assert ci.describe() == "0.000 s [-0.248-0.248] (95% t interval of the mean of 3 rounds)"
    one = ratio_stats.mean_interval([0.2])
    assert (one.low, one.high) == (-math.inf, math.inf) and ratio_stats.verdict_at_most(one, 1.0) == "undecided"


def test_bench_pipeline_overhead_before_after_is_judged_on_the_interval(capsys: pytest.CaptureFixture[str]) -> None:
    """Figure 1 before/after (``--only overhead --baseline-ref``): six rounds near 0.5 s and one at
    1.1 s straddle the 1.0 s target by their lowest-highest range, which judged it "undecided";
    the 95% interval of their mean is wholly under it: PASS.  A side wholly over it: FAIL."""
    import bench_pipeline

    def side(overheads: list[float]) -> list[dict[str, object]]:
        return [{"full": [2.0 + x], "raw": [2.0], "steps": [{"video_file": 1.0}], "floor": [0.3]} for x in overheads]

    rows = bench_pipeline._print_overhead_comparison(
        {
            "before (main 1111111)": side([1.4, 1.5, 1.45, 1.6]),
            "after (2222222)": side([0.45, 0.5, 0.55, 0.5, 0.48, 0.52, 1.1]),
        },
        3,
    )
    printed = capsys.readouterr().out
    before, after = (r for r in rows if r.what.startswith("1. orchestration"))
    assert (before.verdict, after.verdict) == ("FAIL", "PASS")
    assert after.ratio is not None and after.ratio.startswith(
        "0.586 s [0.374-0.797] (95% t interval of the mean of 7 rounds)"
    )
    assert "rounds min-max 0.450-1.100 s, shown, not judged" in after.ratio
    assert "target <= 1.0 s: PASS (0.586 s [0.374-0.797]" in printed


def test_bench_pipeline_end_to_end_verdict_comes_from_the_interval(capsys: pytest.CaptureFixture[str]) -> None:
    """Figure 4's row and printout: PASS from the interval although one round is over 1.10; every
    round's ratio, the median and the min-max are still printed."""
    import bench_pipeline

    direct = [40.0] * len(ONE_HIGH_ROUND)
    e = {
        "minutes": 7.6,
        "pipeline": [r * d for r, d in zip(ONE_HIGH_ROUND, direct, strict=True)],
        "direct": direct,
        "steps": [{"video_file": 1.0, "audio_and_transcript": 38.0}] * len(direct),
        "words": [(1190, 1190)] * len(direct),
    }
    row = bench_pipeline.print_e2e(e)
    printed = capsys.readouterr().out
    assert row.verdict == "PASS"
    assert row.what == "4. a 7.6-minute VSL end to end (tiny.en), 7 interleaved rounds"
    assert row.ratio is not None and row.ratio.startswith("0.99x [0.94-1.05] (95% t interval")
    assert row.ratio.endswith("median 0.98x, rounds 0.95-1.12")
    assert "ratio per round 0.95, 0.96, 0.97, 0.98, 0.99, 1.00, 1.12; median 0.98x" in printed
    assert "95% interval 0.94-1.05 (t on the log ratios); rounds min-max 0.95-1.12; target <= 1.1x: PASS" in printed


def test_bench_pipeline_before_after_rows_are_judged_the_same_way(capsys: pytest.CaptureFixture[str]) -> None:
    """``--baseline-ref``'s rows (one per side) come from the same interval: FAIL when it is wholly over 1.10."""
    import bench_pipeline

    direct = [40.0, 41.0, 39.0, 40.0]

    def side(ratios: list[float]) -> list[dict[str, object]]:
        return [
            {
                "pipeline": [d * r for d, r in zip(direct, ratios, strict=True)],
                "direct": direct,
                "steps": [{"audio_and_transcript": 38.0}] * len(direct),
                "pipeline_cpu": [(30.0, 7.0)] * len(direct),
                "direct_cpu": [29.0] * len(direct),
            }
        ]

    slow, spread = bench_pipeline._print_e2e_comparison(
        {"before (main 1111111)": side([1.2, 1.25, 1.22, 1.3]), "after (2222222)": side([0.92, 1.00, 0.87, 1.27])},
        7.6,
    )
    printed = capsys.readouterr().out
    assert slow.what == "4. a 7.6-minute VSL end to end (tiny.en), before (main 1111111), 4 interleaved rounds"
    assert slow.verdict == "FAIL"
    assert slow.ratio is not None and slow.ratio.startswith("1.24x [1.18-1.31] (95% t interval")
    assert (slow.product, slow.floor) == ("49.62 s", "faster-whisper direct 40.00 s")
    assert spread.verdict == "undecided"
    assert "ratio per round 0.92, 1.00, 0.87, 1.27; median 0.96x" in printed
    assert "rounds min-max 0.87-1.27; target <= 1.1x: undecided" in printed


def test_bench_pipeline_reports_the_complete_rounds_of_a_run_that_failed() -> None:
    """A run that fails in its third round (the pipeline measured, not yet direct) reports two rounds."""
    import bench_pipeline

    partial = {
        "minutes": 7.6,
        "pipeline": [40.0, 41.0, 39.0],
        "direct": [40.0, 40.0],
        "steps": [{}, {}, {}],
        "words": [(1176, 1176), (1176, 1176)],
        "pipeline_cpu": [(30.0, 7.0)] * 3,
        "direct_cpu": [29.0, 29.0],
    }
    done = bench_pipeline.complete_rounds(partial)
    assert done is not None
    assert (done["pipeline"], done["direct"], done["minutes"], len(done["pipeline_cpu"])) == (
        [40.0, 41.0],
        [40.0, 40.0],
        7.6,
        2,
    )
    assert bench_pipeline.complete_rounds({"pipeline": [40.0], "direct": [], "words": []}) is None
    args = bench_pipeline.argparse.Namespace(e2e_minutes=7.6, e2e_rounds=7, rounds=1)
    assert bench_pipeline.e2e_size(args, 2) == (
        False,
        "7.6-minute VSL, 7 round(s) x 1 alternation(s), of which 2 complete (the run failed)",
    )
    assert bench_pipeline.e2e_size(args, 7) == (True, "7.6-minute VSL, 7 round(s) x 1 alternation(s)")
