"""Numbers said in words and written in digits are the same words to search, in PT, EN and ES:
the grammar (numbers.py), the normaliser's helpers (text.py), and every backend end to end."""

from __future__ import annotations

import pytest

from vsl_assets.search import SearchBackend, SearchQuery
from vsl_assets.search.numbers import to_digits
from vsl_assets.search.query import parse
from vsl_assets.search.snippet import highlight
from vsl_assets.search.text import number_text, words
from vsl_assets_tests.search.conftest import doc


def said(text: str, language: str) -> str:
    return " ".join(to_digits(words(text), language))


GRAMMAR = [
    # Portuguese: tens + "e" + units, hundreds, "cem" alone, "cento e", thousands, feminine forms.
    ("pt", "garantia de trinta dias", "garantia de 30 dias"),
    ("pt", "vinte e sete reais", "27 reais"),
    ("pt", "trinta e um dias", "31 dias"),
    ("pt", "cento e vinte e sete", "127"),
    ("pt", "cento e um", "101"),
    ("pt", "cem por cento", "100 por cento"),
    ("pt", "duzentas pessoas", "200 pessoas"),
    ("pt", "novecentos e noventa e nove", "999"),
    ("pt", "mil", "1000"),
    ("pt", "mil e quinhentos", "1500"),
    ("pt", "dois mil e vinte e seis", "2026"),
    ("pt", "dezessete anos", "17 anos"),
    ("pt", "zero", "0"),
    # Articles stay words alone; "dos" is Portuguese "of the", not Spanish 2.
    ("pt", "uma garantia de um ano", "uma garantia de um ano"),
    ("pt", "dos dois lados", "dos 2 lados"),
    # Two numbers in a row stay two numbers (a place filled twice ends the first).
    ("pt", "dois três", "2 3"),
    ("pt", "trinta quarenta", "30 40"),
    # English: hyphenated tens, "hundred"/"thousand" multiply, "and" only after them.
    ("en", "a thirty-day guarantee", "a 30 day guarantee"),
    ("en", "twenty-seven dollars", "27 dollars"),
    ("en", "twenty seven dollars", "27 dollars"),
    ("en", "one hundred and twenty", "120"),
    ("en", "a hundred people", "100 people"),
    ("en", "a thousand times", "1000 times"),
    ("en", "two thousand and five", "2005"),
    ("en", "twelve hundred", "1200"),
    ("en", "nine hundred ninety-nine", "999"),
    ("en", "one and two", "1 and 2"),
    ("en", "twenty and seven", "20 and 7"),
    ("en", "once a day", "once a day"),
    # Spanish: "veinti-" words, "y" between tens and units, "ciento" + more, "cien" alone.
    ("es", "garantía de treinta días", "garantia de 30 dias"),
    ("es", "veintisiete", "27"),
    ("es", "veintiún días", "21 dias"),
    ("es", "treinta y cinco", "35"),
    ("es", "treinta y uno", "31"),
    ("es", "ciento veinte", "120"),
    ("es", "cien por ciento", "100 por ciento"),
    ("es", "doscientas personas", "200 personas"),
    ("es", "mil quinientos", "1500"),
    ("es", "dos mil", "2000"),
    ("es", "una vez al día", "una vez al dia"),
    ("es", "once meses", "11 meses"),
]


@pytest.mark.parametrize(("language", "text", "expected"), GRAMMAR, ids=[f"{lang}:{t}" for lang, t, _ in GRAMMAR])
def test_number_words_read_as_digits(language: str, text: str, expected: str) -> None:
    assert said(text, language) == expected


def test_every_number_up_to_a_thousand_reads_back(number_words_pt_en_es: dict[str, list[str]]) -> None:
    for language, spelled in number_words_pt_en_es.items():
        for value, text in enumerate(spelled):
            # "um"/"uno" alone are also articles/pronouns: alone they stay words (by design).
            expected = text if text in ("um", "uno") else str(value)
            assert said(text, language) == expected, (language, text)


