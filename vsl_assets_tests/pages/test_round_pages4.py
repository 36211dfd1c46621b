"""Resolver patterns from the pages4 round (real pages in /work/realpages-extra, session "pages4"),
each reproduced with markup written for these tests: a player that a ``<body>`` inline script
writes in (``createElement("iframe")``, or JSX holding the iframe), which beats a results reel
further down, and a reveal delay computed from constants the script set before it."""

from __future__ import annotations

import importlib

import pytest

from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players.reveal import page_reveal, timers_in

_resolver = importlib.import_module("vsl_assets.media.pages.resolve")

_SALES = "https://curso.example.org/aula-gratis/"
_HERO = (
    '<div id="heroMount"></div><script>(function(){var m=document.getElementById("heroMount");'
    'var f=document.createElement("iframe");f.src="https://www.youtube-nocookie.com/embed/Ab3dE5gH7jK'
    '?autoplay=1&mute=1&enablejsapi=1&origin="+encodeURIComponent(location.origin);'
    "m.parentNode.replaceChild(f,m);})();</script>"
)
_REEL = (
    '<section class="resultados"><video src="media/depoimentos.mp4" autoplay muted loop playsinline controls>'
    '</video></section><button class="unmute-pill" type="button">Clique para ouvir</button>'
)


def _detect(head: str, body: str) -> list[tuple[str, str | None]]:
    page = parse_page(_SALES, f"<html><head>{head}</head><body><h1>Aula gratuita</h1>{body}</body></html>")
    return [(c.kind, c.target) for c in _resolver._detect(page)]


def test_an_iframe_a_body_script_creates_is_the_vsl_above_a_muted_results_reel() -> None:
    found = _detect("", _HERO + _REEL)
    # The hero player comes first; the reel below it is another video, not the VSL.
    assert found[0] == (
        "embed",
        "https://www.youtube-nocookie.com/embed/Ab3dE5gH7jK?autoplay=1&mute=1&enablejsapi=1&origin=",
    )
    assert ("html5", "https://curso.example.org/aula-gratis/media/depoimentos.mp4") in found[1:]


def test_jsx_in_an_inline_babel_script_names_the_player() -> None:
    jsx = (
        '<div id="app"></div><script type="text/babel">function Hero() { return (<div className="vsl">'
        '<iframe src="https://player.vimeo.com/video/918273645?h=0a1b2c3d4e" allow="autoplay"></iframe>'
        "</div>); } ReactDOM.createRoot(document.getElementById('app')).render(<Hero />);</script>"
    )
    assert _detect("", jsx) == [("embed", "https://player.vimeo.com/video/918273645?h=0a1b2c3d4e")]


@pytest.mark.parametrize(
    ("head", "body"),
    [
        # A head script building an iframe (a consent or pop-up widget) is not where the video is.
        (
            '<script>var f=document.createElement("iframe");'
            'f.src="https://www.youtube.com/embed/Zz9yX8wV7uT";document.body.appendChild(f);</script>',
            "<p>Sem vídeo aqui.</p>",
        ),
        # A body script that only links to a video builds no player.
        (
            "",
            '<script>document.querySelector(".ver").onclick=function(){location.href='
            '"https://www.youtube.com/embed/Zz9yX8wV7uT";};</script><a class="ver" href="#">Ver</a>',
        ),
        # An external script's text is not read here (same-site files are the scripted fallback's).
        ("", '<script src="https://widgets.example.net/frame.js"></script>'),
    ],
)
def test_scripts_that_do_not_put_a_player_on_the_page(head: str, body: str) -> None:
    assert _detect(head, body) == []


def test_a_delay_computed_from_constants_the_script_set() -> None:
    script = """
        const oferta = document.getElementById('oferta');
        if (oferta) {
            const min = 17;
            const sec = 45;
            const delayMs = ((min * 60) + sec) * 1000;
            setTimeout(() => { oferta.style.display = 'block'; }, delayMs);
        }
    """
    page = parse_page(
        _SALES, f'<html><body><div id="oferta" hidden>Comprar</div><script>{script}</script></body></html>'
    )
    assert page_reveal(page) == (17 * 60 + 45, "page script setTimeout")


@pytest.mark.parametrize(
    "setup",
    [
        # A name the script computes at run time (a function call) has no value here.
        "const base = Number(localStorage.getItem('t')); const delayMs = (base * 60 + 5) * 1000;",
        # A name that refers back to itself is not followed forever.
        "var delayMs = delayMs * 1000;",
    ],
)
def test_delays_from_values_only_known_at_run_time(setup: str) -> None:
    script = (
        f"{setup}\nsetTimeout(function () {{ document.getElementById('oferta').style.display = 'block'; }}, delayMs);"
    )
    assert timers_in(script) == []
