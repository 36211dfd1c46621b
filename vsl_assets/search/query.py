"""Reading untrusted query text into a small tree that each backend renders itself.

No character of the user's text reaches a query language: the parser keeps only folded words
(letters and digits) and its own structure, and the renderers quote every word.  FTS5 syntax
(``"``, ``NEAR(``, ``*``, ``-``, ``:``, ``^``, parentheses) and tsquery syntax (``&|!<->:*``)
therefore cannot be injected, and no query can fail to parse.

The grammar (a subset of what search boxes usually accept):

- ``word``: the word in any inflection (stemmed), accents and case ignored;
- ``"two words"``: the words adjacent and in order (each stemmed);
- ``emagrec*``: words starting with the prefix (at least 2 letters; shorter ones match whole);
- ``-word`` / ``NOT word``: leave out segments containing it;
- ``a OR b``: either; ``AND`` is implied and otherwise ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vsl_assets.search.model import SearchQuery, SearchQueryError
from vsl_assets.search.numbers import GRAMMARS, number_runs, to_digits_across, values_with_prefix
from vsl_assets.search.text import (
    LANGUAGES,
    digits,
    join_thousands,
    normalise_language,
    stem_all,
    words,
    words_and_breaks,
)

#: The languages whose numbers said in words are read as digits.
NUMBER_LANGUAGES = tuple(GRAMMARS)

#: More clauses than this are dropped (a 5,000-character paste must not become a 5,000-term query).
MAX_CLAUSES = 32
#: Words per phrase kept.
MAX_PHRASE_WORDS = 16
#: Characters read from the query text.
MAX_QUERY_CHARS = 2_000
MIN_PREFIX = 2
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
#: Characters that never join two words into one term ("e-mail" and "30-day" do stay joined).
_SEPARATORS = re.compile(r"[()\[\]{}<>,;!?&|^~=+:]")
#: A currency sign typed before a price, outside quotes ("R$ 97", "US$37", "$ 37").  The index
#: keeps words only: "$37" is the word "37", and a price is said "97 reais" as often as written
#: "R$ 97", so "R$" as the word "r" (or "US$" as "us") found only the transcripts that wrote the
#: sign.  The real (Brazil) is read as its sign or its name; a dollar sign, which the index never
#: holds, is left out.
_CURRENCY_SIGN = re.compile(r"^(?P<sign>R|US|U\$S|MX|CA|AU|NZ|A|C)?\$(?P<rest>\d[\d.,]*)?$", re.IGNORECASE)
_REAL_WORDS = ("r", "OR", "reais", "OR", "real")


@dataclass(frozen=True)
class Clause:
    """A word, a phrase or a prefix (then the last word is the prefix)."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """Groups are ANDed; clauses inside a group are ORed; excluded clauses are NOTed."""

    groups: tuple[tuple[Clause, ...], ...] = ()
    excluded: tuple[Clause, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.groups

    def clauses(self) -> list[Clause]:
        return [c for g in self.groups for c in g]


def _clause(raw: str) -> Clause | None:
    quoted = raw.startswith('"')
    prefix = not quoted and raw.endswith("*")
    found = words(raw)[:MAX_PHRASE_WORDS]
    if not found:
        return None
    if prefix and len(found[-1]) < MIN_PREFIX:
        prefix = False
    return Clause(tuple(found), prefix=prefix)


def parse_search(query: SearchQuery) -> ParsedQuery:
    """The query's text, read; refused (with a reason for the person) when there is no word and no filter."""
    parsed = parse(query.text)
    if parsed.empty and not query.has_filters():
        raise SearchQueryError("Type a word or a phrase to search for, or choose a filter.")
    return parsed


def _currency_signs(tokens: list[str]) -> list[str]:
    """``R$`` before a price reads as "r", "reais" or "real" (either); a dollar sign is dropped;
    quoted phrases are left as typed (:data:`_CURRENCY_SIGN`).  The other way round too: "reais",
    and "real" after a number ("1 real"), read as the same three, so "500 reais" or "quinhentos
    reais" finds a transcript that wrote "R$ 500,00" (a new user's trial)."""
    out: list[str] = []
    for i, token in enumerate(tokens):
        lowered = token.lower()
        if lowered == "reais" or (lowered == "real" and i > 0 and tokens[i - 1][:1].isdigit()):
            out.extend(_REAL_WORDS)
            continue
        sign = _CURRENCY_SIGN.match(token)
        if sign is None:
            out.append(token)
            continue
        if (sign.group("sign") or "").upper() == "R":
            out.extend(_REAL_WORDS)
        if sign.group("rest"):
            out.append(sign.group("rest"))
    return out


