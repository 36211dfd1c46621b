"""Insights: the service's counts (sure values only, the rest unknown), each chart element's link
listing exactly the VSLs it counts, the JSON API and the page's SVG charts (real SQLite app DB)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select, update

from vsl_assets.db.models import BreakdownRow, Url
from vsl_assets.services import boards, insights
from vsl_assets.services.insights import compute
from vsl_assets.services.library import LibraryFilters, list_vsls
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def _seed(web: Web) -> dict[str, str]:
    fakes = {
        "a": Fake("https://a.example/1", niche="health/weight loss", lead="story", price=197.0, duration_s=1200.0),
        "b": Fake("https://a.example/2", niche="health/joint pain", lead="story", price=37.0, duration_s=600.0),
        "c": Fake("https://a.example/3", niche="health/sleep", lead="big_secret", price=297.0, currency="BRL"),
        "d": Fake("https://a.example/4", niche="wealth/trading", lead="offer", price=49.0, currency="USD"),
        # Unsure price and lead: counted as unknown, never in a bar.
        "e": Fake("https://a.example/5", niche="health/sleep", lead="proclamation", price=999.0),
    }
    with web.session() as s:
        keys = {name: seed(s, web.layout, fake) for name, fake in fakes.items()}
        row = s.scalar(
            select(BreakdownRow).join(Url, Url.id == BreakdownRow.url_id).where(Url.partition_key == keys["e"])
        )
        assert row is not None
        row_b = s.scalar(
            select(BreakdownRow).join(Url, Url.id == BreakdownRow.url_id).where(Url.partition_key == keys["b"])
        )
        assert row_b is not None
        with insights.counted(s, [row.url_id, row_b.url_id]):  # as every writer of breakdowns does
            row.confidence = {"offer_price": 0.2, "lead_type": 0.1, "guarantee_days": 0.3}
            # A VSL with no guarantee at all.
            row_b.guarantee_days = None
            row_b.data = {}
    return keys


def _listed(web: Web, link: str) -> set[str]:
    """The keys the library lists for a chart's link (through the API, the same filters)."""
    params = dict(parse_qsl(urlsplit(link).query))
    body = web.client.get("/api/vsls", params={**params, "limit": 200}, headers=web.bearer).json()
    return {c["partition_key"] for c in body["items"]}


def test_counts_only_sure_values_and_each_link_lists_what_it_counts(web: Web) -> None:
    """On SQLite and on PostgreSQL (the aggregates are SQL)."""
    keys = _seed(web)
    with web.session() as s:
        health = compute(s, LibraryFilters(niche="health"), min_confidence=0.6)
    assert health.analysed == 4  # a, b, c, e (d is wealth)
    assert {b.label: b.count for b in health.leads} == {"story": 2, "big_secret": 1}
    assert health.leads_unknown == 1  # e's lead is not sure
    [brl] = health.prices
    assert brl.currency == "BRL"
    assert {b.label: b.count for b in brl.bars} == {"20\u201349.99": 1, "100\u2013199.99": 1, "200\u2013299.99": 1}
    assert health.prices_unknown == 1  # e: 999 not sure, never drawn as a price
    assert [(b.label, b.count) for b in health.guarantees] == [("30", 2)]
    assert health.guarantees_unknown == 2  # b has none, e's is not sure
    assert health.awareness_unknown == 0 and health.awareness[0].count == 4
    assert {p.key for p in health.points} == {keys[k] for k in "abce"}
    assert {b.beat for b in health.beats} == {"hook", "offer"}
    assert [b.beat for b in health.beats] == ["hook", "offer"]  # in their typical order
    # Every bar's link lists exactly the VSLs it counts.
    assert _listed(web, next(b.link for b in health.leads if b.label == "story")) == {keys["a"], keys["b"]}
    assert _listed(web, next(b.link for b in brl.bars if b.label.startswith("20"))) == {keys["b"]}
    assert _listed(web, next(b.link for b in brl.bars if b.label.startswith("200"))) == {keys["c"]}
    assert _listed(web, health.guarantees[0].link) == {keys["a"], keys["c"]}
    assert _listed(web, health.beats[0].link) == {keys[k] for k in "abce"}
    assert _listed(web, health.link) == {keys[k] for k in "abce"}
    for bar in [*health.leads, *health.awareness, *brl.bars, *health.guarantees]:
        assert len(_listed(web, bar.link)) == bar.count, bar


