"""The ``local`` breakdown engine: offline, deterministic rules over multilingual lexicons.

It reads, in order: the guarantee; every amount said, with its role (:mod:`.prices`: offer, anchor,
struck-down, instalment, another thing's cost, income...); the offer section (:mod:`.section`), whose
start is ``pitch_s`` and inside which the offer price is chosen; the product and mechanism names
(:mod:`.names`; ``product_reveal_s`` is the product's first naming); the beats (cue scores smoothed
into spans); then niche, lead type and awareness.  Each label carries the quote and time it was read
from and a confidence (0..1) calibrated on real copy so that a value the rules are unsure of falls
below the "not sure" threshold.  A transcript in a language without lexicons (not pt/en/es) gets
what the numbers alone give (prices, guarantee) and ``status="unsupported_language"``.

Its limits, compared with a language model: it only sees the words in its lexicons, so an unusual
phrasing of a guarantee, a lead that is implied rather than said, or a product never introduced by
a naming construction ("chamado", "it's called", "se llama") is missed; in exchange it is free,
instant and gives the same answer every time.
"""

from __future__ import annotations

from collections.abc import Sequence

from vsl_assets.breakdown import beats as beat_rules
from vsl_assets.breakdown.labels import (
    LEAD_SURE_CONFIDENCE,
    classify_awareness,
    classify_lead,
    classify_niche,
    consistency_note,
    niche_confidence,
)
from vsl_assets.breakdown.models import SUPPORTED_LANGUAGES, Beat, Breakdown, Evidence
from vsl_assets.breakdown.names import (
    KIND_CONFIDENCE,
    find_hook,
    find_mechanism,
    find_product,
    seller_introduction,
)
from vsl_assets.breakdown.offer import read_guarantee
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.prices import choose_offer, deal_segments, price_segments
from vsl_assets.breakdown.section import offer_section, presented_section
from vsl_assets.transcription.base import LogFn
from vsl_assets.transcription.models import Segment

ENGINE = "local"
MODEL = "rules-v2"
#: A price said this early (seconds) means the video opens with its offer.
EARLY_PRICE_S = 45.0


