"""Insights: what the analysed VSLs of a niche (or a board) have in common, counted for charts.

Price points, the pitch second against the VSL's length, guarantee lengths, the lead and
awareness mix and the typical order of the beats, each count tied to the library filter that
lists the VSLs behind it (``link``), so a chart is a way into the swipe file, not a dead end.

Only sure fields are counted (``VSL_BREAKDOWN_MIN_CONFIDENCE``, as the library reads them): a value
the engine was not sure of, or none at all, is counted as ``unknown`` for that chart, never
guessed.  The scope is any library filter set (``LibraryFilters``: in practice a niche or a board),
read through ``library.filtered``, the library's one definition of each filter, so a chart's count
is what its link lists.

The aggregates are cached for ``INSIGHTS_TTL_S`` per database, scope and threshold: they move when
a VSL is analysed, and recomputing them on every view cost more than the page (see
``benchmarks/bench_pages.py``).
"""

from __future__ import annotations

import functools
import time
from collections import Counter, defaultdict
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.db.models import BeatRow, BreakdownRow, Source, TranscriptRow, Url, Video, sure_value
from vsl_assets.services import library
from vsl_assets.services.library import LibraryFilters

#: The code fields counted as a mix of their values (``breakdown.columns``: lead type, awareness),
#: each into its ``Insights`` attribute (``counted``) and ``<counted>_unknown``.
MIXES: tuple[breakdown_columns.BreakdownField, ...] = breakdown_columns.counted()

#: Price buckets (lower bounds; each bucket's upper bound is the next one less a cent, so a bucket's
#: link with ``price_min``/``price_max``, both inclusive, lists exactly the VSLs it counts).
PRICE_EDGES: tuple[float, ...] = (0, 20, 50, 100, 200, 300, 500, 1000, 2000)
#: Points drawn in the pitch-vs-duration chart (the newest); the count says how many there are.
MAX_POINTS = 400
INSIGHTS_TTL_S = 30.0


class Bar(BaseModel):
    """One counted value and the library link listing the VSLs behind it."""

    label: str
    count: int
    link: str
    #: The bucket's bounds (prices) or value (days), for a chart's axis.
    low: float | None = None
    high: float | None = None


class PriceChart(BaseModel):
    currency: str
    bars: list[Bar]


class Point(BaseModel):
    key: str
    duration_s: float
    pitch_s: float
    link: str


class BeatStat(BaseModel):
    """A beat, in how many VSLs it appears and where on average (0 = start, 1 = end of the VSL)."""

    beat: str
    count: int
    mean_start: float
    mean_end: float
    link: str


class Insights(BaseModel):
    scope: dict[str, Any]
    #: VSLs in the scope with a breakdown (what every chart counts out of).
    analysed: int
    prices: list[PriceChart]
    prices_unknown: int
    points: list[Point]
    points_total: int
    points_unknown: int
    guarantees: list[Bar]
    guarantees_unknown: int
    leads: list[Bar]
    leads_unknown: int
    awareness: list[Bar]
    awareness_unknown: int
    beats: list[BeatStat]
    #: Where the library lists the whole scope.
    link: str


_cache: dict[tuple[Any, ...], tuple[float, Insights]] = {}


def _link(scope: dict[str, Any], **more: Any) -> str:
    return "/?" + urlencode({**scope, **{k: v for k, v in more.items() if v is not None}})


def _money(value: float) -> str:
    return f"{value:g}"


def insights(session: Session, f: LibraryFilters, *, min_confidence: float) -> Insights:
    """The scope's insights, at most ``INSIGHTS_TTL_S`` old."""
    bind = session.get_bind()
    key = (str(bind.engine.url), f, min_confidence)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached[0] < INSIGHTS_TTL_S:
        return cached[1]
    out = compute(session, f, min_confidence=min_confidence)
    if len(_cache) > 256:
        _cache.clear()
    _cache[key] = (now, out)
    return out


@functools.lru_cache(maxsize=16)
def _columns(t: float) -> tuple[Any, ...]:
    """The sure values each chart counts, built once per threshold (see ``library._card_columns``)."""
    price = sure_value(BreakdownRow.offer_amount, "offer_price", t)
    bucket = case(
        *[(price >= edge, i) for i, edge in reversed(list(enumerate(PRICE_EDGES)))],
        else_=None,
    )
    pitch = sure_value(BreakdownRow.pitch_s, "pitch_s", t)
    duration = func.coalesce(Video.duration_s, BreakdownRow.duration_s)
    return (
        *(sure_value(getattr(BreakdownRow, m.name), m.name, t).label(m.name) for m in MIXES),
        sure_value(BreakdownRow.guarantee_days, "guarantee_days", t).label("guarantee"),
        sure_value(BreakdownRow.offer_currency, "offer_price", t).label("currency"),
        bucket.label("bucket"),
        case((and_(pitch.is_not(None), duration > 0), 1), else_=0).label("point"),
    )


def _scoped(query: Any, f: LibraryFilters, t: float) -> Any:
    """``query`` over the scope's analysed VSLs (the library's filters, one definition).

    Joined to the breakdown (inner: only analysed VSLs) and the video, and to the source and the
    transcript only when a filter reads them (title text, review): the one-to-one joins never
    change the rows, and leaving the unused two out of a 10,000-VSL aggregate saves their lookups.
    """
    query = (
        query.select_from(Url)
        .join(BreakdownRow, BreakdownRow.url_id == Url.id)
        .outerjoin(Video, Video.url_id == Url.id)
    )
    if f.q and f.q.strip():
        query = query.outerjoin(Source, Source.url_id == Url.id)
    if f.review:
        query = query.outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
    return library.filtered(query, f, t)


