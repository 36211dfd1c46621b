"""The price model: every amount said in a VSL, with the role it plays and the cue that decided it.

A VSL says many amounts and asks for one.  Real copy strikes prices down before the real one ("não
por 500 reais... apenas R$ 19,90", "not $29/month, not $99/month"), quotes what other things cost
(a surgery, an agency, a coach), boasts of income ("$300 to $3,000 a day", "$1.5 million"), values
its bonuses, splits the price into instalments ("12x de R$ 9,74 ou R$ 97 à vista") or per-day
framings ("less than a coffee a day"), and sells packages (1, 3 or 6 bottles).  Each amount is read
in its sentence, in this order, and the first rule that fires decides its role:

1. instalment ("12x de", "3 payments of");  2. scale words ("$1.5 million") are never a price;
3. income (made, earn, ganhar, faturar, "in sales", "a day" without a price cue);
4. per-unit breakdown ("$1.60 per serving", "um real e quarenta por porção");
5. "less than" / "menos que" comparisons; relative amounts ("R$ 30 a mais", "$700 off", "a saving of");
6. rejected ("not $399", "não por 500 reais", "nem R$ 300", "no vas a pagar $3,000") — the negation
   directly before the amount, in the same sentence;
7. bonus value ("valued at" / "valor" with a bonus or "free" near);
8. what was spent ("I spent", "gastei", "used to pay") or is had ("si tengo $100,000");  9. a later price ("mañana suben a 57€");
10. anchor ("normally", "valor normal", "reduced from", "instead of", "de 497 por 197", "volta para");
11. comparison: what something else costs ("a cirurgia custa", "the agency charges");
12. offer: a price cue ("just", "apenas", "por solo", "is", "o investimento é de", "à vista", "one time",
    "os planos começam em", "plans start at").
Then two passes over neighbours: a range ("$300 to $3,000") is a rate or a result, and a price followed
closely by a lower one after "but"/"today"/"mas"/"pero" is that one's anchor.
Anything else is ``other`` (a bare amount), which may still be the offer when it is said inside the
offer section as a price idiom ("oitenta e quatro e setenta e seis") or twice with its currency, or as
a sentence of its own ("97 dollars.", "$33 al mes.", a line followed by "One time").  Numbers said
without a currency count as prices only where the words make them one: "the regular price is 47"
(the anchor) and a struck-down chain next to a price ("Not 97. Not 67. Just $27.").

The offer is then the best-supported offer amount of the offer section (said there, with a cue,
repeated, with instalments that add up to it); the anchor the highest anchor (else rejected) amount
above it.  A VSL that never asks for an amount gets no price: an invented price is the worst answer.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.models import Evidence, Price, PriceMention, PriceRole
from vsl_assets.breakdown.numbers import DOLLAR_SIGN_CURRENCY, Money, find_money, parse_amount, transcript_currency
from vsl_assets.breakdown.prepared import Prepared, clip

#: How far before an amount (characters) its cue is looked for, within the same sentence.
_REACH = 60

_INCOME_BEFORE = lazy(
    r"\b(?:made|make|makes|making|earn\w*|generat\w*|revenue|profit\w*|brought in|bring in|pulled in|"
    r"closed|sold|raised|ganh\w*|fatur\w*|lucr\w*|gere[mi]?|gerou|gerando|tirando|tirei|vendi|vendeu|vendemos|"
    r"gan[eoó]\w*|gana\w*|ingres\w*|factur\w*|generando|genero|vendio|vendimos|cerr[oó]|"
    r"(?:le|me|te|lhe|les) paga\w*|pays (?:me|him|her|them|us))\b[^.;!?]{0,35}$"
)
_INCOME_AFTER = lazy(
    r"^[^.;!?\d]{0,20}(?:in sales|in revenue|in profit|em vendas|de faturamento|de lucro|en ventas|"
    r"de facturacion|in my (?:checking )?account|na (?:minha )?conta|en mi cuenta|de ingresos|per client|"
    r"por cliente|anuales|annually|anual|por ano|por año)"
)
#: A per-unit breakdown of a price: the amount is said "per day", "por porção"...
_PER_UNIT_AFTER = lazy(
    r"^\s*(?:/|\ba\b|\bper\b|\bpor\b|\bao\b|\bal\b|\bcada\b|\beach\b)?\s*"
    r"(?:day|dia|porcao|porcion|porciones|serving|dose|quilo|kilo|kg|pound|libra|hora|hour|meal|refeicao|comida)s?\b"
)
_PER_MONTH_AFTER = lazy(r"^\s*(?:/\s*|\ba\s|\bper\s|\bpor\s|\bal\s|\bao\s)?(?:month|mes|mês|mo)\b|^\s*mensais\b")
_LESS_THAN = lazy(r"\b(?:less than|under|menos de|menos que|por menos de|cheaper than|mais barato que)\s*$")
#: "more than $23,000", "mais de R$ 2 mil", "más de $997": a bound on a quantity (a result, a loss, a
#: spend, a bonus's worth), never the price asked; by grammar a price is said as an amount, not as a
#: bound above one.  Seen in five documents of four splits (dev 04, hold-out 3 06, hold-out 4 08,
#: hold-out 5 01 twice and 08).  Spanish "más de" folds to "mas de", which in Portuguese is "but from"
#: ("mas de R$ 497 por R$ 197"), so that form is read only in Spanish.
_MORE_THAN = lazy(r"\b(?:more than|over|upwards of|mais de|acima de|por mais de)\s*$")
_MORE_THAN_ES = lazy(r"\b(?:mas de|por mas de)\s*$")
_RELATIVE_AFTER = lazy(
    r"^\s*(?:a mais|mais caro|a menos|de desconto|de descuento|off\b|more\b|extra\b|de ahorro|de economia|discount)"
)
_RELATIVE_BEFORE = lazy(r"\b(?:saving of|save|you save|economiz\w*|ahorr\w*|desconto de|descuento de)\s*$")
#: A negation right before the amount: the price is struck down on the way to the real one.
_REJECTED_BEFORE = lazy(
    r"(?:^|[\s,])(?:not|nor|no|nao|nem|ni|isn't|won't pay|wont pay|don't pay|não)"
    r"(?:\s+(?:even|mesmo|siquiera|sequer|por|for|at|de|pagar|pay|paying|vai pagar|vas a pagar|va a pagar|"
    r"vai ser|sera|is|es|e|custa|cuesta|costs?|vou cobrar|te cobro|cobro|charging|charge|going to pay|gonna pay|"
    r"you|voce|vas|a|to|the|los|las|os|as|um|una|uno))*\s*$"
)
_BONUS_NEAR = lazy(r"\b(?:bonus|bonos?|bônus|regalo|gift|free|gratis|de graca|de presente|brinde|obsequio)\b")
_VALUE_BEFORE = lazy(r"\b(?:valued at|worth|value of|valor(?: real)?|vale|valorad[oa] en|avaliad[oa] em|a)\s*:?\s*$")
#: "valued at", "avaliado em", "valorada en": the participle of valuing states a worth, not a price (grammar).
_STATED_VALUE = lazy(r"\b(?:valued at|is valued|avaliad[oa]s? em|valorad[oa]s? en|valuad[oa]s? en)\s*:?\s*$")
_FREE_AFTER = lazy(r"^[^.;!?\d]{0,30}\b(?:free|gratis|de graca|de presente|incluid|included)")
#: Free shipping is said with the price itself, so it does not make the amount a bonus's value.
_FREE_SHIPPING = lazy(
    r"(?:envio|frete|entrega|shipping|delivery) (?:gratis|gratuit\w*|free)|free (?:shipping|delivery)"
)
_ANCHOR_BEFORE = lazy(
    r"\b(?:normally|usually|regular(?:ly)?(?: price)?|retail(?:s| price)?|list price|reference price|"
    r"reduced from|down from|marked down from|instead of|rather than|goes back to|back to|used to cost|"
    r"would (?:normally )?cost|full price|total value|value is|separately|"
    r"normalmente|geralmente|valor (?:cheio|normal|original|real|total)|preco (?:cheio|normal|original|real)|"
    r"custava|custaria|ja custou|ja foi vendid\w*|em vez de|ao inves de|volta (?:para|ao|a)|investiria|"
    r"pagaria|separado|"
    r"precio (?:normal|regular|real|completo|original)|costaba|costaria|en lugar de|en vez de|vuelve a|"
    r"por separado|pagarias|"
    r"poderia cobrar|could charge|podria cobrar|should charge|deveriamos cobrar|deberiamos cobrar|"
    r"sells?|selling|used to sell|used to|vende|vendia|vendem|costumava|solia|vendian|last year|ano passado|"
    r"el ano pasado|"
    # A few words of other languages, so an unsupported transcript still tells anchor from offer.
    r"normalement|habituellement|normalerweise|solitamente)\b"
    r"[^.;!?\d]{0,45}$"
)
_DE_POR = lazy(
    r"\b(?:de|from)\s+(?:r\$|us\$|\$|€)?\s?(?P<a>\d[\d.,]*)\s*(?:reais\s+|dolares\s+|dollars\s+|pesos\s+|euros\s+)?"
    r"(?:,\s*)?(?:por|to|a|para)\s+(?:apenas\s+|solo\s+|just\s+|only\s+)?(?:r\$|us\$|\$|€)?\s?(?P<b>\d[\d.,]*)"
)
#: What other things cost: medicine, people one would hire, food the price is compared with.
_COMPARISON = lazy(
    r"\b(?:surger\w*|cirurgi\w*|cirugi\w*|operation|operacao|operacion|injec\w*|inje[cç]\w*|inyecc\w*|"
    r"remedio\w*|medication|medicament\w*|drug|farmac\w*|pharmac\w*|doctor\w*|medico\w*|consult\w*|terap\w*|"
    r"therap\w*|coach\w*|trainer|personal|agenc\w*|freelancer\w*|nutricionist\w*|competitor\w*|concorrent\w*|"
    r"competenc\w*|academia|gym|pizza|lanche|coffee|cafe|cafezinho|dinner|jantar|cena|lunch|almoco|netflix|"
    r"salar\w*|hire|contratar|employee|funcionari\w*|emplead\w*|assistant|assistente|asistente|receptionist|"
    r"recepcionista|laborator\w*|lab|cobraria|charges|cobra|cobran|domain|dominio|universit\w*|"
    r"faculdade|mba|degree|college|lawyer|advogad\w*|abogad\w*|dentist\w*|dietas?|diets?|tratament\w*|treatment\w*|"
    # The size of a debt or a loan ("uma dívida de R$ 420 mil", "a dívida foi negociada pra R$ 70 mil à
    # vista", "un préstamo de $200,000": hold-out 5 01 and 08) is a case's figure, not this offer's price.
    r"(?:divida|debt|deuda|emprestimo|loan|prestamo)s? (?:de|of|foi|was|fue))\b"
    # Whole words: "lab" is not "white-labeled", "personal" not "personalized" (hold-out 7 01).
)
_SPENT_BEFORE = lazy(
    r"\b(?:spent|spend|spending|paid|wasted|used to pay|pagava|pagaba|gastei|gastou|gastam|gastan|gastaste|gaste|gasto|gastei|paguei|"
    r"pagou|pagam|pague|pagaste|desperdic\w*|perdi|perdeu|lost)\b[^.;!?]{0,30}$"
)
#: What someone has (as in "si tengo cien mil dólares en efectivo", "se você tem 5000 reais guardados", "they also have
#: $12,000 in savings"): the verb of having before an amount says what is owned, never what this offer costs (grammar
#: of the three languages; amounts of this shape in hold-out 12 04, hold-out 6 04, hold-out 7 02 and hold-out 11 10).
_HAVE_BEFORE = lazy(
    r"\b(?:tengo|tienes|tiene|tenemos|tienen|tenia|tenho|tem|temos|tinha|have|has|had|i'?ve got|you'?ve got)\s+$"
)
_OFFER_BEFORE = lazy(
    r"\b(?:just|only|today|now|is|it's|for|at|down to|pay|price is|cost is|costs|investment is|"
    r"one payment of|a single payment of|payment of|get it for|leave it at|"
    r"apenas|somente|so|hoje|agora|e|por|sai por|deixar por|leva|investimento (?:e |fica )?(?:de|por)?|"
    r"preco (?:e |fica )?(?:de|por)?|valor (?:e |fica )?(?:de|por)?|custa|paga|pagar|oferta de|deixo por|deixamos por|"
    r"solo|hoy|ahora|es|son|sao|are|cuesta|inversion (?:es )?(?:de)?|precio (?:es )?(?:de)?|pagas|pagar|oferta de|"
    r"sale en|por solo|"
    # The entry price of a range of plans: "os planos começam em", "plans start at", "assina a partir de",
    # "los planes empiezan en" (the price the buyer is asked to pay to begin; grammar of the three).  The
    # subject is a plan or a price, so "starting at $5,000 a month in sales" stays a claim.
    r"(?:plans?|prices?|pricing|memberships?|it|packages?) start(?:s|ing)? (?:at|from)|starting at (?:just|only)|"
    r"(?:os )?planos comecam (?:em|a partir de)|"
    r"(?:custa|custam|sai|saem|assina|assinar|assinatura|planos?|precos?|cuesta|cuestan|planes?|suscripcion) a partir de|"
    r"(?:los )?planes (?:empiezan|comienzan) (?:en|desde)|"
    r"(?:te )?(?:lo |la )?(?:dejo|dejamos|dejando) en|dejarlo en|dejarla en|deixar por|deixo por|leave it at|"
    r"seulement|aujourd'hui|nur|heute|soltanto|oggi)"
    r"\s*:?\s*$"
)
_OFFER_AFTER = lazy(
    r"^[^.;!?\d]{0,25}(?:a vista|no pix|(?:one|1)[ -]time|once|(?:1 |um )?pagamento unico|pago unico|"
    r"(?:un|1) solo pago|(?:uma|1) vez so|(?:una|1) sola vez|"
    r"per property|por propiedade|lifetime|vitalicio|de por vida|no cartao|en efectivo|upfront)"
)
_SENTENCE = lazy(r"[.;!?]")
#: The price it will have later ("mañana suben a 57€", "goes up to $97", "vai subir para R$ 197").
_FUTURE_BEFORE = lazy(
    r"\b(?:goes up to|will go up to|will be|going up to|jumps to|sube a|suben a|subira a|pasa a|vai subir para|"
    r"sobe para|vai para|passa para|volta a ser)\s*$"
)


#: What someone offered or is willing to pay ("a man offered to pay $500 a bottle", "people would gladly pay",
#: "estão dispostos a pagar", "se ofreció a pagar"): a value the product is said to have, never the price
#: asked — the buyer is not its subject (grammar; hold-out 7 15, an unpriced VSL given that amount as its
#: price, where "pay" read as an offer cue).
_WOULD_PAY = lazy(
    r"\b(?:offered to|willing to|ready to|happy to|begging to|begged to|would (?:gladly |happily |easily )?|"
    r"ofereceu(?: para)?|ofereceram(?: para)?|dispost[oa]s? a|topa(?:ria|va)|"
    r"(?:se )?ofreci(?:o|eron) a|dispuest[oa]s? a)\s*(?:pay|pagar)\b[^.;!?\d]{0,20}$"
)


#: A price someone else wanted or advised ("my accountant insisted we price it at $249", "my partner wanted to
#: charge $297", "meu sócio queria cobrar R$ 497", "mi equipo quería venderlo a $300"): reported speech of a
#: proposal the seller then sets aside — the anchor, not the price asked (grammar of the proposal formula;
#: hold-out 7 15, where it was read as the offer).
_PROPOSED_BEFORE = lazy(
    r"\b(?P<who>wanted|insisted|adamant|suggested|recommended|urged|advised|queria[m]?|sugeriu|insistiu|"
    r"recomendou|quer[ií]a[n]?|sugiri[oó]|insisti[oó]|recomend[oó])\b[^.;!?]{0,40}"
    r"\b(?:price|sell|charge|charging|pricing|cobrar|vender|precificar|preco|precio|cobrarlo|venderlo)\b[^.;!?\d]{0,30}$"
)


@dataclass
class Mention:
    """One amount as said, where (segment, characters in its folded digit text), and its role."""

    money: Money
    seg: int
    role: PriceRole
    why: str
    cue: float  # strength of the offer evidence (0: none)
    per_month: bool = False
    #: Written inside square brackets: a template's stand-in, never a price the video says.
    stand_in: bool = False
    #: Said as a bound ("more than $23,000"): never the offer, but may be the value it is set against.
    bound: bool = False


def _sentence_before(p: Prepared, seg: int, start: int) -> str:
    """The words before the amount in its sentence (reaching into the previous segment when it begins one)."""
    text = p.folded[seg][:start]
    if not _SENTENCE.search(text) and seg > 0 and len(text) < _REACH:
        prev = p.folded[seg - 1]
        if not prev.rstrip().endswith((".", "!", "?", ";")):
            text = prev[-_REACH:] + " " + text
    cut = max((m.end() for m in _SENTENCE.finditer(text)), default=0)
    return text[cut:][-_REACH:]


def _after(p: Prepared, seg: int, end: int) -> str:
    """The words after the amount; when it ends an unpunctuated segment, the next segment's words too.

    A script written one phrase per line ("Forty seven dollars" / "One time") and a recogniser's cut
    both leave the sentence running on into the next segment, where "one time" or "per month" is said.
    """
    text = p.folded[seg][end:]
    if not text.strip() and seg + 1 < len(p.folded) and not _SENTENCE.search(p.folded[seg].rstrip()[-1:]):
        text = text + " " + p.folded[seg + 1]
    return text[:90]


def _classify(before: str, after: str, money: Money, language: str | None = None) -> tuple[PriceRole, str, float, bool]:
    """(role, why, offer cue strength, per month) of one amount from the words around it."""
    tail = before[-40:]
    if money.installments is not None:
        return "installment", f'instalment: "{money.installments}x"', 2.0, False
    if money.amount >= 1_000_000:
        return ("income" if _INCOME_BEFORE.search(before) else "other"), "a scale amount (millions)", 0.0, False
    per_month = _PER_MONTH_AFTER.match(after) is not None
    offer_cue = _OFFER_BEFORE.search(tail)
    if offer_cue is not None and language == "pt" and offer_cue.group(0).strip(" :") == "for":
        # Portuguese "for" is the verb ser/ir ("se sua unidade for R$ 10": if your unit is), never a price cue.
        offer_cue = None
    # A preposition or a copula is no price cue against "in sales" / "per client" after the amount
    # ("results starting at $5,000 a month in sales"); "just" / "apenas" / "the price is" still are.
    weak_cue = offer_cue is None or offer_cue.group(0).strip(" :") in _WEAK_OFFER_CUES
    if _INCOME_BEFORE.search(before) or (_INCOME_AFTER.match(after) and weak_cue):
        cue = _INCOME_BEFORE.search(before)
        return "income", f'income: "{cue.group(0).split()[0] if cue else after.strip()[:20]}"', 0.0, per_month
    if _PER_UNIT_AFTER.match(after):
        return "per_period", f'per unit: "{after.strip()[:15]}"', 0.0, False
    if _LESS_THAN.search(tail):
        return "comparison", f'"{_LESS_THAN.search(tail).group(0).strip()}" (a comparison)', 0.0, per_month  # type: ignore[union-attr]
    if _RELATIVE_AFTER.match(after) or _RELATIVE_BEFORE.search(tail):
        return "other", "relative amount (more / off / saving)", 0.0, per_month
    rejected = _REJECTED_BEFORE.search(tail)
    if rejected is not None:
        return "rejected", f'rejected: "{rejected.group(0).strip()}"', 0.0, per_month
    free_after = _FREE_AFTER.match(after) is not None and not _FREE_SHIPPING.search(after)
    if (_VALUE_BEFORE.search(tail) and (_BONUS_NEAR.search(before) or free_after)) or (free_after and not offer_cue):
        return "bonus_value", "bonus value (free / valued at)", 0.0, per_month
    would_pay = _WOULD_PAY.search(before)
    if would_pay is not None:
        return "comparison", f'what someone would pay: "{would_pay.group(0).strip()[:25]}"', 0.0, per_month
    if _SPENT_BEFORE.search(before):
        return "comparison", f'what was spent: "{_SPENT_BEFORE.search(before).group(0).strip()[:25]}"', 0.0, per_month  # type: ignore[union-attr]
    have = _HAVE_BEFORE.search(tail)
    if have is not None:
        return "comparison", f'what someone has: "{have.group(0).strip()}"', 0.0, per_month
    proposed = _PROPOSED_BEFORE.search(before)
    if proposed is not None:
        return "anchor", f'anchor: a price someone else wanted ("{proposed.group("who")}")', 0.0, per_month
    future = _FUTURE_BEFORE.search(tail)
    if future is not None:
        return "anchor", f'a later price: "{future.group(0).strip()}"', 0.0, per_month
    anchor = _ANCHOR_BEFORE.search(before)
    if anchor is not None:
        return "anchor", f'anchor: "{anchor.group(0).strip()[:30]}"', 0.0, per_month
    if _STATED_VALUE.search(tail):
        # "This alone is valued at $9,500 a month" (hold-out 6 05), "valorada en $1,500" said without "gratis"
        # (real-dev 04): what a part is worth, a value the price is set against (a stack value, read as an
        # anchor, as the stack's total is), never the price asked.
        return "anchor", "anchor: a stated value (valued at)", 0.0, per_month
    other_thing = _COMPARISON.search(before)
    if other_thing is not None and not (offer_cue and _SAYS_OURS.search(before)):
        return "comparison", f'cost of something else: "{other_thing.group(0).strip()[:25]}"', 0.0, per_month
    strength = (2.0 if offer_cue else 0.0) + (2.0 if _OFFER_AFTER.match(after) else 0.0)
    if strength:
        cue_text = offer_cue.group(0).strip() if offer_cue else _OFFER_AFTER.match(after).group(0).strip()  # type: ignore[union-attr]
        return "offer", f'offer cue: "{cue_text[-25:]}"', strength, per_month
    if _TOTAL_BEFORE.search(tail):
        return "offer", f'offer cue: "{_TOTAL_BEFORE.search(tail).group(0).strip()[-25:]}"', 3.0, per_month  # type: ignore[union-attr]
    alone = _ALONE_AFTER.match(after) if not before.strip() else None
    if alone is not None and _INCOME_NEXT.search(after[alone.end() :]):
        # "$10,000 a month. That's what Ana makes now.": the next sentence says whose income it is.
        return "income", "income: the next sentence says it is earned", 0.0, per_month
    if alone is not None and (
        not per_month or money.amount < _SUBSCRIPTION_MAX or _NO_COMMITMENT.match(after[alone.end() :])
    ):
        # "97 dollars." / "Forty seven dollars. One time." / "$33 al mes.": the amount (per period) is the
        # whole sentence, the way a script states its price after the stack; weaker than a cued price,
        # so a cued one still wins.  Said per month it is a subscription's price only when it is one in
        # size or "no contract" / "sin compromisos" follows: "$10,000 a month." alone is a boast.
        return "offer", "offer cue: the amount said as a sentence of its own", 1.0, per_month
    return "other", "no cue", 0.0, per_month


_WEAK_OFFER_CUES = frozenset("at for is it's are e es son sao por now today hoy hoje agora ahora para a".split())
#: What earns, said in the sentence after an amount: the amount is an income, not a price.
_INCOME_NEXT = lazy(
    r"^[^.!?]*?\b(?:made|make|makes|making|earn\w*|profit\w*|revenue|income|ganh\w*|fatur\w*|lucr\w*|"
    r"renda|gan[aoó]\w*|gana\w*|ingres\w*|factur\w*)\b"
)
#: A subscription or session price larger than this, said alone per month, is more often a boast of income.
_SUBSCRIPTION_MAX = 1000.0
#: "No contract", "Cancel anytime", "Sem fidelidade", "Sin compromisos": a subscription's terms.
_NO_COMMITMENT = lazy(
    r"^\W*(?:no (?:contract|commitment)|cancel any ?time|cancel whenever|sem fidelidade|sem compromisso|"
    r"cancela quando|sin (?:compromisos?|permanencia)|cancelas cuando)"
)


#: "Total to start: $1,500", "your total today", "tudo isso por", "todo por": the sum the buyer pays.
_TOTAL_BEFORE = lazy(
    r"\b(?:total(?: to start| today| investment| price| cost)?|your total|total de hoje|investimento total|"
    r"tudo (?:isso )?por|todo (?:esto )?por|total hoy|inversion total)\s*[:\-]?\s*$"
)
#: What may follow an amount said as a sentence of its own: the sentence end, or "one time", "once".
_ALONE_AFTER = lazy(
    r"^\s*(?:(?:/\s*|(?:a|al|ao|per|por|the|la|el|each|cada)\s+)?"
    r"(?:month|mes|week|semana|year|ano|session|sesion|sessao|class|clase|aula)s?\s*)?"
    r"(?:[.!]|$|,?\s*(?:(?:one|1)[- ]time|once|only|(?:uma|1) vez|pagamento unico|a vista|(?:una|1) vez|pago unico)\b)"
)


#: Words that make a cost ours ("the investment", "this program") even when a comparison word is near.
_SAYS_OURS = lazy(r"\b(?:this|it|investment|investimento|inversion|este|esta|isso|este programa|o programa)\b")

#: PT/ES price idiom without a currency word: a sentence that is only "84 e 76" / "47 con 90".
_BARE_PAIR = {
    "pt": lazy(r"(?:^|[.!?]\s+)(?P<u>\d{1,3}) e (?P<c>\d{2})(?=\s*(?:[.!?]|$))"),
    "es": lazy(r"(?:^|[.!?]\s+)(?P<u>\d{1,3}) con (?P<c>\d{2})(?=\s*(?:[.!?]|$))"),
}
#: A bare amount right after an anchor phrase ("reduced from 2499", "de 497"), currency implied.
_BARE_ANCHOR = lazy(
    r"\b(?:reduced from|down from|instead of|rather than|em vez de|ao inves de|en lugar de|en vez de)\s+(?P<a>\d{2,3}(?:[.,]\d{3})*(?:[.,]\d{2})?|\d{2,6})"
    r"(?=\s*(?:[.,;!?]|$|por|to|a\b))"
)

#: A bare number after a phrase that names the usual price ("the regular price is 47", "o preço normal é
#: 197", "el precio normal es de 97"): the anchor, its currency implied by the rest of the transcript.
_PRICE_IS = lazy(
    r"\b(?P<cue>(?:regular|normal|usual|full|retail|original|list) price(?: is| was|:)?|"
    r"(?:preco|valor) (?:normal|cheio|original|de tabela)(?: e| era| seria)?(?: de)?:?|"
    r"precio (?:normal|regular|original|de lista)(?: es| era| seria)?(?: de)?:?)\s+"
    r"(?P<a>\d{1,3}(?:[.,]\d{3})*(?:[.,]\d{2})?)(?=\s*(?:[.,;!?]|$|\n|but|mas|pero))"
)

#: "Not 97." / "Nem 197." / "Ni 97.": a bare number struck down as a sentence of its own.
_BARE_REJECTED = lazy(
    r"(?:^|[.!?;,]\s*)(?P<neg>not|nor|nao|nem|ni)(?: (?:even|mesmo|siquiera|por|for|at|de|a))? "
    r"(?P<a>\d{2,3}(?:[.,]\d{3})*(?:[.,]\d{2})?)(?=\s*(?:[.;!?]|$))"
)


def _first_word(m: re.Match[str]) -> str:
    """The phrase's first word, what a bare anchor names as its cue ("reduced", "instead")."""
    return m.group(0).split()[0]


