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


_READS_ITS_ELEMENT = """<script>document.addEventListener("DOMContentLoaded", function () {
    var caixaOferta = document.getElementById('caixaOferta');
    var SECONDS_TO_DISPLAY = 0;
    if (caixaOferta) { SECONDS_TO_DISPLAY = parseInt(caixaOferta.getAttribute('data-liberar-em')) || 0; } else { return; }
    function mostrar() { caixaOferta.style.display = 'block'; }
});</script>"""


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # The hidden element carries its own second; the 0 set first is a placeholder.
        ('<div id="caixaOferta" data-liberar-em="1290" style="display:none">Comprar</div>', 1290),
        # No such attribute (or no such element): nothing is guessed.
        ('<div id="caixaOferta" style="display:none">Comprar</div>', None),
        ('<div id="outraCaixa" data-liberar-em="1290">Comprar</div>', None),
    ],
)
def test_seconds_to_display_read_from_the_hidden_elements_attribute(markup: str, expected: float | None) -> None:
    seconds, _ = _reveal(markup + _READS_ITS_ELEMENT)
    assert seconds == expected


@pytest.mark.parametrize(
    ("body_attrs", "expected"),
    [('data-segundos-oferta="845"', 845), ("", 2710)],  # the script's own default when <body> says nothing
)
def test_seconds_to_display_read_from_a_body_attribute(body_attrs: str, expected: float) -> None:
    script = (
        "<script>var SECONDS_TO_DISPLAY = parseInt(document.body.getAttribute('data-segundos-oferta'), 10) || 2710;"
        "var CLASS_TO_DISPLAY = '.esconder';</script>"
    )
    html = f"<html><body {body_attrs}><h1>Assista</h1>{_OFFER}{script}</body></html>"
    assert page_reveal(parse_page(_SALES, html)) == (expected, "page script SECONDS_TO_DISPLAY")


def test_a_string_timer_that_starts_the_reveal_timer_adds_its_short_wait() -> None:
    # As with a function handed to the timer: a short start-up wait adds up.
    script = """<script>
        function iniciar() {
            setTimeout(function () { document.getElementById("comprar").style.visibility = "visible"; }, 600000);
        }
        setTimeout("iniciar()", 2000);
    </script>"""
    assert _reveal(script) == (602, "page script setTimeout")
