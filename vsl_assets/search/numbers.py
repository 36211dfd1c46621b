"""Numbers said in words read as digits, so "garantia de trinta dias" and "garantia de 30 dias"
are the same words to the index, in Portuguese, English and Spanish.

Speech-to-text writes numbers either way ("30 dias", "trinta dias"), and people type either way.
The search text normaliser (``text.py``) replaces each run of number words by its value in digits,
at index time (with the VSL's language) and at query time (once per language the query is tried
in), so every backend (FTS5, tantivy, PostgreSQL) compares digits with digits.

The rules are the languages' own grammar of cardinal numbers from 0 to 999,999 (the issue asks
for 0-1000; the thousands come free with the same grammar):

- a number is a sequence of places, largest first, each filled once: thousands ("mil",
  "thousand"), hundreds ("trezentos", "trescientos", "three hundred"), tens ("vinte", "veinte",
  "twenty"), units ("sete", "siete", "seven"); a teen ("dezessete", "diecisiete", "seventeen") or
  a Spanish "veinti-" word ("veintisiete") fills tens and units at once;
- the languages' joining word between places is optional ("vinte e sete", "treinta y siete",
  "one hundred and seven"; "ciento siete"); English joins with "and" only after "hundred" or
  "thousand" ("twenty and seven" is not English), and its hyphen ("twenty-seven") splits into two
  words before this runs, so it reads like "twenty seven";
- "cem"/"cien" are 100 only when nothing smaller follows, "cento"/"ciento" only when something
  does ("cento e um", "ciento uno"; "por cento" is "percent", not a number);
- words that are also articles or pronouns ("um", "uma", "un", "una", "uno", English "a") are
  numbers only inside a number ("vinte e um", "treinta y uno") or before "mil"/"hundred"/
  "thousand" ("a hundred", "un mil" is not said but "a thousand" is); alone they stay words, so
  "uma garantia" is not "1 garantia";
- "zero"/"cero" stand alone.

A word that is a number in one language and a word in another (Spanish "dos" = 2, Portuguese
"dos" = "of the"; Spanish "once" = 11, English "once") is read only in its own language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count

_UNIT, _TEEN, _TEN, _HUNDRED, _CEM, _CENTO, _TIMES_HUNDRED, _THOUSAND, _ZERO, _ARTICLE = range(10)


@dataclass(frozen=True)
class Grammar:
    """One language's number words (folded: lower case, no accents) and joining word."""

    words: dict[str, tuple[int, int]]  # word -> (kind, value)
    joiner: str
    #: The joining word may follow only these kinds (English: "hundred and", "thousand and").
    joins_after: frozenset[int]