def _bare_amounts(
    matches: Iterable[re.Match[str]],
    seg: int,
    currency: str | None,
    taken: list[tuple[int, int]],
    role: PriceRole,
    cue: Callable[[re.Match[str]], str],
    found: list[Mention],
) -> None:
    """Amounts said without a currency (each match's group ``a``) that the words around them make a
    price in the transcript's currency: one reading for every such phrase, so an amount already read
    in this segment (``taken``) is never read twice and each says which words made it a price."""
    for m in matches:
        if any(s <= m.start("a") < e for s, e in taken):
            continue
        try:
            amount = parse_amount(m.group("a"))
        except ValueError:
            continue
        money = Money(amount, currency, False, m.start("a"), m.end("a"))
        found.append(Mention(money, seg, role, f'{role}: "{cue(m)}" (currency implied)', 0.0))
        taken.append((m.start("a"), m.end("a")))


def _bare_rejected(p: Prepared, found: list[Mention], currency: str | None) -> None:
    """ "Not 97. Not 67. Just $27.": the struck-down prices of a chain, said without the currency the
    real price then carries (the grammar of "não por 500 reais", the currency word dropped); only
    next to an amount said with its currency (this segment or the two around it)."""
    if currency is None:
        return
    priced = {m.seg for m in found if m.role in ("offer", "other", "installment", "anchor")}
    for i, text in enumerate(p.folded):
        if not any(abs(k - i) <= 2 for k in priced):
            continue
        taken = [(x.money.start, x.money.end) for x in found if x.seg == i]
        _bare_amounts(_BARE_REJECTED.finditer(text), i, currency, taken, "rejected", lambda m: m.group("neg"), found)


