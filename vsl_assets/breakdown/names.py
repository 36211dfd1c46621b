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
_PRODUCT_CUES = re.compile(
    r"(?i:chamad[oa]|se chama|nasceu o|nasceu a|criar o|criar a|criei o|criei a|criou o|criou a|"
    r"desenvolvemos o|desenvolvemos a|desenvolveu o|desenvolveu a|apresento o|apresento a|abri o|abri a|"
    r"abri a|inscri[cç][õo]es d[oa]|entrar n[oa]|sobre o|sobre a|"
    r"called|introducing|meet|created|create|enrollment for|get the|join|for the full|"
    r"se llama|llamad[oa]|cre[ée] el|cre[ée] la|creamos el|creamos la|presento el|presento la|desarrollamos el|"
    r"desarrollamos la)\s+" + _NAME
)
_BORN = re.compile(_NAME + r"\s+(?i:was born|nasceu|naci[óo])")
_STOP_NAMES = frozenset(
    {"i", "eu", "yo", "dr", "doctor", "deus", "god", "the", "a", "o", "el", "la", "you", "voce", "usted", "it"}
)

_MECHANISM = re.compile(
    r"(?:i call (?:this|it)|he calls (?:this|it)|she calls (?:this|it)|they call (?:this|it)|we call (?:this|it)|"
    r"something called|known as|eu chamo (?:isso |esse \w+ |essa \w+ )?de|chamam (?:isso |esse \w+ |essa \w+ )?de|"
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


def find_product(p: Prepared) -> tuple[str | None, Evidence | None, list[int]]:
    """(name, evidence of its introduction, indices of the segments that mention it)."""
    candidates: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for i, seg in enumerate(p.segments):
        for rx in (_PRODUCT_CUES, _BORN):
            for m in rx.finditer(seg.text):
                name = _clean_name(m.group("name"))
                if name is None:
                    continue
                candidates[name] += 1
                first_seen.setdefault(name, i)
    if not candidates:
        return None, None, []

    def mentions(name: str) -> list[int]:
        key = fold(name)
        return [i for i, t in enumerate(p.folded) if key in t]

    ranked = sorted(candidates, key=lambda n: (candidates[n] + len(mentions(n)), len(n)), reverse=True)
    name = ranked[0]
    segs = mentions(name)
    if len(segs) < 2 and candidates[name] < 2:
        # Said once with no repeat: too weak to call it the product.
        return None, None, []
    intro = first_seen[name]
    return name, p.evidence(intro), segs


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
        key = fold(phrase)
        return [i for i, t in enumerate(p.folded) if key in t]

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
