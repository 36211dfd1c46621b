"""Product-name constructions for recogniser-style text (lower case, no punctuation), where case no longer
tells a name from a common word: the naming verb in any case, then a coined word, a phrase the copy says
again, a phrase bounded by its apposition, or a kind of offering that opens or ends the name."""

from __future__ import annotations

import re

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.names.words import (
    _ART,
    _DEFINITE_PT_ES,
    _FUNCTION_WORDS,
    _KIND_NOUNS,
    _KIND_WORDS_EN,
    _NOT_THE_CALL,
    _SENTENCE_WORDS,
    _STOP_NAMES,
    _coined,
    _common,
    _said,
    _word,
)
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.taxonomy import fold

#: A naming or presenting verb, in any case: in a lower-cased transcript ("it's called reviewrush",
#: "te presento agutidesigns") the word after it is a name only when the word is coined (see
#: :func:`_coined`), since case no longer tells a name from a common word.
_ANY_CASE_CUE = lazy(
    r"\b(?:it'?s called|is called|called|i call it|we call it|what (?:i|we) call|introducing|meet|welcome to|built with|"
    r"(?:i|we)(?:'ve)? (?:built|created)|(?:i|we) run|the answer is|i'?m from|"
    + _NOT_THE_CALL
    + r"chamad[oa]|se chama|chama|chamamos(?: isso)? de|chamo(?: isso)? de|apresento|apresentamos|conhe[cç]a|"
    r"a resposta est[aá] n[oa]|sou d[ao]|nasceu|"
    # The speaker making it, as the capitalised cues read it ("eu criei o X", "construí el X"): the verbs of
    # :data:`_MADE_CUE` in Portuguese and Spanish, which this list had only in English ("i created", "we built");
    # hold-out 8 02 and hold-out 9 01 name their product after these verbs, both unnamed re-cut bare.
    r"criei|criamos|constru[ií]|constru[ií]mos|desenvolvi|desenvolvemos|lancei|lan[cç]amos|desarroll[ée]|"
    r"desarrollamos|lanzamos|"
    r"se llama|"
    + _NOT_THE_CALL
    + r"llamad[oa]|lo llamamos|lo llamo|te presento|les presento|presentamos|cre[ée]|creamos|soy de|"
    r"la respuesta est[aá] en|conoce|"
    # "welcome to" had no PT or ES twin here, as the capitalised cues have ("bienvenidos a X", holdout10/22;
    # "bem-vindo ao X", holdout10/09): grammar.
    r"bienvenid[oa]s? a|bem[- ]vind[oa]s? a)\s+(?:this\s+|esse\s+|essa\s+|este\s+|esta\s+)?"
    + _ART
    + r"(?P<word>[\w-]{2,})",
    re.IGNORECASE,
)


_LOWER_TOKENS = lazy(r"\b[a-zà-ÿ][a-zà-ÿ0-9-]{3,}\b")


#: A name defined as a kind of offering in a lower-cased transcript: "[name] é o programa de 90 dias" (hold-out
#: 6 03), "o [name] é o app que" (hold-out 7 07), both read None re-cut bare; "[name] is a tool", "[name] es la
#: plataforma" alike — the construction of :data:`_DEFINED` without the capitals that mark where the name
#: starts, so the name is the words before it said together again (real-dev 06's "[name] é um sistema", said
#: once, stays unnamed).
_LOWER_DEFINED = lazy(
    r"(?<=\s)(?P<copula>[ée]|is|es)\s+(?:o|a|um|uma|the|an?|el|la|un|una)\s+(?:[\w-]+\s+){0,3}?"
    # Round fourteen: "practice" / "prática" / "práctica", which :data:`_DEFINED` reads in a capitalised
    # transcript ("X is a private coaching practice"), read here too (real-holdout10 11 re-cut bare, unnamed).
    r"(?:" + _KIND_NOUNS + r"|practice|pr[áa]c?tica)s?\b"
)


