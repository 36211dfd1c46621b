"""Split long audio at silences into chunks an engine accepts, and cut them with ffmpeg.

Why at silences: a cut inside a word loses that word on both sides (each request hears half of
it) and Whisper tends to invent a word to complete the fragment.  A pause between sentences is
the one place where a cut costs nothing.

How the cut points are chosen (:func:`plan_chunks`):

* The number of chunks is the fewest that respect the limit, ``n = ceil(remaining / max_s)``,
  and each cut aims at an even share of what is left, so a 1.1x-too-long file becomes two
  halves rather than a full chunk and a 6-second scrap (short chunks are where Whisper
  hallucinates).
* Around that target, within ``search_window_s`` (at most half a chunk), never beyond
  ``start + max_s`` and never so early that the rest would need an extra chunk, ffmpeg's
  ``silencedetect`` lists the pauses.  Only that window is decoded, so planning a 3-hour file
  decodes a few minutes of it, not three hours.  The longest pause wins (a sentence break
  beats a breath); ties go to the one nearest the target.  The cut is the middle of the
  pause (of its part inside the window), so the stream-copy granularity (one 20 ms Opus packet, one 26 ms MP3 frame) and
  the decoder's warm-up both land in silence.
* No pause there: the second half of the chunk is searched too, at the price of one more
  chunk.  Still none: both windows again with a louder threshold and shorter pauses (speech
  over a music bed never drops to -35 dB, but its pauses are still dips).  Still nothing (a
  continuous tone, wall-to-wall music): a **hard cut at exactly ``start + max_s``**, which
  may split a word; the plan marks it (``ChunkSpan.hard_cut``) and the caller logs it.

Chunks are cut by stream copy (``-c copy``, with ``-ss``/``-t`` after ``-i`` so the cut is
packet-accurate): no re-encoding, so no second generation of lossy compression, no CPU spent,
and each chunk is the same codec and container as the stored audio (Ogg/Opus or MP3).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vsl_assets.errors import TranscriptionError
from vsl_assets.media.ffmpeg import run_ffmpeg


@dataclass(frozen=True)
class Silence:
    """A pause, in seconds from the start of the audio."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start

    def contains(self, t: float, margin: float = 0.0) -> bool:
        return self.start + margin <= t <= self.end - margin


@dataclass(frozen=True)
class ChunkSpan:
    """One planned chunk: ``[start, end)`` of the source audio."""

    index: int
    start: float
    end: float
    #: The pause this chunk's end was cut in; None for the last chunk and for hard cuts.
    cut_silence: Silence | None = None
    #: True when no pause was found and the end is a cut at the maximum length.
    hard_cut: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class SilenceOptions:
    """How pauses are detected; the defaults suit speech recorded for a VSL.

    ``noise_db``/``min_silence_s`` is the first attempt; each step of ``fallbacks`` (dB added
    to the threshold, shortest pause) is tried only where the stricter ones found nothing.
    Pauses shorter than 0.2 s are never used: the closure before a "p" or "t" inside a word
    is 50-150 ms of near silence.
    """

    noise_db: float = -35.0
    min_silence_s: float = 0.3
    fallbacks: tuple[tuple[float, float], ...] = ((5.0, 0.25), (10.0, 0.2))
    #: Width of the stretch searched around each target cut point.
    search_window_s: float = 120.0
    timeout_s: float = 600.0
    #: ffmpeg binary (``VSL_FFMPEG``, handed in); None = :func:`~vsl_assets.media.ffmpeg.find_ffmpeg`.
    ffmpeg: str | None = None

    def ladder(self) -> list[tuple[float, float]]:
        return [(self.noise_db, self.min_silence_s)] + [(self.noise_db + db, d) for db, d in self.fallbacks]


class SilenceFinder(Protocol):
    """Lists the pauses overlapping ``[lo, hi]`` (absolute seconds).

    ``level`` 0 is the strictest setting; up to ``levels - 1`` ever more permissive ones.
    """

    levels: int

    def __call__(self, lo: float, hi: float, level: int = 0) -> Sequence[Silence]: ...


_START_RE = re.compile(r"silence_start:\s*(-?[0-9.]+)")
_END_RE = re.compile(r"silence_end:\s*(-?[0-9.]+)")


