"""Numbers and money as a VSL says them, in Portuguese, English and Spanish.

A transcript spells most prices out ("doze vezes de dezenove e setenta", "forty-nine dollars"),
so every rule that reads a price or a guarantee first runs :func:`words_to_digits`.  Spelled-out
numbers are converted by ``text2num``'s ``alpha2digit`` (a maintained library covering all three
languages; it measurably handled every spelled case of our tables).  What it does not do is
written here: the hyphenated "sixty-day", Spanish "centavos" (which it turns into "1/100"),
"veintiún", and everything about money: digit forms in both decimal conventions ("R$ 1.997,00",
"$1,997.00", "19,70", "49.95"), currency symbols and words, cents said apart ("dezenove reais e
noventa centavos") and the price idioms "dezenove e setenta" / "nineteen ninety-five".

Currency decision for a bare ``$`` (no "R$", "US$", "MX$" and no currency word next to it): the
currency said explicitly most often elsewhere in the same transcript; failing that, the dollar (es and
en: the currency Spanish-language infoproducts are most often priced in; pt: since round eight, see
:data:`DOLLAR_SIGN_CURRENCY`).  A number with no sign at all ("12x de 19,70") takes the language's
default (pt: BRL).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from text_to_num import alpha2digit

from vsl_assets.breakdown.lazyre import lazy

#: Languages ``alpha2digit`` is asked to convert; others keep their words (digits still parse).
SPELLED_LANGUAGES = frozenset({"pt", "en", "es"})

#: The currency a number said without a sign means when the transcript names none (see the module docstring).
DEFAULT_CURRENCY = {"pt": "BRL", "en": "USD", "es": "USD"}
#: The currency a bare "$" sign means when the transcript names none.  Portuguese writes the real "R$" and
#: keeps "$" for the dollar (grammar of the sign), and on the real-copy sets every Portuguese script with a bare
#: "$" priced in dollars (hold-out 6 08, "uma avaliação por apenas $10" for Brazilians in the US, and one
#: document of the lost hold-out 7, stop 34's note) while none meant reais.  Round eight settled it so; before,
#: a bare "$" in Portuguese read as BRL.
DOLLAR_SIGN_CURRENCY = {"pt": "USD", "en": "USD", "es": "USD"}

# Longest first so "US$" wins over "$"; the value is the ISO code (None: bare "$", decided later).
_SYMBOLS: dict[str, str | None] = {
    "R$": "BRL",
    "US$": "USD",
    "USD$": "USD",
    "U$": "USD",
    "USD": "USD",
    "BRL": "BRL",
    "MX$": "MXN",
    "MXN$": "MXN",
    "MXN": "MXN",
    "COP$": "COP",
    "COP": "COP",
    "CLP$": "CLP",
    "CLP": "CLP",
    "ARS$": "ARS",
    "ARS": "ARS",
    "S/": "PEN",
    "€": "EUR",
    "EUR": "EUR",
    "£": "GBP",
    # Indian rupee: the sign, the ISO code and the "Rs"/"Rs." abbreviation written before the amount.
    "₹": "INR",
    "INR": "INR",
    "Rs.": "INR",
    "Rs": "INR",
    "$": None,
}

# Words said after an amount.  "pesos" alone is resolved by a nearby nationality word.  "pounds" and
# "libras" are body weight in weight-loss VSLs far more often than money, so they count as money only
# where the words just before speak of a price (see _is_weight).
_CURRENCY_WORDS: dict[str, str | None] = {
    "reais": "BRL",
    "real": "BRL",
    "dólares": "USD",
    "dolares": "USD",
    "dólar": "USD",
    "dolar": "USD",
    "canadian dollars": "CAD",
    "australian dollars": "AUD",
    "dólares canadienses": "CAD",
    "dolares canadienses": "CAD",
    "dólares canadenses": "CAD",
    "dollars": "USD",
    "dollar": "USD",
    "bucks": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "soles": "PEN",
    "rupees": "INR",
    "rupee": "INR",
    "rúpias": "INR",
    "rupias": "INR",
    "quid": "GBP",
    "pounds": "GBP",
    "libras esterlinas": "GBP",
    "libras": "GBP",
    "pesos": None,
    "peso": None,
}
_PESO_COUNTRY = {
    "mexicanos": "MXN",
    "colombianos": "COP",
    "argentinos": "ARS",
    "chilenos": "CLP",
    "uruguayos": "UYU",
}
_DEFAULT_PESO = "MXN"

_CENT_WORDS = r"(?:centavos?|cents?|céntimos?|centimos?)"

# An amount in digits: thousands with "." or "," and an optional 1-2 digit decimal part; first, the
# Indian grouping of lakhs and crores ("1,25,000" = 125000: two-digit groups before the last three), which
# would otherwise read as the decimal "1,25".
_AMOUNT = r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?|\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_WORD_RE = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))

_MONEY = lazy(
    rf"(?<![A-Za-z])(?P<sym>{_SYMBOL_RE})\s?(?P<a1>{_AMOUNT})(?:\s+(?P<w1>{_WORD_RE})\b)?"
    # "2000000 de reais", "3000000 de dólares": after a scale word PT/ES put "de" before the currency.
    rf"|(?<![\w.,])(?P<a2>{_AMOUNT})\s*(?:de\s+)?(?P<w2>{_WORD_RE})\b"
    # "47€", "16.000€/mes": the euro and pound signs are also written after the amount.
    rf"|(?<![\w.,])(?P<a3>{_AMOUNT})\s?(?P<sym2>€|£)",
    re.IGNORECASE,
)
# What may follow "19 e 70" without being its cents: a count of something else ("e 30 dias").
_NOT_CENTS = (
    r"(?!\s*(?:%|x\b|dias?\b|días?\b|days?\b|anos?\b|años?\b|years?\b|mes(?:es)?\b|months?\b|semanas?\b|"
    r"weeks?\b|vezes\b|parcelas\b|cuotas\b|pagos\b|payments\b|frascos?\b|potes?\b|bottles?\b|"
    r"unidades\b|units\b|kits?\b|horas?\b|hours?\b|minutos?\b|minutes?\b))"
)
# "19 reais e 90 centavos", "19 dólares con 97 centavos", "19 dollars and 95 cents", "49 dólares con 90".
_CENTS_AFTER = lazy(
    rf"^\s*,?\s*(?:e|y|con|and)\s+(?P<c>\d{{1,2}})(?:\s*{_CENT_WORDS}\b|(?!\d|[.,]\d){_NOT_CENTS})", re.IGNORECASE
)
# "R$ 19 e 70", "12 vezes de 19 e 70": the price idiom of a unit part < 100 and two cent digits.
_PAIR_AFTER = lazy(rf"^\s+(?:(?:e|y|con|and)\s+)?(?P<c>\d{{2}})(?!\d|[.,]\d){_NOT_CENTS}", re.IGNORECASE)
# "19 95 dollars" (from "nineteen ninety-five dollars"): the unit part said before the amount.
_PAIR_BEFORE = lazy(r"(?<![\d.,])(?P<u>[1-9]\d)\s+(?:(?:e|y|con|and)\s+)?$", re.IGNORECASE)
# English spoken hundreds (grammar): a price of three digits is said without "hundred", "nine ninety-seven
# (dollars)" = 997, "three sixty-six" = 366; alpha2digit leaves it as "9 97".  Portuguese and Spanish say the
# hundreds ("novecentos e noventa e sete", "novecientos noventa y siete"), and their "nove e noventa" /
# "nueve noventa" is 9,90, so only English reads a single digit before two as hundreds.
_HUNDREDS_BEFORE = lazy(r"(?<![\d.,])(?P<u>[1-9])\s+$")

_INSTALLMENTS = lazy(
    r"(?P<n>\d{1,2})\s*(?:x|vezes|parcelas(?:\s+mensais)?|prestações|pagamentos(?:\s+mensais)?|"
    r"cuotas(?:\s+mensuales)?|pagos(?:\s+mensuales)?|meses(?:\s+sin\s+intereses)?|mensualidades|"
    r"(?:monthly\s+)?(?:payments|installments|instalments))\b\s*(?:de|of|por)?\s*(?:apenas|só|only|just|solo|sólo)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Money:
    """An amount said in a text, with where it was said (character offsets in the normalised text).

    ``currency`` is None only while unresolved (a bare "$" or "pesos"); :func:`find_money` resolves it.
    ``installments`` is set when the amount is one of "12x de R$ 19,70"; the amount is then the instalment.
    """

    amount: float
    currency: str | None
    explicit: bool
    start: int
    end: int
    installments: int | None = None
    #: Read as English spoken hundreds ("nine ninety-seven dollars" = 997): the same words also say 9.97.
    spoken_hundreds: bool = False


def _fix_spanish(text: str) -> str:
    return re.sub(r"\bveintiún\b", "veintiuno", text, flags=re.IGNORECASE)


def words_to_digits(text: str, language: str | None) -> str:
    """The text with spelled-out numbers as digits ("cento e noventa e sete reais" -> "197 reais").

    Small numbers are converted too ("um ano" -> "1 ano"), since guarantees and instalments use them.
    For a language without number words here the text comes back with only the hyphen fix.
    """
    text = re.sub(r"-(days?|weeks?|months?|years?|dias?|días?)\b", r" \1", text, flags=re.IGNORECASE)
    lang = (language or "").lower()[:2]
    if lang not in SPELLED_LANGUAGES:
        return text
    if lang == "es":
        text = _fix_spanish(text)
    out: str = alpha2digit(text, lang, threshold=0)
    if lang == "es":
        # alpha2digit reads "noventa y siete centavos" as the fraction "97 1/100".
        out = re.sub(r"(\d)\s1/100\b", r"\1 centavos", out)
    return apply_scales(out)


# alpha2digit writes a scale word after digits as its own number: "$1.5 million" -> "$1.5 1000000",
# "30 mil reais" -> "30 1000 reais"; and "$2M", "$10k" are written so.  Both mean a product.
_SCALE_AFTER = lazy(r"(?<![\d.,])(\d+(?:[.,]\d{1,2})?)\s(1000000000|1000000|1000)(?!\d|[.,]\d)")
_SCALE_SUFFIX = lazy(r"((?:R\$|US\$|\$|€|£)\s?)(\d+(?:[.,]\d{1,2})?)\s?(k|K|M|MM|mi|bn|B)\b")
_SUFFIX_FACTOR = {"k": 1_000, "K": 1_000, "M": 1_000_000, "MM": 1_000_000, "mi": 1_000_000, "bn": 10**9, "B": 10**9}


def _times(raw: str, factor: float) -> str:
    value = parse_amount(raw) * factor
    return str(int(value)) if value == int(value) else f"{value:.2f}"


def apply_scales(text: str) -> str:
    """ "$1.5 1000000" (alpha2digit's "$1.5 million") -> "$1500000"; "$2M" -> "$2000000"; "30 1000" -> "30000"."""
    text = _SCALE_AFTER.sub(lambda m: _times(m.group(1), float(m.group(2))), text)
    return _SCALE_SUFFIX.sub(lambda m: m.group(1) + _times(m.group(2), _SUFFIX_FACTOR[m.group(3)]), text)


def parse_amount(raw: str) -> float:
    """A digit amount in either convention: "1.997" and "1,997" are thousands, "19,70" and "49.95" decimals.

    The last separator is a decimal mark when 1-2 digits follow it, a thousands mark when 3 do.
    """
    s = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        raise ValueError("empty amount")
    last = max(s.rfind("."), s.rfind(","))
    if last >= 0 and len(s) - last - 1 in (1, 2):
        whole, frac = s[:last], s[last + 1 :]
    else:
        whole, frac = s, ""
    whole = whole.replace(".", "").replace(",", "")
    if not whole.isdigit() or (frac and not frac.isdigit()):
        raise ValueError(f"not an amount: {raw!r}")
    return float(f"{whole}.{frac}" if frac else whole)


#: In Portuguese "peso(s)" is a weight ("perder peso", "três pesos"), and a recogniser hears "pessoas" as
#: "pesos" ("três mil pessoas" -> "três mil pesos", read as MX$ 3.000 in a Brazilian VSL, a new user's
#: trial): no Portuguese-speaking country's money is the peso, so there it is money only with its country
#: ("pesos argentinos") or a sign ("$ 500 pesos"), by the language's grammar.
_PESO_WORDS = frozenset({"pesos", "peso"})


def _peso_country(text: str, at: int) -> str | None:
    """The peso named by the nationality word just after ``at`` ("pesos colombianos": COP), else None."""
    nearby = text[at : at + 40].lower()
    return next((code for word, code in _PESO_COUNTRY.items() if word in nearby), None)


def _peso_currency(text: str, at: int) -> str:
    return _peso_country(text, at) or _DEFAULT_PESO


def _resolve_symbol(sym: str | None, word: str, text: str, word_end: int) -> tuple[str | None, bool]:
    """(currency, explicit): a symbol's currency, else the word's; a bare "$" stays None."""
    currency = _SYMBOLS.get(sym.upper(), _SYMBOLS.get(sym)) if sym is not None else None
    if currency is not None:
        return currency, True
    if word:
        code = _CURRENCY_WORDS[word]
        return (code if code is not None else _peso_currency(text, word_end)), True
    return None, False


_AMBIGUOUS_WORDS = frozenset({"pounds", "libras"})
_PRICE_BEFORE = lazy(
    r"\b(?:price|cost|costs|pay|just|only|normally|usually|today|for|at|precio|cuesta|pagas|solo|por|preco|custa|"
    r"apenas|valor)\b[^.;!?\d]{0,25}$",
    re.IGNORECASE,
)
_WEIGHT_AROUND = lazy(r"\b(?:lose|lost|losing|weigh|heavier|gain|gained|shed|drop|fat|perd|baj|peso|kilo)", re.I)


#: Money words right after "N pounds": "four thousand pounds in revenue", "500 pounds a month".
_MONEY_AFTER = lazy(
    r"^\s*(?:in (?:revenue|sales|profit|fees)|of (?:revenue|profit|debt)|a (?:month|year|week)|per (?:month|year)|"
    r"de (?:faturamento|lucro|renta|ingresos)|al mes|por mes|por m[eê]s)",
    re.IGNORECASE,
)


def _is_weight(text: str, m: re.Match[str]) -> bool:
    """Whether "N pounds"/"N libras" is body weight: no price words just before and no money words
    just after, or weight words near."""
    before = text[max(0, m.start() - 40) : m.start()]
    after = text[m.end() : m.end() + 20]
    if _WEIGHT_AROUND.search(before + " " + after) is not None:
        return True
    return _PRICE_BEFORE.search(before) is None and _MONEY_AFTER.match(after) is None


def _raw_mentions(text: str, language: str | None = None) -> Iterable[Money]:
    english = (language or "").lower()[:2] == "en"
    portuguese = (language or "").lower()[:2] == "pt"
    for m in _MONEY.finditer(text):
        raw = m.group("a1") or m.group("a2") or m.group("a3")
        word = (m.group("w1") or m.group("w2") or "").lower()
        sym = m.group("sym") or m.group("sym2")
        if word in _AMBIGUOUS_WORDS and sym is None and _is_weight(text, m):
            continue
        if portuguese and word in _PESO_WORDS and sym is None and _peso_country(text, m.end()) is None:
            continue  # "três pesos", "dois pesos e duas medidas": weights (no Portuguese-speaking country pays in pesos)
        try:
            amount = parse_amount(raw)
        except ValueError:
            continue
        currency, explicit = _resolve_symbol(sym, word, text, m.end())
        start, end = m.start(), m.end()
        whole = raw.isdigit()
        if whole and word and (cents := _CENTS_AFTER.match(text[end:])) is not None:
            amount += int(cents.group("c")) / 100
            end += cents.end()
        elif whole and not word and amount < 100 and (pair := _PAIR_AFTER.match(text[end:])) is not None:
            amount += int(pair.group("c")) / 100
            end += pair.end()
        elif whole and sym is None and len(raw) == 2 and (unit := _PAIR_BEFORE.search(text[:start])) is not None:
            amount = int(unit.group("u")) + amount / 100
            start = unit.start()
        elif (
            english
            and whole
            and word
            and sym is None
            and len(raw) == 2
            and raw[0] != "0"
            and (unit := _HUNDREDS_BEFORE.search(text[:start])) is not None
        ):
            # "nine ninety-seven dollars": before, the 97 alone was read, a price said neither way.
            amount = int(unit.group("u")) * 100 + amount
            start = unit.start()
            inst = _INSTALLMENTS.search(text[max(0, start - 60) : start])
            yield Money(amount, currency, explicit, start, end, int(inst.group("n")) if inst else None, True)
            continue
        inst = _INSTALLMENTS.search(text[max(0, start - 60) : start])
        installments = int(inst.group("n")) if inst is not None else None
        yield Money(round(amount, 2), currency, explicit, start, end, installments)


def transcript_currency(texts: Iterable[str], language: str | None) -> str | None:
    """The currency a bare "$" means in this transcript: the explicit one said most, else the language's."""
    counts: Counter[str] = Counter()
    for text in texts:
        for money in _raw_mentions(text, language):
            if money.explicit and money.currency:
                counts[money.currency] += 1
    if counts:
        return counts.most_common(1)[0][0]
    return DEFAULT_CURRENCY.get((language or "").lower()[:2])


def find_money(
    text: str, language: str | None, default_currency: str | None = None, dollar_currency: str | None = None
) -> list[Money]:
    """Every amount said with a currency marker in ``text`` (already through :func:`words_to_digits`).

    Bare numbers are not money ("30 dias", "3 frascos"); a bare "$" takes ``default_currency``
    (see :func:`transcript_currency`), or the language's default; ``dollar_currency``, when given, is
    what a bare "$" means instead (the explicit currency of the transcript, else :data:`DOLLAR_SIGN_CURRENCY`).  An amount after an instalment
    phrase ("12x de", "doze vezes de") is returned as an instalment, even without a currency marker.
    """
    fallback = default_currency or DEFAULT_CURRENCY.get((language or "").lower()[:2])
    sign = dollar_currency or fallback
    english = (language or "").lower()[:2] == "en"
    found = [
        m if m.currency is not None else Money(m.amount, sign, False, m.start, m.end, m.installments, m.spoken_hundreds)
        for m in _raw_mentions(text, language)
    ]
    taken = [(m.start, m.end) for m in found]
    for inst in _BARE_INSTALLMENT.finditer(text):
        a_start = inst.start("a")
        if any(s <= a_start < e for s, e in taken):
            continue
        try:
            amount = parse_amount(inst.group("a"))
        except ValueError:
            continue
        end = inst.end()
        pair = _PAIR_AFTER.match(text[end:])
        joined = pair is not None and pair.group(0).strip()[:1].isalpha()  # "199 e 70": cents by a connector
        n = int(inst.group("n"))
        hundreds = english and len(inst.group("a")) == 1 and not joined and n <= _FEW_PAYMENTS
        if pair is not None and hundreds and inst.group("a") != "0":
            # "three payments of three sixty-six" = 3 x 366 (English spoken hundreds, above): a plan of a
            # few payments splits a sum too large to pay at once, never one of about $10.
            amount = amount * 100 + int(pair.group("c"))
            end += pair.end()
        elif pair is not None and inst.group("a").isdigit() and (amount < 100 or joined):
            amount += int(pair.group("c")) / 100
            end += pair.end()
        found.append(Money(round(amount, 2), fallback, False, a_start, end, n))
    return sorted(found, key=lambda m: m.start)


#: English payment plans of this many payments or fewer ("two/three/four payments of") split a sum in the
#: hundreds; a plan of twelve monthly payments may well be of $9.97.
_FEW_PAYMENTS = 6

# "12 vezes de 19 e 70" with no currency said: the instalment idiom makes it money anyway.
_BARE_INSTALLMENT = lazy(
    r"\b(?P<n>\d{1,2})\s*(?:x|vezes|parcelas|prestações|cuotas|pagos|(?:monthly\s+)?(?:payments|installments|instalments))\b"
    rf"\s*(?:mensais|mensuales|monthly)?\s*(?:de|of|por)?\s*(?:apenas|só|only|just|solo|sólo)?\s*(?P<a>{_AMOUNT})\b"
    r"(?!\s*%)",
    re.IGNORECASE,
)