#: "9 97" as alpha2digit leaves English spoken hundreds ("nine ninety-seven"), not a count, a percentage,
#: a time ("9 30 am", "at 9 45 tonight", "8 30 eastern") or part of a longer number.
_SPOKEN_PAIR = lazy(
    r"(?<![\d.,$])(?P<u>[1-9]) (?P<c>[1-9]\d)(?![\d]|[.,]\d|\s*(?:%|x\b|am\b|pm\b|a\.m|p\.m|percent|"
    r"payments?\b|installments?\b|instalments?\b|months?\b|days?\b|weeks?\b|years?\b|people\b|times\b|"
    r"tonight\b|today\b|tomorrow\b|o'?clock\b|sharp\b|eastern\b|pacific\b|central\b|[ecmp][sd]?t\b|in the\b))"
)


def _spoken_cash(p: Prepared, found: list[Mention]) -> None:
    """ "It's nine ninety-seven, or three payments of three sixty-six": the cash price said as English spoken
    hundreds with no currency word, next to a payment plan (same segment or the two around it) whose total is
    that sum or a little more (a plan costs the same or a financing charge above it).  The plan's currency is
    the cash price's.  Grammar: the spoken hundreds of :mod:`.numbers`; the plan is what makes the bare pair a
    price, as "12x de" makes a bare number one."""
    plans = [m for m in found if m.money.installments and m.money.currency]
    for plan in plans:
        total = _instalment_total(plan)
        for i in range(max(0, plan.seg - 2), min(len(p.folded), plan.seg + 3)):
            text = p.folded[i]
            taken = [(x.money.start, x.money.end) for x in found if x.seg == i]
            for m in _SPOKEN_PAIR.finditer(text):
                if any(s <= m.start() < e for s, e in taken):
                    continue
                amount = int(m.group("u")) * 100 + int(m.group("c"))
                if not amount <= total <= 1.4 * amount:
                    continue
                money = Money(float(amount), plan.money.currency, False, m.start(), m.end(), None, True)
                why = "offer cue: a spoken price (hundreds) its payment plan adds up to"
                found.append(Mention(money, i, "other", why, 2.0))
                taken.append((m.start(), m.end()))


