"""The interval of a ratio measured in a few interleaved rounds, and the verdict it allows.

Used by ``bench_pipeline.py`` (figure 4: the whole pipeline against faster-whisper direct, one ratio
per round; figure 1 before/after: the orchestration overhead in seconds, one per round, through
:func:`mean_interval`).  Each round runs the product and its floor back to back, the one that goes first
alternating, so a change of the machine's speed between rounds hits both sides of that round alike;
the round's ratio (product / floor) is the paired measurement.  This module turns the rounds' ratios
into a 95 % interval of their typical ratio and a verdict against a target.

The method: a Student t interval on the logarithms of the per-round ratios, given back as an
interval of their geometric mean.  Why this one:

- *Logarithms*: the noise of a shared virtual machine is multiplicative (a round whose CPU runs 20 %
  slower is 20 % slower however long it is), and a ratio's logarithm is symmetric where the ratio
  is not (1.25x and 0.8x are the same distance from 1).
- *t, not a bootstrap*: ``bench_transcription.py`` gives its word-error ratio a paired bootstrap
  (:func:`wer_stats.paired_ratio`), which is right there: ~12 scripts, and a sum of errors, whose
  distribution over scripts is anything but normal.  Here the units are rounds, 5 to 8 of them
  (each costs 1.5 minutes of a 7.6-minute VSL on each side), and at that size the bootstrap's
  percentile interval is too narrow and the bootstrap of a median degenerates.  Simulated (2,000
  runs of normal log ratios, sd 0.12, nominal 95 %): with 5 rounds the t interval covers the true
  ratio 94.8 % of the time, a percentile bootstrap of the mean log ratio 83 % (the bootstrap
  ignores that the spread itself is estimated from 5 values), and a bootstrap of the median ratio
  is exactly the rounds' lowest-highest range (93.8 %: its 2.5 % quantile is the lowest round,
  since 3 draws of 5 land on it 5.8 % of the time); with 7 rounds 94.4 %, 86.8 % and 86.6 %.
  With one slow round in five on average (an exponential extra delay), the t interval still
  covers 88-91 %, the mean-log bootstrap 77-78 %.
- *Not the lowest-highest range of the rounds*, which the verdict used before: it is not an
  interval estimate: it only widens as rounds are added (with 7 rounds it covers 98 % and is half
  again as wide as the t interval), so running longer made a verdict less likely, not more.

The verdict needs the whole interval on one side of the target (as ``wer_stats.verdict``), else
it is ``undecided``; a round's ratio far from the others widens the interval (its spread enters
the t interval) rather than deciding it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

#: The interval's level, everywhere this module is used.
LEVEL = 0.95


def _t_abs_cdf(t: float, df: int) -> float:
    """P(|T| <= t) for Student's t with ``df`` (a whole number) degrees of freedom, in closed form
    (Abramowitz & Stegun 26.7.3-4): no SciPy in the project for one quantile."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 0:  # sin(theta) * (1 + 1/2 c^2 + 1*3/(2*4) c^4 + ... up to c^(df-2))
        term = total = 1.0
        for k in range(2, df, 2):
            term *= c2 * (k - 1) / k
            total += term
        return math.sin(theta) * total
    if df == 1:
        return 2 * theta / math.pi
    # 2/pi * (theta + sin cos (1 + 2/3 c^2 + 2*4/(3*5) c^4 + ... up to c^(df-3)))
    term = total = 1.0
    for k in range(3, df - 1, 2):
        term *= c2 * (k - 1) / k
        total += term
    return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)


def t_quantile(level: float, df: int) -> float:
    """The ``t`` with P(|T| <= t) = ``level`` (e.g. 2.776 for 95 % and 4 degrees of freedom)."""
    if df < 1:
        raise ValueError(f"a t interval needs 1 degree of freedom or more, got {df}")
    if not 0 < level < 1:
        raise ValueError(f"level {level} is not between 0 and 1")
    low, high = 0.0, 1.0
    while _t_abs_cdf(high, df) < level:
        high *= 2
    for _ in range(100):  # bisection: the cdf is increasing; 100 halvings are exact to a double
        mid = (low + high) / 2
        if _t_abs_cdf(mid, df) < level:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@dataclass(frozen=True)
