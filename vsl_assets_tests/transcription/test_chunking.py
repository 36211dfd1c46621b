"""Planning cut points at pauses, cutting chunks with ffmpeg, and stitching results back."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import av
import pytest

from vsl_assets.errors import TranscriptionError
from vsl_assets.transcription.audio import probe_duration
from vsl_assets.transcription.chunking import (
    FfmpegSilenceFinder,
    Silence,
    SilenceOptions,
    cut_chunk,
    detect_silences,
    max_chunk_seconds,
    parse_silencedetect,
    plan_chunks,
    static_finder,
)
from vsl_assets.transcription.longform import (
    Chunk,
    ChunkResult,
    LongformOptions,
    build_prompt,
    prompt_tail,
    stitch,
    transcribe_long,
)
from vsl_assets.transcription.models import Segment, Word
from vsl_assets_tests.servers import run_ffmpeg
from vsl_assets_tests.transcription._audio import SPEECH_EN, loop_copy, pipeline_encode, tone

# xdist_group: its encoded speech is built once, on one worker (./test.sh runs workers in parallel)
pytestmark = pytest.mark.xdist_group("chunking_speech")


@pytest.fixture(scope="module")
def speech_95s(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("speech")
    unit = pipeline_encode(SPEECH_EN, d / "unit.ogg")
    return loop_copy(unit, d / "speech_95s.ogg", 95.0)


def assert_covering(spans: list, duration: float, max_s: float) -> None:
    assert spans[0].start == 0.0 and spans[-1].end == pytest.approx(duration)
    for a, b in itertools.pairwise(spans):
        assert a.end == b.start
    assert [s.index for s in spans] == list(range(len(spans)))
    assert all(0 < s.duration <= max_s + 1e-6 for s in spans)


def test_plan_cuts_inside_pauses_with_the_fewest_chunks() -> None:
    # A pause of 0.4 s every 7 s, and a long (sentence) pause at 52 s.
    pauses = [Silence(t, t + 0.4) for t in range(5, 100, 7)] + [Silence(52.0, 53.5)]
    spans = plan_chunks(100.0, 30.0, static_finder(pauses), search_window_s=20.0)

    assert_covering(spans, 100.0, 30.0)
    assert len(spans) == math.ceil(100 / 30)
    for span in spans[:-1]:
        assert span.cut_silence is not None and not span.hard_cut
        assert span.cut_silence.contains(span.end)
        assert any(p.contains(span.end, margin=0.1) for p in pauses)
    # Balanced, not 30 + 30 + 30 + 10: the chunks are about a quarter each.
    assert all(18 <= s.duration <= 30 for s in spans)
    # The long pause near a target wins over the short ones next to it.
    assert any(52.0 < s.end < 53.5 for s in spans)


def test_plan_without_pauses_falls_back_to_hard_cuts_at_the_maximum() -> None:
    spans = plan_chunks(30.0, 8.0, static_finder([]))
    assert [(s.start, s.end, s.hard_cut) for s in spans] == [
        (0.0, 8.0, True),
        (8.0, 16.0, True),
        (16.0, 24.0, True),
        (24.0, 30.0, False),
    ]


def test_plan_of_short_audio_is_one_span() -> None:
    assert [(s.start, s.end) for s in plan_chunks(19.0, 20.0, static_finder([]))] == [(0.0, 19.0)]
    with pytest.raises(ValueError):
        plan_chunks(19.0, 0.0, static_finder([]))


def test_max_chunk_seconds_from_limits() -> None:
    # Fits everywhere: no chunking at all.
    assert max_chunk_seconds(600, 2_400_000, max_bytes=24_000_000, max_duration_s=1400, max_chunk_s=None) is None
    # 4,000 B/s: 5 MB is 1,250 s of audio, less a 5 % margin.
    assert max_chunk_seconds(3600, 14_400_000, max_bytes=5_000_000, max_duration_s=None, max_chunk_s=None) == (
        pytest.approx(1250 * 0.95)
    )
    # The duration limit binds when it is the smaller one.
    assert max_chunk_seconds(3600, 14_400_000, max_bytes=24_000_000, max_duration_s=1400, max_chunk_s=None) == 1400
    assert max_chunk_seconds(60, 240_000, max_bytes=None, max_duration_s=None, max_chunk_s=20) == 20


def test_parse_silencedetect() -> None:
    log = (
        "[silencedetect @ 0x1] silence_start: -0.02\n"
        "[silencedetect @ 0x1] silence_end: 0.5 | silence_duration: 0.52\n"
        "size=N/A time=00:00:10.00\n"
        "[silencedetect @ 0x1] silence_start: 9.25\n"
    )
    assert parse_silencedetect(log, offset=100.0, end=110.0) == [Silence(100.0, 100.5), Silence(109.25, 110.0)]
    assert parse_silencedetect(log) == [Silence(0.0, 0.5)]


@pytest.mark.slow
def test_real_audio_is_cut_only_inside_detected_pauses(speech_95s: Path, tmp_path: Path) -> None:
    duration = probe_duration(speech_95s)
    finder = FfmpegSilenceFinder(speech_95s)
    spans = plan_chunks(duration, 20.0, finder)

    assert_covering(spans, duration, 20.0)
    # 95 s in 20 s chunks needs 19 s a chunk; where no pause falls there, one more chunk.
    assert 5 <= len(spans) <= 6
    # Independent check: a full scan with the same settings has a pause around every cut.
    pauses = detect_silences(speech_95s)
    assert pauses
    for span in spans[:-1]:
        assert not span.hard_cut
        assert any(p.contains(span.end, margin=0.05) for p in pauses), (span, pauses)
    # Only the windows were decoded (at most half a chunk each), at the strictest setting.
    assert all(hi - lo <= 10.0 + 1e-6 for lo, hi, *_ in finder.scans)
    assert {(db, d) for _, _, db, d, _ in finder.scans} == {(-35.0, 0.3)}

    # Stream-copied chunks: same codec and container, durations add up to the whole.
    total = 0.0
    for span in spans:
        last = span.index == len(spans) - 1
        dest = cut_chunk(speech_95s, span.start, None if last else span.end, tmp_path / f"c{span.index}.ogg")
        with av.open(str(dest)) as container:
            assert container.format.name == "ogg"
            assert container.streams.audio[0].codec_context.name == "opus"
        got = probe_duration(dest)
        assert got == pytest.approx(span.duration, abs=0.08)
        total += got
    assert total == pytest.approx(duration, abs=0.2)


@pytest.mark.slow
def test_audio_without_pauses_gets_hard_cuts_at_the_maximum(tmp_path: Path) -> None:
    clip = tone(tmp_path / "tone.ogg", 30.0)
    assert detect_silences(clip) == []
    finder = FfmpegSilenceFinder(clip, SilenceOptions())
    spans = plan_chunks(probe_duration(clip), 8.0, finder)

    assert [round(s.end, 3) for s in spans[:-1]] == [8.0, 16.0, 24.0]
    assert [s.hard_cut for s in spans] == [True, True, True, False]
    # Every fallback threshold was tried, on both windows, before giving up.
    assert [(db, d) for _, _, db, d, _ in finder.scans[:6]] == [
        (-35.0, 0.3),
        (-35.0, 0.3),
        (-30.0, 0.25),
        (-30.0, 0.25),
        (-25.0, 0.2),
        (-25.0, 0.2),
    ]


def test_stitch_offsets_clamps_and_keeps_times_monotonic() -> None:
    chunks = [Chunk(0, 2, 0.0, 10.0, Path("a"), 1), Chunk(1, 2, 10.0, 18.0, Path("b"), 1)]
    results = [
        ChunkResult("one two", [Segment(0.0, 6.0, " one "), Segment(5.5, 10.4, "two")], "en"),
        ChunkResult(
            "three",
            [Segment(-0.1, 3.0, "three", words=[Word(0.2, 0.6, " three", 0.9)]), Segment(3.0, 9.0, "four")],
            "en",
        ),
    ]
    segs = stitch(chunks, results)
    assert [(s.start, s.end, s.text) for s in segs] == [
        (0.0, 6.0, "one"),
        (6.0, 10.0, "two"),
        (10.0, 13.0, "three"),
        (13.0, 18.0, "four"),
    ]
    assert segs[2].words == [Word(10.2, 10.6, " three", 0.9)]


def test_prompt_tail_and_prompt() -> None:
    text = "word " * 200 + "the very end."
    tail = prompt_tail(text, 50)
    assert len(tail) <= 50 and text.endswith(tail) and tail.endswith("the very end.") and not tail.startswith(" ")
    assert prompt_tail("short text", 50) == "short text"
    assert build_prompt("Glossary: Keto.", "previous words", 500) == "Glossary: Keto. previous words"
    assert build_prompt(None, None, 500) is None


@pytest.mark.slow
def test_chunks_denser_than_average_are_split_again_under_the_size_limit(tmp_path: Path) -> None:
    """60 s of silence then 57 s of speech: the average byte rate underestimates the speech."""
    mixed = tmp_path / "mixed.ogg"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-t",
            "60",
            "-i",
            "anullsrc=r=16000:cl=mono",
            "-stream_loop",
            "2",
            "-i",
            str(SPEECH_EN),
            "-filter_complex",
            "[0:a][1:a]concat=n=2:v=0:a=1",
            "-ac",
            "1",
            "-ar",
            "16000",
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            "-application",
            "voip",
            "-f",
            "ogg",
            str(mixed),
        ]
    )
    max_bytes = 100_000
    assert mixed.stat().st_size > 2 * max_bytes
    seen: list[tuple[float, float, int]] = []

    def fake(chunk: Chunk, *, language: str | None, prompt: str | None, log: object) -> ChunkResult:
        assert chunk.path.stat().st_size == chunk.size_bytes
        seen.append((chunk.start, chunk.end, chunk.size_bytes))
        return ChunkResult(f"c{chunk.index}", [Segment(0.0, chunk.duration, f"c{chunk.index}")], language)

    work = tmp_path / "work"
    result = transcribe_long(mixed, fake, language="en", options=LongformOptions(max_bytes=max_bytes, work_dir=work))
    assert all(size <= max_bytes for _, _, size in seen), seen
    assert seen[0][0] == 0.0 and seen[-1][1] == pytest.approx(probe_duration(mixed))
    assert all(a[1] == b[0] for a, b in itertools.pairwise(seen))
    assert [c.index for c in result.chunks] == list(range(len(seen)))
    assert result.text == " ".join(f"c{i}" for i in range(len(seen)))
    assert not any(work.iterdir())


@pytest.mark.slow
def test_checkpoints_answer_only_the_identical_request(tmp_path: Path) -> None:
    audio = tmp_path / "a.ogg"
    audio.write_bytes(SPEECH_EN.read_bytes())
    calls: list[tuple[int, str | None]] = []

    def fake(chunk: Chunk, *, language: str | None, prompt: str | None, log: object) -> ChunkResult:
        calls.append((chunk.index, prompt))
        if chunk.index == 2 and fail:
            raise TranscriptionError("boom")
        return ChunkResult(f"words {chunk.index}", [Segment(0.0, 1.0, f"words {chunk.index}")], "en", billed_s=5.0)

    def run(tag: str = "openai/whisper-1", language: str = "en") -> object:
        options = LongformOptions(max_chunk_s=6, checkpoint_dir=tmp_path / "ckpt", checkpoint_tag=tag)
        return transcribe_long(audio, fake, language=language, options=options)

    fail = True
    with pytest.raises(TranscriptionError):
        run()
    assert [i for i, _ in calls] == [0, 1, 2] and len(list((tmp_path / "ckpt").iterdir())) == 2
    fail = False
    calls.clear()
    result = run()
    assert calls[0][0] == 2 and result.reused == 2  # chunks 1 and 2 came from disk
    assert result.text.startswith("words 0 words 1 words 2") and result.billed_s == 5.0 * len(result.chunks)
    reference = result.text

    calls.clear()
    run(tag="openai/gpt-4o-transcribe")  # another model: nothing is reused
    assert [i for i, _ in calls] == list(range(len(result.chunks)))
    calls.clear()
    run(language="pt")  # another language: nothing is reused
    assert [i for i, _ in calls] == list(range(len(result.chunks)))

    # A damaged checkpoint is redone, not trusted; other bytes in the audio are another request.
    first = sorted((tmp_path / "ckpt").glob("chunk-000000000-*.json"))
    for path in first:
        path.write_text("{not json")
    calls.clear()
    assert run().text == reference and calls == [(0, None)]
    audio.write_bytes(SPEECH_EN.read_bytes() + b"\0")
    calls.clear()
    run()
    assert len(calls) == len(result.chunks)
