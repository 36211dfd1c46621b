"""What a comparison and a diff are: the shapes the service returns, the API serialises and the
pages render.

Pydantic models (as the breakdown's are) so the JSON of ``/api/diff`` and ``/api/compare`` is this
package's own output, not a second copy of it kept in step by hand.  Times are seconds from the
start of each version's own video; a "shift" is new minus old.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

#: How a stretch of transcript (one sentence, or a few that were cut differently) fared between
#: two versions.  ``rewritten``: the same place in the script, said with some words changed.
RowKind = Literal["unchanged", "added", "removed", "rewritten"]

#: How one breakdown field fared.  ``unknown``: either version's value is a guess the engine was
#: not sure of, so no change is claimed; ``none``: neither version states it.
FieldStatus = Literal["same", "changed", "added", "removed", "unknown", "none"]

BeatStatus = Literal["same", "moved", "added", "removed"]


class Piece(BaseModel):
    """A run of words inside a rewritten row; ``changed`` marks the words the other side lacks."""

    text: str
    changed: bool


class Span(BaseModel):
    """One side of a row: its words as said, and where they are in that version's video."""

    text: str
    start: float
    end: float
    #: Only in a rewritten row: the text cut into runs, the changed ones marked.
    pieces: list[Piece] = Field(default_factory=list)


class DiffRow(BaseModel):
    kind: RowKind
    old: Span | None = None
    new: Span | None = None
    #: ``new.start - old.start`` where both sides exist: how far that text moved in the video.
    shift_s: float | None = None


class TranscriptSummary(BaseModel):
    added: int = 0
    removed: int = 0
    rewritten: int = 0
    unchanged: int = 0
    #: Seconds of speech only in the new version / only in the old one.
    seconds_added: float = 0.0
    seconds_removed: float = 0.0
    #: The largest shift (signed) of text found in both versions: how far the script moved in time.
    max_shift_s: float = 0.0


class TranscriptDiff(BaseModel):
    rows: list[DiffRow]
    summary: TranscriptSummary

    @property
    def changes(self) -> list[DiffRow]:
        return [r for r in self.rows if r.kind != "unchanged"]


class FieldChange(BaseModel):
    """One breakdown field in both versions.  Values are as stored (numbers, codes, texts; a price
    is ``{amount, currency, installments, installment_amount}``); the page formats them."""

    field: str
    status: FieldStatus
    old: object | None = None
    new: object | None = None
    #: Numeric fields: new minus old (seconds, days, money), where both are known.
    delta: float | None = None
    #: Which side's value the engine was not sure of (withheld: shown as "not sure").
    old_unsure: bool = False
    new_unsure: bool = False
    #: A changed text field (hook, product, mechanism): both texts in runs, the changed words marked.
    old_pieces: list[Piece] = Field(default_factory=list)
    new_pieces: list[Piece] = Field(default_factory=list)


class BeatChange(BaseModel):
    beat: str
    status: BeatStatus
    old_start: float | None = None
    old_end: float | None = None
    new_start: float | None = None
    new_end: float | None = None
    #: ``new_start - old_start`` for a beat found in both.
    shift_s: float | None = None


class BreakdownDiff(BaseModel):
    fields: list[FieldChange]
    beats: list[BeatChange]

    @property
    def changed_fields(self) -> list[str]:
        return [f.field for f in self.fields if f.status in ("changed", "added", "removed")]


class Diff(BaseModel):
    """What changed between two versions (or two VSLs): the transcript and the breakdown."""

    old_key: str
    new_key: str
    transcript: TranscriptDiff
    breakdown: BreakdownDiff
