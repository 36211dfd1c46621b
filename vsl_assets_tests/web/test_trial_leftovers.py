"""What a new user saw in the trials and should not see again (trial 16): each test reads the page
as a person does, in English and Brazilian Portuguese.

An alias with no name of its own called "Untitled VSL"; a ``.txt`` URL shown as a page "down";
"Watch this page" offered for a stream URL; "trecho(s)"; no confirmation after adding URLs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import WatchEvent, WatchPage, repo
from vsl_assets.db.models import Source, Url, utcnow
from vsl_assets.net.urls import normalize_url
from vsl_assets.web.i18n import reason
from vsl_assets_tests.web.conftest import Web, make_web
from vsl_assets_tests.web.seed import Fake, seed

#: What the resolver writes for a URL that serves plain text (``hls_probe.check_stream``).
NOT_VIDEO = "the stream URL did not return video (got text/plain)"


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _bare_url(web: Web, url: str, **values: object) -> tuple[str, int]:
    """A URL row with nothing else: no page read, no video, no transcript (an alias, a failure)."""
    with web.session() as s:
        [added] = repo.add_urls(s, [normalize_url(url)])
        row = repo.require_url(s, added.partition_key)
        for name, value in values.items():
            setattr(row, name, value)
        return row.partition_key, row.id


def test_an_alias_with_no_title_of_its_own_is_called_by_its_originals(sqlite_web: Web) -> None:
    """A trial pasted a sales page and its ``.m3u8``: the stream's card said "Untitled VSL"."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        original = seed(s, web.layout, Fake("https://sono.example.com/vsl", title="Método Sono Profundo"))
        original_id = repo.require_url(s, original).id
    alias, _ = _bare_url(web, "https://cdn.example.com/sono/main.m3u8", status="alias", alias_of=original_id)

    for lang, untitled in (("en", "Untitled VSL"), ("pt-BR", "VSL sem título")):
        web.client.cookies.set("vsl_lang", lang)
        library = web.client.get("/").text
        card = library.split(f'data-key="{alias}"')[1].split("</a>")[0]
        assert re.search(r'<strong class="title"[^>]*>Método Sono Profundo</strong>', card), card
        page = web.client.get(f"/vsl/{alias}").text
        title = re.search(r'<h1 id="vsl-title"[^>]*>(.*?)</h1>', page)
        assert title and title.group(1) == "Método Sono Profundo"
        assert untitled not in card and untitled not in page
    api = web.client.get(f"/api/vsls/{alias}", headers=web.bearer).json()
    assert api["title"] == "Método Sono Profundo" and api["alias_of"]["partition_key"] == original
    # A person's own title for the alias still wins.
    web.client.patch(f"/api/vsls/{alias}", json={"title": "Stream do Sono"}, headers=web.bearer)
    assert web.client.get(f"/api/vsls/{alias}", headers=web.bearer).json()["title"] == "Stream do Sono"


def test_a_text_file_url_says_it_is_not_a_video_or_a_sales_page_rather_than_down(sqlite_web: Web) -> None:
    """A trial added a ``.txt``: it failed in English ("did not return video") and its watch panel
    said "down since …", as if a page once live had gone."""
    web = sqlite_web
    web.login()
    key, url_id = _bare_url(web, "https://oferta.example.com/roteiro.txt", status="failed", reason=NOT_VIDEO)
    with web.session() as s:
        now = utcnow()
        s.add(
            WatchPage(
                url_id=url_id,
                host="oferta.example.com",
                next_check_at=now,
                first_seen_at=now,
                down_since=now,
                down_reason="no video player found on page",
            )
        )
    expected = {
        "en": ("no video found at this address", "not a video or a sales page: the address answered with a text file"),
        "pt-BR": (
            "nenhum vídeo encontrado neste endereço",
            "não é um vídeo nem uma página de vendas: o endereço respondeu com um arquivo de texto",
        ),
    }
    for lang, (life_words, why) in expected.items():
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get(f"/vsl/{key}").text
        life = re.search(r'id="watch-life">(.*?)</p>', page, re.S)
        assert life, page
        said = _text(life.group(1))
        assert said.startswith(life_words) and why in said, said
        assert "down since" not in said and "fora do ar" not in said
        assert why in _text(page.split('id="reason"')[1].split("</p>")[0])  # the failure itself, same words
    assert reason("en", NOT_VIDEO).raw == NOT_VIDEO  # the raw text kept (the page's Details fold)


