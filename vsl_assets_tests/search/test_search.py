"""What a person searching the swipe file sees, on both backends (embedded and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from vsl_assets.search import IndexCount, SearchBackend, SearchQuery, SearchQueryError, SearchResults, Segment
from vsl_assets_tests.search.conftest import CORPUS, EN, ES, PT, doc


def find(backend: SearchBackend, text: str = "", **kw: Any) -> SearchResults:
    return backend.search(SearchQuery(text=text, **kw))


def hits(results: SearchResults) -> set[tuple[str, float]]:
    """(VSL key, start second) of every hit on the page."""
    return {(g.vsl.key, h.start) for g in results.vsls for h in g.hits}


def keys(results: SearchResults) -> list[str]:
    return [g.vsl.key for g in results.vsls]


# -- language-aware matching ----------------------------------------------------------


@pytest.mark.parametrize("text", ["voce", "VOCÊ", "você", "Voce"])
def test_accents_and_case_are_ignored(corpus: SearchBackend, text: str) -> None:
    assert hits(find(corpus, text)) == {("pt-emagrecer", 0.0), ("pt-emagrecer", 5.0)}


def test_portuguese_stemming_finds_other_forms(corpus: SearchBackend) -> None:
    # "emagrecer" -> "emagrecimento" (0 s) and "Emagrecer" (10 s)
    assert hits(find(corpus, "emagrecer")) == {("pt-emagrecer", 0.0), ("pt-emagrecer", 10.0)}
    assert hits(find(corpus, "medico")) == {("pt-emagrecer", 15.0)}


def test_english_stemming_finds_other_forms(corpus: SearchBackend) -> None:
    assert hits(find(corpus, "guarantees")) == {("en-doctors", 5.0), ("en-doctors", 10.0)}
    assert hits(find(corpus, "doctor hating")) == {("en-doctors", 0.0)}


def test_spanish_stemming_and_accents(corpus: SearchBackend) -> None:
    found = find(corpus, "garantia", language="es")
    assert hits(found) == {("es-dinero", 0.0), ("es-dinero", 10.0)}
    assert hits(find(corpus, "ganando dinero")) == {("es-dinero", 5.0)}


def test_a_word_is_found_in_every_language_without_a_filter(corpus: SearchBackend) -> None:
    assert {k for k, _ in hits(find(corpus, "garantia"))} == {"pt-emagrecer", "es-dinero"}


def test_quoted_phrase_needs_the_words_in_order(corpus: SearchBackend) -> None:
    assert hits(find(corpus, '"garantia de 30 dias"')) == {("pt-emagrecer", 5.0)}
    assert hits(find(corpus, '"dias de 30 garantia"')) == set()
    assert hits(find(corpus, '"money back guarantee"')) == {("en-doctors", 5.0)}
    assert hits(find(corpus, '"simple trick"')) == {("en-doctors", 0.0)}
    assert hits(find(corpus, '"trick simple"')) == set()


def test_prefix_terms(corpus: SearchBackend) -> None:
    assert hits(find(corpus, "emagrec*")) == {("pt-emagrecer", 0.0), ("pt-emagrecer", 10.0)}
    assert hits(find(corpus, "stiff*")) == {("en-doctors", 15.0)}
    assert {k for k, _ in hits(find(corpus, "garan*"))} == {"pt-emagrecer", "es-dinero"}
    assert hits(find(corpus, "guar*")) == {("en-doctors", 5.0), ("en-doctors", 10.0)}


def test_excluded_words_and_or(corpus: SearchBackend) -> None:
    assert hits(find(corpus, "guarantee -results")) == {("en-doctors", 5.0)}
    assert hits(find(corpus, "guarantee NOT results")) == {("en-doctors", 5.0)}
    assert hits(find(corpus, "stiffness OR doctors")) == {("en-doctors", 0.0), ("en-doctors", 15.0)}


def test_a_vsl_of_unknown_language_is_found_by_its_words(backend: SearchBackend) -> None:
    backend.index_vsl(doc("fr-vsl", "fr", ["Perdez du poids rapidement, c'est garanti."]))
    found = find(backend, "RAPIDEMENT")
    assert hits(found) == {("fr-vsl", 0.0)}
    assert found.vsls[0].vsl.language is None


# -- ranking, snippets, grouping, pagination -------------------------------------------------


def test_short_segment_with_the_term_twice_ranks_first(backend: SearchBackend) -> None:
    long_once = "we talked about many things today and among them the word guarantee appeared " + " ".join(
        ["while", "other", "words", "filled", "this", "long", "segment"] * 4
    )
    backend.index_vsl(doc("a-long", "en", [long_once]))
    backend.index_vsl(doc("b-short", "en", ["guarantee, guarantee."]))
    found = find(backend, "guarantee")
    assert keys(found) == ["b-short", "a-long"]
    assert found.vsls[0].score > found.vsls[1].score
    # within one VSL too
    backend.index_vsl(doc("c-both", "en", [long_once, "guarantee, guarantee."]))
    inside = find(backend, "guarantee", key="c-both")
    assert [h.start for h in inside.vsls[0].hits] == [5.0, 0.0]


def test_snippet_marks_the_match_and_escapes_html(corpus: SearchBackend) -> None:
    # (PostgreSQL's parser skips "<script>…</script>" as markup, so the query names a later word)
    found = find(corpus, "stiff*")
    (hit,) = found.vsls[0].hits
    html = hit.snippet.html()
    assert "<script>" not in html
    assert html == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; is not how you fix joint pain &amp; <mark>stiffness</mark>."
    )
    assert [hit.snippet.text[s:e] for s, e in hit.snippet.marks] == ["stiffness"]
    assert hit.text == EN.segments[3].text


def test_snippet_marks_stemmed_accented_words_and_phrases(corpus: SearchBackend) -> None:
    (hit,) = find(corpus, "medicos").vsls[0].hits
    assert hit.snippet.marked() == "Os [médicos] odeiam este truque simples."
    (hit,) = find(corpus, '"garantia de 30 dias"').vsls[0].hits
    assert hit.snippet.marked() == "Com a [garantia] [de] [30] [dias], você não arrisca nada."


def test_long_segment_snippet_is_a_window_around_the_match(backend: SearchBackend) -> None:
    text = " ".join(["palavra"] * 100) + " emagrecimento " + " ".join(["fim"] * 100)
    backend.index_vsl(doc("long", "pt", [text]))
    (hit,) = find(backend, "emagrecer").vsls[0].hits
    assert len(hit.snippet.text) < 300 and hit.snippet.text.startswith("…") and hit.snippet.text.endswith("…")
    assert [hit.snippet.text[s:e] for s, e in hit.snippet.marks] == ["emagrecimento"]


def test_hits_are_grouped_so_one_long_vsl_does_not_flood_the_page(corpus: SearchBackend) -> None:
    corpus.index_vsl(doc("flood", "en", [f"trick number {i} is a simple trick" for i in range(50)]))
    found = find(corpus, "trick", hits_per_vsl=2)
    assert sorted(keys(found)) == ["en-doctors", "flood"]
    groups = {g.vsl.key: g for g in found.vsls}
    assert groups["flood"].hit_count == 50 and len(groups["flood"].hits) == 2
    assert groups["en-doctors"].hit_count == 1 and [h.start for h in groups["en-doctors"].hits] == [0.0]
    assert (found.total_vsls, found.total_hits) == (2, 51)
    assert len(found.rows()) == 3


def test_a_vsl_on_the_page_shows_its_best_hits_even_when_they_rank_below_other_vsls(
    backend: SearchBackend,
) -> None:
    # "weak" has the best segment of all (the word three times in three words), then four long
    # segments that say it once, each weaker than every one of "strong"'s 1,100 short segments.
    # Ranked top-k first, weak's 2nd and 3rd best come after all of strong's: they must still be
    # found, best first (shorter is better: positions 2 then 4).
    filler = "and then we talked about many other things for a long while " * 3
    backend.index_vsl(doc("strong", "en", ["guarantee guarantee"] * 1100))
    weak_texts = [
        "guarantee guarantee guarantee",
        f"{filler * 4} guarantee",
        f"guarantee {filler}",
        f"guarantee {filler * 3}",
        f"{filler * 2} guarantee",
    ]
    backend.index_vsl(doc("weak", "en", weak_texts))
    found = find(backend, "guarantee", hits_per_vsl=3, per_page=2)
    assert keys(found) == ["weak", "strong"] and (found.total_vsls, found.total_hits) == (2, 1105)
    weak = found.vsls[0]
    assert weak.hit_count == 5 and [h.position for h in weak.hits] == [0, 2, 4]
    assert weak.hits[0].score >= weak.hits[1].score >= weak.hits[2].score
    assert all(h.snippet.marks for h in weak.hits)
    assert found.vsls[1].hit_count == 1100 and len(found.vsls[1].hits) == 3


def test_several_page_vsls_whose_best_hits_rank_below_another_vsl_get_them_all(backend: SearchBackend) -> None:
    # As above with two "weak" VSLs on the page: their 2nd and 3rd best come after all of
    # strong's segments, and each must get its own, best first.
    filler = "and then we talked about many other things for a long while " * 3
    backend.index_vsl(doc("strong", "en", ["guarantee guarantee"] * 1100))
    for key in ("weak1", "weak2"):
        texts = [
            "guarantee guarantee guarantee",
            f"{filler * 4} guarantee",
            f"guarantee {filler}",
            f"guarantee {filler * 3}",
            f"{filler * 2} guarantee",
        ]
        backend.index_vsl(doc(key, "en", texts))
    found = find(backend, "guarantee", hits_per_vsl=3, per_page=3)
    assert sorted(keys(found)[:2]) == ["weak1", "weak2"] and keys(found)[2] == "strong"
    assert (found.total_vsls, found.total_hits) == (3, 1110)
    for group in found.vsls[:2]:
        assert group.hit_count == 5 and [h.position for h in group.hits] == [0, 2, 4]


def test_hits_carry_the_vsl_fields(corpus: SearchBackend) -> None:
    group = find(corpus, "stiffness").vsls[0]
    vsl = group.vsl
    assert (vsl.key, vsl.url, vsl.title, vsl.language, vsl.player) == (
        "en-doctors",
        "https://vsl.example/en-doctors",
        "Title en-doctors",
        "en",
        "wistia",
    )
    assert (vsl.niche, vsl.lead_type, vsl.awareness, vsl.pitch_s, vsl.price, vsl.currency) == (
        "health/joint pain",
        "Secret",
        "solution_aware",
        900.0,
        49.0,
        "USD",
    )
    assert vsl.added_at == datetime(2026, 2, 1, 9, 30, tzinfo=UTC) and vsl.segment_count == 4
    assert (group.hits[0].start, group.hits[0].end) == (15.0, 20.0)
    row = find(corpus, "stiffness").rows()[0]
    assert {"partition_key", "url", "title", "start", "end", "text", "snippet", "score"} <= set(row)
    assert row["snippet"].endswith("[stiffness].")


def test_pagination_walks_every_vsl_once(backend: SearchBackend) -> None:
    for i in range(5):
        backend.index_vsl(doc(f"v{i}", "en", ["guarantee " * (i + 1)]))
    pages = [find(backend, "guarantee", per_page=2, page=p) for p in (1, 2, 3, 4)]
    assert [keys(p) for p in pages] == [["v4", "v3"], ["v2", "v1"], ["v0"], []]
    assert {(p.total_vsls, p.total_hits, p.pages) for p in pages} == {(5, 5, 3)}


# -- filters -----------------------------------------------------------------------------------

FILTERS = [
    ({"language": "pt"}, ["pt-emagrecer"]),
    ({"language": "Portuguese"}, ["pt-emagrecer"]),
    ({"language": "de"}, []),
    ({"niche": "saude"}, []),
    ({"niche": "saúde"}, ["pt-emagrecer"]),
    ({"niche": "Health"}, ["en-doctors"]),
    ({"niche": "health/joint pain"}, ["en-doctors"]),
    ({"niche": "health/weight loss"}, []),
    ({"lead_type": "secret"}, ["en-doctors"]),
    ({"awareness": "unaware"}, ["es-dinero"]),
    ({"duration_min_s": 2000.0}, ["es-dinero", "pt-emagrecer"]),
    ({"duration_min_s": 1800.0, "duration_max_s": 2400.0}, ["en-doctors", "pt-emagrecer"]),
    ({"pitch_max_s": 1000.0}, ["en-doctors"]),
    ({"pitch_min_s": 1000.0, "pitch_max_s": 3000.0}, ["es-dinero", "pt-emagrecer"]),
    ({"price_min": 100.0, "price_max": 250.0}, ["pt-emagrecer"]),
    ({"price_max": 300.0, "currency": "usd"}, ["en-doctors", "es-dinero"]),
    ({"currency": "BRL"}, ["pt-emagrecer"]),
    ({"player": "Wistia"}, ["en-doctors"]),
    ({"added_from": datetime(2026, 2, 1, 9, 30, tzinfo=UTC)}, ["en-doctors", "es-dinero"]),
    ({"added_from": datetime(2026, 1, 1), "added_to": datetime(2026, 2, 1, 9, 30)}, ["pt-emagrecer"]),
    ({"key": "es-dinero"}, ["es-dinero"]),
    ({"key": "nope"}, []),
    ({"keys": ("es-dinero", "pt-emagrecer", "nope")}, ["es-dinero", "pt-emagrecer"]),
    ({"keys": ()}, []),
]


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=[str(f) for f, _ in FILTERS])
def test_each_filter_lists_the_matching_vsls(
    corpus: SearchBackend, filters: dict[str, Any], expected: list[str]
) -> None:
    listed = find(corpus, "", **filters)
    assert sorted(keys(listed)) == expected and listed.total_vsls == len(expected)
    assert all(g.hits == () for g in listed.vsls)


@pytest.mark.parametrize(("filters", "expected"), FILTERS, ids=[str(f) for f, _ in FILTERS])
def test_each_filter_narrows_a_text_search(corpus: SearchBackend, filters: dict[str, Any], expected: list[str]) -> None:
    # "nada" is in PT and ES, "simple"/"simples" in EN and PT, "garantia" in PT/ES, "money" in EN
    found = find(corpus, "nada OR simple OR garantia OR money", **filters)
    assert sorted(keys(found)) == expected


def test_listing_without_words_is_newest_first_and_paginated(corpus: SearchBackend) -> None:
    assert keys(find(corpus, "", currency="USD")) == ["es-dinero", "en-doctors"]
    assert keys(find(corpus, "", duration_min_s=0, per_page=2, page=2)) == ["pt-emagrecer"]


def test_search_inside_one_vsl(corpus: SearchBackend) -> None:
    assert hits(find(corpus, "simple", key="en-doctors")) == {("en-doctors", 0.0)}
    assert hits(find(corpus, "simples", key="pt-emagrecer")) == {("pt-emagrecer", 15.0)}
    assert hits(find(corpus, "guarantee", key="pt-emagrecer")) == set()
    assert find(corpus, "guarantee", key="missing").total_hits == 0


# -- index maintenance ---------------------------------------------------------------------------


def test_delete_removes_everything(corpus: SearchBackend) -> None:
    assert corpus.count() == IndexCount(3, 11)
    assert corpus.delete_vsl("pt-emagrecer") is True
    assert corpus.delete_vsl("pt-emagrecer") is False
    assert find(corpus, "voce").total_hits == 0
    assert find(corpus, "", key="pt-emagrecer").total_vsls == 0
    assert corpus.count() == IndexCount(2, 7)
    assert corpus.keys() == {"en-doctors", "es-dinero"}
    assert hits(find(corpus, "stiffness")) == {("en-doctors", 15.0)}


def test_reindex_replaces_without_duplicates(corpus: SearchBackend) -> None:
    for _ in range(3):
        corpus.index_vsl(PT)
    assert corpus.count() == IndexCount(3, 11)
    assert find(corpus, "voce").total_hits == 2
    retranscribed = doc("pt-emagrecer", "pt", ["Agora o texto mudou por completo."], lead_type="offer")
    assert corpus.index_vsl(retranscribed) == 1
    assert find(corpus, "voce").total_hits == 0
    found = find(corpus, "mudou")
    assert hits(found) == {("pt-emagrecer", 0.0)} and found.vsls[0].vsl.lead_type == "offer"
    assert find(corpus, "", lead_type="story").total_vsls == 0
    assert corpus.count() == IndexCount(3, 8)


def test_a_vsl_without_segments_is_listed_but_never_hit(backend: SearchBackend) -> None:
    backend.index_vsl(doc("empty", "pt", [], niche="x/y"))
    assert keys(find(backend, "", niche="x")) == ["empty"]
    assert find(backend, "nada", key="empty").total_vsls == 0


def test_segments_given_as_transcript_dicts(backend: SearchBackend) -> None:
    d = doc("dicts", "en", [])
    from dataclasses import replace

    stored = {"start": 1.5, "end": 3.25, "text": "Hello world", "avg_logprob": -0.2}  # as in transcripts.segments
    backend.index_vsl(replace(d, segments=[Segment.from_mapping(stored)]))
    (hit,) = find(backend, "hello").vsls[0].hits
    assert (hit.start, hit.end, hit.text) == (1.5, 3.25, "Hello world")


def test_empty_index(backend: SearchBackend) -> None:
    assert backend.count() == IndexCount(0, 0) and backend.keys() == set()
    found = find(backend, "emagrecer")
    assert (found.total_vsls, found.total_hits, found.vsls) == (0, 0, ())
    assert find(backend, "", language="pt").vsls == ()


# -- untrusted query text ------------------------------------------------------------------------

#: (query, VSL a sensible reading finds, or None where no words survive or extra words must match)
HOSTILE: list[tuple[str, str | None]] = [
    ('"', None),
    ('""', None),
    ('"doctors', "en-doctors"),
    ('doctors"', "en-doctors"),
    ("*", None),
    ("-", None),
    ("--", None),
    ("- -doctors", None),
    ("(", None),
    ("())(", None),
    ("NEAR", None),
    ("NEAR(doctors hate)", None),
    ("(doctors hate)", "en-doctors"),
    ("doctors AND", "en-doctors"),
    ("AND OR NOT", None),
    ("OR doctors", "en-doctors"),
    ("doctors OR", "en-doctors"),
    ("NOT", None),
    ("^doctors", "en-doctors"),
    ("doctors:*", "en-doctors"),
    ("{terms}: doctors", None),
    ("doctors & hate | ! <-> :*", "en-doctors"),
    ("'; DROP TABLE vsls; --", None),
    ("'; DROP TABLE search_vsls; --", None),
    ("\x00 \x00 doctors", None),
    ("\x00 doctors", "en-doctors"),
    ("💊 emagrecer 🔥", "pt-emagrecer"),
    ("ﬁre ½ ² ǅ", None),
    ("日本語 テスト", None),
    ("a" * 5000, None),
    (" ".join(["doctors"] * 2000), "en-doctors"),
    ("%_%", None),
    ("\\", None),
]


@pytest.mark.parametrize(("text", "finds"), HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise_a_syntax_error(corpus: SearchBackend, text: str, finds: str | None) -> None:
    try:
        found = find(corpus, text)
    except SearchQueryError as exc:  # text with no words to look for (only symbols, operators, exclusions)
        assert exc.reason == "Type a word or a phrase to search for, or choose a filter."
        assert finds is None
    else:
        if finds is not None:
            assert finds in keys(found)
    assert corpus.count() == IndexCount(3, 11)  # nothing was dropped or changed


def test_hostile_text_with_a_filter_lists_instead(corpus: SearchBackend) -> None:
    assert keys(find(corpus, '"()*-', language="en")) == ["en-doctors"]


def test_an_empty_query_says_what_to_do(corpus: SearchBackend) -> None:
    with pytest.raises(SearchQueryError, match="Type a word or a phrase"):
        find(corpus, "   ")


def test_a_huge_query_says_what_was_used(corpus: SearchBackend) -> None:
    found = find(corpus, " ".join(f"w{i}" for i in range(100)) + " doctors")
    assert found.total_hits == 0
    assert any("only the first" in n for n in found.notes)


def test_corpus_round_trip_for_every_language(corpus: SearchBackend) -> None:
    for d in CORPUS:
        listed = find(corpus, "", key=d.key)
        assert listed.vsls[0].vsl.segment_count == len(d.segments)
    assert {g.vsl.key for g in find(corpus, "garantia").vsls} == {PT.key, ES.key}


def test_a_second_process_opening_the_index_keeps_its_data(
    corpus: SearchBackend, request: pytest.FixtureRequest
) -> None:
    """ensure_schema() runs in every process that opens the index; it must never lose documents."""
    from vsl_assets.search import open_search
    from vsl_assets.search.postgres import PostgresSearch
    from vsl_assets.search.sqlite import SqliteSearch
    from vsl_assets.search.tantivy_backend import TantivySearch

    if isinstance(corpus, SqliteSearch):
        again = open_search("sqlite://", path=corpus.path)
    elif isinstance(corpus, TantivySearch):
        again = open_search("sqlite://", path=corpus.path, engine="tantivy")
    else:
        assert isinstance(corpus, PostgresSearch)
        again = open_search(corpus._engine.url.render_as_string(hide_password=False))
    try:
        again.ensure_schema()
        again.ensure_schema()
        assert again.count() == IndexCount(3, 11)
        assert hits(again.search(SearchQuery(text="voce"))) == {("pt-emagrecer", 0.0), ("pt-emagrecer", 5.0)}
    finally:
        again.close()
