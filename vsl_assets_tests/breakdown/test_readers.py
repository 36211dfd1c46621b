"""Transcript files in, segments out; bad files get a reason a person can act on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vsl_assets.breakdown.language import guess_language
from vsl_assets.breakdown.readers import TranscriptFileError, read_transcript
from vsl_assets.errors import PermanentError
from vsl_assets.transcription.models import Segment, Transcript
from vsl_assets.transcription.writers import to_json, to_srt, to_txt, to_vtt

SEGMENTS = [
    Segment(0.0, 4.5, "Você está cansado de dietas que não funcionam?"),
    Segment(4.5, 9.25, "Hoje você vai conhecer o Método Leve & Fácil <de verdade>."),
    Segment(3700.0, 3712.125, "Clique no botão abaixo."),
]


def _transcript() -> Transcript:
    return Transcript(
        text=" ".join(s.text for s in SEGMENTS),
        language="pt",
        segments=SEGMENTS,
        engine="local",
        model="t",
        duration_s=3712.5,
    )


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_reads_our_stored_json(tmp_path: Path) -> None:
    got = read_transcript(_write(tmp_path, "k.json", to_json(_transcript())))
    assert got.format == "json"
    assert got.language == "pt"
    assert got.duration_s == 3712.5
    assert [(s.start, s.end, s.text) for s in got.segments] == [(s.start, s.end, s.text) for s in SEGMENTS]


@pytest.mark.parametrize(("ext", "render"), [("srt", to_srt), ("vtt", to_vtt)])
def test_reads_our_srt_and_vtt(tmp_path: Path, ext: str, render: object) -> None:
    got = read_transcript(_write(tmp_path, f"k.{ext}", render(_transcript())))  # type: ignore[operator]
    assert got.format == ext
    assert got.language is None
    assert [(s.start, s.end, s.text) for s in got.segments] == [(s.start, s.end, s.text) for s in SEGMENTS]
    assert got.duration_s == 3712.125


def test_vtt_with_header_notes_settings_and_short_times(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT - made by hand\nKind: captions\n\nNOTE a comment\nspanning lines\n\n"
        "intro\n00:01.500 --> 00:04.000 align:start position:10%\n<v Narrator>Hello <i>there</i></v>\n"
        "and welcome\n\n01:02:03.000 --> 01:02:05.250\nBye\n"
    )
    got = read_transcript(_write(tmp_path, "x.vtt", vtt))
    assert [(s.start, s.end, s.text) for s in got.segments] == [
        (1.5, 4.0, "Hello there and welcome"),
        (3723.0, 3725.25, "Bye"),
    ]


def test_srt_with_windows_line_ends_and_bom(tmp_path: Path) -> None:
    srt = "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Uno</i>\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nDos\r\n"
    got = read_transcript(_write(tmp_path, "x.srt", srt))
    assert [(s.start, s.end, s.text) for s in got.segments] == [(1.0, 2.5, "Uno"), (3.0, 4.0, "Dos")]


def test_txt_is_timed_at_150_words_per_minute(tmp_path: Path) -> None:
    got = read_transcript(_write(tmp_path, "x.txt", to_txt(_transcript())))
    assert got.format == "txt"
    assert [s.text for s in got.segments] == [s.text for s in SEGMENTS]
    # 8 words = 3.2 s, then 11 words = 4.4 s, then 4 words = 1.6 s.
    assert [(s.start, s.end) for s in got.segments] == [(0.0, 3.2), (3.2, 7.6), (7.6, 9.2)]
    assert got.duration_s == 9.2


def test_txt_splits_a_long_paragraph_into_sentences(tmp_path: Path) -> None:
    sentence = "Esta é uma frase de exatamente dez palavras para o teste."
    got = read_transcript(_write(tmp_path, "x.txt", " ".join([sentence] * 5)))
    assert len(got.segments) == 5
    assert got.segments[-1].end == pytest.approx(5 * 11 * 60 / 150, abs=0.02)


def test_format_is_sniffed_when_the_extension_says_nothing(tmp_path: Path) -> None:
    assert read_transcript(_write(tmp_path, "a.data", to_json(_transcript()))).format == "json"
    assert read_transcript(_write(tmp_path, "b.data", to_vtt(_transcript()))).format == "vtt"
    assert read_transcript(_write(tmp_path, "c.data", to_srt(_transcript()))).format == "srt"
    assert read_transcript(_write(tmp_path, "d.data", "just words")).format == "txt"


def test_json_without_segments_reads_as_no_speech(tmp_path: Path) -> None:
    got = read_transcript(_write(tmp_path, "k.json", json.dumps({"segments": [], "language": None})))
    assert got.segments == []
    assert got.duration_s is None


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("e.txt", "", "the file is empty"),
        ("e.srt", "  \n\n", "the file is empty"),
        ("l1.txt", "ol\xe1 mundo".encode("latin-1"), "not UTF-8 text (byte 2 on line 1)"),
        ("bad.json", '{"segments": [', "not valid JSON"),
        ("list.json", "[1, 2]", "expected a JSON object with a 'segments' list"),
        ("shape.json", '{"segments": {"a": 1}}', "'segments' must be a list, got dict"),
        ("nostart.json", '{"segments": [{"end": 1, "text": "x"}]}', "segment 1 has no 'start'"),
        (
            "strtime.json",
            '{"segments": [{"start": "0:01", "end": 1, "text": "x"}]}',
            "segment 1's start must be a number",
        ),
        (
            "back.json",
            '{"segments": [{"start": 5, "end": 1, "text": "x"}]}',
            "segment 1 ends (1 s) before it starts (5 s)",
        ),
        ("lang.json", '{"language": 7, "segments": []}', "'language' must be a language code"),
        ("ts.srt", "1\n00:00:01 --> 00:00:02\nhi\n", "line 2: malformed timestamps '00:00:01 --> 00:00:02'"),
        ("nots.srt", "1\nhello\nworld\n", "line 1: expected a cue time line"),
        ("rev.srt", "1\n00:00:05,000 --> 00:00:01,000\nhi\n", "the cue ends (1 s) before it starts (5 s)"),
        ("head.vtt", "00:01.000 --> 00:02.000\nhi\n", "must start with the line 'WEBVTT'"),
        ("empty.vtt", "WEBVTT\n\n", "no cues found"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, name: str, content: str | bytes, reason: str) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(TranscriptFileError) as info:
        read_transcript(path)
    assert reason in info.value.reason
    assert info.value.reason.startswith(str(path))
    assert isinstance(info.value, PermanentError)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(TranscriptFileError, match="no such file"):
        read_transcript(tmp_path / "nope.json")
    with pytest.raises(TranscriptFileError, match="is a folder"):
        read_transcript(tmp_path)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Você está cansado de dietas que não funcionam? Neste vídeo eu vou mostrar o método.", "pt"),
        ("Are you tired of diets that never work? In this short video I will show you the ritual.", "en"),
        ("¿Está usted cansado de las dietas que no funcionan? En este video le voy a mostrar el método.", "es"),
        ("Vous êtes fatigué des régimes qui ne marchent pas? Dans cette vidéo je vais vous montrer.", "fr"),
        ("Sind Sie die Diäten leid, die nicht funktionieren? Ich zeige es Ihnen, und es ist einfach.", "de"),
        ("12345 !!!", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    assert guess_language([text]) == language