@pytest.fixture
def number_words_pt_en_es() -> dict[str, list[str]]:
    """0..1000 spelled out by a writer independent of the reader (the languages' rules, as a
    school grammar states them), so the reader is checked against another statement of them."""
    pt_units = "zero um dois três quatro cinco seis sete oito nove".split()
    pt_teens = "dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove".split()
    pt_tens = "_ _ vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split()
    pt_hundreds = (
        "_ cento duzentos trezentos quatrocentos quinhentos seiscentos setecentos oitocentos novecentos".split()
    )
    es_units = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
    es_teens = "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split()
    es_twenties = "veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve".split()
    es_tens = "_ _ veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
    es_hundreds = "_ ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos novecientos".split()
    en_units = "zero one two three four five six seven eight nine".split()
    en_teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    en_tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

    def pt(n: int) -> str:
        if n == 1000:
            return "mil"
        if n == 100:
            return "cem"
        h, rest = divmod(n, 100)
        parts = [pt_hundreds[h]] if h else []
        if rest or not h:
            if rest < 10:
                below = pt_units[rest]
            elif rest < 20:
                below = pt_teens[rest - 10]
            else:
                t, u = divmod(rest, 10)
                below = pt_tens[t] + (f" e {pt_units[u]}" if u else "")
            parts.append(below)
        return " e ".join(parts)

    def es(n: int) -> str:
        if n == 1000:
            return "mil"
        if n == 100:
            return "cien"
        h, rest = divmod(n, 100)
        parts = [es_hundreds[h]] if h else []
        if rest or not h:
            if rest < 10:
                below = es_units[rest]
            elif rest < 20:
                below = es_teens[rest - 10]
            elif rest < 30:
                below = es_twenties[rest - 20]
            else:
                t, u = divmod(rest, 10)
                below = es_tens[t] + (f" y {es_units[u]}" if u else "")
            parts.append(below)
        return " ".join(parts)

    def en(n: int) -> str:
        if n == 1000:
            return "one thousand"
        h, rest = divmod(n, 100)
        parts = [f"{en_units[h]} hundred"] if h else []
        if rest or not h:
            if rest < 10:
                below = en_units[rest]
            elif rest < 20:
                below = en_teens[rest - 10]
            else:
                t, u = divmod(rest, 10)
                below = en_tens[t] + (f"-{en_units[u]}" if u else "")
            parts.append(below)
        return " and ".join(parts)

    return {"pt": [pt(n) for n in range(1001)], "es": [es(n) for n in range(1001)], "en": [en(n) for n in range(1001)]}


def test_unquoted_number_words_are_read_as_one_number() -> None:
    assert [c.words for g in parse("vinte e sete dias").groups for c in g] == [("vinte", "e", "sete"), ("dias",)]
    # "reais" also reads as the sign's "r" (test_currency_signs): the number is still one phrase.
    assert [c.words for c in parse("vinte e sete reais").groups[0]] == [("vinte", "e", "sete")]
    assert [c.words for g in parse("one hundred and twenty").groups for c in g] == [("one", "hundred", "and", "twenty")]
    # Words that are not a number together stay apart ("e" alone, "a" before no multiplier).
    assert [c.words for g in parse("arroz e feijao").groups for c in g] == [("arroz",), ("e",), ("feijao",)]
    assert [c.words for g in parse("a e b").groups for c in g] == [("a",), ("e",), ("b",)]


def test_number_text_keeps_everything_but_the_number_words() -> None:
    assert number_text("Garantia de TRINTA e um dias, sem risco!", "pt") == "Garantia de 31 dias, sem risco!"
    assert number_text("Nothing numeric here.", "en") == "Nothing numeric here."
    assert number_text("trinta dias", None) == "trinta dias"  # no grammar for an unknown language


def test_snippet_marks_the_number_words_a_digit_query_matched() -> None:
    snippet = highlight("Você tem garantia de vinte e sete dias.", parse("27 dias"), "pt")
    assert snippet.html() == "Você tem garantia de <mark>vinte e sete</mark> <mark>dias</mark>."
    snippet = highlight("Garantia de 30 dias.", parse('"trinta dias"'), "pt")
    assert snippet.html() == "Garantia de <mark>30</mark> <mark>dias</mark>."


