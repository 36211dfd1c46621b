"""Real sales pages, round four (issue 23): reveal patterns met on hold-out 4 — a buy-box countdown
beside an offer-expiry bar, a countdown whose length sits in a variable, timers that start only when
another timer fires, and a player clock compared with a named drop second — each reproduced with
markup and script written for these tests (never the pages themselves); and JW Player's documented
``setup({file})`` and Bunny Stream embeds, read by the project when yt-dlp is off or fails."""

from __future__ import annotations

import httpx
import pytest

from vsl_assets.media.pages import DrmProtectedError, NoPlayerFoundError, ResolveOptions, ytdlp
from vsl_assets.media.pages.errors import ExtractorError
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import bunny, jwplayer
from vsl_assets.media.pages.players.reveal import page_reveal
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import HTML_TYPE, Hosts

_BOX = '<section id="caixa-oferta" style="display:none"><a href="https://pay.example.com/k">Quero o meu</a></section>'
_BAR = '<div id="faixa"><span id="faixa-min">20</span>:<span id="faixa-seg">00</span></div>'

#: The buy box opens when an 8-minute countdown, kept in a variable, reaches zero.
_BOX_COUNTDOWN = """
const ESPERA_MS = 8 * 60 * 1000;
const caixa = document.getElementById('caixa-oferta');
function abrirCaixa() { caixa.style.display = 'block'; }
function contarAteOferta() {
  const fim = Date.now() + ESPERA_MS;
  function passo() {
    if (Date.now() >= fim) { abrirCaixa(); return; }
    setTimeout(passo, 500);
  }
  passo();
}
contarAteOferta();
"""

#: A 20-minute "offer ends in" bar: it only writes digits and changes a colour.
_EXPIRY_BAR = """
const minutos = document.getElementById('faixa-min');
const segundos = document.getElementById('faixa-seg');
function contarFaixa() {
  const fim = Date.now() + 20 * 60 * 1000;
  function passo() {
    const falta = fim - Date.now();
    if (falta <= 0) { document.getElementById('faixa').style.background = '#700'; return; }
    minutos.textContent = String(Math.floor(falta / 60000));
    segundos.textContent = String(Math.floor((falta % 60000) / 1000));
    setTimeout(passo, 500);
  }
  passo();
}
contarFaixa();
"""


def _reveal(markup: str, script: str) -> tuple[float | None, str | None]:
    page = parse_page("https://oferta.example.com/vsl/", f"<body>{markup}<script>{script}</script></body>")
    return page_reveal(page)


def test_the_buy_box_countdown_wins_over_an_offer_expiry_bar() -> None:
    # Read second, before the box's countdown; the bar's 20 minutes were the answer before this round.
    assert _reveal(_BOX + _BAR, _EXPIRY_BAR + _BOX_COUNTDOWN) == (480, "page script countdown")


def test_an_offer_expiry_bar_alone_is_no_offer_second() -> None:
    assert _reveal(_BOX + _BAR, _EXPIRY_BAR) == (None, None)


def test_a_countdown_whose_box_is_missing_is_not_this_pages_offer() -> None:
    assert _reveal(_BAR, _BOX_COUNTDOWN) == (None, None)


def test_a_top_level_countdown_in_a_variable_still_counts() -> None:
    script = (
        "var ESPERA = 12 * 60 * 1000; var fim = Date.now() + ESPERA;"
        "setInterval(function () { if (Date.now() >= fim) "
        "{ document.getElementById('caixa-oferta').style.display = 'block'; } }, 1000);"
    )
    assert _reveal(_BOX, script) == (720, "page script countdown")


_POPUPS = '<div id="aviso-compra" class="oculto">Alguém acabou de comprar</div>'

#: The offer function opens the box, then starts the purchase pop-ups 10 s later.
_OPEN_THEN_POPUPS = """
function mostrarAvisos() { document.getElementById('aviso-compra').classList.remove('oculto'); }
function abrirOferta() {
  document.getElementById('caixa-oferta').style.display = 'block';
  setTimeout(function () { mostrarAvisos(); }, 10000);
}
"""


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # The offer's own delay is computed at run time: unknown — never the pop-ups' 10 s.
        ("setTimeout(function () { abrirOferta(); }, calcularAtraso(CONFIG.atraso) + 3000);", (None, None)),
        # A delay the page states: that one, not the 10 s counted from it.
        ("setTimeout(function () { abrirOferta(); }, 1500000);", (1500, "page script setTimeout")),
        ("setTimeout(abrirOferta, 1500000);", (1500, "page script setTimeout")),
    ],
)
def test_a_timer_started_by_another_timer_is_not_counted_from_page_load(
    start: str, expected: tuple[float | None, str | None]
) -> None:
    assert _reveal(_BOX + _POPUPS, _OPEN_THEN_POPUPS + start) == expected