def _numbers_as_phrases(tokens: list[str]) -> list[str]:
    """Plain words that say one number together ("vinte e sete", "one hundred") become one quoted
    phrase, so the number is matched as a number (27), not as three words each required apart.

    Read with every language's grammar (a query's language is not known here); each language's
    arm then reads the phrase its own way (``digits``), so "e" between two numbers joins them only
    where it is that language's joining word.
    """
    plain = [
        i
        for i, t in enumerate(tokens)
        if t not in ("OR", "AND", "NOT") and not t.startswith(('"', "-")) and not t.endswith("*")
    ]
    if len(plain) < 2:
        return tokens
    merged: dict[int, int] = {}  # first token index -> end (exclusive)
    start = 0
    while start < len(plain):
        end = start + 1
        while end < len(plain) and plain[end] == plain[end - 1] + 1:
            end += 1
        run = plain[start:end]
        folded = [words(tokens[i]) for i in run]
        if len(run) > 1 and all(len(w) == 1 for w in folded):
            flat = [w[0] for w in folded]
            spans = sorted(
                ((a, b) for lang in LANGUAGES for a, b, _v in number_runs(flat, lang) if b - a > 1),
                key=lambda ab: (ab[0], -(ab[1] - ab[0])),
            )
            taken = -1
            for a, b in spans:
                if a >= taken:
                    merged[run[a]] = run[b - 1] + 1
                    taken = b
        start = end
    if not merged:
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i in merged:
            out.append('"' + " ".join(tokens[i : merged[i]]) + '"')
            i = merged[i]
        else:
            out.append(tokens[i])
            i += 1
    return out


def parse(text: str) -> ParsedQuery:
    """Read a user's query; never raises, whatever the text."""
    notes: list[str] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"only the first {MAX_QUERY_CHARS} characters of the query were used")
    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    negate_next = or_next = False
    # "1,000" is one number before "," separates words ("R$ 1.000" and "1,000" both read 1000).
    tokens = _currency_signs(_TOKEN.findall(_SEPARATORS.sub(" ", join_thousands(text))))
    for raw in _numbers_as_phrases(tokens):
        if raw == "OR":
            or_next = bool(groups)
            continue
        if raw == "AND":
            continue
        if raw == "NOT":
            negate_next = True
            continue
        negate = negate_next or (raw.startswith("-") and len(raw) > 1)
        negate_next = False
        if raw.startswith("-"):
            raw = raw.lstrip("-")
        clause = _clause(raw)
        if clause is None:
            continue
        if negate:
            excluded.append(clause)
        elif or_next:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        or_next = False
    total = sum(len(g) for g in groups) + len(excluded)
    if total > MAX_CLAUSES:
        notes.append(f"only the first {MAX_CLAUSES} words or phrases of the query were used")
        kept: list[list[Clause]] = []
        budget = MAX_CLAUSES
        for group in groups:
            if budget <= 0:
                break
            kept.append(group[:budget])
            budget -= len(kept[-1])
        groups, excluded = kept, excluded[: max(0, budget)]
    if not groups and excluded:
        notes.append("a query of only excluded words matches nothing to rank; the exclusions were ignored")
        excluded = []
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded), tuple(notes))


def query_languages(language_filter: str | None) -> tuple[str | None, ...]:
    """Languages whose stems a query is tried in (None = unstemmed words).

    With a language filter only that language's stems; without one, a query's language is not
    guessed (a few words are too few to tell PT from ES): every stemmer's form is ORed, which
    costs a few extra terms and at worst matches a word another language stems alike.
    """
    if language_filter is not None:
        return (normalise_language(language_filter),)
    return (*LANGUAGES, None)


#: The tag FTS5 terms of each language carry (None: unknown language, unstemmed).  "_" never
#: occurs inside a word (words are ``[^\W_]+``), so "es_los" cannot collide with any typed word.
FTS5_TAGS: dict[str | None, str] = {"pt": "pt_", "en": "en_", "es": "es_", None: "xx_"}


def fts5_terms(words: list[str], language: str | None) -> str:
    """The indexed form of a segment's folded words: each stemmed and tagged with the language.

    One call into the stemmer and one join per segment (no Python step per word): indexing a
    million segments spends its time in SQLite, not here.
    """
    if not words:
        return ""
    tag = FTS5_TAGS[language]
    return tag + (" " + tag).join(stem_all(digits(words, language), language))


