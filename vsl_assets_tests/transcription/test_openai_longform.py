"""An hour of speech through the OpenAI engine: chunked under the limits, prompted, stitched, billed.

The real ``openai`` client talks to the fake server, which enforces an upload size limit, the
gpt-4o models' 1,500 s duration limit and (when asked) their output cap, after which a reply's
text just stops, as the real models do.  It probes every upload's duration with PyAV and
answers each request with text of its own ("Part 2 line 7."), one segment per 10 s of the
audio it received, timed from the start of that upload as the real API does; ``filler`` words
per line set how fast the "speaker" talks.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vsl_assets.errors import TranscriptionError, TransientTranscriptionError
from vsl_assets.storage import StorageLayout
from vsl_assets.transcription import OpenAITranscriber, Transcript, write_outputs
from vsl_assets.transcription.audio import probe_duration
from vsl_assets.transcription.chunking import detect_silences
from vsl_assets.transcription.longform import prompt_tail
from vsl_assets.transcription.pricing import GPT4O_MAX_OUTPUT_TOKENS
from vsl_assets.transcription.quality import coverage, repetition
from vsl_assets.transcription.writers import srt_timestamp, vtt_timestamp
from vsl_assets_tests.servers import FakeOpenAIServer
from vsl_assets_tests.transcription._audio import SPEECH_EN, loop_copy, pipeline_encode

# xdist_group: its hour of encoded speech is built once, on one worker (./test.sh runs workers in parallel)
pytestmark = pytest.mark.xdist_group("longform_audio")

KEY = "sk-proj-TESTkey0123456789abcdef"
SERVER_MAX_BYTES = 5_000_000
ENGINE_MAX_BYTES = 4_500_000


class NumberingServer(FakeOpenAIServer):
    """Distinct text per request, in arrival order, and a record of how many ran at once."""

    def __init__(self, *args: object, hold_s: float = 0.0, filler: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.hold_s = hold_s
        self.filler = filler
        self._count_lock = threading.Lock()
        self._count = 0
        self.active = 0
        self.max_active = 0

    def _segments_for(self, duration: float | None) -> list[tuple[float, float, str]]:
        with self._count_lock:
            n = self._count
            self._count += 1
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            time.sleep(self.hold_s)
        finally:
            with self._count_lock:
                self.active -= 1
        d = round(duration or 1.0, 3)
        return [(k * 10.0, min(k * 10.0 + 9.5, d), self.line(n, k)) for k in range(math.ceil(d / 10))]

    def line(self, n: int, k: int) -> str:
        """ "Part n line k." and ``filler`` words: 6 + filler tokens per 10 s of audio."""
        words = " ".join(FILLER[(k + j) % len(FILLER)] for j in range(self.filler))
        return f"Part {n} line {k}: {words}." if words else f"Part {n} line {k}."


FILLER = "you can lose weight with this simple morning habit that doctors never mention".split()


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("long")
    pipeline_encode(SPEECH_EN, d / "unit.ogg")
    return d


@pytest.fixture(scope="module")
def hour(audio_dir: Path) -> Path:
    """60 minutes of real speech encoded like the pipeline's audio (~12 MB)."""
    return loop_copy(audio_dir / "unit.ogg", audio_dir / "vsl-hour.ogg", 3600.0)


@pytest.fixture(scope="module")
def ten_minutes(audio_dir: Path) -> Path:
    return loop_copy(audio_dir / "unit.ogg", audio_dir / "vsl-ten.ogg", 600.0)


@pytest.fixture
def server() -> Iterator[NumberingServer]:
    with NumberingServer(api_key=KEY, max_bytes=SERVER_MAX_BYTES, max_duration_s=1500, check_extension=True) as srv:
        yield srv


def chunk_texts(t: Transcript) -> dict[int, str]:
    """The text each request returned, rebuilt from the stitched segments ("Part n ...")."""
    by_part: dict[int, list[str]] = {}
    for seg in t.segments:
        by_part.setdefault(int(seg.text.split()[1]), []).append(seg.text)
    return {n: " ".join(texts) for n, texts in by_part.items()}


def assert_monotonic_and_complete(t: Transcript, duration: float) -> None:
    assert t.segments and t.segments[0].start == 0.0
    for a, b in zip(t.segments, t.segments[1:], strict=False):
        assert a.start <= a.end <= b.start + 1e-9, (a, b)
    assert t.segments[-1].end <= duration + 1e-6
    passed, last_end, gap = coverage(t, duration, tolerance_s=3.0)
    assert passed and gap < 3.0 and last_end > duration - 3.0


