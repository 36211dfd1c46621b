"""Which of the team's languages a recording is in, decided over its speech, not its first 30 s.

Whisper's own detection reads the first 30 s of audio and picks among ~100 languages.  Both fail
on VSLs: a VSL can open with music or silence, and the ``base`` model hears synthetic (and some
real) Portuguese as Latin or Galician, so the transcript comes out in the wrong language.  The
users only ever paste VSLs in a known set of languages (``VSL_LANGUAGES``), so:

1. **Language ID over speech windows.**  Silero VAD (shipped with faster-whisper) finds the speech
   in the whole file; up to :data:`WINDOWS` 30 s windows of *speech only*, spread over it, are each
   run through Whisper's language head, and the probabilities are averaged.  The choice is the
   allowed language with the highest mean; its probability is its share of the allowed languages'
   mass.  That answer is trusted when the allowed languages hold most of the mass
   (:data:`MIN_ALLOWED_MASS`) and the share reaches the configured minimum.
2. **Trial transcription** otherwise (the model heard something outside the list, or could not
   tell the allowed ones apart): one speech window is decoded greedily in each allowed language
   and the language whose text the model finds most likely (token-weighted ``avg_logprob``) wins.
   A candidate whose text compresses like a loop (``compression_ratio`` over Whisper's own
   hallucination threshold, 2.4) is out: forcing the wrong language often makes the model repeat
   one confident phrase, which has a high log-probability but is no transcript.  The candidates'
   mean log-probabilities become probabilities through a softmax at :data:`TRIAL_TEMPERATURE`.

The result says how it was decided, so the transcript can show it and be flagged when unsure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.audio import pad_or_trim
from faster_whisper.vad import VadOptions, get_speech_timestamps

from vsl_assets.transcription.audio import SAMPLE_RATE

#: Speech windows run through the language head (spread over the recording's speech).
WINDOWS = 3
#: Whisper's window.
WINDOW_S = 30.0
#: Below this share of the total probability on the allowed languages, language ID heard
#: something else and the trial transcription decides.
MIN_ALLOWED_MASS = 0.5
#: Whisper's own threshold above which a decoded window counts as a repetition loop.
MAX_COMPRESSION_RATIO = 2.4
#: A trial decode with fewer tokens than this share of the longest one skipped the speech.
MIN_TOKEN_SHARE = 0.3
#: Softmax temperature (nats per token) turning trial log-probabilities into probabilities: a
#: mean margin of 0.1 nat/token is odds of e:1.
TRIAL_TEMPERATURE = 0.1


@dataclass(frozen=True)
class SpeechSpan:
    """Where the VAD heard speech, in seconds from the start of the audio."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def speech_spans(samples: np.ndarray, options: VadOptions | None = None) -> list[SpeechSpan]:
    """Silero VAD over the whole recording (16 kHz mono float32)."""
    stamps = get_speech_timestamps(samples, options or VadOptions(), sampling_rate=SAMPLE_RATE)
    return [SpeechSpan(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def speech_windows(samples: np.ndarray, spans: Sequence[SpeechSpan], count: int = WINDOWS) -> list[np.ndarray]:
    """Up to ``count`` windows of 30 s of speech only, evenly spread over the recording's speech.

    Without any detected speech the whole recording's first window is used (better than nothing:
    the caller reports a low probability).
    """
    parts = [samples[int(s.start * SAMPLE_RATE) : int(s.end * SAMPLE_RATE)] for s in spans]
    speech = np.concatenate(parts) if parts else samples
    size = int(WINDOW_S * SAMPLE_RATE)
    if speech.size <= size:
        return [speech]
    last = speech.size - size
    offsets = sorted({round(last * i / max(count - 1, 1)) for i in range(count)})
    return [speech[o : o + size] for o in offsets]


@dataclass(frozen=True)
class LanguageGuess:
    """The chosen language, its probability among the allowed ones, and how it was decided."""

    language: str
    probability: float
    #: ``language-id`` (step 1) or ``trial`` (step 2).
    method: str
    #: What Whisper's language head heard across all languages, e.g. ``("la", 0.87)``.
    heard: tuple[str, float]
    #: Per allowed language: the language-ID share, or the trial probability.
    scores: dict[str, float]

    def describe(self) -> str:
        """One line for the run log and the VSL page."""
        ranked = ", ".join(f"{lang} {p:.2f}" for lang, p in sorted(self.scores.items(), key=lambda kv: -kv[1]))
        heard = f"language ID heard {self.heard[0]!r} ({self.heard[1]:.2f})"
        if self.method == "trial":
            return f"{heard}; a trial transcription in each allowed language chose {self.language!r} ({ranked})"
        return f"{heard}; chosen among the allowed languages: {self.language!r} ({ranked})"


def language_head(model: WhisperModel, window: np.ndarray) -> dict[str, float]:
    """Whisper's probability for every language on one window."""
    features = model.feature_extractor(window)
    encoded = model.encode(pad_or_trim(features))
    results = model.model.detect_language(encoded)[0]
    # Tokens look like "<|pt|>".
    return {token[2:-2]: float(p) for token, p in results}


def trial_scores(model: WhisperModel, window: np.ndarray, candidates: Sequence[str]) -> dict[str, float]:
    """Token-weighted mean log-probability of a greedy decode of ``window`` per language.

    A candidate that decodes to nothing, to a loop (see the module docstring) or to under
    :data:`MIN_TOKEN_SHARE` of the longest candidate's tokens (it skipped most of the speech) is
    left out.  Timestamps stay on: measured on this project's fixtures, decoding without them
    made the right language's decode fall into a loop on a window that began with music.
    """
    decoded: dict[str, tuple[int, float]] = {}
    for language in candidates:
        segments, _ = model.transcribe(
            window,
            language=language,
            beam_size=1,
            temperature=0.0,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        parts = list(segments)
        tokens = sum(len(s.tokens) for s in parts)
        if tokens == 0:
            continue
        compression = sum(s.compression_ratio * len(s.tokens) for s in parts) / tokens
        if compression > MAX_COMPRESSION_RATIO:
            continue
        decoded[language] = (tokens, sum(s.avg_logprob * len(s.tokens) for s in parts) / tokens)
    most = max((tokens for tokens, _ in decoded.values()), default=0)
    return {lang: score for lang, (tokens, score) in decoded.items() if tokens >= MIN_TOKEN_SHARE * most}


def softmax(scores: dict[str, float], temperature: float) -> dict[str, float]:
    top = max(scores.values())
    weights = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def detect_language(
    model: WhisperModel,
    samples: np.ndarray,
    allowed: Sequence[str],
    *,
    min_probability: float,
    spans: Sequence[SpeechSpan] | None = None,
) -> LanguageGuess:
    """Choose among ``allowed`` (ISO-639-1 codes the model supports) for this recording."""
    if not allowed:
        raise ValueError("no allowed languages")
    spans = speech_spans(samples) if spans is None else spans
    windows = speech_windows(samples, spans)
    totals: dict[str, float] = {}
    for window in windows:
        for language, p in language_head(model, window).items():
            totals[language] = totals.get(language, 0.0) + p / len(windows)
    heard = max(totals.items(), key=lambda kv: kv[1])
    mass = sum(totals.get(lang, 0.0) for lang in allowed)
    shares = {lang: totals.get(lang, 0.0) / mass if mass > 0 else 1.0 / len(allowed) for lang in allowed}
    best = max(shares, key=lambda lang: shares[lang])
    if len(allowed) == 1 or (mass >= MIN_ALLOWED_MASS and shares[best] >= min_probability):
        return LanguageGuess(best, shares[best], "language-id", heard, shares)
    trial = trial_scores(model, windows[len(windows) // 2], allowed)
    if not trial:
        return LanguageGuess(best, shares[best], "language-id", heard, shares)
    probabilities = softmax(trial, TRIAL_TEMPERATURE)
    chosen = max(probabilities, key=lambda lang: probabilities[lang])
    return LanguageGuess(chosen, probabilities[chosen], "trial", heard, probabilities)