def test_a_timer_set_after_a_short_start_up_wait_counts_with_the_wait() -> None:
    script = (
        "function iniciar() { setTimeout(function () { "
        "document.getElementById('caixa-oferta').style.display = 'block'; }, 1320000); }"
        "setTimeout(iniciar, 500);"
    )
    assert _reveal(_BOX, script) == (1320.5, "page script setTimeout")


def test_a_timer_in_a_function_run_at_load_still_counts() -> None:
    script = (
        "function iniciar() { setTimeout(function () { "
        "document.getElementById('caixa-oferta').style.display = 'block'; }, 1320000); }"
        "iniciar();"
    )
    assert _reveal(_BOX, script) == (1320, "page script setTimeout")


@pytest.mark.parametrize(
    "script",
    [
        # A player iframe posting its clock to the page, compared with a named second.
        "const LIBERAR_EM = 933; window.addEventListener('message', function (ev) {"
        " if (ev.data.message === 'player_timeupdate' && ev.data.currentTime >= LIBERAR_EM) {"
        " document.getElementById('caixa-oferta').style.display = 'block'; } });",
        # The page's own <video> checked every frame against a named second.
        "const SEGUNDO_CTA = 933; const v = document.querySelector('video');"
        "function quadro() { if (v.currentTime >= SEGUNDO_CTA) { mostrar(); } requestAnimationFrame(quadro); }"
        "function mostrar() { document.getElementById('caixa-oferta').style.display = 'block'; }",
    ],
)
def test_a_player_clock_against_a_named_drop_second(script: str) -> None:
    assert _reveal(_BOX, script) == (933, "page script player currentTime")


def test_a_player_clock_aimed_at_a_missing_box_is_not_an_offer_second() -> None:
    script = (
        "const LIBERAR_EM = 933; window.addEventListener('message', function (ev) {"
        " if (ev.data.currentTime >= LIBERAR_EM) { document.getElementById('caixa-oferta').style.display = 'block'; } });"
    )
    assert _reveal(_BAR, script) == (None, None)


#: A settings block with the offer delay as "minutes:seconds", converted by the page's own code.
_CLOCK_CONFIG = """
const AJUSTES = { atrasoDaOferta: "{clock}", linkCompra: "https://pay.example.com/k" };
function paraMs(texto) {
  const p = texto.split(':');
  return ((parseInt(p[0], 10) || 0) * 60 + (parseInt(p[1], 10) || 0)) * 1000;
}
"""


@pytest.mark.parametrize(
    ("clock", "start", "expected"),
    [
        # Through a variable that adds a few seconds for the click on play: the string is the second.
        (
            "21:40",
            "const esperaTotal = paraMs(AJUSTES.atrasoDaOferta) + 3000;"
            "setTimeout(() => { document.querySelector('#caixa-oferta').style.display = 'block'; }, esperaTotal);",
            (1300, "page script setTimeout"),
        ),
        # Handed to setTimeout directly.
        (
            "30:00",
            "setTimeout(() => { document.querySelector('#caixa-oferta').style.display = 'block'; },"
            " paraMs(AJUSTES.atrasoDaOferta));",
            (1800, "page script setTimeout"),
        ),
        # Hours, minutes and seconds.
        (
            "1:05:00",
            "setTimeout(function () { document.getElementById('caixa-oferta').style.display = 'block'; },"
            " paraMs(AJUSTES.atrasoDaOferta));",
            (3900, "page script setTimeout"),
        ),
        # Not a clock: nothing read.
        (
            "depois",
            "setTimeout(function () { document.getElementById('caixa-oferta').style.display = 'block'; },"
            " paraMs(AJUSTES.atrasoDaOferta));",
            (None, None),
        ),
        # A clock string the timer does not read (the offer's expiry shown as text): nothing read.
        (
            "15:00",
            "setTimeout(function () { document.getElementById('caixa-oferta').style.display = 'block'; },"
            " paraMs(outraCoisa));",
            (None, None),
        ),
    ],
)
def test_a_delay_kept_as_a_clock_string(clock: str, start: str, expected: tuple[float | None, str | None]) -> None:
    assert _reveal(_BOX, _CLOCK_CONFIG.replace("{clock}", clock) + start) == expected