def test_board_scope(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed(web)
    with web.session() as s:
        board = boards.create_board(s, 1, "Teste", None)
        for k in ("a", "d"):
            boards.add_item(s, board, keys[k], None, [])
        board_id = board.id
    body = web.client.get("/api/insights", params={"board": board_id}, headers=web.bearer)
    assert body.status_code == 200
    data = body.json()
    assert data["analysed"] == 2 and data["scope"] == {"board": board_id}
    assert {c["currency"] for c in data["prices"]} == {"BRL", "USD"}
    assert {b["label"] for b in data["leads"]} == {"story", "offer"}
    assert all(f"board={board_id}" in b["link"] for b in data["leads"])
    with web.session() as s:
        page = list_vsls(s, LibraryFilters(board=board_id, lead="offer"), min_confidence=0.6)
    assert [c.partition_key for c in page.items] == [keys["d"]]
    # The API needs a login like every other.
    assert web.client.get("/api/insights").status_code == 401


def test_insights_page_draws_accessible_linked_charts(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = _seed(web)
    web.login()
    page = web.client.get("/insights", params={"niche": "health"})
    assert page.status_code == 200
    html = page.text
    for chart in ("chart-price-brl", "chart-pitch", "chart-guarantee", "chart-lead", "chart-awareness", "chart-beats"):
        assert f'id="{chart}"' in html, chart
        svg = html.split(f'id="{chart}"')[1].split("</svg>")[0]
        assert f'<title id="{chart}-t">' in svg and f'<desc id="{chart}-d">' in svg
    lead_svg = html.split('id="chart-lead"')[1].split("</svg>")[0]
    # Coded values read as words (the link keeps the code).
    assert '<a href="/?niche=health&amp;lead=story" class="mark"><title>Story: 2 VSLs</title>' in lead_svg
    beats_svg = html.split('id="chart-beats"')[1].split("</svg>")[0]
    assert "Hook" in beats_svg and ">hook<" not in beats_svg
    spanish = web.client.get("/insights", params={"niche": "health"}, headers={"Accept-Language": "es"}).text
    assert "<title>Historia: 2 VSLs</title>" in spanish and "Gancho" in spanish
    assert "<title>unknown: 1 VSL</title>" in lead_svg  # the unknown bar, without a link
    pitch_svg = html.split('id="chart-pitch"')[1].split("</svg>")[0]
    assert f'href="/vsl/{keys["a"]}?t=9.5"' in pitch_svg
    # c and e sit at the same place (2 min, pitch 9.5 s): one dot for both, linking to them both.
    assert len(re.findall(r"<circle ", pitch_svg)) == 3
    both = re.search(r'<a href="([^"]+)" class="mark"><title>2 VSLs: ', pitch_svg)
    assert both is not None
    assert _listed(web, both.group(1).replace("&amp;", "&")) == {keys["c"], keys["e"]}
    # The scope form offers the niches present; a user without a login is sent to it.
    assert '<option value="health" selected>' in html
    anonymous = web.client.__class__(web.client.app)
    assert anonymous.get("/insights", follow_redirects=False).status_code in (302, 303, 401)


def test_empty_scope_says_so(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    html = web.client.get("/insights", params={"niche": "nothing"}).text
    assert "No analysed VSL here yet." in html
    data = web.client.get("/api/insights", params={"niche": "nothing"}, headers=web.bearer).json()
    assert data["analysed"] == 0 and data["leads"] == [] and data["beats"] == []


def test_a_chart_label_fits_left_of_its_bars() -> None:
    """A trial at 1366 px: "Consciente da solução" and "Chamada para ação" lost their first letters
    left of the chart.  Each label, at 0.6 em a character in the page's 15 px font, must end where
    the bars start (``x`` is the label's right edge: ``text-anchor="end"``)."""
    from vsl_assets.services.insights import Bar, BeatStat
    from vsl_assets.web import charts

    words = {"solution_aware": "Consciente da solução", "cta": "Chamada para ação", "x": "Llamada a la acción"}.get
    svg = charts.bars("a", "Consciência", [Bar(label="solution_aware", count=1, link="/?a=1")], 0, str, words=words)
    svg += charts.beats(
        "b", "Blocos", [BeatStat(beat="cta", count=1, mean_start=0.9, mean_end=1.0, link="/")], str, words
    )
    svg += charts.beats(
        "c", "Bloques", [BeatStat(beat="x", count=1, mean_start=0.9, mean_end=1.0, link="/")], str, words
    )
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" class="label">([^<]*)</text>', svg)
    assert [text for _x, text in labels] == ["Consciente da sol\u2026", "Chamada para ação", "Llamada a la acci\u2026"]
    for x, text in labels:
        assert len(text) * 0.6 * 15 <= float(x), text


def test_one_vsl_is_counted_in_the_singular(sqlite_web: Web) -> None:
    """A trial with one VSL read "1 VSLs analisadas" on insights and "1 VSLs" on a board."""
    web = sqlite_web
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example/1", niche="health/sleep", price=97.0))
    web.client.cookies.set("vsl_lang", "pt-BR")
    insights = web.client.get("/insights").text
    count = re.search(r'id="insights-count"><a [^>]*>([^<]*)</a>', insights)
    assert count and count.group(1).strip() == "1 VSL analisada"
    # and each chart's mark, as a screen reader reads it (its <title>)
    assert "<title>História: 1 VSL</title>" in insights and "1 VSLs" not in insights
    assert re.search(r'id="total">1 VSL ·', web.client.get("/").text)
    board = web.client.post("/boards", data={"name": "Sono", "csrf_token": csrf}, follow_redirects=False)
    where = board.headers["location"]
    web.client.post(f"{where}/items", data={"partition_key": key, "csrf_token": csrf})
    assert "· 1 VSL</p>" in web.client.get(where).text
    web.client.cookies.set("vsl_lang", "en")
    assert '<span class="count">1 VSL</span>' in web.client.get("/boards").text
    board_id = int(where.rsplit("/", 1)[1])
    shared = web.client.post(f"/api/boards/{board_id}/shares", json={"days": 7}, headers=web.bearer).json()["url"]
    assert '<p class="board-meta">1 VSL</p>' in web.client.get(shared.removeprefix("http://testserver")).text


def test_price_buckets_read_in_the_readers_numbers(sqlite_web: Web) -> None:
    """A pt-BR trial read the bucket "50-99.99" (an English decimal point) on the insights page."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        seed(s, web.layout, Fake("https://a.example/1", niche="health/sleep", price=97.0, currency="BRL"))
        seed(s, web.layout, Fake("https://a.example/2", niche="health/sleep", price=2500.0, currency="BRL"))
    for lang, mid, top in (("pt-BR", "50\u201399,99", "2.000+"), ("en", "50\u201399.99", "2,000+")):
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/insights").text
        chart = page.split('id="chart-price-brl"')[1].split("</svg>")[0]
        assert f">{mid}</text>" in chart and f">{top}</text>" in chart
        assert f">{mid}</a></td>" in page  # the table under the charts too


def test_no_sure_pitch_second_is_said_not_drawn_as_an_empty_plot(sqlite_web: Web) -> None:
    """A new user's first VSLs had no sure pitch second: the card drew empty axes from 0 to 1 minute
    over "0 / 0 shown · unknown: 2"; it now says "unknown: 2" as the price card does."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example/1", niche="health/sleep", price=97.0))
        s.execute(update(BreakdownRow).values(pitch_s=None))
        board = boards.create_board(s, 1, "Sono", None)
        boards.add_item(s, board, key, None, [])
        board_id = board.id
    page = web.client.get("/insights", params={"board": board_id}).text
    card = page.split('aria-labelledby="h-pitch">')[1].split("</section>")[0]
    assert "<svg" not in card and "shown" not in card
    assert re.search(r'<p class="unknown" id="no-pitch">unknown: 1</p>', card)
