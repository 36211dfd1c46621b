"""Checks that a transcript is plausible: complete, not looping, speech-paced; and word error rate.

Plain functions over a :class:`Transcript`, no Dagster: the asset layer wraps them as asset
checks and copies ``metadata`` into the check result.  Each returns a small frozen dataclass
with ``passed``, a one-line ``description`` a person can act on, and ``metadata`` (numbers
and short strings only, so it renders in the UI as it is).

What they catch, and why these rules:

* :func:`coverage` -- the last words end near the end of the audio.  A chunk lost, a request
  whose text was cut short, or a stitching bug all show up as a transcript that stops early.
  A long silent tail is not a loss, so it passes when ``audio`` is given and ffmpeg finds the
  tail silent.
* :func:`repetition` -- Whisper's best-known failure is a loop: the same sentence (or a short
  phrase) over and over, often across a stretch of music or silence.  Legitimate speech
  repeats a sentence twice, rarely three times; four identical segments in a row is a loop.
* :func:`words_per_minute` -- speech runs at ~100-200 wpm.  Far below means large parts were
  missed (or the audio is mostly music); far above means invented text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vsl_assets.transcription.chunking import SilenceOptions, detect_silences
from vsl_assets.transcription.models import Segment, Transcript

#: Default tolerance between the last segment's end and the end of the audio.
COVERAGE_TOLERANCE_S = 5.0
REPETITION_MIN_RUN = 4
WPM_RANGE = (60.0, 260.0)


@dataclass(frozen=True)
class CoverageResult:
    passed: bool
    last_end_s: float
    gap_s: float
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def __iter__(self):  # noqa: ANN204 - allows ``passed, last_end, gap = coverage(...)``
        return iter((self.passed, self.last_end_s, self.gap_s))


@dataclass(frozen=True)
class RepetitionResult:
    passed: bool
    #: Longest run of consecutive repeats found (1 = nothing repeated).
    max_run: int
    #: ``"segment"``, ``"sentence"`` or ``"phrase"`` for the worst run; None when nothing repeats.
    kind: str | None
    text: str | None
    at_s: float | None
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WordsPerMinuteResult:
    passed: bool
    wpm: float | None
    words: int
    duration_s: float | None
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WerResult:
    wer: float
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int
    hypothesis_words: int


def _spoken_segments(t: Transcript) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.text) for s in t.segments if s.text.strip()]


def coverage(
    transcript: Transcript,
    audio_duration_s: float,
    *,
    tolerance_s: float = COVERAGE_TOLERANCE_S,
    audio: Path | None = None,
    silence: SilenceOptions | None = None,
) -> CoverageResult:
    """Does the transcript reach the end of the audio (within ``tolerance_s``)?

    With ``audio``, a larger gap still passes when the whole tail after the last words is
    silent (the VSL ends on a pause or a black screen); this costs one ffmpeg scan of the tail.
    """
    spoken = _spoken_segments(transcript)
    last_end = max((end for _, end, _ in spoken), default=0.0)
    gap = max(0.0, audio_duration_s - last_end)
    passed = gap <= tolerance_s
    tail_silent: bool | None = None
    if not passed and audio is not None:
        opts = silence or SilenceOptions()
        found = detect_silences(
            audio,
            start=last_end,
            duration=gap,
            noise_db=opts.noise_db,
            min_silence_s=opts.min_silence_s,
            timeout_s=opts.timeout_s,
            ffmpeg=opts.ffmpeg,
        )
        # One pause from (about) the last words to the very end.
        tail_silent = any(s.start <= last_end + tolerance_s and s.end >= audio_duration_s - 0.1 for s in found)
        passed = tail_silent
    if not spoken:
        description = "the transcript has no text"
    elif gap <= tolerance_s:
        description = f"the last segment ends {gap:.1f} s before the end of the audio"
    elif tail_silent:
        description = f"the last segment ends {gap:.1f} s before the end, and the rest is silence"
    else:
        description = (
            f"the transcript stops at {last_end:.1f} s, {gap:.1f} s before the end of the audio "
            f"(tolerance {tolerance_s:g} s): speech may be missing"
        )
    return CoverageResult(
        passed=passed,
        last_end_s=last_end,
        gap_s=gap,
        description=description,
        metadata={
            "last_end_s": round(last_end, 3),
            "audio_duration_s": round(audio_duration_s, 3),
            "gap_s": round(gap, 3),
            "tolerance_s": tolerance_s,
            "tail_silent": tail_silent,
        },
    )


_PUNCT_RE = re.compile(r"[^\w\s']+")
_SENTENCE_RE = re.compile(r"(?<=[.!?…])\s+")


def normalise_text(text: str) -> str:
    """Lowercase, punctuation dropped, whitespace collapsed; accents kept ("ação" != "acao")."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    text = re.sub(r"(?<=\d)[,.](?=\d)", "", text)  # 1,000 -> 1000
    text = _PUNCT_RE.sub(" ", text).replace("_", " ")
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def normalise_words(text: str) -> list[str]:
    return normalise_text(text).split()