def test_a_stream_url_is_not_offered_page_watching(sqlite_web: Web) -> None:
    """A ``.m3u8`` pasted directly has no page to re-check: no "Watch this page" button, a note."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        stream = seed(s, web.layout, Fake("https://cdn.example.com/a/main.m3u8", title=None))
        s.query(Source).filter(Source.url_id == repo.require_url(s, stream).id).update({"kind": "direct-hls"})
        page_key = seed(s, web.layout, Fake("https://oferta.example.com/vsl", title="Oferta"))
    web.client.put(f"/api/vsls/{page_key}/watch", json={"on": False}, headers=web.bearer)
    for lang, button, note in (
        ("en", "Watch this page", "This URL is a video stream, not a sales page"),
        ("pt-BR", "Monitorar esta página", "Esta URL é um stream de vídeo, não uma página de vendas"),
    ):
        web.client.cookies.set("vsl_lang", lang)
        panel = web.client.get(f"/vsl/{stream}").text.split('id="watch"')[1].split("</section>")[0]
        assert button not in panel and note in _text(panel)
        assert 'id="watch-life"' not in panel  # no "not checked yet" for what is never checked
        other = web.client.get(f"/vsl/{page_key}").text.split('id="watch"')[1].split("</section>")[0]
        assert button in other and note not in other  # a sales page keeps its switch


def test_the_add_page_confirms_what_a_submit_did(sqlite_web: Web) -> None:
    """After Add nothing said "3 URLs added"; now the count, the known ones and the invalid lines."""
    web = sqlite_web
    csrf = web.login()
    web.client.post("/api/urls", json={"urls": ["https://velha.example.com/vsl"]}, headers=web.bearer)
    lines = "\n".join(
        ["https://a.example.com/vsl", "https://b.example.com/vsl", "https://velha.example.com/vsl", "ftp://x.example/v"]
    )
    page = web.client.post("/add", data={"urls": lines, "csrf_token": csrf}, follow_redirects=True)
    assert page.status_code == 200
    summary = re.search(r'<p class="add-summary" id="add-summary" role="status">(.*?)</p>', page.text, re.S)
    assert summary and _text(summary.group(1)) == "✓ 2 URLs added · 1 was already in the library · 1 invalid line"
    web.client.cookies.set("vsl_lang", "pt-BR")
    again = web.client.post(
        "/add",
        data={"urls": "https://c.example.com/vsl\nhttps://velha.example.com/vsl", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert again.status_code == 303
    shown = web.client.get(again.headers["location"]).text
    summary = re.search(r'id="add-summary" role="status">(.*?)</p>', shown, re.S)
    assert summary and _text(summary.group(1)) == "✓ 1 URL adicionada · 1 já estava na biblioteca"
    # The page opened on its own (no submit just now) confirms nothing.
    batch = again.headers["location"].split("batch=")[1].split("&")[0]
    assert 'id="add-summary"' not in web.client.get(f"/add?batch={batch}").text


def test_what_a_failed_url_and_the_changes_feed_show(sqlite_web: Web) -> None:
    """The trial's second look: a failed ``.txt``'s page had a transcript search box over nothing and
    an empty "Downloads" heading; the Changes feed left its reason in English; an alias's page listed
    it by key on its original."""
    web = sqlite_web
    web.login()
    key, url_id = _bare_url(web, "https://oferta.example.com/roteiro.txt", status="failed", reason=NOT_VIDEO)
    with web.session() as s:
        s.add(
            WatchEvent(url_id=url_id, kind="page_down", at=utcnow(), detail={"reason": "no video player found on page"})
        )
        original = seed(s, web.layout, Fake("https://sono.example.com/vsl", title="Método Sono"))
        original_id = repo.require_url(s, original).id
    alias, _ = _bare_url(web, "https://sono.example.com/vsl-b", status="alias", alias_of=original_id)
    with web.session() as s:
        s.add(
            Source(
                url_id=repo.require_url(s, alias).id,
                page_url="https://sono.example.com/vsl-b",
                stream_url="https://cdn.example.com/s.m3u8",
                kind="hls",
                title="Sono B",
            )
        )
    web.client.cookies.set("vsl_lang", "pt-BR")
    page = web.client.get(f"/vsl/{key}").text
    assert 'id="no-transcript"' in page and "Ainda sem transcrição." in page
    assert 'id="transcript-filter"' not in page and "Downloads" not in page and 'id="exports"' not in page
    feed = web.client.get("/changes").text
    said = re.search(r'<small class="reason" title="no video player found on page">(.*?)</small>', feed)
    assert said and said.group(1) == "nenhum player de vídeo encontrado na página"
    back = web.client.get(f"/vsl/{original}").text.split('id="aliases"')[1].split("</p>")[0]
    assert f'<a href="/vsl/{alias}">Sono B</a>' in back
    assert 'id="exports"' in web.client.get(f"/vsl/{original}").text  # an analysed VSL keeps its documents


def test_a_paste_warning_goes_once_its_url_went_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A trial's Add page still said "Will be refused: … loopback" beside rows already Ready (the
    setting was changed after the paste)."""
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    for web in make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch):
        csrf = web.login()
        done = web.client.post(
            "/add",
            data={"urls": "http://10.1.2.3/a.m3u8\nhttp://10.1.2.4/b.m3u8", "csrf_token": csrf},
            follow_redirects=False,
        )
        where = done.headers["location"]
        before = web.client.get(where).text
        assert before.count("Will be refused") == 2
        with web.session() as s:
            first = s.scalars(select(Url).where(Url.url == "http://10.1.2.3/a.m3u8")).one()
            first.status = "analyzed"
            key = first.partition_key
        after = web.client.get(where).text
        assert after.count("Will be refused") == 1 and f"<code>{key}</code>" not in after.split('id="live"')[0]


