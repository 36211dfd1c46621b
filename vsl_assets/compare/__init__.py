"""Comparing VSLs and versions of one VSL: the transcript diff and the breakdown diff.

Plain Python (no Dagster, no web): the compare service loads rows and calls this; the watch
service's "what changed" uses the same engine.
"""

from collections.abc import Iterable

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
from vsl_assets.compare.summary import describe
from vsl_assets.compare.transcript import Timed, TimedText, diff_transcripts, time_map

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
    "Timed",
    "TimedText",
    "TranscriptDiff",
    "TranscriptSummary",
    "describe",
    "diff_beats",
    "diff_breakdowns",
    "diff_transcripts",
    "diff_versions",
    "time_axis",
    "time_map",
]


def diff_versions(
    old_key: str,
    old_segments: Iterable[Timed],
    old_facts: Facts,
    new_key: str,
    new_segments: Iterable[Timed],
    new_facts: Facts,
) -> Diff:
    """What changed from one version to the next: the transcript first, whose time map then
    pairs the beats (a beat pushed back by new text earlier is "moved", with its shift)."""
    transcript = diff_transcripts(old_segments, new_segments)
    return Diff(
        old_key=old_key,
        new_key=new_key,
        transcript=transcript,
        breakdown=diff_breakdowns(old_facts, new_facts, time_map(transcript)),
    )