def fts5_terms_of_texts(texts: list[str], language: str | None) -> list[str]:
    """``fts5_terms`` of every segment of a VSL at once, in a few C calls over the whole VSL.

    The segments' words are read in one pass with a line break between segments (``text.
    words_and_breaks``), so numbers said in words are read once over the VSL (a run never
    crosses the break: it is no number word), the stemmer is called once, and each segment's
    terms are cut from one joined string and tagged with ``str.replace``.  No Python step per word
    except where a number word is (what lets indexing run at SQLite's speed).
    """
    if not texts:
        return []
    stems = stem_all(digits(words_and_breaks(texts), language), language)
    tag = FTS5_TAGS[language]
    sep = " " + tag
    out: list[str] = []
    for piece in " ".join(stems).split("\n"):
        piece = piece.strip()
        out.append(tag + piece.replace(" ", sep) if piece else "")
    return out


def clause_forms(clause: Clause, language: str | None) -> tuple[Clause, ...]:
    """The forms a clause is matched in, in a query arm of one language: itself, and

    - the same words with a number said in another of the languages read as digits ("thirty" in
      the Portuguese arm also asks for "30", as "trinta" was indexed), except a number word that
      is an ordinary word in this language (``numbers.COLLISIONS``);
    - for a prefix whose last word could begin a number word of this language ("trint*"), the
      clause with that word as each number it could begin (30-39, 130-139...: numbers said in
      words are indexed as digits, so the prefix alone no longer meets "trinta").

    Every backend ORs the forms (and the snippet marks any of them).
    """
    if language not in NUMBER_LANGUAGES:
        return (clause,)
    forms = [clause]
    said = list(clause.words)
    own = digits(said, language)
    for other in NUMBER_LANGUAGES:
        if other == language:
            continue
        across = to_digits_across(own, other, language)
        if across != own and all(f.words != tuple(across) for f in forms):
            forms.append(Clause(tuple(across), prefix=clause.prefix))
    if clause.prefix:
        head = own[:-1]
        forms += [Clause((*head, str(v))) for v in values_with_prefix(own[-1], language)]
    return tuple(forms)


def _fts5_clause(clause: Clause, language: str | None) -> str:
    parts = []
    for form in clause_forms(clause, language):
        star = " *" if form.prefix else ""
        parts.append(f'"{fts5_terms(list(form.words), language)}"{star}')
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _fts5_expr(parsed: ParsedQuery, language: str | None) -> str:
    groups = []
    for group in parsed.groups:
        parts = [_fts5_clause(c, language) for c in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    expr = " AND ".join(groups)
    if parsed.excluded:
        expr = f"({expr}) NOT (" + " OR ".join(_fts5_clause(c, language) for c in parsed.excluded) + ")"
    return expr


def to_fts5(parsed: ParsedQuery, languages: tuple[str | None, ...]) -> str:
    """An FTS5 MATCH expression: the query once per language, in that language's tagged stems.

    Terms are tagged with their VSL's language ("es_los"), so an English stem never matches a
    Spanish segment, as with PostgreSQL's per-language configurations, and each posting list
    holds one language's segments only (a column filter would scan them all, measured 5x slower).
    Words are only ``[^\\W_]`` characters inside double quotes, so FTS5 reads them as strings,
    never as operators.
    """
    arms = [_fts5_expr(parsed, lang) for lang in languages]
    return arms[0] if len(arms) == 1 else " OR ".join(f"({arm})" for arm in arms)


def _ts_clause(clause: Clause, language: str | None) -> str:
    # to_tsquery applies the configuration's stemmer and stop words to each word, and shifts
    # phrase distances over stop words itself, so the words go in folded but unstemmed (numbers
    # as digits, as the indexed text has them).
    out = []
    for form in clause_forms(clause, language):
        parts = digits(list(form.words), language)
        if form.prefix:
            parts[-1] += ":*"
        out.append(parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")")
    return out[0] if len(out) == 1 else "(" + " | ".join(out) + ")"


def to_tsquery_text(parsed: ParsedQuery, language: str | None = None) -> str:
    """Text for PostgreSQL's ``to_tsquery(config, ...)`` of one language; words are letters/digits only."""
    groups = []
    for group in parsed.groups:
        parts = [_ts_clause(c, language) for c in group]
        groups.append(parts[0] if len(parts) == 1 else "(" + " | ".join(parts) + ")")
    expr = " & ".join(groups)
    if parsed.excluded:
        expr = f"({expr}) & !(" + " | ".join(_ts_clause(c, language) for c in parsed.excluded) + ")"
    return expr
