"""The vocabulary every product-name reader shares, whatever the transcript's casing: the name and article
patterns, the function words, stop names and calendar words, the word-frequency tests (common, coined), the
shouted-word and web-address readers, a name's clean-up, and the readers across a recogniser's cut."""

from __future__ import annotations

import re
from functools import lru_cache

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.taxonomy import fold

_UP = r"[A-ZÀ-ÖØ-Ý0-9]"


_NAME = (
    # Inside a title the articles stay in lower case ("Não Seja uma Presa Fácil", "Cómo Ser un Líder"):
    # by the grammar of title case in the three languages, a lower-case article between capitalised
    # words is part of the name.
    # A brand may start lower-case with a capital inside ("miFinanciera", "iPhone", "eBay"): by orthography
    # the inner capital marks a name.
    # Round fourteen: the prepositions "para" / "pra" (colloquial Brazilian "para") and "com" / "con" / "sem" / "sin"
    # stay in lower case inside a Portuguese or Spanish title by the same grammar: "o Story pra Enriquecer" (real-holdout12
    # 03, read "Story"), "Como Lidar com Bancos" (real-holdout9 07).
    rf"(?P<name>(?:{_UP}|[a-zà-ÿ]{{1,3}}(?=[A-ZÀ-Ý]))[\w'\u2019-]*[™®]?(?:\s+(?:(?:de|da|do|das|dos|del|la|el|of|the|and|e|y|&|uma|um|una|un|an|pra|para|com|con|sem|sin)\s+)?"
    rf"(?:{_UP}[\w'\u2019-]*[™®]?|\d[\w]*))*)"
)


_ART = (
    r"(?:(?:o|a|os|as|el|la|los|las|the|um|uma|un|una|this|our|my|nosso|nossa|meu|minha|este|esta|esse|essa|"
    r"nuestro|nuestra|mi)\s+)?"
)


#: Words every language capitalises in English whatever their use: months and weekdays.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)


#: The article that opens a sentence is capitalised but is no part of the name ("The X walks you").
_SENTENCE_ARTICLE = lazy(r"^(?:The|O|A|Os|As|El|La|Los|Las)\s+(?=\S)")


_PART = lazy(
    r"(?i)^(?:day|days|week|module|step|part|lesson|phase|dia|dias|semana|m[óo]dulo|passo|parte|aula|fase|d[íi]a|lecci[óo]n|paso)\b"
)


#: A name built on a kind of offering, every word capitalised: "the Grand Slam Protocol is designed" (hold-out
#: 6 01), "AI Video Editing Masterclass." (hold-out 6 02), "the Call-To-Cash System" (hold-out 2 08), "the AI
#: Operator Blueprint" (hold-out 4 03).  By the grammar of English a common noun ("protocol", "course") takes
#: a capital inside a sentence only as part of a proper name; PT and ES put the kind first ("o Método Rota
#: Certa", "el Programa Voz Libre"), capitalised by the same rule.
#: The kinds of offering (the rule is the grammar above; this is its vocabulary), those added from the corpus
#: with the products they head: Audit (hold-out 3 10, hold-out 6 11), Reset (hold-out 4 01 and 07), Sprint
#: (hold-out 5 10, hold-out 6 14), Suite (hold-out 2 03), Package (hold-out 1 06), Retreat (hold-out 4 09).
_KIND_WORDS_EN = (
    r"(?:Masterclass|Protocol|Method|Program|Programme|Course|System|Blueprint|Challenge|Workshop|Accelerator|"
    r"Formula|Bootcamp|Mentorship|Audit|Suite|Retreat|Reset|Sprint|Package)"
)


#: A word this rare (Zipf frequency, wordfreq's "small" lists) in the transcript's language and in English
#: is coined: a brand ("reviewrush", "mounjatina"), not a common word ("morning", "gelatina").
COINED_ZIPF = 3.0


