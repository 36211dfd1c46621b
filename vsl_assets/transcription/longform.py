"""Transcribe audio of any length with an engine that takes limited requests, and stitch it back.

Every engine hands :func:`transcribe_long` a function that transcribes one chunk file; this
module plans the chunks (:mod:`~vsl_assets.transcription.chunking`), cuts them into a temp
directory (deleted afterwards, whatever happens), schedules the requests, and stitches the
results onto the original timeline.

Continuity versus concurrency.  Whisper keeps names, spellings and punctuation consistent by
reading the text that came before (``prompt`` in the API, ``initial_prompt`` locally).  The
text of chunk *i-1* exists only once chunk *i-1* is done, so the two cannot both be had:

* ``continuity=True`` (the default) chains the requests: chunk *i* starts the moment chunk
  *i-1*'s text is known, with its tail as the prompt, which is what Whisper itself does
  between its 30 s windows.  Cutting is finished before the first request, so nothing else
  waits.  The price is latency: *n* round trips in a row.  It is small in practice: at the
  pipeline's 32 kbit/s Opus, whisper-1 takes up to ~100 minutes in one request, and the
  gpt-4o models, whose replies stop at 2,000 tokens, split a 60-minute VSL into 12; and
  Dagster already runs several URLs at once (the ``transcription`` pool), so a worker's
  throughput does not depend on it.
* ``continuity=False`` sends all chunks through a bounded pool of ``max_concurrency``
  workers, each with only the configured base prompt: lowest latency for one long file.

Either way the cost is the same (the API bills audio seconds, not requests), and the language
is settled once: the configured one, or the one detected on the first chunk, which then runs
alone before the others so every chunk is transcribed in the same language.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from vsl_assets.core import deadline
from vsl_assets.core.humanize import clock as fmt_time
from vsl_assets.errors import ConfigurationError, TranscriptionError
from vsl_assets.storage import atomic_write_text
from vsl_assets.transcription.audio import probe_duration, require_file
from vsl_assets.transcription.base import LogFn
from vsl_assets.transcription.chunking import (
    ChunkSpan,
    FfmpegSilenceFinder,
    Silence,
    SilenceFinder,
    SilenceOptions,
    cut_chunk,
    max_chunk_seconds,
    plan_chunks,
)
from vsl_assets.transcription.models import Segment, Word

#: Characters of the previous chunk's text passed as the prompt.  Whisper reads only the last
#: 224 tokens of a prompt; ~500 characters is 100-150 tokens, leaving room for a base prompt.
PROMPT_TAIL_CHARS = 500

#: Splitting a chunk that came out over the size limit is retried this many times at most.
_MAX_RESPLITS = 3


@dataclass(frozen=True)
class Chunk:
    """A chunk file ready for an engine; times are seconds in the original audio."""

    index: int
    count: int
    start: float
    end: float
    path: Path
    size_bytes: int
    hard_cut: bool = False

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def label(self) -> str:
        return f"chunk {self.index + 1}/{self.count} ({fmt_time(self.start)}-{fmt_time(self.end)})"


@dataclass
class ChunkResult:
    """What an engine made of one chunk, with times relative to the chunk's start."""

    text: str
    segments: list[Segment]
    language: str | None
    #: Seconds of audio the provider bills for this request (API engines only).
    billed_s: float | None = None
    #: The model that actually ran, when the engine knows better than its configuration.
    model: str | None = None
    attempts: int = 1
    #: Read back from a checkpoint: transcribed (and paid for) by an earlier attempt.
    reused: bool = False
    #: Text tokens the provider says it wrote (token-billed API models; not checkpointed).
    output_tokens: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "segments": [s.to_dict() for s in self.segments],
            "language": self.language,
            "billed_s": self.billed_s,
            "model": self.model,
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ChunkResult:
        segments = data.get("segments")
        if not isinstance(segments, list) or not isinstance(data.get("text"), str):
            raise ValueError("not a chunk result")
        billed = data.get("billed_s")
        return cls(
            text=str(data["text"]),
            segments=[Segment.from_dict(seg) for seg in segments],
            language=_text_or_none(data.get("language")),
            billed_s=float(billed) if isinstance(billed, int | float) else None,
            model=_text_or_none(data.get("model")),
            attempts=0,
            reused=True,
        )


