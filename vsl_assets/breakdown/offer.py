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
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.taxonomy import fold

# Cue words read right before an amount (folded text); the cue nearest the amount decides.
# A strong anchor cue makes the amount an anchor even when an offer word stands closer
# ("she sells them for $97"); a weak one ("custa", "was", "cuesta") only when it is the closest cue,
# and even then the amount is an anchor only if a lower price follows (see _contrast).
_STRONG_ANCHOR = re.compile(
    r"\b(?:normalmente|geralmente|valor (?:cheio|normal|real|original)|preco (?:cheio|normal|original)|"
    r"ja foi vendid\w*|ja custou|custava|custaria|ja custava|valeria|poderia cobrar|em vez de|ao inves de|"
    r"volta (?:para|ao|a)|costumava|"
    r"normally|usually|regular(?:ly)?|retail|valued at|worth|would (?:normally )?cost|sells?|used to|"
    r"instead of|goes back to|back to|last year|"
    r"precio (?:normal|regular|real)|costaba|valor real|en lugar de|en vez de|vuelve a|solia|en tiendas|"
    # A few words of other languages, so an unsupported transcript still tells anchor from offer.
    r"normalement|habituellement|normalerweise|normalmente|solitamente)\b"
)
_WEAK_ANCHOR = re.compile(r"\b(?:era|was|were|over|costs?|custa|cuesta|vale|antes|sai de)\b")
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
    r"\b(?:garantia|reembolso|dinheiro de volta|devolv|devuelv|regresamos|guarantee|refund|money back|money-back|"
    r"your money|every penny|every cent|cada centavo|sem risco|sin riesgo|testar|try it|para probar|probarlo)"
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
    if _cue_distance(_STRONG_ANCHOR, before) is not None:
        return "anchor", 0.0
    weak = _cue_distance(_WEAK_ANCHOR, before)
    offer = _cue_distance(_OFFER_CUE, before)
    score = (2.0 if offer is not None else 0.0) + (2.0 if _OFFER_AFTER.match(after) else 0.0)
    if weak is not None and (offer is None or weak < offer):
        return "weak_anchor", score
    return ("offer" if score else "plain"), score


_CONTRAST = re.compile(
    r"\b(?:mas|porem|but|pero|sin embargo|however|hoje|today|hoy|agora|now|ahora|so que|"
    r"mais|aujourd'hui|maintenant|aber|heute|jetzt|ma|oggi|adesso)\b"
)


def _contrast(p: Prepared, found: list[_Mention]) -> None:
    """A price followed shortly by a lower one after "but"/"today" is the anchor of that lower one."""
    prices = sorted(
        (m for m in found if m.kind in ("offer", "plain", "weak_anchor") and m.money.installments is None),
        key=lambda m: (m.seg, m.money.start),
    )
    for k, high in enumerate(prices):
        for low in prices[k + 1 :]:
            if low.seg - high.seg > 3:
                break
            if low.money.amount >= high.money.amount:
                continue
            if low.seg == high.seg:
                between = p.folded[high.seg][high.money.end : low.money.start]
            else:
                between = p.folded[high.seg][high.money.end :] + " " + p.folded[low.seg][: low.money.start]
            if high.kind == "weak_anchor" or _CONTRAST.search(between):
                high.kind = "anchor"
                break
    for m in found:
        if m.kind == "weak_anchor":
            m.kind = "offer" if m.score else "plain"


#: Words that make a segment about price, so "de 497 por 197" there is an anchor and an offer.
_PRICE_CONTEXT = re.compile(
    r"r\$|\$|€|reais|dolares|dollars|euros|pesos|preco|valor|investimento|price|precio|cuesta|custa|costs?|"
    r"inversion|parcel|a vista"
)


def _mentions(p: Prepared) -> list[_Mention]:
    if "mentions" not in p.memo:
        p.memo["mentions"] = _read_mentions(p)
    found: list[_Mention] = p.memo["mentions"]
    return found


def _read_mentions(p: Prepared) -> list[_Mention]:
    currency = transcript_currency(p.digits, p.language)
    found: list[_Mention] = []
    for i, text in enumerate(p.folded):
        for money in find_money(text, p.language, currency):
            before, after = _context(p, i, money)
            kind, score = _classify(before, after, money)
            found.append(_Mention(money, i, before, after, kind, score))
        for m in _DE_POR.finditer(text) if _PRICE_CONTEXT.search(text) else ():
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
    _contrast(p, found)
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
    """Days of the money-back guarantee: the duration said nearest a refund/guarantee word.

    The word may be in the next segment ("you have 60 days to try it," / "full refund"), which
    counts as farther away than one in the same segment.
    """
    best: tuple[int, int, int] | None = None  # (distance, days, segment)
    for i, text in enumerate(p.folded):
        cues = [m.start() for m in _GUARANTEE_CUE.finditer(text)]
        penalty = 0
        if not cues and i + 1 < len(p.folded) and _GUARANTEE_CUE.search(p.folded[i + 1]):
            cues, penalty = [len(text)], 200
        for d in _DURATION.finditer(text):
            days = int(d.group("n")) * _UNIT_DAYS[fold(d.group("u"))[0]]
            if not cues or not 1 <= days <= 3650:
                continue
            distance = penalty + min(abs(c - d.start()) for c in cues)
            if best is None or distance < best[0]:
                best = (distance, days, i)
    if best is None:
        return None, None
    _, days, seg = best
    return days, p.evidence(seg)


def offer_segments(p: Prepared) -> list[int]:
    """Segments (in order) where an amount is said as a price or an anchor (not earnings or debts)."""
    return sorted({m.seg for m in _mentions(p) if m.kind != "none"})


def deal_segments(p: Prepared) -> set[int]:
    """Segments where an amount is said *as a deal*: with a price cue ("por", "just", "instead of"),
    an anchor, instalments or "one time" — not a bare amount ("I had $300 to my name")."""
    return {m.seg for m in _mentions(p) if m.kind in ("offer", "anchor") or (m.kind == "plain" and m.score > 0)}
