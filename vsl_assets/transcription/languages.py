"""Language codes: engines and users spell languages differently; the pipeline stores ISO-639-1."""

from __future__ import annotations

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
