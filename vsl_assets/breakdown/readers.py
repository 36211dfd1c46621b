"""Read any transcript file a person may hand to ``vsl analyze``: our JSON, SRT, VTT or plain text.

The breakdown needs timed segments; each format gives them differently:

* JSON: our stored transcript (``transcripts/<key>.json``: ``{"language", "segments": [{start, end,
  text}], ...}``), or anything with that ``segments`` list (the benchmark set uses the same shape).
* SRT and VTT: one segment per cue, times from the cue; markup (``<i>``, ``&amp;``) removed.
* TXT has no times: one segment per non-empty line (a line of more than 40 words is split into
  sentences), timed as if spoken at 150 words per minute, the usual pace of a VSL narrator.  Times
  read off a TXT are estimates, so pitch seconds and beat times from one are approximate.

A file that cannot be read raises :class:`TranscriptFileError` whose reason says what is wrong and
where (line, segment number), in words a person can act on.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vsl_assets.errors import PermanentError
from vsl_assets.transcription.models import Segment

#: Speaking pace assumed for a TXT transcript, which has no times.
WORDS_PER_MINUTE = 150.0
#: A TXT line longer than this many words is split into sentences, so beats are not one giant segment.
_LONG_LINE_WORDS = 40

FORMATS = ("json", "srt", "vtt", "txt")


class TranscriptFileError(PermanentError):
    """A transcript file that cannot be read: wrong encoding, empty, malformed times, wrong JSON shape."""


@dataclass
class TranscriptInput:
    """What a breakdown engine reads: timed segments and, when the file says, the language."""

    segments: list[Segment]
    language: str | None
    duration_s: float | None
    format: str


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise TranscriptFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise TranscriptFileError(f"{path}: is a folder, not a transcript file") from exc
    except OSError as exc:
        raise TranscriptFileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranscriptFileError(
            f"{path}: not UTF-8 text (byte {exc.start} on line {line}); save it as UTF-8 and try again"
        ) from exc
    if not text.strip():
        raise TranscriptFileError(f"{path}: the file is empty")
    return text


def _sniff(path: Path, text: str) -> str:
    ext = path.suffix.lower().lstrip(".")
    if ext in FORMATS:
        return ext
    head = text.lstrip()
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("WEBVTT"):
        return "vtt"
    if "-->" in text:
        return "srt"
    return "txt"


def read_transcript(path: Path | str, *, format: str | None = None) -> TranscriptInput:
    """Read ``path`` into segments; the format comes from the extension, else from the content."""
    path = Path(path)
    text = _decode(path)
    fmt = (format or _sniff(path, text)).lower()
    if fmt not in FORMATS:
        raise TranscriptFileError(f"{path}: unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}")
    return parse_transcript(text, fmt, name=str(path))


def parse_transcript(text: str, fmt: str, *, name: str = "transcript") -> TranscriptInput:
    """Parse transcript ``text`` already in memory (the CLI's stdin, a test string)."""
    if not text.strip():
        raise TranscriptFileError(f"{name}: the file is empty")
    if fmt == "json":
        return _read_json(text, name)
    if fmt == "srt":
        return _timed(_cues(text, name, vtt=False), "srt", name)
    if fmt == "vtt":
        if not text.lstrip("\ufeff").startswith("WEBVTT"):
            raise TranscriptFileError(f"{name}: a VTT file must start with the line 'WEBVTT'")
        return _timed(_cues(text, name, vtt=True), "vtt", name)
    if fmt == "txt":
        return _read_txt(text)
    raise TranscriptFileError(f"{name}: unknown transcript format {fmt!r}; use one of {', '.join(FORMATS)}")


# --- JSON ---------------------------------------------------------------------------------------


def _number(value: Any, what: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TranscriptFileError(f"{name}: {what} must be a number of seconds, got {json.dumps(value)[:40]}")
    if value < 0:
        raise TranscriptFileError(f"{name}: {what} is negative ({value})")
    return float(value)


def _read_json(text: str, name: str) -> TranscriptInput:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptFileError(
            f"{name}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    if not isinstance(data, dict) or "segments" not in data:
        raise TranscriptFileError(
            f"{name}: expected a JSON object with a 'segments' list of {{start, end, text}} (a stored transcript)"
        )
    raw = data["segments"]
    if not isinstance(raw, list):
        raise TranscriptFileError(f"{name}: 'segments' must be a list, got {type(raw).__name__}")
    segments: list[Segment] = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise TranscriptFileError(f"{name}: segment {i} must be an object with start, end and text")
        missing = [k for k in ("start", "end", "text") if k not in item]
        if missing:
            raise TranscriptFileError(f"{name}: segment {i} has no {' or '.join(repr(k) for k in missing)}")
        start = _number(item["start"], f"segment {i}'s start", name)
        end = _number(item["end"], f"segment {i}'s end", name)
        if end < start:
            raise TranscriptFileError(f"{name}: segment {i} ends ({end:g} s) before it starts ({start:g} s)")
        if not isinstance(item["text"], str):
            raise TranscriptFileError(f"{name}: segment {i}'s text must be a string")
        segments.append(Segment(start=start, end=end, text=item["text"]))
    language = data.get("language")
    if language is not None and not isinstance(language, str):
        raise TranscriptFileError(f"{name}: 'language' must be a language code such as \"pt\", or null")
    duration = data.get("duration_s")
    duration_s = _number(duration, "'duration_s'", name) if duration is not None else None
    if duration_s is None and segments:
        duration_s = max(s.end for s in segments)
    return TranscriptInput(segments, language or None, duration_s, "json")


# --- SRT / VTT ----------------------------------------------------------------------------------

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_CUE_TIMES = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_TAG = re.compile(r"<[^>]+>")
#: SRT has only these few tags; any other "<...>" is text someone said or typed.
_SRT_TAG = re.compile(r"</?(?:i|b|u|font)(?:\s[^>]*)?>", re.IGNORECASE)


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000


def _cues(text: str, name: str, *, vtt: bool) -> list[Segment]:
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    segments: list[Segment] = []
    i = 0
    if vtt:
        # Skip the header block ("WEBVTT" and any header lines up to the first blank line).
        while i < len(lines) and lines[i].strip():
            i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        if vtt and block[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        arrow = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if arrow is None:
            raise TranscriptFileError(
                f"{name}: line {block_start + 1}: expected a cue time line like "
                f"'00:00:01{',' if not vtt else '.'}000 --> 00:00:04{',' if not vtt else '.'}000', got {block[0][:60]!r}"
            )
        match = _CUE_TIMES.match(block[arrow])
        if match is None:
            raise TranscriptFileError(
                f"{name}: line {block_start + arrow + 1}: malformed timestamps {block[arrow].strip()[:60]!r} "
                "(expected HH:MM:SS,mmm --> HH:MM:SS,mmm)"
            )
        g = match.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise TranscriptFileError(
                f"{name}: line {block_start + arrow + 1}: the cue ends ({end:g} s) before it starts ({start:g} s)"
            )
        body = " ".join(line.strip() for line in block[arrow + 1 :])
        body = html.unescape(_TAG.sub("", body)) if vtt else _SRT_TAG.sub("", body)
        segments.append(Segment(start=start, end=end, text=" ".join(body.split())))
    return segments


def _timed(segments: list[Segment], fmt: str, name: str) -> TranscriptInput:
    if not segments:
        raise TranscriptFileError(f"{name}: no cues found; the {fmt.upper()} file has a header but no text")
    return TranscriptInput(segments, None, max(s.end for s in segments), fmt)


# --- TXT ----------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def _units(text: str) -> list[str]:
    units: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        if len(line.split()) > _LONG_LINE_WORDS:
            units.extend(s for s in _SENTENCE_END.split(line) if s.strip())
        else:
            units.append(line)
    return units


def _read_txt(text: str) -> TranscriptInput:
    segments: list[Segment] = []
    t = 0.0
    for unit in _units(text.lstrip("\ufeff")):
        seconds = len(unit.split()) * 60.0 / WORDS_PER_MINUTE
        segments.append(Segment(start=round(t, 2), end=round(t + seconds, 2), text=unit))
        t += seconds
    return TranscriptInput(segments, None, round(t, 2) if segments else None, "txt")
