"""Reveal patterns from the pages6 round (real pages in /work/realpages-extra, session "pages6", and
the unlabelled pages of the same public repos), each reproduced with script written for these tests:
the player clock guard a minifier makes of vturb's timeupdate snippet (``clock < N || show()``,
its seconds in a one-letter variable or inlined), and the clock read into a variable before it is
compared with the drop second."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players.reveal import page_reveal

_SALES = "https://oferta.example.net/vsl/"
_OFFER = '<section class="oferta-atrasada"><a href="/checkout">Garantir meu acesso</a></section>'


def _reveal(body: str) -> tuple[float | None, str | None]:
    return page_reveal(parse_page(_SALES, f"<html><body><h1>Assista</h1>{_OFFER}{body}</body></html>"))


#: A builder's minified reveal: the seconds sit in a one-letter variable that another function of
#: the same file also uses (a retry counter set to 4 first), and the guard calls the reveal.
_MINIFIED = """<script>
function w(){var q=4;return q>3}
!function(){try{var k="6f1e0c0d9a8b7c6d5e4f3a2b";var q=1575,h=0,u=!1,m="vistoAte1575",
z=function(){u=!0,document.querySelectorAll(".oferta-atrasada").forEach(function(x){x.style.display="block"})};
window.acompanhar=function b(){var p=smartplayer.instances[0];
p.on("timeupdate",function(){u||(console.log("agora "+p.video.currentTime),p.video.currentTime<q||z())})};
window.acompanhar()}catch(e){}}();
</script>"""


def test_a_minified_clock_guard_reveals_at_the_seconds_its_variable_holds_there() -> None:
    assert _reveal(_MINIFIED) == (1575, "page script player currentTime")


def test_a_minified_clock_guard_with_the_number_inlined() -> None:
    script = """<script>!function(){var u=!1,z=function(){u=!0,document.querySelector(".oferta-atrasada").classList.remove("oculto")};
    smartplayer.instances[0].on("timeupdate",function(){u||r.video.currentTime<2210||z()})}();</script>"""
    assert _reveal(script) == (2210, "page script player currentTime")


def test_a_clock_read_into_a_variable_is_compared_with_the_named_drop_second() -> None:
    script = """<script>
        var LIBERAR_EM = 412; // 6:52
        function abrirOferta() { document.querySelector('.oferta-atrasada').style.display = 'block'; }
        function conferir() {
            if (!player || typeof player.getCurrentTime !== 'function') return;
            var agora = player.getCurrentTime();
            if (agora >= LIBERAR_EM) { abrirOferta(); clearInterval(relogio); }
        }
        var relogio = setInterval(conferir, 500);
    </script>"""
    assert _reveal(script) == (412, "page script player currentTime")


def test_a_clock_variable_that_picks_the_players_method_with_a_fallback() -> None:
    script = """<script>
        var MOSTRAR_APOS = 380;
        setInterval(function () {
            var p = window.smartplayer && smartplayer.instances[0];
            if (!p) return;
            var t = (typeof p.getCurrentTime === 'function') ? p.getCurrentTime()
                  : (p.video && p.video.currentTime) || 0;
            if (t >= MOSTRAR_APOS) { document.querySelector('.oferta-atrasada').style.display = 'block'; }
        }, 1000);
    </script>"""
    assert _reveal(script) == (380, "page script player currentTime")


@pytest.mark.parametrize(
    "script",
    [
        # Time left, not the clock: arithmetic makes the variable something else.
        """<script>video.addEventListener('timeupdate', function () {
          var faltam = video.duration - video.currentTime;
          if (faltam >= 120) { document.querySelector('.oferta-atrasada').style.display = 'block'; } });</script>""",
        # The clock in a variable compared with each chat message's own time: no drop second.
        """<script>var mensagens = [{t: 30, texto: 'oi'}];
        video.addEventListener('timeupdate', function () { const atual = video.currentTime;
          mensagens.forEach(function (m) { if (atual >= m.t) { chat.style.display = 'block'; } }); });</script>""",
        # A guard a few seconds in (a pixel fired on play) is not a reveal.
        """<script>var f=function(){document.body.classList.add("viu")};
        smartplayer.instances[0].on("timeupdate",function(){v.video.currentTime<5||f()})</script>""",
    ],
)
def test_clock_reads_that_name_no_drop_second_reveal_nothing(script: str) -> None:
    assert _reveal(script) == (None, None)


#: Fake purchase toasts that start four minutes in and then repeat: social proof, not the offer.
_TOASTS = """<div id="notificacao-compra" class="toast"><b id="quem"></b> acabou de garantir o seu</div>
<script>
    const nomes = ['Ana', 'Caio', 'Rita'];
    const aviso = document.getElementById('notificacao-compra');
    function mostrarAviso() {
        document.getElementById('quem').textContent = nomes[Math.floor(Math.random() * nomes.length)];
        aviso.classList.add('visivel');
        setTimeout(() => aviso.classList.remove('visivel'), 4000);
    }
    setTimeout(() => { mostrarAviso(); setInterval(mostrarAviso, 20000); }, 240000);
</script>"""


def test_a_timer_that_only_starts_purchase_notifications_is_not_the_reveal() -> None:
    assert _reveal(_TOASTS) == (None, None)


def test_the_offer_timer_still_counts_beside_purchase_notifications() -> None:
    offer = """<script>setTimeout(function () {
        document.querySelector('.oferta-atrasada').style.display = 'block'; }, 1320000);</script>"""
    assert _reveal(_TOASTS + offer) == (1320, "page script setTimeout")