def parse_silencedetect(stderr: str, *, offset: float = 0.0, end: float | None = None) -> list[Silence]:
    """Pauses from ``silencedetect``'s log lines; a pause still open at EOF ends at ``end``."""
    silences: list[Silence] = []
    open_start: float | None = None
    for line in stderr.splitlines():
        if (m := _START_RE.search(line)) is not None:
            open_start = max(0.0, float(m.group(1)))
        elif (m := _END_RE.search(line)) is not None and open_start is not None:
            silences.append(Silence(offset + open_start, offset + float(m.group(1))))
            open_start = None
    if open_start is not None and end is not None and end > offset + open_start:
        silences.append(Silence(offset + open_start, end))
    return silences


def detect_silences(
    audio: Path,
    *,
    start: float = 0.0,
    duration: float | None = None,
    noise_db: float = -35.0,
    min_silence_s: float = 0.3,
    timeout_s: float = 600.0,
    ffmpeg: str | None = None,
) -> list[Silence]:
    """Run ``silencedetect`` over ``audio`` (or the window ``start``..``start+duration``).

    Input-side ``-ss`` seeks cheaply and, since the audio is decoded, exactly; the filter's
    times then count from the window start, so ``start`` is added back.
    """
    args = ["-nostats", "-loglevel", "info"]
    if start > 0:
        args += ["-ss", f"{start:.3f}"]
    if duration is not None:
        args += ["-t", f"{duration:.3f}"]
    args += [
        "-i",
        str(audio),
        "-vn",
        "-sn",
        "-dn",
        "-af",
        f"silencedetect=noise={noise_db:g}dB:d={min_silence_s:g}",
        "-f",
        "null",
        "-",
    ]
    result = run_ffmpeg(args, timeout_s=timeout_s, ffmpeg=ffmpeg)
    if result.returncode != 0:
        raise TranscriptionError("ffmpeg could not scan the audio for pauses", detail=result.tail())
    window_end = start + duration if duration is not None else None
    return parse_silencedetect(result.stderr, offset=start, end=window_end)


class FfmpegSilenceFinder:
    """A :class:`SilenceFinder` over a file: decodes only the window asked for."""

    def __init__(self, audio: Path, options: SilenceOptions | None = None) -> None:
        self.audio = audio
        self.options = options or SilenceOptions()
        self.levels = len(self.options.ladder())
        #: (lo, hi, noise_db, min_silence_s, found) per ffmpeg run, for logs and tests.
        self.scans: list[tuple[float, float, float, float, int]] = []

    def __call__(self, lo: float, hi: float, level: int = 0) -> list[Silence]:
        noise_db, min_silence_s = self.options.ladder()[level]
        found = detect_silences(
            self.audio,
            start=lo,
            duration=hi - lo,
            noise_db=noise_db,
            min_silence_s=min_silence_s,
            timeout_s=self.options.timeout_s,
            ffmpeg=self.options.ffmpeg,
        )
        self.scans.append((lo, hi, noise_db, min_silence_s, len(found)))
        return found


class _StaticFinder:
    levels = 1

    def __init__(self, silences: Sequence[Silence]) -> None:
        self.silences = list(silences)

    def __call__(self, lo: float, hi: float, level: int = 0) -> list[Silence]:
        return [s for s in self.silences if s.end > lo and s.start < hi]


def static_finder(silences: Sequence[Silence]) -> SilenceFinder:
    """A finder over pauses already known (a full-file scan, or hand-made ones in tests)."""
    return _StaticFinder(silences)


def _best_cut(silences: Sequence[Silence], lo: float, hi: float, target: float) -> tuple[float, Silence] | None:
    best: tuple[tuple[float, float], float, Silence] | None = None
    for s in silences:
        a, b = max(s.start, lo), min(s.end, hi)
        if b <= a:
            continue
        cut = (a + b) / 2
        # The longest pause (of the part inside the window, so the cut keeps its distance from
        # speech) first, capped: past a second every pause is a sentence break; then the one
        # nearest the target.  Rounded so noise in the durations does not decide.
        key = (round(min(b - a, 1.0) * 20) / 20, -abs(cut - target))
        if best is None or key > best[0]:
            best = (key, cut, s)
    return None if best is None else (best[1], best[2])


