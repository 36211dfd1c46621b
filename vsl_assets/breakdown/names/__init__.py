"""Names said in a VSL: the product ("foi assim que nasceu o GlicoEquilíbrio"), the mechanism
("eu chamo isso de imersão reversa", "I call it the ledger switch") and the opening claim (hook).

Product names are capitalised in transcripts (Whisper writes them as names), mechanism names are
usually not, so the product is read as a capitalised phrase after an introducing cue, and the
mechanism as the short phrase after "I call it" / "chamam de" / "lo llaman".  Either is None when no
cue is found: a wrong name is worse than none.

The package reads them in modules with one seam each: :mod:`.words` (the vocabulary and helpers every reader
shares), :mod:`.written` (constructions for text as written, where capitals mark a name), :mod:`.bare`
(constructions for recogniser-style text, lower case and unpunctuated), :mod:`.kinds` (the product by its kind
when it is never named), :mod:`.product` (scoring the candidates and choosing one) and :mod:`.claims` (the
mechanism and the hook).
"""

from __future__ import annotations

from vsl_assets.breakdown.names.claims import find_hook, find_mechanism
from vsl_assets.breakdown.names.kinds import KIND_CONFIDENCE
from vsl_assets.breakdown.names.product import find_product
from vsl_assets.breakdown.names.written import ONCE_CONFIDENCE, seller_introduction

__all__ = [
    "KIND_CONFIDENCE",
    "ONCE_CONFIDENCE",
    "find_hook",
    "find_mechanism",
    "find_product",
    "seller_introduction",
]
