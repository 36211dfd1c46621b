"""Transcription through the OpenAI audio API (``whisper-1`` and the gpt-4o-transcribe family).

Retries and timeouts are the official client's: ``max_retries`` is the number of *re*-tries
(attempts = max_retries + 1) of connection errors, 408, 409, 429 and 5xx, with exponential
backoff from 0.5 s (capped at 8 s) or the server's ``Retry-After``; ``timeout_s`` bounds each
attempt, not the whole call.  What is still failing after that becomes a typed error whose
``reason`` a person can act on.  The API key never appears in any reason, detail, log line or
returned data: API messages are scrubbed and the client's exceptions are not chained.
"""

from __future__ import annotations

import mimetypes
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai

from vsl_assets.core import deadline
from vsl_assets.core.openai_errors import OpenAIErrors
from vsl_assets.errors import ConfigurationError, TranscriptionError, TransientTranscriptionError, VslError
from vsl_assets.transcription.audio import load_audio, probe_duration, require_file
from vsl_assets.transcription.base import LogFn, ProgressFn
from vsl_assets.transcription.chunking import FfmpegSilenceFinder, SilenceOptions, cut_chunk, plan_chunks
from vsl_assets.transcription.language_id import SpeechSpan, speech_spans
from vsl_assets.transcription.languages import language_code, request_language
from vsl_assets.transcription.longform import (
    PROMPT_TAIL_CHARS,
    Chunk,
    ChunkFn,
    ChunkResult,
    LongformOptions,
    build_prompt,
    checkpointed,
    fmt_time,
    stitch,
    transcribe_long,
)
from vsl_assets.transcription.models import Segment, Transcript
from vsl_assets.transcription.pricing import ModelLimits, billed_minutes, estimate_cost_usd, limits_for
from vsl_assets.transcription.speech_coverage import (
    hole_window,
    holes,
    merge_window,
    record_coverage,
    text_before,
)

#: Upload names the API would refuse by extension even though the content is fine: ``.opus``
#: is Opus in an Ogg container, which the API accepts as ``.ogg``.
_UPLOAD_SUFFIX = {".opus": ".ogg"}

#: Connection setup gets its own short bound so an unreachable API fails in seconds, not after
#: the whole (upload-sized) request timeout.
_CONNECT_TIMEOUT_S = 10.0


#: A reply whose output tokens come this close to the model's cap is taken as cut short.
_CUT_SHORT_MARGIN_TOKENS = 8
#: Audio cut short by the output cap is halved at most this many times (1/16 of a chunk) ...
_MAX_HALVINGS = 4
#: ... and never into pieces shorter than this.
_MIN_HALF_S = 15.0


def _supports_verbose_json(model: str) -> bool:
    # Only the Whisper models return segments; gpt-4o-transcribe & co. accept "json"/"text" only.
    return model.startswith("whisper")