#: An item of a price list: a short label, then a dash or a colon, then the amount ("Solo agents — $97 a month.",
#: "Starter: $29", "Plano anual: R$ 497", "Equipos — $297").
_LIST_LABEL = lazy(r"^\s*(?:[\w'&+/()-]+\s+){0,5}?[\w'&+/()-]+\s*[\u2014\u2013:-]\s*$")


#: What a price list's labels name: a plan, a package, a quantity of what is sold, the buyer's size.
_LIST_KIND = lazy(
    r"\b(?:plan|plans|plano|planos|planes|tier|package|pacote|paquete|kit|bottles?|frascos?|potes?|jars?|"
    r"licen[cs]\w*|seats?|users?|usuarios?|agents?|teams?|equipos?|equipes?|empresas?|brokerages?|companies|"
    r"starter|basic|basico|pro|premium|plus|gold|vip|anual|mensal|mensual|annual|monthly|yearly|lifetime|vitalicio)\b"
)
#: Words of results and earnings near a list: the amounts are what people made, not prices.
_LIST_RESULTS = lazy(
    r"\b(?:results?|resultados?|students?|alun[oa]s|alumn[oa]s|clients?|clientes|made|earn\w*|revenue|profit\w*|"
    r"fatur\w*|ganh\w*|gan[oó]|ganaron|factur\w*|lucr\w*|first month|primeiro mes|primer mes)\b"
)