#: Transcribes one chunk: ``fn(chunk, language=..., prompt=..., log=...)``.
ChunkFn = Callable[..., ChunkResult]


@dataclass
class LongformOptions:
    #: Longest chunk wanted, whatever the engine accepts (None: only the engine's limits).
    max_chunk_s: float | None = None
    max_bytes: int | None = None
    max_duration_s: float | None = None
    max_concurrency: int = 1
    continuity: bool = True
    #: Always sent first in the prompt (product names, a glossary); the previous chunk's tail follows.
    prompt: str | None = None
    prompt_tail_chars: int = PROMPT_TAIL_CHARS
    silence: SilenceOptions = field(default_factory=SilenceOptions)
    #: Where the temp directory for chunk files is made (default: the system temp dir).
    work_dir: Path | None = None
    #: Each chunk's result is saved here the moment the engine returns it, so that a retry after
    #: a later failure or a crash does not transcribe (or pay for) that chunk again.
    checkpoint_dir: Path | None = None
    #: What produced the results (engine, model, decoding settings): a checkpoint is reused only
    #: by the same configuration on the same audio bytes, language and prompt.
    checkpoint_tag: str = ""

    def validate(self) -> None:
        if self.max_concurrency < 1:
            raise ConfigurationError(f"transcription concurrency must be 1 or more, got {self.max_concurrency}")
        if self.max_chunk_s is not None and self.max_chunk_s < 5:
            raise ConfigurationError(f"max chunk length must be at least 5 s, got {self.max_chunk_s:g}")


