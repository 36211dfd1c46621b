"""The OpenAI engine, with the real ``openai`` client talking to an OpenAI-compatible fake."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from vsl_assets.errors import ConfigurationError, TranscriptionError, TransientTranscriptionError
from vsl_assets.transcription import OpenAITranscriber, Segment, Transcriber, to_json
from vsl_assets_tests.servers import FakeOpenAIServer

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
KEY = "sk-proj-TESTkey0123456789abcdef"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    # check_extension: like the real API, refuse uploads named *.opus.
    with FakeOpenAIServer(api_key=KEY, check_extension=True) as srv:
        yield srv


def engine(server: FakeOpenAIServer, **kwargs: object) -> OpenAITranscriber:
    return OpenAITranscriber(KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def test_whisper_verbose_json_segments(server: FakeOpenAIServer) -> None:
    server.segments = [(0.0, 4.2, " Você está cansado?"), (4.2, 9.75, " Clique no botão abaixo. "), (9.75, 12.0, "")]
    lines: list[str] = []
    transcriber = engine(server)
    assert isinstance(transcriber, Transcriber)

    t = transcriber.transcribe(SPEECH_EN, language="pt", log=lines.append)

    assert t.segments == [
        Segment(0.0, 4.2, "Você está cansado?"),
        Segment(4.2, 9.75, "Clique no botão abaixo."),
        Segment(9.75, 12.0, ""),
    ]
    assert (t.engine, t.model, t.language) == ("openai", "whisper-1", "pt")  # "portuguese" -> "pt"
    assert t.text == "Você está cansado? Clique no botão abaixo."
    assert t.duration_s == pytest.approx(18.99, abs=0.05)
    assert any("uploading speech_en.ogg" in line for line in lines)
    assert KEY not in to_json(t) and not any(KEY in line for line in lines)

    (req,) = server.requests
    assert (req.model, req.language, req.response_format) == ("whisper-1", "pt", "verbose_json")
    assert req.timestamp_granularities == ["segment"]
    assert req.filename == "speech_en.ogg" and req.content_type == "audio/ogg"
    assert req.size_bytes == SPEECH_EN.stat().st_size
    assert req.duration_s == pytest.approx(18.99, abs=0.05)
    assert req.prompt is None and req.status == 200


def test_auto_language_sends_none_and_maps_the_reply(server: FakeOpenAIServer) -> None:
    server.language_reply = "spanish"
    t = engine(server).transcribe(SPEECH_EN, language=None)
    assert t.language == "es"
    assert server.requests[-1].language is None
    assert t.segments == [Segment(0.0, pytest.approx(18.99, abs=0.05), "fake transcript")]  # type: ignore[arg-type]

    server.language_reply = "klingon"
    assert engine(server).transcribe(SPEECH_EN, language="auto").language == "klingon"


def test_retries_recover_after_429_and_500(server: FakeOpenAIServer) -> None:
    server.fail_next(429, 500)
    lines: list[str] = []
    t = engine(server).transcribe(SPEECH_EN, language="en", log=lines.append)
    assert t.text == "fake transcript"
    assert [r.status for r in server.requests] == [429, 500, 200]
    # Every retry re-sent the whole file (the handle was rewound).
    assert {r.size_bytes for r in server.requests} == {SPEECH_EN.stat().st_size}
    assert "(3 attempt(s))" in lines[-1]


def test_exhausted_retries_are_transient(server: FakeOpenAIServer) -> None:
    server.fail_next(429, 429, 429)
    with pytest.raises(TransientTranscriptionError) as info:
        engine(server).transcribe(SPEECH_EN, language="en")
    assert info.value.reason == "OpenAI API rate limit (HTTP 429) after 3 attempts"
    assert info.value.transient

    server.fail_next(503, 503)
    with pytest.raises(TransientTranscriptionError) as info:
        engine(server, max_retries=1).transcribe(SPEECH_EN, language="en")
    assert info.value.reason == "OpenAI API server error (HTTP 503) after 2 attempts"
    assert [r.status for r in server.requests] == [429, 429, 429, 503, 503]


def test_wrong_key_is_permanent_and_never_echoed(server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "sk-wrong-SECRET-9876543210"
    transcriber = OpenAITranscriber(wrong, base_url=server.base_url)
    with caplog.at_level(logging.DEBUG), pytest.raises(TranscriptionError) as info:
        transcriber.transcribe(SPEECH_EN, language="en")
    err = info.value
    assert type(err) is TranscriptionError and not err.transient
    assert err.reason == "OpenAI rejected the API key (HTTP 401)"
    assert err.__cause__ is None and err.__context__ is None
    for text in (str(err), err.reason, err.detail or "", repr(err), repr(transcriber), caplog.text):
        assert wrong not in text and "SECRET" not in text
    assert len(server.requests) == 1  # a 401 is not retried


def test_bad_request_names_status_and_scrubbed_message(server: FakeOpenAIServer, tmp_path: Path) -> None:
    server.check_extension = True
    odd = tmp_path / "speech.mka"
    odd.write_bytes(SPEECH_EN.read_bytes())
    with pytest.raises(TranscriptionError) as info:
        engine(server).transcribe(odd, language="en")
    assert info.value.reason.startswith("OpenAI API refused the request (HTTP 400): Invalid file format.")

    server.max_bytes = 1000
    with pytest.raises(TranscriptionError) as info:
        engine(server).transcribe(SPEECH_EN, language="en")
    assert info.value.reason.startswith("the audio file is too large for the OpenAI API (HTTP 413): Maximum content")
    assert not info.value.transient


def test_api_messages_are_scrubbed_of_keys(server: FakeOpenAIServer) -> None:
    transcriber = engine(server)
    assert transcriber._scrub(f"key {KEY} and sk-abc12***xyz9 leaked") == "key *** and sk-*** leaked"


def test_gpt_4o_transcribe_gets_one_segment_over_the_duration(server: FakeOpenAIServer) -> None:
    server.segments = [(0.0, 5.0, "Hello"), (5.0, 10.0, "world.")]
    t = engine(server, model="gpt-4o-transcribe").transcribe(SPEECH_EN, language="en")
    req = server.requests[-1]
    assert (req.model, req.response_format, req.timestamp_granularities) == ("gpt-4o-transcribe", "json", [])
    assert t.text == "Hello world."
    assert t.language == "en" and t.model == "gpt-4o-transcribe"
    assert len(t.segments) == 1
    assert t.segments[0].start == 0.0
    assert t.segments[0].end == t.duration_s == pytest.approx(18.99, abs=0.05)

    auto = engine(server, model="gpt-4o-mini-transcribe").transcribe(SPEECH_EN, language=None)
    assert auto.language is None  # json replies carry no language


def test_unreachable_api_is_transient(tmp_path: Path) -> None:
    import socket

    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    transcriber = OpenAITranscriber(KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    with pytest.raises(TransientTranscriptionError, match=r"^could not reach the OpenAI API after 1 attempt: "):
        transcriber.transcribe(SPEECH_EN, language="en")


def test_timeout_is_transient(server: FakeOpenAIServer) -> None:
    server.delay_s = 3.0
    transcriber = engine(server, timeout_s=0.2, max_retries=0)
    with pytest.raises(TransientTranscriptionError) as info:
        transcriber.transcribe(SPEECH_EN, language="en")
    assert info.value.reason == "OpenAI API request timed out (limit 0.2 s per attempt) after 1 attempt"


def test_local_checks_before_upload(server: FakeOpenAIServer, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        OpenAITranscriber("  ")
    garbage = tmp_path / "x.ogg"
    garbage.write_bytes(b"\x00" * 4096)
    with pytest.raises(TranscriptionError, match="audio could not be decoded"):
        engine(server).transcribe(garbage, language=None)
    with pytest.raises(TranscriptionError, match="audio file not found"):
        engine(server).transcribe(tmp_path / "missing.ogg", language=None)
    assert server.requests == []


def test_a_stretch_the_api_dropped_is_sent_again_alone_and_paid_once(tmp_path: Path) -> None:
    """The reply has no text for 5-13 s of continuous speech (6-12 s beyond the segments' 1 s slack): only that window goes again, and a
    rerun with the same checkpoints pays for nothing."""
    from vsl_assets_tests.servers import FakeOpenAIServer

    speech = Path(__file__).resolve().parent.parent / "data" / "speech_en.opus"
    with FakeOpenAIServer(api_key="sk-holes") as api:
        api.segments = [(0.0, 5.0, "Are you tired of diets"), (13.0, 19.0, "click the button below")]
        engine = OpenAITranscriber(api_key="sk-holes", base_url=api.base_url, coverage_min_gap_s=3.0)
        logs: list[str] = []
        t = engine.transcribe(speech, language="en", log=logs.append, checkpoint_dir=tmp_path / "ck")
        assert any("speech without text at 0:06-0:12" in line for line in logs)
        paid = api.successful_requests
        assert len(paid) == 2 and 7.0 < paid[1].duration_s < 9.0  # the hole (6-12 s) plus 1 s each side
        assert t.chunk_count == 2 and t.billed_minutes == pytest.approx(sum(r.duration_s for r in paid) / 60, abs=1e-3)
        assert [round(s.start) for s in t.segments] == [0, 5, 13]  # the window's text, placed at 5 s
        assert t.speech_coverage is not None and t.warnings == []
        again = engine.transcribe(speech, language="en", checkpoint_dir=tmp_path / "ck")
        assert len(api.successful_requests) == 2  # both answers came from the checkpoints
        assert again.segments == t.segments