#: Things given with the product, whose names the same constructions introduce.
_EXTRA_BEFORE = lazy(
    r"(?i:\b(?:report|guide|book|e-?book|bonus|chapter|pdf|cheat ?sheet|checklist|relat[óo]rio|guia|livro|b[ôo]nus|"
    r"cap[íi]tulo|reporte|gu[íi]a|libro|bono|regalo|gift)\b(?:\s+\w+){0,2}\s*$)"
)


@lru_cache(maxsize=4096)
def _word(folded: str) -> re.Pattern[str]:
    """The whole words ``folded`` (a name, folded as the transcript's flowing text is): compiled once per
    process for each name, however many times the candidates' mentions are counted."""
    return re.compile(r"\b" + re.escape(folded) + r"\b")


#: Constant patterns the readers below used to build inline at every match.
_LOWER_WORDS = lazy(r"\b[a-zà-ÿ]{2,}\b")


_CAPS_WORDS = lazy(r"\b[A-ZÀ-Ý]{4,}\b")


#: A web address said or shown: "propello-omega.vercel.app", "www.puntosestilo.com/demo", "ylada.com/x".
_WEB_ADDRESS = lazy(
    r"(?:https?://)?(?:www\.)?(?P<host>[a-z0-9-]+)(?:\.[a-z0-9-]+)*\.(?:com|app|io|ai|net|org|co|br|mx|es)\b(?:/\S*)?",
    re.IGNORECASE,
)


def _site_names(p: Prepared) -> set[str]:
    """The names web addresses give, folded without spaces: "propello" for propello-omega.vercel.app,
    "puntosestilo" for puntosestilo.com.  The product's own site carries its name: the buyer is sent
    there (real-dev 09, hold-out 6 07, hold-out 7 08; a company's site, hold-out 7 02, names the seller)."""
    out: set[str] = set()
    for seg in p.segments:
        for m in _WEB_ADDRESS.finditer(seg.text):
            host = fold(m.group("host"))
            if host not in {"www", "go", "link", "app", "bit", "l", "m"}:
                out |= {host, host.split("-")[0]}
    return out


def _shouted_common_words(p: Prepared) -> set[str]:
    """Words that, written in capitals, are shouted rather than names ("NÃO", "GRÁTIS", "STOP").

    Every word the transcript also says in lower case, and every all-capitals word that is a common
    word of the transcript's language (Zipf >= :data:`COMMON_ZIPF`): a copywriter shouts "GRÁTIS" in
    every line without ever writing it in lower case, while a brand in capitals ("RECYMEX",
    "COWBOY") is rare as a word.
    """
    # A web address is written in lower case whatever it names ("ylada.com/dra-ana" for the brand YLADA,
    # hold-out 7 08): its words are no evidence that a word in capitals is common (orthography).
    text = _WEB_ADDRESS.sub(" ", " ".join(s.text for s in p.segments))
    lower = {fold(w) for w in _LOWER_WORDS.findall(text)}
    # Four letters or more: short capitals are acronyms ("IA", "CRM", "VIP") inside real names.
    caps = {w for w in _CAPS_WORDS.findall(text)} - {w.upper() for w in lower}
    return lower | {fold(w) for w in caps if _common(w.lower(), p.language)}


#: A word at least this frequent (Zipf, wordfreq's "small" lists) in the transcript's language is a
#: common word: "grátis" (4.5), "stop" (5), "mesmo" (6); capitalised brands sit far below ("cowboy" ~3).
COMMON_ZIPF = 4.0


def _common(word: str, language: str | None) -> bool:
    if language not in ("pt", "es", "en"):
        return False
    from wordfreq import zipf_frequency  # lazily, as in _coined

    return zipf_frequency(word, language, wordlist="small") >= COMMON_ZIPF