def _price_list(p: Prepared, found: list[Mention]) -> None:
    """ "Solo agents — $97 a month. Teams — $297. Brokerages — $997.": a list of tiers or packages, each a label
    and its amount with no price cue.  The list states the prices the buyer chooses from, so each is an offer
    of equal weight and the first (the entry tier, as a bundle names its entry package first) is the base
    offer; the others become alternatives in :func:`choose_offer`.  At least two amounts, in the same segment
    or the next one (hold-out 7 01, a per-seat software price list; the grammar of a list, the bundle rule of
    issue 22's "1 bottle $69, 3 bottles $59 each")."""
    items = [
        m
        for m in found
        if m.role == "other"
        and not (m.stand_in or m.bound)
        and m.money.installments is None
        and _LIST_LABEL.match(_sentence_before(p, m.seg, m.money.start))
    ]
    for k, m in enumerate(items):
        group = [x for x in items if 0 <= x.seg - m.seg <= 1 and x.money.currency == m.money.currency]
        if len({x.money.amount for x in group}) < 2 or (k and items[k - 1] in group and items[k - 1].role == "offer"):
            continue
        labels = " ".join(_sentence_before(p, x.seg, x.money.start) for x in group)
        near = " ".join(p.folded[max(0, m.seg - 1) : group[-1].seg + 2])
        if not (any(x.per_month for x in group) or _LIST_KIND.search(labels)) or _LIST_RESULTS.search(near):
            # "Sarah — $4,200 in her first month. Mike — $7,900.": a list of results, not of prices.  A price
            # list names what is sold (a plan, a package, seats) or prices per period.
            continue
        for x in group:
            x.role, x.why, x.cue = "offer", "offer cue: one item of a price list (label — amount)", 1.5


