"""``services.titles.display_title``: the order of the sources of a VSL's name, and what is never one."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from vsl_assets.db import session_scope
from vsl_assets.db.models import BreakdownRow, Source, Url
from vsl_assets.services.titles import MAX_TITLE, UNTITLED, display_title, hook_words, titles_for

STREAM = "http://127.0.0.1:8080/hls/master.m3u8"
PAGE = "https://www.oferta-exemplo.com.br/vsl/"


def test_the_page_title_comes_first_then_product_then_hook() -> None:
    full = display_title(PAGE, page="Método Joelho Livre", product="Flexa Max", hook="Pare tudo agora.")
    assert (full.text, full.source) == ("Método Joelho Livre", "page")
    no_page = display_title(PAGE, product="Flexa Max", hook="Pare tudo agora.")
    assert (no_page.text, no_page.source) == ("Flexa Max", "product")
    hook_only = display_title(STREAM, hook="Pare tudo agora. Você vai ver por quê.")
    assert (hook_only.text, hook_only.source) == ("Pare tudo agora", "hook")


@pytest.mark.parametrize(
    "page",
    ["127.0.0.1", "http://127.0.0.1:8080/hls/master.m3u8", "oferta-exemplo.com.br", "www.oferta-exemplo.com.br", "  "],
)
def test_a_page_title_that_only_repeats_the_address_is_not_a_name(page: str) -> None:
    url = "https://www.oferta-exemplo.com.br/vsl/" if "oferta" in page else STREAM
    title = display_title(url, page=page, hook="Descubra o ritual japonês de 7 segundos que derrete gordura")
    assert title.source == "hook"
    assert "127.0.0.1" not in title.text and "oferta-exemplo" not in title.text


def test_nothing_to_name_it_by_is_untitled_never_the_host_or_url() -> None:
    title = display_title(STREAM)
    assert (title.text, title.source) == (UNTITLED, "none")


def test_hook_gives_its_first_words_with_an_ellipsis_when_cut() -> None:
    assert hook_words("Se você tem mais de quarenta anos e sente dor nos joelhos, preste atenção") == (
        "Se você tem mais de quarenta anos e…"
    )
    assert hook_words("Atenção: isto muda tudo! E mais.") == "Atenção: isto muda tudo"
    assert hook_words("   ") is None


def test_a_hook_opening_with_a_short_call_is_named_by_its_next_sentence() -> None:
    """A new user's trial: a card named "Atenção" (the hook's first sentence, one word)."""
    assert hook_words("Atenção! Se você sente dor nas costas ao acordar, veja isto.") == (
        "Se você sente dor nas costas ao acordar…"
    )
    assert hook_words("Stop. Right now. This is what your doctor never told you.") == (
        "This is what your doctor never told you"
    )
    assert hook_words("¡Atención! Esto cambia todo.") == "Esto cambia todo"
    assert hook_words("Atenção!") == "Atenção"  # nothing longer: the call is all there is
    assert hook_words("Olá. Oi.") == "Olá"


def test_a_persons_edit_wins_and_the_detected_title_is_kept_apart() -> None:
    title = display_title(PAGE, custom="  Joelho — versão B  ", page="Método Joelho Livre")
    assert (title.text, title.source, title.custom) == ("Joelho — versão B", "custom", "Joelho — versão B")
    assert (title.detected, title.detected_source) == ("Método Joelho Livre", "page")
    cleared = display_title(PAGE, custom="   ", page="Método Joelho Livre")
    assert (cleared.text, cleared.source, cleared.custom) == ("Método Joelho Livre", "page", None)


def test_a_long_title_is_cut_to_one_line() -> None:
    title = display_title(PAGE, page="Palavra\n" * 100)
    assert len(title.text) == MAX_TITLE and title.text.endswith("…") and "\n" not in title.text


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def titled_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        database: str = request.getfixturevalue("postgres").create_database("titles_for")
    else:
        database = f"sqlite:///{tmp_path / 'vsl.db'}"
    return database  # the schema is made on first use (get_engine)


def test_titles_for_many_keys_in_chunks_each_by_its_own_rule(titled_database: str) -> None:
    """``titles_for`` (the search page's and boards' one query; its statement is built once and
    the keys bound) names every VSL asked for, more than one chunk of 500, by the same rules as
    ``display_title``; a key asked twice once; an unknown key is left out; each threshold its own."""
    now = datetime.now(UTC)
    with session_scope(titled_database) as s:
        urls = [
            Url(url=f"https://t{i}.example/vsl", partition_key=f"t{i}-example", status="analyzed", created_at=now)
            for i in range(620)
        ]
        s.add_all(urls)
        s.flush()
        for i, url in enumerate(urls):
            if i % 3 == 0:
                url.title = f"Edited {i}"
            s.add(
                Source(
                    url_id=url.id,
                    page_url=url.url,
                    stream_url=url.url,
                    kind="hls",
                    title=f"Page {i}" if i % 2 else None,
                )
            )
            if i % 5 == 0:
                s.add(
                    BreakdownRow(
                        url_id=url.id,
                        status="ok",
                        engine="t",
                        model="t",
                        data={},
                        product=f"Product {i}",
                        confidence={"product": 0.5},
                    )
                )
    keys = [f"t{i}-example" for i in range(620)]
    with session_scope(titled_database) as s:
        found = titles_for(s, [*keys, keys[0], "nowhere-example"], min_confidence=0.6)
        sure_at_half = titles_for(s, keys[:11], min_confidence=0.4)
    assert set(found) == set(keys)
    for i, key in enumerate(keys):
        expected = f"Edited {i}" if i % 3 == 0 else f"Page {i}" if i % 2 else UNTITLED
        assert found[key].text == expected, (i, found[key])
    # the product (confidence 0.5) names VSL 10 only where 0.5 is sure enough
    assert found["t10-example"].detected == UNTITLED
    assert sure_at_half["t10-example"].detected == "Product 10"
    assert sure_at_half["t5-example"].text == "Page 5"


def test_titles_for_follows_an_edit_at_once_even_unflushed(tmp_path: Path) -> None:
    """Titles are kept by their parts (``_known_title``), never by key: an edit, a cleared edit or
    a new page title is named at once, in the same session before any flush too (as the ORM's
    autoflush did), and two VSLs with the same parts share the one title."""
    database = f"sqlite:///{tmp_path / 'vsl.db'}"
    now = datetime.now(UTC)
    with session_scope(database) as s:
        for name in ("a", "b"):
            url = Url(
                url=f"https://{name}.example/vsl", partition_key=f"{name}-example", status="analyzed", created_at=now
            )
            s.add(url)
            s.flush()
            s.add(Source(url_id=url.id, page_url=url.url, stream_url=url.url, kind="hls", title="Same page"))
    with session_scope(database) as s:
        before = titles_for(s, ["a-example", "b-example"], min_confidence=0.6)
        assert before["a-example"].text == before["b-example"].text == "Same page"
        url = s.query(Url).filter_by(partition_key="a-example").one()
        url.title = "  Renamed   by hand "
        after = titles_for(s, ["a-example", "b-example"], min_confidence=0.6)
        assert (after["a-example"].text, after["a-example"].source) == ("Renamed by hand", "custom")
        assert after["b-example"].text == "Same page"
        source = s.query(Source).filter_by(url_id=url.id).one()
        url.title, source.title = None, "New page title"
        assert titles_for(s, ["a-example"], min_confidence=0.6)["a-example"].text == "New page title"


def test_an_original_without_a_page_takes_its_alias_pages_title_and_an_edit_still_wins(tmp_path: Path) -> None:
    """The stream pasted first is the original, its sales page pasted later an alias: the original
    was named by its hook's first words (often garbled speech) while the alias had the page's name."""
    from vsl_assets.services.library import cards_for

    database = f"sqlite:///{tmp_path / 'vsl.db'}"
    now = datetime.now(UTC)
    with session_scope(database) as s:
        stream = Url(url=STREAM, partition_key="stream-example", status="analyzed", created_at=now)
        s.add(stream)
        s.flush()
        page = Url(url=PAGE, partition_key="page-example", status="analyzed", created_at=now, alias_of=stream.id)
        s.add(page)
        s.flush()
        s.add(Source(url_id=stream.id, page_url=STREAM, stream_url=STREAM, kind="hls", title=None))
        s.add(Source(url_id=page.id, page_url=PAGE, stream_url=STREAM, kind="hls", title="Método Joelho Livre"))
        s.add(
            BreakdownRow(
                url_id=stream.id,
                status="ok",
                engine="t",
                model="t",
                data={},
                hook="Pare e tudo o mundo agora.",
                confidence={"hook": 0.9},
            )
        )
    with session_scope(database) as s:
        found = titles_for(s, ["stream-example", "page-example"], min_confidence=0.6)
        assert (found["stream-example"].text, found["stream-example"].source) == ("Método Joelho Livre", "page")
        assert found["page-example"].text == "Método Joelho Livre"
        assert cards_for(s, ["stream-example"], min_confidence=0.6)["stream-example"].title == "Método Joelho Livre"
        s.query(Url).filter_by(partition_key="stream-example").one().title = "Meu nome"
        edited = titles_for(s, ["stream-example"], min_confidence=0.6)["stream-example"]
        assert (edited.text, edited.source, edited.detected) == ("Meu nome", "custom", "Método Joelho Livre")
        # Its own page title, once it has one, comes first.
        s.query(Url).filter_by(partition_key="stream-example").one().title = None
        s.query(Source).filter_by(page_url=STREAM).one().title = "Página própria"
        assert titles_for(s, ["stream-example"], min_confidence=0.6)["stream-example"].text == "Página própria"


def test_a_page_read_without_a_video_is_named_by_its_title(env, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sales page that was fetched but had no player was "Untitled VSL" though its ``<title>``
    said what it is: its title (trimmed, entities decoded, markup kept as text) names it."""
    from types import SimpleNamespace

    from vsl_assets.db import repo
    from vsl_assets.media.pages import ytdlp
    from vsl_assets.media.pages.errors import NoPlayerFoundError
    from vsl_assets.net.guard import NetPolicy
    from vsl_assets.services import library
    from vsl_assets.services.steps import StepInputs, StepResources, run_source
    from vsl_assets.storage.objectstore import store_for
    from vsl_assets_tests.services.watch_support import PageHost

    def no_video(*args: object, **kwargs: object) -> None:
        raise NoPlayerFoundError("no video player found on page")

    monkeypatch.setattr(ytdlp, "extract", no_video)  # yt-dlp's last resort finds nothing either
    page = "<html><head><title>\n   Chá &amp; Cia &lt;b&gt;oferta&lt;/b&gt;   \n</title></head><body><p>Em breve.</p></body></html>"
    with PageHost() as host:
        url = host.serve("/oferta/", page, content_type="text/html; charset=utf-8")
        with env.sessions() as s:
            [added] = repo.add_urls(s, [url])
            inputs = StepInputs(added.partition_key, url, repo.require_url(s, added.partition_key).id)
        media = SimpleNamespace(max_page_bytes=1 << 20, max_page_scripts=2, net_policy=NetPolicy(allow_private=True))
        res = StepResources(sessions=env.sessions, layout=env.layout, store=store_for(env.settings), media=media)  # type: ignore[arg-type]
        with pytest.raises(NoPlayerFoundError) as failed:
            run_source(inputs, res)
    assert failed.value.page_title == "Chá & Cia <b>oferta</b>"
    with env.sessions() as s:
        found = library.detail(s, added.partition_key, min_confidence=0.6)
    assert found is not None and (found.title, found.title_source) == ("Chá & Cia <b>oferta</b>", "page")
    assert found.source is None  # no stream came of it