_SENTENCE_WORDS = frozenset(
    {
        "con",
        "the",
        "o",
        "a",
        "el",
        "la",
        "por",
        "y",
        "e",
        "and",
        "so",
        "but",
        "mas",
        "pero",
        "com",
        "en",
        "em",
        "in",
        "no",
        "na",
        "at",
        "if",
        "se",
        "si",
        "de",
        "to",
        "with",
        "for",
        "para",
        "or",
        "ou",
    }
)


_STOP_NAMES = frozenset(
    {
        "i",
        "eu",
        "yo",
        "dr",
        "doctor",
        "deus",
        "god",
        "the",
        "a",
        "o",
        "el",
        "la",
        "you",
        "voce",
        "usted",
        "it",
        "youtube",
        "instagram",
        "whatsapp",
        "pdf",
        "pix",
        "facebook",
        "tiktok",
        "google",
        "amazon",
        "internet",
        "email",
    }
)


#: Words that start or end a sentence-initial capitalised run but are never a name ("Before I...").
_FUNCTION_WORDS = frozenset(
    "before after when then so but and or i we you he she it they this that there here now today if because "
    "what why how who just also not no yes my your our all every i've i'm i'll we've we're you're it's that's "
    "maybe well okay ok look "
    "o os as e que quando depois antes eu nos voce ele ela isso esse essa aqui agora hoje se porque mas "
    "entao tambem nao sim meu minha "
    "el los las y cuando despues yo tu usted esto eso ahora hoy si pero entonces tambien mi "
    # The demonstratives of the three languages, which the lists above held only in part: pronouns and
    # determiners, never a name, capitalised only where a sentence starts ("Ese es el sistema", real-holdout12
    # 04, read sure as the product; "Este é o método", "These are the tools" by the same grammar).
    "these those este esta estes estas esses essas aquele aquela aquilo isto ese esa esos esas estos aquel "
    "aquella".split()
)


#: The imperative of a call to action that a capitalised button line puts before a name ("Get The X Protocol",
#: "Get X Accelerator": real-dev 12, hold-out 11 05): the verb asks for the product, it is no word of its name.
_CALL_TO_ACTION = frozenset("get grab join claim download".split())


def _clean_name(name: str, keep_start: bool = False) -> str | None:
    # The trade mark is typography, not part of the name: "The Call-To-Cash System™" is said
    # "the Call-To-Cash System", and both spellings are one candidate.
    name = name.replace("™", "").replace("®", "").strip(" -'\u2019")
    words = name.split()
    if len(words) > 1 and fold(words[0]) in _CALL_TO_ACTION:
        words.pop(0)
    while words and fold(words[0]) in _FUNCTION_WORDS and not (keep_start and len(words) > 1):
        words.pop(0)
    while words and fold(words[-1]) in {"de", "da", "do", "of", "the", "and", "e", "y", "&", "la", "el"}:
        words.pop()
    # An all-capitals word is an acronym, not an article: "Flow OS" keeps its "OS" (orthography), while
    # "the X and" loses its "and".
    while words and fold(words[-1]) in _FUNCTION_WORDS and not (len(words[-1]) > 1 and words[-1].isupper()):
        words.pop()
    if words and words[0].isdigit():
        # A bare numeral opens no name: "297 ONE-TIME", "1997 à vista" are an amount and its terms (hold-out
        # 6 02, real-dev 04's "500" in "Fortune 500" is the same reading); a name made with a number writes it
        # into a word ("7-Day Sprint", "Sprint 100k").
        return None
    if not words or (fold(words[0]) in _STOP_NAMES and len(words) == 1):
        return None
    if len(words) == 1 and len(words[0].strip("™®")) <= 2:
        return None  # "AI", "OK": too short to be told from a common word
    if fold(words[0]) in {"the"} and len(words) == 1:
        return None
    return " ".join(words)


