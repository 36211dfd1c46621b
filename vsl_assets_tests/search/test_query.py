"""The query reader and text analysis on their own: what a typed query becomes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vsl_assets.errors import ConfigurationError
from vsl_assets.search import SearchQuery, SearchQueryError, open_search, search_path_for, text
from vsl_assets.search.postgres import PostgresSearch
from vsl_assets.search.query import (
    MAX_CLAUSES,
    Clause,
    fts5_terms,
    fts5_terms_of_texts,
    parse,
    query_languages,
    to_fts5,
    to_tsquery_text,
)
from vsl_assets.search.sqlite import SqliteSearch
from vsl_assets.search.text import fold, normalise_language, terms, words


def test_parse_reads_words_phrases_prefixes_exclusions_and_or() -> None:
    parsed = parse('"Garantia de 30 dias" emagrec* -Grátis doctors OR médicos AND x*')
    assert parsed.groups == (
        (Clause(("garantia", "de", "30", "dias")),),
        (Clause(("emagrec",), prefix=True),),
        (Clause(("doctors",)), Clause(("medicos",))),
        (Clause(("x",)),),  # a one-letter prefix is a whole word
    )
    assert parsed.excluded == (Clause(("gratis",)),)


def test_joined_words_stay_a_phrase_and_operators_split() -> None:
    assert parse("30-day e-mail").groups == ((Clause(("30", "day")),), (Clause(("e", "mail")),))
    assert parse("NEAR(a,b)").groups == ((Clause(("near",)),), (Clause(("a",)),), (Clause(("b",)),))


def test_fts5_expression_quotes_every_word() -> None:
    expected = '(("en_x" OR "en_near") AND "en_y" AND "en_a en_or en_b") NOT ("en_z")'
    assert to_fts5(parse('x OR NEAR(y) -z* "a) OR (b'), ("en",)) == expected
    assert to_fts5(parse('x" OR y'), ("en",)) == '"en_x" AND "en_or en_y"'


def test_tsquery_text_has_only_words_and_operators() -> None:
    assert to_tsquery_text(parse('"a b" cd* -d')) == "((a <-> b) & cd:*) & !(d)"


def test_language_filter_narrows_the_stemmers() -> None:
    assert query_languages("Portuguese") == ("pt",)
    assert query_languages(None) == ("pt", "en", "es", None)
    assert to_fts5(parse("emagrecimento"), ("pt",)) == '"pt_emagrec"'
    # each language's stem, tagged so it only meets that language's segments
    every = '("pt_emagrec") OR ("en_emagrecimento") OR ("es_emagreciment") OR ("xx_emagrecimento")'
    assert to_fts5(parse("emagrecimento"), query_languages(None)) == every


def test_too_many_words_are_cut_with_a_note() -> None:
    parsed = parse(" ".join(f"w{i}" for i in range(100)))
    assert len(parsed.clauses()) == MAX_CLAUSES and parsed.notes


def test_only_exclusions_is_an_empty_query_with_a_note() -> None:
    parsed = parse("-a -b")
    assert parsed.empty and parsed.excluded == () and "exclusions were ignored" in parsed.notes[0]


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("pt", "pt"),
        ("pt-BR", "pt"),
        ("portuguese", "pt"),
        ("English", "en"),
        ("es_MX", "es"),
        ("fr", None),
        (None, None),
    ],
)
def test_language_names_and_codes(given: str | None, code: str | None) -> None:
    assert normalise_language(given) == code


def test_folding_and_terms() -> None:
    assert fold("VOCÊ Ação Ñandú") == "voce acao nandu"
    assert terms("Você vai EMAGRECER", "pt") == terms("voce vai emagrecimento", "pt") == "voc vai emagrec"
    assert terms("Guarantees, guaranteed!", "en") == "guarante guarante"
    assert terms("Garantías", None) == "garantias"


#: Segments whose words split alike by either pattern of ``text.words_and_breaks`` only if the
#: non-ASCII separators are handled: "¿"/"¡", a dash, curly quotes, a letter that folds to none
#: ASCII ("ß", "ø", Cyrillic), underscores, thousands, numbers said in words.
_MIXED = [
    "¿Você já sabe quanto custa? ¡Trinta e sete reais!",
    "Garantía de 30 días — sin preguntas… “de verdad”",
    "Straße, Ørsted und привет мир_2024",
    "snake_case 1.000 vezes, R$ 12.500,00",
    "",
    "???",
    "mil novecientos ochenta y cuatro",
]


@pytest.mark.parametrize("language", ["pt", "en", "es", None])
def test_a_vsls_terms_at_once_are_each_segments_terms(language: str | None) -> None:
    # One analysis of the whole VSL (the index build: ASCII split after blanking "¿", "—"...)
    # gives every segment the terms it gets alone (the query side: the Unicode word pattern).
    expected = [fts5_terms(words(t), language) for t in _MIXED]
    assert fts5_terms_of_texts(_MIXED, language) == expected
    tag = expected[0][:3]
    assert len(expected[1].split(" ")) == 8 and expected[1].split(" ")[2] == f"{tag}30"  # "—", "…", quotes: no term
    assert f"{tag}привет" in expected[2].split(" ") and "_2024" in expected[2]  # kept, not ASCII
    assert expected[4] == expected[5] == ""


def test_the_stems_kept_are_bounded_and_stay_right(monkeypatch: pytest.MonkeyPatch) -> None:
    # The per-language stem table (``text._Stems``) empties itself at STEMS_KEPT words: the stems
    # stay PyStemmer's whatever was kept before.
    monkeypatch.setattr(text, "STEMS_KEPT", 3)
    said = ["garantias", "garantido", "emagrecer", "emagrecimento", "dias", "garantias", "vezes"]
    assert text.stem_all(said, "pt") == list(text._stemmer("pt").stemWords(said))
    assert len(text._STEMS["pt"]) <= 3
    assert text.stem_all(said, "xx") == said and text.stem_all(said, None) == said


def test_open_search_follows_the_app_database(tmp_path) -> None:
    backend = open_search(f"sqlite:///{tmp_path / 'vsl.db'}", engine="sqlite")
    assert isinstance(backend, SqliteSearch) and backend.path == tmp_path / "vsl.search.db"
    assert search_path_for("sqlite:////data/app.sqlite3").as_posix() == "/data/app.search.sqlite3"
    assert isinstance(open_search("sqlite://", path=tmp_path / "x.db"), SqliteSearch)
    pg = open_search("postgresql://user@127.0.0.1:1/app")
    assert isinstance(pg, PostgresSearch)
    pg.close()
    with pytest.raises(ConfigurationError, match="in memory"):
        open_search("sqlite://")
    with pytest.raises(ConfigurationError, match="no search backend"):
        open_search("mysql://u@h/db")


def test_bad_paging_is_refused_with_a_reason() -> None:
    with pytest.raises(SearchQueryError, match="page, per_page and hits_per_vsl"):
        SearchQuery(text="x", page=0)


def test_the_search_package_never_imports_dagster() -> None:
    code = (
        "import sys, vsl_assets.search, vsl_assets.search.sqlite, vsl_assets.search.postgres;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dagster'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