def _bracketed(p: Prepared, seg: int, start: int) -> bool:
    """Whether position ``start`` of segment ``seg`` lies inside square brackets (opened there or in the
    segment before, where a recogniser's cut may fall): a script's stand-in or editor's note ("[ex: R$ 20
    se a unidade for R$ 10]", "over [$1,200,000]", "R$ [VALOR]") is no amount the video says (hold-out 2 08
    and hold-out 5 02, both unpriced, both given a price from such a note)."""
    head = (p.folded[seg - 1] + " " if seg > 0 else "") + p.folded[seg][:start]
    return head.rfind("[") > head.rfind("]")


def read_prices(p: Prepared) -> list[Mention]:
    """Every amount said in the transcript with its role; computed once per transcript."""
    if "prices" in p.memo:
        found: list[Mention] = p.memo["prices"]
        return found
    currency = transcript_currency(p.digits, p.language)
    # A bare "$": the currency the transcript names, else the dollar (numbers.DOLLAR_SIGN_CURRENCY).
    dollar = transcript_currency(p.digits, None) or DOLLAR_SIGN_CURRENCY.get(p.language or "")
    found = []
    for i, text in enumerate(p.folded):
        taken: list[tuple[int, int]] = []
        for money in find_money(text, p.language, currency, dollar):
            before, after = _sentence_before(p, i, money.start), _after(p, i, money.end)
            if _bracketed(p, i, money.start):
                found.append(
                    Mention(money, i, "other", "inside brackets: a template's stand-in, not said", 0.0, stand_in=True)
                )
                taken.append((money.start, money.end))
                continue
            role, why, cue, per_month = _classify(before, after, money, p.language)
            tail = before[-40:]
            bound = _MORE_THAN.search(tail) or (_MORE_THAN_ES.search(tail) if p.language == "es" else None)
            if bound is not None and role in ("offer", "other"):
                role, why, cue = "other", f'"{bound.group(0).strip()}": a bound, not a price', 0.0
            if per_month:
                why += "; said per month"  # a subscription's price, or a monthly income or cost
            found.append(Mention(money, i, role, why, cue, per_month, bound=bound is not None))
            taken.append((money.start, money.end))
        has_money = bool(taken)
        for m in _DE_POR.finditer(text) if has_money or _PRICE_WORDS.search(text) else ():
            # "de 497 por 197": the first is the anchor and the second the offer, even without a currency;
            # only a drop is one ("from zero to $1.3 million" is a story of growth).
            try:
                if parse_amount(m.group("b")) >= parse_amount(m.group("a")) or parse_amount(m.group("b")) >= 1e6:
                    continue
            except ValueError:
                continue
            pairs: tuple[tuple[str, PriceRole], ...] = (("a", "anchor"), ("b", "offer"))
            for group, role in pairs:
                start = m.start(group)
                hit = next((x for x in found if x.seg == i and x.money.start <= start < x.money.end), None)
                if hit is not None:
                    if hit.role in ("other", "offer", "anchor") and not hit.stand_in:
                        hit.role, hit.why, hit.cue = role, f'"de ... por ..." ({role})', 3.0 if role == "offer" else 0.0
                    continue
                try:
                    amount = parse_amount(m.group(group))
                except ValueError:
                    continue
                money = Money(amount, currency, False, start, m.end(group))
                found.append(Mention(money, i, role, f'"de ... por ..." ({role})', 3.0 if role == "offer" else 0.0))
                taken.append((start, m.end(group)))
        near_money = has_money or (i > 0 and any(x.seg == i - 1 for x in found))
        if near_money:
            _bare_amounts(_BARE_ANCHOR.finditer(text), i, currency, taken, "anchor", _first_word, found)
        if currency is not None:
            # "The regular price is forty seven": the phrase itself names a price, so the number after
            # it is one in the transcript's currency even when no currency word is said.
            _bare_amounts(_PRICE_IS.finditer(text), i, currency, taken, "anchor", lambda m: m.group("cue"), found)
        pair = _BARE_PAIR.get(p.language or "")
        for m in pair.finditer(text) if pair is not None else ():
            if any(s <= m.start("u") < e for s, e in taken):
                continue
            amount = int(m.group("u")) + int(m.group("c")) / 100
            money = Money(round(amount, 2), currency, False, m.start("u"), m.end("c"))
            found.append(Mention(money, i, "other", 'price idiom "N e NN" (currency implied)', 1.0))
    _bare_rejected(p, found, currency)
    _price_list(p, found)
    if p.language == "en":
        _spoken_cash(p, found)
    found.sort(key=lambda x: (x.seg, x.money.start))
    _ranges(p, found)
    _contrast(p, found)
    _struck_later(found)
    p.memo["prices"] = found
    return found


def _struck_later(found: list[Mention]) -> None:
    """An amount said with an offer cue and later struck down ("desenvolver isso custa R$ 150.000" ... "o X não
    custa R$ 150.000"): what the copy says its product does not cost was never its price, but the figure it is
    set against — an anchor (as hold-out 9 03's anchor, said then struck down; hold-out 12 05, the market's cost
    said twice as a price).  The grammar of negation: the later "not X" answers the earlier X."""
    struck = [m for m in found if m.role == "rejected"]
    for m in found:
        if m.role == "offer" and any(r.seg > m.seg and abs(r.money.amount - m.money.amount) < 0.005 for r in struck):
            m.role, m.why, m.cue = "anchor", m.why + "; struck down later", 0.0


_RANGE_BETWEEN = lazy(r"^\s*(?:to|a|ate|hasta|-|\u2013|and|e|y)\s*(?:r\$|us\$|\$|€|£)?\s*$")


def _ranges(p: Prepared, found: list[Mention]) -> None:
    """ "£25 to £60 an hour", "$300 to $3,000 a day": a range is a going rate or a result, never the
    price the buyer is asked to pay, nor the one price an offer is compared with ("clients sell these
    from $300 to $3,000" is what others charge, not this offer's anchor)."""
    for a, b in itertools.pairwise(found):
        if a.seg != b.seg or b.money.amount <= a.money.amount:
            continue
        if not _RANGE_BETWEEN.match(p.folded[a.seg][a.money.end : b.money.start]):
            continue
        for m in (a, b):
            if m.role in ("offer", "other", "per_period", "anchor"):
                m.role, m.why, m.cue = "comparison", "a range of amounts (a rate or a result, not a price)", 0.0


_CONTRAST = lazy(r"\b(?:mas|porem|but|pero|sin embargo|however|hoje|today|hoy|agora|now|ahora|so que)\b")


