"""The wall-clock cap per step (VSL_STEP_TIMEOUT_S): every long loop of a step stops at it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.core import deadline
from vsl_assets.core.deadline import StepTimeoutError, step_deadline
from vsl_assets.db import PIPELINE_STEPS, DeadLetter, Job, Url
from vsl_assets.errors import TransientError
from vsl_assets.media.ffmpeg import run_ffmpeg
from vsl_assets.transcription import bundled
from vsl_assets.transcription.local_engine import LocalTranscriber
from vsl_assets_tests.conftest import add_urls, db_session, run_partition
from vsl_assets_tests.servers import FakeOpenAIServer

SPEECH_EN = Path(__file__).resolve().parent.parent / "data" / "speech_en.opus"
#: ffmpeg producing 60 s of audio in real time (-re): it runs for a minute unless stopped.
SLOW_FFMPEG = ["-re", "-f", "lavfi", "-i", "sine=duration=60", "-f", "null", "-"]


def test_outside_a_step_there_is_no_deadline() -> None:
    assert deadline.remaining(12.0) == 12.0
    deadline.check()  # no deadline: never raises


def test_ffmpeg_is_stopped_at_the_steps_cap_with_the_steps_reason() -> None:
    started = time.monotonic()
    # 0.6 s: the reason rounds it to the 0:01 asserted below, and the test waits 0.4 s less.
    with step_deadline(0.6, "audio_file"), pytest.raises(StepTimeoutError) as info:
        run_ffmpeg(SLOW_FFMPEG, timeout_s=600)
    assert time.monotonic() - started < 5
    assert (
        info.value.reason
        == "the audio_file step ran longer than its limit of 0:01 and was stopped (VSL_STEP_TIMEOUT_S)"
    )
    assert not info.value.transient


def test_ffmpeg_own_timeout_stays_transient() -> None:
    with step_deadline(600, "audio_file"), pytest.raises(TransientError, match="did not finish within 1 s"):
        run_ffmpeg(SLOW_FFMPEG, timeout_s=0.6)  # said as "1 s" (rounded): 0.4 s less waiting


@pytest.mark.slow
def test_local_transcription_stops_between_segments() -> None:
    transcriber = LocalTranscriber(str(bundled.bundled_tiny_en_model_dir()))
    transcriber.load()
    with step_deadline(0.05, "transcript"), pytest.raises(StepTimeoutError, match="the transcript step ran longer"):
        time.sleep(0.1)
        transcriber.transcribe(SPEECH_EN, language="en")


@pytest.mark.slow
def test_a_hung_transcription_api_fails_the_url_at_the_cap(vsl_env, instance, media_server, monkeypatch) -> None:
    # The API accepts the upload and never answers: the request timeout is cut to what is left of
    # the step's cap and the URL fails with that reason (not a generic "timed out"), without a
    # Dagster retry, and a dead letter that `vsl retry` can use.
    monkeypatch.setenv("VSL_STEP_TIMEOUT_S", "8")
    with FakeOpenAIServer(api_key="sk-test") as api:
        api.delay_s = 60
        monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        started = time.monotonic()
        assert not run_partition(instance, key).success
        assert time.monotonic() - started < 60
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed"
        assert (
            url.reason == "the transcript step ran longer than its limit of 0:08 and was stopped (VSL_STEP_TIMEOUT_S)"
        )
        jobs = s.scalars(select(Job).where(Job.url_id == url.id, Job.step == "transcript")).all()
        assert [(j.attempt, j.outcome) for j in jobs] == [(1, "failed")]
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert (letter.step, letter.error_class) == ("transcript", "StepTimeoutError")
        assert letter.payload["assets"] == list(PIPELINE_STEPS)


def test_tighten_brings_the_cap_forward_but_never_back() -> None:
    import time as _time

    from vsl_assets.core import deadline as dl
    from vsl_assets.progress import time_limit_s

    assert time_limit_s(1800, 0.5, 4, 600) == 3600 and time_limit_s(60, 0.5, 4, 600) == 600
    dl.tighten(0.01, "outside a step: no effect")
    dl.check()
    with dl.step_deadline(100.0, "transcript"):
        dl.tighten(1000.0, "later than the cap: ignored")
        assert dl.remaining(500.0) <= 100.0
        dl.tighten(0.05, "the audio's limit")
        _time.sleep(0.1)
        with pytest.raises(dl.StepTimeoutError, match=r"\(the audio's limit\)"):
            dl.check()
    dl.check()  # the step is over: no deadline any more
