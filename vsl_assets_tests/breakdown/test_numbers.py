"""Spelled-out and digit numbers, currencies and instalments in PT, EN and ES."""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.numbers import find_money, parse_amount, transcript_currency, words_to_digits


@pytest.mark.parametrize(
    ("language", "said", "digits"),
    [
        ("pt", "cento e noventa e sete", "197"),
        ("pt", "mil novecentos e noventa e sete", "1997"),
        ("pt", "doze vezes de dezenove e setenta", "12 vezes de 19 e 70"),
        ("pt", "dezenove reais e noventa centavos", "19 reais e 90 centavos"),
        ("pt", "garantia de um ano", "garantia de 1 ano"),
        ("en", "two thousand", "2000"),
        ("en", "forty-nine dollars", "49 dollars"),
        ("en", "a sixty-day money-back guarantee", "a 60 day money-back guarantee"),
        ("es", "cuarenta y nueve dólares", "49 dólares"),
        ("es", "garantía de veintiún días", "garantía de 21 días"),
        ("es", "diecinueve dólares con noventa y siete centavos", "19 dólares con 97 centavos"),
        ("de", "neunzehn Euro", "neunzehn Euro"),
    ],
)
def test_words_to_digits(language: str, said: str, digits: str) -> None:
    assert words_to_digits(said, language) == digits


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("197", 197.0),
        ("1.997", 1997.0),
        ("1,997", 1997.0),
        ("19,70", 19.7),
        ("49.95", 49.95),
        ("1.997,00", 1997.0),
        ("1,997.00", 1997.0),
        ("10.000", 10000.0),
        ("0,5", 0.5),
    ],
)
def test_parse_amount_reads_both_decimal_conventions(raw: str, value: float) -> None:
    assert parse_amount(raw) == value


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3x"])
def test_parse_amount_rejects_non_numbers(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(raw)


def _money(text: str, language: str) -> list[tuple[float, str | None, int | None]]:
    normal = words_to_digits(text, language)
    return [(m.amount, m.currency, m.installments) for m in find_money(normal, language)]


@pytest.mark.parametrize(
    ("language", "said", "expected"),
    [
        ("pt", "R$ 197", [(197.0, "BRL", None)]),
        ("pt", "por R$197,00 à vista", [(197.0, "BRL", None)]),
        ("pt", "cento e noventa e sete reais", [(197.0, "BRL", None)]),
        ("pt", "mil novecentos e noventa e sete reais", [(1997.0, "BRL", None)]),
        ("pt", "apenas 1.997 reais", [(1997.0, "BRL", None)]),
        ("pt", "dezenove reais e noventa centavos", [(19.9, "BRL", None)]),
        ("pt", "12x de R$ 19,70", [(19.7, "BRL", 12)]),
        ("pt", "doze vezes de dezenove e setenta", [(19.7, "BRL", 12)]),
        ("pt", "são só quarenta e sete dólares", [(47.0, "USD", None)]),
        ("pt", "R$ 197 e 30 dias de garantia", [(197.0, "BRL", None)]),
        ("en", "US$ 37", [(37.0, "USD", None)]),
        ("en", "just $49.95", [(49.95, "USD", None)]),
        ("en", "forty-nine dollars", [(49.0, "USD", None)]),
        ("en", "two thousand dollars", [(2000.0, "USD", None)]),
        ("en", "nineteen ninety-five dollars", [(19.95, "USD", None)]),
        ("en", "three monthly payments of $49", [(49.0, "USD", 3)]),
        ("en", "only €39", [(39.0, "EUR", None)]),
        ("en", "today it's just forty-nine pounds", [(49.0, "GBP", None)]),
        ("en", "normally £97", [(97.0, "GBP", None)]),
        ("es", "cuarenta y nueve dólares", [(49.0, "USD", None)]),
        ("es", "47 dólares", [(47.0, "USD", None)]),
        ("es", "MX$ 499", [(499.0, "MXN", None)]),
        ("es", "€ 39", [(39.0, "EUR", None)]),
        ("es", "499 pesos colombianos", [(499.0, "COP", None)]),
        ("es", "doce cuotas de diecinueve dólares con noventa y siete centavos", [(19.97, "USD", 12)]),
        ("es", "cuarenta y nueve dólares con noventa", [(49.9, "USD", None)]),
    ],
)
def test_find_money(language: str, said: str, expected: list[tuple[float, str | None, int | None]]) -> None:
    assert _money(said, language) == expected


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("pt", "trinta dias e três frascos"),
        ("en", "in 60 days you lose 12 pounds of fat"),
        ("es", "7 días y 2 cápsulas"),
    ],
)
def test_counts_that_are_not_money(language: str, said: str) -> None:
    assert _money(said, language) == []


def test_bare_dollar_sign_takes_the_language_default() -> None:
    assert _money("por apenas $ 97", "pt") == [(97.0, "BRL", None)]
    assert _money("por solo $ 97", "es") == [(97.0, "USD", None)]


def test_bare_dollar_sign_takes_the_currency_the_transcript_names() -> None:
    texts = ["cuesta 999 pesos mexicanos en tiendas", "hoy solo $ 499"]
    currency = transcript_currency(texts, "es")
    assert currency == "MXN"
    assert [(m.amount, m.currency) for m in find_money(texts[1], "es", currency)] == [(499.0, "MXN")]


def test_transcript_currency_falls_back_to_the_language() -> None:
    assert transcript_currency(["sem preço nenhum"], "pt") == "BRL"
    assert transcript_currency(["nothing"], "fr") is None


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # Portuguese "peso" is a weight, and a recogniser hears "pessoas" as "pesos": not money alone.
        ("pt", "mais de três mil pesos já mudaram de vida com o método", []),
        ("pt", "ela tirou 2 pesos da mochila antes do treino", []),
        ("pt", "o curso custa 500 pesos argentinos lá fora", [(500.0, "ARS")]),
        ("pt", "lá custa $ 900 pesos", [(900.0, "MXN")]),
        ("pt", "hoje por apenas 97 reais", [(97.0, "BRL")]),
        # Spanish and English keep the peso as money.
        ("es", "hoy solo 499 pesos", [(499.0, "MXN")]),
        ("en", "it costs 300 pesos in Mexico", [(300.0, "MXN")]),
    ],
)
def test_a_peso_in_portuguese_is_money_only_with_its_country_or_a_sign(
    language: str, text: str, expected: list[tuple[float, str]]
) -> None:
    found = find_money(words_to_digits(text, language), language)
    assert [(m.amount, m.currency) for m in found] == expected
