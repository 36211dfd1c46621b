"""Text analysis shared by indexing, querying and highlighting: fold, split, stem.

Every path through the search package turns words into terms with the same steps, so a
word typed in a query meets the word said in a transcript:

1. **fold**: lower case, then NFKD with the combining marks dropped ("Você" -> "voce").  Folding
   comes *before* stemming on purpose: people type queries without accents, and the Snowball
   stemmers treat "informação" and "informacao" differently; folded first, both stem alike.
2. **split**: runs of letters and digits (``[^\\W_]+``); everything else separates words.  The
   original text is never changed: the spans of its words are kept for the snippet.
3. **numbers**: in the VSL's language (the query's: once per language it is tried in), a number
   said in words becomes its digits ("vinte e sete" -> "27", ``numbers.py``), so "30 dias" and
   "trinta dias" are the same words to every backend.
4. **stem**: Snowball (PyStemmer) in the VSL's language; a VSL of another or unknown language
   keeps its folded words unstemmed.  PostgreSQL's ``portuguese``/``english``/``spanish``
   configurations are the same Snowball algorithms over ``unaccent``ed text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from vsl_assets.search.numbers import number_runs, to_digits

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
#: A word: a run of letters and digits.
WORD = re.compile(r"[^\W_]+")
#: A number written with thousands separators: "1.000" (PT, ES), "1,000" (EN, and Spanish as
#: Mexico writes it), "R$ 12.500,00", "1,000,000".  Groups of exactly three digits after one to
#: three: "1,50" and "3.5" are decimals and stay as they are.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?!\d)")
_WORD_OR_BREAK = re.compile(r"[^\W_]+|\n")
#: ``_WORD_OR_BREAK`` for a text that is all ASCII.
_ASCII_WORD_OR_BREAK = re.compile(r"[A-Za-z0-9]+|\n")
#: Where such a number could be (a digit, a separator, three digits).
_MAYBE_GROUPED = re.compile(r"\d[.,]\d{3}")
#: ``WORD`` that also takes such a number as one word (for the spans of the original text).
WORD_OR_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?!\d)|[^\W_]+")


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


def _ungroup(number: re.Match[str]) -> str:
    return number.group().replace(".", "").replace(",", "")


def join_thousands(text: str) -> str:
    """The text with each number written with thousands separators as plain digits ("R$ 1.000,00"
    -> "R$ 1000,00", "1,000" -> "1000"), so it is the one word "mil"/"thousand" is read as.

    A decimal with exactly three decimals ("1,500" meaning one and a half) is read as thousands
    too: speech-to-text and sales copy write prices and counts, rarely such decimals."""
    # The quick test first: the full pattern's look-behind at every position costs ~6 us a segment.
    return _THOUSANDS.sub(_ungroup, text) if _MAYBE_GROUPED.search(text) else text


def words(text: str) -> list[str]:
    """The folded words of a text, in order: folded first, then split, so accents written as
    separate combining marks never split a word; "1.000" is the one word "1000"."""
    return WORD.findall(join_thousands(fold_text(text)))


def words_and_breaks(texts: list[str]) -> list[str]:
    """The folded words of many texts (a VSL's segments) in one list, with a line break
    between two texts' words: one fold and one split for all of them (``len(texts) - 1`` breaks).

    A folded text whose letters and digits are all ASCII (PT, ES and EN ones; "¿", "—", curly
    quotes separate words either way, so they are blanked first) is split by the ASCII pattern: the
    same words in half the time of the Unicode one, ~1.2 ms of a 60-minute VSL's ~7.8 ms of
    analysis (issue 29, the per-VSL index build)."""
    folded = fold_text(join_thousands("\n".join(t.replace("\n", " ") for t in texts)))
    if not folded.isascii():
        folded = _NON_ASCII.sub(_blank_separators, folded)
    return (_ASCII_WORD_OR_BREAK if folded.isascii() else _WORD_OR_BREAK).findall(folded)


def _blank_separators(run: re.Match[str]) -> str:
    """A run of non-ASCII characters as a space when none of them is a letter or digit (the
    Unicode pattern's ``[^\\W_]``: ``str.isalnum``, for which "_" is ASCII anyway), else as it is."""
    said = run.group()
    return said if any(map(str.isalnum, said)) else " "


def word_spans(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) span in the original text of each word, and the word folded, for
    highlighting.  Lower-casing ASCII keeps every offset, so such text is folded in one call."""
    lowered = text.lower()
    if lowered.isascii() and len(lowered) == len(text):
        found = list(WORD_OR_GROUPED.finditer(lowered))
        return [m.span() for m in found], [_word_of(m) for m in found]
    found = list(WORD_OR_GROUPED.finditer(text))
    return [m.span() for m in found], [fold(_word_of(m)) for m in found]


def _word_of(found: re.Match[str]) -> str:
    word = found.group()
    return _ungroup(found) if not word.isalnum() else word


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    # PyStemmer keeps its own cache of recent words per stemmer object.
    return Stemmer.Stemmer(_SNOWBALL[language])


class _Stems(dict[str, str]):
    """One language's word -> stem, filled on first sight (``__missing__``), so that
    :func:`stem_all` is one ``map`` of ``dict.__getitem__`` in C: a 60-minute VSL's ~14,000 words
    (a few thousand distinct) in 0.35 ms against 1.6 ms through ``stemWords`` (issue 29).  Emptied
    when it holds :data:`STEMS_KEPT` words, so an odd corpus cannot grow it without bound."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.stemmer = _stemmer(language)

    def __missing__(self, word: str) -> str:
        if len(self) >= STEMS_KEPT:
            self.clear()
        stem: str = self.stemmer.stemWord(word)
        self[word] = stem
        return stem


#: Words whose stem :class:`_Stems` keeps per language (a few MB at most).
STEMS_KEPT = 200_000
_STEMS = {language: _Stems(language) for language in _SNOWBALL}


def stem(word: str, language: str | None) -> str:
    """The term of one folded word in a language (the word itself where there is no stemmer)."""
    if language not in _SNOWBALL:
        return word
    return str(_stemmer(language).stemWord(word))


def stem_all(folded: list[str], language: str | None) -> list[str]:
    """The terms of many folded words, in one call into the stemmer (no Python loop per word)."""
    stems = _STEMS.get(language or "")
    if stems is None:
        return folded
    return list(map(stems.__getitem__, folded))


def digits(folded: list[str], language: str | None) -> list[str]:
    """Folded words with the numbers said in words as digits, in a language (``numbers.py``)."""
    return to_digits(folded, language)


def number_spans(
    spans: list[tuple[int, int]], folded: list[str], language: str | None
) -> tuple[list[tuple[int, int]], list[str]]:
    """``word_spans`` with each number said in words as one word (its digits) spanning its words,
    so a snippet marks all of "vinte e sete" where the query said "27"."""
    runs = number_runs(folded, language)
    if not runs:
        return spans, folded
    out_spans: list[tuple[int, int]] = []
    out_words: list[str] = []
    at = 0
    for first, end, value in runs:
        out_spans += spans[at:first]
        out_words += folded[at:first]
        out_spans.append((spans[first][0], spans[end - 1][1]))
        out_words.append(str(value))
        at = end
    return out_spans + spans[at:], out_words + folded[at:]


def terms(text: str, language: str | None) -> str:
    """A text's stemmed folded words separated by spaces (what the index stores, before tagging)."""
    return " ".join(stem_all(digits(words(text), language), language))


def number_text(text: str, language: str | None) -> str:
    """The text with every number said in words replaced by its digits (the rest untouched), for
    an engine that analyses text itself (PostgreSQL's ``to_tsvector``)."""
    text = join_thousands(text)
    spans, folded = word_spans(text)
    runs = number_runs(folded, language)
    if not runs:
        return text
    out: list[str] = []
    at = 0
    for first, end, value in runs:
        out.append(text[at : spans[first][0]])
        out.append(str(value))
        at = spans[end - 1][1]
    out.append(text[at:])
    return "".join(out)
