"""Exact renderings of a small hand-made transcript, and atomic writes of the output set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vsl_assets.storage import TEMP_PREFIX, StorageLayout
from vsl_assets.transcription import (
    OUTPUT_EXTENSIONS,
    Segment,
    Transcript,
    Word,
    to_json,
    to_srt,
    to_txt,
    to_vtt,
    write_outputs,
)


@pytest.fixture
def transcript() -> Transcript:
    return Transcript(
        text="Você já tentou de tudo? Esta é a solução & <grátis>. Oferta só até 01:02!",
        language="pt",
        segments=[
            Segment(
                0.0,
                2.5,
                " Você já tentou de tudo? ",
                words=[Word(0.0, 0.4, " Você", 0.98), Word(0.4, 0.7, " já", None)],
            ),
            Segment(2.5, 3.0, "   "),  # silence: no cue, no paragraph
            Segment(62.3456, 65.0, "Esta é a solução\n\n& <grátis>."),
            Segment(3723.0, 3725.9996, "Oferta só até 01:02!"),
        ],
        engine="local",
        model="base (bundled)",
        duration_s=3726.5,
    )


def test_txt_is_one_paragraph_per_non_empty_segment(transcript: Transcript) -> None:
    assert to_txt(transcript) == ("Você já tentou de tudo?\nEsta é a solução & <grátis>.\nOferta só até 01:02!\n")


def test_txt_without_segments_uses_the_full_text() -> None:
    t = Transcript(text=" só texto ", language=None, segments=[], engine="openai", model="m", duration_s=None)
    assert to_txt(t) == "só texto\n"
    empty = Transcript(text="", language=None, segments=[], engine="openai", model="m", duration_s=None)
    assert to_txt(empty) == ""


def test_srt_exact(transcript: Transcript) -> None:
    assert to_srt(transcript) == (
        "1\n"
        "00:00:00,000 --> 00:00:02,500\n"
        "Você já tentou de tudo?\n"
        "\n"
        "2\n"
        "00:01:02,346 --> 00:01:05,000\n"
        "Esta é a solução & <grátis>.\n"
        "\n"
        "3\n"
        "01:02:03,000 --> 01:02:06,000\n"
        "Oferta só até 01:02!\n"
    )


def test_vtt_exact(transcript: Transcript) -> None:
    assert to_vtt(transcript) == (
        "WEBVTT\n"
        "\n"
        "1\n"
        "00:00:00.000 --> 00:00:02.500\n"
        "Você já tentou de tudo?\n"
        "\n"
        "2\n"
        "00:01:02.346 --> 00:01:05.000\n"
        "Esta é a solução &amp; &lt;grátis&gt;.\n"
        "\n"
        "3\n"
        "01:02:03.000 --> 01:02:06.000\n"
        "Oferta só até 01:02!\n"
    )


def test_subtitles_of_an_empty_transcript() -> None:
    t = Transcript(text="", language=None, segments=[Segment(0, 1, " ")], engine="local", model="m", duration_s=1.0)
    assert to_srt(t) == ""
    assert to_vtt(t) == "WEBVTT\n"


def test_json_keeps_accents_and_round_trips(transcript: Transcript) -> None:
    rendered = to_json(transcript)
    assert "Você já tentou" in rendered and "\\u00ea" not in rendered
    assert rendered.endswith("}\n") and rendered.startswith('{\n  "text"')
    data = json.loads(rendered)
    assert data["word_count"] == transcript.word_count == 14
    assert data["segments"][0]["words"][0] == {"start": 0.0, "end": 0.4, "word": " Você", "probability": 0.98}
    back = Transcript.from_dict(data)
    assert back == transcript
    assert to_json(back) == rendered


def test_from_dict_rejects_corrupt_data(transcript: Transcript) -> None:
    data = transcript.to_dict()
    data["segments"][0]["start"] = "0"
    with pytest.raises(ValueError, match="start"):
        Transcript.from_dict(data)
    data = transcript.to_dict()
    del data["engine"]
    with pytest.raises(KeyError):
        Transcript.from_dict(data)


def test_write_outputs_writes_all_formats_json_last(transcript: Transcript, tmp_path: Path) -> None:
    layout = StorageLayout(tmp_path)
    paths = write_outputs(transcript, layout, "vsl-0001")

    assert list(paths) == list(OUTPUT_EXTENSIONS) and list(paths)[-1] == "json"
    assert paths["json"] == layout.transcript_path("vsl-0001", "json")
    assert paths["txt"].read_text(encoding="utf-8") == to_txt(transcript)
    assert paths["srt"].read_text(encoding="utf-8") == to_srt(transcript)
    assert paths["vtt"].read_text(encoding="utf-8") == to_vtt(transcript)
    assert Transcript.from_dict(json.loads(paths["json"].read_text(encoding="utf-8"))) == transcript
    # json has the newest mtime: a reader that sees it knows the others are complete.
    assert all(paths["json"].stat().st_mtime_ns >= p.stat().st_mtime_ns for p in paths.values())
    assert sorted(p.name for p in layout.transcripts.iterdir()) == sorted(f"vsl-0001.{e}" for e in OUTPUT_EXTENSIONS)
    assert not list(layout.transcripts.glob(f"{TEMP_PREFIX}*"))


def test_write_outputs_overwrites_atomically(transcript: Transcript, tmp_path: Path) -> None:
    layout = StorageLayout(tmp_path)
    write_outputs(transcript, layout, "vsl-0002")
    transcript.segments = transcript.segments[:1]
    transcript.text = "Você já tentou de tudo?"
    paths = write_outputs(transcript, layout, "vsl-0002")
    assert paths["txt"].read_text(encoding="utf-8") == "Você já tentou de tudo?\n"
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["word_count"] == 5
    assert not list(layout.transcripts.glob(f"{TEMP_PREFIX}*"))


def test_write_outputs_refuses_a_bad_key_before_writing(transcript: Transcript, tmp_path: Path) -> None:
    layout = StorageLayout(tmp_path)
    with pytest.raises(ValueError, match="invalid partition key"):
        write_outputs(transcript, layout, "../escape")
    assert not layout.transcripts.exists() or not any(layout.transcripts.iterdir())
