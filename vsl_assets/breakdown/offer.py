"""The offer as said: price, anchor ("normally ...", "de ... por"), instalments and guarantee days.

A VSL says many amounts that are not its price: what a testimonial earned, a debt paid off, the
"less than two reais a day" framing, a bonus "worth $500".  So every amount is read in context:
words just before it mark it as an anchor ("já custou", "normally", "precio normal"), as an offer
("por apenas", "just", "hoy solo"), or as no price at all ("por mês", "a month", "de dívida"), and
the offer is the best-supported offer amount said after the opening.  Instalments ("12x de R$
19,70") are attached to the offer they add up to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vsl_assets.breakdown.models import Evidence, Price
from vsl_assets.breakdown.numbers import Money, find_money, parse_amount, transcript_currency
from vsl_assets.breakdown.prepared import Prepared, clip
from vsl_assets.breakdown.taxonomy import fold

# Cue words read right before an amount (folded text); the cue nearest the amount decides.
_ANCHOR_CUE = re.compile(
    r"\b(?:normalmente|geralmente|valor (?:cheio|normal|real|original)|preco (?:cheio|normal|original)|"
    r"ja foi vendid\w*|ja custou|custava|custaria|ja custava|era|valeria|poderia cobrar|em vez de|ao inves de|"
    r"volta (?:para|ao|a)|sai de|"
    r"normally|usually|regular(?:ly)?|retail|valued at|worth|would (?:normally )?cost|sells?|was|were|over|"
    r"instead of|goes back to|back to|last year|costs?|"
    r"precio (?:normal|regular|real)|cuesta|costaba|valor real|antes|en lugar de|en vez de|vuelve a)\b"
)
_OFFER_CUE = re.compile(
    r"\b(?:por apenas|por so|apenas|somente|so|hoje|agora|a vista|por|sai por|deixar por|leva|"
    r"just|only|today|now|special|for|it's|is|down to|"
    r"por solo|solo|hoy|ahora|a solo|sale en)\b"
)
_OFFER_AFTER = re.compile(r"^[^.;!?\d]{0,25}(?:a vista|no pix|one time|one-time|pagamento unico|pago unico)")
# Amounts that are not a price: earnings, debts, per-day framing, salaries.
_NOT_PRICE_AFTER = re.compile(
    r"^\s*(?:[^.;!?\d]{0,12})(?:por mes|por dia|ao dia|a month|per month|a year|per year|a day|per day|al mes|"
    r"por semana|a week|al dia|de divida|of (?:credit card )?debt|de deuda|em vendas|in sales|en ventas|"
    r"na conta|in my (?:checking )?account|en mi cuenta)"
)
_NOT_PRICE_BEFORE = re.compile(
    r"(?:fatur\w*|ganh\w*|lucr\w*|tirando|made|make|earn\w*|paid off|debt|salary|salario|ganancias|"
    r"gane|ganaba|menos de|less than|under)[^.;!?\d]{0,25}$"
)
#: How far before an amount (characters, no digit or sentence end between) a cue still counts.
_CUE_REACH = 40


def _cue_distance(cue: re.Pattern[str], before: str) -> int | None:
    """Characters between the last cue in ``before`` and its end, or None (a digit or a full stop between)."""
    best = None
    for m in cue.finditer(before):
        tail = before[m.end() :]
        if len(tail) <= _CUE_REACH and not re.search(r"[.;!?\d]", tail):
            best = len(tail)
    return best


_DE_POR = re.compile(
    r"\b(?:de|from)\s+(?:r\$|us\$|\$|€)?\s?(?P<a>\d[\d.,]*)\s+(?:reais\s+|dolares\s+|dollars\s+|pesos\s+)?"
    r"(?:por|to|a|para)\s+(?:apenas\s+|solo\s+|just\s+|only\s+)?(?:r\$|us\$|\$|€)?\s?(?P<b>\d[\d.,]*)"
)

_GUARANTEE_CUE = re.compile(
    r"garantia|reembolso|dinheiro de volta|devolv|devuelv|guarantee|refund|money back|money-back|"
    r"your money|every penny|every cent|cada centavo|sem risco|sin riesgo|testar|try it|para probar|probarlo"
)
_DURATION = re.compile(
    r"\b(?P<n>\d{1,3})\s*(?P<u>dias?|days?|dias?|semanas?|weeks?|mes(?:es)?|meses|months?|anos?|years?|anos?)\b"
)
_UNIT_DAYS = {"d": 1, "s": 7, "w": 7, "m": 30, "a": 365, "y": 365}


@dataclass
class _Mention:
    money: Money
    seg: int
    before: str
    after: str
    kind: str  # "anchor", "offer", "none" (not a price), "plain"
    score: float


def _context(p: Prepared, seg: int, money: Money) -> tuple[str, str]:
    text = p.folded[seg]
    before = text[: money.start]
    if len(before) < 40 and seg > 0:
        before = p.folded[seg - 1][-60:] + " " + before
    return before[-80:], text[money.end :][:60]


def _classify(before: str, after: str, money: Money) -> tuple[str, float]:
    if money.installments is not None:
        return "offer", 1.0
    if _NOT_PRICE_AFTER.match(after) or _NOT_PRICE_BEFORE.search(before[-40:]):
        return "none", 0.0
    anchor = _cue_distance(_ANCHOR_CUE, before)
    offer = _cue_distance(_OFFER_CUE, before)
    if anchor is not None and (offer is None or anchor < offer):
        return "anchor", 0.0
    score = (2.0 if offer is not None else 0.0) + (2.0 if _OFFER_AFTER.match(after) else 0.0)
    return ("offer" if score else "plain"), score


def _mentions(p: Prepared) -> list[_Mention]:
    currency = transcript_currency(p.digits, p.language)
    found: list[_Mention] = []
    for i, text in enumerate(p.folded):
        for money in find_money(text, p.language, currency):
            before, after = _context(p, i, money)
            kind, score = _classify(before, after, money)
            found.append(_Mention(money, i, before, after, kind, score))
        for m in _DE_POR.finditer(text):
            # "de 497 por 197": the first is the anchor even without a currency; add what find_money missed.
            for group, kind in (("a", "anchor"), ("b", "offer")):
                start = m.start(group)
                if any(x.seg == i and x.money.start <= start < x.money.end for x in found):
                    for x in found:
                        if x.seg == i and x.money.start <= start < x.money.end:
                            x.kind, x.score = kind, (3.0 if kind == "offer" else 0.0)
                    continue
                try:
                    amount = parse_amount(m.group(group))
                except ValueError:
                    continue
                money = Money(amount, currency, False, start, m.end(group))
                found.append(_Mention(money, i, text[:start][-80:], text[m.end(group) :][:60], kind, 3.0))
    return found


@dataclass
class OfferResult:
    offer: Price | None
    anchor: Price | None
    offer_evidence: Evidence | None
    anchor_evidence: Evidence | None


def _instalment_for(offer: _Mention, mentions: list[_Mention]) -> _Mention | None:
    near = [
        m
        for m in mentions
        if m.money.installments is not None
        and abs(m.seg - offer.seg) <= 3
        and 0.9 * offer.money.amount <= m.money.installments * m.money.amount <= 1.7 * offer.money.amount
    ]
    return min(near, key=lambda m: abs(m.seg - offer.seg), default=None)


def find_offer(p: Prepared, *, after_s: float = 0.0) -> OfferResult:
    """The offer and anchor prices, preferring amounts said from ``after_s`` (the pitch) on."""
    mentions = _mentions(p)
    offers = [m for m in mentions if m.kind in ("offer", "plain")]
    if not offers:
        return OfferResult(None, None, None, None)

    def rank(m: _Mention) -> tuple[float, float]:
        late = 1.0 if p.segments[m.seg].start >= after_s else 0.0
        whole = 0.5 if m.money.installments is None else 0.0
        return (m.score + 2 * late + whole, -m.seg)

    best = max(offers, key=rank)
    if best.money.installments is not None:
        # Only instalments said near the best: look for the cash price they add up to.
        totals = [
            m
            for m in offers
            if m.money.installments is None
            and abs(m.seg - best.seg) <= 3
            and 0.9 * m.money.amount <= best.money.installments * best.money.amount <= 1.7 * m.money.amount
        ]
        if totals:
            best = max(totals, key=rank)
    inst = best if best.money.installments is not None else _instalment_for(best, mentions)
    if best.money.installments is not None:
        n = best.money.installments
        offer = Price(
            amount=round(n * best.money.amount, 2),
            currency=best.money.currency,
            installments=n,
            installment_amount=best.money.amount,
        )
    else:
        offer = Price(
            amount=best.money.amount,
            currency=best.money.currency,
            installments=inst.money.installments if inst else None,
            installment_amount=inst.money.amount if inst else None,
        )
    anchors = [m for m in mentions if m.kind == "anchor" and m.money.amount > offer.amount]
    anchor = max(anchors, key=lambda m: m.money.amount, default=None)
    first, last = (min(best.seg, inst.seg), max(best.seg, inst.seg)) if inst else (best.seg, best.seg)
    return OfferResult(
        offer=offer,
        anchor=Price(amount=anchor.money.amount, currency=anchor.money.currency or offer.currency) if anchor else None,
        offer_evidence=p.evidence(first, last),
        anchor_evidence=p.evidence(anchor.seg) if anchor else None,
    )


def find_guarantee(p: Prepared) -> tuple[int | None, Evidence | None]:
    """Days of the money-back guarantee: a duration said in a sentence about refunds or trying."""
    best: tuple[int, int, int] | None = None  # (distance, days, segment)
    for i, text in enumerate(p.folded):
        cues = [m.start() for m in _GUARANTEE_CUE.finditer(text)]
        if not cues and i + 1 < len(p.folded) and _GUARANTEE_CUE.search(p.folded[i + 1]):
            cues = [len(text) + 40]  # the refund is promised in the next segment
        if not cues:
            continue
        for d in _DURATION.finditer(text):
            n = int(d.group("n"))
            days = n * _UNIT_DAYS[fold(d.group("u"))[0]]
            if not 1 <= days <= 3650:
                continue
            distance = min(abs(c - d.start()) for c in cues)
            if best is None or distance < best[0]:
                best = (distance, days, i)
        if best is not None and best[2] == i:
            break  # the first guarantee sentence with a duration decides
    if best is None:
        return None, None
    _, days, seg = best
    return days, p.evidence(seg)


def price_quote(p: Prepared, seg: int) -> str:
    return clip(p.segments[seg].text)


def offer_segments(p: Prepared) -> list[int]:
    """Segments (in order) where an amount is said as a price or an anchor (not earnings or debts)."""
    return sorted({m.seg for m in _mentions(p) if m.kind != "none"})
