"""The transcript diff of two versions, aligned by text and mapped back to each version's times.

Whisper cuts the same speech into different segments on every run (and sometimes punctuates it a
little differently), so segments are never compared as units.  Both transcripts become one stream
of normalised words (folded as search folds them: case and accents dropped, punctuation gone), cut
into sentences at the speaker's sentence ends; each word keeps the time interpolated inside its
segment.  Then, in two passes:

1. the sentences are aligned as whole units (``difflib.SequenceMatcher`` over their word strings,
   ~1,000 mostly unique items for an hour: milliseconds).  Sentences that match are unchanged
   wherever the segments cut them;
2. each stretch left between two matches is aligned word by word (small: only around a change).
   Sentences there are grouped by the words they share: a group whose words are all equal was
   only cut or punctuated differently (unchanged); one with some words different is *rewritten*
   (its changed words marked); a sentence sharing too few words with any other is *removed* or
   *added*.

A run-on "sentence" (a transcript with no punctuation) is cut at content-defined points (a hash of
the word), so the cuts fall on the same words in both versions and pass 1 still has anchors.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Protocol

from vsl_assets.compare.models import DiffRow, Piece, RowKind, Span, TranscriptDiff, TranscriptSummary
from vsl_assets.search.text import fold_text, words

_RAW = re.compile(r"\S+")
#: What is not part of a word once folded (search's words are runs of ``[^\W_]``); line breaks
#: separate the words folded together.
_NOT_WORD = re.compile(r"[^\w\n]|_")
#: A word that ends a sentence: . ! ? … possibly followed by closing quotes or brackets.
_SENTENCE_END = re.compile("[.!?\u2026][\"'\u201d\u2019\u00bb)\\]]*$")
_END_CHARS = frozenset(".!?\u2026\"'\u201d\u2019\u00bb)]")
#: A sentence longer than this many words is cut at content-defined points (see module doc).
LONG_SENTENCE = 40
_CUT_EVERY = 16
#: Two sentences in a changed stretch belong together (a rewrite) when they share at least this
#: share of the shorter one's words (and at least two words, or all of a one-word sentence).
SHARED_FRACTION = 0.34
#: Word-level alignment of one changed stretch with more word pairs than this treats very common
#: words as junk (difflib's autojunk), so two wholly different hours cost seconds, not minutes.
_MAX_EXACT_PAIRS = 4_000_000


class Timed(Protocol):
    """What the diff reads of a transcript segment (the library's ``SegmentOut`` is one)."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class TimedText:
    """A plain segment, for callers that hold only times and text."""

    start: float
    end: float
    text: str


@dataclass
class _Words:
    """One version as a word stream: normalised word, words as said, and times, per position."""

    norms: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    #: Sentences as ``(first, past_last)`` word positions.
    sentences: list[tuple[int, int]] = field(default_factory=list)

    def span(self, first_sentence: int, past_last: int, pieces: list[Piece] | None = None) -> Span:
        a = self.sentences[first_sentence][0]
        b = self.sentences[past_last - 1][1]
        # Built from values this module made (no validation to do): ~1,800 spans an hour.
        return Span.model_construct(
            text=" ".join(self.raws[a:b]),
            start=round(self.starts[a], 2),
            end=round(self.ends[b - 1], 2),
            pieces=pieces or [],
        )

    def key(self, sentence: int) -> str:
        a, b = self.sentences[sentence]
        return " ".join(self.norms[a:b])


def _stream(segments: Iterable[Timed]) -> _Words:
    raws: list[str] = []
    starts: list[float] = []
    ends: list[float] = []
    for seg in segments:
        text = seg.text or ""
        length = len(text) or 1
        start = float(seg.start)
        per_char = max(0.0, float(seg.end) - start) / length
        for m in _RAW.finditer(text):
            raws.append(m.group())
            starts.append(start + per_char * m.start())
            ends.append(start + per_char * m.end())
    out = _Words()
    ends_sentence: list[bool] = []
    for raw, norm, t0, t1 in zip(raws, _norms(raws), starts, ends, strict=True):
        ends_here = raw[-1] in _END_CHARS and bool(_SENTENCE_END.search(raw))
        if not norm:  # punctuation alone ("—", "?"): shown with the word before it
            if out.raws:
                out.raws[-1] += " " + raw
                out.ends[-1] = t1
                ends_sentence[-1] = ends_sentence[-1] or ends_here
            continue
        out.norms.append(norm)
        out.raws.append(raw)
        out.starts.append(t0)
        out.ends.append(t1)
        ends_sentence.append(ends_here)
    out.sentences = _sentences(out.norms, ends_sentence)
    return out


def _norms(raws: list[str]) -> list[str]:
    """Each word as search folds it, its pieces joined ("R$19,70" -> "r1970"): the same result as
    ``"".join(words(raw))`` per word, folded in one pass over all of them."""
    if not raws:
        return []
    folded = fold_text("\n".join(raws))
    if folded.count("\n") != len(raws) - 1:  # folding made a line break of something: word by word
        return ["".join(words(raw)) for raw in raws]
    return _NOT_WORD.sub("", folded).split("\n")


def _sentences(norms: list[str], ends_sentence: list[bool]) -> list[tuple[int, int]]:
    cuts: list[tuple[int, int]] = []
    first = 0
    for i, norm in enumerate(norms):
        length = i + 1 - first
        if (
            ends_sentence[i]
            or i == len(norms) - 1
            or (length >= LONG_SENTENCE and zlib.crc32(norm.encode()) % _CUT_EVERY == 0)
            or length >= 3 * LONG_SENTENCE
        ):
            cuts.append((first, i + 1))
            first = i + 1
    return cuts


def diff_transcripts(old: Iterable[Timed], new: Iterable[Timed]) -> TranscriptDiff:
    """Rows in script order: every sentence of both versions appears in exactly one row."""
    a, b = _stream(old), _stream(new)
    keys_a = [a.key(i) for i in range(len(a.sentences))]
    keys_b = [b.key(j) for j in range(len(b.sentences))]
    rows: list[DiffRow] = []
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, i0, i1, j0, j1 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i0, i1), range(j0, j1), strict=True):
                rows.append(_row("unchanged", a.span(i, i + 1), b.span(j, j + 1)))
        else:
            rows.extend(_stretch(a, b, i0, i1, j0, j1))
    return TranscriptDiff(rows=rows, summary=_summary(rows))