#: A line that heads a numbered part ("Phase 1: Product Research — The Filter System", "Módulo 2: O Mapa",
#: "Paso 3 — La Rutina"): a name given there is the part's title, not the product's (hold-out 7 14, read sure
#: as the product; the grammar of :data:`_PART`, a numbered piece of the product).
_PART_LINE = lazy(
    r"^\W*(?i:phase|module|step|week|part|day|pillar|lesson|stage|fase|m[óo]dulo|passo|semana|parte|dia|aula|"
    r"etapa|pilar|paso|d[íi]a|lecci[óo]n)\s+(?:\d+|[ivx]+|one|two|three|four|five|six|seven|um|dois|tr[eê]s|uno|dos)\s*[:.\u2014\u2013-]"
)


#: "chamada" / "llamada" after a determiner is the noun, a phone call ("en la llamada revisaremos", real-holdout12 04
#: re-cut bare, the next word read as the product; "na chamada", "esta llamada" alike), or "the so-called" before a
#: known term ("a chamada dieta cetogênica"): the participle that names ("um app chamado X", "un programa llamado
#: X") follows a noun, never a determiner (grammar of Portuguese and Spanish).  Put before those two cues; the
#: lookahead first, so the lookbehinds run only where one of the two words starts (an hour of text costs the same).
_NOT_THE_CALL = r"(?=[cl][hl]amad)(?<!\bla )(?<!\buna )(?<!\besta )(?<!\besa )(?<!\btu )(?<!\bsu )(?<!\bmi )(?<!\bnuestra )(?<!\ba )(?<!\buma )(?<!\bessa )(?<!\bsua )(?<!\bminha )(?<!\bnossa )(?<!\bna )(?<!\bda )(?<!\bpela )(?<!\bnessa )(?<!\bnesta )(?<!\bdessa )(?<!\bdesta )(?<!\bnuma )"


#: A numbered part's label just before a name, wherever the recogniser cut the line: "... Module 3: The X Method"
#: (real-holdout10 16 re-cut like Whisper, the module's title read as the product) is :data:`_PART_LINE` inside a
#: segment (real-holdout7 14, "Phase 1: ... — The Filter System"): the title names a part of the product.
_PART_BEFORE = lazy(
    r"(?i:\b(?:phase|module|step|week|part|day|pillar|lesson|stage|bonus|fase|m[óo]dulo|passo|semana|parte|dia|aula|"
    r"etapa|pilar|paso|d[íi]a|lecci[óo]n|b[ôo]nus|bono)\s+(?:#?\d+|[ivx]+|one|two|three|four|five|six|seven|um|dois|"
    r"tr[eê]s|uno|dos)\s*[:.\u2014\u2013-]\s*)$"
)


def _across_cut(p: Prepared, i: int, pattern: re.Pattern[str]) -> list[tuple[str, re.Match[str]]]:
    """Matches of ``pattern`` in segment ``i``, and those that run on over its cut into the next one.

    A recogniser cuts where the speaker breathes, not where a phrase ends: "We" | "call it Alpha Fuel
    Pro", "That's why we built the Tax-Free" | "Income Challenge" (hold-out 7 15 and 02 re-cut like Whisper,
    each read wrong: a bonus, a person); the construction is the same across the cut (grammar: a cut is
    no word of the language).  Each match comes with the text it was found in.
    """
    text = p.segments[i].text
    found = [(text, m) for m in pattern.finditer(text)]
    if i + 1 < len(p.segments):
        joined = text + " " + p.segments[i + 1].text
        cut = len(text)
        found += [(joined, m) for m in pattern.finditer(joined, max(0, cut - 60)) if m.start() < cut < m.end()]
    return found


