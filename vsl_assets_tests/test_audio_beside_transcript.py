"""The stored audio is encoded beside the transcription, which reads a PCM decode of the video.

Each test runs the real job (ffmpeg, faster-whisper tiny.en, SQLite, a Dagster instance) and
checks what a person or a later run sees: rows, files, statuses, materializations.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import Audio, DeadLetter, Job, TranscriptRow, Url
from vsl_assets.errors import MediaError, TranscriptionError
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.conftest import add_urls, db_session, heard, run_partition

pytestmark = pytest.mark.slow


def _layout(vsl_env) -> StorageLayout:
    return StorageLayout(Path(vsl_env["VSL_STORAGE_DIR"]))


def _files(layout: StorageLayout) -> list[str]:
    """Every file under the media directories, temp files (``.tmp-*``) included; checkpoints apart."""
    return sorted(
        str(p.relative_to(layout.root))
        for d in (layout.videos, layout.audio, layout.transcripts)
        for p in d.rglob("*")
        if p.is_file() and ".checkpoints" not in p.parts
    )


def _checkpoints(layout: StorageLayout, key: str) -> list[str]:
    return sorted(p.name for p in layout.checkpoint_dir(key).glob("*.json"))


def _materialized(result, asset: str) -> list:
    return [e for e in result.get_asset_materialization_events() if e.asset_key.path == [asset]]


def _jobs(key: str) -> dict[str, Job]:
    with db_session() as s:
        jobs = s.scalars(select(Job).join(Url).where(Url.partition_key == key).order_by(Job.id)).all()
        s.expunge_all()
    return {j.step: j for j in jobs}


def _messages(instance, result) -> list[str]:
    """The run's log lines (the engine's included)."""
    return [entry.user_message for entry in instance.all_logs(result.run_id)]


def test_transcription_starts_before_the_audio_is_stored_and_is_written_after_it(
    vsl_env, instance, media_server, monkeypatch
):
    import vsl_assets.services.steps.media as media_step

    niceness: list[tuple[int, int]] = []  # (the encoding thread's, the run's main thread's)
    real_extract = media_step.extract_audio

    def observed_extract(*args, **kwargs):
        # Linux: per thread, and what the ffmpeg it starts inherits.
        here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        niceness.append((here, os.getpriority(os.PRIO_PROCESS, os.getpid())))  # the pid: the main thread's
        return real_extract(*args, **kwargs)

    monkeypatch.setattr(media_step, "extract_audio", observed_extract)
    decoded: list[Path] = []
    real_decode = media_step.decode_pcm
    monkeypatch.setattr(
        media_step, "decode_pcm", lambda video, *a, **k: decoded.append(video) or real_decode(video, *a, **k)
    )
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    result = run_partition(instance, key)
    assert result.success
    # The transcription read the PCM the HLS download decoded as the segments arrived: the video
    # was not decoded again before it could start.
    assert decoded == []
    # The encode beside the transcription runs at a lower priority than the transcription.
    [(encode, own)] = niceness
    assert encode == min(19, own + media_step.ENCODE_NICENESS) and encode > own
    jobs = _jobs(key)
    audio, transcript = jobs["audio_file"], jobs["transcript"]
    # Overlap: the transcript's job began while the audio's was still open.
    assert transcript.started_at < audio.finished_at
    assert (audio.outcome, transcript.outcome) == ("succeeded", "succeeded")
    # The engine read the lossless decode, not the Opus file.
    lines = _messages(instance, result)
    reading = next(i for i, m in enumerate(lines) if f"transcribing .tmp-pcm-{key}-download.wav" in m)
    # The run's time limit followed the audio before the transcription began (run monitoring's backstop).
    assert any(m.startswith("run time limit now") for m in lines[:reading]), lines
    limit = int(instance.get_run_by_id(result.run_id).tags["dagster/max_runtime"])
    assert 3600 + 600 <= limit < 3600 + 600 + 120
    layout = _layout(vsl_env)
    ogg, js = layout.audio_path(key, "ogg"), layout.transcript_path(key, "json")
    # Written after the audio it stands for, so a later run reuses it (see below), and no temp is left.
    assert js.stat().st_mtime_ns >= ogg.stat().st_mtime_ns
    assert _files(layout) == sorted(
        [f"videos/{key}.mp4", f"audio/{key}.ogg"] + [f"transcripts/{key}.{e}" for e in ("json", "txt", "srt", "vtt")]
    )
    with db_session() as s:
        row = s.scalar(select(Audio).join(Url).where(Url.partition_key == key))
        assert row.codec == "opus" and row.sample_rate == 16000 and row.duration_s > 18
        text = s.scalar(select(TranscriptRow.text).join(Url).where(Url.partition_key == key))
    assert heard(text) >= 0.8, text
    assert json.loads(js.read_text())["segments"][-1]["end"] <= row.duration_s + 0.5
    # Each asset has its own materialization and checks, in the order of the graph.
    mats = [e.asset_key.path[0] for e in result.get_asset_materialization_events()]
    assert mats.index("audio_file") < mats.index("transcript")
    checks = {e.check_name: e.asset_key.path[0] for e in result.get_asset_check_evaluations()}
    assert checks["audio_matches_video_duration"] == "audio_file"
    assert checks["transcript_covers_audio"] == "transcript"

    again = run_partition(instance, key)
    assert again.success
    assert _materialized(again, "audio_file")[0].materialization.metadata["reused_existing"].value is True
    assert _materialized(again, "transcript")[0].materialization.metadata["reused_existing"].value is True
    assert not any(".tmp-pcm-" in m for m in _messages(instance, again))
    assert _checkpoints(_layout(vsl_env), key) == []


def test_audio_that_fails_beside_the_transcription_fails_the_audio_step_and_stores_no_transcript(
    vsl_env, instance, media_server, monkeypatch
):
    """The PCM decodes but the Opus encode fails: the audio step's reason, no transcript, no temp."""
    import vsl_assets.services.steps.media as media_step

    def broken_encode(*args, **kwargs):
        raise MediaError("ffmpeg could not extract the audio track", detail="test: encoder broken")

    monkeypatch.setattr(media_step, "extract_audio", broken_encode)
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    result = run_partition(instance, key)
    assert not result.success
    jobs = _jobs(key)
    assert (jobs["audio_file"].outcome, jobs["audio_file"].error) == (
        "failed",
        "ffmpeg could not extract the audio track",
    )
    assert (jobs["transcript"].outcome, jobs["transcript"].error) == ("failed", "its audio could not be stored")
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.reason) == ("failed", "ffmpeg could not extract the audio track")
        assert s.scalars(select(DeadLetter.step).where(DeadLetter.url_id == url.id)).all() == ["audio_file"]
        assert s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url.id)) is None
    assert _materialized(result, "audio_file") == [] and _materialized(result, "transcript") == []
    assert _files(_layout(vsl_env)) == [f"videos/{key}.mp4"]
    # What was transcribed is kept for the retry (the same video's audio), as after any failure.
    assert len(_checkpoints(_layout(vsl_env), key)) == 1


