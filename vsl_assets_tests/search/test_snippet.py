"""The snippet marks exactly the words a query matched, whichever fast path a segment takes."""

from __future__ import annotations

import pytest

from vsl_assets.search.query import parse
from vsl_assets.search.snippet import highlight, highlight_many


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


#: Segments of one language each, written for these tests: numbers said in words (one ending a
#: segment right before a segment that matches at its first word), digits, thousands separators,
#: accents, a Kelvin sign (lower-cased to ASCII "k"), a line break inside a text, an empty text,
#: a text with no word, a long text (windowed) and texts that match nothing.
_PAGE = {
    "pt": [
        "A garantia vale por trinta dias, e são trinta",
        "dias corridos para você testar.",
        "Noventa e sete reais hoje, ou 97 reais amanhã, R$ 1.997 depois.",
        "O plano custa noventa e sete",
        "dias de garantia, ou trinta dias.",
        "Você TEM a Garantia de Satisfação por vinte e sete dias.",
        "",
        "... !!",
        "Uma linha\ncom trinta dias no meio.",
        "Nada aqui combina com a busca.",
        "palavra " * 60 + "e no fim, trinta dias de garantia e mais " + "texto " * 40,
        "Emagrecer e emagrecimento em 30 dias, não magro.",
    ],
    "en": [
        "Thirty days of support, then thirty",
        "days more, and seven dollars a month.",
        "You get 7 dollars back within thirty days, 1,000 people did.",
        "Ninety seven dollars, one thousand nine hundred ninety seven or 1,997 people.",
        "The \u212aelvin sign folds to a plain k in thirty days.",
        "Nothing here.",
    ],
    "es": [
        "Treinta días de garantía, y son treinta",
        "días para probarlo, por siete dólares.",
        "Mil novecientos noventa y siete, noventa y siete o 97 personas en 30 días.",
        "¿Estás listo? En treinta días lo verás.",
    ],
}


@pytest.mark.parametrize(
    "query",
    [
        "30 dias",
        "30 days",
        "30 días",
        "thirty",
        '"trinta dias"',
        "7 dollars",
        "97",
        "garantia",
        "emagrec*",
        "1.000",
        "dias -trinta",
        "k",
    ],
)
def test_a_page_s_snippets_made_together_are_those_made_one_by_one(query: str) -> None:
    # highlight_many analyses all of a page's texts of one language at once (one split, one
    # number reading and one stemmer call over their words): every snippet must be what the text
    # alone gives, marks and window included, also where a number said in words ends one text and
    # the next text matches at its first word.
    parsed = parse(query)
    for language, texts in [*_PAGE.items(), (None, _PAGE["pt"] + _PAGE["en"])]:
        assert highlight_many(texts, parsed, language) == [highlight(t, parsed, language) for t in texts]
        for one in texts:
            assert highlight_many([one], parsed, language) == [highlight(one, parsed, language)]
    assert highlight_many([], parsed, "pt") == []


def test_numbers_said_in_words_are_marked_in_each_text_of_a_page() -> None:
    # What the page shows for a number query typed as digits: each text's own number words and
    # the word after them, never a mark carried over from the text before.
    snippets = highlight_many(_PAGE["pt"][:5], parse("30 dias"), "pt")
    assert [s.marked() for s in snippets] == [
        "A garantia vale por [trinta] [dias], e são [trinta]",
        "[dias] corridos para você testar.",
        "Noventa e sete reais hoje, ou 97 reais amanhã, R$ 1.997 depois.",
        "O plano custa noventa e sete",
        "[dias] de garantia, ou [trinta] [dias].",
    ]
    snippets = highlight_many(_PAGE["en"][:3], parse("7 dollars"), "en")
    assert [s.marked() for s in snippets] == [
        "Thirty days of support, then thirty",
        "days more, and [seven] [dollars] a month.",
        "You get [7] [dollars] back within thirty days, 1,000 people did.",
    ]
    snippets = highlight_many(_PAGE["es"], parse("30 días"), "es")
    assert [s.marked() for s in snippets] == [
        "[Treinta] [días] de garantía, y son [treinta]",
        "[días] para probarlo, por siete dólares.",
        "Mil novecientos noventa y siete, noventa y siete o 97 personas en [30] [días].",
        "¿Estás listo? En [treinta] [días] lo verás.",
    ]