def _kinds(kind: int, table: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {word: (kind, value) for word, value in table.items()}


def _hundreds(pairs: dict[str, int]) -> dict[str, int]:
    """Masculine and feminine forms of the hundreds ("duzentos"/"duzentas")."""
    out: dict[str, int] = {}
    for stem, value in pairs.items():
        out[stem + "os"] = value
        out[stem + "as"] = value
    return out


_PT = Grammar(
    words={
        **_kinds(_ZERO, {"zero": 0}),
        **_kinds(_ARTICLE, {"um": 1, "uma": 1}),
        **_kinds(
            _UNIT,
            {"dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9},
        ),
        **_kinds(
            _TEEN,
            {
                "dez": 10,
                "onze": 11,
                "doze": 12,
                "treze": 13,
                "catorze": 14,
                "quatorze": 14,
                "quinze": 15,
                "dezesseis": 16,
                "dezasseis": 16,
                "dezessete": 17,
                "dezassete": 17,
                "dezoito": 18,
                "dezenove": 19,
                "dezanove": 19,
            },
        ),
        **_kinds(
            _TEN,
            {
                "vinte": 20,
                "trinta": 30,
                "quarenta": 40,
                "cinquenta": 50,
                "cincoenta": 50,
                "sessenta": 60,
                "setenta": 70,
                "oitenta": 80,
                "noventa": 90,
            },
        ),
        **_kinds(_CEM, {"cem": 100}),
        **_kinds(_CENTO, {"cento": 100}),
        **_kinds(
            _HUNDRED,
            {
                **_hundreds(
                    {
                        "duzent": 200,
                        "trezent": 300,
                        "quatrocent": 400,
                        "quinhent": 500,
                        "seiscent": 600,
                        "setecent": 700,
                        "oitocent": 800,
                        "novecent": 900,
                    }
                ),
            },
        ),
        **_kinds(_THOUSAND, {"mil": 1000}),
    },
    joiner="e",
    joins_after=frozenset({_TEN, _HUNDRED, _CENTO, _THOUSAND}),
)

_ES = Grammar(
    words={
        **_kinds(_ZERO, {"cero": 0}),
        **_kinds(_ARTICLE, {"un": 1, "una": 1, "uno": 1}),
        **_kinds(
            _UNIT,
            {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9},
        ),
        **_kinds(
            _TEEN,
            {
                "diez": 10,
                "once": 11,
                "doce": 12,
                "trece": 13,
                "catorce": 14,
                "quince": 15,
                "dieciseis": 16,
                "diecisiete": 17,
                "dieciocho": 18,
                "diecinueve": 19,
                # "veinti-" fuses tens and unit into one word: it fills both places, as a teen does.
                "veintiun": 21,
                "veintiuno": 21,
                "veintiuna": 21,
                "veintidos": 22,
                "veintitres": 23,
                "veinticuatro": 24,
                "veinticinco": 25,
                "veintiseis": 26,
                "veintisiete": 27,
                "veintiocho": 28,
                "veintinueve": 29,
            },
        ),
        **_kinds(
            _TEN,
            {
                "veinte": 20,
                "treinta": 30,
                "cuarenta": 40,
                "cincuenta": 50,
                "sesenta": 60,
                "setenta": 70,
                "ochenta": 80,
                "noventa": 90,
            },
        ),
        **_kinds(_CEM, {"cien": 100}),
        **_kinds(_CENTO, {"ciento": 100}),
        **_kinds(
            _HUNDRED,
            {
                **_hundreds(
                    {
                        "doscient": 200,
                        "trescient": 300,
                        "cuatrocient": 400,
                        "quinient": 500,
                        "seiscient": 600,
                        "setecient": 700,
                        "ochocient": 800,
                        "novecient": 900,
                    }
                ),
            },
        ),
        **_kinds(_THOUSAND, {"mil": 1000}),
    },
    joiner="y",
    joins_after=frozenset({_TEN}),
)

_EN = Grammar(
    words={
        **_kinds(_ZERO, {"zero": 0}),
        **_kinds(_ARTICLE, {"a": 1}),
        **_kinds(
            _UNIT,
            {
                "one": 1,
                "two": 2,
                "three": 3,
                "four": 4,
                "five": 5,
                "six": 6,
                "seven": 7,
                "eight": 8,
                "nine": 9,
            },
        ),
        **_kinds(
            _TEEN,
            {
                "ten": 10,
                "eleven": 11,
                "twelve": 12,
                "thirteen": 13,
                "fourteen": 14,
                "fifteen": 15,
                "sixteen": 16,
                "seventeen": 17,
                "eighteen": 18,
                "nineteen": 19,
            },
        ),
        **_kinds(
            _TEN,
            {
                "twenty": 20,
                "thirty": 30,
                "forty": 40,
                "fifty": 50,
                "sixty": 60,
                "seventy": 70,
                "eighty": 80,
                "ninety": 90,
            },
        ),
        **_kinds(_TIMES_HUNDRED, {"hundred": 100}),
        **_kinds(_THOUSAND, {"thousand": 1000}),
    },
    joiner="and",
    joins_after=frozenset({_TIMES_HUNDRED, _THOUSAND}),
)

GRAMMARS: dict[str, Grammar] = {"pt": _PT, "en": _EN, "es": _ES}


@lru_cache(maxsize=8)
def number_words(language: str | None) -> frozenset[str]:
    """The words that can begin a number in the language, for a quick "none here" test (in C).

    Articles ("um", "a") are left out: alone they are words, and before a multiplier the
    multiplier ("mil", "hundred") is in the set, so no number is missed; with them in, nearly
    every segment would need the word-by-word reading.
    """
    grammar = GRAMMARS.get(language or "")
    if grammar is None:
        return frozenset()
    return frozenset(w for w, (kind, _v) in grammar.words.items() if kind != _ARTICLE)


class _Reader:
    """The longest number starting at one word, read place by place (see the module's rules)."""

    def __init__(self, grammar: Grammar) -> None:
        self.g = grammar
        self.total = 0  # the thousands, once "mil"/"thousand" was read
        self.group = 0  # the part below a thousand read so far
        self.room = 999  # the largest value the next word may add to ``group``
        self.thousand = False
        self.last = -1

    def take(self, kind: int, value: int, nxt: tuple[int, int] | None) -> bool:
        """Add one word if the grammar allows it here; False (nothing changed) if not."""
        fresh = self.last == -1
        if kind == _ZERO:
            if not fresh:
                return False
            self.room, self.last = -1, kind
            return True
        if kind == _ARTICLE:
            # Alone an article; a number inside one ("vinte e um") or before a multiplier.
            if fresh and not (nxt and nxt[0] in (_THOUSAND, _TIMES_HUNDRED)):
                return False
            kind = _UNIT
        if kind in (_UNIT, _TEEN):
            if value > self.room:
                return False
            self.group += value
            self.room = 0
        elif kind == _TEN:
            if self.room < 99:
                return False
            self.group += value
            self.room = 9
        elif kind in (_HUNDRED, _CEM, _CENTO):
            if self.group or self.room < 999:
                return False
            if kind == _CENTO and not (nxt and nxt[0] in (_UNIT, _TEEN, _TEN, _ARTICLE)):
                return False
            self.group = value
            self.room = 0 if kind == _CEM else 99
        elif kind == _TIMES_HUNDRED:
            # "two hundred", "twelve hundred", "a hundred": multiplies what was read of this group.
            if self.last not in (_UNIT, _TEEN, _ARTICLE) or not 0 < self.group < 100 or self.room == 99:
                return False
            self.group *= 100
            self.room = 99
        elif kind == _THOUSAND:
            if self.thousand or self.total:
                return False
            self.total = (self.group or 1) * 1000
            self.group = 0
            self.room = 999
            self.thousand = True
        else:
            return False
        self.last = kind
        return True

    @property
    def value(self) -> int:
        return self.total + self.group


def number_runs(words: list[str], language: str | None) -> list[tuple[int, int, int]]:
    """(first, end, value) of every run of ``words[first:end]`` that says a number in the
    language, left to right, longest first; empty for a language without a grammar."""
    grammar = GRAMMARS.get(language or "")
    if grammar is None or number_words(language).isdisjoint(words):
        return []
    table = grammar.words
    runs: list[tuple[int, int, int]] = []
    n = len(words)
    # Candidate starts only: a number word, or an article with a number word after it (alone,
    # or before the joiner, an article is a word: ``_Reader.take``).  Most words are neither, and
    # articles ("a", "um", "un") are among the commonest words, so they are not read one by one.
    strong = number_words(language)
    joiner = grammar.joiner
    # The words of the grammar are found in C (``compress`` of a membership ``map``): a Python test
    # per word was most of a search page's number reading (issue 29); the rule is looked at only
    # for those few.
    starts = [
        k
        for k in compress(count(), map(table.__contains__, words))
        if words[k] in strong
        or (k + 1 < n and (words[k + 1] in table or (words[k + 1] == joiner and k + 2 < n and words[k + 2] in table)))
    ]
    at = 0
    for i in starts:
        if i < at:
            continue
        reader = _Reader(grammar)
        j = i
        end = i
        while j < n:
            word = words[j]
            if word == grammar.joiner and j > i and reader.last in grammar.joins_after and j + 1 < n:
                j += 1
                word = words[j]
            entry = table.get(word)
            if entry is None:
                break
            after = j + 2 if j + 2 < n and words[j + 1] == grammar.joiner else j + 1
            following = table.get(words[after]) if after < n else None
            if not reader.take(*entry, following):
                break
            j += 1
            end = j
        if end > i:
            runs.append((i, end, reader.value))
            at = end
    return runs


def to_digits(words: list[str], language: str | None) -> list[str]:
    """The folded words with each number said in words replaced by its digits ("trinta" -> "30").

    Cheap when there is nothing to do (one set test in C), which is most segments.
    """
    return _with_digits(words, number_runs(words, language))


def _with_digits(words: list[str], runs: list[tuple[int, int, int]]) -> list[str]:
    """``words`` with each run ``(first, end, value)`` replaced by the value's digits."""
    if not runs:
        return words
    out: list[str] = []
    at = 0
    for first, end, value in runs:
        out.extend(words[at:first])
        out.append(str(value))
        at = end
    out.extend(words[at:])
    return out


# -- reading numbers for a query: prefixes and the other languages ------------------------------

#: A prefix that could begin more number words than this many values is not expanded (see
#: :func:`values_with_prefix`): a two-letter prefix such as "tr" would stand for hundreds of numbers.
MAX_PREFIX_VALUES = 250

#: Number words of one language that are ordinary words in another, by the language they would be
#: misread in: Spanish "dos" (2) and "doce" (12) are "of the" and "sweet" in Portuguese, Spanish
#: "once" (11) is "once" in English, English "ten" is "have!" in Spanish.  In a query tried in
#: that language they stay words (a search for "doce de leite" must not find "12").
COLLISIONS: dict[str, frozenset[str]] = {
    "pt": frozenset({"dos", "doce"}),
    "en": frozenset({"once"}),
    "es": frozenset({"ten"}),
}


def _values_of_word(word: str, language: str) -> frozenset[int] | None:
    """The numbers 0-999 whose reading in the language uses ``word`` (None: too many to list,
    a multiplier such as "mil"/"thousand"/"hundred")."""
    kind, value = GRAMMARS[language].words[word]
    every = range(1000)
    if kind == _ZERO:
        return frozenset({0})
    if kind in (_UNIT, _ARTICLE):
        found = {
            v
            for v in every
            if v % 10 == value and not 10 <= v % 100 <= 19 and not (language == "es" and 21 <= v % 100 <= 29)
        }
        if language == "en":  # "one hundred", "two hundred and six"
            found |= {v for v in every if v // 100 == value}
        return frozenset(found)
    if kind == _TEEN:
        return frozenset(v for v in every if v % 100 == value)
    if kind == _TEN:
        if language == "es" and value == 20:  # 21-29 are "veinti-" words
            return frozenset(v for v in every if v % 100 == 20)
        return frozenset(v for v in every if (v % 100) // 10 == value // 10)
    if kind == _HUNDRED:
        return frozenset(v for v in every if v // 100 == value // 100)
    if kind == _CEM:
        return frozenset({100})
    if kind == _CENTO:
        return frozenset(range(101, 200))
    return None


@lru_cache(maxsize=1024)
def values_with_prefix(prefix: str, language: str | None) -> tuple[int, ...]:
    """The numbers 0-999 said with a word that begins with ``prefix`` (folded) in the language,
    smallest first: "trint" -> 30-39, 130-139 ... 930-939 in Portuguese.

    Numbers said in words are indexed as their digits, so a prefix typed to find "trinta" must
    also ask for those digits.  Empty when no number word starts so, when the prefix is a whole
    multiplier's ("mil", "hundred": every larger number), or when it would stand for more than
    :data:`MAX_PREFIX_VALUES` numbers; numbers from 1,000 up are not listed.
    """
    grammar = GRAMMARS.get(language or "")
    if grammar is None or not prefix:
        return ()
    found: set[int] = set()
    for word in grammar.words:
        if not word.startswith(prefix):
            continue
        values = _values_of_word(word, language or "")
        if values is None:
            return ()
        found |= values
        if len(found) > MAX_PREFIX_VALUES:
            return ()
    return tuple(sorted(found))


def to_digits_across(words: list[str], language: str, arm: str) -> list[str]:
    """``to_digits`` in ``language`` for a query tried in another language ``arm``, leaving alone
    every number whose words include one that is an ordinary word in ``arm`` (``COLLISIONS``)."""
    runs = [r for r in number_runs(words, language) if COLLISIONS.get(arm, frozenset()).isdisjoint(words[r[0] : r[1]])]
    return _with_digits(words, runs)
