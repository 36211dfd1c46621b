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

from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.prepared import Prepared, clip
from vsl_assets.breakdown.taxonomy import fold

_UP = r"[A-ZÀ-ÖØ-Ý0-9]"
_NAME = (
    rf"(?P<name>{_UP}[\w'\u2019-]*(?:\s+(?:(?:de|da|do|das|dos|del|la|el|of|the|and|e|y|&)\s+)?"
    rf"(?:{_UP}[\w'\u2019-]*|\d+))*)"
)
_ART = r"(?:(?:o|a|os|as|el|la|los|las|the|um|uma|un|una)\s+)?"
# Verbs that introduce the product by name: one mention after one of these is enough.
_STRONG_CUES = re.compile(
    r"(?:(?i:chamad[oa]|se chama|nasceu|cri(?:ar|ei|ou|amos)|desenvolv(?:emos|eu|i)|apresent(?:o|amos)|abri|"
    r"lan[cç](?:ei|amos)|inscri[cç][õo]es d[oa]|"
    r"called|introducing|created|create|built|enrollment for|launched|"
    r"se llama|llamad[oa]|cre[ée]|creamos|present(?:o|amos)|desarrollamos|prepar[ée]|lanzamos)|"
    r"(?:curso|programa|treinamento|m[ée]todo|program|course|entrenamiento|sistema|system))\s+" + _ART + _NAME
)
# Weaker contexts: the name must also be said a second time.
_WEAK_CUES = re.compile(
    r"(?i:sobre|entrar n[oa]|get|join|for the full|funciona|conoces|conhece|tomaste|pide|pe[cç]a|order)\s+"
    + _ART
    + _NAME
)
_BORN = re.compile(_NAME + r"\s+(?i:was born|nasceu|naci[óo])")
# A coined one-word name: "GlicoEquilíbrio", "VigorRoot", "ArterX" (a capital inside the word).
_COINED = re.compile(r"\b[A-ZÀ-Ý][a-zà-ÿ]+[A-ZÀ-Ý][\wÀ-ÿ]*\b")
# A run of two or more capitalised words inside a sentence ("o curso completo Cita Segura").
_TITLE_RUN = re.compile(rf"{_UP}[\w'\u2019-]*(?:\s+(?:(?:de|da|do|del|of|the)\s+)?{_UP}[\w'\u2019-]*)+")
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

_MECHANISM = re.compile(
    r"(?:i call (?:this|it)|he calls (?:this|it)|she calls (?:this|it)|they call (?:this|it)|we call (?:this|it)|"
    r"something called|known as|le dicen|le llamaba|le llaman|llamaban a esto|llaman a esto|se llama|"
    r"(?:cientificos|científicos|investigadores|expertos|médicos|medicos) llaman|eu chamo (?:isso |esse \w+ |essa \w+ )?de|chamam (?:isso |esse \w+ |essa \w+ )?de|"
    r"chamaram (?:isso |esse \w+ |essa \w+ )?de|chamamos (?:isso )?de|chamad[oa] de|conhecid[oa] como|"
    r"(?:yo )?lo llamo|lo llaman|la llaman|le llaman|lo llamamos|conocid[oa] como|the core is)\s+"
    r"(?P<m>[^,.;:!?]{3,80})",
    re.IGNORECASE,
)
_MECH_END = re.compile(
    r"\s(?:que|e|and|it's|which|where|when|is|es|y|quando|cuando|porque|because|that|it|and|para|for)\s.*$",
    re.IGNORECASE,
)


def _clean_name(name: str) -> str | None:
    name = name.strip(" -'\u2019")
    words = name.split()
    while words and fold(words[-1]) in {"de", "da", "do", "of", "the", "and", "e", "y", "&", "la", "el"}:
        words.pop()
    if not words or (fold(words[0]) in _STOP_NAMES and len(words) == 1):
        return None
    if fold(words[0]) in {"the"} and len(words) == 1:
        return None
    return " ".join(words)


def find_product(p: Prepared) -> tuple[str | None, Evidence | None, list[int], float]:
    """(name, evidence of its introduction, indices of the segments that mention it).

    Candidates: a capitalised name after an introducing verb ("se chama", "I created", "creé"), or
    after a weaker context and said twice, or a coined one-word name said twice ("FloraViva").
    The most mentioned candidate wins.
    """
    score: Counter[str] = Counter()
    first_seen: dict[str, int] = {}

    def add(name: str | None, i: int, weight: int) -> None:
        if name is None:
            return
        score[name] += weight
        first_seen.setdefault(name, i)

    for i, seg in enumerate(p.segments):
        for m in _STRONG_CUES.finditer(seg.text):
            add(_clean_name(m.group("name")), i, 3)
        for m in _BORN.finditer(seg.text):
            add(_clean_name(m.group("name")), i, 3)
        for m in _WEAK_CUES.finditer(seg.text):
            add(_clean_name(m.group("name")), i, 1)
        for m in _COINED.finditer(seg.text):
            add(_clean_name(m.group(0)), i, 1)
        for m in _TITLE_RUN.finditer(seg.text):
            words = m.group(0).split()
            if fold(words[0]) in _SENTENCE_WORDS:
                words = words[1:]
            if len(words) >= 2:
                add(_clean_name(" ".join(words)), i, 0)

    def mentions(name: str) -> list[int]:
        return sorted(set(p.hits(re.compile(r"\b" + re.escape(fold(name)) + r"\b"))))

    ranked = []
    for name, s in score.items():
        segs = mentions(name)
        if s >= 3 or (s >= 0 and len(segs) >= 2):
            ranked.append((s + 2 * len(segs), len(name), name, segs))
    if not ranked:
        return None, None, [], 0.0
    _, _, name, segs = max(ranked)
    intro = first_seen[name]
    return name, p.evidence(intro), segs or [intro], 0.6


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


_FILLER = re.compile(
    r"^(?:(?:so|okay|ok|well|look|oi|ola|olá|e aí|hola|bueno|mira|então|entao)[,!.]?\s+)+", re.IGNORECASE
)


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
