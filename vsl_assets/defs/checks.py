"""Asset checks: properties of each output that a later step or a person relies on."""

import json
from typing import Any

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, asset_check

from vsl_assets.breakdown.models import Breakdown
from vsl_assets.db import Audio, TranscriptRow, Video, repo
from vsl_assets.defs.assets.breakdown import breakdown
from vsl_assets.defs.assets.media import audio_file, video_file
from vsl_assets.defs.assets.transcript import transcript
from vsl_assets.defs.partitions import vsl_urls
from vsl_assets.defs.resources import DatabaseResource, MediaResource, StorageResource
from vsl_assets.errors import MediaError
from vsl_assets.media import probe
from vsl_assets.media.speech import speech_seconds
from vsl_assets.transcription import Transcript
from vsl_assets.transcription.quality import coverage, repetition, words_per_minute

DURATION_TOLERANCE_S = 1.0
MIN_SPEECH_S = 2.0


@asset_check(
    asset=video_file, partitions_def=vsl_urls, description="The video has an audio stream and a positive duration."
)
def video_has_audio_and_duration(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    path = storage.layout.video_path(context.partition_key)
    try:
        storage.store.fetch(path)
        info = probe(path)
    except MediaError as exc:
        return AssetCheckResult(passed=False, metadata={"reason": exc.reason})
    return AssetCheckResult(
        passed=info.has_audio and info.duration_s > 0,
        metadata={"has_audio": info.has_audio, "duration_s": info.duration_s},
    )


@asset_check(
    asset=audio_file, partitions_def=vsl_urls, description="The audio lasts as long as the video (within 1 s)."
)
def audio_matches_video_duration(context: AssetCheckExecutionContext, db: DatabaseResource) -> AssetCheckResult:
    with db.session() as s:
        video = repo.get_output(s, Video, context.partition_key)
        audio = repo.get_output(s, Audio, context.partition_key)
    if video is None or audio is None:
        return AssetCheckResult(passed=False, metadata={"reason": "video or audio row missing"})
    diff = abs(video.duration_s - audio.duration_s)
    return AssetCheckResult(
        passed=diff <= DURATION_TOLERANCE_S,
        metadata={
            "video_duration_s": video.duration_s,
            "audio_duration_s": audio.duration_s,
            "difference_s": round(diff, 3),
        },
    )


@asset_check(
    asset=transcript, partitions_def=vsl_urls, description="The transcript is not empty when the audio has speech."
)
def transcript_not_empty_for_speech(
    context: AssetCheckExecutionContext, db: DatabaseResource, storage: StorageResource, media: MediaResource
) -> AssetCheckResult:
    with db.session() as s:
        row = repo.get_output(s, TranscriptRow, context.partition_key)
    words = row.word_count if row else 0
    if words > 0:
        return AssetCheckResult(passed=True, metadata={"word_count": words})
    audio = storage.layout.audio_path(context.partition_key, media.audio_ext)
    storage.store.fetch(audio)
    speech = speech_seconds(audio)
    return AssetCheckResult(
        passed=speech < MIN_SPEECH_S,
        severity=AssetCheckSeverity.ERROR,
        metadata={"word_count": words, "speech_seconds": round(speech, 1)},
        description="empty transcript but the audio has speech" if speech >= MIN_SPEECH_S else "no speech in the audio",
    )


def _stored_transcript(storage: StorageResource, key: str) -> Transcript:
    path = storage.layout.transcript_path(key, "json")
    storage.store.fetch(path)
    return Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _result(r: Any, severity: AssetCheckSeverity = AssetCheckSeverity.ERROR) -> AssetCheckResult:
    metadata = {k: v for k, v in r.metadata.items() if v is not None}
    return AssetCheckResult(passed=r.passed, severity=severity, description=r.description, metadata=metadata)


def _audio_duration(db: DatabaseResource, key: str) -> float:
    with db.session() as s:
        audio = repo.get_output(s, Audio, key)
    return audio.duration_s if audio is not None else 0.0


@asset_check(
    asset=transcript,
    partitions_def=vsl_urls,
    description="The transcript reaches the end of the audio (last segment within a few seconds, or a silent tail).",
)
def transcript_covers_audio(
    context: AssetCheckExecutionContext, db: DatabaseResource, storage: StorageResource, media: MediaResource
) -> AssetCheckResult:
    key = context.partition_key
    t = _stored_transcript(storage, key)
    if t.word_count == 0:
        return AssetCheckResult(passed=True, description="empty transcript: judged by the speech check")
    audio = storage.layout.audio_path(key, media.audio_ext)
    storage.store.fetch(audio)
    return _result(coverage(t, _audio_duration(db, key), audio=audio))


@asset_check(asset=transcript, partitions_def=vsl_urls, description="No hallucinated repetition of the same text.")
def transcript_has_no_repetition_loop(
    context: AssetCheckExecutionContext, storage: StorageResource
) -> AssetCheckResult:
    return _result(repetition(_stored_transcript(storage, context.partition_key)))


@asset_check(
    asset=transcript,
    partitions_def=vsl_urls,
    description="The transcript carries no warning: its language is one of VSL_LANGUAGES and sure, no speech lacks text.",
)
def transcript_has_no_warnings(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    t = _stored_transcript(storage, context.partition_key)
    metadata = {
        "language": t.language or "unknown",
        "language_probability": t.language_probability,
        "language_source": t.language_source or "unknown",
        "speech_coverage": t.speech_coverage,
        "warnings": "\n".join(f"{w.kind}: {w.message}" for w in t.warnings) or "none",
    }
    # WARN: the transcript is usable, but a person should look before trusting it.
    return AssetCheckResult(
        passed=not t.warnings,
        severity=AssetCheckSeverity.WARN,
        description=t.warnings[0].message if t.warnings else "no warnings",
        metadata={k: v for k, v in metadata.items() if v is not None},
    )


@asset_check(asset=transcript, partitions_def=vsl_urls, description="Words per minute in a plausible range for speech.")
def transcript_words_per_minute(
    context: AssetCheckExecutionContext, db: DatabaseResource, storage: StorageResource
) -> AssetCheckResult:
    key = context.partition_key
    # WARN: music-heavy or silent VSLs legitimately fall below the range.
    return _result(
        words_per_minute(_stored_transcript(storage, key), _audio_duration(db, key)), AssetCheckSeverity.WARN
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


@asset_check(
    asset=breakdown,
    partitions_def=vsl_urls,
    description="The beats lie inside the video, each ends after it starts, and they are in time order.",
)
def beats_inside_duration_and_ordered(
    context: AssetCheckExecutionContext, storage: StorageResource, db: DatabaseResource
) -> AssetCheckResult:
    b = _stored_breakdown(storage, context.partition_key)
    duration = _audio_duration(db, context.partition_key)
    problems = beats_problems(b, duration)
    return AssetCheckResult(
        passed=not problems,
        description=problems[0] if problems else f"{len(b.beats)} beats in order within {duration:.1f} s",
        metadata={"beats": len(b.beats), "duration_s": duration, "problems": "\n".join(problems) or "none"},
    )


@asset_check(
    asset=breakdown,
    partitions_def=vsl_urls,
    description="A VSL with a price beat has an offer price (the price was read, not only its moment).",
)
def price_when_a_price_beat_exists(context: AssetCheckExecutionContext, storage: StorageResource) -> AssetCheckResult:
    b = _stored_breakdown(storage, context.partition_key)
    price_beats = [x for x in b.beats if x.beat == "price"]
    passed = not price_beats or b.offer_price is not None
    if passed:
        description = "offer price read" if b.offer_price else "no price beat, so no price expected"
    else:
        description = f"a price beat at {price_beats[0].start:.0f} s but no offer price was read from it"
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={"price_beats": len(price_beats), "offer_price": b.offer_price.amount if b.offer_price else None},
    )
