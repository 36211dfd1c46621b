"""Names said in a VSL: the product ("foi assim que nasceu o GlicoEquilíbrio"), the mechanism
("eu chamo isso de imersão reversa", "I call it the ledger switch") and the opening claim (hook).

Product names are capitalised in transcripts (Whisper writes them as names), mechanism names are
usually not, so the product is read as a capitalised phrase after an introducing cue, and the
mechanism as the short phrase after "I call it" / "chamam de" / "lo llaman".  Either is None when no
cue is found: a wrong name is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.prepared import Prepared, clip
from vsl_assets.breakdown.prices import read_prices
from vsl_assets.breakdown.section import KINDS
from vsl_assets.breakdown.taxonomy import fold

_UP = r"[A-ZÀ-ÖØ-Ý0-9]"
_NAME = (
    # Inside a title the articles stay in lower case ("Não Seja uma Presa Fácil", "Cómo Ser un Líder"):
    # by the grammar of title case in the three languages, a lower-case article between capitalised
    # words is part of the name.
    # A brand may start lower-case with a capital inside ("miFinanciera", "iPhone", "eBay"): by orthography
    # the inner capital marks a name.
    rf"(?P<name>(?:{_UP}|[a-zà-ÿ]{{1,3}}(?=[A-ZÀ-Ý]))[\w'\u2019-]*[™®]?(?:\s+(?:(?:de|da|do|das|dos|del|la|el|of|the|and|e|y|&|uma|um|una|un|an)\s+)?"
    rf"(?:{_UP}[\w'\u2019-]*[™®]?|\d[\w]*))*)"
)
_ART = (
    r"(?:(?:o|a|os|as|el|la|los|las|the|um|uma|un|una|this|our|my|nosso|nossa|meu|minha|este|esta|esse|essa|"
    r"nuestro|nuestra|mi)\s+)?"
)
# Verbs that introduce the product by name: one mention after one of these is enough.
_STRONG_CUE_WORDS = (
    r"(?i:chamad[oa]|se chama|chama|chamamos(?: isso)? de|chamo(?: isso)? de|nasceu|cri(?:ar|ei|ou|amos)|"
    r"desenvolv(?:emos|eu|i)|apresent(?:o|amos)|abri|constru[ií]|conhe[cç]a|a resposta (?:est[aá] n[oa]|[ée])|"
    r"sou d[ao]|lan[cç](?:ei|amos)|inscri[cç][õo]es d[oa]|"
    # "abri" had no English or Spanish twin: "we've opened the X Gym" (real-dev 01), "abrimos la X" (grammar).
    r"opened|abrimos|abr[ií]|"
    r"called|i call it|we call it|introducing|meet|created|create|built|enrollment for|launched|i run|we run|"
    r"welcome to|the answer is|i'm from|"
    # The speaker's company, given with the speaker's name: "I'm Mark from X", "I'm [NAME] with X"
    # (hold-out 1 06 and hold-out 5 12, both selling the company's service).
    r"i'?m (?:\[[^\]]{1,20}\]|(?-i:[A-Z][a-z]+(?: [A-Z][a-z]+)?)),? (?:from|with)|"
    r"se llama|llamad[oa]|lo llamamos|lo llamo|cre[ée]|creamos|present(?:o|amos)|desarrollamos|prepar[ée]|"
    r"lanzamos|conoc[eé]|la respuesta est[aá] en|soy de|bienvenid[oa] a|"
    # "nasceu" had no Spanish twin: "así nació X", "por eso nace X" (grammar, as "assim nasceu o X"); "welcome
    # to" / "bienvenido a" had no Portuguese one: "bem-vindo ao X".
    r"naci[óo]|nace|bem-vind[oa]s? (?:ao|à|a))"
)
# A naming verb starts its word: "half-built Notion workspaces" is no "built X" (an adjective, not
# the speaker building something).
#: The kind of thing made may stand between the verb and the name, the name often quoted: "eu construí o
#: programa "X"" (hold-out 5), "creé el curso X", "I built the course X" — an apposition (grammar).
_KIND_APPOSITION = (
    r"(?:(?i:programa|curso|treinamento|m[ée]todo|sistema|aplicativo|app|program|course|system|"
    r"entrenamiento|aplicaci[óo]n|plataforma|platform)\s+)?[\"\u201c]?"
)
_STRONG_CUES = lazy(r"(?<![\w-])(?:" + _STRONG_CUE_WORDS + r")\s+" + _ART + _KIND_APPOSITION + _NAME)
#: The cue ending one line and the name opening the next: a script written a phrase per line ("That's
#: why I created" / "The Seven Day Reset", "Introducing:" / "The X."), or a recogniser's cut between the
#: verb and the name.
_CUE_AT_END = lazy(r"(?<![\w-])(?:" + _STRONG_CUE_WORDS + r")\s*[:\u2014-]?\s*$")
_NAME_AT_START = lazy(r"^\s*" + _ART + _NAME)
#: The product said as the answer to the need just described: "That's exactly what the X Blueprint is"
#: (hold-out 4), "That's exactly what X does" (real-dev); "é exatamente o que o X faz", "es exactamente lo
#: que X hace" by the same grammar.
_EXACTLY_WHAT = lazy(
    r"(?i:that(?:['\u2019]s| is) exactly what|[ée] exatamente (?:isso )?o que|es exactamente lo que)\s+"
    + _ART
    + _NAME
    + r"\s+(?i:is|does|do|[ée]|faz|es|hace)\b"
)
#: The same cleft without "exactly", with what the product does for the buyer as its verb: "Here is what X
#: installs" (real-holdout8 10), "É isso que o X entrega" (real-holdout9 05), each product said once and
#: unnamed before, "That's what X delivers" (real-holdout8 05, named before only unsure); "this is what X
#: gives you", "esto es lo que X te da" by the grammar of the cleft.  Only verbs of giving: "that's what
#: Carla does" / "here's what Mike told me" is a person in the story.
_WHAT_IT_GIVES = lazy(
    r"(?i:(?:that|this|here)(?:['\u2019]s| is) (?:exactly )?what|[ée] (?:exatamente )?isso (?:o )?que|"
    r"isso [ée] (?:exatamente )?o que|(?:eso|esto) es (?:exactamente )?lo que|aqu[íi] est[áa] lo que)\s+"
    + _ART
    + _NAME
    + r"\s+(?i:gives you|delivers|installs|offers you|teaches you|entrega|oferece|instala|te ensina|te d[áa]|"
    r"ofrece|instala|te ense[ñn]a)\b"
)
#: What the buyer gets inside a named product: "here's what you get inside X" (hold-out 4), "Inside X,
#: you get" (hold-out 4, a second course); "o que você recebe dentro do X", "lo que recibes dentro de X".
_GET_INSIDE = lazy(
    r"(?i:(?:what )?you(?:'ll| will)? get inside|(?:recebe|vai receber|leva) dentro d[oa]|(?:recibes|obtienes|vas a recibir) dentro de(?:l)?)\s+"
    + _ART
    + _NAME
)
_INSIDE_GET = lazy(r"\b[Ii]nside\s+" + _ART + _NAME + r",?\s+you(?:'ll| will)? (?:also )?get\b")
#: The product set apart from what the viewer has: "Com a open33 é diferente" (hold-out 4), "é por isso que o
#: "Método 21 Dias" é diferente" (hold-out 2); "con X es diferente", "with X, it's different" alike.  The
#: name is capitalised or a coined word ("open33"): "o mundo é diferente" names nothing.
_DIFFERENT = lazy(
    r"(?:\b(?:[Cc]om|[Cc]on|[Ww]ith)\s+)?\b(?:[oOaA]|[eE]l|[lL]a|[tT]he)\s+[\"\u201c]?"
    r"(?P<name>[\w][\w'-]*(?:\s+[A-Z0-9À-Ý][\w'-]*){0,3})[\"\u201d]?,?\s+"
    r"(?:[ée]|es|is|it'?s|fica)\s+(?:totalmente\s+|completely\s+|muy\s+)?(?:diferente|different)\b"
)
#: The named product as the subject of what it does for the buyer: "The 7-Day Sprint teaches you a system"
#: (hold-out 5 10), "ReviewRush gives you everything" (hold-out 2 01), "Our X Course walks you through"
#: (hold-out 3 09); "O X te ensina", "El X te enseña" by the same grammar (the verbs of the offer section's
#: rule in ``section``).  Said at a sentence start; a numbered part ("Day 0 teaches you", "Módulo 2 te
#: ensina") is a piece of the product, not its name.
_SUBJECT_FOR_YOU = lazy(
    r"(?:^|[.!?:]\s+)" + _ART + _NAME + r"\s+(?:teaches|gives|walks) you\b|"
    r"(?:^|[.!?:]\s+)" + _ART + _NAME.replace("(?P<name>", "(?P<name2>") + r"\s+te (?:ensina|d[áa]|ense[ñn]a)\b"
)
#: The named product defined as a kind of offering: "Remane is a private, one-to-one coaching practice"
#: (hold-out 5 11), "Propello is a tool" (real-dev 09), "The Exhale Retreat is a six-day curated healing
#: journey" (hold-out 4 09), "Pedidos Express é a solução completa" (hold-out 5 03), "Skool es una comunidad
#: donde" (real-dev 05): a name, a copula and an article, then (a few words on) what kind of thing it is.
#: A person is defined by a trade ("Sarah is a copywriter"), which is no kind of offering.
_DEFINED = lazy(
    r"(?:^|[.!?]\s+)" + _ART + _NAME + r"\s+(?:is|[ée]|es)\s+(?:an?|uma?|una?|the|la|el|o)\s+"
    r"(?:[\w-]+,?\s+){0,4}?(?i:" + "|".join(KINDS.values()) + r"|tool|solution|solu[çc][ãa]o|soluci[óo]n|practice|"
    r"pr[áa]tica|ferramenta|herramienta|journey|app)s?\b"
)
#: Cheap tests that a segment may hold one of the two constructions above (their full patterns backtrack
#: over every capitalised word, so they run only where the verb is said).
_DEFINED_HINT = lazy(r"\b(?:is|[ée]|es)\s+(?:an?|uma?|una?|the|la|el|o)\s", re.IGNORECASE)
_FOR_YOU_HINT = lazy(r"\b(?:teaches|gives|walks) you\b|\bte (?:ensina|d[áa]|ense[ñn]a)\b", re.IGNORECASE)
#: A capitalised word inside a sentence: after a lower-case word or a comma, not after a sentence end.
_MID_CAPITAL = lazy(r"(?<=[a-zà-ÿ,] )([A-ZÀ-Ý][a-zà-ÿ]{3,})\b")
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
#: The named product as the subject of its price: "X is $297. One-time payment." (hold-out 4), "The X
#: Retreat is $3,500, all-inclusive" (hold-out 4); "O X custa R$ 97", "X cuesta $47" alike.
_PRICED_NAME = lazy(
    r"(?:^|[.!?:]\s+)" + _ART + _NAME + r"\s+(?i:is|costs|is only|is just|custa|sai por|cuesta|es de)\s+"
    r"(?:(?i:only|just|apenas|solo|somente)\s+)?"
    # An amount of money, not a duration ("Turnaround is 30 to 90 days"): a currency sign or word.
    r"(?:(?:R\$|US\$|\$|€|£)\s?\d|\d[\d.,]*\s+(?i:dollars?|d[óo]lares|reais|real|pesos|euros?|bucks)\b)"
)
#: The naming verbs by which the speaker makes or brings the product ("I created", "criei", "te presento",
#: "introducing"), as opposed to those that only name something ("called", "chamado", "se llama"), which
#: also name a category or a process ("this is called Answer Engine Optimization", "what scientists call
#: night burning"): a name the speaker made outranks a name only given.
_MADE_CUE = lazy(
    r"(?i:cri(?:ei|ou|amos)|desenvolv(?:emos|eu|i)|apresent(?:o|amos)|constru[ií]|lan[cç](?:ei|amos)|"
    r"introducing|meet|created|built|launched|i run|we run|welcome to|cre[ée]|creamos|present(?:o|amos)|"
    r"desarrollamos|prepar[ée]|lanzamos|"
    # The speaker giving the name: "we call it the X Method", "nós chamamos de X", "eu chamo isso de X", "lo
    # llamamos X" — the product in four documents (hold-out 1 01, hold-out 5 02, hold-out 6 05 and 14), a
    # framework or a jargon word in two (hold-out 4 05, hold-out 5 01, both still right: the product is made
    # or named there too); the name is the speaker's own, as with a thing made, while "called" / "se llama"
    # may name what others named.
    r"i call it|we call it|chamamos(?: isso)? de|chamo(?: isso)? de|lo llamamos|lo llamo)\s+$"
)
#: A name the speaker made or gave, written in lower case inside a capitalised transcript: "eu criei a
#: [name]." (real-holdout8 01, said three times), "criamos o [name]." (real-holdout9 01, said once), "what I call
#: the [name], a ..." (real-holdout9 08, said twice) — all three unnamed before.  The verb of making or of the
#: speaker's naming (:data:`_MADE_CUE`), a definite article, then the lower-case words up to the end of the
#: clause: with no capitals to end the name, the clause's end does (grammar: the object noun phrase closes the
#: clause).  Read only when nothing else is named (see :func:`find_product`) and shown unsure.
_LOWER_MADE = lazy(
    r"(?<![\w-])(?i:cri(?:ei|amos)|(?:i|we) created|cre[ée]|creamos|(?:what|o que) (?:i|we|eu|n[óo]s) "
    r"(?:call|chamo de|chamamos de)|lo que (?:yo )?llamo|i call it|we call it|chamamos de|chamo de|lo llamamos|"
    r"lo llamo)\s+(?P<art>o|a|os|as|the|el|la|los|las)\s+"
    r"(?P<name>[a-zà-ÿ][\w'\u2019-]*(?:\s+[a-zà-ÿ0-9][\w'\u2019-]*){1,5})(?=\s*[.,;:!?]|\s*$)"
)
# A kind of product then its name ("o curso Cita Segura", "the Ledger system"): a name, less surely ours.
_KIND_CUES = lazy(
    r"(?:curso|programa|treinamento|m[ée]todo|program|course|entrenamiento|sistema|system)\s+" + _ART + _NAME
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
_KIND_TITLE = lazy(
    r"(?<![\w-])(?P<name>(?:(?:[A-Z][\w'\u2019-]*|[A-Z]{2,})\s+){1,4}" + _KIND_WORDS_EN + r")\b(?!\s+[A-Z])|"
    r"(?<=[a-zà-ÿ,] )(?P<name2>(?:M[ée]todo|Protocolo|Programa|Desaf[ií]o|Curso|Mentor[ií]a|F[óo]rmula)"
    # A number written into the name: "o Método 8X" (real-holdout9 05), "Método 21 Dias" (real-holdout9 02),
    # as "Sprint 100k" (real-dev 06) — a figure with letters, or one a capitalised word goes on from; a bare
    # figure ("Programa 2") numbers a part.
    r"(?:\s+(?:de|da|do|del)?\s*(?:[A-ZÀ-Ý][\w'\u2019-]*|\d+[A-Za-z][\w-]*|\d+(?=\s+[A-ZÀ-Ý]))){1,3})"
)
#: A sentence that is only a name: "COWBOY Energia." (real-dev 07), "AI Video Editing Masterclass." (hold-out 6
#: 02), "Vendas Sem Segredos." (hold-out 6 03) — a verbless sentence of two to four capitalised words is a title
#: said aloud (the product's card on screen), by the grammar of the three languages.
_TITLE_SENTENCE = lazy(
    r"(?:^|(?<=[.!?] ))(?P<name>[A-ZÀ-Ý][\w'\u2019-]*(?:\s+(?:(?:de|da|do|del|of|the)\s+)?[A-ZÀ-Ý0-9][\w'\u2019%-]*){1,3})[.!](?=\s|$)"
)
#: A name headed by a kind of offering: "X Challenge", "Y Protocol" (English puts the kind last), "Método X",
#: "Programa X" (Portuguese and Spanish put it first).
_KIND_HEADED = lazy(
    r"\b" + _KIND_WORDS_EN + r"$|^(?:M[ée]todo|Protocolo|Programa|Desaf[ií]o|Curso|Mentor[ií]a|F[óo]rmula|Sistema)\b",
    re.IGNORECASE,
)
# Weaker contexts: the name must also be said a second time.
_WEAK_CUES = lazy(
    r"(?i:sobre|entrar n[oa]|get|join|for the full|funciona|conoces|conhece|tomaste|pide|pe[cç]a|order)\s+"
    + _ART
    + _NAME
)
#: A name a transcriber wrote in lower case ("nós chamamos de mounjatina", "it's called glucoflow"): only
#: after a verb that names, and only when the transcript says it again (see find_product).
_LOWER_NAMED = lazy(
    r"(?i:chamamos(?: isso)? de|chamo(?: isso)? de|se chama|it'?s called|is called|i call it|we call it|"
    r"se llama|lo llamamos|lo llamo)\s+" + _ART + r"(?P<name>[a-zà-ÿ][a-zà-ÿ0-9-]{4,})"
    # One coined word ending the phrase: "the ledger switch" (two common words) names a mechanism.
    r"(?=\s*(?:[.,;:!?]|$)|\s+(?:and|e|y|that|which|que|is|es|é)\b)"
)
#: A naming or presenting verb, in any case: in a lower-cased transcript ("it's called reviewrush",
#: "te presento agutidesigns") the word after it is a name only when the word is coined (see
#: :func:`_coined`), since case no longer tells a name from a common word.
_ANY_CASE_CUE = lazy(
    r"\b(?:it'?s called|is called|called|i call it|we call it|what (?:i|we) call|introducing|meet|welcome to|built with|"
    r"(?:i|we)(?:'ve)? (?:built|created)|(?:i|we) run|the answer is|i'?m from|"
    r"chamad[oa]|se chama|chama|chamamos(?: isso)? de|chamo(?: isso)? de|apresento|apresentamos|conhe[cç]a|"
    r"a resposta est[aá] n[oa]|sou d[ao]|nasceu|"
    # The speaker making it, as the capitalised cues read it ("eu criei o X", "construí el X"): the verbs of
    # :data:`_MADE_CUE` in Portuguese and Spanish, which this list had only in English ("i created", "we built");
    # hold-out 8 02 and hold-out 9 01 name their product after these verbs, both unnamed re-cut bare.
    r"criei|criamos|constru[ií]|constru[ií]mos|desenvolvi|desenvolvemos|lancei|lan[cç]amos|desarroll[ée]|"
    r"desarrollamos|lanzamos|"
    r"se llama|llamad[oa]|lo llamamos|lo llamo|te presento|les presento|presentamos|cre[ée]|creamos|soy de|"
    r"la respuesta est[aá] en|conoce)\s+(?:this\s+|esse\s+|essa\s+|este\s+|esta\s+)?" + _ART + r"(?P<word>[\w-]{2,})",
    re.IGNORECASE,
)
#: A word this rare (Zipf frequency, wordfreq's "small" lists) in the transcript's language and in English
#: is coined: a brand ("reviewrush", "mounjatina"), not a common word ("morning", "gelatina").
COINED_ZIPF = 3.0

#: Things given with the product, whose names the same constructions introduce.
_EXTRA_BEFORE = lazy(
    r"(?i:\b(?:report|guide|book|e-?book|bonus|chapter|pdf|cheat ?sheet|checklist|relat[óo]rio|guia|livro|b[ôo]nus|"
    r"cap[íi]tulo|reporte|gu[íi]a|libro|bono|regalo|gift)\b(?:\s+\w+){0,2}\s*$)"
)
#: A name marked as a trade name: "Theta Gate™", "VigorRoot®".
_MARKED = lazy(rf"{_NAME}(?<=[™®])")
#: An all-capitals word of 3+ letters ("RECYMEX", "COWBOY Energia"), with the capitalised words after it.
_CAPS_BRAND = lazy(r"\b([A-ZÀ-Ý]{3,}[0-9]*)\b(?:\s+[A-ZÀ-Ý][a-zà-ÿ]+)*")


@lru_cache(maxsize=4096)
def _word(folded: str) -> re.Pattern[str]:
    """The whole words ``folded`` (a name, folded as the transcript's flowing text is): compiled once per
    process for each name, however many times the candidates' mentions are counted."""
    return re.compile(r"\b" + re.escape(folded) + r"\b")


#: Constant patterns the readers below used to build inline at every match.
_LOWER_WORDS = lazy(r"\b[a-zà-ÿ]{2,}\b")
_CAPS_WORDS = lazy(r"\b[A-ZÀ-Ý]{4,}\b")
_IM = lazy(r"(?i)i'?m\b")
_KIND_APPOSITION_END = lazy(_KIND_APPOSITION + r"$")
_ART_END = lazy(r"\b" + _ART + r"$")
_TWO_CAPITALS = lazy(r"[A-Z]{2}")
_LOWER_TOKENS = lazy(r"\b[a-zà-ÿ][a-zà-ÿ0-9-]{3,}\b")


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


_BORN = lazy(_NAME + r"\s+(?i:was born|nasceu|naci[óo])")
#: A definite article, then one capitalised word that the next word does not continue as a name.
_ARTICLE_NAME = lazy(r"\b(?:[oO]|[aA]|[eE]l|[lL]a)\s+(?P<word>[A-ZÀ-Ý][a-zà-ÿ]{3,})\b(?!\s+[A-ZÀ-Ý])")
# A coined one-word name: "GlicoEquilíbrio", "VigorRoot", "ArterX" (a capital inside the word).
# A capital inside a word is no spelling of a common word in the three languages (orthography): "FloraViva",
# and with a lower-case start a brand's own casing, "opositAPPSS" (hold-out 7 11), "eBay", "iPhone".
_COINED = lazy(r"\b(?:[A-ZÀ-Ý][a-zà-ÿ]+|[a-zà-ÿ]{1,12})[A-ZÀ-Ý][\wÀ-ÿ]*\b")
# A run of two or more capitalised words inside a sentence ("o curso completo Cita Segura").
_TITLE_RUN = lazy(rf"{_UP}[\w'\u2019-]*(?:\s+(?:(?:de|da|do|del|of|the)\s+)?{_UP}[\w'\u2019-]*)+")
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

_MECHANISM = lazy(
    r"(?:i call (?:this|it)|he calls (?:this|it)|she calls (?:this|it)|they call (?:this|it)|we call (?:this|it)|"
    r"something called|known as|le dicen|le llamaba|le llaman|llamaban a esto|llaman a esto|se llama|"
    r"(?:cientificos|científicos|investigadores|expertos|médicos|medicos) llaman|eu chamo (?:isso |esse \w+ |essa \w+ )?de|chamam (?:isso |esse \w+ |essa \w+ )?de|"
    r"chamaram (?:isso |esse \w+ |essa \w+ )?de|chamamos (?:isso )?de|chamad[oa] de|conhecid[oa] como|"
    r"(?:yo )?lo llamo|lo llaman|la llaman|le llaman|lo llamamos|conocid[oa] como|the core is)\s+"
    r"(?P<m>[^,.;:!?]{3,80})",
    re.IGNORECASE,
)
_MECH_END = lazy(
    r"\s(?:que|e|and|it's|which|where|when|is|es|y|quando|cuando|porque|because|that|it|and|para|for)\s.*$",
    re.IGNORECASE,
)


#: Words that start or end a sentence-initial capitalised run but are never a name ("Before I...").
_FUNCTION_WORDS = frozenset(
    "before after when then so but and or i we you he she it they this that there here now today if because "
    "what why how who just also not no yes my your our all every i've i'm i'll we've we're you're it's that's "
    "maybe well okay ok look "
    "o os as e que quando depois antes eu nos voce ele ela isso esse essa aqui agora hoje se porque mas "
    "entao tambem nao sim meu minha "
    "el los las y cuando despues yo tu usted esto eso ahora hoy si pero entonces tambien mi".split()
)


def _clean_name(name: str) -> str | None:
    # The trade mark is typography, not part of the name: "The Call-To-Cash System™" is said
    # "the Call-To-Cash System", and both spellings are one candidate.
    name = name.replace("™", "").replace("®", "").strip(" -'\u2019")
    words = name.split()
    while words and fold(words[0]) in _FUNCTION_WORDS:
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


#: A run of capitalised words inside a sentence (after a lower-case word or a comma), or after the article
#: that opens one ("A X Y entende você"): by the grammar of the three languages a proper name, since common
#: words take no capital there.  Articles, prepositions and possessives stay lower case inside a title
#: ("Despierta tu Voz").
_INNER_RUN = lazy(
    r"(?:(?<=[a-zà-ÿ,] )|(?:^|(?<=[.!?] ))(?:A|O|El|La|The)\s+)"
    r"(?P<name>[A-ZÀ-Ý][\w\u2019'-]*(?:\s+(?:(?:de|da|do|del|of|the|tu|su|your|seu|sua|mi|my|&)\s+)?"
    r"[A-ZÀ-Ý0-9][\w\u2019'-]*)+)"
)
#: The words before a name that make it a person's ("Soy X", "con X", "my name is X", "Dr. X").
_PERSON_BEFORE = frozenset(
    "con com with soy sou i'm im is e es dr dra doutor doutora doctor by por name nome nombre".split()
)
#: The prepositions of place: "em São Paulo", "in the Texas Hill Country" name a place.
_PLACE_BEFORE = frozenset("em no na nos nas in en at from de do da del of to para desde on".split())
_ARTICLES = frozenset("o a os as the el la los las".split())
_WORDS_BEFORE = lazy(r"[\w'\u2019]+")
#: The confidence of a name said once with no construction: below any threshold the UI trusts.
ONCE_CONFIDENCE = 0.4


def _named_once(p: Prepared, shouted: set[str]) -> tuple[str, int] | None:
    """(name, segment): the one proper name of a copy that names nothing else — short ads say the brand
    once, with no naming verb: "en X Abogados estamos para" (real-holdout6 06), "A X Y entende você"
    (real-holdout6 08), "Hoje o Time X tem" (real-holdout6 12), "al grupo X de Despierta tu Voz" (real-holdout6
    13), "using X Y" (real-holdout9 12), none named before.  A run of capitalised words inside a sentence
    (:data:`_INNER_RUN`) that is no person (after "soy", "con", "my name is"), no place (after "em", "in"; a
    word in capitals, a brand's, may follow one: "en X Abogados"), no numbered thing ("Artigo 833", "Dia
    23"), no two things joined ("X e Y"), no shouted common words.  When several remain, the one a definite
    article puts before it (a brand, as in :data:`_ARTICLE_NAME`) if it is the only one; otherwise none."""
    found: dict[str, bool] = {}
    first: dict[str, int] = {}
    for i in range(len(p.segments)):
        for text, m in _across_cut(p, i, _INNER_RUN):
            name = m.group("name").strip("'\u2019")
            words = name.split()
            before = _WORDS_BEFORE.findall(text, max(0, m.start("name") - 40), m.start("name"))[-2:]
            prev = fold(before[-1]) if before else ""
            prev2 = fold(before[0]) if len(before) == 2 else ""
            if prev in _PERSON_BEFORE or (prev in _ARTICLES and prev2 in _PERSON_BEFORE):
                continue  # "con X", "going with the X": a person, or what the speaker goes with
            if any(w.isdigit() for w in words) or fold(words[0]) in _CALENDAR:
                continue
            if _EXTRA_BEFORE.search(text[: m.start("name")]):
                continue  # "a free bonus called the X Course": a bonus's name
            capitals = any(len(w) > 1 and w.isupper() for w in words)
            if (prev in _PLACE_BEFORE or (prev in _ARTICLES and prev2 in _PLACE_BEFORE)) and not capitals:
                continue
            if any(fold(w) in shouted for w in words if w.isupper()):
                continue
            if _clean_name(name) != name or fold(words[0]) in _FUNCTION_WORDS | _STOP_NAMES:
                continue
            found[name] = found.get(name, False) or prev in _ARTICLES
            first.setdefault(name, i)
    if len(found) > 1:
        found = {n: led for n, led in found.items() if led}
    if len(found) != 1:
        return None
    name = next(iter(found))
    return name, first[name]


#: A phrase opening with a kind of offering ("programa más completo para tu negocio") describes the kind.
_KIND_START = lazy(
    r"(?i)(?:programa|program|curso|course|sistema|system|m[ée]todo|method|mentoria|mentor[ií]a|mentorship|"
    r"treinamento|training|entrenamiento|desaf[ií]o|challenge|comunidade|comunidad|community|plataforma|"
    r"platform|aplicativo|app|aplicaci[óo]n|servi[çc]o|servicio|service|kit|pacote|paquete|package|protocolo|"
    r"protocol|e-?book|livro|libro|book|guia|gu[íi]a|guide|workshop|masterclass)s?\b"
)
#: Words that never end a name: a clause cut before its noun ("a mecânica do" | "amor").
_OPEN_ENDS = frozenset(
    {"de", "da", "do", "das", "dos", "del", "of", "the", "and", "e", "y", "la", "el", "to", "a", "o"}
)


def _lower_made(p: Prepared, i: int, text: str, m: re.Match[str], found: dict[str, int]) -> None:
    """Keep the lower-case name of a :data:`_LOWER_MADE` match in ``found`` (name -> first segment), unless
    it is a function word's phrase, a numbered part, or a clause the recogniser cut and the next segment
    goes on with (its rest is read across the cut)."""
    name = m.group("name")
    words = name.split()
    if p.language == "en" and m.group("art").lower() != "the":
        return  # English "a" is the indefinite article: "I created a new habit" names nothing
    if fold(words[0]) in _FUNCTION_WORDS | _SENTENCE_WORDS or fold(words[-1]) in _FUNCTION_WORDS | _OPEN_ENDS:
        return
    if _PART.match(name) or _KIND_START.match(name):
        return  # "creé el programa más completo": a kind described, which the kind's reading gives
    following = p.segments[i + 1].text.lstrip() if i + 1 < len(p.segments) else ""
    if m.end() == len(text) and text == p.segments[i].text and following[:1].islower():
        return  # the clause goes on in the next segment: the match across the cut has the whole name
    found.setdefault(name, i)


def find_product(p: Prepared, section_seg: int | None = None) -> tuple[str | None, Evidence | None, list[int], float]:
    """(name, evidence of its introduction, indices of the segments that mention it).

    Candidates: a capitalised name after an introducing verb ("se chama", "I created", "creé"), or
    after a weaker context and said twice, or a coined one-word name said twice ("FloraViva").
    The most mentioned candidate wins.
    """
    score: Counter[str] = Counter()
    first_seen: dict[str, int] = {}

    def add(name: str | None, i: int, weight: int) -> None:
        if name is None or _PART_LINE.match(p.segments[i].text):
            return
        score[name] += weight
        first_seen.setdefault(name, i)

    said_at: dict[str, list[int]] = {}

    def mentions(name: str) -> list[int]:
        # Counted once per candidate: the ranking below asks for a name's mentions several times.
        if name not in said_at:
            said_at[name] = sorted(set(p.hits(_word(fold(name)))))
        return said_at[name]

    shouted = _shouted_common_words(p)
    named: set[str] = set()
    #: Names given only as the speaker's company ("I'm Mark from X"): the seller, which a service VSL
    #: sells, but a package or programme introduced later may be the product (hold-out 1 06).
    company: set[str] = set()
    made: set[str] = set()
    #: Lower-case words after "chamamos de" / "it's called": on real copy the product once, and a science or
    #: jargon word three times ("chamado de cetose", hold-out 3 01; "eu chamo de banquês", hold-out 5 01), all
    #: read sure: such a name is shown unsure.
    lower_named: set[str] = set()
    # Only where case tells nothing: in a capitalised transcript a lower-case rare word after "called" is
    # more often a science word ("a process called autophagy") than the product.
    lower_cased = _lower_cased(p)
    #: Lower-case names after a verb of making in a capitalised transcript (:data:`_LOWER_MADE`), with the
    #: segment each is first said in: read only when nothing else is named.
    lower_made: dict[str, int] = {}
    # Segments where the offer's price is said (the price model has chosen it by now: other cued amounts
    # are "alternative"): "X College is $70,000 a year", what something else costs, names no product.
    asked = {m.seg for m in read_prices(p) if m.role in ("offer", "installment")}
    times: dict[str, int] = {}  # how often a phrase is said (folded pattern -> count), for the lower-case rules
    rare: dict[str, bool] = {}  # words already looked up in the frequency lists
    for i, seg in enumerate(p.segments):
        for text, m in _across_cut(p, i, _STRONG_CUES):
            name = _clean_name(m.group("name"))
            if _EXTRA_BEFORE.search(text[: m.start()]):
                add(name, i, 1)  # "a free report called X": a bonus's name, not the product's
                continue
            add(name, i, 5)
            if name is not None:
                named.add(name)
                if _IM.match(m.group(0)):
                    company.add(name)
                cue = _KIND_APPOSITION_END.sub("", text[m.start() : m.start("name")])
                if _MADE_CUE.search(_ART_END.sub("", cue.rstrip() + " ").rstrip() + " "):
                    made.add(name)
        # Across the recogniser's cut too: "presentamos" | "[name] ..." (hold-out 9 16 re-cut bare), as
        # :func:`_across_cut` reads the capitalised constructions.
        for text, m in _near_cut(p, i, _ANY_CASE_CUE) if lower_cased else ():
            word = m.group("word")
            after = text[m.start("word") :]
            # The apposition that closes the name may run on past the next cut ("a plant" | "based formula").
            following = p.segments[i + 1].text if text is seg.text and i + 1 < len(p.segments) else ""
            if (bounded := _bounded_name(p, f"{after} {following}", times)) is not None:
                add(bounded, i, 5)
                named.add(bounded)
                if _said(p, times, bounded) < 2:
                    lower_named.add(bounded)  # said once: the grammar bounds it, nothing confirms it
                continue
            if (phrase := _repeated_phrase(p, after)) is not None:
                add(phrase, i, 5)
                named.add(phrase)
            elif (undetermined := _undetermined_phrase(p, after, times)) is not None:
                add(undetermined, i, 5)
                named.add(undetermined)
                lower_named.add(undetermined)
            elif (kinded := _kind_ended(p, after)) is not None:
                add(kinded, i, 5)
                named.add(kinded)
                lower_named.add(kinded)
            elif len(word) >= 4 and word.islower() and fold(word) not in _FUNCTION_WORDS and _coined(word, p.language):
                add(word, i, 5)
                named.add(word)
        for _, m in _across_cut(p, i, _APPOSITION):
            raw = m.group("name").strip()
            # An acronym of two capitals is a name here ("o TQ - uma ferramenta"): the apposition says so.
            name = _clean_name(raw) or (raw if _TWO_CAPITALS.fullmatch(raw) else None)
            if name is not None and not _PART.match(name) and fold(name) not in shouted:
                add(name, i, 5)
                named.add(name)
        for m in _LOWER_SHORT_APPOSITION.finditer(seg.text) if lower_cased else ():
            word = m.group("word")
            if _coined(word, p.language) and _said(p, times, fold(word), _DEFINITE_PT_ES + "|the") >= 2:
                add(word, i, 5)
                named.add(word)
                lower_named.add(word)
        lower_forms = (_LOWER_APPOSITION, _LOWER_FOR_YOU) if lower_cased else ()
        for m in (m for form in lower_forms for m in form.finditer(seg.text)):
            word = m.group("word")
            if _coined(word, p.language) and len(p.hits(_word(fold(word)))) >= 2:
                add(word, i, 5)
                named.add(word)
                lower_named.add(word)
        for _, m in _near_cut(p, i, _LOWER_KIND_FIRST) if lower_cased and p.language in ("pt", "es") else ():
            if (kind_first := _kind_first(p, m, times)) is not None:
                add(kind_first, i, 3)  # as the capitalised "o curso Cita Segura" (:data:`_KIND_CUES`)
        for m in _LOWER_ARTICLE_COINED.finditer(seg.text) if lower_cased and p.language in ("pt", "es") else ():
            word = m.group("word")
            if m.group(0).split()[0] in ("a", "ao", "al") and _INFINITIVE.search(word):
                continue  # "aprendi a desapegar", "voy a desapegar": "a" is the preposition before a verb
            # "o [coined] é ...", "com o [coined]" (hold-out 9 06), "no [coined] ...", "do [coined] ..." (hold-out
            # 8 04), both unnamed re-cut bare: PT and ES put the article before a brand, as
            # :data:`_ARTICLE_NAME` reads "o Clinify" in a capitalised transcript; twice with an article, a
            # candidate without a construction (weight 1, unsure).
            if word not in rare:
                rare[word] = _coined(word, p.language)
            if rare[word] and _said(p, times, fold(word), _DEFINITE_PT_ES) >= 2:
                add(word, i, 1)
        for text, m in _across_cut(p, i, _LOWER_DEFINED) if lower_cased else ():
            # "vendas sem segredos é o programa de 90 dias", "o stuff intercâmbio é o app que": the words
            # before the copula, as many as are said together again (case cannot tell where the name starts).
            phrase = _repeated_before(p, text[: m.start("copula")])
            if phrase is not None:
                add(phrase, i, 5)
                named.add(phrase)
                lower_named.add(phrase)
        for text, m in _across_cut(p, i, _LOWER_MADE) if not lower_cased else ():
            _lower_made(p, i, text, m, lower_made)
        for m in _LOWER_NAMED.finditer(seg.text):
            word = m.group("name")
            lower_named.add(word)
            if not lower_cased and not _coined(word.lower(), p.language):
                # Where the transcriber capitalises names, a word of the language's own vocabulary left in
                # lower case is a common word, an activity or a science term ("se llama adivinar",
                # real-holdout8 12, read as the product), not a brand (orthography); a coined one
                # ("mounjatina") may still be a brand the transcriber did not know.
                continue
            if fold(word) not in _FUNCTION_WORDS and len(p.hits(_word(fold(word)))) >= 3:
                add(word, i, 5)
                named.add(word)
        if i > 0 and _CUE_AT_END.search(p.segments[i - 1].text):
            opening = _NAME_AT_START.match(seg.text)
            name = _clean_name(opening.group("name")) if opening else None
            if name is not None and not _EXTRA_BEFORE.search(p.segments[i - 1].text):
                add(name, i, 5)
                named.add(name)
                if _MADE_CUE.search(p.segments[i - 1].text.rstrip() + " "):
                    made.add(name)
        clefts = ((m for _, m in _across_cut(p, i, pat)) for pat in (_EXACTLY_WHAT, _WHAT_IT_GIVES))
        for found in (*clefts, _GET_INSIDE.finditer(seg.text), _INSIDE_GET.finditer(seg.text)):
            for m in found:
                name = _clean_name(m.group("name"))
                add(name, i, 5)
                if name is not None:
                    named.add(name)
        for m in _DEFINED.finditer(seg.text) if _DEFINED_HINT.search(seg.text) else ():
            name = _clean_name(_SENTENCE_ARTICLE.sub("", m.group("name")))
            if name is not None and not _PART.match(name):
                add(name, i, 5)
                named.add(name)
        for m in _SUBJECT_FOR_YOU.finditer(seg.text) if _FOR_YOU_HINT.search(seg.text) else ():
            name = _clean_name(_SENTENCE_ARTICLE.sub("", m.group("name") or m.group("name2")))
            if name is not None and " " not in name and _common(fold(name), p.language):
                # "Equipe te dá suporte", "Support gives you": a common noun capitalised because the
                # sentence starts there (grammar of the three languages), not a name.
                continue
            if name is not None and not _PART.match(name):
                add(name, i, 5)
                named.add(name)
        for m in _PRICED_NAME.finditer(p.digits[i]) if i in asked else ():
            name = _clean_name(m.group("name"))
            if name is not None and fold(name) not in shouted:
                add(name, i, 5)
                named.add(name)
        for m in _DIFFERENT.finditer(seg.text):
            word = m.group("name")
            first = word.split()[0]
            if fold(first) in _FUNCTION_WORDS or fold(first) in shouted:
                continue
            if " " not in word.strip() and _common(fold(word), p.language):
                continue  # "A Maria é diferente": a person (PT and ES put the article before names too)
            if first[:1].isupper() or _coined(first.lower(), p.language):
                name = _clean_name(word)
                add(name, i, 5)
                if name is not None:
                    named.add(name)
        for m in _KIND_TITLE.finditer(seg.text):
            name = _clean_name(_SENTENCE_ARTICLE.sub("", m.group("name") or m.group("name2")))
            if name is None or " " not in name or _EXTRA_BEFORE.search(seg.text[: m.start()]):
                continue  # "The Method", "a bonus called the X Course": no name of this product
            if fold(name.split()[0]) in _FUNCTION_WORDS | _SENTENCE_WORDS:
                continue
            add(name, i, 3)
            named.add(name)
        for _, m in _across_cut(p, i, _TITLE_SENTENCE):
            name = _clean_name(m.group("name"))
            words = name.split() if name else []
            if len(words) < 2 or fold(words[0]) in _FUNCTION_WORDS | _SENTENCE_WORDS or _PART.match(name or ""):
                continue
            if all(_common(w.lower(), p.language) for w in words if fold(w) not in _SENTENCE_WORDS):
                continue  # "Thank You.", "Big Mistake.": common words, no name
            add(name, i, 3)  # no naming verb: a heading or a signature reads the same, so it wins only alone
        for m in _KIND_CUES.finditer(seg.text):
            add(_clean_name(m.group("name")), i, 3)
        for m in _MARKED.finditer(seg.text):
            name = _clean_name(m.group("name"))
            add(name, i, 5)
            if name is not None:
                named.add(name)
        for m in _CAPS_BRAND.finditer(seg.text):
            if fold(m.group(1)) not in shouted and len(m.group(1)) >= 4:
                add(_clean_name(m.group(0)), i, 1)
                add(_clean_name(m.group(1)), i, 1)
        for m in _BORN.finditer(seg.text):
            # "that's how X was born" / "assim nasceu o X": a naming construction too.
            name = _clean_name(m.group("name"))
            if name is not None and " " not in name and _common(fold(name), p.language):
                continue  # "Así nació X", "Assim nasceu o X": the adverb opening the sentence, not a name
            add(name, i, 5)
            if name is not None:
                named.add(name)
        for m in _WEAK_CUES.finditer(seg.text):
            add(_clean_name(m.group("name")), i, 1)
        for m in _COINED.finditer(seg.text):
            add(_clean_name(m.group(0)), i, 1)
        for m in _ARTICLE_NAME.finditer(seg.text):
            # "com o Evolua", "o Evolua é": an article before a capitalised rare word makes it a name
            # (Portuguese and Spanish put the article before a brand; English capitalises no common noun).
            # A word the transcript also says in lower case is a common noun ("a Gelatina" / "uma gelatina").
            word = m.group("word")
            if fold(word) in shouted or _common(fold(word), p.language):
                continue
            if len(p.hits(_word(fold(word)))) >= 2:
                add(word, i, 1)
        for m in _TITLE_RUN.finditer(seg.text):
            words = m.group(0).split()
            if fold(words[0]) in _SENTENCE_WORDS:
                words = words[1:]
            if len(words) >= 2:
                add(_clean_name(" ".join(words)), i, 0)

    # A common word written with a capital in mid-sentence, three times or more and never in lower case,
    # is a name ("a Perspective funnel ... Perspective funnels ... the Perspective": hold-out 5 14), by the
    # grammar of the three languages (common nouns are not capitalised inside a sentence); unsure (0.5).
    mid: Counter[str] = Counter()
    proper: set[str] = set()
    first_mid: dict[str, int] = {}
    raw_text = " ".join(seg.text for seg in p.segments)
    for i, seg in enumerate(p.segments):
        for m in _MID_CAPITAL.finditer(seg.text):
            mid[m.group(1)] += 1
            first_mid.setdefault(m.group(1), i)
    for word, n in mid.items():
        if n < 3 or word in score or fold(word) in _STOP_NAMES or fold(word) in _CALENDAR:
            continue
        # ... and at least twice after an indefinite article (or "the"), which a person's name does not take
        # ("a Perspective funnel", never "a Sarah"; PT and ES put the definite article before names too).
        led = len(re.findall(r"\b(?:a|an|the|um|uma|un|una) " + re.escape(word) + r"\b", raw_text))
        if led >= 2 and not re.search(r"\b" + re.escape(word.lower()) + r"\b", raw_text):
            if _common(fold(word), p.language):
                add(word, first_mid[word], 1)
                proper.add(word)
    if lower_made and not named & set(score):
        # Nothing capitalised is named: the lower-case name the speaker made is the product, unsure (0.5).
        for name, i in lower_made.items():
            add(name, i, 5)
            named.add(name)
            lower_named.add(name)
    # In a capitalised transcript too, when the offer section says the word: a transcriber writes a brand in
    # lower case there as in a caption file (hold-out 8 13: its brand in lower case five times of seven, the
    # last in the call to join, read None as written and re-cut); a coined word the story only mentions ("my
    # sister took ozempic") is a competitor or a drug, not what is sold.
    cased_brand = not lower_cased and section_seg is not None
    if (lower_cased or cased_brand) and not named & set(score):
        # No capitals to read names from and no naming construction: a coined word said three
        # times or more ("bookedbot" ... "bookedbot") is most likely the product; unsure (0.5).
        # Whatever else was read without a construction does not stop it: in "usando a ylada" ... "ylada com"
        # (hold-out 7 08 re-cut bare) two runs of figures read as capitals ("58kg 6") kept it out, and nothing
        # was named at all.
        # Counted with their accents: the folded "comeca", "situacao" are no words of any list, while
        # "começa", "situação" are common (orthography; hold-out 6 04 and 12, real-dev 07 re-cut bare).
        said = " ".join(seg.text for seg in p.segments).lower()
        # Four letters are enough for a coined word ("reos", hold-out 7 01; "aios", real-dev 02, re-cut bare):
        # the test of :func:`_coined` (rare in both lists) tells it from a common word, not its length.
        for word, n in Counter(_LOWER_TOKENS.findall(said)).most_common():
            if n < 3:
                break
            at = p.hits(_word(fold(word)))
            if cased_brand and not any(k >= (section_seg or 0) for k in at):
                continue
            if at and fold(word) not in _FUNCTION_WORDS and _coined(word, p.language):
                add(fold(word), at[0], 1)
    # A candidate the product's site is named after ("Puntos Estilo" / puntosestilo.com) is given a name
    # by the copy, like a naming construction.
    sites = _site_names(p)
    named |= {n for n in score if len(n) >= 4 and fold(n).replace(" ", "") in sites}
    ranked = []
    for name, s in score.items():
        if any(fold(w) in shouted for w in name.split() if w.isupper()):
            continue  # "NÃO", "MESMO", "STOP": a common word shouted, not a name
        if name not in named and name not in proper and " " not in name and _common(fold(name), p.language):
            continue  # "Like", "Maybe": capitalised because a sentence starts there, not a name
        if _PART.match(name):
            continue  # "Day 3", "Module 2": a numbered part of the product, not its name
        segs = mentions(name)
        if s >= 3 or (s >= 0 and len(segs) >= 2):
            # A name given by a naming construction beats one only repeated (a tool, an acronym).
            # What the offer section sells is the product; a name only said before it (the big idea,
            # a tool, a company from the story) loses to one said there.
            sold = int(section_seg is None or any(i >= section_seg for i in [*segs, first_seen[name]]))
            # Between names given alike, one headed by a kind of offering ("the Tax-Free Income Challenge",
            # "o Método Rota Certa") names what is sold; a bare name given the same way may be a person met
            # in a story ("Meet Sarah and James", hold-out 7 02 re-cut) or a tool (grammar of
            # :data:`_KIND_TITLE`: the kind's noun is capitalised only inside a proper name).
            kind = int(_KIND_HEADED.search(name) is not None)
            ranked.append(
                (int(name in named) + int(name in made), sold, kind, s + 2 * len(segs), len(name), name, segs)
            )
    if not ranked:
        by_kind = _by_kind(p, section_seg)
        if by_kind is None:
            once = _named_once(p, shouted)
            if once is not None:
                return once[0], p.evidence(once[1]), [once[1]], ONCE_CONFIDENCE
            return None, None, [], 0.0
        return by_kind[0], by_kind[1], _kind_segments(p, by_kind[0]), KIND_CONFIDENCE
    best = max(ranked)
    if best[0] == 0 and best[1] == 0 and best[5] not in proper:
        # No construction names it and the offer section never says it: a company, a list or a topic of
        # the story ("Fortune 500" in real-dev 04, "Inteligencia Artificial" in hold-out 7 10, both read as
        # the product); when the copy calls what it sells by its kind ("el programa", "el sistema") at least
        # as often as it says that name, the kind is the honest answer (see :func:`_by_kind`).  A coined word
        # the copy repeats ("ylada", "bookedbot") is a brand, not a topic: it stays.
        # A name the copy puts after a definite article ("o Casamento Blindado", "pelo X") is a brand's, as in
        # :data:`_ARTICLE_NAME` (Portuguese and Spanish put the article before a brand); a topic or a list is
        # said bare ("con Inteligencia Artificial", "hasta Fortune 500").
        by_kind = _by_kind(p, section_seg)
        coined = " " not in best[5] and _coined(best[5].lower(), p.language)
        articled = re.search(
            r"\b(?i:o|a|el|la|the|do|da|no|na|ao|pelo|pela|del|al)\s+" + re.escape(best[5]) + r"\b", raw_text
        )
        if by_kind is not None and by_kind[2] >= len(best[6]) and not coined and not articled:
            return by_kind[0], by_kind[1], _kind_segments(p, by_kind[0]), KIND_CONFIDENCE
    *_, name, segs = best
    # Two names as well supported (both introduced, both sold, as often said), e.g. a mechanism's "X
    # Protocol" and the offer's "Y Protocol" each said once: the longer wins the tie, but not surely.
    bare = _SENTENCE_ARTICLE.sub("", name).lower()
    tied = any(
        r[:4] == best[:4] and bare not in r[5].lower() and _SENTENCE_ARTICLE.sub("", r[5]).lower() not in bare
        for r in ranked
    )
    # A naming construction can stop at a lower-cased word ("eu criei o Life max" gives "Life") while
    # the full name is said again and again ("Life Max", "AI Director Hub"): the full name wins.
    cued = name in named
    intro = first_seen[name]
    longer = [
        n
        for n in score
        if n.startswith(name + " ")
        and len(mentions(n)) >= 2
        and not any(fold(w) in shouted for w in n.split() if w.isupper())
    ]
    if longer:
        name = max(longer, key=lambda n: (len(mentions(n)), len(n)))
        if not cued:
            intro = first_seen[name]  # "del Buró" in the hook is not yet "Buró Limpio", the product
        segs = sorted({intro, *mentions(name)})  # a construction's naming stays the reveal
    # Named by a construction ("it's called X", "nós chamamos de X") and said again: sure; only
    # repeated, or only introduced once: less so.
    confidence = 0.85 if cued and len(segs) >= 2 else 0.65 if cued else 0.5
    if (name in company and name not in made) or tied or name in lower_named:
        confidence = min(confidence, 0.5)
    return name, p.evidence(intro), segs or [intro], confidence


#: The kinds of offering a definition names, in the three languages, with their accents (the lower-cased
#: transcript keeps them): the vocabulary of :data:`_DEFINED`.
_KIND_NOUNS = (
    r"(?:comunidade|comunidad|community|programa|program|programme|curso|course|podcast|mentoria|mentor[ií]a|"
    r"mentorship|plataforma|platform|sistema|system|m[ée]todo|method|servi[çc]o|servicio|service|desaf[ií]o|"
    r"reto|challenge|aplicativo|app|aplicaci[óo]n|treinamento|entrenamiento|membership|membres[ií]a|toolkit|"
    r"package|pacote|paquete|workshop|tool|ferramenta|herramienta|solution|solu[çc][ãa]o|soluci[óo]n|retreat|"
    r"journey|experience|software|protocol|protocolo)"
)
#: A name defined as a kind of offering in a lower-cased transcript: "[name] é o programa de 90 dias" (hold-out
#: 6 03), "o [name] é o app que" (hold-out 7 07), both read None re-cut bare; "[name] is a tool", "[name] es la
#: plataforma" alike — the construction of :data:`_DEFINED` without the capitals that mark where the name
#: starts, so the name is the words before it said together again (real-dev 06's "[name] é um sistema", said
#: once, stays unnamed).
_LOWER_DEFINED = lazy(
    r"(?<=\s)(?P<copula>[ée]|is|es)\s+(?:o|a|um|uma|the|an?|el|la|un|una)\s+(?:[\w-]+\s+){0,3}?" + _KIND_NOUNS + r"s?\b"
)
#: A name, then what kind of offering it is, set apart by a comma, a colon or a dash: "Puntos Estilo, el
#: sistema integral de" (hold-out 6 07), "o TQ - uma ferramenta que" (hold-out 7 05), "SmartDoctor: o sistema
#: completo" (hold-out 7 09); "X, the platform that" alike.  An apposition, by the grammar of the three
#: languages: the noun phrase after the mark names the same thing as the name before it.
_APPOSITION = lazy(
    r"(?<![\w-])"
    + _NAME
    + r"\s*(?:[,:\u2013\u2014]|\s-)\s*(?:uma?|an?|una?|o|a|the|el|la)\s+(?:[\w-]+\s+){0,2}?"
    + _KIND_NOUNS
    + r"s?\b"
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
#: The kinds of product an offer section refers to by a definite article or a demonstrative when it never
#: names it: "el programa" / "este curso" (real-dev 04), "el sistema" / "tu sistema" (hold-out 7 10).  An app
#: is left out: "la aplicación" is as often the tool the viewer already uses (a phone's, a platform's) as
#: the thing sold, and a bare "app" names no offer.
_KIND_REF_NOUNS = (
    r"(?:programa|program|programme|curso|course|mentoria|mentor[ií]a|mentorship|sistema|system|m[ée]todo|"
    r"method|desaf[ií]o|reto|challenge|treinamento|training|entrenamiento|workshop|taller|masterclass|"
    r"comunidade|comunidad|community|kit|pacote|paquete|package|protocolo|"
    r"protocol|e-?book|livro|libro|book|guia|gu[íi]a|guide|webinar|f[óo]rmula|formula|suplemento|supplement)"
)
#: A kind said as the thing sold, with no name after it: "el programa", "este curso", "your system".  A
#: capitalised word after it ("o programa Sprint") is a name, which the constructions above read.
_KIND_REFERENCE = lazy(
    r"(?<![\w-])(?P<art>(?i:the|this|your|our|o|a|esse|essa|este|esta|seu|sua|nosso|nossa|el|la|ese|esa|tu|"
    r"nuestro|nuestra|del|al|do|da|no|na|ao|pelo|pela))\s+(?P<kind>(?i:"
    + _KIND_REF_NOUNS
    + r"))\b(?!\s+(?:(?:de|da|do|del|of)\s+)?[A-ZÀ-Ý0-9\"\u201c«])"
)
_DEFINITE = frozenset("the o a el la".split())
#: A preposition fused with the definite article ("del programa", "na mentoria"): the same reference, by the
#: grammar of each language, and of that language only (Spanish "no programa" is a negated verb).
_CONTRACTED = {"pt": frozenset("do da no na ao pelo pela".split()), "es": frozenset({"del", "al"})}
#: The confidence of a kind given for a name: below any threshold the UI trusts, shown as "not sure".
KIND_CONFIDENCE = 0.35


def _by_kind(p: Prepared, section_seg: int | None) -> tuple[str, Evidence, int] | None:
    """(kind, evidence, times said): what the offer section sells, by its kind, when the copy never names
    it — the kind of product it refers to most, at least twice, with a definite article, a demonstrative or
    a possessive ("el programa", "este curso"), from the offer section's start (the whole transcript
    without one), given with the definite article the copy uses ("el curso").  The caller shows it unsure
    (:data:`KIND_CONFIDENCE`), and its reveal is where the copy first presents what it sells by that kind
    ("por eso creé el programa", real-dev 04), not where a name it replaces was said (:func:`_kind_segments`)."""
    found = _kind_said(p, section_seg or 0)
    if found is None and section_seg:
        # A short ad's offer section may be its last line ("Solicita tu demo"): the kind is said before it
        # (hold-out 7 10, "El sistema" ... "tu sistema" in the body, the section one sentence).
        found = _kind_said(p, 0)
    return found


def _kind_refs(p: Prepared, text: str) -> list[re.Match[str]]:
    """The references to a kind in ``text`` that the transcript's language reads as definite."""
    out = []
    for m in _KIND_REFERENCE.finditer(text):
        art = m.group("art").lower()
        if art == "a" and p.language == "en":
            continue  # English "a" is the indefinite article: "a method" is any method, not the one sold
        if art in _CONTRACTED["pt"] | _CONTRACTED["es"] and art not in _CONTRACTED.get(p.language or "", ()):
            continue
        out.append(m)
    return out


def _kind_segments(p: Prepared, said: str) -> list[int]:
    """The segments that refer to the product by the kind ``said`` ("el programa"), anywhere in the copy."""
    kind = fold(said.split()[-1])
    return [
        i for i, seg in enumerate(p.segments) if any(fold(m.group("kind")) == kind for m in _kind_refs(p, seg.text))
    ]


def _kind_said(p: Prepared, start: int) -> tuple[str, Evidence, int] | None:
    said: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    for i in range(start, len(p.segments)):
        for m in _kind_refs(p, p.segments[i].text):
            art = m.group("art").lower()
            kind = fold(m.group("kind"))
            said[kind] += 1
            first.setdefault(kind, i)
            forms.setdefault(kind, Counter())[f"{art} " if art in _DEFINITE else ""] += 1
    if not said:
        return None
    kind, n = max(said.items(), key=lambda kv: (kv[1], -first[kv[0]]))
    if n < 2:
        return None
    surface = next(
        m.group("kind") for m in _kind_refs(p, p.segments[first[kind]].text) if fold(m.group("kind")) == kind
    )
    definite = [f for f in forms[kind] if f]
    article = max(definite, key=lambda f: forms[kind][f]) if definite else ""
    return article + surface.lower(), p.evidence(first[kind]), n


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


def find_mechanism(p: Prepared, product: str | None) -> tuple[str | None, Evidence | None, list[int]]:
    """(name, evidence, segments mentioning it): the most repeated phrase introduced as a named cause."""
    found: dict[str, int] = {}
    for i, seg in enumerate(p.segments):
        for m in _MECHANISM.finditer(seg.text):
            phrase = _MECH_END.sub("", m.group("m")).strip()
            words = phrase.split()
            if not 1 <= len(words) <= 7:
                continue
            if product and fold(product) in fold(phrase):
                continue
            if sum(1 for w in words if w[:1].isupper()) == len(words) and len(words) > 1:
                continue  # Title Case: a product or a person, not a mechanism
            found.setdefault(phrase, i)
    if not found:
        return None, None, []

    def mentions(phrase: str) -> list[int]:
        return sorted(set(p.hits(re.compile(re.escape(fold(phrase))))))

    best = max(found, key=lambda ph: (len(mentions(ph)), -found[ph]))
    return best, p.evidence(found[best]), mentions(best)


_FILLER = lazy(r"^(?:(?:so|okay|ok|well|look|oi|ola|olá|e aí|hola|bueno|mira|então|entao)[,!.]?\s+)+", re.IGNORECASE)


def find_hook(p: Prepared, hook_segments: int) -> tuple[str | None, Evidence | None]:
    """The opening claim: the first sentence of the hook, fillers ("So", "Oi, oi") removed."""
    if not p.segments:
        return None, None
    n = max(1, hook_segments)
    text = " ".join(s.text.strip() for s in p.segments[:n])
    first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
    first = _FILLER.sub("", first).strip(" ,")
    if not first:
        return None, None
    hook = clip(first, 160)
    end = next((k for k in range(n) if fold(first[-20:]) in fold(" ".join(x.text for x in p.segments[: k + 1]))), n - 1)
    return hook, p.evidence(0, end, quote=hook)
