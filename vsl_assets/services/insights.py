"""Insights: what the analysed VSLs of a niche (or a board) have in common, counted for charts.

Price points, the pitch second against the VSL's length, guarantee lengths, the lead and
awareness mix and the typical order of the beats, each count tied to the library filter that
lists the VSLs behind it (``link``), so a chart is a way into the swipe file, not a dead end.

Only sure fields are counted (``VSL_BREAKDOWN_MIN_CONFIDENCE``, as the library reads them): a value
the engine was not sure of, or none at all, is counted as ``unknown`` for that chart, never
guessed.  The scope is any library filter set (``LibraryFilters``: in practice a niche or a board),
read through ``library.filtered``, the library's one definition of each filter, so a chart's count
is what its link lists.

The whole library and a niche (the scopes a copywriter opens most) are read from running counts
(``insight_counts``: one row per combination of counted values and per beat, per sure niche), kept
up to date in the same transaction by whatever changes what they count — a breakdown written
(``counted`` around ``repo.save_breakdown``), a video's length, a VSL removed — so the page reads a
few hundred rows instead of every breakdown (68 ms of CPU at 10,000 VSLs; see
``benchmarks/bench_pages.py``).  Renaming a VSL changes no count (titles are not counted, and these
scopes have no text filter).  The counts of a threshold are built when the web app starts
(``ensure_counts``) and rebuilt by ``vsl insights --rebuild``; until they are built, and for any
other scope (a board, several filters), the aggregates are computed from the breakdowns and cached
for ``INSIGHTS_TTL_S``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlalchemy import and_, case, delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.db.models import (
    BeatRow,
    BreakdownRow,
    InsightCount,
    Source,
    TranscriptRow,
    Url,
    Video,
    sure_value,
)
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
    """The scope's insights: from the running counts when the scope is the whole library or a
    niche and they are built (cached until the counts change: always current), else computed and
    at most ``INSIGHTS_TTL_S`` old."""
    bind = session.get_bind()
    if _countable(f):
        generation = _generation(session, min_confidence)
        if generation is not None:
            key: tuple[Any, ...] = (str(bind.engine.url), f, min_confidence, generation)
            hit = _cache.get(key)
            if hit is not None:
                return hit[1]
            counted = from_counts(session, f, min_confidence=min_confidence)
            if counted is not None:
                _remember(key, counted)
                return counted
    key = (str(bind.engine.url), f, min_confidence)
    now = time.monotonic()
    cached = _cache.get(key)
    if cached is not None and now - cached[0] < INSIGHTS_TTL_S:
        return cached[1]
    out = compute(session, f, min_confidence=min_confidence)
    _remember(key, out)
    return out


def _remember(key: tuple[Any, ...], out: Insights) -> None:
    if len(_cache) > 256:
        _cache.clear()
    _cache[key] = (time.monotonic(), out)


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
    columns = _columns(t)
    values = _scoped(select(*columns), f, t).subquery()  # grouped outside: PostgreSQL wants plain columns
    keys = [values.c[c.name] for c in columns]
    combos: list[Any] = list(session.execute(select(*keys, func.count()).group_by(*keys)).all())
    beats = _beat_means(session, f, t) if combos else []
    return _assemble(session, f, t, _tally(tuple(row) for row in combos), beats)


#: One count behind the charts: ``("analysed",)``, ``("point",)``, ``("price", currency, bucket)``,
#: ``("guarantee", days)`` or ``("mix", field, code)``; what the running counts store per niche.
Tally = Counter[tuple[Any, ...]]


def _tally(combos: Iterable[Sequence[Any]]) -> Tally:
    """Each chart's counts from the counted combinations (``(*codes, guarantee, currency, bucket,
    point, count)``): what ``compute`` reads from the breakdowns and the running counts store."""
    out: Tally = Counter()
    for row in combos:
        *codes, guarantee, currency, bucket, point, n = row
        out[("analysed",)] += n
        if bucket is not None and currency:
            out[("price", currency, int(bucket))] += n
        if guarantee is not None:
            out[("guarantee", int(guarantee))] += n
        for m, code in zip(MIXES, codes, strict=True):
            if code:
                out[("mix", m.name, code)] += n
        if point:
            out[("point",)] += n
    return out


def _assemble(
    session: Session,
    f: LibraryFilters,
    t: float,
    tally: Tally,
    beats: Iterable[tuple[str, int, float | None, float | None]],
) -> Insights:
    """The charts from the counts (``_tally``) and each beat's ``(beat, VSLs, mean start, mean
    end)``, computed or read from the running counts alike; the newest points are read from the
    scope (one indexed query)."""
    scope = f.active()
    prices: dict[str, Counter[int]] = defaultdict(Counter)
    guarantees: Counter[int] = Counter()
    mixes: dict[str, Counter[str]] = {m.name: Counter() for m in MIXES}
    for what, n in tally.items():
        if n and what[0] == "price":
            prices[what[1]][int(what[2])] += n
        elif n and what[0] == "guarantee":
            guarantees[int(what[1])] += n
        elif n and what[0] == "mix" and what[1] in mixes:
            mixes[what[1]][what[2]] += n
    analysed, points_total = tally[("analysed",)], tally[("point",)]
    pitch = sure_value(BreakdownRow.pitch_s, "pitch_s", t)
    duration = func.coalesce(Video.duration_s, BreakdownRow.duration_s)
    newest = (
        session.execute(
            _scoped(select(Url.partition_key, duration, pitch), f, t)
            .where(pitch.is_not(None), duration > 0)
            .order_by(Url.id.desc())
            .limit(MAX_POINTS)
        ).all()
        if points_total
        else []
    )
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
        beats=_beat_stats(scope, beats) if analysed else [],
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


def _beat_means(session: Session, f: LibraryFilters, t: float) -> list[tuple[str, int, Any, Any]]:
    """Each beat's VSL count and mean relative start/end over the scope."""
    in_scope = _scoped(select(Url.id), f, t)
    length = func.nullif(BreakdownRow.duration_s, 0)
    return [
        tuple(row)
        for row in session.execute(
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
    ]


def _beat_stats(scope: dict[str, Any], beats: Iterable[tuple[str, int, Any, Any]]) -> list[BeatStat]:
    """The beats in the order they typically come."""
    out = [
        BeatStat(
            beat=beat,
            count=int(n),
            mean_start=max(0.0, min(1.0, float(start or 0.0))),
            mean_end=max(0.0, min(1.0, float(end or 0.0))),
            link=_link(scope, beat=beat),
        )
        for beat, n, start, end in beats
    ]
    return sorted(out, key=lambda b: (b.mean_start, b.beat))


# --- The running counts (``insight_counts``) -------------------------------------------------

#: The filters the running counts answer (with none set: the whole library); paging and sort
#: never change a count.
_COUNTED_FILTERS = frozenset({"niche"})
_IGNORED = frozenset({"sort", "limit", "offset", "after"})
_COUNT, _BEAT, _BUILT = "count", "beat", "built"


def _countable(f: LibraryFilters) -> bool:
    return all(
        getattr(f, field.name) in (None, "")
        for field in fields(f)
        if field.name not in _COUNTED_FILTERS and field.name not in _IGNORED
    )


def _threshold(t: float) -> str:
    return repr(float(t))


#: A VSL's share of the counts: ``(kind, niche, niche_top, key) -> [vsls, ratios, sum_start, sum_end]``.
Shares = dict[tuple[str, str, str, str], list[float]]


def _shares(session: Session, t: float, url_ids: Sequence[int] | None) -> Shares:
    """What the VSLs ``url_ids`` (None: all) add to the counts of threshold ``t``: the same
    expressions and the same scope (``library.filtered``) as ``compute``, grouped by sure niche."""
    niche = sure_value(BreakdownRow.niche, "niche", t)
    top = sure_value(BreakdownRow.niche_top, "niche", t)
    everything = LibraryFilters()
    columns = _columns(t)
    query = _scoped(select(niche.label("sure_niche"), top.label("sure_top"), *columns), everything, t)
    if url_ids is not None:
        query = query.where(Url.id.in_(url_ids))
    values = query.subquery()  # grouped outside: PostgreSQL wants plain columns
    keys = [values.c.sure_niche, values.c.sure_top, *(values.c[c.name] for c in columns)]
    combos: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in session.execute(select(*keys, func.count()).group_by(*keys)):
        n1, n2, *combo = tuple(row)
        combos[(n1 or "", n2 or "")].append(tuple(combo))
    out: Shares = {}
    for (n1, n2), rows in combos.items():
        for what, n in _tally(rows).items():
            out[(_COUNT, n1, n2, json.dumps(what, separators=(",", ":")))] = [n, 0, 0.0, 0.0]
    in_scope = _scoped(select(Url.id), everything, t)
    if url_ids is not None:
        in_scope = in_scope.where(Url.id.in_(url_ids))
    length = func.nullif(BreakdownRow.duration_s, 0)
    beats = (
        select(
            niche.label("sure_niche"),
            top.label("sure_top"),
            BeatRow.beat,
            BeatRow.url_id,
            (BeatRow.start_s / length).label("start"),
            (BeatRow.end_s / length).label("end"),
        )
        .join(BreakdownRow, BreakdownRow.url_id == BeatRow.url_id)
        .where(BeatRow.url_id.in_(in_scope))
        .subquery()
    )
    grouped = select(
        beats.c.sure_niche,
        beats.c.sure_top,
        beats.c.beat,
        func.count(func.distinct(beats.c.url_id)),
        func.count(beats.c.start),
        func.coalesce(func.sum(beats.c.start), 0.0),
        func.coalesce(func.sum(beats.c.end), 0.0),
    ).group_by(beats.c.sure_niche, beats.c.sure_top, beats.c.beat)
    for n1, n2, beat, vsls, ratios, sum_start, sum_end in session.execute(grouped):
        out[(_BEAT, n1 or "", n2 or "", beat)] = [int(vsls), int(ratios), float(sum_start), float(sum_end)]
    return out


def _maintained(session: Session) -> list[float]:
    """The thresholds whose counts are built, read once this transaction holds its lock
    (``_lock``, shared among writers): a rebuild then waits for this transaction, and this one
    for a rebuild under way, so no change is counted twice or missed."""
    _lock(session, "ROW EXCLUSIVE")
    return [float(t) for t in session.scalars(select(InsightCount.threshold).where(InsightCount.kind == _BUILT))]


def _apply(session: Session, t: float, before: Shares, after: Shares) -> bool:
    """Add ``after - before`` to the counts of ``t``; a row counting no VSL any more goes.
    True when anything changed.

    Rows are changed in key order, so two writers never wait on each other's rows crosswise."""
    threshold = _threshold(t)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    changed = False
    for kind, niche, top, key in sorted(before.keys() | after.keys()):
        old = before.get((kind, niche, top, key), [0, 0, 0.0, 0.0])
        new = after.get((kind, niche, top, key), [0, 0, 0.0, 0.0])
        delta = [b - a for a, b in zip(old, new, strict=True)]
        if not any(delta):
            continue
        changed = True
        values = insert(InsightCount).values(
            threshold=threshold,
            kind=kind,
            niche=niche,
            niche_top=top,
            key=key,
            vsls=int(delta[0]),
            ratios=int(delta[1]),
            sum_start=delta[2],
            sum_end=delta[3],
        )
        statement = values.on_conflict_do_update(
            index_elements=["threshold", "kind", "niche", "niche_top", "key"],
            set_={
                "vsls": InsightCount.vsls + int(delta[0]),
                "ratios": InsightCount.ratios + int(delta[1]),
                "sum_start": InsightCount.sum_start + delta[2],
                "sum_end": InsightCount.sum_end + delta[3],
            },
        ).returning(InsightCount.id, InsightCount.vsls)
        row_id, vsls = session.execute(statement).one()
        if vsls <= 0:
            session.execute(delete(InsightCount).where(InsightCount.id == row_id))
    return changed


@contextlib.contextmanager
def counted(session: Session, url_ids: Sequence[int]) -> Iterator[None]:
    """Keep the running counts true across a change to the VSLs ``url_ids`` (their breakdown,
    beats or video written, or the VSLs removed) made inside the block, in the same transaction.

    Every writer of what the insights count goes through this; one that does not leaves the counts
    wrong until ``vsl insights --rebuild``."""
    thresholds = _maintained(session)
    before = {t: _shares(session, t, url_ids) for t in thresholds}
    yield
    if not thresholds:
        return
    session.flush()
    for t in thresholds:
        if _apply(session, t, before[t], _shares(session, t, url_ids)):
            session.execute(  # a new generation: the insights cached for the last one are stale
                update(InsightCount)
                .where(InsightCount.kind == _BUILT, InsightCount.threshold == _threshold(t))
                .values(vsls=InsightCount.vsls + 1)
            )


def _lock(session: Session, mode: str = "EXCLUSIVE") -> None:
    """Take the counts' lock before reading what they count.  PostgreSQL: ``LOCK TABLE`` in
    ``mode`` (a writer's ``ROW EXCLUSIVE``, what its writes take anyway, waits only for a rebuild's
    ``EXCLUSIVE``).  SQLite: this transaction's write lock (a write that changes nothing), so every
    read after it sees the last commit and no other write lands before this one's commit."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE insight_counts IN {mode} MODE"))
    else:
        session.execute(update(InsightCount).where(InsightCount.kind == _BUILT).values(vsls=InsightCount.vsls))


def _build(session: Session, t: float) -> int:
    threshold = _threshold(t)
    session.execute(delete(InsightCount).where(InsightCount.threshold == threshold))
    shares = _shares(session, t, None)
    session.add_all(
        InsightCount(
            threshold=threshold,
            kind=kind,
            niche=niche,
            niche_top=top,
            key=key,
            vsls=int(v[0]),
            ratios=int(v[1]),
            sum_start=v[2],
            sum_end=v[3],
        )
        for (kind, niche, top, key), v in shares.items()
    )
    session.add(
        InsightCount(
            threshold=threshold,
            kind=_BUILT,
            niche="",
            niche_top="",
            key=uuid.uuid4().hex,  # this build's id (see _generation)
            vsls=0,
            ratios=0,
            sum_start=0.0,
            sum_end=0.0,
        )
    )
    session.flush()
    return len(shares)


def _generation(session: Session, min_confidence: float) -> tuple[str, int] | None:
    """Which state the counts of ``min_confidence`` are in (the marker's build id and how many
    changes it has counted since), None when they are not built: insights cached for one
    generation are current while it lasts, in every process."""
    row = session.execute(
        select(InsightCount.key, InsightCount.vsls).where(
            InsightCount.kind == _BUILT, InsightCount.threshold == _threshold(min_confidence)
        )
    ).first()
    return (row[0], int(row[1])) if row is not None else None


def counts_built(session: Session, min_confidence: float) -> bool:
    marker = select(InsightCount.id).where(
        InsightCount.kind == _BUILT, InsightCount.threshold == _threshold(min_confidence)
    )
    return session.scalar(marker) is not None


def ensure_counts(session: Session, min_confidence: float) -> bool:
    """Build the counts of ``min_confidence`` if they are not (a new database, an upgrade, a new
    threshold); True when it built them.  Called when the web app starts."""
    if counts_built(session, min_confidence):
        return False
    _lock(session)
    if counts_built(session, min_confidence):
        return False  # another process built them while this one waited
    _build(session, min_confidence)
    return True


def rebuild_counts(session: Session, min_confidence: float) -> int:
    """Recount everything from the breakdowns for ``min_confidence`` alone (the counts of other
    thresholds are dropped: nobody reads them); returns the rows written.  For an upgrade that
    changed what is counted, or a repair."""
    _lock(session)
    session.execute(delete(InsightCount))
    return _build(session, min_confidence)


def from_counts(session: Session, f: LibraryFilters, *, min_confidence: float) -> Insights | None:
    """The whole library's or a niche's insights from the running counts; None when the counts of
    ``min_confidence`` are not built.  The niche matches as ``library.filtered`` matches it."""
    t = min_confidence
    where = [InsightCount.threshold == _threshold(t)]
    if f.niche:
        niche = f.niche.strip().lower()
        scoped = or_(InsightCount.niche == niche, InsightCount.niche_top == niche)
        where.append(or_(InsightCount.kind == _BUILT, scoped))
    rows = session.execute(
        select(
            InsightCount.kind,
            InsightCount.key,
            func.sum(InsightCount.vsls),
            func.sum(InsightCount.ratios),
            func.sum(InsightCount.sum_start),
            func.sum(InsightCount.sum_end),
        )
        .where(*where)
        .group_by(InsightCount.kind, InsightCount.key)
    ).all()
    if not any(kind == _BUILT for kind, *_ in rows):
        return None
    tally: Tally = Counter({tuple(json.loads(key)): int(n) for kind, key, n, *_ in rows if kind == _COUNT and n})
    beats = [
        (key, int(n), (s1 / r) if r else None, (s2 / r) if r else None)
        for kind, key, n, r, s1, s2 in rows
        if kind == _BEAT and n
    ]
    return _assemble(session, f, t, tally, beats)