def assert_prompts_chain(requests: list, t: Transcript) -> None:
    texts = chunk_texts(t)
    assert requests[0].prompt is None
    for i in range(1, len(requests)):
        prompt, previous = requests[i].prompt, texts[i - 1]
        # The tail of what the previous request returned, starting on a word: "Part 1 line 97. ..."
        assert prompt is not None and prompt == prompt_tail(previous)
        assert previous.endswith(prompt) and 300 < len(prompt) <= 500


@pytest.mark.slow
def test_an_hour_through_whisper_1_in_chunks_under_the_size_limit(
    hour: Path, server: NumberingServer, tmp_path: Path
) -> None:
    duration = probe_duration(hour)
    assert duration >= 3600 - 0.1
    assert hour.stat().st_size > 2 * SERVER_MAX_BYTES
    work = tmp_path / "work"
    lines: list[str] = []
    engine = OpenAITranscriber(KEY, base_url=server.base_url, max_bytes=ENGINE_MAX_BYTES, work_dir=work)

    t = engine.transcribe(hour, language="en", log=lines.append)

    reqs = server.requests
    assert [r.status for r in reqs] == [200] * len(reqs)
    assert t.chunk_count == len(reqs) == math.ceil(hour.stat().st_size / ENGINE_MAX_BYTES)
    for i, r in enumerate(reqs):
        assert r.size_bytes <= ENGINE_MAX_BYTES and r.duration_s is not None and r.duration_s <= 1500
        assert (r.model, r.response_format, r.language) == ("whisper-1", "verbose_json", "en")
        assert r.filename == f"vsl-hour-part{i + 1:02d}.ogg"
    assert sum(r.duration_s or 0 for r in reqs) == pytest.approx(duration, abs=0.5)

    assert (t.engine, t.model, t.language) == ("openai", "whisper-1", "en")
    assert t.duration_s == pytest.approx(duration)
    assert_monotonic_and_complete(t, duration)
    assert_prompts_chain(reqs, t)
    assert list(chunk_texts(t)) == list(range(len(reqs)))
    assert t.billed_minutes == pytest.approx(sum(r.duration_s or 0 for r in reqs) / 60, abs=1e-3)
    assert t.billed_minutes == pytest.approx(60.0, abs=0.02)
    assert t.cost_usd == pytest.approx(0.36, abs=1e-3)
    assert repetition(t).passed

    # Every join is inside a pause of the audio (checked with an independent scan).
    joins = [s.start for s in t.segments if s.text.endswith(" line 0.") and s.start > 0]
    assert len(joins) == t.chunk_count - 1
    for at in joins:
        pauses = detect_silences(hour, start=at - 3, duration=6)
        assert any(p.contains(at, margin=0.05) for p in pauses), (at, pauses)

    assert any(line.startswith("split 1:00:00 of audio into 3 chunks") for line in lines), lines
    assert "60.00 billed minutes (about $0.360)" in lines[-1]
    assert work.is_dir() and not any(work.iterdir())  # chunk files are gone

    # The written formats agree with each other and with the stitched times.
    paths = write_outputs(t, StorageLayout(tmp_path / "storage"), "vsl-hour")
    srt, vtt = paths["srt"].read_text(encoding="utf-8"), paths["vtt"].read_text(encoding="utf-8")
    assert srt.count(" --> ") == vtt.count(" --> ") == len(t.segments)
    assert srt.rstrip().splitlines()[-2].endswith(srt_timestamp(t.segments[-1].end))
    assert vtt.rstrip().splitlines()[-2].endswith(vtt_timestamp(t.segments[-1].end))
    assert len(paths["txt"].read_text(encoding="utf-8").splitlines()) == len(t.segments)
    assert Transcript.from_dict(json.loads(paths["json"].read_text(encoding="utf-8"))) == t


def lines_in(text: str) -> list[tuple[int, int]]:
    """The (part, line) labels of the fake's lines that came back whole (with their final period)."""
    return [(int(a), int(b)) for a, b in re.findall(r"Part (\d+) line (\d+)(?::[a-z ]*)?\.", text)]