def _longest_run(items: list[str]) -> tuple[int, int]:
    """(length, start index) of the longest run of identical consecutive non-empty items."""
    best, best_at, run = 0, 0, 0
    for i, item in enumerate(items):
        run = run + 1 if i > 0 and item and item == items[i - 1] else (1 if item else 0)
        if run > best:
            best, best_at = run, i - run + 1
    return best, best_at


def _phrase_run(words: list[str], max_n: int) -> tuple[int, int, int]:
    """(repeats, n, start) of the most repeated back-to-back n-gram, weighted to flag loops.

    Single words and pairs repeat naturally ("very, very"), so they need twice the repeats
    of a longer phrase before they count; the returned run is scaled to that common footing.
    """
    best = (1, 0, 0)
    for n in range(1, max_n + 1):
        i = 0
        while i + 2 * n <= len(words):
            k = 1
            while words[i + k * n : i + (k + 1) * n] == words[i : i + n]:
                k += 1
            scaled = k // 2 if n <= 2 else k
            if scaled > best[0]:
                best = (scaled, n, i)
            i += (k - 1) * n if k > 1 else 1
    return best


def repetition(
    transcript: Transcript, *, min_run: int = REPETITION_MIN_RUN, phrase_max_words: int = 8
) -> RepetitionResult:
    """Flag ``min_run`` or more identical segments, sentences or phrases in a row.

    Segments cover the Whisper engines; sentences cover json-only engines, whose whole chunk
    is one segment; phrases (up to ``phrase_max_words`` words) catch a loop inside a segment.
    """
    segments = [s for s in transcript.segments if s.text.strip()]
    seg_norm = [normalise_text(s.text) for s in segments]
    seg_run, seg_at = _longest_run(seg_norm)

    sentences = [s for s in _SENTENCE_RE.split(" ".join(transcript.text.split())) if s.strip()]
    sent_norm = [normalise_text(s) for s in sentences]
    sent_run, sent_at = _longest_run(sent_norm)

    words = normalise_words(transcript.text)
    phrase_run, phrase_n, phrase_at = _phrase_run(words, phrase_max_words)

    candidates = [
        (seg_run, "segment", seg_norm[seg_at] if segments else None, segments[seg_at].start if segments else None),
        (sent_run, "sentence", sent_norm[sent_at] if sentences else None, None),
        (phrase_run, "phrase", " ".join(words[phrase_at : phrase_at + phrase_n]) if phrase_n else None, None),
    ]
    run, found_kind, text, at_s = max(candidates, key=lambda c: c[0])
    kind: str | None = found_kind
    passed = run < min_run
    if run <= 1:
        kind, text = None, None
    shown = (text[:77] + "…") if text and len(text) > 80 else text
    description = (
        "no repeated segments, sentences or phrases"
        if run <= 1
        else f"longest repetition: {run}x the same {kind} ({shown!r})"
        + (f" at {at_s:.1f} s" if at_s is not None else "")
        + ("" if passed else f", at or above the limit of {min_run}: probably a hallucination loop")
    )
    return RepetitionResult(
        passed=passed,
        max_run=run,
        kind=kind,
        text=shown,
        at_s=at_s,
        description=description,
        metadata={
            "max_run": run,
            "kind": kind,
            "text": shown,
            "at_s": at_s,
            "min_run": min_run,
            "segment_run": seg_run,
            "sentence_run": sent_run,
            "phrase_run": phrase_run,
        },
    )


