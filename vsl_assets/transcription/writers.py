"""Render a transcript as the files people and players use: .txt, .srt, .vtt and .json.

The renderers are pure functions (string in memory) so they can be tested byte for byte;
:func:`write_outputs` is the only part that touches the disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from vsl_assets.storage import StorageLayout, atomic_write_text
from vsl_assets.transcription.models import Segment, Transcript

#: Output extensions in write order.  ``json`` is last: its presence marks the set complete,
#: so a crash between files can never leave a ``.json`` next to a missing ``.srt``.
OUTPUT_EXTENSIONS: tuple[str, ...] = ("txt", "srt", "vtt", "json")


def _one_line(text: str) -> str:
    """Collapse whitespace, since a blank line inside a cue would end the cue early."""
    return " ".join(text.split())


def _timestamp(seconds: float, decimal_marker: str) -> str:
    # Rounding to whole milliseconds first keeps 59.9996 s from printing as 00:00:59,1000.
    millis = max(0, round(seconds * 1000))
    hours, rem = divmod(millis, 3_600_000)
    minutes, rem = divmod(rem, 60_000)
    secs, ms = divmod(rem, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal_marker}{ms:03d}"


def srt_timestamp(seconds: float) -> str:
    return _timestamp(seconds, ",")


def vtt_timestamp(seconds: float) -> str:
    return _timestamp(seconds, ".")


def _cues(t: Transcript) -> Iterator[tuple[int, Segment, str]]:
    """Number only the segments that have text, so cue numbers have no gaps."""
    n = 0
    for seg in t.segments:
        text = _one_line(seg.text)
        if text:
            n += 1
            yield n, seg, text


def _vtt_escape(text: str) -> str:
    # WebVTT cue text is markup: a bare "<" or "&" would be parsed as a tag or entity,
    # and "-->" is not allowed in cue payloads at all.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_txt(t: Transcript) -> str:
    """One line-paragraph per segment; falls back to the full text when an engine gave no segments."""
    paragraphs = [text for text in (_one_line(s.text) for s in t.segments) if text]
    if not paragraphs and t.text.strip():
        paragraphs = [_one_line(t.text)]
    return "\n".join(paragraphs) + "\n" if paragraphs else ""


def to_srt(t: Transcript) -> str:
    blocks = [
        f"{n}\n{srt_timestamp(seg.start)} --> {srt_timestamp(max(seg.end, seg.start))}\n{text}\n"
        for n, seg, text in _cues(t)
    ]
    return "\n".join(blocks)


def to_vtt(t: Transcript) -> str:
    blocks = ["WEBVTT\n"]
    blocks += [
        f"{n}\n{vtt_timestamp(seg.start)} --> {vtt_timestamp(max(seg.end, seg.start))}\n{_vtt_escape(text)}\n"
        for n, seg, text in _cues(t)
    ]
    return "\n".join(blocks)


def to_json(t: Transcript) -> str:
    """Pretty UTF-8 JSON; ``ensure_ascii=False`` keeps "ação" readable instead of "a\\u00e7\\u00e3o"."""
    return json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[Transcript], str]] = {
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
    "json": to_json,
}


def write_outputs(t: Transcript, layout: StorageLayout, key: str) -> dict[str, Path]:
    """Write every format atomically, ``json`` last; returns ``{ext: path}``.

    All renderings are produced before the first write, so a rendering bug cannot leave a
    half-written set behind.
    """
    rendered = {ext: _RENDERERS[ext](t) for ext in OUTPUT_EXTENSIONS}
    paths: dict[str, Path] = {}
    for ext in OUTPUT_EXTENSIONS:
        path = layout.transcript_path(key, ext)
        atomic_write_text(path, rendered[ext])
        paths[ext] = path
    return paths