@pytest.mark.slow
def test_an_hour_through_gpt_4o_transcribe_in_chunks_under_its_duration_and_output_limits(hour: Path) -> None:
    """180 tokens a minute (ordinary speech): 1,400 s requests would each need ~4,200 tokens of text
    from a model that writes 2,000; the planner's ~5-minute chunks stay well under the cap."""
    duration = probe_duration(hour)
    with NumberingServer(api_key=KEY, max_duration_s=1500, max_output_tokens=GPT4O_MAX_OUTPUT_TOKENS, filler=24) as srv:
        engine = OpenAITranscriber(KEY, base_url=srv.base_url, model="gpt-4o-transcribe")
        assert engine.max_output_tokens == 2000 and engine.max_duration_s == pytest.approx(309.09, abs=0.01)
        t = engine.transcribe(hour, language="en")
        reqs = srv.requests

    assert [r.status for r in reqs] == [200] * 12
    assert all(r.response_format == "json" and r.duration_s is not None and r.duration_s <= 309.1 for r in reqs)
    # Every reply ended on its own, far from the cap: nothing was cut.
    assert all(r.output_tokens is not None and r.output_tokens < 0.6 * GPT4O_MAX_OUTPUT_TOKENS for r in reqs)
    assert t.chunk_count == 12
    # No timestamps from these models: one segment per chunk, spanning it.
    assert len(t.segments) == 12
    assert [s.text for s in t.segments] == list(chunk_texts(t).values())
    assert t.segments[0].start == 0.0 and t.segments[-1].end == pytest.approx(duration)
    for a, b in zip(t.segments, t.segments[1:], strict=False):
        assert a.end == b.start
        assert b.start - a.start <= 309.1
    assert_monotonic_and_complete(t, duration)
    assert_prompts_chain(reqs, t)
    # Every line of every reply is in the transcript, in order: one per 10 s of each request.
    assert lines_in(t.text) == [
        (n, k) for n, r in enumerate(reqs) for k in range(math.ceil(round(r.duration_s, 3) / 10))
    ]
    assert t.billed_minutes == pytest.approx(60.0, abs=0.02)
    assert t.cost_usd == pytest.approx(0.36, abs=1e-3)


