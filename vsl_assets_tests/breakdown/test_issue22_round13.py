"""Issue 22, round thirteen: long-form VSLs — the price asked as a question opens the offer section, and the
speaker's other verbs of naming ("nomeei de", "batizamos de", "I named it", "lo bauticé") name the product.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the real documents behind each change are named where the rule lives
(``vsl_assets/breakdown/section.py`` and ``names/written.py``).
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed

# A long body with no turn, price or naming cue: it pushes the offer past the opening fifth of the video.
_BODY = {
    "pt": "Durante anos eu tentei de tudo e nada parecia mudar de verdade na minha vida.",
    "en": "For years I tried everything and nothing seemed to really change in my life.",
    "es": "Durante años lo intenté todo y nada parecía cambiar de verdad en mi vida.",
}
_PRICE = {
    "pt": "O investimento é de R$ 197 à vista.",
    "en": "The investment is just $197 today.",
    "es": "La inversión es de solo $197 hoy.",
}
_CLOSE = {
    "pt": "Você tem sete dias de garantia, clique no botão abaixo.",
    "en": "You have a thirty day guarantee, click the button below.",
    "es": "Tienes siete días de garantía, haz clic en el botón de abajo.",
}


def _video(language: str, question: str, before: str | None = None) -> list[str]:
    lines = [_BODY[language]] * 12
    if before is not None:
        lines.append(before)
    lines += [_BODY[language]] * 2 + [question, _PRICE[language], _CLOSE[language]]
    return lines


# --- the price question opens the offer section -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("pt", "E quanto custa tudo isso?"),
        ("pt", "E quanto que é o investimento pra entrar no programa?"),
        ("pt", "Qual é o investimento?"),
        ("en", "So how much does all of this cost?"),
        ("en", "What's the investment?"),
        ("es", "¿Y cuánto cuesta todo esto?"),
        ("es", "¿Cuál es la inversión?"),
    ],
)
def test_the_price_question_starts_the_offer_section(language: str, question: str) -> None:
    lines = _video(language, question)
    segments = timed(lines)
    b = analyze(segments, language)
    at = lines.index(question)
    assert b.pitch_s == segments[at].start
    assert b.confidence["pitch_s"] < 0.6  # seconds before the price: as unsure as the price read alone


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("pt", "Quanto custa um carro novo hoje em dia?"),
        ("en", "How much does a developer cost per hour?"),
        ("es", "¿Cuánto cuesta una casa en Miami?"),
    ],
)
def test_a_question_about_another_things_cost_is_no_turn(language: str, question: str) -> None:
    lines = _video(language, question)
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(_PRICE[language])].start


@pytest.mark.parametrize(
    ("language", "turn", "question"),
    [
        ("pt", "Deixa eu te mostrar tudo o que você vai receber.", "E quanto custa tudo isso?"),
        ("en", "Here's what you get.", "So how much does all of this cost?"),
        ("es", "Esto es lo que recibes.", "¿Y cuánto cuesta todo esto?"),
    ],
)
def test_an_earlier_turn_into_the_price_still_starts_the_section(language: str, turn: str, question: str) -> None:
    lines = _video(language, question, before=turn)
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(turn)].start


# --- the other verbs of naming ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("pt", "Juntei tudo num passo a passo que eu batizei de Rota Clara.", "Rota Clara"),
        ("pt", "Foi assim que surgiu o que eu nomeei de Ponte Serena.", "Ponte Serena"),
        ("en", "I put it all in one plan, and I named it Quiet Harbor.", "Quiet Harbor"),
        ("es", "Lo junté todo en un plan y lo bauticé Puente Sereno.", "Puente Sereno"),
    ],
)
def test_a_verb_of_naming_names_the_product(language: str, line: str, name: str) -> None:
    lines = [_BODY[language]] * 6 + [line] + [_BODY[language]] * 4 + [_PRICE[language], _CLOSE[language]]
    b = analyze(timed(lines), language)
    assert b.product == name


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("pt", "Meu avô batizou o barco com o nome da minha avó."),
        ("en", "My daughter named her puppy after a cartoon."),
        ("es", "Mi hija le puso nombre a su perro ayer."),
    ],
)
def test_naming_something_else_names_no_product(language: str, line: str) -> None:
    lines = [_BODY[language]] * 6 + [line] + [_BODY[language]] * 4 + [_PRICE[language], _CLOSE[language]]
    b = analyze(timed(lines), language)
    assert b.product is None


# --- the invitation, said as a noun, opens an unpriced offer ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "invitation", "close"),
    [
        ("es", "Ahora quiero hacerte una invitación sencilla.", "Agenda tu llamada con mi equipo en el enlace."),
        ("pt", "Agora eu quero te fazer um convite especial.", "Agende a sua conversa com a equipe no link abaixo."),
        ("en", "Now I'd like to extend you an invitation.", "Book your call with my team using the link below."),
    ],
)
def test_an_invitation_opens_the_offer_of_a_video_with_no_price(language: str, invitation: str, close: str) -> None:
    lines = [_BODY[language]] * 12 + [invitation] + [_BODY[language]] * 2 + [close]
    segments = timed(lines)
    b = analyze(segments, language)
    assert b.pitch_s == segments[lines.index(invitation)].start
    assert b.offer_price is None


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Mi prima me mandó una invitación para su boda."),
        ("pt", "Recebi um convite para o casamento do meu primo."),
        ("en", "I got an invitation to my cousin's wedding."),
    ],
)
def test_an_invitation_received_is_no_turn(language: str, line: str) -> None:
    from vsl_assets.breakdown.prepared import Prepared
    from vsl_assets.breakdown.section import turn_segments

    p = Prepared.build(timed([_BODY[language], line]), language)
    assert turn_segments(p) == []


# --- a call funnel's weakly cued amount is no price -------------------------------------------------------


_CALL_VIDEO = [
    "Congrats on booking your strategy call with me.",
    "I want this video to make our time on the call useful.",
] + [_BODY["en"]] * 6
_MATH = ["Let's do the math on a new salary.", "Three months of waiting?", "$30,000.", "That adds up fast."]


def test_a_call_funnels_weakly_cued_amount_is_no_price() -> None:
    b = analyze(timed(_CALL_VIDEO + _MATH + ["We'll cover the details on our call.", "See you soon."]), "en")
    assert b.offer_price is None


def test_the_same_amount_without_a_call_stays_a_price() -> None:
    lines = [_BODY["en"]] * 8 + _MATH + ["See you soon."]
    b = analyze(timed(lines), "en")
    assert b.offer_price is not None and b.offer_price.amount == 30000


def test_a_strongly_cued_price_in_a_call_video_stands() -> None:
    lines = [*_CALL_VIDEO, "Today you get it all for just $297, or 3 payments of $109.", "Book your call below."]
    b = analyze(timed(lines), "en")
    assert b.offer_price is not None and b.offer_price.amount == 297


# --- an amount later struck down is the anchor, not the price -----------------------------------------------


def test_an_amount_struck_down_later_is_the_anchor() -> None:
    lines = [_BODY["pt"]] * 6 + [
        "Montar uma plataforma assim do zero custa R$ 90.000.",
        "Eu sei porque já orcei isso várias vezes.",
        "Mas o Plano Farol não custa R$ 90.000.",
        "O investimento é de R$ 9.000.",
        _CLOSE["pt"],
    ]
    b = analyze(timed(lines), "pt")
    assert b.offer_price is not None and b.offer_price.amount == 9000
    assert b.anchor_price is not None and b.anchor_price.amount == 90000


def test_a_price_never_struck_down_stays_the_price() -> None:
    lines = [_BODY["pt"]] * 6 + ["Hoje o Plano Farol custa R$ 9.000.", "Não custa R$ 20.000.", _CLOSE["pt"]]
    b = analyze(timed(lines), "pt")
    assert b.offer_price is not None and b.offer_price.amount == 9000


def test_the_price_question_in_a_video_with_no_price_is_an_objection_not_the_offer() -> None:
    invitation = "Here's what I want to give you, free: a 20-minute planning call."
    lines = [_BODY["en"]] * 8 + [invitation, _BODY["en"], "What does it cost? The call costs nothing.", "See you."]
    segments = timed(lines)
    b = analyze(segments, "en")
    assert b.pitch_s == segments[lines.index(invitation)].start
    assert b.offer_price is None
