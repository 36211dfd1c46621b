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
