"""An hour of speech through the OpenAI engine: chunked under the limits, prompted, stitched, billed.

The real ``openai`` client talks to the fake server, which enforces an upload size limit and
the gpt-4o models' 1,500 s duration limit, probes every upload's duration with PyAV and
answers each request with text of its own ("Part 2 line 7."), one segment per 10 s of the
audio it received, timed from the start of that upload as the real API does.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from vsl_assets.errors import TransientTranscriptionError
from vsl_assets.storage import StorageLayout
from vsl_assets.transcription import OpenAITranscriber, Transcript, write_outputs
from vsl_assets.transcription.audio import probe_duration
from vsl_assets.transcription.chunking import detect_silences
from vsl_assets.transcription.longform import prompt_tail
from vsl_assets.transcription.quality import coverage, repetition
from vsl_assets.transcription.writers import srt_timestamp, vtt_timestamp
from vsl_assets_tests.servers import FakeOpenAIServer
from vsl_assets_tests.transcription._audio import SPEECH_EN, loop_copy, pipeline_encode

KEY = "sk-proj-TESTkey0123456789abcdef"
SERVER_MAX_BYTES = 5_000_000
ENGINE_MAX_BYTES = 4_500_000


class NumberingServer(FakeOpenAIServer):
    """Distinct text per request, in arrival order, and a record of how many ran at once."""

    def __init__(self, *args: object, hold_s: float = 0.0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.hold_s = hold_s
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
        return [(k * 10.0, min(k * 10.0 + 9.5, d), f"Part {n} line {k}.") for k in range(math.ceil(d / 10))]


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


def test_an_hour_through_gpt_4o_transcribe_in_1400_s_chunks(hour: Path) -> None:
    duration = probe_duration(hour)
    with NumberingServer(api_key=KEY, max_duration_s=1500) as srv:
        t = OpenAITranscriber(KEY, base_url=srv.base_url, model="gpt-4o-transcribe").transcribe(hour, language="en")
        reqs = srv.requests

    assert [r.status for r in reqs] == [200] * 3
    assert all(r.response_format == "json" and r.duration_s is not None and r.duration_s <= 1400.1 for r in reqs)
    assert t.chunk_count == 3
    # No timestamps from these models: one segment per chunk, spanning it.
    assert len(t.segments) == 3
    assert [s.text for s in t.segments] == list(chunk_texts(t).values())
    assert t.segments[0].start == 0.0 and t.segments[-1].end == pytest.approx(duration)
    for a, b in zip(t.segments, t.segments[1:], strict=False):
        assert a.end == b.start
        assert b.start - a.start <= 1400.1
    assert_monotonic_and_complete(t, duration)
    assert_prompts_chain(reqs, t)
    assert t.billed_minutes == pytest.approx(60.0, abs=0.02)
    assert t.cost_usd == pytest.approx(0.36, abs=1e-3)


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