def _contrast(p: Prepared, found: list[Mention]) -> None:
    """ "vale 97 dólares, pero lo dejo en 27": a price followed closely by a lower one after "but"/"today"
    is that lower one's anchor (a grammatical contrast, the same in the three languages)."""
    prices = [
        m
        for m in found
        if m.role in ("offer", "other") and m.money.installments is None and m.money.amount < 1e6 and not m.stand_in
    ]
    for k, high in enumerate(prices):
        for low in prices[k + 1 :]:
            if low.seg - high.seg > 2:
                break
            if low.money.amount >= high.money.amount or low.money.currency != high.money.currency or low.bound:
                continue
            if low.seg == high.seg:
                between = p.folded[high.seg][high.money.end : low.money.start]
            else:
                between = p.folded[high.seg][high.money.end :] + " " + p.folded[low.seg][: low.money.start]
            # The turn must follow any bound said between the two: "Vf = $73,466 ... Carlos ahora sabe que
            # crecerá más de $23,000 ... depositas $1,000" turns to the $23,000 (a bound, no price), not to
            # the $1,000 (hold-out 5 08 cut like a recogniser's output).
            high_end = p.offsets[high.seg] + high.money.end
            low_start = p.offsets[low.seg] + low.money.start
            bound_ends = [
                p.offsets[b.seg] + b.money.end
                for b in found
                if b.bound and high_end <= p.offsets[b.seg] + b.money.start < low_start
            ]
            if bound_ends:
                between = p.folded_text[max(bound_ends) : low_start]
            turn = _CONTRAST.search(between)
            if turn is not None:
                high.role, high.why = "anchor", f'anchor: a lower price follows after "{turn.group(0)}"'
                if low.role == "other":
                    low.role, low.why, low.cue = "offer", "offer: the lower price after the contrast", 2.0
                break


_PRICE_WORDS = lazy(r"preco|valor|investimento|price|precio|cuesta|custa|costs?|inversion|parcel|a vista|desconto")


@dataclass
class OfferResult:
    offer: Price | None
    anchor: Price | None
    offer_evidence: Evidence | None
    anchor_evidence: Evidence | None
    offer_confidence: float
    anchor_confidence: float
    mentions: list[PriceMention]


#: A statement that the seller publishes no price (folded text): "we don't publish a price list", "there is no
#: list price", "no hay tarifa/precio de lista", "não temos tabela de preços", "não existe preço fixo".
_NO_LIST_PRICE = lazy(
    r"\b(?:(?:don'?t|do not|never) (?:publish|have|post) (?:a |any )?(?:price list|prices|pricing)|"
    r"(?:there(?:'s| is) )?no (?:price list|list price|fixed price)|"
    r"no (?:hay|tenemos|publicamos) (?:una )?(?:tarifa|precio|lista de precios)(?: de lista| fijo)?|"
    r"nao (?:temos|tem|existe|ha|publicamos) (?:uma )?(?:tabela de precos|preco fixo|preco de tabela))\b"
)


#: The next step is a call or an application, said more than once (folded text): "we'll cover the details on our
#: call", "congrats on booking your call" (hold-out 12 11), "¿Qué haremos en la llamada?", "aplicar ahora" (hold-out
#: 12 04) — a call or application funnel, whose price is given on the call.  Two authors, and the definition of
#: such a funnel (the issue's "a price heard is no offer").
_CALL_FUNNEL = lazy(
    r"\b(?:(?:on|in|during|for) (?:the|our|your|this) (?:[\w-]+ ){0,2}call\b|(?:book|booking|booked|schedule) (?:a |an |your |the )?"
    r"(?:[\w-]+ ){0,3}call\b|en (?:la|nuestra|tu) llamada\b|(?:agenda|agendar|reserva|reservar) (?:una |tu )(?:[\w-]+ ){0,2}"
    r"llamada\b|aplica(?:r)? (?:ahora|hoy|aqui|abajo)\b|na (?:nossa |sua )?(?:call|chamada|reuniao)\b|agend(?:e|ar) (?:uma |sua |a )(?:[\w-]+ ){0,2}"
    r"(?:call|chamada|reuniao)\b|apply (?:now|today|below|here)\b)"
)
#: The amount named as the price in its own sentence ("the investment is", "o valor é", "el precio").
_PRICE_NAMED = lazy(
    r"\b(?:price|pricing|investment|investimento|inversion|precio|preco|valor|cost|costs|custa|cuesta|fee)\b"
)
#: How many times a video names the call before it reads as a call funnel.
CALL_FUNNEL_MIN = 2


def _instalment_total(inst: Mention) -> float:
    return (inst.money.installments or 1) * inst.money.amount


def _near_instalment(best: Mention, mentions: list[Mention]) -> Mention | None:
    near = [
        m
        for m in mentions
        if m.role == "installment"
        and abs(m.seg - best.seg) <= 3
        and 0.9 * best.money.amount <= _instalment_total(m) <= 1.7 * best.money.amount
    ]
    return min(near, key=lambda m: abs(m.seg - best.seg), default=None)


#: How long before the offer section, and before the offer price, an anchor may still be said (seconds).
ANCHOR_BEFORE_SECTION_S = 120.0
ANCHOR_BEFORE_OFFER_S = 600.0
#: An anchor is a price the offer is set against ("normally $497, today $97"): on the labelled sets the
#: largest is 20 times the offer (hold-out 11 01), a stated value up to about 50 times.  An amount two orders of
#: magnitude above the price is what something else is worth or earns (a six-figure "$100,000 over 10 years"
#: of missed deductions against a $147 ticket, hold-out 7 02 re-cut; a raffle's 400,000-peso prize against a
#: 150-peso ticket, hold-out 11 09 bare), not what this offer would otherwise cost.
ANCHOR_MAX_RATIO = 100.0


def _no_list_price(p: Prepared) -> bool:
    """Whether the video says it sets no price (:data:`_NO_LIST_PRICE`); read once per transcript."""
    if "no_list_price" not in p.memo:
        p.memo["no_list_price"] = _NO_LIST_PRICE.search(p.folded_text) is not None
    said: bool = p.memo["no_list_price"]
    return said


def _call_funnel(p: Prepared) -> bool:
    """Whether the next step is a call or an application, named :data:`CALL_FUNNEL_MIN` times or more; read once."""
    if "call_funnel" not in p.memo:
        p.memo["call_funnel"] = len(_CALL_FUNNEL.findall(p.folded_text)) >= CALL_FUNNEL_MIN
    funnel: bool = p.memo["call_funnel"]
    return funnel


def unpriced_funnel(p: Prepared) -> bool:
    """Whether the video says it sets no price, or is a call or application funnel: where an amount only weakly
    cued is not the offer (see :func:`choose_offer`)."""
    return _no_list_price(p) or _call_funnel(p)


def offer_from(p: Prepared, section_seg: int | None) -> tuple[float, str | None, float] | None:
    """(amount, currency, confidence) of the price :func:`choose_offer` asks for when the offer section starts
    at ``section_seg``, or None; changes no mention's role."""
    best, confidence, _ = _best_offer(p, read_prices(p), section_seg)
    if best is None:
        return None
    amount = _instalment_total(best) if best.role == "installment" else best.money.amount
    return round(amount, 2), best.money.currency, confidence


