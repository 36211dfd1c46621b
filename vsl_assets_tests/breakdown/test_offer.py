"""Price, anchor, instalments and guarantee read off small transcripts in PT, EN and ES."""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.offer import find_guarantee
from vsl_assets.breakdown.prepared import Prepared
from vsl_assets.breakdown.prices import choose_offer
from vsl_assets.breakdown.section import offer_section
from vsl_assets_tests.breakdown.samples import timed


def _offer(
    lines: list[str], language: str
) -> tuple[tuple[float, str | None, int | None, float | None] | None, float | None]:
    p = Prepared.build(timed(lines), language)
    result = choose_offer(p, offer_section(p)[0])
    o = result.offer
    return (
        (o.amount, o.currency, o.installments, o.installment_amount) if o else None,
        result.anchor.amount if result.anchor else None,
    )


@pytest.mark.parametrize(
    ("language", "lines", "offer", "anchor"),
    [
        (
            "pt",
            [
                "esse tratamento já foi vendido a R$ 497 nas farmácias",
                "mas aqui você leva por 12x de R$ 19,70,",
                "ou R$ 197 à vista, o que dá menos de dois reais por dia",
            ],
            (197.0, "BRL", 12, 19.7),
            497.0,
        ),
        (
            "pt",
            [
                "o investimento é de doze parcelas de cento e noventa e nove e setenta,",
                "ou mil novecentos e noventa e sete reais à vista",
            ],
            (1997.0, "BRL", 12, 199.7),
            None,
        ),
        (
            "pt",
            ["o frasco sai normalmente por R$ 297, mas hoje sai de 297 por R$ 147"],
            (147.0, "BRL", None, None),
            297.0,
        ),
        ("pt", ["e hoje o Código sai por quarenta e sete reais, pagamento único"], (47.0, "BRL", None, None), None),
        (
            "en",
            [
                "a formula like this would normally cost you around $179 in a health store",
                "but I was able to bring the price down to just $69 per bottle",
            ],
            (69.0, "USD", None, None),
            179.0,
        ),
        (
            "en",
            [
                "normally a year costs a hundred and ninety-nine dollars,",
                "but today I've set up a special rate of just forty-nine dollars",
            ],
            (49.0, "USD", None, None),
            199.0,
        ),
        (
            "en",
            [
                "you can join for $997 or three payments of $397",
                "last year the program was $2,000",
                "and Jasmine now makes two thousand dollars a month",
            ],
            (997.0, "USD", 3, 397.0),
            2000.0,
        ),
        (
            "es",
            [
                "En las tiendas un suero así normalmente cuesta 1,200 pesos, o más,",
                "pero en nuestra página te lo dejamos en $599 pesos con envío gratis.",
            ],
            (599.0, "MXN", None, None),
            1200.0,
        ),
        (
            "es",
            ["El programa completo cuesta cuarenta y siete dólares, un solo pago."],
            (47.0, "USD", None, None),
            None,
        ),
        (
            "es",
            [
                "doña Carmen bajó de doscientos diez a ciento veinte en ayunas.",
                "Un frasco normalmente cuesta 99 dólares,",
                "pero hoy te lo llevas por cuarenta y nueve dólares.",
            ],
            (49.0, "USD", None, None),
            99.0,
        ),
    ],
)
def test_offer_and_anchor(
    language: str, lines: list[str], offer: tuple[float, str, int | None, float | None], anchor: float | None
) -> None:
    assert _offer(lines, language) == (offer, anchor)


def test_earnings_and_debts_are_not_prices() -> None:
    lines = ["Donna paid off eighteen thousand dollars of credit card debt,", "Luis makes 600 dollars a month with it."]
    assert _offer(lines, "en") == (None, None)


@pytest.mark.parametrize(
    ("language", "lines", "days"),
    [
        ("pt", ["e você ainda tem trinta dias de garantia, se não gostar a gente devolve"], 30),
        ("pt", ["você tem sessenta dias para testar, se não sentir diferença a gente devolve o valor inteiro"], 60),
        ("pt", ["a garantia é de um ano inteiro"], 365),
        ("en", ["every bottle comes with a full 180-day money-back guarantee, that's six full months"], 180),
        (
            "en",
            ["and you have sixty days to try it, if you don't like it for any reason,", "you get a full refund"],
            60,
        ),
        ("es", ["Y tienes una garantía de siete días, te devolvemos tu dinero."], 7),
        (
            "es",
            ["incluye un plan de comidas de catorce días", "Como siempre tienes noventa días de garantía."],
            90,
        ),
        ("pt", ["a próxima produção leva uns sessenta dias para ficar pronta"], None),
        ("en", ["Yesenia got her first client in ten days answering messages"], None),
    ],
)
def test_guarantee_days(language: str, lines: list[str], days: int | None) -> None:
    got, evidence = find_guarantee(Prepared.build(timed(lines), language))
    assert got == days
    assert (evidence is None) == (days is None)