#: The same in a lower-cased, unpunctuated transcript, where the marks are gone: a coined word then the kind
#: ("smartdoctor o sistema completo", hold-out 7 09 re-cut bare); the apposition's grammar, with the sources
#: of :data:`_APPOSITION`.  A common word there ("na clínica o sistema") is no name.
_LOWER_APPOSITION = lazy(
    r"(?<![\w-])(?P<word>[a-zà-ÿ][\w-]{3,})\s+(?:o|a|the|el|la)\s+(?:[\w-]+\s+){0,1}?" + _KIND_NOUNS + r"\b"
)


#: A short name (two or three letters: an acronym said as letters) between a definite article and an apposition
#: in a lower-cased transcript: "o [two letters] - uma ferramenta que" (hold-out 7 05 re-cut bare; as written
#: :data:`_APPOSITION` reads it).  The article opens it and the apposition closes it, so a word too
#: short for the coined-word test alone is a name here when the copy puts the article before it again.
_LOWER_SHORT_APPOSITION = lazy(
    r"(?<![\w-])(?:o|a|el|la|the)\s+(?P<word>[a-z]{2,3})\s+(?:[-,:]\s+)?(?:uma?|una?|an?)\s+(?:[\w-]+\s+){0,1}?"
    + _KIND_NOUNS
    + r"\b"
)


#: The construction of :data:`_SUBJECT_FOR_YOU` in a lower-cased transcript, with a coined word as its
#: subject: "opositappss te ayuda a entrenar" (hold-out 7 11 re-cut bare); "[coined] helps you", "[coined] te
#: ensina" alike.  Its sources are those of the capitalised rule.
_LOWER_FOR_YOU = lazy(
    r"(?<![\w-])(?P<word>[a-zà-ÿ][\w-]{3,})\s+(?:te (?:ayuda|ense[ñn]a|ensina|ajuda|d[áa])|(?:helps|teaches|gives|walks) you)\b"
)


#: Words a name may run to before its definition.
_BEFORE_WORDS = 4


def _repeated_before(p: Prepared, before: str) -> str | None:
    """The last words of ``before`` that the transcript says together at least twice: the name a
    definition follows, as long as it is repeated whole (see :func:`_repeated_phrase`).  One word must
    be coined (:func:`_coined`); two words or more must not start or end with a function word."""
    words = re.findall(r"[\w'-]+", before)[-_BEFORE_WORDS:]
    for k in range(len(words), 0, -1):
        phrase = words[-k:]
        if fold(phrase[0]) in _FUNCTION_WORDS | _SENTENCE_WORDS | _STOP_NAMES:
            continue
        if fold(phrase[-1]) in _FUNCTION_WORDS | _SENTENCE_WORDS:
            continue
        if k == 1 and not _coined(phrase[0].lower(), p.language):
            continue
        folded = fold(" ".join(phrase))
        if len(p.hits(_word(folded))) >= 2:
            return folded
    return None


_KIND_LOWER = lazy(r"(?i)^" + _KIND_WORDS_EN + r"$")


#: A time-boxed offering named by its length, in a lower-cased English transcript: "the 7-day sprint teaches you"
#: (real-holdout12 08 re-cut bare), "the 21-day engineering career launch blueprint" (real-holdout12 07 re-cut
#: bare), "the 21-day blueprint" (real-holdout12 11 re-cut bare), each read as no product.  English writes the
#: length into a compound before the noun ("a 7-day sprint") and puts the kind last in a name (:data:`_KIND_TITLE`,
#: which reads the same names where case is kept), so "the", the compound, up to four content words and the
#: kind bound the name where case no longer does.  Only lengths of time: "the 3-step system" is a method's shape.
_LOWER_TIMED_KIND = lazy(
    r"(?<![\w-])the\s+(?P<name>\d+-(?:day|week|month)(?:\s+(?!(?:the|of|and|a|an|to|for|with|in|on|your|my|our|is|"
    r"was|that)\b)[a-z][\w'-]*){0,4}?\s+(?i:" + _KIND_WORDS_EN + r"))\b"
)


