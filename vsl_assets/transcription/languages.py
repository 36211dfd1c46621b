"""Language codes: engines and users spell languages differently; the pipeline stores ISO-639-1."""

from __future__ import annotations

from vsl_assets.transcription.models import Transcript, TranscriptWarning

#: What whisper-1's verbose_json reports (lowercase English names) -> ISO-639-1.
#: Deliberately small and explicit: unknown names are kept verbatim rather than guessed.
LANGUAGE_NAME_TO_CODE: dict[str, str] = {
    "english": "en",
    "portuguese": "pt",
    "spanish": "es",
    "castilian": "es",
    "french": "fr",
    "german": "de",
    "italian": "it",
    "dutch": "nl",
    "catalan": "ca",
    "galician": "gl",
    "romanian": "ro",
    "polish": "pl",
    "russian": "ru",
    "ukrainian": "uk",
    "turkish": "tr",
    "arabic": "ar",
    "hebrew": "he",
    "hindi": "hi",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "indonesian": "id",
    "vietnamese": "vi",
    "latin": "la",
}


def language_code(value: str | None) -> str | None:
    """Map an engine's language label (``"portuguese"``, ``"pt"``, ``"pt-BR"``) to ISO-639-1.

    Unknown labels are kept (lowercased, region dropped) rather than dropped, so nothing is lost.
    """
    if value is None:
        return None
    label = value.strip().lower().replace("_", "-")
    if not label:
        return None
    base = label.split("-", 1)[0]
    return LANGUAGE_NAME_TO_CODE.get(base, base)


def request_language(value: str | None) -> str | None:
    """Turn a configured language into the bare code engines accept (``"pt-BR"`` -> ``"pt"``).

    None, ``""`` and ``"auto"`` mean auto-detect.
    """
    if value is None:
        return None
    if value.strip().lower() == "auto":
        return None
    return language_code(value)


def language_warning(
    language: str | None,
    *,
    source: str | None,
    probability: float | None,
    allowed: tuple[str, ...],
    min_probability: float,
) -> str | None:
    """Why a transcript's language cannot be trusted, or None when it can.

    A language someone chose (the URL's own, ``VSL_LANGUAGE``) is trusted even outside the list;
    a detected or engine-reported one must be in the list, and a detected one sure enough.
    """
    if source in ("url", "setting"):
        return None
    if language is None:
        return "the language could not be detected"
    listed = ", ".join(allowed)
    if source == "model" and allowed != ("en",):
        return f"the model transcribes English only and could not check the language (expected: {listed})"
    if allowed and language not in allowed:
        return f"detected language {language!r} is not one of the expected languages ({listed})"
    if source == "detected" and probability is not None and probability < min_probability:
        return (
            f"language {language!r} was detected with probability {probability:.2f}, under "
            f"{min_probability:.2f}: check it, or re-transcribe with the right language"
        )
    return None


def settle_language(
    transcript: Transcript,
    *,
    url_language: str | None,
    allowed: tuple[str, ...],
    min_probability: float,
) -> Transcript:
    """Record where the transcript's language came from and flag it when it cannot be trusted.

    The engine knows whether it detected the language or was given one; only the caller knows
    whether a given language was the URL's own (``url_language``) or the global setting.
    """
    if url_language is not None:
        transcript.language_source = "url"
    transcript.warnings = [w for w in transcript.warnings if w.kind != "language"]
    reason = language_warning(
        transcript.language,
        source=transcript.language_source,
        probability=transcript.language_probability,
        allowed=allowed,
        min_probability=min_probability,
    )
    if reason:
        transcript.warnings.append(TranscriptWarning("language", reason))
    return transcript
