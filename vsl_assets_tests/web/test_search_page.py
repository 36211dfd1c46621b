"""The search page: the library's filters, results grouped per VSL with their moments, saved
searches per user; and the same filters through the service (real SQLite app DB and FTS5 index)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

from vsl_assets.services import boards
from vsl_assets.services import search as search_service
from vsl_assets.services.library import LibraryFilters
from vsl_assets.web import filters
from vsl_assets.web.users import add_user, create_token
from vsl_assets_tests.web.conftest import PASSWORD, Web, api_routes, csrf_of
from vsl_assets_tests.web.seed import Fake, index_all, seed

SEGMENTS_PT = [
    (0.0, 4.0, "Você vai descobrir o ritual da manhã."),
    (4.0, 9.5, "O ritual leva cinco minutos por dia."),
    (9.5, 15.0, "Garantia de 30 dias na oferta especial."),
]
SEGMENTS_ES = [
    (0.0, 5.0, "Descubre el ritual de la mañana para tu dinero."),
    (5.0, 12.0, "Tienes una garantía total en la oferta."),
]


def _seed_three(web: Web) -> dict[str, str]:
    with web.session() as s:
        keys = {
            "pt_story": seed(
                s,
                web.layout,
                Fake("https://a.example/ritual", title="Ritual da manhã", segments=SEGMENTS_PT, price=197.0),
            ),
            "pt_cheap": seed(
                s,
                web.layout,
                Fake(
                    "https://b.example/barato",
                    title=None,
                    lead="problem",
                    segments=SEGMENTS_PT,
                    price=37.0,
                    duration_s=600.0,
                ),
            ),
            "es_money": seed(
                s,
                web.layout,
                Fake(
                    "https://c.example/dinero",
                    title="Dinero ritual",
                    language="es",
                    niche="money/trading",
                    awareness="unaware",
                    segments=SEGMENTS_ES,
                    currency="USD",
                    price=47.0,
                ),
            ),
        }
        index_all(s, web.settings, list(keys.values()))
    return keys


def _result_keys(page: str) -> list[str]:
    return re.findall(r'<li class="result" data-key="([^"]+)"', page)


def test_search_page_filters_like_the_library(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed_three(web)
    web.login()
    # Language is a menu of the languages present, not a free-text box.
    page = web.client.get("/search").text
    menu = re.search(r'<select name="language">(.*?)</select>', page, re.S)
    assert menu is not None
    assert re.findall(r'<option value="([^"]*)"', menu.group(1)) == ["", "es", "pt"]
    for name in ("niche", "lead", "awareness", "board", "price_min", "price_max", "duration_min", "duration_max"):
        assert f'name="{name}"' in page

    everything = web.client.get("/search", params={"q": "ritual"}).text
    assert sorted(_result_keys(everything)) == sorted(keys.values())
    only_pt = web.client.get("/search", params={"q": "ritual", "language": "pt"}).text
    assert sorted(_result_keys(only_pt)) == sorted([keys["pt_story"], keys["pt_cheap"]])
    assert _result_keys(web.client.get("/search", params={"q": "ritual", "lead": "problem"}).text) == [keys["pt_cheap"]]
    assert _result_keys(web.client.get("/search", params={"q": "ritual", "niche": "money"}).text) == [keys["es_money"]]
    assert _result_keys(web.client.get("/search", params={"q": "ritual", "awareness": "unaware"}).text) == [
        keys["es_money"]
    ]
    cheap = web.client.get("/search", params={"q": "ritual", "price_max": "50", "language": "pt"}).text
    assert _result_keys(cheap) == [keys["pt_cheap"]]
    long_ones = web.client.get("/search", params={"q": "ritual", "duration_min": "300"}).text
    assert _result_keys(long_ones) == [keys["pt_cheap"]]
    # Blank fields, as a submitted form sends them, are no filter.
    blank = web.client.get("/search?q=ritual&language=&niche=&price_min=&board=").text
    assert len(_result_keys(blank)) == 3
    # A bad number is refused with a reason, not a 500.
    assert web.client.get("/search", params={"q": "x", "price_min": "-1"}).status_code == 422


def test_search_filters_sit_in_a_drawer_the_words_outside_it(sqlite_web: Web) -> None:
    """On a phone the filters took the whole first screen, always open: they are in a drawer now,
    open as served (a desktop, or no scripts), folded on a narrow screen by app.js as the library's
    (``data-collapse-narrow``; no inline script), its summary counting the filters set."""
    web = sqlite_web
    web.login()
    page = web.client.get("/search", params={"q": "ritual", "niche": "health", "price_max": "100"}).text
    start = page.index('<form method="get" action="/search"')
    form = page[start : page.index("</form>", start)]
    words, drawer = form.split('<details class="drawer" id="search-drawer" open data-collapse-narrow>')
    assert 'name="q"' in words and '<button type="submit">' in words  # always in view
    for name in ("language", "niche", "lead", "awareness", "board", "price_min", "price_max", "duration_max"):
        assert f'name="{name}"' in drawer and f'name="{name}"' not in words
    assert '<summary>Filters <span class="active-count">(2)</span></summary>' in drawer
    assert "<script" not in form and '<script src="/static/app.js' in page
    web.client.cookies.set("vsl_lang", "pt-BR")
    plain = web.client.get("/search").text
    assert "<summary>Filtros</summary>" in plain  # none set: no count


def test_search_results_grouped_with_titles_and_moments(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed_three(web)
    web.login()
    page = web.client.get("/search", params={"q": "ritual", "language": "pt"}).text
    story = page.split(f'data-key="{keys["pt_story"]}"')[1].split("</li>\n  \n")[0]
    # The VSL's display title (services.titles): the page's, and for an untitled one the hook's
    # first words (never the URL).
    assert ">Ritual da manhã</a></h2>" in story
    cheap = page.split(f'data-key="{keys["pt_cheap"]}"')[1]
    assert ">Você vai descobrir o ritual da manhã</a></h2>" in cheap
    assert "https://b.example" not in cheap.split("</h2>")[0]
    # Both moments that say "ritual" are inside the VSL's group, each linking to its second.
    moments = re.findall(r'href="/vsl/' + keys["pt_story"] + r'\?t=([0-9.]+)"', story)
    assert moments == ["0.0", "4.0"]
    assert "<mark>ritual</mark>" in story


def test_counts_read_one_in_the_singular_in_every_language(sqlite_web: Web) -> None:
    """A trial read "1 VSLs, 1 trecho(s)": the summary and each result's moments count one in the
    singular and more in the plural, in the reader's language."""
    web = sqlite_web
    _seed_three(web)
    web.login()

    def summary(lang: str, **params: str) -> tuple[str, list[str]]:
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/search", params={"q": "ritual", **params}).text
        count = re.search(r'id="search-count">([^<]*)</p>', page)
        assert count is not None
        return count.group(1), re.findall(r"<small>([^<]*)</small>", page)

    assert summary("pt-BR", language="es") == ("1 VSL, 1 trecho", ["1 momento"])
    assert summary("pt-BR", language="pt") == ("2 VSLs, 4 trechos", ["2 momentos", "2 momentos"])
    assert summary("en", language="es") == ("1 VSL, 1 segment", ["1 moment"])
    assert summary("en", language="pt") == ("2 VSLs, 4 segments", ["2 moments", "2 moments"])
    assert summary("es", language="es") == ("1 VSL, 1 fragmento", ["1 momento"])
    assert summary("es", language="pt") == ("2 VSLs, 4 fragmentos", ["2 momentos", "2 momentos"])