def plan_chunks(
    duration: float,
    max_chunk_s: float,
    find_silences: SilenceFinder,
    *,
    search_window_s: float = 120.0,
) -> list[ChunkSpan]:
    """Spans covering ``[0, duration]``, none longer than ``max_chunk_s``; see the module doc.

    The search window is ``search_window_s`` wide (at most half a chunk) around the target,
    never past ``start + max_chunk_s``, and never so early that the rest would need more
    chunks than planned.
    """
    if max_chunk_s <= 0:
        raise ValueError(f"max_chunk_s must be positive, got {max_chunk_s}")
    spans: list[ChunkSpan] = []
    start = 0.0
    # A little slack so float noise in a duration does not produce an extra 1 ms chunk.
    while duration - start > max_chunk_s + 1e-3:
        limit = start + max_chunk_s
        n = math.ceil((duration - start) / max_chunk_s)
        target = start + (duration - start) / n
        half = min(search_window_s / 2, max_chunk_s / 4)
        windows = [
            # Balanced: near the target, late enough that the rest still fits in n - 1 chunks.
            (max(target - half, duration - (n - 1) * max_chunk_s), min(limit, target + half)),
            # Anywhere in the second half of the chunk, at the price of one more chunk.
            (start + max_chunk_s / 2, limit),
        ]
        choice = None
        # A clear pause anywhere beats a faint one near the target: strictness is the outer loop.
        for level in range(find_silences.levels):
            for lo, hi in windows:
                if hi > lo and (choice := _best_cut(find_silences(lo, hi, level), lo, hi, target)):
                    break
            if choice:
                break
        if choice is None:
            spans.append(ChunkSpan(len(spans), start, limit, None, hard_cut=True))
            start = limit
        else:
            cut, silence = choice
            spans.append(ChunkSpan(len(spans), start, cut, silence))
            start = cut
    spans.append(ChunkSpan(len(spans), start, duration))
    return spans


def max_chunk_seconds(
    duration: float,
    size_bytes: int,
    *,
    max_bytes: int | None,
    max_duration_s: float | None,
    max_chunk_s: float | None,
    size_margin: float = 0.95,
) -> float | None:
    """The longest chunk allowed, or None when the whole file fits in one request.

    The size limit becomes a duration through the file's average byte rate, times a margin:
    Opus and MP3 at a fixed bitrate vary by a few percent over a stretch of minutes, and any
    chunk that still comes out too big is split again after cutting.
    """
    too_big = max_bytes is not None and size_bytes > max_bytes
    too_long = any(limit is not None and duration > limit for limit in (max_duration_s, max_chunk_s))
    if not (too_big or too_long):
        return None
    candidates = [limit for limit in (max_duration_s, max_chunk_s) if limit is not None]
    if max_bytes is not None and duration > 0 and size_bytes > 0:
        candidates.append(max_bytes / (size_bytes / duration) * size_margin)
    return min(candidates)


def cut_chunk(
    audio: Path, start: float, end: float | None, dest: Path, *, timeout_s: float = 600.0, ffmpeg: str | None = None
) -> Path:
    """Copy ``[start, end)`` of ``audio`` into ``dest`` without re-encoding (``end`` None: to EOF).

    ``-ss`` after ``-i`` makes ffmpeg read from the beginning and drop packets before
    ``start``: demuxing is cheap, and unlike input seeking with stream copy it cannot start
    the chunk up to a page (about a second) early.
    """
    args = ["-loglevel", "error", "-i", str(audio), "-map", "0:a:0", "-vn", "-sn", "-dn"]
    if start > 0:
        args += ["-ss", f"{start:.3f}"]
    if end is not None:
        args += ["-t", f"{end - start:.3f}"]
    args += ["-c", "copy", "-map_metadata", "-1", str(dest)]
    result = run_ffmpeg(args, timeout_s=timeout_s, ffmpeg=ffmpeg)
    if result.returncode != 0 or not dest.is_file() or dest.stat().st_size == 0:
        raise TranscriptionError(
            f"ffmpeg could not cut the audio at {start:.1f} s for chunked transcription", detail=result.tail()
        )
    return dest