@dataclass
class LongformResult:
    text: str
    language: str | None
    segments: list[Segment]
    duration_s: float
    chunks: list[Chunk]
    results: list[ChunkResult]

    @property
    def billed_s(self) -> float:
        return sum(r.billed_s or 0.0 for r in self.results)

    @property
    def attempts(self) -> int:
        return sum(r.attempts for r in self.results)

    @property
    def reused(self) -> int:
        """Chunks read back from checkpoints instead of being transcribed again."""
        return sum(1 for r in self.results if r.reused)


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def prompt_tail(text: str, max_chars: int = PROMPT_TAIL_CHARS) -> str:
    """The end of ``text``, at most ``max_chars`` long, starting on a word boundary."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    tail = text[-max_chars:]
    cut = tail.find(" ")
    return tail[cut + 1 :] if 0 <= cut < len(tail) - 1 else tail


def build_prompt(base: str | None, previous_text: str | None, tail_chars: int) -> str | None:
    parts = [p for p in ((base or "").strip(), prompt_tail(previous_text or "", tail_chars)) if p]
    return " ".join(parts) if parts else None


def stitch(chunks: list[Chunk], results: list[ChunkResult]) -> list[Segment]:
    """Move each chunk's segments onto the original timeline.

    Times are shifted by the chunk's start and clamped to the chunk (an engine may overshoot
    its audio by a few ms), and each segment starts no earlier than the previous one ended, so
    the result is monotonic and subtitle cues never overlap, across chunk joins included.
    """
    out: list[Segment] = []
    previous_end = 0.0
    for chunk, result in zip(chunks, results, strict=True):

        def place(t: float, lo: float, c: Chunk = chunk) -> float:
            return min(max(c.start + float(t), lo), c.end)

        for seg in result.segments:
            start = place(seg.start, max(chunk.start, previous_end))
            end = max(start, place(seg.end, chunk.start))
            words = [
                Word(
                    start=place(w.start, chunk.start),
                    end=place(w.end, chunk.start),
                    word=w.word,
                    probability=w.probability,
                )
                for w in seg.words
            ]
            out.append(
                Segment(
                    start=start,
                    end=end,
                    text=seg.text.strip(),
                    words=words,
                    avg_logprob=seg.avg_logprob,
                    no_speech_prob=seg.no_speech_prob,
                    compression_ratio=seg.compression_ratio,
                )
            )
            previous_end = max(previous_end, end)
    return out


def _prepare(
    audio: Path,
    duration: float,
    max_s: float,
    options: LongformOptions,
    tmp: Path,
    log: LogFn | None,
    finder: SilenceFinder | None,
) -> list[Chunk]:
    finder = finder or FfmpegSilenceFinder(audio, options.silence)
    spans = plan_chunks(
        duration,
        max_s,
        finder,
        search_window_s=options.silence.search_window_s,
    )
    pieces: list[tuple[float, float, bool, Path]] = []
    queue: list[tuple[ChunkSpan, int]] = [(s, 0) for s in spans]
    while queue:
        span, depth = queue.pop(0)
        last = span.end >= duration - 1e-6
        dest = tmp / f"chunk-{len(pieces):04d}-{depth}-{round(span.start * 1000)}{audio.suffix}"
        cut_chunk(
            audio,
            span.start,
            None if last else span.end,
            dest,
            timeout_s=options.silence.timeout_s,
            ffmpeg=options.silence.ffmpeg,
        )
        size = dest.stat().st_size
        if options.max_bytes is not None and size > options.max_bytes:
            # Denser than the average (music, noise): split this span alone, proportionally smaller.
            if depth >= _MAX_RESPLITS:
                raise TranscriptionError(
                    f"could not cut the audio into chunks under {options.max_bytes} bytes "
                    f"(a {span.duration:.0f} s chunk still has {size} bytes)"
                )
            dest.unlink()
            sub_max = span.duration * options.max_bytes / size * 0.9
            sub = plan_chunks(
                span.duration,
                sub_max,
                _shifted(finder, span.start),
                search_window_s=options.silence.search_window_s,
            )
            queue[:0] = [
                (ChunkSpan(0, span.start + s.start, span.start + s.end, s.cut_silence, s.hard_cut), depth + 1)
                for s in sub
            ]
            continue
        pieces.append((span.start, span.end, span.hard_cut, dest))
    count = len(pieces)
    chunks = [
        Chunk(i, count, start, end, path, path.stat().st_size, hard)
        for i, (start, end, hard, path) in enumerate(pieces)
    ]
    if log:
        hard = [c for c in chunks if c.hard_cut]
        log(
            f"split {fmt_time(duration)} of audio into {count} chunks of at most {fmt_time(max_s)} at pauses"
            + (
                f"; {len(hard)} hard cut(s) where no pause was found, at " + ", ".join(fmt_time(c.end) for c in hard)
                if hard
                else ""
            )
        )
    return chunks


def _shifted(finder: SilenceFinder, offset: float) -> SilenceFinder:
    """A finder for a sub-span whose times count from ``offset``."""

    class Shifted:
        levels = finder.levels

        def __call__(self, lo: float, hi: float, level: int = 0) -> list[Silence]:
            return [Silence(s.start - offset, s.end - offset) for s in finder(lo + offset, hi + offset, level)]

    return Shifted()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checkpointed(fn: ChunkFn, audio: Path, directory: Path, tag: str) -> ChunkFn:
    """``fn`` whose results are stored in ``directory`` as they arrive and read back on a rerun.

    The file name hashes the audio's bytes, ``tag``, the chunk's span, the language and the
    prompt, so only the very same request is ever answered from a checkpoint; an unreadable
    checkpoint (a crash mid-write cannot make one: writes are atomic) is simply redone.
    """
    audio_digest = _file_digest(audio)

    def run(chunk: Chunk, *, language: str | None, prompt: str | None, log: LogFn | None) -> ChunkResult:
        ident = json.dumps([tag, audio_digest, round(chunk.start, 3), round(chunk.end, 3), language, prompt])
        path = (
            directory / f"chunk-{round(chunk.start * 1000):09d}-{hashlib.sha256(ident.encode()).hexdigest()[:20]}.json"
        )
        if path.is_file():
            try:
                result = ChunkResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)
            else:
                if log:
                    log(f"{chunk.label}: reusing the result saved by an earlier attempt (not transcribed again)")
                return result
        result = fn(chunk, language=language, prompt=prompt, log=log)
        directory.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(result.to_dict(), ensure_ascii=False))
        return result

    return run


def transcribe_long(
    audio: Path,
    transcribe_chunk: ChunkFn,
    *,
    language: str | None,
    options: LongformOptions,
    log: LogFn | None = None,
    duration_s: float | None = None,
    finder: SilenceFinder | None = None,
) -> LongformResult:
    """Plan, cut, transcribe and stitch; a file within every limit is sent as it is.

    ``finder`` replaces the ffmpeg pause scan (tests feed known pauses through it).
    """
    options.validate()
    require_file(audio)
    duration = probe_duration(audio) if duration_s is None else duration_s
    if options.checkpoint_dir is not None:
        transcribe_chunk = checkpointed(transcribe_chunk, audio, options.checkpoint_dir, options.checkpoint_tag)
    max_s = max_chunk_seconds(
        duration,
        audio.stat().st_size,
        max_bytes=options.max_bytes,
        max_duration_s=options.max_duration_s,
        max_chunk_s=options.max_chunk_s,
    )
    if max_s is None:
        whole = Chunk(0, 1, 0.0, duration, audio, audio.stat().st_size)
        result = transcribe_chunk(whole, language=language, prompt=build_prompt(options.prompt, None, 0), log=log)
        return LongformResult(
            text=result.text.strip(),
            language=result.language,
            segments=stitch([whole], [result]),
            duration_s=duration,
            chunks=[whole],
            results=[result],
        )

    root = options.work_dir
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="vsl-chunks-", dir=root))
    try:
        chunks = _prepare(audio, duration, max_s, options, tmp, log, finder)
        results = _run(chunks, transcribe_chunk, language, options, log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    language_out = next((r.language for r in results if r.language), None)
    return LongformResult(
        text=" ".join(r.text.strip() for r in results if r.text.strip()),
        language=language_out,
        segments=stitch(chunks, results),
        duration_s=duration,
        chunks=chunks,
        results=results,
    )


def _run(
    chunks: list[Chunk],
    fn: ChunkFn,
    language: str | None,
    options: LongformOptions,
    log: LogFn | None,
) -> list[ChunkResult]:
    results: list[ChunkResult | None] = [None] * len(chunks)
    started = time.monotonic()

    def one(i: int, lang: str | None) -> ChunkResult:
        deadline.check()
        previous = results[i - 1] if options.continuity and i > 0 else None
        prompt = build_prompt(options.prompt, previous.text if previous else None, options.prompt_tail_chars)
        result = fn(chunks[i], language=lang, prompt=prompt, log=log)
        results[i] = result
        return result

    parallel = not options.continuity and options.max_concurrency > 1
    if parallel and language is not None:
        _run_pool(range(len(chunks)), lambda i: one(i, language), options.max_concurrency)
    else:
        first = one(0, language)
        # The language is settled on the first chunk; a model that reports none (the json-only
        # gpt-4o replies) leaves it to each chunk.
        lang = language or first.language
        if parallel:
            _run_pool(range(1, len(chunks)), lambda i: one(i, lang), options.max_concurrency)
        else:
            for i in range(1, len(chunks)):
                one(i, lang)
    if log:
        log(f"transcribed {len(chunks)} chunks in {time.monotonic() - started:.1f} s")
    return [r for r in results if r is not None]


def _run_pool(indices: range, work: Callable[[int], ChunkResult], workers: int) -> None:
    """Run ``work`` over ``indices`` on at most ``workers`` threads; the first failure wins.

    Chunks not yet started are cancelled on a failure (they would be paid for and thrown
    away); requests already in flight finish, since an upload cannot be taken back.  The
    error raised is that of the earliest failed chunk, so a retry's log reads the same.
    """
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vsl-chunk") as pool:
        futures = {pool.submit(contextvars.copy_context().run, work, i): i for i in indices}
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        if pending and any(f.exception() is not None for f in done):
            for f in pending:
                f.cancel()
            done, _ = wait(futures)
        failed = sorted((futures[f], f) for f in done if not f.cancelled() and f.exception() is not None)
    if failed:
        exc = failed[0][1].exception()
        if exc is not None:
            raise exc
