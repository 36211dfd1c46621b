"""The product's name: every construction's candidates (:mod:`.written`, :mod:`.bare`), scored and chosen,
with its confidence; its kind (:mod:`.kinds`) or a name said once when none is named."""

from __future__ import annotations

import re
from collections import Counter

from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.names.bare import (
    _ANY_CASE_CUE,
    _INFINITIVE,
    _LOWER_APPOSITION,
    _LOWER_ARTICLE_COINED,
    _LOWER_BETWEEN,
    _LOWER_DEFINED,
    _LOWER_FOR_YOU,
    _LOWER_KIND_FIRST,
    _LOWER_SHORT_APPOSITION,
    _LOWER_TIMED_KIND,
    _LOWER_TOKENS,
    _between_name,
    _bounded_name,
    _kind_ended,
    _kind_first,
    _repeated_before,
    _repeated_phrase,
    _undetermined_phrase,
)
from vsl_assets.breakdown.names.kinds import KIND_CONFIDENCE, _by_kind, _kind_segments
from vsl_assets.breakdown.names.words import (
    _CALENDAR,
    _DEFINITE_BY_LANGUAGE,
    _DEFINITE_PT_ES,
    _EXTRA_BEFORE,
    _FUNCTION_WORDS,
    _PART,
    _PART_BEFORE,
    _PART_LINE,
    _SENTENCE_ARTICLE,
    _SENTENCE_WORDS,
    _STOP_NAMES,
    _across_cut,
    _clean_name,
    _coined,
    _common,
    _lower_cased,
    _near_cut,
    _said,
    _shouted_common_words,
    _site_names,
    _word,
)
from vsl_assets.breakdown.names.written import (
    _APPOSITION,
    _ART_END,
    _ARTICLE_NAME,
    _BORN,
    _CAPS_BRAND,
    _COINED,
    _CUE_AT_END,
    _DEFINED,
    _DEFINED_HINT,
    _DIFFERENT,
    _EXACTLY_WHAT,
    _FOR_YOU_HINT,
    _GET_INSIDE,
    _IM,
    _INSIDE_GET,
    _INTERROGATIVE,
    _KIND_APPOSITION_END,
    _KIND_CUES,
    _KIND_HEADED,
    _KIND_TITLE,
    _LOWER_MADE,
    _LOWER_NAMED,
    _MADE_CUE,
    _MARKED,
    _MARKED_QUESTION,
    _MID_CAPITAL,
    _NAME_AT_START,
    _PRICED_NAME,
    _STRONG_CUES,
    _SUBJECT_FOR_YOU,
    _TITLE_RUN,
    _TITLE_SENTENCE,
    _TWO_CAPITALS,
    _WEAK_CUES,
    _WHAT_IT_GIVES,
    ONCE_CONFIDENCE,
    _lower_made,
    _named_once,
)
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.prices import read_prices
from vsl_assets.breakdown.taxonomy import fold


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
            # A quoted title keeps the words it opens with: 'construí o programa "Não Seja ..."' (real-holdout9 07,
            # read without its "Não"): the quotation marks bound the name (orthography), a function word inside
            # them is a word of the title.
            quoted = text[m.start("name") - 1 : m.start("name")] in ('"', "\u201c", "\u00ab")
            name = _clean_name(m.group("name"), keep_start=quoted)
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
        # Across the recogniser's cut too ("se llama" | "¿X?"), as the other constructions read it.
        next_text = p.segments[i + 1].text if i + 1 < len(p.segments) else ""
        marked = "\u00bf" in seg.text or "\u00a1" in seg.text or "\u00bf" in next_text or "\u00a1" in next_text
        for _, m in _across_cut(p, i, _MARKED_QUESTION) if marked else ():
            inner = (m.group("name") or m.group("name2")).strip()
            name = _clean_name(inner)
            # Whole and capitalised, as a title; no interrogative in it: "se llama ¿y sabes qué?", "¿Por qué
            # será?" are the speaker's own questions (Spanish writes an interrogative with its accent).
            if name is not None and name == inner and name[0].isupper() and not _INTERROGATIVE.search(name):
                add(name, i, 5)
                named.add(name)
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
        for _, m in _near_cut(p, i, _LOWER_TIMED_KIND) if lower_cased and p.language == "en" else ():
            # Not "named": a construction's name outranks it; alone, it is the product, unsure (lower case).
            add(m.group("name"), i, 3)
            lower_named.add(m.group("name"))
        for _, m in _near_cut(p, i, _LOWER_KIND_FIRST) if lower_cased and p.language in ("pt", "es") else ():
            if (kind_first := _kind_first(p, m, times)) is not None:
                add(kind_first, i, 3)  # as the capitalised "o curso Cita Segura" (:data:`_KIND_CUES`)
        for m in _LOWER_ARTICLE_COINED.finditer(seg.text) if lower_cased and p.language in ("pt", "es") else ():
            word = m.group("word")
            definite = _DEFINITE_BY_LANGUAGE[p.language or "pt"]
            if m.group(0).split()[0] not in definite.split("|"):
                continue  # Spanish "vender o rentar": "o" is "or" there, no article (see _DEFINITE_BY_LANGUAGE)
            if m.group(0).split()[0] in ("a", "ao", "al") and _INFINITIVE.search(word):
                continue  # "aprendi a desapegar", "voy a desapegar": "a" is the preposition before a verb
            # "o [coined] é ...", "com o [coined]" (hold-out 9 06), "no [coined] ...", "do [coined] ..." (hold-out
            # 8 04), both unnamed re-cut bare: PT and ES put the article before a brand, as
            # :data:`_ARTICLE_NAME` reads "o Clinify" in a capitalised transcript; twice with an article, a
            # candidate without a construction (weight 1, unsure).
            if word not in rare:
                rare[word] = _coined(word, p.language)
            if rare[word] and _said(p, times, fold(word), definite) >= 2:
                add(word, i, 1)
        for _, m in _near_cut(p, i, _LOWER_BETWEEN) if lower_cased else ():
            between = _between_name(p, (m.group("name") or m.group("name2")).split(), times)
            if between is not None:
                add(between, i, 5)
                named.add(between)
                lower_named.add(between)  # case gone, the grammar bounds it: unsure
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
            before = seg.text[: m.start()] if m.start() or i == 0 else p.segments[i - 1].text + " "
            if _PART_BEFORE.search(before):
                continue  # "Module 3: The X Method", the label maybe before the cut: a part's title, not the product
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
            run = (_clean_name(" ".join(words)) or "").split() if len(words) >= 2 else []
            opens = m.start() == 0 or seg.text[: m.start()].rstrip()[-1:] in ".!?:"
            if opens and run and all(w.isdigit() for w in run[1:]) and _common(fold(run[0]), p.language):
                # "Hace 3 meses", "Since 2019 I": a common word capitalised because the sentence starts there, then
                # a number, which takes no capital: no capital marks a name (grammar of the three languages;
                # real-holdout11 08, "Hace 3" read as the product).
                continue
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