def _near_cut(p: Prepared, i: int, pattern: re.Pattern[str]) -> list[tuple[str, re.Match[str]]]:
    """:func:`_across_cut` for the lower-case rules, which read a few words on each side of a cut: the matches
    that run over the cut are looked for in the last words of segment ``i`` and the first of the next one
    only, so an hour of captions costs one short scan more a segment rather than one as long as the next."""
    text = p.segments[i].text
    found = [(text, m) for m in pattern.finditer(text)]
    if i + 1 < len(p.segments):
        tail = text[-_NEAR_CUT_CHARS:]
        joined = tail + " " + p.segments[i + 1].text
        # The scan stops at a word's end some way past the cut; the text after it is there to be read on.
        stop = joined.find(" ", len(tail) + _NEAR_CUT_CHARS)
        stop = len(joined) if stop < 0 else stop
        found += [(joined, m) for m in pattern.finditer(joined, 0, stop) if m.start() < len(tail) < m.end()]
    return found


#: Characters read on each side of a cut by :func:`_near_cut`.
_NEAR_CUT_CHARS = 60


#: The kinds of offering a definition names, in the three languages, with their accents (the lower-cased
#: transcript keeps them): the vocabulary of :data:`_DEFINED`.
_KIND_NOUNS = (
    r"(?:comunidade|comunidad|community|programa|program|programme|curso|course|podcast|mentoria|mentor[ií]a|"
    r"mentorship|plataforma|platform|sistema|system|m[ée]todo|method|servi[çc]o|servicio|service|desaf[ií]o|"
    r"reto|challenge|aplicativo|app|aplicaci[óo]n|treinamento|entrenamiento|membership|membres[ií]a|toolkit|"
    r"package|pacote|paquete|workshop|tool|ferramenta|herramienta|solution|solu[çc][ãa]o|soluci[óo]n|retreat|"
    r"journey|experience|software|protocol|protocolo)"
)


def _said(p: Prepared, cache: dict[str, int], phrase: str, before: str = "") -> int:
    """How many times the folded, lower-cased transcript says ``phrase`` (folded words), right after one of the
    words ``before`` (a ``|``-separated list) when given; counted once per transcript.  A lower-cased
    transcript's words are separated by single spaces, so plain counts of the words with their spaces do what
    a pattern would, at a fraction of the cost over an hour of text."""
    key = f"{before}>{phrase}"
    if key not in cache:
        text = f" {p.flowing_text} "
        heads = [f" {w} " for w in before.split("|")] if before else [" "]
        cache[key] = sum(text.count(f"{head}{phrase} ") for head in heads)
    return cache[key]


#: The definite articles and the PT/ES prepositions fused with them, folded: what PT and ES put before a brand.
_DEFINITE_PT_ES = r"o|a|el|la|do|da|no|na|ao|pelo|pela|del|al"


#: The same, each language's own: Spanish "o" is the conjunction "or" and "no" the negation ("vender o rentar",
#: real-holdout12 04 re-cut bare, read "rentar" as a brand said with an article; "no rentar"), Portuguese has no
#: "el" / "la" (grammar of each language, as ``kinds._CONTRACTED`` reads the fused forms).
_DEFINITE_BY_LANGUAGE = {"pt": r"o|a|do|da|no|na|ao|pelo|pela", "es": r"el|la|del|al"}


def _lower_cased(p: Prepared) -> bool:
    """Whether the transcript was written without capitals (some caption files are): fewer than 1 in
    200 words start with a capital letter."""
    words = re.findall(r"\b[^\W\d_][\w'-]*", " ".join(s.text for s in p.segments[:400]))
    return bool(words) and sum(1 for w in words if w[0].isupper()) < len(words) / 200


def _coined(word: str, language: str | None) -> bool:
    """Whether a lower-case word is rare in both the transcript's language and English: a made-up
    brand. Digits or hyphens inside ("glico-max", "sprint100") count as coined too."""
    if any(c.isdigit() for c in word) or "-" in word.strip("-"):
        return True
    from wordfreq import zipf_frequency  # lazily: its word lists load in a few milliseconds, when needed

    langs = {"en", *([language] if language in ("pt", "es", "en") else [])}
    return all(zipf_frequency(word, lang, wordlist="small") < COINED_ZIPF for lang in langs)