NUMBERS = (
    doc("pt-words", "pt", ["Você tem a garantia de trinta dias para testar.", "Custa só vinte e sete reais."]),
    doc("pt-digits", "pt", ["Garantia de 30 dias ou seu dinheiro de volta."]),
    doc("en-words", "en", ["Try it with our thirty-day guarantee.", "Only twenty-seven dollars today."]),
    doc("es-words", "es", ["Tiene una garantía de treinta días.", "Solo veintisiete dólares."]),
)


@pytest.fixture
def numbers_corpus(backend: SearchBackend) -> SearchBackend:
    for d in NUMBERS:
        backend.index_vsl(d)
    return backend


def found(backend: SearchBackend, text: str, language: str | None = None) -> list[str]:
    return sorted(g.vsl.key for g in backend.search(SearchQuery(text=text, language=language)).vsls)


def test_digits_find_words_and_words_find_digits_in_every_backend(numbers_corpus: SearchBackend) -> None:
    b = numbers_corpus
    # Spanish says it with the same words ("garantía de treinta días"): its arm finds that one too.
    assert found(b, '"garantia de 30 dias"') == ["es-words", "pt-digits", "pt-words"]
    # "trinta" is 30 in the Spanish arm too, where "garantia de ... dias" are Spanish words as well.
    assert found(b, '"garantia de trinta dias"') == ["es-words", "pt-digits", "pt-words"]
    assert found(b, "garantia 30", "pt") == ["pt-digits", "pt-words"]
    assert found(b, '"30 day guarantee"') == ["en-words"]
    # A number word finds the same number said in the other languages too ("thirty" is 30 to
    # Portuguese and Spanish VSLs as well), except a word that is an ordinary word there (below).
    assert found(b, "thirty") == ["en-words", "es-words", "pt-digits", "pt-words"]
    assert found(b, '"garantía de 30 días"', "es") == ["es-words"]
    assert found(b, "treinta") == ["en-words", "es-words", "pt-digits", "pt-words"]
    assert found(b, "trinta", "en") == ["en-words"]
    assert found(b, "30") == ["en-words", "es-words", "pt-digits", "pt-words"]
    assert found(b, "27") == ["en-words", "es-words", "pt-words"]
    assert found(b, '"vinte e sete reais"') == ["pt-words"]
    assert found(b, "vinte e sete reais") == ["pt-words"]  # unquoted: the number is still one number
    assert found(b, "veintisiete") == ["en-words", "es-words", "pt-words"]  # 27, in every language
    # A number is its value, not any of its words: 30 is not 31, "sete" alone is not 27.
    assert found(b, "31") == []
    assert found(b, "sete", "pt") == []


def test_the_hit_of_a_digit_query_marks_the_said_number(numbers_corpus: SearchBackend) -> None:
    results = numbers_corpus.search(SearchQuery(text="27", language="pt"))
    [group] = results.vsls
    assert group.vsl.key == "pt-words"
    assert group.hits[0].start == 5.0
    assert "<mark>vinte e sete</mark>" in group.hits[0].snippet.html()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_index_of_the_old_format_is_dropped_for_reindex(postgres: object) -> None:
    """Segments analysed before numbers were read as digits would never match "30" for
    "trinta": the old tables go (derived data), ``vsl reindex`` fills the new ones."""
    from sqlalchemy import create_engine, text

    from vsl_assets.search import open_search

    url = postgres.create_database("numbers_stale")  # type: ignore[attr-defined]
    engine = create_engine(url)
    with engine.begin() as conn:  # the previous layout: no search_text, no search_meta
        conn.execute(text("CREATE TABLE search_vsls (id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE)"))
        conn.execute(text("INSERT INTO search_vsls (key) VALUES ('old')"))
    engine.dispose()
    search = open_search(url)
    try:
        search.ensure_schema()
        assert search.keys() == set()
        search.index_vsl(NUMBERS[0])
        assert found(search, "30") == ["pt-words"]
        search.ensure_schema()  # the current version is kept
        assert search.keys() == {"pt-words"}
    finally:
        search.close()
        postgres.drop_database("numbers_stale")  # type: ignore[attr-defined]


# -- thousands separators, prefixes, other languages (issue 27 follow-up) ------------------------