def test_a_clock_string_delay_aimed_at_a_missing_box_is_not_an_offer_second() -> None:
    start = (
        "setTimeout(function () { document.getElementById('caixa-oferta').style.display = 'block'; },"
        " paraMs(AJUSTES.atrasoDaOferta));"
    )
    assert _reveal(_BAR, _CLOCK_CONFIG.replace("{clock}", "21:40") + start) == (None, None)


# -- JW Player's documented setup, read by the project when yt-dlp is off or fails ----------------

_NO_YTDLP = ResolveOptions(use_ytdlp=False)


def _jw_page(setup: str, head: str = "") -> str:
    return (
        f"<html><head><title>Aula Gratuita</title>{head}</head><body><h1>Assista</h1>"
        '<div id="aula-jw"></div>'
        f'<script>var p = jwplayer("aula-jw"); p.setup({setup});</script></body></html>'
    )


def test_jw_setup_file_with_title_and_poster(hosts: Hosts) -> None:
    setup = (
        '{file: "/midia/aula/master.m3u8", image: "/midia/aula/capa.jpg", title: "Aula 1 - O Método",'
        ' tracks: [{file: "/midia/aula/legendas.vtt", kind: "captions"}], width: "100%"}'
    )
    hosts.page.add_hls("/midia/aula/master.m3u8")
    hosts.page.add_route("/aula/", _jw_page(setup).encode(), HTML_TYPE)
    source = resolve(hosts.page.url("/aula/"), options=_NO_YTDLP)
    assert (source.kind, source.stream_url) == ("jwplayer", hosts.page.url("/midia/aula/master.m3u8"))
    assert (source.title, source.thumbnail) == ("Aula 1 - O Método", hosts.page.url("/midia/aula/capa.jpg"))
    assert source.is_hls and len(source.variants) == 2


def test_jw_playlist_sources_prefer_hls_and_a_typed_file_counts() -> None:
    setup = (
        '{"playlist": [{"title": "Apresentação", "image": "https://cdn.example.com/capa.png", "sources": ['
        '{"file": "https://cdn.example.com/v/720.mp4", "label": "720p"},'
        '{"file": "https://cdn.example.com/v/stream", "type": "hls"}]}]}'
    )
    candidate = jwplayer.detect(parse_page("https://aula.example.com/", _jw_page(setup)))
    assert candidate is not None
    assert (candidate.stream_url, candidate.hls) == ("https://cdn.example.com/v/stream", True)
    assert candidate.others == ("https://cdn.example.com/v/720.mp4",)
    assert candidate.title == "Apresentação"


@pytest.mark.parametrize(
    "setup",
    [
        # JW playing a YouTube video, an RTMP stream, a DASH manifest: nothing this reads.
        '{file: "https://www.youtube.com/watch?v=Ab3_dEf-9hZ"}',
        '{playlist: [{file: "rtmp://media.example.com/vod/aula"}]}',
        '{playlist: [{sources: [{file: "https://cdn.example.com/aula/manifest.mpd"}]}]}',
        # Only a caption track.
        '{playlist: "https://cdn.jwplayer.com/v2/media/AbCd1234", tracks: [{file: "/legendas.vtt"}]}',
    ],
)
def test_jw_setups_without_a_stream_file_are_not_read(setup: str) -> None:
    assert jwplayer.detect(parse_page("https://aula.example.com/", _jw_page(setup))) is None


def test_a_file_setting_outside_a_jw_setup_is_not_read() -> None:
    html = '<script>var player = makePlayer(); player.setup({file: "https://cdn.example.com/a.m3u8"});</script>'
    assert jwplayer.detect(parse_page("https://aula.example.com/", html)) is None


def test_jw_setup_with_drm_is_refused(hosts: Hosts) -> None:
    setup = (
        '{playlist: [{sources: [{file: "https://cdn.example.com/aula.m3u8", drm: {fairplay: {certificateUrl: "x"}}}]}]}'
    )
    hosts.page.add_route("/drm/", _jw_page(setup).encode(), HTML_TYPE)
    with pytest.raises(DrmProtectedError):
        resolve(hosts.page.url("/drm/"), options=_NO_YTDLP)


