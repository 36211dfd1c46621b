"""Reveal patterns from the pages7 round (real pages in /work/realpages-extra, session "pages7", and
unlabelled pages of public repos), each reproduced with HTML and script written for these tests:
jQuery's ``.removeClass("d-none")`` in a timer, read like ``classList.remove`` (r7-oportunidade-vsl),
a site-wide script's timer set in a function the page never calls (a quiz pop-up chain), and a timer
that only hides something (a loader's fallback)."""

from __future__ import annotations

import httpx
import pytest

from vsl_assets.media.pages import ResolveOptions
from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players.reveal import page_reveal

_SALES = "https://oferta.example.net/aula/"


def _reveal(body: str) -> tuple[float | None, str | None]:
    return page_reveal(parse_page(_SALES, f"<html><body><h1>Aula gratuita</h1>{body}</body></html>"))


#: A hidden player shown after a short loader, and the buy button a jQuery timer unhides with
#: ``removeClass('d-none')`` eight minutes in.
_PAGE = """
<div class="carregando"><span></span></div>
<iframe id="aula" class="invisivel" src="https://www.youtube.com/embed/aaaaaaaaaaa"></iframe>
<button class="seguir btn d-none" onclick="location.href='https://pay.example.net/x'">QUERO ENTRAR</button>
<script>
    setTimeout(function () {
        $('.carregando').addClass('d-none');
        $('#aula').removeClass('invisivel');
    }, 2000);
    setTimeout(function () {
        $('.seguir').removeClass('d-none');
    }, 505000);
</script>
"""


def test_a_jquery_timer_that_removes_the_hiding_class_reveals_the_offer() -> None:
    assert _reveal(_PAGE) == (505, "page script setTimeout")


def test_the_same_timer_with_an_arrow_function_and_double_quotes() -> None:
    body = """<a id="comprar" class="d-none" href="/checkout">Comprar</a>
    <script>setTimeout(() => { $("#comprar").removeClass("d-none") }, 12 * 60 * 1000);</script>"""
    assert _reveal(body) == (720, "page script setTimeout")


def test_a_short_removeclass_timer_is_an_animation_not_a_reveal() -> None:
    body = """<a class="btn-pulse" href="/checkout">Comprar</a>
    <script>setInterval(function () { $('.btn-pulse').addClass('pulse');
        setTimeout(function () { $('.btn-pulse').removeClass('pulse'); }, 1000); }, 3000);</script>"""
    assert _reveal(body) == (None, None)


def test_a_removeclass_timer_aimed_at_an_element_the_page_lacks_is_someone_elses() -> None:
    body = """<a class="comprar" href="/checkout">Comprar</a>
    <script>setTimeout(function () { $('#oferta-final').removeClass('d-none'); }, 600000);</script>"""
    assert _reveal(body) == (None, None)


_QUIZ_URL = "https://oferta.example.net/quiz/"
_SITE_JS = "https://oferta.example.net/quiz/js/site.js"
#: One script for every page of the site: the quiz pages chain their pop-ups from ``proximaEtapa``, the
#: offer page calls ``liberarOferta`` at load.
_SITE_SCRIPT = """
function proximaEtapa() {
    document.getElementById('etapa1').style.display = 'none';
    setTimeout(function () { document.getElementById('etapa3').style.display = 'block'; }, 12000);
}
function liberarOferta() {
    setTimeout(function () { document.querySelector('.comprar').style.display = 'block'; }, 754000);
}
"""


def _site_reveal(body: str) -> tuple[float | None, str | None]:
    html = f'<html><body><h1>Quiz</h1>{body}<script src="js/site.js"></script></body></html>'

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == _SITE_JS:
            return httpx.Response(200, content=_SITE_SCRIPT.encode(), headers={"content-type": "text/javascript"})
        raise httpx.ConnectError(f"offline: {request.url.host}", request=request)

    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    options = ResolveOptions(use_ytdlp=False, probe_stream=False)
    with client, Fetcher(options, client) as fetcher:
        return page_reveal(parse_page(_QUIZ_URL, html), fetcher)


_STEPS = '<div id="etapa1">1</div><div id="etapa2">2</div><div id="etapa3">3</div>'


def test_a_site_scripts_timer_in_a_function_this_page_never_calls_is_not_its_reveal() -> None:
    assert _site_reveal(_STEPS + '<a class="comprar" href="/checkout">Comprar</a>') == (None, None)


@pytest.mark.parametrize(
    "caller",
    [
        '<button onclick="proximaEtapa()">Começar</button>',
        "<script>document.querySelector('#etapa1').addEventListener('click', proximaEtapa);</script>",
    ],
)
def test_the_same_timer_counts_once_the_page_calls_its_function(caller: str) -> None:
    assert _site_reveal(_STEPS + caller) == (12, "same-site script setTimeout")


def test_the_offer_page_that_calls_the_reveal_function_at_load_gets_its_second() -> None:
    body = '<a class="comprar" href="/checkout" style="display:none">Comprar</a><script>liberarOferta();</script>'
    assert _site_reveal(body) == (754, "same-site script setTimeout")


def test_a_timer_that_only_hides_a_loader_reveals_nothing() -> None:
    body = """<div class="carregando-form">Carregando…</div><form class="inscricao"></form>
    <script>
        var aviso = document.querySelector('.carregando-form');
        function esconderAviso() { aviso.style.display = "none"; }
        setTimeout(esconderAviso, 15000);
        setTimeout(function () { $('.carregando-form').hide(); $('.inscricao').addClass('d-none'); }, 20000);
    </script>"""
    assert _reveal(body) == (None, None)


def test_a_timer_that_hides_the_player_and_shows_the_offer_still_reveals() -> None:
    body = """<div id="player">…</div><div id="oferta" style="display:none"><a href="/checkout">Comprar</a></div>
    <script>setTimeout(function () {
        document.getElementById('player').style.display = 'none';
        document.getElementById('oferta').style.display = 'block';
    }, 900000);</script>"""
    assert _reveal(body) == (900, "page script setTimeout")
