"""Comparing VSLs and versions of one VSL: the transcript diff and the breakdown diff.

Plain Python (no Dagster, no web): the compare service loads rows and calls this; the watch
service's "what changed" uses the same engine.
"""

from vsl_assets.compare.facts import FIELDS, BeatSpan, Facts, diff_beats, diff_breakdowns, time_axis
from vsl_assets.compare.models import (
    BeatChange,
    BreakdownDiff,
    Diff,
    DiffRow,
    FieldChange,
    Piece,
    Span,
    TranscriptDiff,
    TranscriptSummary,
)
from vsl_assets.compare.transcript import TimedText, diff_transcripts, time_map

__all__ = [
    "FIELDS",
    "BeatChange",
    "BeatSpan",
    "BreakdownDiff",
    "Diff",
    "DiffRow",
    "Facts",
    "FieldChange",
    "Piece",
    "Span",
    "TimedText",
    "TranscriptDiff",
    "TranscriptSummary",
    "diff_beats",
    "diff_breakdowns",
    "diff_transcripts",
    "time_axis",
    "time_map",
]
