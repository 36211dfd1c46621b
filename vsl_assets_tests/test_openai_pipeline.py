"""The pipeline with the `openai` engine: the real openai client against a local compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import DeadLetter, Job, TranscriptRow, Url
from vsl_assets_tests.conftest import add_urls, db_session, run_partition
from vsl_assets_tests.servers import FakeOpenAIServer

#: The whole pipeline per test: part of the full suite, not of the fast tier (-m 'not slow').
pytestmark = pytest.mark.slow

SECRET = "sk-test-SECRET-0123456789abcdef"


def _use_openai(monkeypatch, server: FakeOpenAIServer) -> None:
    monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
    monkeypatch.delenv("VSL_WHISPER_MODEL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("VSL_LANGUAGE", "pt")


def _everything_recorded(instance, vsl_env) -> str:
    """All text the platform persisted: event log (logs + metadata), database, storage files."""
    parts = []
    for run in instance.get_runs():
        parts += [str(e) for e in instance.all_logs(run.run_id)]
    db_file = Path(vsl_env["VSL_DATABASE_URL"].removeprefix("sqlite:///"))
    for p in db_file.parent.rglob("*"):
        if p.is_file():
            parts.append(p.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_openai_engine_end_to_end_with_retry(vsl_env, instance, media_server, monkeypatch) -> None:
    with FakeOpenAIServer(api_key=SECRET) as api:
        api.segments = [(0.0, 4.2, "Você está cansado de dietas?"), (4.2, 9.0, "Clique no botão abaixo.")]
        api.fail_next(429, 500)  # the client's own retries absorb these
        _use_openai(monkeypatch, api)
        # The canned reply has no text after 9 s of 19 s of speech: the coverage check would send
        # 9-19 s again (test_openai_engine covers that); here the retries are what is tested.
        monkeypatch.setenv("VSL_COVERAGE_MIN_GAP_S", "0")
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert result.success

        ok = [r for r in api.requests if r.status == 200]
        assert [r.status for r in api.requests] == [429, 500, 200]
        req = ok[0]
        assert req.model == "whisper-1" and req.language == "pt" and req.response_format == "verbose_json"
        assert req.filename == f"{key}.ogg" and req.size_bytes > 10_000
        assert abs(req.duration_s - 19.0) < 1.0

    with db_session() as s:
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert row.engine == "openai" and row.model == "whisper-1" and row.language == "pt"
        assert row.text == "Você está cansado de dietas? Clique no botão abaixo."
        assert [(seg["start"], seg["end"]) for seg in row.segments] == [(0.0, 4.2), (4.2, 9.0)]
    srt = Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}.srt").read_text(encoding="utf-8")
    assert "00:00:04,200 --> 00:00:09,000\nClique no botão abaixo." in srt
    assert SECRET not in _everything_recorded(instance, vsl_env)


def test_openai_bad_key_fails_permanently_without_leaking_it(vsl_env, instance, media_server, monkeypatch) -> None:
    with FakeOpenAIServer(api_key="sk-the-right-key") as api:
        _use_openai(monkeypatch, api)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert not result.success
        assert len(api.requests) == 1  # permanent: neither the client nor Dagster retried
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and "API key" in url.reason and "401" in url.reason
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert letter.step == "transcript" and letter.error_class == "TranscriptionError"
    assert SECRET not in _everything_recorded(instance, vsl_env)
    # The media is kept: only the transcript needs redoing once the key is fixed.
    assert Path(vsl_env["VSL_STORAGE_DIR"], "audio", f"{key}.ogg").is_file()
    assert not Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}.json").exists()


def test_openai_rate_limit_exhausted_is_retried_once_layer_deep_then_dead_lettered(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    """The client retries 429s with backoff; Dagster does not retry on top (no 3 x 3 = 9 requests)."""
    with FakeOpenAIServer(api_key=SECRET) as api:
        api.fail_next(*([429] * 9))
        _use_openai(monkeypatch, api)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert not result.success
        assert len(api.requests) == 3  # max_retries=2: three attempts, all by the client
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and "HTTP 429" in url.reason and "3 attempts" in url.reason
        jobs = s.scalars(select(Job).where(Job.url_id == url.id, Job.step == "transcript").order_by(Job.id)).all()
        assert [j.outcome for j in jobs] == ["failed"]
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert (letter.step, letter.error_class, letter.attempt) == ("transcript", "TransientTranscriptionError", 1)


def test_chunked_transcript_records_chunks_billing_and_monotonic_times(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    monkeypatch.setenv("VSL_MAX_CHUNK_S", "8")
    with FakeOpenAIServer(api_key=SECRET) as api:
        _use_openai(monkeypatch, api)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert result.success
        ok = [r for r in api.requests if r.status == 200]
        assert len(ok) >= 3 and all(r.duration_s <= 8.5 for r in ok)
        assert ok[1].prompt  # continuity: the previous chunk's words
    with db_session() as s:
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert row.chunk_count == len(ok)
        assert abs(row.billed_minutes - sum(r.duration_s for r in ok) / 60) < 0.01
        assert abs(row.cost_usd - row.billed_minutes * 0.006) < 1e-6
        starts = [seg["start"] for seg in row.segments]
        assert starts == sorted(starts) and row.segments[-1]["end"] > 15.0
    meta = next(e for e in result.get_asset_materialization_events() if e.asset_key.path == ["transcript"])
    assert meta.materialization.metadata["chunk_count"].value == row.chunk_count
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["transcript_covers_audio"]
    # The fake answers every chunk with the same text: exactly the shape of a hallucination loop.
    assert checks["transcript_has_no_repetition_loop"] is False


def test_chunks_returned_before_a_failure_are_not_paid_for_again(vsl_env, instance, media_server, monkeypatch) -> None:
    # 19 s of speech in chunks of at most 8 s, cut at pauses (3-4 requests); the 3rd fails for good
    # (400).  The two answers already received are on disk the moment they arrive, so the rerun
    # starts at chunk 3, with the same prompt as before (continuity survives); nothing is billed twice.
    monkeypatch.setenv("VSL_MAX_CHUNK_S", "8")
    storage = Path(vsl_env["VSL_STORAGE_DIR"])
    with FakeOpenAIServer(api_key=SECRET) as api:
        api.segments = [(0.0, 1.5, "Você está cansado de dietas?"), (1.5, 7.0, "Clique no botão abaixo.")]
        _use_openai(monkeypatch, api)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        checkpoints = storage / "transcripts" / ".checkpoints" / key
        api.fail_request(3, 400)
        assert not run_partition(instance, key).success
        first = list(api.requests)
        assert [r.status for r in first] == [200, 200, 400]
        with db_session() as s:
            url = s.scalar(select(Url).where(Url.partition_key == key))
            assert url.status == "failed" and url.reason.startswith("chunk 3/"), url.reason
            count = int(url.reason.split("/")[1].split(" ")[0])
        assert len(list(checkpoints.glob("chunk-*.json"))) == 2
        assert not (storage / "transcripts" / f"{key}.json").exists()

        result = run_partition(instance, key)
        assert result.success
        again = api.requests[len(first) :]
        assert [r.status for r in again] == [200] * (count - 2)  # chunks 1 and 2 are not sent again
        assert again[0].prompt == first[2].prompt and again[0].duration_s == first[2].duration_s
        logs = "\n".join(str(e) for e in instance.all_logs(result.run_id))
        assert f"chunk 2/{count}" in logs and "reusing the result saved by an earlier attempt" in logs
    with db_session() as s:
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert row.chunk_count == count and row.text.count("Clique no botão abaixo.") == count
        paid = [first[0], first[1], *again]
        assert abs(row.billed_minutes - sum(r.duration_s for r in paid) / 60) < 0.01
        starts = [seg["start"] for seg in row.segments]
        assert starts == sorted(starts) and row.segments[-1]["end"] > 15.0
    assert not checkpoints.exists()  # cleared once the transcript is stored


def test_a_reply_cut_short_by_the_output_cap_fails_the_url_with_the_reason(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    """gpt-4o-mini-transcribe stops writing at 2,000 tokens without an error; on 19 s of audio (too
    short to halve) that is a permanent failure naming the cap, not a silently shortened transcript."""
    with FakeOpenAIServer(api_key=SECRET, max_output_tokens=2000) as api:
        api.default_text = " ".join(["palavra"] * 2100)
        _use_openai(monkeypatch, api)
        monkeypatch.setenv("VSL_WHISPER_MODEL", "gpt-4o-mini-transcribe")
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert not result.success
        assert [(r.status, r.output_tokens) for r in api.requests] == [(200, 2000)]  # permanent: not retried
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed"
        assert url.reason.endswith(
            "OpenAI gpt-4o-mini-transcribe stopped at its limit of 2000 output tokens on 0:19 of audio, so its text "
            "was cut short, and the audio cannot usefully be split further"
        ), url.reason
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert (letter.step, letter.error_class) == ("transcript", "TranscriptionError")
        assert s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url.id)) is None
    storage = Path(vsl_env["VSL_STORAGE_DIR"])
    assert not [p for p in (storage / "transcripts").rglob("*") if key in p.name]  # no output, no checkpoint
    assert not [p for p in storage.rglob("*") if p.name.startswith(".tmp-")]
    assert Path(storage, "audio", f"{key}.ogg").is_file()  # the media is kept for a retry
