"""Asset checks: properties of each output that a later step or a person relies on.

Each check is declared on the asset it is about (``check_specs``) and evaluated inside that
asset's step, on what the step has just produced (the probe of the video it downloaded, the
transcript it holds in memory, the database row it wrote), and returned with the
materialization (``MaterializeResult(check_results=...)``).  Separate check steps cost a run
two more steps of Dagster's bookkeeping (step events, a step context) and a second read of
files the step had just written; measured by benchmarks/bench_pipeline.py.  Check names are
unchanged, so their history in the UI carries on.  As before, a failed step evaluates none of
its checks (its failure and reason are what the run reports then).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dagster import AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetKey

from vsl_assets.breakdown.models import Breakdown
from vsl_assets.defs.partitions import vsl_urls
from vsl_assets.media.probe import MediaInfo
from vsl_assets.media.speech import speech_seconds
from vsl_assets.transcription import Transcript
from vsl_assets.transcription.chunking import SilenceOptions
from vsl_assets.transcription.quality import coverage, repetition, words_per_minute

DURATION_TOLERANCE_S = 1.0
MIN_SPEECH_S = 2.0

#: Each asset's checks by name, with what they promise (shown in the UI).
CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "video_file": (("video_has_audio_and_duration", "The video has an audio stream and a positive duration."),),
    "audio_file": (("audio_matches_video_duration", "The audio lasts as long as the video (within 1 s)."),),
    "transcript": (
        ("transcript_not_empty_for_speech", "The transcript is not empty when the audio has speech."),
        (
            "transcript_covers_audio",
            "The transcript reaches the end of the audio (last segment within a few seconds, or a silent tail).",
        ),
        ("transcript_has_no_repetition_loop", "No hallucinated repetition of the same text."),
        (
            "transcript_has_no_warnings",
            "The transcript carries no warning: its language is one of VSL_LANGUAGES and sure, no speech lacks text.",
        ),
        ("transcript_words_per_minute", "Words per minute in a plausible range for speech."),
    ),
    "breakdown": (
        (
            "beats_inside_duration_and_ordered",
            "The beats lie inside the video, each ends after it starts, and they are in time order.",
        ),
        (
            "price_when_a_price_beat_exists",
            "A VSL with a price beat has an offer price (the price was read, not only its moment).",
        ),
    ),
}


def check_specs(asset: str) -> list[AssetCheckSpec]:
    """The specs of ``asset``'s checks, for ``@asset(check_specs=...)``."""
    return [
        AssetCheckSpec(name, asset=asset, description=description, partitions_def=vsl_urls)
        for name, description in CHECKS.get(asset, ())
    ]


def selected(
    context: AssetExecutionContext, results: Iterable[AssetCheckResult], asset: str | None = None
) -> list[AssetCheckResult]:
    """The results of the checks this run selected (all of the asset's, unless a selection left some out).

    ``asset`` names the asset where one op makes several; each result then carries its asset's key."""
    wanted = context.selected_asset_check_keys
    key = AssetKey(asset) if asset is not None else context.asset_key
    return [
        AssetCheckResult(
            asset_key=key,
            check_name=r.check_name,
            passed=r.passed,
            severity=r.severity,
            metadata=r.metadata,
            description=r.description,
        )
        if asset is not None
        else r
        for r in results
        if AssetCheckKey(key, r.check_name or "") in wanted
    ]


def video_checks(info: MediaInfo) -> Iterator[AssetCheckResult]:
    """On the probe of the video the step has just stored (or found stored and complete)."""
    yield AssetCheckResult(
        check_name="video_has_audio_and_duration",
        passed=info.has_audio and info.duration_s > 0,
        metadata={"has_audio": info.has_audio, "duration_s": info.duration_s},
    )


def audio_checks(audio_duration_s: float, video_duration_s: float | None) -> Iterator[AssetCheckResult]:
    """The audio's duration (its probe) against the video's (its row)."""
    if video_duration_s is None:
        yield AssetCheckResult(
            check_name="audio_matches_video_duration",
            passed=False,
            metadata={"reason": "video or audio row missing"},
        )
        return
    diff = abs(video_duration_s - audio_duration_s)
    yield AssetCheckResult(
        check_name="audio_matches_video_duration",
        passed=diff <= DURATION_TOLERANCE_S,
        metadata={
            "video_duration_s": video_duration_s,
            "audio_duration_s": audio_duration_s,
            "difference_s": round(diff, 3),
        },
    )


