"""Reveal patterns from the pages5 round (real pages in /work/realpages-extra, session "pages5"),
each reproduced with markup written for these tests: a timer handed a string of code
(``setTimeout("mostrar()", espera)``), and a ``SECONDS_TO_DISPLAY`` set from a name — possibly
one another inline script sets — or from a formula of constants, as JavaScript evaluates it."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players.reveal import page_reveal

_SALES = "https://oferta.example.net/pv/"
_OFFER = '<div id="comprar" style="visibility:hidden"><a class="esconder" href="/checkout">Quero o meu</a></div>'


def _reveal(body: str) -> tuple[float | None, str | None]:
    return page_reveal(parse_page(_SALES, f"<html><body><h1>Assista</h1>{_OFFER}{body}</body></html>"))


def test_a_timer_handed_a_string_of_code_runs_the_function_it_names() -> None:
    script = """<script>
        function liberarOferta() {
            document.getElementById("comprar").style.visibility = "visible";
        }
        var segundos = 1500 // quando o preço aparece
        var espera = segundos * 1000
        setTimeout("liberarOferta()", espera);
    </script>"""
    assert _reveal(script) == (1500, "page script setTimeout")


def test_a_string_timer_that_only_ticks_a_counter_reveals_nothing() -> None:
    script = """<script>
        var vistos = 120;
        function contar() { vistos += 3; document.getElementById("vistos").innerHTML = vistos; setTimeout("contar()", 15000); }
        setTimeout('contar()', 15000);
    </script><span id="vistos">120</span>"""
    assert _reveal(script) == (None, None)


def test_seconds_to_display_read_from_a_global_another_inline_script_sets() -> None:
    settings = '<script>window.provider="vturb",window.tempoDoBotao=1730,window.tempoDoBotaoCelular=1730;</script>'
    snippet = (
        "<script>var CLASS_TO_DISPLAY = '.esconder';"
        "window.SECONDS_TO_DISPLAY=window.tempoDoBotao,document.body.classList.add('pronto');</script>"
    )
    assert _reveal(settings + snippet) == (1730, "page script SECONDS_TO_DISPLAY")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # Minutes, seconds and milliseconds kept apart, joined as the language computes them.
        (
            "const MINUTOS = 7; const SEGUNDOS = 12; const MILIS = 250;"
            "const SECONDS_TO_DISPLAY = (MINUTOS * 60) + SEGUNDOS + (MILIS / 1000);",
            432.25,
        ),
        # A number still reads as before; an attribute read at run time is not guessed.
        ("var SECONDS_TO_DISPLAY = 754;", 754),
        ("var SECONDS_TO_DISPLAY = parseInt(caixa.getAttribute('data-atraso')) || 0;", None),
        # A name nothing sets stays unknown.
        ("var SECONDS_TO_DISPLAY = tempoQueNinguemDefine;", None),
    ],
)
def test_seconds_to_display_as_an_expression(script: str, expected: float | None) -> None:
    seconds, _ = _reveal(f"<script>var CLASS_TO_DISPLAY = '.esconder';{script}</script>")
    assert seconds == expected
