"""The price model on sentences written for these tests: every amount's role, the offer, the anchor.

Each pattern of issue 22 is checked in PT, EN and ES, with a positive case (the cue decides the
role) and a negative one (the same amount without the cue is not given that role).
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.prices import choose_offer, read_prices
from vsl_assets.breakdown.section import offer_section
from vsl_assets_tests.breakdown.samples import timed


def _roles(lines: list[str], language: str) -> list[tuple[float, str]]:
    p = Prepared.build(timed(lines), language)
    return [(m.money.amount, m.role) for m in read_prices(p)]


def _offer(lines: list[str], language: str) -> tuple[float | None, str | None, float | None, int | None]:
    p = Prepared.build(timed(lines), language)
    r = choose_offer(p, offer_section(p)[0])
    if r.offer is None:
        return None, None, r.anchor.amount if r.anchor else None, None
    return r.offer.amount, r.offer.currency, r.anchor.amount if r.anchor else None, r.offer.installments


# --- one role per rule, positive and negative, in the three languages ------------------------------


@pytest.mark.parametrize(
    ("language", "line", "amount", "role"),
    [
        # rejected: a negation right before the amount
        ("pt", "Você não vai pagar trezentos reais por esse guia.", 300.0, "rejected"),
        ("pt", "Não por cento e cinquenta reais.", 150.0, "rejected"),
        ("en", "Not $250 a month, and not even $120.", 250.0, "rejected"),
        ("es", "No vas a pagar 400 dólares por este taller.", 400.0, "rejected"),
        ("es", "Ni siquiera 200 dólares.", 200.0, "rejected"),
        # anchor: the normal / list / reduced-from price
        ("pt", "O valor normal desse acompanhamento é de R$ 890.", 890.0, "anchor"),
        ("en", "The workshop normally runs $640 per seat.", 640.0, "anchor"),
        ("es", "El precio regular de la mentoría es de 750 dólares.", 750.0, "anchor"),
        # income claims
        ("pt", "No mês passado eu faturei R$ 48.000 com esse método.", 48000.0, "income"),
        ("en", "My student Rita made $12,400 in her second month.", 12400.0, "income"),
        ("es", "Carlos ganó 9.000 dólares en ventas el trimestre pasado.", 9000.0, "income"),
        # other things' costs
        ("pt", "Uma cirurgia dessas custa uns R$ 25.000 no particular.", 25000.0, "comparison"),
        ("en", "A private coach charges $300 an hour for this.", 300.0, "comparison"),
        ("es", "Una agencia te cobra 2.500 dólares al mes.", 2500.0, "comparison"),
        ("en", "I spent $4,000 on courses that went nowhere.", 4000.0, "comparison"),
        # per-unit framing of a price
        ("pt", "Dá só um real e vinte por dia.", 1.2, "per_period"),
        ("pt", "Custa menos que um lanche de R$ 30.", 30.0, "comparison"),
        ("en", "That works out to $1.60 per serving.", 1.6, "per_period"),
        ("es", "Son 2 dólares por porción.", 2.0, "per_period"),
        # bonus values
        ("pt", "E o bônus das receitas, avaliado em R$ 147, vai de presente.", 147.0, "bonus_value"),
        ("en", "The bonus checklist is valued at $97, and it's yours free.", 97.0, "bonus_value"),
        ("es", "El bono del calendario, valorado en 80 dólares, va de regalo.", 80.0, "bonus_value"),
        # offer cues
        ("pt", "Hoje o acesso sai por apenas R$ 67.", 67.0, "offer"),
        ("en", "Today the whole kit is just $59.", 59.0, "offer"),
        ("es", "Hoy el curso completo es por solo 39 dólares.", 39.0, "offer"),
        # instalments
        ("pt", "Você pode pagar em 10x de R$ 29,70 no cartão.", 29.7, "installment"),
        ("en", "Or take it in 4 payments of $33.", 33.0, "installment"),
        ("es", "O en 6 cuotas de 15 dólares.", 15.0, "installment"),
    ],
)
def test_each_amount_gets_its_role(language: str, line: str, amount: float, role: str) -> None:
    found = dict(_roles([line], language))
    assert found.get(amount) == role, found


@pytest.mark.parametrize(
    ("language", "line", "amount", "not_role"),
    [
        # without the negation the same amount is no longer struck down
        ("pt", "Você vai pagar trezentos reais por esse guia.", 300.0, "rejected"),
        ("en", "It is $250 a month.", 250.0, "rejected"),
        ("es", "Vas a pagar 400 dólares por este taller.", 400.0, "rejected"),
        # an amount the seller asks is no income claim
        ("pt", "O investimento é de R$ 48.000.", 48000.0, "income"),
        ("en", "The retainer is $12,400.", 12400.0, "income"),
        # "normally" elsewhere in the video does not make a later cued amount an anchor
        ("en", "It's normal to doubt. Today it is $59.", 59.0, "anchor"),
        ("es", "Es normal dudar. Hoy es por solo 39 dólares.", 39.0, "anchor"),
        # free shipping said with a price does not make it a bonus's value
        ("es", "Te lo dejamos en 45 dólares con envío gratis.", 45.0, "bonus_value"),
        ("pt", "Sai por R$ 89 com frete grátis.", 89.0, "bonus_value"),
    ],
)
def test_roles_need_their_cue(language: str, line: str, amount: float, not_role: str) -> None:
    found = dict(_roles([line], language))
    assert amount in found and found[amount] != not_role, found


# --- the offer and the anchor over a whole close -----------------------------------------------------


def test_prices_struck_down_before_the_real_one_pt() -> None:
    lines = [
        "Eu sei que você já gastou muito com dieta e nada adiantou.",
        "Quem contrata uma nutricionista paga uns R$ 400 por mês.",
        "Agora presta atenção no que eu vou te mostrar.",
        "O plano completo já foi vendido por R$ 297.",
        "Mas hoje não vai ser por 200 reais.",
        "Nem por 100 reais.",
        "Hoje o acesso sai por apenas R$ 27,90.",
        "São R$ 27,90 uma vez só.",
        "E você tem sete dias de garantia.",
    ]
    assert _offer(lines, "pt") == (27.9, "BRL", 297.0, None)


def test_prices_struck_down_before_the_real_one_en() -> None:
    lines = [
        "My clients used to pay me $1,500 for a single audit.",
        "Here's what you get today.",
        "The full toolkit, the templates and the weekly calls.",
        "Not $600. Not even $300.",
        "Today it's just $129, one time.",
        "You're covered by a 30-day money-back guarantee.",
    ]
    # No "normal" price is said: the highest struck-down price is the anchor.
    assert _offer(lines, "en") == (129.0, "USD", 600.0, None)


def test_installments_and_cash_price_es() -> None:
    lines = [
        "Durante años mis alumnos me pidieron un curso grabado.",
        "Esto es lo que vas a recibir:",
        "Doce módulos, plantillas y una comunidad privada.",
        "El precio regular es de 490 dólares.",
        "Hoy puedes llevarlo en 6 cuotas de 24 dólares,",
        "o 129 dólares en un solo pago.",
        "Y tienes 15 días de garantía.",
    ]
    assert _offer(lines, "es") == (129.0, "USD", 490.0, 6)


def test_bundle_base_offer_is_the_entry_package_en() -> None:
    lines = [
        "Thousands of men have tried it by now.",
        "Here's what you get when you order today.",
        "One bottle is just $59.",
        "Three bottles are only $49 each.",
        "And six bottles are just $39 each.",
        "Every order has a 60-day money-back guarantee.",
    ]
    offer, currency, _, _ = _offer(lines, "en")
    assert (offer, currency) == (59.0, "USD")
    p = Prepared.build(timed(lines), "en")
    roles = {m.money.amount: m.role for m in read_prices(p)}
    assert roles[49.0] == "offer" and roles[39.0] == "offer"  # before choose_offer places them
    mentions = choose_offer(p, offer_section(p)[0]).mentions
    assert {m.amount: m.role for m in mentions}[49.0] == "alternative"


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "Last year I made $340,000 from a laptop on my kitchen table.",
                "Some of my students make $200 to $2,000 a day.",
                "One of them sold a domain for $18,000.",
                "I want to show you how it works, step by step.",
                "Click the button below to book a call with my team.",
            ],
        ),
        (
            "pt",
            [
                "No ano passado a minha empresa faturou R$ 1,2 milhão.",
                "Tem aluno tirando de R$ 300 a R$ 3.000 por semana.",
                "Uma consultoria dessas custaria uns R$ 15.000.",
                "Clique no botão abaixo e agende a sua conversa.",
            ],
        ),
        (
            "es",
            [
                "Mi agencia facturó 2 millones de dólares el año pasado.",
                "Un abogado te cobra 800 dólares por una consulta así.",
                "Haz clic en el botón y agenda tu llamada.",
            ],
        ),
    ],
)
def test_no_price_said_gets_no_price(language: str, lines: list[str]) -> None:
    b = analyze(timed(lines), language)
    assert b.offer_price is None, b.prices
    assert b.prices and all(m.role != "offer" for m in b.prices)


def test_english_number_words_and_scale_words() -> None:
    lines = [
        "I built my first store to one point two million dollars in sales before I turned thirty.",
        "My old business made $1.5 million and I was still miserable.",
        "Here's what you get.",
        "The whole library is one thousand two hundred and forty-nine Canadian dollars,",
        "reduced from one thousand nine hundred and ninety-nine.",
        "Refunds are available within fourteen days.",
    ]
    b = analyze(timed(lines), "en")
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.currency) == (1249.0, "CAD")
    assert b.anchor_price is not None and b.anchor_price.amount == 1999.0
    assert {m.amount for m in b.prices if m.role in ("income", "other")} >= {1_500_000.0}


def test_portuguese_price_said_as_a_bare_pair_in_the_offer() -> None:
    lines = [
        "Eu testei isso com mais de duzentos pacientes no consultório.",
        "Agora presta atenção.",
        "O kit com três potes dura noventa dias.",
        "Sessenta e sete e noventa.",
        "Dá dois reais e pouco por dia.",
        "Clique no botão aqui embaixo.",
    ]
    assert _offer(lines, "pt")[:2] == (67.9, "BRL")


def test_bare_pair_outside_a_price_sentence_is_not_money() -> None:
    # "vinte e trinta anos" is an age range inside a longer sentence, not "20,30".
    assert _roles(["Entre os vinte e trinta anos eu vivi cansado."], "pt") == []


def test_every_mention_says_why_and_where() -> None:
    lines = ["Here's the offer.", "Not $90.", "Just $45 today."]
    b = analyze(timed(lines), "en")
    rejected = next(m for m in b.prices if m.amount == 90.0)
    assert rejected.role == "rejected" and '"not"' in rejected.why
    assert rejected.quote == "Not $90." and rejected.start > 0
    offer = next(m for m in b.prices if m.amount == 45.0)
    assert offer.role == "offer" and "offer cue" in offer.why


def test_a_price_that_is_not_the_cost_then_the_investment_pt() -> None:
    lines = [
        "Eu ajudo donos de clínica a encher a agenda há oito anos.",
        "Uma consultoria dessas comigo não custa R$ 90.000.",
        "Deixa eu te mostrar tudo que você vai receber.",
        "O investimento é de R$ 8.400.",
        "Ou 12x de R$ 840 no cartão.",
    ]
    assert _offer(lines, "pt") == (8400.0, "BRL", 90000.0, 12)


def test_normally_then_today_en() -> None:
    lines = ["Here's what you get.", "The course is normally $640, today it's $240.", "Click below."]
    assert _offer(lines, "en") == (240.0, "USD", 640.0, None)
