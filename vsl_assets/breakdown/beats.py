"""Timed beats: each segment scored per beat from cue phrases, then smoothed into spans.

Scoring one segment alone is noisy (a story mentions a "doctor", a price segment says "click"), so
the labels are decoded as a sequence (Viterbi): changing beat costs a little, going back in the
usual order of a pitch (problem -> mechanism -> proof -> offer -> price -> guarantee -> cta) costs a
little more.  A beat therefore changes only where the cues clearly say so, and spans always start and
end on segment boundaries.  The hook is the opening itself: the segments that start within the
first :data:`HOOK_S` seconds.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from vsl_assets.breakdown import cues
from vsl_assets.breakdown.models import BEAT_LABELS, Beat
from vsl_assets.breakdown.prepared import Prepared, clip, count

#: Segments that start before this second are the hook.
HOOK_S = 18.0

_STATES = tuple(b for b in BEAT_LABELS if b != "hook")
#: Usual position of each beat in a pitch; going back more than one step costs :data:`_BACK`.
_ORDER = {
    "story": 1,
    "problem": 1,
    "mechanism": 2,
    "proof": 3,
    "offer": 4,
    "bonus": 5,
    "price": 5,
    "guarantee": 6,
    "urgency": 7,
    "cta": 7,
}
_CLOSE = frozenset({"offer", "bonus", "price", "guarantee", "urgency", "cta"})
_SWITCH = 1.5
_BACK = 1.2
#: Weight of one cue hit per beat (the strong cues of :mod:`.cues`), and the cap of hits counted.
#: Switch cost and weights were set by a coarse grid on the dev split (a flat optimum: F1 within
#: 0.01 for switch 1.0-1.5 and weights x1.0-1.3), not fitted per file.
_WEIGHT = {
    "problem": 1.6,
    "story": 1.7,
    "mechanism": 1.6,
    "proof": 1.4,
    "offer": 1.3,
    "bonus": 3.2,
    "price": 2.0,
    "guarantee": 3.9,
    "urgency": 2.6,
    "cta": 3.2,
}
_CAP = 3


@dataclass(frozen=True)
class Signals:
    """What other rules already know about segments, used as extra evidence for beats."""

    price_segments: Collection[int] = ()
    guarantee_segments: Collection[int] = ()
    product_segments: Collection[int] = ()
    mechanism_segments: Collection[int] = ()


def _emissions(p: Prepared, lang: str, signals: Signals) -> list[dict[str, float]]:
    patterns = {b: cues.pattern("beat", b, lang) for b in _STATES}
    duration = max(p.duration, 1.0)
    out: list[dict[str, float]] = []
    for i, text in enumerate(p.folded):
        r = p.segments[i].start / duration
        row = {b: _WEIGHT[b] * min(_CAP, count(patterns[b], text)) for b in _STATES}
        if i in signals.price_segments:
            row["price"] += 3.0
        if i in signals.guarantee_segments:
            row["guarantee"] += 3.0
        if i in signals.product_segments:
            row["offer"] += 2.0
        if i in signals.mechanism_segments:
            row["mechanism"] += 2.0
        for b in _CLOSE:
            # The close rarely comes in the first third; the narrative rarely after the last fifth.
            row[b] -= 1.5 * max(0.0, 0.35 - r) / 0.35
        for b in ("story", "problem", "mechanism"):
            row[b] -= 1.0 * max(0.0, r - 0.8) / 0.2
        out.append(row)
    return out


def _transition(a: str, b: str) -> float:
    if a == b:
        return 0.0
    cost = _SWITCH
    if _ORDER[b] < _ORDER[a] - 1:
        cost += _BACK
    return -cost


def _viterbi(rows: list[dict[str, float]]) -> list[str]:
    if not rows:
        return []
    score = {b: rows[0][b] for b in _STATES}
    back: list[dict[str, str]] = []
    for row in rows[1:]:
        new: dict[str, float] = {}
        ptr: dict[str, str] = {}
        for b in _STATES:
            prev = max(_STATES, key=lambda a: score[a] + _transition(a, b))
            new[b] = score[prev] + _transition(prev, b) + row[b]
            ptr[b] = prev
        back.append(ptr)
        score = new
    last = max(_STATES, key=lambda b: score[b])
    path = [last]
    for ptr in reversed(back):
        path.append(ptr[path[-1]])
    return path[::-1]


def segment_labels(p: Prepared, lang: str, signals: Signals = Signals()) -> list[str]:
    """One beat label per segment of ``p``."""
    n_hook = sum(1 for s in p.segments if s.start < HOOK_S)
    n_hook = max(1, n_hook) if p.segments else 0
    rest = _viterbi(_emissions(p, lang, signals)[n_hook:])
    return ["hook"] * n_hook + rest


def to_beats(p: Prepared, labels: list[str]) -> list[Beat]:
    """Runs of equal labels as beats, each with the words of its span (clipped) as quote."""
    beats: list[Beat] = []
    i = 0
    while i < len(labels):
        j = i
        while j + 1 < len(labels) and labels[j + 1] == labels[i]:
            j += 1
        text = " ".join(s.text.strip() for s in p.segments[i : j + 1])
        beats.append(Beat(beat=labels[i], start=p.segments[i].start, end=p.segments[j].end, quote=clip(text)))
        i = j + 1
    return beats