SEPARATED = (
    doc("pt-price", "pt", ["Hoje não é R$ 1.000,00: é muito menos.", "Mais de 12.500 alunas."]),
    doc("en-price", "en", ["It is not $1,000 today.", "Over 2,000,000 people."]),
    doc("es-mil", "es", ["No cuesta mil pesos.", "Son doce semanas."]),
    doc("pt-decimal", "pt", ["Custa 1,50 por dia.", "Garantia de trinta e cinco dias."]),
    doc("pt-sweet", "pt", ["Um doce de leite caseiro.", "Receita dos avós."]),
)


@pytest.fixture
def separated_corpus(backend: SearchBackend) -> SearchBackend:
    for d in SEPARATED:
        backend.index_vsl(d)
    return backend


def test_thousands_separators_read_as_the_number() -> None:
    assert words("R$ 1.000,00 e 1,000 e 12.500 e 1.000.000") == [
        "r",
        "1000",
        "00",
        "e",
        "1000",
        "e",
        "12500",
        "e",
        "1000000",
    ]
    # Decimals stay decimals; a year or a long number stays one word; a dotted version is not grouped.
    assert words("1,50 3.5 2026 10.0.1") == ["1", "50", "3", "5", "2026", "10", "0", "1"]
    assert number_text("Custa R$ 1.000,00 hoje", "pt") == "Custa R$ 1000,00 hoje"
    snippet = highlight("Não é R$ 1.000,00 hoje.", parse("mil"), "pt")
    assert snippet.html() == "Não é R$ <mark>1.000</mark>,00 hoje."


def test_thousands_match_mil_and_one_thousand_in_every_backend(separated_corpus: SearchBackend) -> None:
    b = separated_corpus
    assert found(b, "mil", "pt") == ["pt-price"]
    assert found(b, '"R$ 1.000"', "pt") == ["pt-price"]
    assert found(b, "1000") == ["en-price", "es-mil", "pt-price"]
    assert found(b, '"one thousand"') == ["en-price", "es-mil", "pt-price"]
    assert found(b, "1,000") == ["en-price", "es-mil", "pt-price"]
    assert found(b, "1.000") == ["en-price", "es-mil", "pt-price"]
    assert found(b, '"doze mil e quinhentos"') == ["pt-price"]
    assert found(b, "12500") == ["pt-price"]
    assert found(b, '"two million"') == []  # no grammar for millions: unknown, never a wrong number
    # "1,50" is a decimal: not 150, not 1000.
    assert found(b, "150") == []


def test_a_prefix_of_a_number_word_still_matches_it(separated_corpus: SearchBackend) -> None:
    b = separated_corpus
    assert found(b, "trint*") == ["pt-decimal"]  # "trinta e cinco" is indexed as 35
    assert found(b, "garantia trint*", "pt") == ["pt-decimal"]
    assert found(b, "cinc*", "pt") == ["pt-decimal"]
    assert found(b, "garan*", "pt") == ["pt-decimal"]  # an ordinary prefix is unchanged
    snippet = highlight("Garantia de trinta e cinco dias.", parse("trint*"), "pt")
    assert snippet.html() == "Garantia de <mark>trinta e cinco</mark> dias."


def test_a_number_word_across_languages_without_false_hits(separated_corpus: SearchBackend) -> None:
    b = separated_corpus
    # Spanish "doce" (12) is Portuguese "sweet": a search for it in Portuguese VSLs is the word.
    assert found(b, "doce", "pt") == ["pt-sweet"]
    assert found(b, "doce") == ["es-mil", "pt-sweet"]
    assert found(b, "12", "pt") == []
    # Spanish "dos" (2) is Portuguese "of the" (a phrase: PostgreSQL drops the stop word alone).
    assert found(b, '"receita dos avos"', "pt") == ["pt-sweet"]
    assert found(b, '"receita 2 avos"', "pt") == []
    # "twelve" and "doze" find the Spanish "doce" semanas; "mil" and "thousand" the prices.
    assert found(b, "twelve") == ["es-mil"]
    assert found(b, "doze") == ["es-mil"]
    assert found(b, "thousand") == ["en-price", "es-mil", "pt-price"]