def test_transcription_that_fails_beside_the_audio_keeps_the_stored_audio(vsl_env, instance, media_server, monkeypatch):
    """The audio is stored, recorded and materialized; the transcript step fails with its own reason."""
    import vsl_assets.services.steps.transcript as transcript_step

    def broken(*args, **kwargs):
        raise TranscriptionError("audio could not be decoded: test")

    [key] = add_urls(media_server.url("/good/index.m3u8"))
    with monkeypatch.context() as patch:
        patch.setattr(transcript_step, "settle_language", broken)
        result = run_partition(instance, key)
    assert not result.success
    jobs = _jobs(key)
    assert jobs["audio_file"].outcome == "succeeded"
    assert (jobs["transcript"].outcome, jobs["transcript"].error) == ("failed", "audio could not be decoded: test")
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert (url.status, url.reason) == ("failed", "audio could not be decoded: test")
        assert s.scalars(select(DeadLetter.step).where(DeadLetter.url_id == url.id)).all() == ["transcript"]
        assert s.scalar(select(Audio.codec).where(Audio.url_id == url.id)) == "opus"
    [audio_mat] = _materialized(result, "audio_file")
    assert audio_mat.materialization.metadata["codec"].value == "opus"
    assert _materialized(result, "transcript") == []
    assert _files(_layout(vsl_env)) == [f"audio/{key}.ogg", f"videos/{key}.mp4"]
    assert len(_checkpoints(_layout(vsl_env), key)) == 1

    # The retry (here: the next run) reuses the stored audio and transcribes it.
    again = run_partition(instance, key)
    assert again.success
    assert _materialized(again, "audio_file")[0].materialization.metadata["reused_existing"].value is True
    with db_session() as s:
        assert s.scalar(select(Url.status).where(Url.partition_key == key)) == "analyzed"
    assert _checkpoints(_layout(vsl_env), key) == []  # used, then cleared
    assert any("reusing the result saved by an earlier attempt" in m for m in _messages(instance, again))
    # The video was not downloaded again, so its PCM was decoded from the stored video (same bytes).
    assert any(f"transcribing .tmp-pcm-{key}-" in m and "download" not in m for m in _messages(instance, again))