class LocalEngine:
    """Rules-based engine; stateless, so one instance can serve every call."""

    engine = ENGINE
    model = MODEL

    def __repr__(self) -> str:
        return f"LocalEngine(model={self.model!r})"

    def analyze(self, segments: Sequence[Segment], language: str | None, *, log: LogFn | None = None) -> Breakdown:
        lang = (language or "").lower()[:2] or None
        p = Prepared.build(segments, lang)
        if not p.segments:
            return Breakdown(
                language=lang,
                engine=self.engine,
                model=self.model,
                status="no_speech",
                note="the transcript has no speech, so there is nothing to break down",
            )
        evidence: dict[str, Evidence] = {}
        confidence: dict[str, float] = {}
        guarantee_days, g_ev, g_conf = read_guarantee(p)
        if g_ev is not None:
            evidence["guarantee_days"] = g_ev
            confidence["guarantee_days"] = g_conf
        g_segs = {p.first_index_at(g_ev.start)} if g_ev is not None else set()
        section_seg, section_ev, section_conf = offer_section(p, g_segs)
        offer = choose_offer(p, section_seg)
        if offer.offer_evidence is not None:
            evidence["offer_price"] = offer.offer_evidence
            confidence["offer_price"] = offer.offer_confidence
        if offer.anchor_evidence is not None:
            evidence["anchor_price"] = offer.anchor_evidence
            confidence["anchor_price"] = offer.anchor_confidence
        if lang not in SUPPORTED_LANGUAGES:
            return Breakdown(
                language=lang,
                offer_price=offer.offer,
                anchor_price=offer.anchor,
                guarantee_days=guarantee_days,
                engine=self.engine,
                model=self.model,
                evidence=evidence,
                confidence=confidence,
                prices=offer.mentions,
                status="unsupported_language",
                note=(
                    f"language {lang or 'unknown'!r} has no lexicons (pt, en and es do): only prices and the "
                    "guarantee were read"
                ),
            )
        product, product_ev, product_segs, product_conf = find_product(p, section_seg)
        if section_seg is None and product_conf > KIND_CONFIDENCE:
            # Nothing marks an offer section: a short ad's offer is where it presents its product by name.
            section_seg, section_ev, section_conf = presented_section(
                p, product_segs[0] if product_segs else None, product
            )
        # A kind given for an unnamed product ("el programa") is no name to keep out of the mechanism.
        mechanism, mech_ev, mech_segs = find_mechanism(p, None if product_conf == KIND_CONFIDENCE else product)
        price_segs = price_segments(p)
        signals = beat_rules.Signals(
            price_segments=price_segs,
            guarantee_segments=g_segs,
            product_segments=set(product_segs),
            mechanism_segments=set(mech_segs),
        )
        labels = beat_rules.segment_labels(p, lang, signals)
        beats = beat_rules.to_beats(p, labels)
        hook_n = labels.count("hook")
        deals = deal_segments(p)
        early = next((i for i in sorted(deals) if p.segments[i].start < EARLY_PRICE_S), None)
        pitch_s: float | None = None
        if section_seg is not None and section_ev is not None:
            pitch_s, pitch_ev = p.segments[section_seg].start, section_ev
            evidence["pitch_s"] = pitch_ev
            confidence["pitch_s"] = section_conf
        reveal_s: float | None = None
        if product_segs:
            reveal_seg: int | None = product_segs[0]
        else:  # unnamed, a personal service is revealed where its seller says who they are
            reveal_seg = seller_introduction(p)
            if reveal_seg is None:
                reveal_seg = _unnamed_reveal(p, beats, early)
        if reveal_seg is not None:
            reveal_s = p.segments[reveal_seg].start
            evidence["product_reveal_s"] = p.evidence(reveal_seg)
            # Without a name, the first stretch that reads as the offer stands in for its reveal.
            confidence["product_reveal_s"] = product_conf if product_segs else 0.35
        niche, niche_ev, niche_scores = classify_niche(p, lang, pitch_s)
        lead, lead_ev, lead_conf = classify_lead(p, lang, hook_n, early, product)
        awareness, aw_ev, aw_conf = classify_awareness(
            p, lang, lead, hook_n, reveal_s, niche, lead_conf >= LEAD_SURE_CONFIDENCE, product
        )
        hook, hook_ev = find_hook(p, hook_n)
        for key, ev in (
            ("niche", niche_ev),
            ("lead_type", lead_ev),
            ("awareness", aw_ev),
            ("hook", hook_ev),
            ("product", product_ev),
            ("mechanism", mech_ev),
        ):
            if ev is not None:
                evidence[key] = ev
        confidence["niche"] = niche_confidence(niche_scores)
        confidence["lead_type"] = lead_conf
        confidence["awareness"] = aw_conf
        if hook is not None:
            confidence["hook"] = 0.9
        if product is not None:
            confidence["product"] = product_conf
        if mechanism is not None:
            confidence["mechanism"] = 0.6 if len(mech_segs) >= 2 else 0.45
        if log is not None:
            price = f"{offer.offer.amount:g} {offer.offer.currency or ''}".strip() if offer.offer else "no price"
            log(f"breakdown ({self.model}): {niche}, {lead} lead, {awareness}, {len(beats)} beats, {price}")
        return Breakdown(
            language=lang,
            niche=niche,
            awareness=awareness,
            lead_type=lead,
            beats=beats,
            offer_price=offer.offer,
            anchor_price=offer.anchor,
            guarantee_days=guarantee_days,
            pitch_s=pitch_s,
            product_reveal_s=reveal_s,
            hook=hook,
            product=product,
            mechanism=mechanism,
            engine=self.engine,
            model=self.model,
            evidence=evidence,
            confidence={k: round(v, 2) for k, v in confidence.items()},
            prices=offer.mentions,
            consistency=consistency_note(lead, awareness),
        )


def _unnamed_reveal(p: Prepared, beats: list[Beat], early_deal: int | None) -> int | None:
    """When the product is never named ("the program is $27"): the first offer or price beat, or a
    deal offered in the opening ("por 27 dólares hoy te llevas el sistema"), whichever is first."""
    first = next((b for b in beats if b.beat in ("offer", "price")), None)
    found = [] if first is None else [min(p.first_index_at(first.start), len(p.segments) - 1)]
    if early_deal is not None:
        found.append(early_deal)
    return min(found, default=None)
