"""The snippet marks exactly the words a query matched, whichever fast path a segment takes."""

from __future__ import annotations

from vsl_assets.search.query import parse
from vsl_assets.search.snippet import highlight


def marked(text: str, query: str, language: str | None) -> str:
    return highlight(text, parse(query), language).marked()


def test_one_query_object_marks_per_language() -> None:
    # The query's analysed forms are kept per query *and* language: the same parsed query reads
    # "garantias" as a Portuguese stem in one segment and leaves it unstemmed in another.
    parsed = parse("garantia")
    assert highlight("Duas garantias hoje.", parsed, "pt").marked() == "Duas [garantias] hoje."
    assert highlight("Duas garantias hoje.", parsed, None).marked() == "Duas garantias hoje."
    assert highlight("A garantia vale.", parsed, None).marked() == "A [garantia] vale."


def test_accents_phrases_prefixes_and_numbers() -> None:
    assert marked("Você TEM a Garantia de Satisfação", '"garantia de satisfacao"', "pt") == (
        "Você TEM a [Garantia] [de] [Satisfação]"
    )
    assert marked("Emagrecer e emagrecimento, não magro.", "emagrec*", "pt") == (
        "[Emagrecer] e [emagrecimento], não magro."
    )
    # A phrase is marked only where its words stand together, in order.
    assert (
        marked("dias de garantia, garantia de dias", '"garantia de"', "pt") == "dias de garantia, [garantia] [de] dias"
    )
    # A number said in words is one mark; a number with thousands separators is one word.
    assert marked("São vinte e sete dias, 1.000 reais.", "27 mil", "pt") == "São [vinte e sete] dias, [1.000] reais."
    assert marked("Nothing here matches.", "garantia", "en") == "Nothing here matches."


def test_words_after_numbers_said_in_words_are_marked_where_they_stand() -> None:
    # Each number said in words is one word of the analysis: a match after one or several of them
    # is marked at its own place in the text, and a number's mark spans all of its words.
    assert marked("Por noventa e sete reais, ou 97 reais, R$ 97 e 1.997 pessoas.", "noventa e sete", "pt") == (
        "Por [noventa e sete] reais, ou [97] reais, R$ [97] e 1.997 pessoas."
    )
    assert marked("trinta dias, noventa e sete dias e vinte e um dias por 97 dias", "97 dias", "pt") == (
        "trinta [dias], [noventa e sete] [dias] e vinte e um [dias] por [97] [dias]"
    )
    assert marked("ninety seven dollars, one thousand nine hundred ninety seven or 1,997 people", "1.997", "en") == (
        "ninety seven dollars, [one thousand nine hundred ninety seven] or [1,997] people"
    )
    assert marked("mil novecientos noventa y siete, noventa y siete o 97 personas", "97 personas", "es") == (
        "mil novecientos noventa y siete, [noventa y siete] o [97] [personas]"
    )
