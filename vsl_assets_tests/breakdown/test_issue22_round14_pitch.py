"""Issue 22, round fourteen: the pitch second (where the offer section starts) on long real VSLs.

- A price said alone in the body (what the problem costs, a preview said once) does not open the offer section
  when a turn later leads into the price again: the section opens at that turn, still "not sure".
- The progressive "here's what you're getting" is the turn "here's what you get".
- A product's name may open with a count ("The 5-Week Reset teaches you"); a conjunction or a negative pronoun
  at the head of a sentence ("E ninguém te ensina a fazer pão") is never a product.
- A call funnel asks no price: its amounts do not open the section, its invitation does.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the real documents behind each change are named where the rule lives
(``vsl_assets/breakdown/section.py``).
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.section import turn_segments
from vsl_assets_tests.breakdown.samples import timed

_BODY = {
    "pt": "Durante anos eu tentei de tudo e nada parecia mudar de verdade na minha vida.",
    "en": "For years I tried everything and nothing seemed to really change in my life.",
    "es": "Durante años lo intenté todo y nada parecía cambiar de verdad en mi vida.",
}
_CLOSE = {
    "pt": "Você tem sete dias de garantia, clique no botão abaixo.",
    "en": "You have a thirty day guarantee, click the button below.",
    "es": "Tienes siete días de garantía, haz clic en el botón de abajo.",
}
_EARLY = {
    "pt": "Montar isso sozinho leva meses. Esse kit custa só R$ 27.",
    "en": "Doing this alone takes months. This kit costs just $27.",
    "es": "Hacer esto solo lleva meses. Este kit cuesta solo $27.",
}
_TURN = {
    "pt": "Então deixa eu te mostrar o que você recebe.",
    "en": "So here's what you're getting.",
    "es": "Esto es lo que recibes.",
}
_STACK = {
    "pt": "O guia, os roteiros e a lista de verificação.",
    "en": "The guide, the scripts and the checklist.",
    "es": "La guía, los guiones y la lista de control.",
}
_TODAY = {"pt": "Hoje: R$ 27.", "en": "Today: $27.", "es": "Hoy: $27."}


def _preview_video(language: str, early: str | None = None) -> list[str]:
    return (
        [_BODY[language]] * 12
        + [early or _EARLY[language]]
        + [_BODY[language]] * 25
        + [_TURN[language], _STACK[language], _TODAY[language], _CLOSE[language]]
    )


# --- a price said alone early does not open the section when a later turn leads into it -------------------------


@pytest.mark.parametrize("language", ["pt", "en", "es"])
def test_a_turn_into_the_price_said_again_opens_the_section(language: str) -> None:
    lines = _preview_video(language)
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_TURN[language])].start
    assert b.confidence["pitch_s"] < 0.6  # the earlier price could still be the offer: "not sure"
    assert b.offer_price is not None and b.offer_price.amount == 27


@pytest.mark.parametrize(
    ("language", "early"),
    [
        ("pt", "Esse kit custa só R$ 27, clique no botão abaixo."),
        ("en", "This kit costs just $27, click the button below."),
        ("es", "Este kit cuesta solo $27, haz clic en el botón de abajo."),
    ],
)
def test_a_price_said_with_the_button_keeps_the_section(language: str, early: str) -> None:
    lines = _preview_video(language, early)
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(early)].start


@pytest.mark.parametrize("language", ["pt", "en", "es"])
def test_a_turn_after_the_price_was_asked_again_is_a_recap(language: str) -> None:
    # The price is asked twice before the turn: the turn comes after the offer, so the section stays.
    lines = _preview_video(language)
    lines[14] = _TODAY[language]
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_EARLY[language])].start


# --- "here's what you're getting" --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Here's what you're getting today."),
        ("en", "Here is what you are getting:"),
        ("pt", "Olha o que você está recebendo:"),
        ("es", "Mira lo que estás recibiendo:"),
    ],
)
def test_the_progressive_of_here_is_what_you_get_is_a_turn(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == [1]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "You're getting older every single year."),
        ("pt", "Você está recebendo menos do que merece no trabalho."),
        ("es", "Estás recibiendo menos de lo que mereces."),
    ],
)
def test_getting_something_else_is_no_turn(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == []


# --- a name that opens with a count; a conjunction is no name ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "The 5-Week Reset teaches you a simple routine."),
        ("en", "The 30-Day Garden Plan gives you a map for every bed."),
    ],
)
def test_a_name_that_opens_with_a_count_gives_what_the_buyer_gets(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == [1]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "The 5-week wait gives you time to think."),
        ("pt", "E ninguém te ensina a fazer pão."),
        ("es", "Y nadie te enseña esto en la escuela."),
        ("en", "And nobody teaches you this at school."),
        ("pt", "Mas ninguém te dá uma resposta honesta."),
    ],
)
def test_a_conjunction_or_a_lower_case_count_is_no_product(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == []


# --- a call funnel's amounts do not open the section; its invitation does ----------------------------------------


_CALL_OPENING = [
    "Congrats on booking your strategy call with me.",
    "I want this video to make our time on the call useful.",
]
_INVITE = "Now I'd like to extend you an invitation."


def test_a_call_funnels_figure_does_not_open_the_section() -> None:
    lines = (
        _CALL_OPENING
        + [_BODY["en"]] * 8
        + ["Let's do the math on a new salary.", "$30,000."]
        + [_BODY["en"]] * 30
        + [_INVITE, "Book your call with my team using the link below."]
    )
    segments = timed(lines)
    b = analyze(segments, "en")
    assert b.offer_price is None
    assert b.pitch_s == segments[lines.index(_INVITE)].start


def test_the_same_figure_without_a_call_is_still_the_price() -> None:
    lines = (
        [_BODY["en"]] * 10
        + ["Let's do the math on a new salary.", "$30,000."]
        + [_BODY["en"]] * 30
        + [_INVITE, "See you soon."]
    )
    segments = timed(lines)
    b = analyze(segments, "en")
    assert b.offer_price is not None and b.offer_price.amount == 30000
    assert b.pitch_s == segments[lines.index("$30,000.")].start


# --- an amount someone has is no price --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Si tengo cien mil dólares en efectivo, prefiero comprar dos terrenos."),
        ("pt", "Se você tem 5000 reais guardados, eles perdem valor todo mês."),
        ("en", "Now let's say they also have $12,000 in savings."),
    ],
)
def test_an_amount_someone_has_is_no_price(language: str, line: str) -> None:
    from vsl_assets.breakdown.prices import read_prices

    p = Prepared.build(timed([_BODY[language], line]), language)
    roles = {m.role for m in read_prices(p)}
    assert roles == {"comparison"}
    assert analyze(timed([_BODY[language]] * 6 + [line, _CLOSE[language]]), language).offer_price is None


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Hoy tienes todo por solo $97."),
        ("pt", "Hoje você tem tudo isso por apenas R$ 97."),
        ("en", "Today you have it all for just $97."),
    ],
)
def test_a_price_after_you_have_it_all_for_stays_the_price(language: str, line: str) -> None:
    b = analyze(timed([_BODY[language]] * 6 + [line, _CLOSE[language]]), language)
    assert b.offer_price is not None and b.offer_price.amount == 97


# --- the proposal said with its verb -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Esto es lo que te propongo: durante un mes yo llevo tu cuenta."),
        ("pt", "É isso o que eu te proponho: por um mês eu cuido da sua conta."),
        ("en", "Here's what I propose: for one month I run your account."),
    ],
)
def test_the_proposal_said_with_its_verb_is_a_turn(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == [1]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Mi socio me propuso un viaje a la costa."),
        ("pt", "Meu sócio me propôs uma viagem para a praia."),
        ("en", "My partner proposed a trip to the coast."),
    ],
)
def test_a_proposal_told_of_is_no_turn(language: str, line: str) -> None:
    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == []


# --- the price asked elliptically ----------------------------------------------------------------------------------


_PRICE = {"pt": "Apenas R$ 47 hoje.", "en": "Just $47 today.", "es": "Solo $47 hoy."}


@pytest.mark.parametrize(
    ("language", "question"),
    [("pt", "E o preço?"), ("pt", "E o investimento?"), ("en", "And the investment?"), ("es", "¿Y la inversión?")],
)
def test_the_price_asked_elliptically_opens_the_section(language: str, question: str) -> None:
    lines = [_BODY[language]] * 12 + [question, _PRICE[language], _CLOSE[language]]
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(question)].start
    assert b.confidence["pitch_s"] < 0.6


@pytest.mark.parametrize(
    ("language", "line"),
    [("pt", "Eu comparei o carro e o preço?"), ("en", "I compared the car and the price?")],
)
def test_a_price_named_inside_a_sentence_is_no_question_into_the_offer(language: str, line: str) -> None:
    lines = [_BODY[language]] * 12 + [line, _PRICE[language], _CLOSE[language]]
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_PRICE[language])].start


# --- a turn said before the product is introduced turns into the body ------------------------------------------


_ATTENTION = {"pt": "Agora preste muita atenção.", "es": "Ahora presta mucha atención."}
_PASSIVE = {
    "pt": "Foi por isso que o Plano Farol foi criado.",
    "es": "Por eso el Plan Faro fue creado para ti.",
}
_ASKED = {"pt": "E quanto custa tudo isso?", "es": "¿Y cuánto cuesta todo esto?"}
_CHEAP = {"pt": "Apenas R$ 47 hoje.", "es": "Solo $47 hoy."}


@pytest.mark.parametrize("language", ["pt", "es"])
def test_the_product_introduced_after_a_turn_opens_the_section(language: str) -> None:
    lines = (
        [_BODY[language]] * 14
        + [_ATTENTION[language]]
        + [_BODY[language]] * 8
        + [_PASSIVE[language], _BODY[language], _ASKED[language], _CHEAP[language], _CLOSE[language]]
    )
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_PASSIVE[language])].start


@pytest.mark.parametrize("language", ["pt", "es"])
def test_a_turn_with_no_introduction_after_it_still_opens_the_section(language: str) -> None:
    lines = (
        [_BODY[language]] * 14
        + [_ATTENTION[language]]
        + [_BODY[language]] * 9
        + [_ASKED[language], _CHEAP[language], _CLOSE[language]]
    )
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_ATTENTION[language])].start