def _row(kind: RowKind, old: Span | None, new: Span | None) -> DiffRow:
    shift = round(new.start - old.start, 2) if old is not None and new is not None else None
    return DiffRow.model_construct(kind=kind, old=old, new=new, shift_s=shift)


def _matcher(x: list[str], y: list[str]) -> SequenceMatcher[str]:
    return SequenceMatcher(None, x, y, autojunk=len(x) * len(y) > _MAX_EXACT_PAIRS)


def _stretch(a: _Words, b: _Words, i0: int, i1: int, j0: int, j1: int) -> list[DiffRow]:
    """Rows for sentences ``a[i0:i1]`` and ``b[j0:j1]``, which pass 1 left unmatched."""
    if i0 == i1:
        return [_row("added", None, b.span(j, j + 1)) for j in range(j0, j1)]
    if j0 == j1:
        return [_row("removed", a.span(i, i + 1), None) for i in range(i0, i1)]
    wa0, wa1 = a.sentences[i0][0], a.sentences[i1 - 1][1]
    wb0, wb1 = b.sentences[j0][0], b.sentences[j1 - 1][1]
    sent_a = _sentence_of(a, i0, i1)
    sent_b = _sentence_of(b, j0, j1)
    shared: dict[tuple[int, int], int] = {}
    for pa, pb, size in _matcher(a.norms[wa0:wa1], b.norms[wb0:wb1]).get_matching_blocks():
        for k in range(size):
            pair = (sent_a[pa + k], sent_b[pb + k])
            shared[pair] = shared.get(pair, 0) + 1
    # Group sentences linked by enough shared words (union-find over old ids and ~new ids).
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked_a: set[int] = set()
    linked_b: set[int] = set()
    for (i, j), count in shared.items():
        la = a.sentences[i][1] - a.sentences[i][0]
        lb = b.sentences[j][1] - b.sentences[j][0]
        shorter = min(la, lb)
        if count >= min(2, shorter) and count >= SHARED_FRACTION * shorter:
            parent[find(i)] = find(~j)
            linked_a.add(i)
            linked_b.add(j)
    # Each group's last sentence on each side, found once (alignment is monotone: groups never cross).
    last_a: dict[int, int] = {}
    last_b: dict[int, int] = {}
    for k in linked_a:
        g = find(k)
        last_a[g] = max(last_a.get(g, k), k)
    for k in linked_b:
        g = find(~k)
        last_b[g] = max(last_b.get(g, k), k)
    rows: list[DiffRow] = []
    i, j = i0, j0
    while i < i1 or j < j1:
        if i < i1 and i not in linked_a:
            rows.append(_row("removed", a.span(i, i + 1), None))
            i += 1
        elif j < j1 and j not in linked_b:
            rows.append(_row("added", None, b.span(j, j + 1)))
            j += 1
        elif i < i1 and j < j1:
            group = find(i)
            end_i = max(last_a[group], i) + 1
            last_j = last_b.get(group, -1)
            if last_j < j:  # its partner went to an earlier group
                rows.append(_row("removed", a.span(i, i + 1), None))
                i += 1
                continue
            rows.append(_group_row(a, b, i, end_i, j, last_j + 1))
            i, j = end_i, last_j + 1
        elif i < i1:  # linked, but its partner was consumed by an earlier group
            rows.append(_row("removed", a.span(i, i + 1), None))
            i += 1
        else:
            rows.append(_row("added", None, b.span(j, j + 1)))
            j += 1
    return rows