def words_per_minute(
    transcript: Transcript,
    duration_s: float | None = None,
    *,
    low: float = WPM_RANGE[0],
    high: float = WPM_RANGE[1],
) -> WordsPerMinuteResult:
    """Words per minute of audio, against a plausible range for speech."""
    duration = duration_s if duration_s is not None else transcript.duration_s
    words = transcript.word_count
    if not duration or duration <= 0:
        return WordsPerMinuteResult(
            False,
            None,
            words,
            duration,
            "the audio duration is unknown, so the pace cannot be checked",
            {"wpm": None, "words": words, "duration_s": duration, "low": low, "high": high},
        )
    wpm = words / (duration / 60.0)
    passed = low <= wpm <= high
    if passed:
        description = f"{wpm:.0f} words per minute, within {low:g}-{high:g}"
    elif wpm < low:
        description = f"only {wpm:.0f} words per minute (expected at least {low:g}): speech may be missing"
    else:
        description = f"{wpm:.0f} words per minute (expected at most {high:g}): text may be invented or repeated"
    return WordsPerMinuteResult(
        passed,
        round(wpm, 1),
        words,
        duration,
        description,
        {"wpm": round(wpm, 1), "words": words, "duration_s": round(duration, 3), "low": low, "high": high},
    )


def word_error_rate(reference: str, hypothesis: str) -> WerResult:
    """WER = (substitutions + deletions + insertions) / reference words, on normalised words.

    Plain Levenshtein over words, O(len(ref) x len(hyp)) time and O(len(hyp)) memory: fine
    for scripts and test clips (a few thousand words), not meant for whole-corpus scoring.
    """
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    # Each cell: (cost, substitutions, deletions, insertions).
    prev = [(j, 0, 0, j) for j in range(len(hyp) + 1)]
    for i in range(1, len(ref) + 1):
        cur = [(i, 0, i, 0)]
        for j in range(1, len(hyp) + 1):
            if ref[i - 1] == hyp[j - 1]:
                best = prev[j - 1]
            else:
                s, d, n = prev[j - 1], prev[j], cur[j - 1]
                best = min(
                    (s[0] + 1, s[1] + 1, s[2], s[3]),
                    (d[0] + 1, d[1], d[2] + 1, d[3]),
                    (n[0] + 1, n[1], n[2], n[3] + 1),
                )
            cur.append(best)
        prev = cur
    cost, subs, dels, ins = prev[-1]
    rate = cost / len(ref) if ref else (0.0 if not hyp else 1.0)
    return WerResult(rate, subs, dels, ins, len(ref), len(hyp))


def wer(reference: str, hypothesis: str) -> float:
    return word_error_rate(reference, hypothesis).wer


#: A segment decoded with a mean token log-probability under this, or compressing like a loop, or
#: judged likely silence, is low confidence (Whisper's own fallback thresholds: -1.0, 2.4, 0.6).
LOW_LOGPROB = -1.0
LOOP_COMPRESSION = 2.4
NO_SPEECH = 0.6
#: Under this quality score (or with any warning) a transcript needs a person's review.
REVIEW_BELOW = 0.8


def low_confidence(segment: Segment) -> bool:
    """Whether the engine itself doubted this segment (False when it gave no signals)."""
    return (
        (segment.avg_logprob is not None and segment.avg_logprob < LOW_LOGPROB)
        or (segment.compression_ratio is not None and segment.compression_ratio > LOOP_COMPRESSION)
        or (segment.no_speech_prob is not None and segment.no_speech_prob > NO_SPEECH and bool(segment.text.strip()))
    )


def quality_score(transcript: Transcript) -> float | None:
    """0-1: the share of the spoken time in confident segments, times the speech coverage.

    None when the engine gave no per-segment signals (the API engines) and coverage was not
    measured: unknown is not good.
    """
    spoken = [s for s in transcript.segments if s.text.strip()]
    signals = any(s.avg_logprob is not None for s in spoken)
    if not signals and transcript.speech_coverage is None:
        return None
    total = sum(max(0.0, s.end - s.start) for s in spoken)
    confident = sum(max(0.0, s.end - s.start) for s in spoken if not low_confidence(s))
    share = confident / total if total > 0 and signals else 1.0
    return round(share * (transcript.speech_coverage if transcript.speech_coverage is not None else 1.0), 3)


def needs_review(transcript: Transcript) -> bool:
    """A warning (language, coverage) or a quality score under :data:`REVIEW_BELOW`."""
    score = quality_score(transcript)
    return bool(transcript.warnings) or (score is not None and score < REVIEW_BELOW)
