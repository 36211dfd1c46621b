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

#: A segment ending in one of these closes a sentence; one that does not runs on into the next.
_SENTENCE_END = re.compile("[.!?\u2026][\"')\\]\u00bb\u201d\u2019]*$")
#: Segments further apart than this (a pause) are never joined.
MAX_JOIN_GAP_S = 2.0
#: A unit joined across phrase cuts (see :func:`_mid_phrase`) stops growing at this many words or
#: seconds, so evidence and the pitch second keep a precision of a few seconds.
MAX_PHRASE_WORDS = 60
MAX_PHRASE_S = 25.0
#: Words no sentence ends on in pt/en/es (articles, prepositions, conjunctions, naming verbs and
#: currency signs): a segment ending on one is cut mid-phrase, whatever its punctuation says.
_OPEN_TAIL = frozenset(
    """a an the and or of for to in on at with within by from is it's its called named just only
    o os as um uma e ou de do da dos das por para pra com em no na nos nas é chamado chamada chama
    chamamos apenas só somente dentro
    el la los las un una y o de del por para con en al es llamado llamada llama llamamos solo sólo
    apenas dentro r$ $ us$ € £""".split()
)
#: Words a segment cannot start a phrase with: the unit or scale of a number said at the end of
#: the previous one ("... 84" | "reais e 76 centavos"; "... within 30" | "days").
_UNIT_HEAD = frozenset(
    """reais real centavos dólares dolares dólar dolar dollars dollar bucks cents pesos euros mil
    thousand hundred million millions milhão milhões millones millón cento cientos dias dia days day
    días día semanas semana weeks week meses mês mes months month anos año años years year""".split()
)

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
        kept = join_run_ons(sorted((s for s in segments if s.text.strip()), key=lambda s: s.start), language)
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

    @cached_property
    def flowing_text(self) -> str:
        """:attr:`folded_text` with the segment breaks read as spaces (same offsets): a phrase a
        recogniser cut in two ("esto es lo" | "que recibes") still matches."""
        return self.folded_text.replace("\n", " ")

    def hits(self, pattern: re.Pattern[str] | None) -> list[int]:
        """Segment index where every match of ``pattern`` starts, read across segment breaks (one pass)."""
        if pattern is None:
            return []
        return [self.segment_at(m.start()) for m in pattern.finditer(self.flowing_text)]

    def first_index_at(self, seconds: float) -> int:
        return next((k for k, s in enumerate(self.segments) if s.start >= seconds), len(self.segments))


def join_run_ons(segments: Sequence[Segment], language: str | None = None) -> list[Segment]:
    """Join a segment cut mid-phrase with the next, into units of a few seconds.

    Speech recognisers cut where the speaker breathes, not where the sentence ends, so a price
    ("oitenta e quatro e" | "setenta e seis"), a naming construction ("it's called" | "the X") or
    a turn into the offer often straddles two segments; every rule reads one segment at a time, so
    it would see neither half.  Only cuts the grammar says are mid-phrase are joined (see
    :func:`_mid_phrase`): a blanket join of every unpunctuated cut would merge a price with its
    neighbours' roles ("vendido a R$ 497" beside "leva por R$ 197").  A unit keeps the first segment's start and the last one's end, so
    evidence still points at the seconds the words were said; a sentence-cut transcript (every
    segment ends in ``.``, ``!`` or ``?``) comes back unchanged.
    """
    out: list[Segment] = []
    words = 0
    open_unit = False
    for seg in segments:
        text = " ".join(seg.text.split())
        n = len(text.split())
        last = out[-1] if out else None
        join = False
        if last is not None and seg.start - last.end <= MAX_JOIN_GAP_S:
            fits = words + n <= MAX_PHRASE_WORDS and seg.end - last.start <= MAX_PHRASE_S
            join = open_unit and fits and _mid_phrase(last.text, text, language)
        if last is not None and join:
            out[-1] = Segment(
                start=last.start,
                end=max(last.end, seg.end),
                text=f"{last.text} {text}",
                words=[*last.words, *seg.words],
            )
            words += n
        else:
            out.append(Segment(start=seg.start, end=seg.end, text=text, words=list(seg.words)))
            words = n
        open_unit = not _SENTENCE_END.search(text)
    return out


def _mid_phrase(before: str, after: str, language: str | None) -> bool:
    """Whether the cut between two segments falls inside a phrase by the grammar of pt/en/es: the
    first ends on a word no sentence ends on, the second starts with a number's unit or scale, or a
    number runs on through "e"/"y"/"and" ("oitenta e quatro" | "e setenta e seis")."""
    tail = before.rsplit(" ", 1)[-1].lower().strip(",;:-\u2013\u2014")
    head = after.split(" ", 1)[0].lower().strip(",.;:!?-\u2013\u2014")
    if tail in _OPEN_TAIL or head in _UNIT_HEAD:
        return True
    if head in ("e", "y", "and") and not before.endswith((".", "!", "?", "…")):
        return words_to_digits(tail, language).strip().isdigit() and _number_follows(after, language)
    return False


def _number_follows(after: str, language: str | None) -> bool:
    words = after.split(" ", 2)
    return len(words) > 1 and words_to_digits(words[1].strip(",.;:!?"), language).strip().isdigit()


def clip(text: str, limit: int = MAX_QUOTE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def count(pattern: re.Pattern[str] | None, text: str) -> int:
    return len(pattern.findall(text)) if pattern is not None else 0