def test_yt_dlp_stays_first_and_the_setup_serves_when_it_fails(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    hosts.page.add_hls("/midia/aula/master.m3u8")
    hosts.page.add_route("/aula/", _jw_page('{file: "/midia/aula/master.m3u8"}').encode(), HTML_TYPE)
    asked: list[str] = []

    def failing(url: str, **kwargs: object) -> None:
        asked.append(url)
        raise ExtractorError("yt-dlp could not read the page")

    monkeypatch.setattr(ytdlp, "extract", failing)
    source = resolve(hosts.page.url("/aula/"), options=ResolveOptions(probe_stream=False))
    assert asked == [hosts.page.url("/aula/")]
    assert (source.kind, source.stream_url) == ("jwplayer", hosts.page.url("/midia/aula/master.m3u8"))
    assert source.title == "Aula Gratuita"  # no title in the setup: the page's


def test_without_a_jw_setup_a_yt_dlp_failure_still_says_why(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    hosts.page.add_route("/nada/", b"<html><body><p>Sem video</p></body></html>", HTML_TYPE)

    def failing(url: str, **kwargs: object) -> None:
        raise NoPlayerFoundError("no video player found on page")

    monkeypatch.setattr(ytdlp, "extract", failing)
    with pytest.raises(NoPlayerFoundError):
        resolve(hosts.page.url("/nada/"))


# -- Bunny Stream embeds, read from the embed page when yt-dlp is off or fails ---------------------

_LIB, _VID = "424242", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
_BUNNY_EMBED = f"https://iframe.mediadelivery.net/embed/{_LIB}/{_VID}"
_BUNNY_HLS = f"https://vz-77aa88bb-0c1.b-cdn.net/{_VID}/playlist.m3u8"
_SALES = "https://curso.example.com.br/vsl"


def _bunny_embed_html(body: str) -> bytes:
    return f"<!doctype html><html><head><title>Aula</title></head><body>{body}</body></html>".encode()


_BUNNY_VIDEO = (
    f'<video id="main-video" data-poster="https://vz-77aa88bb-0c1.b-cdn.net/{_VID}/thumbnail.jpg"'
    ' data-plyr-config=\'{"title": "Aula Secreta - parte 1"}\' playsinline>'
    f'<source src="{_BUNNY_HLS}" type="application/x-mpegURL"></video>'
)


def _offline(routes: dict[str, tuple[bytes, str]], asked: list[tuple[str, str | None]]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        asked.append((url, request.headers.get("referer")))
        if url not in routes:
            raise httpx.ConnectError(f"offline: {request.url.host}", request=request)
        body, content_type = routes[url]
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)


def _bunny_sales_page(embed: str = _BUNNY_EMBED + "?autoplay=true&amp;loop=false") -> bytes:
    return f'<html><body><h1>Aula</h1><iframe src="{embed}" allowfullscreen></iframe></body></html>'.encode()


def test_a_bunny_embed_without_yt_dlp_plays_from_its_embed_page() -> None:
    routes = {_SALES: (_bunny_sales_page(), HTML_TYPE), _BUNNY_EMBED: (_bunny_embed_html(_BUNNY_VIDEO), HTML_TYPE)}
    asked: list[tuple[str, str | None]] = []
    with _offline(routes, asked) as client:
        source = resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert (source.kind, source.stream_url, source.is_hls) == ("bunny", _BUNNY_HLS, True)
    assert source.title == "Aula Secreta - parte 1"
    assert source.thumbnail == f"https://vz-77aa88bb-0c1.b-cdn.net/{_VID}/thumbnail.jpg"
    # The embed page was asked with the sales page as Referer; the stream goes with the embed page.
    assert asked == [(_SALES, None), (_BUNNY_EMBED, _SALES)]
    assert source.referer == _BUNNY_EMBED and source.headers["Referer"] == _BUNNY_EMBED


def test_a_bunny_embed_goes_to_yt_dlp_first_and_its_page_serves_when_yt_dlp_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tried: list[str] = []

    def failing(url: str, **kwargs: object) -> None:
        tried.append(url)
        raise ExtractorError("yt-dlp could not read the embed")

    monkeypatch.setattr(ytdlp, "extract", failing)
    routes = {_SALES: (_bunny_sales_page(), HTML_TYPE), _BUNNY_EMBED: (_bunny_embed_html(_BUNNY_VIDEO), HTML_TYPE)}
    with _offline(routes, []) as client:
        source = resolve(_SALES, client=client, options=ResolveOptions(probe_stream=False))
    assert tried == [_BUNNY_EMBED + "?autoplay=true&loop=false"]
    assert (source.kind, source.stream_url) == ("bunny", _BUNNY_HLS)


@pytest.mark.parametrize(
    ("embed_body", "reason"),
    [
        # MediaCage streams need activation and pings: only yt-dlp downloads them.
        (
            _BUNNY_VIDEO + "<script>loadUrl('https://video-9.mediadelivery.net/ctx/activate');</script>",
            "the Bunny video is a MediaCage stream, which needs yt-dlp (it must be activated and pinged while it plays)",
        ),
        ("<p>Video not found</p>", "no video player found in the Bunny embed page"),
        # A <video> without a stream source (a poster-only placeholder).
        ('<video id="main-video" data-poster="/p.jpg"></video>', "no video player found in the Bunny embed page"),
    ],
)
def test_bunny_embed_pages_that_cannot_be_downloaded_say_why(embed_body: str, reason: str) -> None:
    routes = {_SALES: (_bunny_sales_page(), HTML_TYPE), _BUNNY_EMBED: (_bunny_embed_html(embed_body), HTML_TYPE)}
    with _offline(routes, []) as client, pytest.raises(NoPlayerFoundError) as info:
        resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (f"https://iframe.mediadelivery.net/embed/{_LIB}/{_VID}?autoplay=true", _BUNNY_EMBED),
        (f"https://iframe.mediadelivery.net/play/{_LIB}/{_VID}", _BUNNY_EMBED),
        (f"https://player.mediadelivery.net/embed/{_LIB}/{_VID}", _BUNNY_EMBED),
        (f"https://video.bunnycdn.com/play/{_LIB}/{_VID.upper()}", _BUNNY_EMBED),
        # Signed embeds keep their token and expiry, nothing else.
        (
            f"https://iframe.mediadelivery.net/embed/{_LIB}/{_VID}?token=abc123&expires=1767225600&muted=true",
            _BUNNY_EMBED + "?token=abc123&expires=1767225600",
        ),
        # Not Bunny's scheme.
        (f"https://iframe.mediadelivery.net.evil.example/embed/{_LIB}/{_VID}", None),
        (f"https://iframe.mediadelivery.net/embed/{_LIB}/not-a-uuid", None),
        (f"https://iframe.mediadelivery.net/embed/lib/{_VID}", None),
        ("https://www.youtube.com/embed/Ab3_dEf-9hZ", None),
    ],
)
def test_bunny_embed_page_urls(url: str, page: str | None) -> None:
    assert bunny.embed_page(url) == page