def compute(session: Session, f: LibraryFilters, *, min_confidence: float) -> Insights:
    """Three queries, whatever the scope's size: every count in one GROUP BY over the
    combinations of sure values (a few hundred rows, not one per VSL), the newest points, and the
    beats' positions; no per-VSL row reaches Python.  Measured at 10,000 VSLs by
    ``benchmarks/bench_pages.py`` (insights uncached)."""
    t = min_confidence
    scope = f.active()
    columns = _columns(t)
    values = _scoped(select(*columns), f, t).subquery()  # grouped outside: PostgreSQL wants plain columns
    keys = [values.c[c.name] for c in columns]
    combos: list[Any] = list(session.execute(select(*keys, func.count()).group_by(*keys)).all())
    prices: dict[str, Counter[int]] = defaultdict(Counter)
    guarantees: Counter[int] = Counter()
    mixes: dict[str, Counter[str]] = {m.name: Counter() for m in MIXES}
    analysed = points_total = 0
    for row in combos:
        *codes, guarantee, currency, bucket, point, n = tuple(row)
        analysed += n
        if bucket is not None and currency:
            prices[currency][int(bucket)] += n
        if guarantee is not None:
            guarantees[int(guarantee)] += n
        for m, code in zip(MIXES, codes, strict=True):
            if code:
                mixes[m.name][code] += n
        points_total += n * int(point)
    pitch = sure_value(BreakdownRow.pitch_s, "pitch_s", t)
    duration = func.coalesce(Video.duration_s, BreakdownRow.duration_s)
    newest = session.execute(
        _scoped(select(Url.partition_key, duration, pitch), f, t)
        .where(pitch.is_not(None), duration > 0)
        .order_by(Url.id.desc())
        .limit(MAX_POINTS)
    ).all()
    points = [
        Point(key=key, duration_s=float(d), pitch_s=float(p), link=f"/vsl/{key}?t={float(p):.1f}")
        for key, d, p in newest
    ]
    price_charts = [
        PriceChart(currency=currency, bars=_price_bars(scope, currency, counts))
        for currency, counts in sorted(prices.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    priced = sum(sum(c.values()) for c in prices.values())
    return Insights(
        scope=scope,
        analysed=analysed,
        prices=price_charts,
        prices_unknown=analysed - priced,
        points=points,
        points_total=points_total,
        points_unknown=analysed - points_total,
        guarantees=[
            Bar(label=str(days), count=n, link=_link(scope, guarantee=days), low=days, high=days)
            for days, n in sorted(guarantees.items())
        ],
        guarantees_unknown=analysed - sum(guarantees.values()),
        **_mixes(scope, mixes, analysed),
        beats=_beats(session, f, t, scope) if analysed else [],
        link=_link(scope),
    )


def _price_bars(scope: dict[str, Any], currency: str, counts: Counter[int]) -> list[Bar]:
    bars = []
    for i, low in enumerate(PRICE_EDGES):
        if not counts.get(i):
            continue
        last = i + 1 >= len(PRICE_EDGES)
        high = None if last else round(PRICE_EDGES[i + 1] - 0.01, 2)
        label = f"{_money(low)}+" if high is None else f"{_money(low)}\u2013{_money(high)}"
        bars.append(
            Bar(
                label=label,
                count=counts[i],
                link=_link(scope, currency=currency, price_min=_money(low), price_max=None if high is None else high),
                low=low,
                high=high,
            )
        )
    return bars


def _mix(scope: dict[str, Any], name: str | None, counts: Counter[str]) -> list[Bar]:
    return [
        Bar(label=value, count=n, link=_link(scope, **{name: value}) if name else _link(scope))
        for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _mixes(scope: dict[str, Any], mixes: dict[str, Counter[str]], analysed: int) -> dict[str, Any]:
    """Each counted field's bars (most common first) and how many analysed VSLs it is unknown for."""
    out: dict[str, Any] = {}
    for m in MIXES:
        assert m.counted is not None
        counts = mixes[m.name]
        out[m.counted] = _mix(scope, m.filter, counts)
        out[f"{m.counted}_unknown"] = analysed - sum(counts.values())
    return out


def _beats(session: Session, f: LibraryFilters, t: float, scope: dict[str, Any]) -> list[BeatStat]:
    """Each beat's VSL count and mean relative start/end, in the order they typically come."""
    in_scope = _scoped(select(Url.id), f, t)
    length = func.nullif(BreakdownRow.duration_s, 0)
    stats = session.execute(
        select(
            BeatRow.beat,
            func.count(func.distinct(BeatRow.url_id)),
            func.avg(BeatRow.start_s / length),
            func.avg(BeatRow.end_s / length),
        )
        .join(BreakdownRow, BreakdownRow.url_id == BeatRow.url_id)
        .where(BeatRow.url_id.in_(in_scope))
        .group_by(BeatRow.beat)
    ).all()
    out = [
        BeatStat(
            beat=beat,
            count=int(n),
            mean_start=max(0.0, min(1.0, float(start or 0.0))),
            mean_end=max(0.0, min(1.0, float(end or 0.0))),
            link=_link(scope, beat=beat),
        )
        for beat, n, start, end in stats
    ]
    return sorted(out, key=lambda b: (b.mean_start, b.beat))
