"""Text analysis shared by indexing, querying and highlighting: fold, split, stem.

Every path through the search package turns words into terms with the same three steps, so a
word typed in a query meets the word said in a transcript:

1. **fold**: lower case, then NFKD with the combining marks dropped ("Você" -> "voce").  Folding
   comes *before* stemming on purpose: people type queries without accents, and the Snowball
   stemmers treat "informação" and "informacao" differently; folded first, both stem alike.
2. **split**: runs of letters and digits (``[^\\W_]+``); everything else separates words.  The
   original text is never changed: the spans of its words are kept for the snippet.
3. **stem**: Snowball (PyStemmer) in the VSL's language; a VSL of another or unknown language
   keeps its folded words unstemmed.  PostgreSQL's ``portuguese``/``english``/``spanish``
   configurations are the same Snowball algorithms over ``unaccent``ed text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import Stemmer

#: The languages with a stemmer; anything else is indexed folded but unstemmed.
LANGUAGES = ("pt", "en", "es")
_SNOWBALL = {"pt": "portuguese", "en": "english", "es": "spanish"}
_ALIASES = {
    "pt": "pt",
    "por": "pt",
    "portuguese": "pt",
    "português": "pt",
    "portugues": "pt",
    "en": "en",
    "eng": "en",
    "english": "en",
    "es": "es",
    "spa": "es",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
}
_WORD = re.compile(r"[^\W_]+")


def normalise_language(language: str | None) -> str | None:
    """Map what engines report ("pt", "pt-BR", "portuguese") to pt/en/es; anything else to None.

    Whisper's API reports language names, local models report codes; the index keys on one form.
    """
    if not language:
        return None
    base = language.strip().lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(base)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without accents; cached because a transcript repeats a small vocabulary."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return [fold(m.group()) for m in _WORD.finditer(text)]


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded word) for each word of the original text, for highlighting."""
    for m in _WORD.finditer(text):
        yield m.start(), m.end(), fold(m.group())


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_SNOWBALL[language])


def stem(word: str, language: str | None) -> str:
    """The term of one folded word in a language (the word itself where there is no stemmer)."""
    if language not in _SNOWBALL:
        return word
    return _stem_cached(word, language)


@lru_cache(maxsize=400_000)
def _stem_cached(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def terms(text: str, language: str | None) -> str:
    """A text's stemmed folded words separated by spaces (what the index stores, before tagging)."""
    return " ".join(stem(w, language) for w in words(text))
