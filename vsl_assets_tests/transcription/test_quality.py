"""Quality checks, WER, pricing and the new transcript fields, on hand-made transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsl_assets.transcription import Segment, Transcript, to_json
from vsl_assets.transcription.pricing import (
    GPT4O_MAX_DURATION_S,
    PRICE_PER_MINUTE_USD,
    UPLOAD_LIMIT_BYTES,
    ModelLimits,
    estimate_cost_usd,
    limits_for,
    price_per_minute,
)
from vsl_assets.transcription.quality import (
    coverage,
    normalise_text,
    repetition,
    wer,
    word_error_rate,
    words_per_minute,
)
from vsl_assets_tests.servers import run_ffmpeg


def make(segments: list[tuple[float, float, str]], duration: float | None = 60.0, **kwargs: object) -> Transcript:
    return Transcript(
        text=" ".join(t for _, _, t in segments if t.strip()),
        language="en",
        segments=[Segment(a, b, t) for a, b, t in segments],
        engine="local",
        model="tiny.en",
        duration_s=duration,
        **kwargs,  # type: ignore[arg-type]
    )


def test_coverage_passes_near_the_end_and_fails_when_speech_stops_early() -> None:
    t = make([(0.0, 30.0, "Hello there."), (30.0, 57.5, "Goodbye now."), (57.5, 60.0, "")])
    result = coverage(t, 60.0)
    assert result.passed and result.last_end_s == 57.5 and result.gap_s == pytest.approx(2.5)
    passed, last_end, gap = result
    assert (passed, last_end, gap) == (True, 57.5, pytest.approx(2.5))
    assert result.metadata["tail_silent"] is None

    short = coverage(t, 600.0)
    assert not short.passed and short.gap_s == pytest.approx(542.5)
    assert "speech may be missing" in short.description
    assert coverage(t, 70.0, tolerance_s=15.0).passed
    assert not coverage(make([]), 10.0).passed
    assert coverage(make([]), 10.0).description == "the transcript has no text"


def test_coverage_allows_a_silent_tail_when_given_the_audio(tmp_path: Path) -> None:
    # 5 s of tone, then 20 s of silence.
    audio = tmp_path / "tail.ogg"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=16000:duration=5",
            "-af",
            "apad=whole_dur=25",
            "-ac",
            "1",
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            str(audio),
        ]
    )
    t = make([(0.0, 5.0, "A tone.")], duration=25.0)
    result = coverage(t, 25.0, audio=audio)
    assert result.passed and result.metadata["tail_silent"] is True
    assert "the rest is silence" in result.description
    # Speech missing in the middle of a tail that is not silent: still a failure.
    loud = tmp_path / "loud.ogg"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=300:sample_rate=16000:duration=25", "-c:a", "libopus", str(loud)])
    assert not coverage(t, 25.0, audio=loud).passed


def test_repetition_flags_runs_of_identical_segments() -> None:
    ok = make([(0, 2, "Click the button."), (2, 4, "Click the button!"), (4, 6, "Then pay."), (6, 8, "Done.")])
    result = repetition(ok)
    assert result.passed and result.max_run == 2 and result.kind == "segment"

    loop = make([(0, 2, "Intro.")] + [(2 + i, 3 + i, " Thank you for watching. ") for i in range(5)])
    result = repetition(loop)
    assert not result.passed
    assert (result.max_run, result.kind, result.text, result.at_s) == (5, "segment", "thank you for watching", 2)
    assert result.metadata["segment_run"] == 5 and "hallucination" in result.description

    assert repetition(make([(0, 1, "One."), (1, 2, "Two.")])).max_run == 1
    assert repetition(make([(0, 1, "One."), (1, 2, "Two.")])).kind is None


def test_repetition_inside_one_segment() -> None:
    # json-only engines: the whole chunk is one segment, so sentences and phrases are checked too.
    sentences = make([(0, 60, "Buy now. " + "This is the best offer. " * 4 + "Bye.")])
    result = repetition(sentences)
    assert not result.passed and result.kind in ("sentence", "phrase") and result.max_run >= 4

    phrase = make([(0, 60, "and then " + "the the the the the the the the " + "end")])
    assert not repetition(phrase).passed
    # "very, very" and a doubled word are speech, not a loop.
    assert repetition(make([(0, 60, "It is very, very good. No, no, that is that.")])).passed


def test_words_per_minute() -> None:
    speech = make([(0, 60, " ".join(["word"] * 150))])
    result = words_per_minute(speech)
    assert result.passed and result.wpm == 150.0 and result.words == 150
    assert result.metadata == {"wpm": 150.0, "words": 150, "duration_s": 60.0, "low": 60.0, "high": 260.0}

    sparse = words_per_minute(make([(0, 5, "Only five words are here.")]), 600.0)
    assert not sparse.passed and sparse.wpm == 0.5 and "speech may be missing" in sparse.description
    dense = words_per_minute(make([(0, 60, " ".join(["w"] * 400))]))
    assert not dense.passed and "invented" in dense.description
    unknown = words_per_minute(make([(0, 1, "x")], duration=None))
    assert not unknown.passed and unknown.wpm is None


def test_word_error_rate() -> None:
    assert wer("Hello, World!", "hello world") == 0.0
    r = word_error_rate("the cat sat on the mat", "the cat sat on mat today")
    assert (r.substitutions, r.deletions, r.insertions, r.reference_words) == (0, 1, 1, 6)
    assert r.wer == pytest.approx(2 / 6)
    assert wer("a b c d", "a x c d") == pytest.approx(0.25)
    assert wer("", "") == 0.0 and wer("", "extra") == 1.0
    assert normalise_text("Você já tentou? Ação: 1,000 O\u2019Neil's!") == "você já tentou ação 1000 o'neil's"


def test_pricing_table_and_limits() -> None:
    assert PRICE_PER_MINUTE_USD == {"whisper-1": 0.006, "gpt-4o-transcribe": 0.006, "gpt-4o-mini-transcribe": 0.003}
    assert limits_for("whisper-1").max_duration_s is None
    assert limits_for("gpt-4o-mini-transcribe").max_duration_s == GPT4O_MAX_DURATION_S
    assert limits_for("gpt-4o-transcribe-2025-03-20").max_duration_s == GPT4O_MAX_DURATION_S
    assert limits_for("some-compatible-model").max_bytes == UPLOAD_LIMIT_BYTES
    # The gpt-4o family also stops writing at 2,000 tokens: its requests carry ~5 min of fast speech
    # (330 tokens a minute fill 85 % of the cap), whisper-1's are bounded by size alone.
    assert limits_for("gpt-4o-transcribe").max_output_tokens == 2000
    assert limits_for("gpt-4o-mini-transcribe").request_duration_s() == pytest.approx(309.09, abs=0.01)
    assert limits_for("some-compatible-model").request_duration_s() == pytest.approx(309.09, abs=0.01)
    assert limits_for("whisper-1").max_output_tokens is None and limits_for("whisper-1").request_duration_s() is None
    assert ModelLimits(None, 1400.0, None).request_duration_s() == 1400.0
    assert ModelLimits(None, 1400.0, 20_000).request_duration_s() == 1400.0
    assert price_per_minute("gpt-4o-mini-transcribe-2025-12-15") == 0.003
    assert estimate_cost_usd("gpt-4o-mini-transcribe", 60.0) == pytest.approx(0.18)
    assert estimate_cost_usd("unknown", 60.0) is None


def test_new_transcript_fields_round_trip_and_default_for_old_json() -> None:
    t = make([(0, 1, "Hi.")], chunk_count=3, billed_minutes=61.5, cost_usd=0.369)
    data = t.to_dict()
    assert (data["chunk_count"], data["billed_minutes"], data["cost_usd"]) == (3, 61.5, 0.369)
    assert Transcript.from_dict(data) == t
    assert '"chunk_count": 3' in to_json(t)

    old = {k: v for k, v in data.items() if k not in ("chunk_count", "billed_minutes", "cost_usd")}
    back = Transcript.from_dict(old)
    assert (back.chunk_count, back.billed_minutes, back.cost_usd) == (1, None, None)
    with pytest.raises(ValueError, match="chunk_count"):
        Transcript.from_dict({**data, "chunk_count": "3"})