class OpenAITranscriber:
    """Sends audio to ``/v1/audio/transcriptions``, split into chunks when it exceeds a limit.

    Audio within the model's limits (see :mod:`~vsl_assets.transcription.pricing`) goes up as
    it is, in one request.  Longer or bigger audio is cut at pauses and sent chunk by chunk
    (:mod:`~vsl_assets.transcription.longform`), each with the tail of the previous chunk's
    text as its prompt unless ``continuity`` is off, in which case up to ``max_concurrency``
    requests run at once.  A client is built per request, which costs nothing next to an
    upload and lets each request count its own attempts for the error reason.
    """

    engine = "openai"

    def __init__(
        self,
        api_key: str,
        model: str = "whisper-1",
        base_url: str | None = None,
        timeout_s: float = 600.0,
        max_retries: int = 2,
        *,
        max_chunk_s: float | None = None,
        max_bytes: int | None = None,
        max_output_tokens: int | None = None,
        max_concurrency: int = 4,
        continuity: bool = True,
        prompt: str | None = None,
        silence: SilenceOptions | None = None,
        work_dir: Path | None = None,
        languages: tuple[str, ...] = (),
        coverage_min_gap_s: float = 0.0,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ConfigurationError("the OpenAI engine needs an API key; set OPENAI_API_KEY")
        if timeout_s <= 0:
            raise ConfigurationError(f"OpenAI timeout must be positive, got {timeout_s}")
        if max_retries < 0:
            raise ConfigurationError(f"OpenAI max_retries must be 0 or more, got {max_retries}")
        self._api_key = api_key.strip()
        self._errors = OpenAIErrors(
            self._api_key,
            timeout_s,
            TranscriptionError,
            TransientTranscriptionError,
            {413: "the audio file is too large for the OpenAI API (HTTP 413): {message}"},
        )
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        limits = limits_for(model)
        if max_bytes is not None and max_bytes <= 0:
            raise ConfigurationError(f"OpenAI max_bytes must be positive, got {max_bytes}")
        #: Upload size per request: the model's limit (with margin) unless set lower or higher here.
        self.max_bytes = max_bytes if max_bytes is not None else limits.max_bytes
        if max_output_tokens is not None and max_output_tokens < 0:
            raise ConfigurationError(f"OpenAI max_output_tokens must be 0 or more, got {max_output_tokens}")
        #: Text tokens the model writes per request at most (None or 0: no cap, e.g. whisper-1).  A
        #: reply that reaches it was cut short: its audio is transcribed again in halves.
        self.max_output_tokens = limits.max_output_tokens if max_output_tokens is None else (max_output_tokens or None)
        #: Audio seconds per request: the model's duration limit and, under an output cap, the
        #: audio whose fast speech fills 85 % of it (None: no limit, e.g. whisper-1).
        self.max_duration_s = ModelLimits(None, limits.max_duration_s, self.max_output_tokens).request_duration_s()
        #: Longest chunk wanted regardless of the model's limits (None: only the limits).
        self.max_chunk_s = max_chunk_s
        self.max_concurrency = max_concurrency
        self.continuity = continuity
        self.prompt = prompt
        self.silence = silence or SilenceOptions()
        self.work_dir = work_dir
        #: The languages the team works in: with exactly one, it is sent with every request; with
        #: several, the API detects and a language outside them is flagged on the transcript.
        self.languages = languages
        #: Speech (local VAD) without text for this long is sent again on its own window (that
        #: audio only, checkpointed like any chunk), then flagged if still missing; 0 = off (the
        #: class default: the pipeline turns it on from VSL_COVERAGE_MIN_GAP_S).
        self.coverage_min_gap_s = coverage_min_gap_s
        self._options().validate()

    def __repr__(self) -> str:
        # Hand-written so the key can never leak through a repr in a log or traceback.
        return f"OpenAITranscriber(model={self.model!r}, base_url={self.base_url!r})"

    def _scrub(self, text: str) -> str:
        return self._errors.scrub(text)

    def _client(self, on_request: Callable[[object], None]) -> openai.OpenAI:
        # A request never outlives the step's wall-clock cap (VSL_STEP_TIMEOUT_S).
        limit = deadline.remaining(self.timeout_s)
        timeout = openai.Timeout(limit, connect=min(limit, _CONNECT_TIMEOUT_S))
        http_client = openai.DefaultHttpxClient(timeout=timeout, event_hooks={"request": [on_request]})
        kwargs: dict[str, Any] = {}
        if self.base_url:
            kwargs["base_url"] = self.base_url
        return openai.OpenAI(
            api_key=self._api_key,
            timeout=timeout,
            max_retries=self.max_retries,
            http_client=http_client,
            **kwargs,
        )

    def _options(self, checkpoint_dir: Path | None = None) -> LongformOptions:
        return LongformOptions(
            max_chunk_s=self.max_chunk_s,
            max_bytes=self.max_bytes,
            max_duration_s=self.max_duration_s,
            max_concurrency=self.max_concurrency,
            continuity=self.continuity,
            prompt=self.prompt,
            silence=self.silence,
            work_dir=self.work_dir,
            checkpoint_dir=checkpoint_dir,
            checkpoint_tag=f"openai/{self.model}",
        )

    def transcribe(
        self,
        audio: Path,
        *,
        language: str | None,
        log: LogFn | None = None,
        checkpoint_dir: Path | None = None,
        progress: ProgressFn | None = None,
    ) -> Transcript:
        require_file(audio)
        # Probing first turns a broken file into a clear local error instead of a paid upload
        # and an opaque 400, and gives the duration the json-only models do not report.
        duration = probe_duration(audio)
        lang = request_language(language)
        source = "setting" if lang is not None else "engine"
        if lang is None and len(self.languages) == 1:
            lang, source = self.languages[0], "detected"
        upload_stem = audio.stem
        started, done = time.monotonic(), [0.0]
        upload_suffix = _UPLOAD_SUFFIX.get(audio.suffix.lower(), audio.suffix)

        def one(chunk: Chunk, *, language: str | None, prompt: str | None, log: LogFn | None) -> ChunkResult:
            whole = chunk.count == 1
            name = (
                f"{upload_stem}{upload_suffix}" if whole else f"{upload_stem}-part{chunk.index + 1:02d}{upload_suffix}"
            )
            chunk_duration = duration if whole else probe_duration(chunk.path)
            try:
                result = self._complete(chunk.path, name, chunk_duration, language, prompt, log)
                if progress is not None:
                    done[0] += chunk_duration
                    rate = (time.monotonic() - started) / max(done[0], 0.001)
                    progress(min(1.0, done[0] / max(duration, 0.001)), max(0.0, duration - done[0]) * rate)
                return result
            except (TranscriptionError, TransientTranscriptionError) as exc:
                if whole:
                    raise
                # Same type (transient stays transient), with the chunk named for the reader.
                raise type(exc)(f"{chunk.label}: {exc.reason}", detail=exc.detail) from None

        options = self._options(checkpoint_dir)
        result = transcribe_long(audio, one, language=lang, options=options, log=log, duration_s=duration)
        segments, text = result.segments, result.text
        extra: list[ChunkResult] = []
        coverage: tuple[Transcript, list[SpeechSpan]] | None = None
        if self.coverage_min_gap_s > 0:
            probe = Transcript(text, result.language or lang, segments, self.engine, self.model, duration)
            spans = speech_spans(load_audio(audio))
            extra = self._fill_holes(audio, probe, spans, one, lang or result.language, checkpoint_dir, log)
            segments, text, coverage = probe.segments, probe.text, (probe, spans)
        minutes = billed_minutes([r.billed_s or 0.0 for r in [*result.results, *extra]])
        cost = estimate_cost_usd(self.model, minutes)
        transcript = Transcript(
            text=text,
            language=result.language or lang,
            segments=segments,
            engine=self.engine,
            model=self.model,
            duration_s=duration,
            chunk_count=len(result.chunks) + len(extra),
            billed_minutes=round(minutes, 4),
            cost_usd=cost,
            language_source=source,
        )
        if coverage is not None:
            record_coverage(transcript, coverage[1], self.coverage_min_gap_s, retried=len(extra))
        if log and len(result.chunks) > 1:
            log(
                f"OpenAI {self.model}: {len(result.chunks)} chunks, {len(transcript.segments)} segment(s), "
                f"{transcript.word_count} words, {minutes:.2f} billed minutes"
                + (f" (about ${cost:.3f})" if cost is not None else "")
                + f", {result.attempts} attempt(s)"
                + (f", {result.reused} chunk(s) reused from an earlier attempt" if result.reused else "")
            )
        return transcript

    def _fill_holes(
        self,
        audio: Path,
        transcript: Transcript,
        spans: list[SpeechSpan],
        one: ChunkFn,
        language: str | None,
        checkpoint_dir: Path | None,
        log: LogFn | None,
    ) -> list[ChunkResult]:
        """Send each stretch of speech without text again, that window only; returns the replies.

        Each window is checkpointed like a chunk (its own tag), so a crash or a retry never pays
        for it twice; the chunks already paid for are not sent again.
        """
        found = holes(spans, transcript.segments, self.coverage_min_gap_s)
        if not found:
            return []
        duration = transcript.duration_s or 0.0
        request = (
            one if checkpoint_dir is None else checkpointed(one, audio, checkpoint_dir, f"openai/{self.model}/hole")
        )
        replies: list[ChunkResult] = []
        with tempfile.TemporaryDirectory(prefix="vsl-holes-", dir=self.work_dir) as tmp:
            for i, hole in enumerate(found):
                deadline.check()
                start, end = hole_window(hole, duration)
                path = cut_chunk(
                    audio, start, end, Path(tmp) / f"hole{i:03d}{audio.suffix}", ffmpeg=self.silence.ffmpeg
                )
                chunk = Chunk(i, len(found) + 1, start, end, path, path.stat().st_size)
                if log:
                    log(f"speech without text at {hole.label()}: sending that window again ({end - start:.0f} s)")
                reply = request(
                    chunk, language=language, prompt=text_before(transcript, hole, PROMPT_TAIL_CHARS), log=log
                )
                merge_window(transcript, [Segment.from_dict(s.to_dict()) for s in reply.segments], start, end)
                replies.append(reply)
        return replies

    def _cut_short(self, result: ChunkResult) -> bool:
        cap, used = self.max_output_tokens, result.output_tokens
        return cap is not None and cap > 0 and used is not None and used >= cap - _CUT_SHORT_MARGIN_TOKENS

    def _complete(
        self,
        audio: Path,
        upload_name: str,
        duration: float,
        lang: str | None,
        prompt: str | None,
        log: LogFn | None,
        depth: int = 0,
    ) -> ChunkResult:
        """:meth:`_request`, and when the reply stopped at the model's output cap (its text cut
        short, which the API does not report as an error), the same audio again in two halves
        cut at a pause, recursively; every request is billed, the cut-short one included."""
        result = self._request(audio, upload_name, duration, lang, prompt, log)
        if not self._cut_short(result):
            return result
        what = (
            f"OpenAI {self.model} stopped at its limit of {self.max_output_tokens} output tokens on "
            f"{fmt_time(duration)} of audio, so its text was cut short"
        )
        if depth >= _MAX_HALVINGS or duration < 2 * _MIN_HALF_S:
            raise TranscriptionError(f"{what}, and the audio cannot usefully be split further")
        if log:
            log(f"{what}; transcribing that audio again in two halves")
        stem, dot, suffix = upload_name.rpartition(".")
        halves: list[Chunk] = []
        results: list[ChunkResult] = []
        billed, attempts = result.billed_s or 0.0, result.attempts
        language, part_prompt = lang or result.language, prompt
        with tempfile.TemporaryDirectory(prefix="vsl-halves-", dir=self.work_dir) as tmp:
            spans = plan_chunks(
                duration,
                duration * 0.6,
                FfmpegSilenceFinder(audio, self.silence),
                search_window_s=self.silence.search_window_s,
            )
            for span in spans:
                last = span.index == len(spans) - 1
                part = cut_chunk(
                    audio,
                    span.start,
                    None if last else span.end,
                    Path(tmp) / f"part-{span.index}{audio.suffix}",
                    timeout_s=self.silence.timeout_s,
                    ffmpeg=self.silence.ffmpeg,
                )
                name = f"{stem}-{span.index + 1}{dot}{suffix}" if dot else f"{upload_name}-{span.index + 1}"
                sub = self._complete(part, name, probe_duration(part), language, part_prompt, log, depth + 1)
                end = duration if last else span.end
                halves.append(Chunk(span.index, len(spans), span.start, end, part, part.stat().st_size))
                results.append(sub)
                billed += sub.billed_s or 0.0
                attempts += sub.attempts
                language = language or sub.language
                if self.continuity:
                    part_prompt = build_prompt(self.prompt, sub.text, PROMPT_TAIL_CHARS)
        return ChunkResult(
            text=" ".join(r.text for r in results if r.text),
            segments=stitch(halves, results),
            language=language,
            billed_s=billed,
            attempts=attempts,
        )

    def _request(
        self, audio: Path, upload_name: str, duration: float, lang: str | None, prompt: str | None, log: LogFn | None
    ) -> ChunkResult:
        """One upload of one file (a whole audio or a chunk) -> segments relative to its start."""
        verbose = _supports_verbose_json(self.model)
        content_type = mimetypes.guess_type(upload_name)[0] or "application/octet-stream"
        size_mb = audio.stat().st_size / 1_000_000

        params: dict[str, Any] = {"model": self.model}
        if lang:
            params["language"] = lang
        if prompt:
            params["prompt"] = prompt
        if verbose:
            params["response_format"] = "verbose_json"
            params["timestamp_granularities"] = ["segment"]
        else:
            params["response_format"] = "json"

        if log:
            log(
                f"uploading {upload_name} ({size_mb:.1f} MB, {fmt_time(duration)} of audio) "
                f"to OpenAI {self.model}, language={lang or 'auto'}"
            )
        attempts = 0

        def count_attempt(request: object) -> None:
            nonlocal attempts
            attempts += 1

        started = time.monotonic()
        failure: VslError | None = None
        try:
            with self._client(count_attempt) as client, audio.open("rb") as fh:
                # A seekable file handle lets the client rewind and resend it on a retry.
                response = client.audio.transcriptions.create(file=(upload_name, fh, content_type), **params)
        except OSError as exc:
            raise TranscriptionError(f"audio file could not be read: {exc.strerror or exc}") from exc
        except openai.OpenAIError as exc:
            failure = self._map_error(exc, max(attempts, 1))
            # The client already retried 429/5xx/timeouts with backoff; say so, so that Dagster
            # does not retry the whole step on top (attempts would multiply).
            failure.retried = self.max_retries > 0
        if failure is not None:
            # Raised outside the except block so the client's exception (whose text may echo
            # a masked key) is neither the cause nor the context of what callers log.
            deadline.check()  # a request cut short by the step's cap: say that, not "timed out"
            raise failure
        elapsed = time.monotonic() - started

        result = self._from_verbose(response, duration) if verbose else self._from_json(response, duration, lang)
        result.attempts = max(attempts, 1)
        if log:
            words = sum(1 for token in result.text.split() if any(c.isalnum() for c in token))
            log(
                f"OpenAI {self.model} returned {len(result.segments)} segment(s), "
                f"{words} words, language={result.language or 'unknown'} "
                f"in {elapsed:.1f} s ({attempts} attempt(s))"
            )
        return result

    def _from_verbose(self, response: Any, probed_duration: float) -> ChunkResult:
        text = str(getattr(response, "text", "") or "").strip()
        raw_duration = getattr(response, "duration", None)
        duration = float(raw_duration) if isinstance(raw_duration, int | float) else probed_duration
        segments = [
            Segment(start=float(s.start), end=float(s.end), text=s.text.strip())
            for s in (getattr(response, "segments", None) or [])
        ]
        if not segments and text:
            segments = [Segment(start=0.0, end=duration, text=text)]
        return ChunkResult(
            text=text,
            language=language_code(getattr(response, "language", None)),
            segments=segments,
            billed_s=duration,
        )

    def _from_json(self, response: Any, duration: float, requested: str | None) -> ChunkResult:
        text = str(getattr(response, "text", "") or "").strip()
        # json replies carry no language; newer models may list detected ones.
        detected = getattr(response, "languages", None) or []
        language = requested or (language_code(detected[0].code) if detected else None)
        # Token-billed models report what they wrote; reaching the cap means the text was cut.
        usage = getattr(response, "usage", None)
        output_tokens = getattr(usage, "output_tokens", None) if getattr(usage, "type", None) == "tokens" else None
        # No timestamps in json: the text spans its whole request (a chunk, on a long file).
        return ChunkResult(
            text=text,
            language=language,
            segments=[Segment(start=0.0, end=duration, text=text)] if text else [],
            billed_s=duration,
            output_tokens=output_tokens if isinstance(output_tokens, int) else None,
        )

    def _map_error(self, exc: openai.OpenAIError, attempts: int) -> VslError:
        return self._errors.map(exc, attempts)