class RoundsInterval:
    """The rounds' ratios summarised: ``estimate`` (their geometric mean) and its ``level`` interval
    ``low``-``high``; the median and the lowest and highest round are kept for the printout."""

    estimate: float
    low: float
    high: float
    median: float
    lowest: float
    highest: float
    n: int
    level: float = LEVEL
    #: Seconds (:func:`mean_interval`: the arithmetic mean of a difference), not a ratio.
    seconds: bool = False

    def describe(self) -> str:
        """``1.01x [0.93-1.10] (95% t interval of the geometric mean of 7 rounds)``, or for seconds
        ``0.412 s [0.301-0.523] (95% t interval of the mean of 5 rounds)``."""
        if self.seconds:
            return (
                f"{self.estimate:.3f} s [{self.low:.3f}-{self.high:.3f}] "
                f"({100 * self.level:.0f}% t interval of the mean of {self.n} rounds)"
            )
        return (
            f"{self.estimate:.2f}x [{self.low:.2f}-{self.high:.2f}] "
            f"({100 * self.level:.0f}% t interval of the geometric mean of {self.n} rounds)"
        )


def rounds_interval(ratios: list[float], level: float = LEVEL) -> RoundsInterval:
    """The t interval of the per-round ratios' geometric mean (see the module's docstring).

    One round gives no spread, so its interval is unbounded (a verdict needs two rounds or more)."""
    values = [r for r in ratios if r == r]  # without NaN
    if not values:
        raise ValueError("no rounds")
    if any(r <= 0 or math.isinf(r) for r in values):
        raise ValueError(f"a ratio must be positive and finite: {values}")
    return _t_interval(values, [math.log(r) for r in values], math.exp, level, seconds=False)


def mean_interval(values: list[float], level: float = LEVEL) -> RoundsInterval:
    """The t interval of the rounds' arithmetic mean, for a figure in seconds that is a difference
    paired within each round (``bench_pipeline``'s figure 1: the product's run less its own raw
    work, measured back to back): the same t as :func:`rounds_interval`, on the values themselves,
    since a difference may be zero or negative (no logarithm) and its noise is the two sides'
    added, not a factor.  One round: unbounded, as there."""
    values = [v for v in values if v == v]  # without NaN
    if not values:
        raise ValueError("no rounds")
    if any(math.isinf(v) for v in values):
        raise ValueError(f"a round's value must be finite: {values}")
    return _t_interval(values, values, lambda x: x, level, seconds=True)


def _t_interval(
    values: list[float], scale: list[float], back: Callable[[float], float], level: float, *, seconds: bool
) -> RoundsInterval:
    """The t interval of ``scale``'s mean (the values, or their logarithms), given back through
    ``back`` (``exp`` for a geometric mean); one round: unbounded (``back`` of -inf and inf)."""
    mean = statistics.fmean(scale)
    n = len(scale)
    half = t_quantile(level, n - 1) * statistics.stdev(scale) / math.sqrt(n) if n >= 2 else math.inf
    return RoundsInterval(
        estimate=back(mean),
        low=back(mean - half),
        high=back(mean + half),
        median=statistics.median(values),
        lowest=min(values),
        highest=max(values),
        n=n,
        level=level,
        seconds=seconds,
    )


def verdict_at_most(interval: RoundsInterval, target: float) -> str:
    """``PASS`` when the whole interval is at or under ``target``, ``FAIL`` when it is wholly over,
    else ``undecided`` (one of ``record.VERDICTS``)."""
    if interval.high <= target:
        return "PASS"
    if interval.low > target:
        return "FAIL"
    return "undecided"
