"""The mechanism ("eu chamo isso de imersão reversa", "I call it the ledger switch") and the opening claim
(hook)."""

from __future__ import annotations

import re

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.models import HOOK_CALL_WORDS, Evidence
from vsl_assets.breakdown.prepared import Prepared, clip
from vsl_assets.breakdown.taxonomy import fold

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
    sentences = re.split(r"(?<=[.!?])\s+", text, maxsplit=2)
    first = _FILLER.sub("", sentences[0]).strip(" ,")
    if len(first.split()) < HOOK_CALL_WORDS:
        # A call for attention ("Atenção!", "Stop.", "¡Atención!") opens the video; the claim is the
        # sentence after it, in the hook or in the segment after it (a card named "Atenção": a trial).
        if len(sentences) == 1 and n < len(p.segments):
            n += 1
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(s.text.strip() for s in p.segments[:n]), maxsplit=2)
        if len(sentences) > 1:
            first = f"{first} {sentences[1].strip()}".strip() if first else _FILLER.sub("", sentences[1]).strip(" ,")
    if not first:
        return None, None
    hook = clip(first, 160)
    end = next((k for k in range(n) if fold(first[-20:]) in fold(" ".join(x.text for x in p.segments[: k + 1]))), n - 1)
    return hook, p.evidence(0, end, quote=hook)