@pytest.mark.slow
def test_without_the_output_cap_in_the_plan_an_hour_loses_nearly_half_its_words_silently(hour: Path) -> None:
    """What the planner prevents: 1,400 s requests to a model that stops writing at 2,000 tokens.
    No error anywhere, coverage passes (text-only segments span their chunk), and each request
    returns only its first 66 lines of 120."""
    duration = probe_duration(hour)
    with NumberingServer(api_key=KEY, max_duration_s=1500, max_output_tokens=GPT4O_MAX_OUTPUT_TOKENS, filler=24) as srv:
        engine = OpenAITranscriber(KEY, base_url=srv.base_url, model="gpt-4o-transcribe", max_output_tokens=0)
        assert engine.max_duration_s == 1400.0
        t = engine.transcribe(hour, language="en")
        reqs = srv.requests
    assert [r.output_tokens for r in reqs] == [GPT4O_MAX_OUTPUT_TOKENS] * 3
    assert coverage(t, duration).passed
    said = sum(math.ceil(round(r.duration_s, 3) / 10) for r in reqs)
    assert said >= 360 and len(lines_in(t.text)) == 3 * (GPT4O_MAX_OUTPUT_TOKENS // 30) == 198  # 30 tokens a line


@pytest.mark.slow
def test_a_reply_cut_short_at_the_output_cap_is_transcribed_again_in_halves(ten_minutes: Path, tmp_path: Path) -> None:
    """A speaker faster than the planner assumes (480 tokens a minute): each ~5-minute reply stops at
    2,000 tokens; the engine sees it in the reply's usage and sends the two halves of that audio."""
    duration = probe_duration(ten_minutes)
    work = tmp_path / "work"
    lines: list[str] = []
    with NumberingServer(api_key=KEY, max_output_tokens=GPT4O_MAX_OUTPUT_TOKENS, filler=74) as srv:
        engine = OpenAITranscriber(KEY, base_url=srv.base_url, model="gpt-4o-transcribe", work_dir=work)
        t = engine.transcribe(ten_minutes, language="en", log=lines.append)
        reqs = srv.requests

    # chunk 1 (cut short), its halves, chunk 2 (cut short), its halves.
    assert [r.status for r in reqs] == [200] * 6
    assert [r.output_tokens == GPT4O_MAX_OUTPUT_TOKENS for r in reqs] == [True, False, False, True, False, False]
    assert [r.filename for r in reqs] == [
        "vsl-ten-part01.ogg",
        "vsl-ten-part01-1.ogg",
        "vsl-ten-part01-2.ogg",
        "vsl-ten-part02.ogg",
        "vsl-ten-part02-1.ogg",
        "vsl-ten-part02-2.ogg",
    ]
    for whole, a, b in (reqs[0:3], reqs[3:6]):
        assert a.duration_s + b.duration_s == pytest.approx(whole.duration_s, abs=0.05)
        assert 100 < a.duration_s < 200
    # The halves' text only, every line whole and in order; the cut-short replies left no trace.
    assert lines_in(t.text) == [
        (n, k) for n in (1, 2, 4, 5) for k in range(math.ceil(round(reqs[n].duration_s, 3) / 10))
    ]
    assert not any(p in (0, 3) for p, _ in lines_in(t.text)) and "Part 0 " not in t.text and "Part 3 " not in t.text
    # Continuity inside a chunk as between chunks: each half is prompted with what came before.
    assert reqs[0].prompt is None and reqs[1].prompt is None

    def said(n: int) -> str:
        return " ".join(srv.line(n, k) for k in range(math.ceil(round(reqs[n].duration_s, 3) / 10)))

    assert reqs[2].prompt == prompt_tail(said(1))
    assert reqs[3].prompt == reqs[4].prompt == prompt_tail(said(1) + " " + said(2))  # chunk 2 follows chunk 1's halves
    assert reqs[5].prompt == prompt_tail(said(4))
    # One segment per half, on the original timeline.
    assert t.chunk_count == 2 and len(t.segments) == 4
    assert_monotonic_and_complete(t, duration)
    assert t.segments[1].start == pytest.approx(reqs[1].duration_s, abs=0.05)
    # Every request is paid for, the two cut-short ones included.
    assert t.billed_minutes == pytest.approx(2 * duration / 60, abs=0.02)
    cut = [x for x in lines if "stopped at its limit of 2000 output tokens" in x]
    assert len(cut) == 2 and cut[0].endswith("so its text was cut short; transcribing that audio again in two halves")
    assert work.is_dir() and not any(work.iterdir())


def test_a_reply_cut_short_on_audio_too_short_to_halve_fails_with_the_reason(tmp_path: Path) -> None:
    clip = pipeline_encode(SPEECH_EN, tmp_path / "clip.ogg")  # 19 s
    with NumberingServer(api_key=KEY, max_output_tokens=GPT4O_MAX_OUTPUT_TOKENS, filler=1200) as srv:
        engine = OpenAITranscriber(KEY, base_url=srv.base_url, model="gpt-4o-mini-transcribe")
        with pytest.raises(TranscriptionError) as info:
            engine.transcribe(clip, language="en")
        assert len(srv.requests) == 1
    assert info.value.reason == (
        "OpenAI gpt-4o-mini-transcribe stopped at its limit of 2000 output tokens on 0:19 of audio, so its text "
        "was cut short, and the audio cannot usefully be split further"
    )


@pytest.mark.slow
def test_without_continuity_chunks_run_concurrently_after_the_first(ten_minutes: Path) -> None:
    with NumberingServer(api_key=KEY, hold_s=0.3) as srv:
        engine = OpenAITranscriber(
            KEY, base_url=srv.base_url, max_chunk_s=130, continuity=False, max_concurrency=3, prompt="Keto Burn."
        )
        t = engine.transcribe(ten_minutes, language=None)
        reqs, max_active = srv.requests, srv.max_active

    assert t.chunk_count == len(reqs) == 5
    assert 2 <= max_active <= 3
    # Language unknown: the first chunk runs alone and its language is used for the rest.
    assert reqs[0].language is None and {r.language for r in reqs[1:]} == {"en"}
    assert {r.prompt for r in reqs} == {"Keto Burn."}  # the base prompt only, no previous text
    assert t.language == "en"
    assert_monotonic_and_complete(t, probe_duration(ten_minutes))
    assert t.billed_minutes == pytest.approx(10.0, abs=0.01)


def test_a_failed_chunk_names_itself_stays_transient_and_leaves_no_files(ten_minutes: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    with NumberingServer(api_key=KEY) as srv:
        srv.fail_next(500, 500)
        engine = OpenAITranscriber(KEY, base_url=srv.base_url, max_chunk_s=320, max_retries=1, work_dir=work)
        with pytest.raises(TransientTranscriptionError) as info:
            engine.transcribe(ten_minutes, language="en")
        assert [r.status for r in srv.requests] == [500, 500]
    assert info.value.reason.startswith("chunk 1/2 (0:00-")
    assert info.value.reason.endswith("OpenAI API server error (HTTP 500) after 2 attempts")
    assert not any(work.iterdir())
