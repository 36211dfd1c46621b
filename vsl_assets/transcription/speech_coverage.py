"""Where the VAD hears speech that the transcript has no text for ("holes").

Whisper can silently skip a stretch of speech (a window it judged silent, a decode that ran off
into a loop and was cut): every check that only looks at the end of the audio still passes, and
the missing stretch is often the price or the guarantee.  The VAD (Silero, shipped with
faster-whisper) is independent of the decoder, so comparing its speech with the transcript's
segments finds those stretches; the local engine re-transcribes each one on its own window and
what stays missing becomes a warning on the transcript.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vsl_assets.core.humanize import clock
from vsl_assets.transcription.language_id import SpeechSpan, speech_spans
from vsl_assets.transcription.models import Segment, Transcript, TranscriptWarning

#: Seconds a segment's text is taken to cover beyond its own ends: Whisper's segment boundaries
#: and the VAD's (which pads speech by 30 ms and merges across 2 s pauses) never agree exactly.
SEGMENT_SLACK_S = 1.0


@dataclass(frozen=True)
class Hole:
    """Speech without text, in seconds from the start of the audio."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def label(self) -> str:
        return f"{clock(self.start)}-{clock(self.end)} ({self.duration:.0f} s)"


def _covered(segments: Sequence[Segment]) -> list[tuple[float, float]]:
    spans = sorted((s.start - SEGMENT_SLACK_S, s.end + SEGMENT_SLACK_S) for s in segments if s.text.strip())
    merged: list[tuple[float, float]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def uncovered(speech: Sequence[SpeechSpan], segments: Sequence[Segment]) -> list[Hole]:
    """Every piece of speech outside all segments (slack included), in time order."""
    covered = _covered(segments)
    pieces: list[Hole] = []
    for span in speech:
        cursor = span.start
        for start, end in covered:
            if end <= cursor or start >= span.end:
                continue
            if start > cursor:
                pieces.append(Hole(cursor, start))
            cursor = max(cursor, end)
        if cursor < span.end:
            pieces.append(Hole(cursor, span.end))
    return pieces


def holes(speech: Sequence[SpeechSpan], segments: Sequence[Segment], min_hole_s: float) -> list[Hole]:
    """Uncovered speech, pieces less than 2 s apart joined, of at least ``min_hole_s`` seconds."""
    joined: list[Hole] = []
    for piece in uncovered(speech, segments):
        if joined and piece.start - joined[-1].end < 2.0:
            joined[-1] = Hole(joined[-1].start, piece.end)
        else:
            joined.append(piece)
    return [h for h in joined if h.duration >= min_hole_s]


def speech_share(speech: Sequence[SpeechSpan], segments: Sequence[Segment]) -> float:
    """Share (0-1) of the VAD's speech time inside the transcript's segments (slack included)."""
    total = sum(s.duration for s in speech)
    if total <= 0:
        return 1.0
    missing = sum(h.duration for h in uncovered(speech, segments))
    return max(0.0, 1.0 - missing / total)


#: Seconds of audio on each side of a hole that its second transcription also hears.
HOLE_MARGIN_S = 1.0


def hole_window(hole: Hole, duration_s: float) -> tuple[float, float]:
    """The audio a hole is transcribed again from: the hole plus a margin, inside the file."""
    return max(0.0, hole.start - HOLE_MARGIN_S), min(duration_s, hole.end + HOLE_MARGIN_S)


def text_before(transcript: Transcript, hole: Hole, chars: int) -> str | None:
    """The transcript's last ``chars`` characters before ``hole``: the prompt of its second pass."""
    before = " ".join(s.text for s in transcript.segments if s.end <= hole.start + SEGMENT_SLACK_S)
    return before[-chars:] or None


def merge_window(transcript: Transcript, fresh: Sequence[Segment], start: float, end: float) -> int:
    """Add a window's new segments (times relative to ``start``) whose middle lies in the window.

    Returns how many were added; the transcript's text is rebuilt in time order.
    """
    added = []
    for seg in fresh:
        seg.start, seg.end = seg.start + start, seg.end + start
        for word in seg.words:
            word.start, word.end = word.start + start, word.end + start
        if seg.text.strip() and start <= (seg.start + seg.end) / 2 <= end:
            added.append(seg)
    if added:
        transcript.segments = sorted([*transcript.segments, *added], key=lambda s: (s.start, s.end))
        transcript.text = " ".join(s.text for s in transcript.segments if s.text)
    return len(added)


def record_coverage(
    transcript: Transcript, speech: Sequence[SpeechSpan], min_hole_s: float, *, retried: int = 0
) -> list[Hole]:
    """Set ``speech_coverage`` and replace the coverage warning; returns the holes left."""
    left = holes(speech, transcript.segments, min_hole_s)
    transcript.speech_coverage = round(speech_share(speech, transcript.segments), 4)
    transcript.warnings = [w for w in transcript.warnings if w.kind != "coverage"]
    if left:
        total = sum(h.duration for h in left)
        again = f" (still missing after re-transcribing {retried} window(s))" if retried else ""
        transcript.warnings.append(
            TranscriptWarning(
                "coverage",
                f"{len(left)} stretch(es) of speech, {total:.0f} s in all, have no text{again}: "
                + ", ".join(h.label() for h in left[:10])
                + (" …" if len(left) > 10 else ""),
            )
        )
    return left


def measure(transcript: Transcript, audio: Path, min_hole_s: float) -> list[Hole]:
    """VAD over the whole file, then :func:`record_coverage` (for engines that did not do it)."""
    from vsl_assets.transcription.audio import load_audio

    return record_coverage(transcript, speech_spans(load_audio(audio)), min_hole_s)