def _sentence_of(w: _Words, first: int, past_last: int) -> list[int]:
    """For each word of sentences ``first:past_last``, the index of its sentence."""
    out: list[int] = []
    for s in range(first, past_last):
        x, y = w.sentences[s]
        out.extend([s] * (y - x))
    return out


def _group_row(a: _Words, b: _Words, i0: int, i1: int, j0: int, j1: int) -> DiffRow:
    wa0, wa1 = a.sentences[i0][0], a.sentences[i1 - 1][1]
    wb0, wb1 = b.sentences[j0][0], b.sentences[j1 - 1][1]
    na, nb = a.norms[wa0:wa1], b.norms[wb0:wb1]
    if na == nb:
        return _row("unchanged", a.span(i0, i1), b.span(j0, j1))
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for tag, x0, x1, y0, y1 in _matcher(na, nb).get_opcodes():
        if x1 > x0:
            old_pieces.append(Piece(text=" ".join(a.raws[wa0 + x0 : wa0 + x1]), changed=tag != "equal"))
        if y1 > y0:
            new_pieces.append(Piece(text=" ".join(b.raws[wb0 + y0 : wb0 + y1]), changed=tag != "equal"))
    return _row("rewritten", a.span(i0, i1, old_pieces), b.span(j0, j1, new_pieces))


def mark_words(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """Two texts cut into runs of words, the runs the other text lacks marked (words compared
    folded, shown as written): how a rewritten hook or product name shows what changed."""
    a = _stream([TimedText(0.0, 0.0, old)])
    b = _stream([TimedText(0.0, 0.0, new)])
    old_pieces: list[Piece] = []
    new_pieces: list[Piece] = []
    for tag, x0, x1, y0, y1 in _matcher(a.norms, b.norms).get_opcodes():
        if x1 > x0:
            old_pieces.append(Piece(text=" ".join(a.raws[x0:x1]), changed=tag != "equal"))
        if y1 > y0:
            new_pieces.append(Piece(text=" ".join(b.raws[y0:y1]), changed=tag != "equal"))
    return old_pieces, new_pieces


def _summary(rows: list[DiffRow]) -> TranscriptSummary:
    out = TranscriptSummary()
    for r in rows:
        setattr(out, r.kind, getattr(out, r.kind) + 1)
        if r.kind == "added" and r.new is not None:
            out.seconds_added += r.new.end - r.new.start
        elif r.kind == "removed" and r.old is not None:
            out.seconds_removed += r.old.end - r.old.start
        elif r.shift_s is not None and abs(r.shift_s) > abs(out.max_shift_s):
            out.max_shift_s = r.shift_s
    out.seconds_added = round(out.seconds_added, 1)
    out.seconds_removed = round(out.seconds_removed, 1)
    return out


def time_map(diff: TranscriptDiff) -> Callable[[float], float]:
    """Where a second of the old version is in the new one: shifted as the nearest text found in
    both versions at or before it was (unshifted before the first such text)."""
    anchors = sorted((r.old.start, r.shift_s) for r in diff.rows if r.old is not None and r.shift_s is not None)
    starts = [t for t, _ in anchors]

    def mapped(t: float) -> float:
        k = bisect.bisect_right(starts, t + 1e-6) - 1
        return t + (anchors[k][1] if k >= 0 else 0.0)

    return mapped