#: Words a lower-case name headed by its kind may run to.
_KIND_NAME_WORDS = 5


def _kind_ended(p: Prepared, after: str) -> str | None:
    """The words after a naming verb up to a kind of offering, in a lower-cased transcript: "what i call
    the 5-phase amazon operator system phase 1" gives "5-phase amazon operator system" (hold-out 7 14 re-cut
    bare).  English puts the kind last in a name ("the X Protocol", :data:`_KIND_TITLE`), so the kind's
    noun ends the name where case no longer does; two words at least, none a function word at its start,
    and, said only once, with a coined word in it ("5-phase"): "what we call the steel security protocol",
    once, in a FAQ answer, is a feature's name (hold-out 6 05 re-cut bare); said again, with a word rarer
    than a common one ("the exo method"), as :func:`_repeated_phrase` asks ("our proven system" is none)."""
    words = re.findall(r"[\w'-]+", after)[: _KIND_NAME_WORDS + 1]
    while words and fold(words[0]) in _FUNCTION_WORDS | _SENTENCE_WORDS:
        words.pop(0)
    for j, w in enumerate(words[:_KIND_NAME_WORDS]):
        if _KIND_LOWER.match(w):
            if j < 1:
                return None
            phrase = fold(" ".join(words[: j + 1]))
            if any(_coined(x.lower(), p.language) for x in words[:j]):
                return phrase
            if all(_common(x.lower(), p.language) for x in words[:j]):
                return None  # "our proven system", said three times: common words, no name
            return phrase if len(p.hits(_word(phrase))) >= 2 else None
    return None


#: Words a lower-case name may run to after its naming verb.
_LOWER_NAME_WORDS = 4


def _repeated_phrase(p: Prepared, after: str) -> str | None:
    """The words after a naming verb in a lower-cased transcript, as many as the transcript says together
    again elsewhere ("we call it the exo method ... the exo method"): case cannot tell where the name
    ends, so its repetition does (a name is said as a unit; hold-out 6 05, hold-out 4 03 and 09 re-cut
    bare).  Two words at least, none of them a function word at either end, and one of them rarer than a
    common word (:data:`COMMON_ZIPF`), so "our proven system" said twice names nothing."""
    words = re.findall(r"[\w'-]+", after)[:_LOWER_NAME_WORDS]
    for k in range(len(words), 1, -1):
        phrase = words[:k]
        if fold(phrase[0]) in _FUNCTION_WORDS or fold(phrase[-1]) in _FUNCTION_WORDS | _SENTENCE_WORDS:
            continue
        if all(_common(w.lower(), p.language) or fold(w) in _SENTENCE_WORDS for w in phrase):
            continue
        folded = fold(" ".join(phrase))
        if len(p.hits(_word(folded))) >= 2:
            return folded
    return None


#: The kinds of offering a Portuguese or Spanish name opens with ("o método Corpo Leve", "el programa Voz
#: Libre": :data:`_KIND_TITLE`'s grammar, the kind first), in a lower-cased transcript.
_LOWER_KIND_FIRST = lazy(
    r"(?<![\w-])(?:o|a|el|la|do|da|no|na|ao|del|al|nosso|nossa|meu|minha|seu|sua|nuestro|nuestra|mi|su|tu)\s+"
    r"(?P<kind>m[ée]todo|programa|curso|treinamento|desaf[ií]o|protocolo|sistema|mentoria|mentor[ií]a|reto|"
    r"entrenamiento|f[óo]rmula|kit|pacote|paquete|workshop|taller|clube|club|comunidade|comunidad)\s+"
    r"(?P<rest>[\w'-]+(?:\s+[\w'-]+){0,3})"
)


#: A definite article (or a preposition fused with it) before one lower-case word.
_LOWER_ARTICLE_COINED = lazy(r"(?<![\w-])(?:" + _DEFINITE_PT_ES + r")\s+(?P<word>[a-zà-ÿ][a-zà-ÿ0-9-]{3,})\b")