def test_a_niche_with_no_sub_niche_reads_once() -> None:
    """The trial's VSL page and card said "Outros / Outros"."""
    from vsl_assets.web.i18n import label

    assert (label("pt-BR", "niche", "other/other"), label("en", "niche", "other/other")) == ("Outros", "Other")
    assert label("pt-BR", "niche", "health/diabetes") == "Saúde / Diabetes"


def test_the_search_button_reads_as_a_verb(sqlite_web: Web) -> None:
    """The search page's button read "Busca" (the menu's noun) in Portuguese: it says "Buscar"."""
    web = sqlite_web
    web.login()
    for lang, menu, button in (("pt-BR", "Busca", "Buscar"), ("es", "Buscar", "Buscar"), ("en", "Search", "Search")):
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get("/search?q=garantia").text
        form = page.split('<form method="get"')[1].split("</form>")[0]
        assert f'<button type="submit">{button}</button>' in form
        assert f'<a href="/search" aria-current="page">{menu}</a>' in page  # the menu keeps its noun


def test_a_stream_whose_sales_page_came_later_points_to_the_page_watched(sqlite_web: Web) -> None:
    """A trial pasted a ``.m3u8``, then its sales page (which became its alias and was watched):
    the stream's page still said "there is no page to watch for changes"."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        stream = seed(s, web.layout, Fake("https://cdn.example.com/b/main.m3u8", title=None))
        stream_id = repo.require_url(s, stream).id
        s.query(Source).filter(Source.url_id == stream_id).update({"kind": "direct-hls"})
    page, _ = _bare_url(web, "https://oferta.example.com/seca", status="alias", alias_of=stream_id)
    for lang, note, old in (
        ("en", "watching for changes is done on the sales page that plays it:", "there is no page to watch"),
        ("pt-BR", "o monitoramento é feito na página de vendas que o toca:", "não há página para monitorar"),
    ):
        web.client.cookies.set("vsl_lang", lang)
        panel = web.client.get(f"/vsl/{stream}").text.split('id="watch"')[1].split("</section>")[0]
        assert note in _text(panel) and old not in _text(panel)
        assert f'<a href="/vsl/{page}#watch">' in panel


def test_a_vsl_page_before_any_board_says_where_boards_are_made(sqlite_web: Web) -> None:
    """A new user's VSL page had no "Add to board" at all until a board existed elsewhere."""
    web = sqlite_web
    csrf = web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://oferta.example.com/quadro", title="Oferta"))
    for lang, text in (
        ("en", "No boards yet: create one on the Boards page"),
        ("pt-BR", "Nenhum quadro ainda: crie um"),
    ):
        web.client.cookies.set("vsl_lang", lang)
        page = web.client.get(f"/vsl/{key}").text
        assert 'id="board-form"' not in page
        hint = page.split('id="no-boards">')[1].split("</p>")[0]
        assert _text(hint).startswith(text) and '<a href="/boards">' in hint
    web.client.post("/boards", data={"name": "Sono", "csrf_token": csrf})
    page = web.client.get(f"/vsl/{key}").text
    assert 'id="board-form"' in page and 'id="no-boards"' not in page