def test_the_api_engine_transcribes_the_stored_audio(vsl_env, instance, media_server, monkeypatch):
    """The OpenAI engine uploads the compressed file: no PCM, one step after the other."""
    import vsl_assets.services.steps.media as media_step

    def no_pcm(*args, **kwargs):
        raise AssertionError("decoded a PCM for an engine that uploads the stored audio")

    monkeypatch.setattr(media_step, "decode_pcm", no_pcm)
    monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: the transcript fails
    monkeypatch.setenv("VSL_MAX_RETRIES", "0")
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    result = run_partition(instance, key)
    assert not result.success
    jobs = _jobs(key)
    assert jobs["audio_file"].outcome == "succeeded" and jobs["transcript"].outcome == "failed"
    assert jobs["transcript"].started_at >= jobs["audio_file"].finished_at
    assert _files(_layout(vsl_env)) == [f"audio/{key}.ogg", f"videos/{key}.mp4"]


def test_a_run_cancelled_while_it_waits_for_its_transcription_slot_takes_its_pcm_with_it(
    vsl_env, instance, media_server
):
    """The download's PCM waits on disk for the same run's transcription (115 MB per hour of audio).
    A run cancelled while it waits for its transcription slot never reaches that op: the PCM goes
    when the run ends, not at the URL's next run (which may never come)."""
    import signal
    import time

    from dagster import DagsterRunStatus

    from vsl_assets import settings

    layout = _layout(vsl_env)
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    pool = settings.current().transcription_pool
    events = instance.event_log_storage
    events.set_concurrency_slots(pool, 1)
    # Another URL's transcription holds the only slot, so this run waits once its video is stored.
    assert events.claim_concurrency_slot(pool, "another-run", "audio_and_transcript").is_claimed
    handoff = layout.audio / f".tmp-pcm-{key}-download.wav"
    seen_waiting: list[bool] = []

    def cancel_while_waiting() -> None:
        give_up = time.monotonic() + 120
        while not handoff.exists() and time.monotonic() < give_up:
            time.sleep(0.05)
        seen_waiting.append(handoff.exists())
        time.sleep(0.5)  # the video step closes its records; the run is then waiting for the slot
        [run] = instance.get_runs(limit=1)
        instance.report_run_canceling(run)
        os.kill(os.getpid(), signal.SIGINT)  # what terminating a run sends its process
        # The slot comes free; the interrupted run takes it and stops at its op's first line.
        events.free_concurrency_slot_for_step("another-run", "audio_and_transcript")

    canceller = threading.Thread(target=cancel_while_waiting)
    canceller.start()
    try:
        result = run_partition(instance, key)
    finally:
        canceller.join()
    assert seen_waiting == [True]  # the PCM was there while the run waited
    assert not result.success
    assert instance.get_run_by_id(result.run_id).status == DagsterRunStatus.CANCELED
    assert _jobs(key).keys() == {"source_page", "video_file"}  # the op never began
    # The stored video stays for the next run; nothing temporary outlives the cancelled run.
    assert _files(layout) == [f"videos/{key}.mp4"]