def test_board_filter_on_search_and_library(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed_three(web)
    with web.session() as s:
        board = boards.create_board(s, 1, "Favoritos", None)
        boards.add_item(s, board, keys["es_money"], None, [])
        board_id = board.id
    web.login()
    page = web.client.get("/search", params={"q": "ritual", "board": board_id}).text
    assert _result_keys(page) == [keys["es_money"]]
    assert f'<option value="{board_id}" selected>Favoritos</option>' in page
    library = web.client.get("/api/vsls", params={"board": board_id}, headers=web.bearer).json()
    assert [c["partition_key"] for c in library["items"]] == [keys["es_money"]]
    # A board that does not exist matches nothing (never everything).
    assert _result_keys(web.client.get("/search", params={"q": "ritual", "board": 99999}).text) == []


def test_saved_searches_are_per_user_listed_and_deletable(sqlite_web: Web) -> None:
    web = sqlite_web
    _seed_three(web)
    csrf = web.login()
    page = web.client.get("/search", params={"q": "ritual", "language": "pt", "price_max": "50"}).text
    query = html.unescape(re.search(r'name="query" value="([^"]*)"', page).group(1))  # type: ignore[union-attr]
    assert query == "q=ritual&language=pt&price_max=50.0"
    no_token = web.client.post("/search/saved", data={"query": query, "name": "x"}, follow_redirects=False)
    assert no_token.status_code == 403
    done = web.client.post(
        "/search/saved", data={"query": query, "name": "Baratos PT", "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/search?" + query
    listed = web.client.get("/search").text
    saved = re.search(r'<a href="/search\?([^"]+)">Baratos PT</a>', listed)
    assert saved is not None and html.unescape(saved.group(1)) == query
    # Opening it runs the same search.
    rerun = web.client.get("/search?" + query).text
    assert len(_result_keys(rerun)) == 1
    # Nothing to save is refused with a reason.
    empty = web.client.post("/search/saved", data={"query": "", "csrf_token": csrf})
    assert empty.status_code == 400 and "Nothing to save" in empty.text

    # Another user neither sees nor deletes it.
    with web.session() as s:
        add_user(s, "bia", PASSWORD)
        [mine] = search_service.saved_searches(s, 1)
        saved_id = mine.id
    from fastapi.testclient import TestClient

    other = TestClient(web.client.app)
    login = other.get("/login")
    other.post("/login", data={"username": "bia", "password": PASSWORD, "csrf_token": csrf_of(login.text)})
    other_csrf = csrf_of(other.get("/search").text)
    assert "Baratos PT" not in other.get("/search").text
    refused = other.post(f"/search/saved/{saved_id}/delete", data={"csrf_token": other_csrf})
    assert refused.status_code == 404
    gone = web.client.post(f"/search/saved/{saved_id}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert gone.status_code == 303
    assert "Baratos PT" not in web.client.get("/search").text


def test_query_from_filters_maps_every_library_filter(sqlite_web: Web) -> None:
    with sqlite_web.session() as s:
        f = LibraryFilters(
            language="pt",
            niche="health",
            lead="story",
            awareness="unaware",
            price_min=10,
            price_max=20,
            duration_min=60,
            duration_max=600,
            pitch_min=5,
            pitch_max=50,
            currency="brl",
            board=12345,
        )
        q = search_service.query_from_filters(s, "garantia", f, page=2)
    assert (q.language, q.niche, q.lead_type, q.awareness) == ("pt", "health", "story", "unaware")
    assert (q.price_min, q.price_max, q.duration_min_s, q.duration_max_s) == (10, 20, 60, 600)
    assert (q.pitch_min_s, q.pitch_max_s, q.currency, q.page) == (5, 50, "BRL", 2)
    assert q.keys == ()  # the board does not exist: its (no) VSLs


def test_queue_lists_are_capped_and_say_how_many_there_are(sqlite_web: Web, monkeypatch: object) -> None:
    """The queue shows each list's newest rows only (its rendering dominated the page at 10,000
    VSLs, bench_pages.py); its heading gives the total."""
    from vsl_assets.web.routers import pages

    web = sqlite_web
    with web.session() as s:
        for i in range(3):
            seed(s, web.layout, Fake(f"https://q.example/{i}", status="failed", reason="HTTP 404"))
    monkeypatch.setattr(pages, "QUEUE_ROWS", 2)  # type: ignore[attr-defined]
    web.login()
    html = web.client.get("/queue").text
    assert "Failed (2 / 3)" in html
    failed = html.split('id="failed"')[1].split("</table>")[0]
    assert failed.count("data-poll-key=") == 2
    assert "Pending (0)" in html


#: Every route that reads the library's filters, and how to find a VSL's key in its answer.
FILTERED_ROUTES = (
    ("/", {}),  # the library page
    ("/api/vsls", {}),
    ("/search", {"q": "ritual"}),
    ("/api/search", {"q": "ritual"}),
    ("/insights", {}),
    ("/api/insights", {}),
    ("/api/library/export.csv", {}),
)


def test_another_users_private_board_filters_to_nothing_on_every_filtered_route(sqlite_web: Web) -> None:
    """The owner's board filter lists the board's VSL on each route; the same filter from another
    user (who may not see the private board) lists nothing there, as a board that does not exist."""
    web = sqlite_web
    keys = _seed_three(web)
    with web.session() as s:
        board = boards.create_board(s, 1, "Só da ana", None)  # private by default
        boards.add_item(s, board, keys["es_money"], None, [])
        board_id = board.id
        add_user(s, "bia", PASSWORD)
        bia = {"Authorization": f"Bearer {create_token(s, 'bia', 'tests')}"}
    assert {r.path for r in _filtered_routes(web)} == {path for path, _ in FILTERED_ROUTES}
    for path, params in FILTERED_ROUTES:
        query = {**params, "board": board_id}
        owner = web.client.get(path, params=query, headers=web.bearer)
        other = web.client.get(path, params=query, headers=bia)
        assert owner.status_code == other.status_code == 200, path
        assert keys["es_money"] in owner.text, path
        assert keys["pt_story"] not in owner.text, path  # the filter applies at all
        assert not any(key in other.text for key in keys.values()), (path, other.text[:300])
    assert web.client.get("/api/insights", params={"board": board_id}, headers=bia).json()["analysed"] == 0
    assert web.client.get("/api/vsls", params={"board": board_id}, headers=bia).json()["total"] == 0


def _dependency_calls(dependant: Any) -> Iterator[tuple[Any, Any]]:
    """Each (parent dependant, dependency) pair below a route's dependant."""
    for sub in dependant.dependencies:
        yield dependant, sub
        yield from _dependency_calls(sub)


#: The dependencies that read the filters from the query string (the library's; the search's).
_READERS = (filters.library_filters, filters.search_filters)


def _filtered_routes(web: Web) -> list[APIRoute]:
    """The routes that read ``library_filters`` or ``search_filters`` anywhere in their dependencies."""
    return [
        route
        for route in api_routes(web.client.app.routes)  # type: ignore[attr-defined]
        if any(sub.call in _READERS for _, sub in _dependency_calls(route.dependant))
    ]


def test_a_route_gets_the_library_filters_only_for_its_viewer(sqlite_web: Web) -> None:
    """The query-string filters reach a route only through ``ApiFilters``/``PageFilters`` (which
    apply ``for_viewer``): a new route that read them raw would let a board filter leak."""
    routes = _filtered_routes(sqlite_web)
    assert len(routes) >= len(FILTERED_ROUTES)
    for route in routes:
        parents = {parent.call for parent, sub in _dependency_calls(route.dependant) if sub.call in _READERS}
        viewers = {filters.api_filters, filters.page_filters, filters.api_search_filters, filters.page_search_filters}
        assert parents <= viewers, (route.path, parents)


def test_results_carry_the_display_title_and_only_changed_ones_are_copied(sqlite_web: Web) -> None:
    """``with_titles``: a result whose indexed title is already its display title is the same
    object (nothing copied); an untitled one gets its hook's words; an edit made after indexing
    shows at once, on the page too."""
    from vsl_assets.search import shared_search
    from vsl_assets.services import titles

    web = sqlite_web
    keys = _seed_three(web)
    backend = shared_search(web.settings.database)
    found = backend.search(search_service.query_for("ritual", lang="pt"))
    by_key = {g.vsl.key: g for g in found.vsls}
    with web.session() as s:
        shown = search_service.with_titles(found, s, min_confidence=0.6)
    after = {g.vsl.key: g for g in shown.vsls}
    assert after[keys["pt_story"]] is by_key[keys["pt_story"]]
    assert after[keys["pt_story"]].vsl.title == "Ritual da manhã"
    assert by_key[keys["pt_cheap"]].vsl.title is None
    assert after[keys["pt_cheap"]].vsl.title == "Você vai descobrir o ritual da manhã"
    assert [g.vsl.key for g in shown.vsls] == [g.vsl.key for g in found.vsls]

    with web.session() as s:
        titles.set_title(s, keys["pt_story"], "Novo nome", min_confidence=0.6)
    with web.session() as s:
        renamed = search_service.with_titles(found, s, min_confidence=0.6)
    assert {g.vsl.key: g.vsl.title for g in renamed.vsls}[keys["pt_story"]] == "Novo nome"
    web.login()
    page = web.client.get("/search", params={"q": "ritual", "language": "pt"}).text
    assert ">Novo nome</a></h2>" in page and ">Ritual da manhã</a></h2>" not in page
