"""The query reader and text analysis on their own: what a typed query becomes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vsl_assets.errors import ConfigurationError
from vsl_assets.search import SearchQuery, SearchQueryError, open_search, search_path_for
from vsl_assets.search.postgres import PostgresSearch
from vsl_assets.search.query import MAX_CLAUSES, Clause, parse, query_languages, to_fts5, to_tsquery_text
from vsl_assets.search.sqlite import SqliteSearch
from vsl_assets.search.text import fold, normalise_language, terms


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
