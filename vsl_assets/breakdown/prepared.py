"""A transcript made ready for rules: each segment's text with numbers as digits, and folded.

Every rule of the local engine reads the same three views of a segment (as said, with digits,
lowercased without accents), so they are computed once here instead of in every rule.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.numbers import words_to_digits
from vsl_assets.breakdown.taxonomy import fold
from vsl_assets.transcription.models import Segment

_SEPARATOR = "\n¶\n"

#: Quotes in evidence are cut to this many characters, so a breakdown stays readable.
MAX_QUOTE = 200


@dataclass
class Prepared:
    """Segments with text (empty ones dropped), plus their digit and folded forms."""

    segments: list[Segment]
    language: str | None
    digits: list[str]
    folded: list[str]
    #: Results several rules need (e.g. the money mentions), computed once per transcript.
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, segments: Sequence[Segment], language: str | None) -> Prepared:
        kept = [s for s in segments if s.text.strip()]
        kept.sort(key=lambda s: s.start)
        # One alpha2digit call for the whole text is several times faster than one per segment; a
        # pilcrow line between segments stops a number from running on into the next segment
        # (a bare line break does not), and splitting on it gives the segments back.
        joined = _SEPARATOR.join(" ".join(s.text.split()) for s in kept)
        digits = words_to_digits(joined, language).split(_SEPARATOR) if kept else []
        if len(digits) != len(kept):  # defensive: never misalign text and times
            digits = [words_to_digits(" ".join(s.text.split()), language) for s in kept]
        return cls(kept, language, digits, [fold(d) for d in digits])

    @property
    def duration(self) -> float:
        return max((s.end for s in self.segments), default=0.0)

    @cached_property
    def folded_text(self) -> str:
        return "\n".join(self.folded)

    @cached_property
    def offsets(self) -> list[int]:
        """Start offset of each segment in :attr:`folded_text`."""
        out, pos = [], 0
        for text in self.folded:
            out.append(pos)
            pos += len(text) + 1
        return out

    def evidence(self, i: int, j: int | None = None, quote: str | None = None) -> Evidence:
        """Evidence for segments ``i``..``j`` (inclusive): their words (or ``quote``) and times."""
        j = i if j is None else j
        text = quote if quote is not None else " ".join(s.text.strip() for s in self.segments[i : j + 1])
        return Evidence(quote=clip(text), start=self.segments[i].start, end=self.segments[j].end)

    def segment_at(self, offset: int) -> int:
        """Index of the segment holding character ``offset`` of :attr:`folded_text`."""
        return bisect.bisect_right(self.offsets, offset) - 1

    def hits(self, pattern: re.Pattern[str] | None) -> list[int]:
        """Segment index of every match of ``pattern`` in the folded text (one regex pass)."""
        if pattern is None:
            return []
        return [self.segment_at(m.start()) for m in pattern.finditer(self.folded_text)]

    def first_index_at(self, seconds: float) -> int:
        return next((k for k, s in enumerate(self.segments) if s.start >= seconds), len(self.segments))


def clip(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def count(pattern: re.Pattern[str] | None, text: str) -> int:
    return len(pattern.findall(text)) if pattern is not None else 0