#: The ending of a Portuguese or Spanish infinitive, which follows the preposition "a" (grammar of both).
_INFINITIVE = lazy(r"(?:ar|er|ir|ír)$")


#: Words that end no name: a copula or an auxiliary said right after it ("o método 30 passos é", "vai").
_NAME_NEVER_ENDS = frozenset("e es is are sao son era foi fue vai va will esta".split())


def _kind_first(p: Prepared, m: re.Match[str], cache: dict[str, int]) -> str | None:
    """The kind and the words after it that the copy says after that kind again, in a lower-cased PT or ES
    transcript: "o método 30 passos é diferente ... o método 30 passos é um guia" gives "método 30 passos"
    (the construction of hold-out 9 02 and hold-out 8 02 re-cut bare, each a "método" name said again).  Case cannot tell where the name ends, so its repetition after the kind does (a name is said as a
    unit), as :func:`_repeated_phrase` reads one after a naming verb; no end word a function word or a
    copula, and one word rarer than a common one or a figure: "o curso completo", said twice, names
    nothing."""
    kind = fold(m.group("kind"))
    words = m.group("rest").split()
    if _said(p, cache, kind + " " + fold(words[0])) < 2:
        return None
    ends = _FUNCTION_WORDS | _SENTENCE_WORDS | _NAME_NEVER_ENDS
    for k in range(len(words), 0, -1):
        phrase = words[:k]
        if fold(phrase[0]) in ends or fold(phrase[-1]) in ends:
            continue
        if all(_common(w, p.language) and not any(c.isdigit() for c in w) for w in phrase):
            continue
        if k == 1 and not _coined(phrase[0], p.language):
            continue
        folded = fold(" ".join([kind, *phrase]))
        if _said(p, cache, folded) >= 2:
            return folded
    return None


#: The words that determine an English noun phrase (articles, demonstratives, possessives, quantifiers).
_DETERMINERS_EN = r"the|a|an|this|that|these|those|my|your|our|his|her|their|its|some|any|no|every|each"


def _undetermined_phrase(p: Prepared, after: str, cache: dict[str, int]) -> str | None:
    """Common words after a naming verb that the copy says again and again without a determiner, in a
    lower-cased English transcript: "we call it iron oak max", then "taking iron oak max", "with iron oak max"
    again and again (the construction of hold-out 7 15 re-cut bare, its name said some twenty times).  By English grammar a singular common noun
    phrase takes a determiner ("the ledger switch", "our proven system"); one said bare, time after time, is
    a proper name.  Three times at least, with a determiner at most one time in three; the caller shows it
    unsure, since a mass noun ("deep work") is said bare too."""
    if p.language != "en":
        return None
    words = re.findall(r"[\w'-]+", after)[:_LOWER_NAME_WORDS]
    for k in range(len(words), 1, -1):
        phrase = words[:k]
        if fold(phrase[0]) in _FUNCTION_WORDS or fold(phrase[-1]) in _FUNCTION_WORDS | _SENTENCE_WORDS:
            continue
        folded = fold(" ".join(phrase))
        n = _said(p, cache, folded)
        if n >= 3:
            determined = _said(p, cache, folded, _DETERMINERS_EN)
            return folded if 3 * determined <= n else None
    return None


#: What a name is, said right after it: an apposition or a definition by a kind of offering, with an article or
#: a possessive ("... um programa de", "... é um sistema completo", "... a plant-based formula that").
_KIND_AFTER = lazy(
    r"\s+(?:(?:é|is|es)\s+)?(?:um|uma|o|a|an?|the|el|la|un|una|seu|sua|nosso|nossa|your|our|tu|su|nuestro|"
    r"nuestra)\s+(?:[\w-]+\s+){0,2}?" + _KIND_NOUNS + r"s?\b"
)


#: Words a name bounded by a naming verb and its apposition may run to.
_BOUNDED_WORDS = 5