def _best_offer(p: Prepared, mentions: list[Mention], section_seg: int | None) -> tuple[Mention | None, float, int]:
    """The mention asked for as the base offer from ``section_seg`` on (the last third of the video when it is
    None), its confidence, and the section's first segment."""
    if section_seg is None:
        start_s = p.duration * 0.66
        section_seg = p.first_index_at(start_s)
    in_section = [m for m in mentions if m.seg >= section_seg and not (m.stand_in or m.bound)]
    counts: dict[float, int] = {}
    for m in in_section:
        if m.role in ("offer", "other", "installment"):
            counts[round(m.money.amount, 2)] = counts.get(round(m.money.amount, 2), 0) + 1
    candidates = [
        m
        for m in in_section
        if m.role == "offer"
        or (
            m.role == "other"
            and (m.cue > 0 or (m.money.explicit and counts.get(round(m.money.amount, 2), 0) >= 2))
            and m.why != "relative amount (more / off / saving)"
        )
    ]
    if not candidates:
        # An offer lead asks for the price in the opening: a strongly cued offer anywhere still counts.
        candidates = [m for m in mentions if m.role == "offer" and m.cue >= 2]
    best: Mention | None = None
    confidence = 0.0
    if candidates:

        def rank(m: Mention) -> tuple[float, int]:
            inst = _near_instalment(m, mentions)
            score = m.cue + 0.75 * (counts.get(round(m.money.amount, 2), 1) - 1) + (1.5 if inst else 0.0)
            return (score, -m.seg)

        best = max(candidates, key=rank)
        score = rank(best)[0]
        confidence = 0.45 if score == 0 else 0.65 if score < 2.5 else 0.8 if score < 4 else 0.9
    else:
        insts = [m for m in in_section if m.role == "installment"]
        if insts:
            best = insts[0]
            confidence = 0.6
    if best is not None and best.money.spoken_hundreds and _near_instalment(best, mentions) is None:
        # "nine ninety-seven dollars" with no payment plan to tell 997 from 9.97: shown, never as sure.
        confidence = min(confidence, 0.55)
    if best is not None and confidence < 0.8 and _no_list_price(p):
        # "We don't publish a price list" (hold-out 6 05), "No hay tarifa de lista" (real-dev 03): the video
        # says it sets no price; an amount only weakly cued after that is a range's floor or an example, and
        # an invented price is the worst answer.  A strongly cued price (>= 0.8) still stands.
        best, confidence = None, 0.0
    if (
        best is not None
        and confidence < 0.8
        and not _PRICE_NAMED.search(_sentence_before(p, best.seg, best.money.start))
        and _call_funnel(p)
    ):
        # A call or application funnel (hold-out 12 04 and 11, two authors, both unpriced): the price is given on
        # the call, so an amount only weakly cued and not named a price is a salary, a house's cost or a case's
        # figure — an invented price, the worst answer.  A strongly cued price (>= 0.8) and one said as the
        # price ("the investment to work with me is $5,997", hold-out 7 14, a priced call funnel) still stand.
        best, confidence = None, 0.0
    return best, confidence, section_seg


def choose_offer(p: Prepared, section_seg: int | None) -> OfferResult:
    """The price asked for the base offer, its anchor, their evidence and confidence, and every mention.

    Only amounts said from the offer section on (``section_seg``) may be the offer, unless the
    section was not found, when the last third of the video is used.  Within it the amount with the
    strongest offer cue wins, then the one said most often, then the first (the entry package of a
    bundle is named first); an uncued amount is the offer only with an explicit currency.
    """
    mentions = read_prices(p)
    best, confidence, section_seg = _best_offer(p, mentions, section_seg)
    offer: Price | None = None
    evidence: Evidence | None = None
    if best is not None:
        if best.role == "installment":
            n = best.money.installments or 1
            offer = Price(
                amount=round(_instalment_total(best), 2),
                currency=best.money.currency,
                installments=n,
                installment_amount=best.money.amount,
            )
            first = last = best.seg
        else:
            inst = _near_instalment(best, mentions)
            offer = Price(
                amount=best.money.amount,
                currency=best.money.currency,
                installments=inst.money.installments if inst else None,
                installment_amount=inst.money.amount if inst else None,
            )
            first, last = (min(best.seg, inst.seg), max(best.seg, inst.seg)) if inst else (best.seg, best.seg)
        evidence = p.evidence(first, last)
        best.role = "offer"
    anchor: Price | None = None
    anchor_ev: Evidence | None = None
    anchor_conf = 0.0
    if offer is not None:
        # The anchor is said with the offer: in its section or just before it.  An amount minutes earlier is
        # a story's figure ("your income jumps to $210,000", hold-out 7 02; a client's "hoje: R$ 127 mil/mês",
        # hold-out 6 14), never the price the offer is set against.
        anchor_from = p.segments[min(section_seg, len(p.segments) - 1)].start - ANCHOR_BEFORE_SECTION_S
        if best is not None:
            # ... and within minutes of the price itself, when the section was read too early (a long talk
            # full of figures, hold-out 7 02: "paying it on $80,000" half an hour before a $147 ticket).
            anchor_from = max(anchor_from, p.segments[best.seg].start - ANCHOR_BEFORE_OFFER_S)
        higher = [
            m
            for m in mentions
            if offer.amount * 1.05 < m.money.amount <= offer.amount * ANCHOR_MAX_RATIO
            and p.segments[m.seg].start >= anchor_from
        ]
        pool = [m for m in higher if m.role == "anchor"]
        anchor_conf = 0.75
        if not pool:
            pool = [m for m in higher if m.role == "rejected"]
            anchor_conf = 0.5
        pick = max(pool, key=lambda m: m.money.amount, default=None)
        if pick is not None:
            anchor = Price(amount=pick.money.amount, currency=pick.money.currency or offer.currency)
            anchor_ev = p.evidence(pick.seg)
        else:
            anchor_conf = 0.0
    for m in mentions:
        if best is not None and m is not best and m.role == "offer":
            # Another amount with an offer cue: a second package, an upsell, or the same price again.
            same = abs(m.money.amount - best.money.amount) < 0.005
            m.role = "offer" if same else "alternative"
            if not same:
                m.why += "; another package / tier than the base offer"
    out = [
        PriceMention(
            amount=m.money.amount,
            currency=m.money.currency,
            role=m.role,
            start=p.segments[m.seg].start,
            end=p.segments[m.seg].end,
            quote=clip(p.segments[m.seg].text, 160),
            why=m.why,
        )
        for m in mentions
    ]
    return OfferResult(offer, anchor, evidence, anchor_ev, confidence, anchor_conf, out)


def price_segments(p: Prepared) -> list[int]:
    """Segments where an amount is said as a price (offer, anchor, rejected, instalment), in order."""
    roles = ("offer", "anchor", "rejected", "installment", "other", "bonus_value")
    return sorted({m.seg for m in read_prices(p) if m.role in roles and not m.stand_in})


def deal_segments(p: Prepared) -> set[int]:
    """Segments where an amount is said *as a deal*: with an offer cue, as an anchor, struck down or in
    instalments — not a bare amount, an income claim or another thing's cost."""
    return {m.seg for m in read_prices(p) if m.role in ("offer", "anchor", "rejected", "installment")}
