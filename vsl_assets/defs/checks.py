"""Asset checks: properties of each output that a later step or a person relies on.

The eight checks run as two steps (``multi_asset_check``): ``media_checks`` once the audio
exists and ``content_checks`` once the breakdown does.  Each step of a run costs Dagster's own
bookkeeping (events written to the run storage, a step context, resources; measured ~0.2 s a
step on this machine by benchmarks/bench_pipeline.py), and checks of the same asset read the
same stored file, which one step reads once.  Check names are unchanged, so their history in the
UI carries on.  The price: when a step fails, the checks grouped after it do not run (its failure
and reason are what the run reports then).
"""

import json
from collections.abc import Iterator
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    multi_asset_check,
)

from vsl_assets.breakdown.models import Breakdown
from vsl_assets.db import Audio, Video, repo
from vsl_assets.defs.partitions import vsl_urls
from vsl_assets.defs.resources import DatabaseResource, MediaResource, StorageResource
from vsl_assets.errors import MediaError
from vsl_assets.media import probe
from vsl_assets.media.speech import speech_seconds
from vsl_assets.transcription import Transcript
from vsl_assets.transcription.chunking import SilenceOptions
from vsl_assets.transcription.quality import coverage, repetition, words_per_minute

#: The assets the checks are about, by key (the assets are built when the code location loads).
VIDEO, AUDIO, TRANSCRIPT, BREAKDOWN = (
    AssetKey(name) for name in ("video_file", "audio_file", "transcript", "breakdown")
)

DURATION_TOLERANCE_S = 1.0
MIN_SPEECH_S = 2.0


def _selected(context: AssetCheckExecutionContext, results: Iterator[AssetCheckResult]) -> Iterator[AssetCheckResult]:
    """The results of the checks this run selected (one asset materialized alone selects its own)."""
    wanted = context.selected_asset_check_keys
    return (r for r in results if r.asset_key is not None and AssetCheckKey(r.asset_key, r.check_name or "") in wanted)


def _spec(name: str, asset: Any, description: str) -> AssetCheckSpec:
    return AssetCheckSpec(name, asset=asset, description=description, partitions_def=vsl_urls)


@multi_asset_check(
    specs=[
        _spec("video_has_audio_and_duration", VIDEO, "The video has an audio stream and a positive duration."),
        _spec("audio_matches_video_duration", AUDIO, "The audio lasts as long as the video (within 1 s)."),
    ],
    can_subset=True,  # materializing one asset selects its checks only
)
def media_checks(
    context: AssetCheckExecutionContext, storage: StorageResource, db: DatabaseResource
) -> Iterator[AssetCheckResult]:
    """The video's and the audio's checks, once both exist (one step)."""
    yield from _selected(context, _media_checks(context.partition_key, storage, db))


def _media_checks(key: str, storage: StorageResource, db: DatabaseResource) -> Iterator[AssetCheckResult]:
    path = storage.layout.video_path(key)
    try:
        storage.store.fetch(path)
        info = probe(path)
    except MediaError as exc:
        yield AssetCheckResult(
            check_name="video_has_audio_and_duration",
            asset_key=VIDEO,
            passed=False,
            metadata={"reason": exc.reason},
        )
    else:
        yield AssetCheckResult(
            check_name="video_has_audio_and_duration",
            asset_key=VIDEO,
            passed=info.has_audio and info.duration_s > 0,
            metadata={"has_audio": info.has_audio, "duration_s": info.duration_s},
        )
    with db.session() as s:
        video = repo.get_output(s, Video, key)
        audio = repo.get_output(s, Audio, key)
    if video is None or audio is None:
        yield AssetCheckResult(
            check_name="audio_matches_video_duration",
            asset_key=AUDIO,
            passed=False,
            metadata={"reason": "video or audio row missing"},
        )
        return
    diff = abs(video.duration_s - audio.duration_s)
    yield AssetCheckResult(
        check_name="audio_matches_video_duration",
        asset_key=AUDIO,
        passed=diff <= DURATION_TOLERANCE_S,
        metadata={
            "video_duration_s": video.duration_s,
            "audio_duration_s": audio.duration_s,
            "difference_s": round(diff, 3),
        },
    )


def _stored_transcript(storage: StorageResource, key: str) -> Transcript:
    path = storage.layout.transcript_path(key, "json")
    storage.store.fetch(path)
    return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _result(
    name: str, asset: AssetKey, r: Any, severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
) -> AssetCheckResult:
    metadata = {k: v for k, v in r.metadata.items() if v is not None}
    return AssetCheckResult(
        check_name=name,
        asset_key=asset,
        passed=r.passed,
        severity=severity,
        description=r.description,
        metadata=metadata,
    )


