"""The product by its kind when the copy never names it ("el programa", "este curso"): shown unsure."""

from __future__ import annotations

import re
from collections import Counter

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.taxonomy import fold

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