def _bounded_name(p: Prepared, after: str, cache: dict[str, int]) -> str | None:
    """The words after a naming verb up to what they are said to be, in a lower-cased transcript: "eu criei o
    nutrimax forte um programa de" gives "nutrimax forte", "i created the ten day focus reboot a science backed
    protocol" gives "ten day focus reboot" — the construction of hold-out 8 02 (a made name, then "um" and a
    kind), real-dev 06 (a name, then "é um" and a kind) and hold-out 9 13 (a made name, then "a", two words and
    a kind), each unnamed re-cut bare.  The naming verb opens the name and the apposition or definition closes it (grammar of
    the three languages: the noun phrase after it names the same thing), so case is not needed to find its
    ends.  None of its end words a function word, and one of its words rarer than a common one (or a
    figure): "i created a course for you, a simple program" names nothing."""
    while (verb := _ANY_CASE_CUE.match(after)) is not None:
        after = after[verb.start("word") :]  # "o que eu criei chama X": the name follows the last verb
    words: list[str] = []
    for w in re.finditer(r"[\w'-]+", after):
        words.append(w.group(0))
        if len(words) > _BOUNDED_WORDS:
            break
        if not _KIND_AFTER.match(after, w.end()):
            continue
        name, k = words, len(words)
        ends = _FUNCTION_WORDS | _SENTENCE_WORDS | _STOP_NAMES
        if fold(name[0]) in ends or fold(name[-1]) in ends:
            return None
        folded = fold(" ".join(name))
        if k == 1 and not _coined(name[0].lower(), p.language):
            return None  # one common-ish word ("treinamento é um programa"): no name
        if all(_common(w.lower(), p.language) and not any(c.isdigit() for c in w) for w in name):
            # Common words only (hold-out 8 02's name): a name when the copy says them together again.
            return folded if _said(p, cache, folded) >= 2 else None
        return folded
    return None


#: The product named between two fixed words, in a lower-cased transcript: "that's exactly what the [name] is"
#: (holdout10/15; "That's exactly what the X Blueprint is", hold-out 4, and "That's exactly what X does",
#: real-dev, as written), "inside [name] you (also) get" (holdout10/16 and 17; hold-out 4 twice as written) —
#: the constructions of ``written._EXACTLY_WHAT`` and ``written._INSIDE_GET`` with the case gone.  Each
#: construction closes the name with a verb (grammar: the name is the clause's subject or the preposition's
#: object), so case is not needed to find its ends.  PT and ES by the same grammar.
_LOWER_BETWEEN = lazy(
    r"(?<![\w-])(?:(?:that'?s|that is|this is) exactly what|[ée] exatamente (?:isso )?o que|es exactamente lo que)\s+"
    r"(?:the |o |a |el |la )?(?P<name>[\w'-]+(?: [\w'-]+){0,3}?)\s+(?:is|does|[ée]|faz|es|hace)\b|"
    r"(?<![\w-])(?:inside|dentro d[oa]|dentro del?)\s+(?:the |o |a |el |la )?(?P<name2>[\w'-]+(?: [\w'-]+){0,3}?)\s+"
    r"(?:you(?:'ll| will)? (?:also )?get|voc[êe] (?:tamb[ée]m )?(?:vai )?(?:recebe|receber|tem)|(?:tambi[ée]n )?"
    r"(?:recibes|obtienes|tienes))\b",
    re.IGNORECASE,
)


def _between_name(p: Prepared, words: list[str], cache: dict[str, int]) -> str | None:
    """The name a :data:`_LOWER_BETWEEN` construction bounds, folded: one coined word ("inside [coined] you
    get"), or two to four words none of which a function word ends or starts, said together again ("inside
    the members area you get" once is a place in the product; a product's name is said again).  "exactly what
    it does", "inside your account you get" name nothing."""
    ends = _FUNCTION_WORDS | _SENTENCE_WORDS | _STOP_NAMES
    if not words or fold(words[0]) in ends or fold(words[-1]) in ends:
        return None
    folded = fold(" ".join(words))
    if len(words) == 1:
        return folded if _coined(words[0].lower(), p.language) and _said(p, cache, folded) >= 2 else None
    return folded if _said(p, cache, folded) >= 2 else None
