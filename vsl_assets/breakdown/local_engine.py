"""The ``local`` breakdown engine: offline, deterministic rules over multilingual lexicons.

It reads, in order: the offer (prices, instalments, guarantee: language-neutral enough to work on
any transcript), the product and mechanism names, the beats (cue scores smoothed into spans), the
pitch second (first mention of the product or first offer/price beat), then niche, lead type and
awareness.  Each label carries the quote and time it was read from.  A transcript in a language
without lexicons (not pt/en/es) gets what the numbers alone give (prices, guarantee) and
``status="unsupported_language"``.

Its limits, compared with a language model: it only sees the words in its lexicons, so an unusual
phrasing of a guarantee, a lead that is implied rather than said, or a product never introduced by
a cue ("chamado", "called") is missed; in exchange it is free, instant and gives the same answer
every time.
"""

from __future__ import annotations

from collections.abc import Sequence

from vsl_assets.breakdown import beats as beat_rules
from vsl_assets.breakdown.labels import classify_awareness, classify_lead, classify_niche, consistency_note
from vsl_assets.breakdown.models import SUPPORTED_LANGUAGES, Beat, Breakdown, Evidence
from vsl_assets.breakdown.names import find_hook, find_mechanism, find_product
from vsl_assets.breakdown.offer import find_guarantee, find_offer, offer_segments
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.transcription.base import LogFn
from vsl_assets.transcription.models import Segment

ENGINE = "local"
MODEL = "rules-v1"
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
        guarantee_days, g_ev = find_guarantee(p)
        if g_ev is not None:
            evidence["guarantee_days"] = g_ev
        if lang not in SUPPORTED_LANGUAGES:
            offer = find_offer(p, after_s=p.duration * 0.4)
            if offer.offer_evidence is not None:
                evidence["offer_price"] = offer.offer_evidence
            if offer.anchor_evidence is not None:
                evidence["anchor_price"] = offer.anchor_evidence
            return Breakdown(
                language=lang,
                offer_price=offer.offer,
                anchor_price=offer.anchor,
                guarantee_days=guarantee_days,
                engine=self.engine,
                model=self.model,
                evidence=evidence,
                status="unsupported_language",
                note=(
                    f"language {lang or 'unknown'!r} has no lexicons (pt, en and es do): only prices and the "
                    "guarantee were read"
                ),
            )
        product, product_ev, product_segs = find_product(p)
        mechanism, mech_ev, mech_segs = find_mechanism(p, product)
        price_segs = offer_segments(p)
        signals = beat_rules.Signals(
            price_segments=price_segs,
            guarantee_segments={p.first_index_at(g_ev.start)} if g_ev is not None else set(),
            product_segments=set(product_segs),
            mechanism_segments=set(mech_segs),
        )
        labels = beat_rules.segment_labels(p, lang, signals)
        beats = beat_rules.to_beats(p, labels)
        hook_n = labels.count("hook")
        early = next((i for i in price_segs if p.segments[i].start < EARLY_PRICE_S), None)
        pitch_s, pitch_ev = _pitch(p, beats, product_segs, early)
        # Prices said before the pitch are rarely the offer (a testimonial's earnings, an opening anecdote).
        offer = find_offer(p, after_s=pitch_s if pitch_s is not None else p.duration * 0.4)
        niche, niche_ev = classify_niche(p, lang, pitch_s)
        lead, lead_ev, _scores = classify_lead(p, lang, hook_n, early)
        awareness, aw_ev = classify_awareness(p, lang, lead, hook_n, pitch_s, niche)
        hook, hook_ev = find_hook(p, hook_n)
        for key, ev in (
            ("niche", niche_ev),
            ("lead_type", lead_ev),
            ("awareness", aw_ev),
            ("offer_price", offer.offer_evidence),
            ("anchor_price", offer.anchor_evidence),
            ("pitch_s", pitch_ev),
            ("hook", hook_ev),
            ("product", product_ev),
            ("mechanism", mech_ev),
        ):
            if ev is not None:
                evidence[key] = ev
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
            hook=hook,
            product=product,
            mechanism=mechanism,
            engine=self.engine,
            model=self.model,
            evidence=evidence,
            consistency=consistency_note(lead, awareness),
        )


def _pitch(
    p: Prepared, beats: list[Beat], product_segs: list[int], early_price: int | None
) -> tuple[float | None, Evidence | None]:
    """The first second the product or the offer is revealed.

    The product's first mention when its name is known (beats are noisier), or a price said in the
    opening if earlier; without a name, the first offer or price beat.
    """
    candidates: list[int] = []
    if early_price is not None:
        candidates.append(early_price)
    if product_segs:
        candidates.append(product_segs[0])
    else:
        first = next((b for b in beats if b.beat in ("offer", "price")), None)
        if first is not None:
            candidates.append(min(p.first_index_at(first.start), len(p.segments) - 1))
    if not candidates:
        return None, None
    i = min(candidates)
    return p.segments[i].start, p.evidence(i)
