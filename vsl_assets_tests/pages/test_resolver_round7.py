"""Reveal patterns from the pages7 round (real pages in /work/realpages-extra, session "pages7"),
each reproduced with HTML and script written for these tests: jQuery's ``.removeClass("d-none")``
in a timer, read like ``classList.remove`` (r7-oportunidade-vsl)."""

from __future__ import annotations

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
