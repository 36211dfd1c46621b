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


_LATIN_MARKS = re.compile("[\u0300-\u036f]+")
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def _drop_marks(run: re.Match[str]) -> str:
    return "".join(ch for ch in run.group() if not unicodedata.combining(ch))


def fold_text(text: str) -> str:
    """Lower case without accents, for a whole text at once (ASCII text is only lower-cased).

    The Latin combining marks (U+0300-U+036F: every accent of PT/ES/EN) go in one ``sub`` in C;
    only the runs still not ASCII afterwards ("¿", "—", other scripts) are looked at character
    by character, so the result is that of dropping every combining mark, at C speed for the
    languages indexed.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    folded = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", lowered))
    return folded if folded.isascii() else _NON_ASCII.sub(_drop_marks, folded)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """One word folded (cached: the snippet folds the words of each shown segment)."""
    return fold_text(word)


def words(text: str) -> list[str]:
    """The folded words of a text, in order: folded first, then split, so accents written as
    separate combining marks never split a word."""
    return _WORD.findall(fold_text(text))


def words_of_texts(texts: list[str]) -> list[list[str]]:
    """The folded words of many texts (a VSL's segments), folded in one pass over all of them."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    return [_WORD.findall(line) for line in fold_text(joined).split("\n")]


def word_spans(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) span in the original text of each word, and the word folded, for
    highlighting.  Lower-casing ASCII keeps every offset, so such text is folded in one call."""
    lowered = text.lower()
    if lowered.isascii() and len(lowered) == len(text):
        found = list(_WORD.finditer(lowered))
        return [m.span() for m in found], [m.group() for m in found]
    found = list(_WORD.finditer(text))
    return [m.span() for m in found], [fold(m.group()) for m in found]


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    # PyStemmer keeps its own cache of recent words per stemmer object.
    return Stemmer.Stemmer(_SNOWBALL[language])


def stem(word: str, language: str | None) -> str:
    """The term of one folded word in a language (the word itself where there is no stemmer)."""
    if language not in _SNOWBALL:
        return word
    return str(_stemmer(language).stemWord(word))


def stem_all(folded: list[str], language: str | None) -> list[str]:
    """The terms of many folded words, in one call into the stemmer (no Python loop per word)."""
    if language not in _SNOWBALL:
        return folded
    return list(_stemmer(language).stemWords(folded))


def terms(text: str, language: str | None) -> str:
    """A text's stemmed folded words separated by spaces (what the index stores, before tagging)."""
    return " ".join(stem_all(words(text), language))