def _result(name: str, r: Any, severity: AssetCheckSeverity = AssetCheckSeverity.ERROR) -> AssetCheckResult:
    metadata = {k: v for k, v in r.metadata.items() if v is not None}
    return AssetCheckResult(
        check_name=name, passed=r.passed, severity=severity, description=r.description, metadata=metadata
    )


def transcript_checks(
    t: Transcript, duration: float, audio: Path, ffmpeg: str | None = None
) -> Iterator[AssetCheckResult]:
    """The transcript's five checks, on the transcript the step holds and the audio's duration
    (its row); the audio file is read (with ``ffmpeg``) only when the text stops early or is empty."""
    if t.word_count > 0:
        yield AssetCheckResult(
            check_name="transcript_not_empty_for_speech",
            passed=True,
            metadata={"word_count": t.word_count},
        )
        silence = SilenceOptions(ffmpeg=ffmpeg)
        yield _result("transcript_covers_audio", coverage(t, duration, audio=audio, silence=silence))
    else:
        speech = speech_seconds(audio)
        yield AssetCheckResult(
            check_name="transcript_not_empty_for_speech",
            passed=speech < MIN_SPEECH_S,
            severity=AssetCheckSeverity.ERROR,
            metadata={"word_count": 0, "speech_seconds": round(speech, 1)},
            description="empty transcript but the audio has speech"
            if speech >= MIN_SPEECH_S
            else "no speech in the audio",
        )
        yield AssetCheckResult(
            check_name="transcript_covers_audio",
            passed=True,
            description="empty transcript: judged by the speech check",
        )
    yield _result("transcript_has_no_repetition_loop", repetition(t))
    yield _warnings_check(t)
    # WARN: music-heavy or silent VSLs legitimately fall below the range.
    yield _result("transcript_words_per_minute", words_per_minute(t, duration), AssetCheckSeverity.WARN)


def _warnings_check(t: Transcript) -> AssetCheckResult:
    """WARN: the transcript is usable, but a person should look before trusting it (language
    outside VSL_LANGUAGES or unsure, speech without text)."""
    metadata = {
        "language": t.language or "unknown",
        "language_probability": t.language_probability,
        "language_source": t.language_source or "unknown",
        "speech_coverage": t.speech_coverage,
        "warnings": "\n".join(f"{w.kind}: {w.message}" for w in t.warnings) or "none",
    }
    return AssetCheckResult(
        check_name="transcript_has_no_warnings",
        passed=not t.warnings,
        severity=AssetCheckSeverity.WARN,
        description=t.warnings[0].message if t.warnings else "no warnings",
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


def beats_problems(b: Breakdown, duration_s: float) -> list[str]:
    """What is wrong with the beats' timing: outside the video, reversed, or out of order."""
    problems = []
    previous_start = 0.0
    for i, beat in enumerate(b.beats, 1):
        where = f"beat {i} ({beat.beat} {beat.start:.1f}-{beat.end:.1f} s)"
        if beat.end < beat.start:
            problems.append(f"{where} ends before it starts")
        if beat.end > duration_s + DURATION_TOLERANCE_S:
            problems.append(f"{where} ends after the video ({duration_s:.1f} s)")
        if beat.start < previous_start:
            problems.append(f"{where} starts before the beat preceding it")
        previous_start = beat.start
    return problems


def breakdown_checks(b: Breakdown, duration: float) -> Iterator[AssetCheckResult]:
    """The breakdown's two checks, on the breakdown the step holds and the audio's duration (its row)."""
    problems = beats_problems(b, duration)
    yield AssetCheckResult(
        check_name="beats_inside_duration_and_ordered",
        passed=not problems,
        description=problems[0] if problems else f"{len(b.beats)} beats in order within {duration:.1f} s",
        metadata={"beats": len(b.beats), "duration_s": duration, "problems": "\n".join(problems) or "none"},
    )
    price_beats = [x for x in b.beats if x.beat == "price"]
    passed = not price_beats or b.offer_price is not None
    if passed:
        description = "offer price read" if b.offer_price else "no price beat, so no price expected"
    else:
        description = f"a price beat at {price_beats[0].start:.0f} s but no offer price was read from it"
    yield AssetCheckResult(
        check_name="price_when_a_price_beat_exists",
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={"price_beats": len(price_beats), "offer_price": b.offer_price.amount if b.offer_price else None},
    )