def _audio_duration(db: DatabaseResource, key: str) -> float:
    with db.session() as s:
        audio = repo.get_output(s, Audio, key)
    return audio.duration_s if audio is not None else 0.0


def _transcript_checks(
    key: str, db: DatabaseResource, storage: StorageResource, media: MediaResource
) -> Iterator[AssetCheckResult]:
    """The transcript's five checks over one read of the stored transcript and the audio's row."""
    t = _stored_transcript(storage, key)
    duration = _audio_duration(db, key)
    audio = storage.layout.audio_path(key, media.audio_ext)
    if t.word_count > 0:
        yield AssetCheckResult(
            check_name="transcript_not_empty_for_speech",
            asset_key=TRANSCRIPT,
            passed=True,
            metadata={"word_count": t.word_count},
        )
        storage.store.fetch(audio)
        yield _result(
            "transcript_covers_audio",
            TRANSCRIPT,
            coverage(t, duration, audio=audio, silence=SilenceOptions(ffmpeg=media.ffmpeg or None)),
        )
    else:
        storage.store.fetch(audio)
        speech = speech_seconds(audio)
        yield AssetCheckResult(
            check_name="transcript_not_empty_for_speech",
            asset_key=TRANSCRIPT,
            passed=speech < MIN_SPEECH_S,
            severity=AssetCheckSeverity.ERROR,
            metadata={"word_count": 0, "speech_seconds": round(speech, 1)},
            description="empty transcript but the audio has speech"
            if speech >= MIN_SPEECH_S
            else "no speech in the audio",
        )
        yield AssetCheckResult(
            check_name="transcript_covers_audio",
            asset_key=TRANSCRIPT,
            passed=True,
            description="empty transcript: judged by the speech check",
        )
    yield _result("transcript_has_no_repetition_loop", TRANSCRIPT, repetition(t))
    yield _warnings_check(t)
    # WARN: music-heavy or silent VSLs legitimately fall below the range.
    yield _result("transcript_words_per_minute", TRANSCRIPT, words_per_minute(t, duration), AssetCheckSeverity.WARN)


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
        asset_key=TRANSCRIPT,
        passed=not t.warnings,
        severity=AssetCheckSeverity.WARN,
        description=t.warnings[0].message if t.warnings else "no warnings",
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


def _stored_breakdown(storage: StorageResource, key: str) -> Breakdown:
    path = storage.layout.breakdown_path(key)
    storage.store.fetch(path)
    return Breakdown.model_validate_json(path.read_text(encoding="utf-8"))


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


def _breakdown_checks(key: str, storage: StorageResource, db: DatabaseResource) -> Iterator[AssetCheckResult]:
    """The breakdown's two checks over one read of the stored breakdown."""
    b = _stored_breakdown(storage, key)
    duration = _audio_duration(db, key)
    problems = beats_problems(b, duration)
    yield AssetCheckResult(
        check_name="beats_inside_duration_and_ordered",
        asset_key=BREAKDOWN,
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
        asset_key=BREAKDOWN,
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={"price_beats": len(price_beats), "offer_price": b.offer_price.amount if b.offer_price else None},
    )


@multi_asset_check(
    specs=[
        _spec("transcript_not_empty_for_speech", TRANSCRIPT, "The transcript is not empty when the audio has speech."),
        _spec(
            "transcript_covers_audio",
            TRANSCRIPT,
            "The transcript reaches the end of the audio (last segment within a few seconds, or a silent tail).",
        ),
        _spec("transcript_has_no_repetition_loop", TRANSCRIPT, "No hallucinated repetition of the same text."),
        _spec(
            "transcript_has_no_warnings",
            TRANSCRIPT,
            "The transcript carries no warning: its language is one of VSL_LANGUAGES and sure, no speech lacks text.",
        ),
        _spec("transcript_words_per_minute", TRANSCRIPT, "Words per minute in a plausible range for speech."),
        _spec(
            "beats_inside_duration_and_ordered",
            BREAKDOWN,
            "The beats lie inside the video, each ends after it starts, and they are in time order.",
        ),
        _spec(
            "price_when_a_price_beat_exists",
            BREAKDOWN,
            "A VSL with a price beat has an offer price (the price was read, not only its moment).",
        ),
    ],
    can_subset=True,  # materializing one asset selects its checks only
)
def content_checks(
    context: AssetCheckExecutionContext, db: DatabaseResource, storage: StorageResource, media: MediaResource
) -> Iterator[AssetCheckResult]:
    """The transcript's and the breakdown's checks, once the breakdown exists (one step)."""
    selected = {k.asset_key for k in context.selected_asset_check_keys}
    if TRANSCRIPT in selected:
        yield from _selected(context, _transcript_checks(context.partition_key, db, storage, media))
    if BREAKDOWN in selected:
        yield from _selected(context, _breakdown_checks(context.partition_key, storage, db))