# -- ClickFunnels timed elements ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        # The order section appears 14:05 after load; a 2-second headline fade is an animation.
        (
            '<div id="row-head" data-timed-style="fade" data-timed-seconds="2">Assista</div>'
            '<div id="row-pedido" data-title="order section" class="container" data-timed-style="fade"'
            ' data-timed-minutes="14" data-timed-seconds="5"><a href="https://pay.example.com/k">Comprar</a></div>',
            (845, "page ClickFunnels timed element"),
        ),
        # Minutes only, the "scale" effect.
        (
            '<section data-timed-style="scale" data-timed-minutes="21">Oferta</section>',
            (1260, "page ClickFunnels timed element"),
        ),
        # "no-action" is ClickFunnels' "not timed", whatever numbers stay behind.
        ('<div data-timed-style="no-action" data-timed-minutes="9" data-timed-seconds="2">Oferta</div>', (None, None)),
        # Numbers that are not numbers.
        ('<div data-timed-style="fade" data-timed-minutes="dez">Oferta</div>', (None, None)),
    ],
)
def test_clickfunnels_timed_elements(markup: str, expected: tuple[float | None, str | None]) -> None:
    assert page_reveal(parse_page("https://oferta.example.com/", f"<body>{markup}</body>")) == expected


def test_the_order_section_beats_a_timed_testimonial_block() -> None:
    markup = (
        '<div id="depoimentos" data-title="testimonials" data-timed-style="fade" data-timed-minutes="3">Depoimentos</div>'
        '<div id="oferta" data-title="order button" data-timed-style="fade" data-timed-minutes="18">Comprar</div>'
    )
    assert page_reveal(parse_page("https://oferta.example.com/", f"<body>{markup}</body>")) == (
        1080,
        "page ClickFunnels timed element",
    )
