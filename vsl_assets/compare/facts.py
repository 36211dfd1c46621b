"""The breakdown diff: each field of two breakdowns side by side, and the beats matched by name.

A field the engine was not sure of in either version is ``unknown``: a guess that differs from a
reading is not a change in the video (wrong is worse than unknown).  The caller passes values with
the unsure ones already withheld (the library's ``BreakdownOut`` does this with the configured
threshold) and names the unsure fields, so the threshold is applied in one place only.

Beats are matched per beat name (a VSL may have several ``proof`` beats) by a small alignment that
prefers pairing a beat with the same beat near where the old one would now be: the transcript
diff's time map says where an old second landed in the new video, so a beat pushed back by a new
two-minute story is "moved" (with its shift), not "removed" and "added".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.compare.models import BeatChange, BreakdownDiff, FieldChange, FieldStatus
from vsl_assets.compare.transcript import mark_words
from vsl_assets.search.text import words

#: The fields compared, in the order a copywriter reads them, with how each is compared: the
#: breakdown's one list of facts (``breakdown.columns.FIELDS``).
FIELDS: tuple[tuple[str, str], ...] = tuple((f.name, f.kind) for f in breakdown_columns.FIELDS)
#: Two seconds closer than this are the same second (beats and pitches are segment boundaries).
SAME_SECOND = 1.0
#: Leaving a beat unpaired costs this many seconds of misplacement: a beat that moved further than
#: twice this (against where its text went) is reported removed here and added there.
BEAT_GAP_S = 90.0


@dataclass(frozen=True)
class BeatSpan:
    beat: str
    start: float
    end: float


@dataclass(frozen=True)
class Facts:
    """One breakdown as the diff reads it.  ``values``: field -> value, None when unstated or
    withheld; a price is a mapping with ``amount``, ``currency``, ``installments``,
    ``installment_amount``.  ``unsure``: the fields whose value was withheld as a guess."""

    values: Mapping[str, Any]
    unsure: frozenset[str] = frozenset()
    #: None: not analysed, so no beat can be said to have moved, appeared or gone.
    beats: Sequence[BeatSpan] | None = field(default_factory=tuple)

    @classmethod
    def not_analysed(cls, values: Mapping[str, Any]) -> Facts:
        """A VSL with no breakdown: every breakdown field unknown (never "removed" or "added")."""
        known = {name for name in values if values[name] is not None}
        return cls(values=values, unsure=frozenset(name for name, _ in FIELDS if name not in known), beats=None)


def _same(kind: str, x: Any, y: Any) -> bool:
    if kind == "text":
        return words(str(x)) == words(str(y))
    if kind == "seconds":
        return abs(float(x) - float(y)) < SAME_SECOND
    if kind == "price":
        return (
            round(float(x.get("amount") or 0), 2) == round(float(y.get("amount") or 0), 2)
            and (x.get("currency") or None) == (y.get("currency") or None)
            and (x.get("installments") or None) == (y.get("installments") or None)
        )
    return bool(x == y)


def _delta(kind: str, x: Any, y: Any) -> float | None:
    if x is None or y is None:
        return None
    if kind in ("seconds", "number"):
        return round(float(y) - float(x), 2)
    if kind == "price" and (x.get("currency") or None) == (y.get("currency") or None):
        return round(float(y.get("amount") or 0) - float(x.get("amount") or 0), 2)
    return None


def diff_field(name: str, kind: str, old: Facts, new: Facts) -> FieldChange:
    x, y = old.values.get(name), new.values.get(name)
    old_unsure, new_unsure = name in old.unsure, name in new.unsure
    status: FieldStatus
    if old_unsure or new_unsure:
        status = "unknown"
        x = None if old_unsure else x  # a withheld guess is never shown as a value
        y = None if new_unsure else y
    elif x is None and y is None:
        status = "none"
    elif x is None:
        status = "added"
    elif y is None:
        status = "removed"
    else:
        status = "same" if _same(kind, x, y) else "changed"
    old_pieces, new_pieces = mark_words(str(x), str(y)) if kind == "text" and status == "changed" else ([], [])
    return FieldChange(
        field=name,
        status=status,
        old=x,
        new=y,
        delta=_delta(kind, x, y) if status in ("same", "changed") else None,
        old_unsure=old_unsure,
        new_unsure=new_unsure,
        old_pieces=old_pieces,
        new_pieces=new_pieces,
    )


def diff_breakdowns(old: Facts, new: Facts, time_map: Callable[[float], float] | None = None) -> BreakdownDiff:
    """Every field of :data:`FIELDS`, and every beat of both versions, once."""
    fields = [diff_field(name, kind, old, new) for name, kind in FIELDS]
    if old.beats is None or new.beats is None:
        return BreakdownDiff(fields=fields, beats=[])
    return BreakdownDiff(fields=fields, beats=diff_beats(old.beats, new.beats, time_map))


def diff_beats(
    old: Sequence[BeatSpan], new: Sequence[BeatSpan], time_map: Callable[[float], float] | None = None
) -> list[BeatChange]:
    where = time_map or (lambda t: t)
    out: list[tuple[float, BeatChange]] = []
    for name in dict.fromkeys([b.beat for b in old] + [b.beat for b in new]):
        xs = sorted((b for b in old if b.beat == name), key=lambda b: b.start)
        ys = sorted((b for b in new if b.beat == name), key=lambda b: b.start)
        for x, y in _align(xs, ys, where):
            if x is not None and y is not None:
                shift = round(y.start - x.start, 2)
                status = "same" if abs(shift) < SAME_SECOND else "moved"
                change = BeatChange(
                    beat=name,
                    status=status,
                    old_start=x.start,
                    old_end=x.end,
                    new_start=y.start,
                    new_end=y.end,
                    shift_s=shift,
                )
                out.append((y.start, change))
            elif x is not None:
                out.append((where(x.start), BeatChange(beat=name, status="removed", old_start=x.start, old_end=x.end)))
            elif y is not None:
                out.append((y.start, BeatChange(beat=name, status="added", new_start=y.start, new_end=y.end)))
    return [change for _, change in sorted(out, key=lambda pair: pair[0])]


def _align(
    xs: list[BeatSpan], ys: list[BeatSpan], where: Callable[[float], float]
) -> list[tuple[BeatSpan | None, BeatSpan | None]]:
    """Order-keeping pairing of one beat name's occurrences at the least total misplacement."""
    n, m = len(xs), len(ys)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i * BEAT_GAP_S
    for j in range(1, m + 1):
        cost[0][j] = j * BEAT_GAP_S
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            pair = cost[i - 1][j - 1] + abs(ys[j - 1].start - where(xs[i - 1].start))
            cost[i][j] = min(pair, cost[i - 1][j] + BEAT_GAP_S, cost[i][j - 1] + BEAT_GAP_S)
    pairs: list[tuple[BeatSpan | None, BeatSpan | None]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == cost[i - 1][j - 1] + abs(ys[j - 1].start - where(xs[i - 1].start)):
            pairs.append((xs[i - 1], ys[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == cost[i - 1][j] + BEAT_GAP_S:
            pairs.append((xs[i - 1], None))
            i -= 1
        else:
            pairs.append((None, ys[j - 1]))
            j -= 1
    return pairs[::-1]


def time_axis(
    durations: Sequence[float | None], step_choices: Sequence[float] = (5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)
) -> tuple[float, list[float]]:
    """One time axis for several videos: its length (the longest) and round tick seconds (≤ ~12)."""
    total = max([d for d in durations if d] or [1.0])
    step = next((s for s in step_choices if total / s <= 12), step_choices[-1])
    ticks = [float(k * step) for k in range(int(total // step) + 1)]
    return float(total), ticks
