"""The whole per-URL job, executed for real: ffmpeg, faster-whisper, SQLite, a Dagster instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import PIPELINE_STEPS, Audio, BreakdownRow, DeadLetter, Job, TranscriptRow, Url, Video
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.conftest import add_urls, db_session, heard, run_partition

#: The whole pipeline per test: part of the full suite, not of the fast tier (-m 'not slow').
pytestmark = pytest.mark.slow


def _layout(vsl_env) -> StorageLayout:
    return StorageLayout(Path(vsl_env["VSL_STORAGE_DIR"]))


def _all_files(layout: StorageLayout) -> list[str]:
    """Every file under the media directories, temp files included."""
    return sorted(
        str(p.relative_to(layout.root))
        for d in (layout.videos, layout.audio, layout.transcripts)
        for p in d.rglob("*")
        if p.is_file()
    )


def _materializations(result, asset: str) -> list:
    return [e for e in result.get_asset_materialization_events() if e.asset_key.path == [asset]]


def test_good_url_end_to_end(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    result = run_partition(instance, key)
    assert result.success
    # The audio step tightened the run's time limit to the work left (VSL_RUN_MIN_TIME_S + the
    # transcription's own 600-s floor for a short clip), from the 8-h ceiling it was requested with.
    limit = int(instance.get_run_by_id(result.run_id).tags["dagster/max_runtime"])
    assert 3600 + 600 <= limit < 3600 + 600 + 120

    layout = _layout(vsl_env)
    assert _all_files(layout) == sorted(
        [f"videos/{key}.mp4", f"audio/{key}.ogg"] + [f"transcripts/{key}.{e}" for e in ("json", "txt", "srt", "vtt")]
    )
    text = layout.transcript_path(key, "txt").read_text().lower()
    assert heard(text) >= 0.8, text
    assert "WEBVTT" in layout.transcript_path(key, "vtt").read_text()
    assert "-->" in layout.transcript_path(key, "srt").read_text()
    doc = json.loads(layout.transcript_path(key, "json").read_text())
    starts = [s["start"] for s in doc["segments"]]
    assert starts == sorted(starts) and doc["segments"][-1]["end"] <= 20.0

    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.reason) == ("analyzed", None)
        video = s.scalar(select(Video).where(Video.url_id == url.id))
        assert video.video_codec == "h264" and video.width == 320 and video.duration_s > 18
        audio = s.scalar(select(Audio).where(Audio.url_id == url.id))
        assert audio.codec == "opus" and audio.sample_rate == 16000 and audio.channels == 1
        row = s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url.id))
        assert row.engine == "local" and row.language == "en" and row.word_count > 30
        assert heard(row.text) >= 0.8 and len(row.segments) >= 2
        jobs = s.scalars(select(Job).where(Job.url_id == url.id).order_by(Job.id)).all()
        assert [(j.step, j.outcome, j.run_id) for j in jobs] == [
            ("source_page", "succeeded", result.run_id),
            ("video_file", "succeeded", result.run_id),
            ("audio_file", "succeeded", result.run_id),
            ("transcript", "succeeded", result.run_id),
            ("breakdown", "succeeded", result.run_id),
            ("search_index", "succeeded", result.run_id),
        ]
        assert all(j.finished_at is not None for j in jobs)
        breakdown = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id))
        assert (breakdown.status, breakdown.language, breakdown.engine) == ("ok", "en", "local")
        assert breakdown.duration_s == row.duration_s
    stored = json.loads(layout.breakdown_path(key).read_text())
    assert stored["status"] == "ok" and stored["language"] == "en"
    assert [b["beat"] for b in stored["beats"]][:1] == ["hook"]
    assert all(b["end"] <= 20.0 for b in stored["beats"])
    bmd = _materializations(result, "breakdown")[0].materialization.metadata
    assert "| at | beat | quote |" in bmd["timeline"].value and bmd["engine"].value == "local"

    [video_mat] = _materializations(result, "video_file")
    md = video_mat.materialization.metadata
    assert md["size_bytes"].value == video.size_bytes and md["duration_s"].value > 18
    assert md["video_codec"].value == "h264" and md["resolution"].value == "320x240"
    assert md["path"].value == str(layout.video_path(key))
    amd = _materializations(result, "audio_file")[0].materialization.metadata
    assert amd["sample_rate_hz"].value == 16000 and amd["codec"].value == "opus"
    tmd = _materializations(result, "transcript")[0].materialization.metadata
    assert tmd["language"].value == "en" and tmd["word_count"].value == row.word_count
    assert tmd["segment_count"].value == len(row.segments) and "[0:0" in tmd["preview"].value
    assert tmd["engine"].value == "local"

    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {
        "video_has_audio_and_duration": True,
        "audio_matches_video_duration": True,
        "transcript_not_empty_for_speech": True,
        "transcript_covers_audio": True,
        "transcript_has_no_repetition_loop": True,
        "transcript_has_no_warnings": True,
        "transcript_words_per_minute": True,
        "beats_inside_duration_and_ordered": True,
        "price_when_a_price_beat_exists": True,
    }
    assert tmd["chunk_count"].value == 1 and tmd["estimated_cost_usd"].value == 0.0
    # Each check is evaluated in the step that made its asset and attached to that materialization:
    # the run has the asset steps (audio and transcript are one op) and no separate check step.
    steps = {e.step_key for e in result.all_events if e.step_key}
    assert steps == set(PIPELINE_STEPS) - {"audio_file", "transcript"} | {"audio_and_transcript"}
    for evaluation in result.get_asset_check_evaluations():
        target = evaluation.target_materialization_data
        assert target is not None and target.run_id == result.run_id, evaluation.check_name
        [mat] = _materializations(result, evaluation.asset_key.path[0])
        assert target.storage_id is not None and mat.materialization.partition == key


def test_rerun_reuses_outputs_and_force_redoes_them(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/good2/index.m3u8"))
    assert run_partition(instance, key).success
    layout = _layout(vsl_env)
    paths = [
        layout.video_path(key),
        layout.audio_path(key, "ogg"),
        layout.transcript_path(key, "json"),
        layout.breakdown_path(key),
    ]
    before = [p.stat().st_mtime_ns for p in paths]
    segment_gets = len([p for p in media_server.paths_requested("GET") if p.endswith(".ts")])

    again = run_partition(instance, key)
    assert again.success
    assert [p.stat().st_mtime_ns for p in paths] == before
    assert len([p for p in media_server.paths_requested("GET") if p.endswith(".ts")]) == segment_gets
    assert _materializations(again, "transcript")[0].materialization.metadata["reused_existing"].value is True
    assert _materializations(again, "breakdown")[0].materialization.metadata["reused_existing"].value is True
    with db_session() as s:  # a run that only reused what was there leaves the VSL analysed
        assert s.scalar(select(Url.status).where(Url.partition_key == key)) == "analyzed"

    forced = run_partition(instance, key, force=True)
    assert forced.success
    assert all(p.stat().st_mtime_ns > b for p, b in zip(paths, before, strict=True))
    with db_session() as s:
        outcomes = [j.outcome for j in s.scalars(select(Job).order_by(Job.id))]
    # The index is always refreshed (an idempotent upsert of a few ms), so it never says "reused".
    assert outcomes == ["succeeded"] * 6 + ["reused"] * 5 + ["succeeded"] + ["succeeded"] * 6


def test_404_fails_with_reason_dead_letter_no_files_and_next_url_processes(vsl_env, instance, media_server) -> None:
    bad, good = add_urls(media_server.url("/gone/index.m3u8"), media_server.url("/good/index.m3u8"))
    failed = run_partition(instance, bad)
    assert not failed.success
    layout = _layout(vsl_env)
    assert _all_files(layout) == []
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == bad))
        assert url.status == "failed"
        assert url.reason == "HTTP 404 from the stream URL"
        [letter] = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        assert letter.step == "source_page" and letter.error_class == "HttpStatusError" and letter.attempt == 1
        assert letter.payload["url"] == media_server.url("/gone/index.m3u8")
        assert letter.payload["assets"] == list(PIPELINE_STEPS)
        assert letter.run_id == failed.run_id
        [job] = s.scalars(select(Job).where(Job.url_id == url.id)).all()
        assert (job.step, job.outcome, job.error) == ("source_page", "failed", url.reason)
    # Permanent: no Dagster retry happened (one attempt only).
    assert len([p for p in media_server.paths_requested("GET") if p == "/gone/index.m3u8"]) == 1

    assert run_partition(instance, good).success
    with db_session() as s:
        assert s.scalar(select(Url.status).where(Url.partition_key == good)) == "analyzed"


def test_video_without_audio_fails_at_audio_step(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/noaudio/index.m3u8"))
    result = run_partition(instance, key)
    assert not result.success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed"
        assert url.reason == "the video has no audio track, so there is nothing to transcribe"
        assert s.scalar(select(DeadLetter.step).where(DeadLetter.url_id == url.id)) == "audio_file"
    layout = _layout(vsl_env)
    assert _all_files(layout) == [f"videos/{key}.mp4"]


def test_silent_audio_gives_empty_transcript_and_check_passes(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/silent/index.m3u8"))
    result = run_partition(instance, key)
    assert result.success
    with db_session() as s:
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert row.word_count == 0
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "transcript_not_empty_for_speech")
    assert check.passed and check.metadata["speech_seconds"].value < 2.0


def test_transient_error_is_retried_then_dead_lettered(vsl_env, instance, media_server, monkeypatch) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    media_server.set_status("/good/index.m3u8", 503)
    result = run_partition(instance, key)
    assert not result.success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and url.reason == "HTTP 503 from the stream URL"
        jobs = s.scalars(select(Job).where(Job.url_id == url.id).order_by(Job.id)).all()
        assert [(j.attempt, j.outcome) for j in jobs] == [(1, "retrying"), (2, "retrying"), (3, "failed")]
        [letter] = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        assert letter.attempt == 3 and letter.error_class == "TransientHttpError" and letter.step == "source_page"


def test_segment_retries_are_not_multiplied_by_step_retries(vsl_env, instance, media_server) -> None:
    # The downloader retries a failing segment itself (4 attempts with backoff); a transient
    # failure that survives them is not retried again by Dagster's RetryPolicy (that would be
    # 4 x 3 requests against a CDN that is down), so the URL fails after one step attempt.
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    media_server.set_status("/good/seg_002.ts", 503)
    assert not run_partition(instance, key).success
    assert media_server.paths_requested("GET").count("/good/seg_002.ts") == 4
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed"
        assert url.reason == "segment 3 of 10 could not be downloaded after 4 attempts (HTTP 503)"
        jobs = s.scalars(select(Job).where(Job.url_id == url.id, Job.step == "video_file")).all()
        assert [(j.attempt, j.outcome) for j in jobs] == [(1, "failed")]
        [letter] = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        assert (letter.step, letter.error_class, letter.attempt) == ("video_file", "TransientDownloadError", 1)
    assert _all_files(_layout(vsl_env)) == []


def test_flapping_server_recovers_by_retry(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    media_server.set_status("/good/index.m3u8", 500, times=1)
    assert run_partition(instance, key).success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "analyzed" and url.reason is None
        jobs = s.scalars(select(Job).where(Job.url_id == url.id, Job.step == "source_page").order_by(Job.id)).all()
        assert [j.outcome for j in jobs] == ["retrying", "succeeded"]
        assert s.scalars(select(DeadLetter)).all() == []


def test_private_address_is_refused_unless_allowed(vsl_env, instance, media_server, monkeypatch) -> None:
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    assert not run_partition(instance, key).success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and "127.0.0.1" in url.reason and "VSL_ALLOW_PRIVATE_NETWORKS" in url.reason
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert (letter.step, letter.error_class) == ("source_page", "ForbiddenAddressError")
    assert media_server.requests == []  # refused before any request was made
    assert _all_files(_layout(vsl_env)) == []
