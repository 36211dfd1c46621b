"""Real sales pages, round two (issue 23): stale preloads, the muted VSL behind an unmute overlay,
players named only in the page's own script files, iframe srcdoc, Vidalytics on quick., Panda's
library from its embed URL, and the offer second from external scripts, countdowns, player clocks
and Panda's config — each on a fixture written for these tests (``fixtures/round2``)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from vsl_assets.media.pages import NoPlayerFoundError, PlayerConfigError, PlayerUnavailableError, ResolveOptions, ytdlp
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import panda, vidalytics
from vsl_assets.media.pages.players.reveal import page_reveal, timers_in
from vsl_assets.media.pages.resolve import _detect
from vsl_assets_tests.loopback import Fetcher, resolve
from vsl_assets_tests.pages._real import JS_TYPE, FakeYtdlp
from vsl_assets_tests.pages._support import FIXTURES, HTML_TYPE, Hosts

ACCOUNT = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
PLAYER, VIDEO = "6b1c2d3e4f5061728394a5b6", "6b1c2d00aa11bb22cc33dd44"
OLD_PLAYER, OLD_VIDEO = "5f0e1d2c3b4a59687766a5b4", "5f0e1d00ee11ff22aa33bb44"
LIB, UUID = "0a1b2c3d-4e5", "7c9e6679-7425-40de-944b-e07fc1f90ae7"
PANDA_STREAM = f"https://b-vz-{LIB}.tv.pandavideo.com.br/{UUID}/playlist.m3u8"
NO_PROBE = ResolveOptions(probe_stream=False)
OFFLINE = ResolveOptions(use_ytdlp=False, probe_stream=False)


def _render(hosts: Hosts, name: str, **extra: str) -> str:
    return hosts.render(f"round2/{name}", **extra)


def _serve(hosts: Hosts, name: str, path: str = "/lp/", **extra: str) -> str:
    return hosts.serve_page(f"round2/{name}", path, **extra)


def _ids(**extra: str) -> dict[str, str]:
    return {"account": ACCOUNT, "player_id": PLAYER, "video_id": VIDEO, "old_player": OLD_PLAYER,
            "old_video": OLD_VIDEO, "lib": LIB, "uuid": UUID, **extra}  # fmt: skip


def _serve_player(hosts: Hosts, player: str = PLAYER, video: str = VIDEO, pitch: str = "640") -> str:
    hosts.player.add_route(
        f"/{ACCOUNT}/players/{player}/v4/player.js",
        hosts.render("real/vturb_selfhosted_player.js", **_ids(player_id=player, video_id=video, pitch=pitch)).encode(),
        JS_TYPE,
    )
    return hosts.cdn.add_hls(f"/{ACCOUNT}/{video}/main.m3u8")


Routes = dict[str, tuple[bytes, str]]


def _offline_client(routes: Routes, asked: list[str]) -> httpx.Client:
    """A client answering only ``routes`` (by URL without query); every other host is unreachable."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        asked.append(url)
        if url not in routes:
            raise httpx.ConnectError(f"offline: {request.url.host}", request=request)
        body, content_type = routes[url]
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)


@pytest.fixture
def fake_ytdlp(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> FakeYtdlp:
    fake = FakeYtdlp(hosts.cdn.url("/hls/master.m3u8"))
    monkeypatch.setattr(ytdlp, "extract", fake.extract)
    return fake


# -- 1. stale preloads lose to the player the body embeds ---------------------------------------------


def test_a_stale_vturb_preload_loses_to_the_panda_iframe(hosts: Hosts) -> None:
    html = _render(hosts, "stale_preload_panda.html", **_ids())
    candidates = _detect(parse_page("https://lp.example.com.br/", html))
    assert [c.kind for c in candidates][:2] == ["panda", "vturb"]
    asked: list[str] = []
    page_url = "https://lp.example.com.br/receita"
    routes = {page_url: (html.encode(), HTML_TYPE)}
    with _offline_client(routes, asked) as client:
        source = resolve(page_url, client=client, options=OFFLINE)
    assert source.kind == "panda"
    assert source.stream_url == PANDA_STREAM
    # The leftover playlist is still listed, as what it is.
    stale = f"https://cdn.converteai.net/{ACCOUNT}/{OLD_VIDEO}/main.m3u8"
    assert source.other_video_kinds == {stale: "vturb"}


def test_a_preload_alone_is_still_used_when_nothing_else_is_embedded(hosts: Hosts) -> None:
    html = _render(hosts, "stale_preload_panda.html", **_ids()).split("<iframe", 1)[0] + "</body></html>"
    [candidate] = [c for c in _detect(parse_page("https://lp.example.com.br/", html)) if c.target or c.complete]
    assert (candidate.kind, candidate.fallback) == ("vturb", True)
    page_url = "https://lp.example.com.br/receita"
    with _offline_client({page_url: (html.encode(), HTML_TYPE)}, []) as client:
        source = resolve(page_url, client=client, options=OFFLINE)  # the player script is unreachable
    assert source.stream_url == f"https://cdn.converteai.net/{ACCOUNT}/{OLD_VIDEO}/main.m3u8"


def test_the_embedded_players_config_beats_another_players_preload(hosts: Hosts) -> None:
    stream = _serve_player(hosts)
    hosts.cdn.add_hls(f"/{ACCOUNT}/{OLD_VIDEO}/main.m3u8")
    source = resolve(_serve(hosts, "stale_preload_vturb.html", **_ids()), options=NO_PROBE)
    assert source.kind == "vturb"
    assert source.stream_url == stream
    assert source.cta_seconds == 640 and source.cta_source == "vturb config pitchTime"
    assert hosts.cdn.url(f"/{ACCOUNT}/{OLD_VIDEO}/main.m3u8") in source.other_videos


def test_another_players_preload_is_no_stand_in_for_an_unreachable_config(hosts: Hosts) -> None:
    hosts.cdn.add_hls(f"/{ACCOUNT}/{OLD_VIDEO}/main.m3u8")
    hosts.player.set_status(f"/{ACCOUNT}/players/{PLAYER}/v4/player.js", 503)
    with pytest.raises(PlayerUnavailableError, match="vturb player found"):
        resolve(_serve(hosts, "stale_preload_vturb.html", **_ids()), options=NO_PROBE)


# -- 2. the muted, looping VSL behind an unmute overlay ----------------------------------------------

_OVERLAY = '<div id="unmute-overlay" onclick="ligarSom()">Seu vídeo já começou. Clique para ouvir</div>'


def test_muted_loop_behind_an_unmute_overlay_is_the_vsl(hosts: Hosts) -> None:
    page_url = _serve(hosts, "muted_unmute.html", overlay=_OVERLAY, extra="", unmute_code="v.muted = false;")
    source = resolve(page_url, options=NO_PROBE)
    assert source.kind == "html5"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.thumbnail == hosts.cdn.url("/capa.jpg")
    assert source.other_videos == [hosts.cdn.url("/clips/pausa.mp4")]  # the hidden pause clip


def test_a_script_that_unmutes_is_enough_without_an_overlay(hosts: Hosts) -> None:
    page_url = _serve(hosts, "muted_unmute.html", overlay="", extra="", unmute_code="v.muted = false;")
    assert resolve(page_url, options=NO_PROBE).stream_url == hosts.cdn.url("/hls/master.m3u8")


def test_a_muted_loop_nobody_offers_to_unmute_stays_a_background(hosts: Hosts) -> None:
    page_url = _serve(hosts, "muted_unmute.html", overlay="", extra="", unmute_code="")
    with pytest.raises(NoPlayerFoundError):
        resolve(page_url, options=OFFLINE)


def test_any_other_player_beats_the_muted_loop(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ytdlp = FakeYtdlp(hosts.cdn.url("/youtube/stream.m3u8"))
    monkeypatch.setattr(ytdlp, "extract", fake_ytdlp.extract)
    below = '<iframe src="https://www.youtube.com/embed/MainVsl0001" width="800" height="450"></iframe>'
    page_url = _serve(hosts, "muted_unmute.html", overlay=_OVERLAY, extra=below, unmute_code="v.muted = false;")
    source = resolve(page_url, options=NO_PROBE)
    assert fake_ytdlp.asked == ["https://www.youtube.com/embed/MainVsl0001"]
    assert source.other_video_kinds[hosts.cdn.url("/hls/master.m3u8")] == "html5"


def test_a_backdrop_styled_loop_is_not_promoted(hosts: Hosts) -> None:
    html = _render(hosts, "muted_unmute.html", overlay=_OVERLAY, extra="", unmute_code="v.muted = false;")
    html = html.replace('id="vsl"', 'id="vsl" class="video-bg" style="position: fixed; z-index: -1"')
    candidates = _detect(parse_page("https://lp.example.com.br/", html))
    assert not [c for c in candidates if c.target]


# -- 3. players named only in the page's own script files ---------------------------------------------


def test_youtube_iframe_api_configured_in_a_same_site_script(hosts: Hosts, fake_ytdlp: FakeYtdlp) -> None:
    hosts.page.add_route("/lp/js/presentation.js", _render(hosts, "youtube_api_file.js").encode(), JS_TYPE)
    hosts.player.add_route("/widgets/reviews-carousel.js", _render(hosts, "youtube_widget.js").encode(), JS_TYPE)
    source = resolve(_serve(hosts, "youtube_api_file.html"), options=NO_PROBE)
    assert fake_ytdlp.asked == ["https://www.youtube.com/watch?v=OwnVideo001"]
    assert source.embed_url == "https://www.youtube.com/watch?v=OwnVideo001"
    # The offer second comes from the same file (a delay variable times 1000), read once.
    assert (source.cta_seconds, source.cta_source) == (1312, "same-site script setTimeout")
    assert [r.path for r in hosts.page.received].count("/lp/js/presentation.js") == 1
    # A third-party script's player is never this page's VSL (the vturb scan may still read it).
    assert not any("WidgetVid01" in url for url in [source.embed_url or "", *source.other_videos])


def test_without_ytdlp_the_script_found_embed_is_named_in_the_error(hosts: Hosts) -> None:
    hosts.page.add_route("/lp/js/presentation.js", _render(hosts, "youtube_api_file.js").encode(), JS_TYPE)
    with pytest.raises(NoPlayerFoundError, match="needs yt-dlp") as info:
        resolve(_serve(hosts, "youtube_api_file.html"), options=OFFLINE)
    assert info.value.detail == "https://www.youtube.com/watch?v=OwnVideo001"


def test_page_scripts_are_read_within_the_script_limit(hosts: Hosts) -> None:
    hosts.page.add_route("/lp/js/presentation.js", _render(hosts, "youtube_api_file.js").encode(), JS_TYPE)
    with pytest.raises(NoPlayerFoundError, match=r"no video player found on page$"):
        resolve(_serve(hosts, "youtube_api_file.html"), options=ResolveOptions(use_ytdlp=False, max_page_scripts=0))
    assert [r.path for r in hosts.page.received] == ["/lp/"]


# -- 4. iframe srcdoc ---------------------------------------------------------------------------------


def test_vturb_embed_inside_an_iframe_srcdoc(hosts: Hosts) -> None:
    stream = _serve_player(hosts, pitch="777")
    source = resolve(_serve(hosts, "srcdoc_vturb.html", **_ids()), options=NO_PROBE)
    assert (source.kind, source.stream_url) == ("vturb", stream)
    assert source.cta_seconds == 777


def test_srcdoc_is_read_one_level_deep_only() -> None:
    inner = '<iframe srcdoc="&lt;video controls src=&quot;https://cdn.example.com/deep.mp4&quot;&gt;&lt;/video&gt;"></iframe>'
    outer = '<iframe srcdoc="' + inner.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;") + '"></iframe>'
    assert [e.tag for e in parse_page("https://lp.example.com/", inner).elements] == ["iframe", "video"]
    assert [e.tag for e in parse_page("https://lp.example.com/", outer).elements] == ["iframe", "iframe"]


# -- 5. Vidalytics on quick., Panda's library from the embed URL ---------------------------------------


def test_vidalytics_on_the_older_quick_host() -> None:
    base = "https://quick.vidalytics.com/embeds/Qk7Acc01/Emb3dQk9x1/"
    html = (
        '<div id="vidalytics_embed_Emb3dQk9x1" style="width:100%"></div>'
        f"<script>(function (v, i, d, a, l) {{ /* loader */ }})(window, document, 'Vidalytics', "
        f"'vidalytics_embed_Emb3dQk9x1', '{base}');</script>"
    )
    candidate = vidalytics.detect(parse_page("https://offer.example.com/watch", html))
    assert candidate is not None and candidate.complete is not None
    loader = 'var c={"video":{"hls":"https:\\/\\/quick.vidalytics.com\\/video\\/Qk7Acc01\\/v1\\/1\\/1__FFMPEG\\/stream.m3u8","duration":1820}};'
    asked: list[str] = []
    with _offline_client({f"{base}loader.min.js": (loader.encode(), JS_TYPE)}, asked) as client:
        with Fetcher(OFFLINE, client) as fetcher:
            done = candidate.complete(fetcher)
    assert asked == [f"{base}loader.min.js"]
    assert done.stream_url == "https://quick.vidalytics.com/video/Qk7Acc01/v1/1/1__FFMPEG/stream.m3u8"


@pytest.mark.parametrize(
    ("embed", "expected"),
    [
        (f"https://player.pandavideo.com.br/embed/?v={UUID}&l=vz-{LIB}", PANDA_STREAM),
        (f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?v={UUID}", PANDA_STREAM),
        (f"https://player.pandavideo.com.br/embed/?v={UUID}", None),  # names no library: not guessed
        (f"https://player.example.com/embed/?v={UUID}&l=vz-{LIB}", None),  # not a Panda host
    ],
)
def test_panda_library_from_the_embed_url(embed: str, expected: str | None) -> None:
    assert panda.playlist_url(embed) == expected


def test_an_old_library_less_panda_embed_fails_with_the_reason() -> None:
    embed = f"https://player.pandavideo.com.br/embed/?v={UUID}"
    page = parse_page("https://lp.example.com/", f'<iframe id="panda-{UUID}" src="{embed}"></iframe>')
    candidate = panda.detect(page)
    assert candidate is not None and candidate.complete is not None
    shell = b"<html><body><script src='main.bundle.js'></script></body></html>"
    with _offline_client({"https://player.pandavideo.com.br/embed/": (shell, HTML_TYPE)}, []) as client:
        with Fetcher(OFFLINE, client) as fetcher, pytest.raises(PlayerConfigError, match="names no library"):
            candidate.complete(fetcher)


# -- 6. the offer second --------------------------------------------------------------------------------


def test_offer_second_from_a_same_site_script_the_buy_box_winning(hosts: Hosts) -> None:
    hosts.page.add_route("/lp/assets/timers.js", _render(hosts, "reveal_external.js").encode(), JS_TYPE)
    hosts.player.add_route("/chat/widget.js", _render(hosts, "reveal_widget.js").encode(), JS_TYPE)
    source = resolve(_serve(hosts, "reveal_external.html"), options=NO_PROBE)
    assert source.kind == "html5"
    assert (source.cta_seconds, source.cta_source) == (1280, "same-site script setTimeout")
    assert hosts.player.requests_to("/chat/widget.js") == []


def test_without_the_buy_box_the_comments_timer_is_what_remains(hosts: Hosts) -> None:
    hosts.page.add_route("/lp/assets/timers.js", _render(hosts, "reveal_external.js").encode(), JS_TYPE)
    html = _render(hosts, "reveal_external.html").replace('id="buy-box"', 'id="box-gone"')
    hosts.page.add_route("/lp/", html.encode(), HTML_TYPE)
    source = resolve(hosts.page.url("/lp/"), options=NO_PROBE)
    assert (source.cta_seconds, source.cta_source) == (924, "same-site script setTimeout")


_BUY = '<div id="botao-compra" class="esconder"><a href="https://pay.example.com/1">Comprar</a></div>'


@pytest.mark.parametrize(
    ("markup", "script", "expected"),
    [
        # A timer aimed at an element the page lacks is not this page's offer.
        (
            "",
            "setTimeout(function(){ document.getElementById('botao-compra').style.display='block'; }, 600000);",
            (None, None),
        ),
        (
            _BUY,
            "setTimeout(function(){ document.getElementById('botao-compra').style.display='block'; }, 600000);",
            (600, "page script setTimeout"),
        ),
        # The timer calls a function of the same script that shows the offer.
        (
            _BUY,
            "function exibirOferta() { document.getElementById('botao-compra').classList.remove('esconder'); }"
            "setTimeout(function () { exibirOferta(); }, 1410000);",
            (1410, "page script setTimeout"),
        ),
        # Wall-clock countdowns.
        (
            _BUY,
            "var fim = Date.now() + 8 * 60 * 1000; setInterval(function () { if (Date.now() >= fim) "
            "{ document.getElementById('botao-compra').style.display = 'block'; } }, 1000);",
            (480, "page script countdown"),
        ),
        # jQuery delay().fadeIn().
        (
            _BUY,
            "$(function () { $('#botao-compra').delay(1500000).fadeIn(600); });",
            (1500, "page script jQuery delay"),
        ),
        # A player clock against a drop time (Vidalytics' API, a plain video's currentTime).
        (
            '<div id="container-buy" class="hidden">Buy</div>',
            "api.addEventHandler('onTimeChanged', function () { if (api.getCurrentVideoTime() >= 1745) { popOffer(); } });"
            "function popOffer() { document.getElementById('container-buy').classList.remove('hidden'); }",
            (1745, "page script getCurrentVideoTime"),
        ),
        (
            _BUY,
            "video.addEventListener('timeupdate', function () { if (video.currentTime >= 905) "
            "{ $('.esconder').show(); } });",
            (905, "page script player currentTime"),
        ),
        # A named setting in seconds, with the id it shows.
        (
            '<a id="cta-final" hidden>Buy</a>',
            "var TIME_TO_SHOW_BUTTON = 2210; var BUTTON_ID = 'cta-final';",
            (2210, "page script TIME_TO_SHOW_BUTTON"),
        ),
        # Delays written as arithmetic, directly or through a variable.
        (
            '<div class="esconder"></div>',
            'var SECONDS_TO_DISPLAY = 18 * 60 + 25; var CLASS_TO_DISPLAY = ".esconder";',
            (1105, "page script SECONDS_TO_DISPLAY"),
        ),
        (
            _BUY,
            "var ATRASO = (8 * 60 + 20) * 1000; setTimeout(function () "
            "{ document.getElementById('botao-compra').classList.remove('esconder'); }, ATRASO);",
            (500, "page script setTimeout"),
        ),
        # vturb's displayHiddenElements with a variable, and a short animation beside it.
        (
            _BUY,
            "var delaySeconds = 1190; setTimeout(function(){ document.body.classList.add('ready'); }, 1200);"
            "player.displayHiddenElements(delaySeconds, ['.esconder'], { persist: true });",
            (1190, "page script delaySeconds"),
        ),
    ],
)
def test_offer_second_patterns(markup: str, script: str, expected: tuple[float | None, str | None]) -> None:
    page = parse_page("https://lp.example.com/", f"{markup}<script>{script}</script>")
    assert page_reveal(page) == expected


def _panda_page(call: str) -> str:
    path = FIXTURES / "round2" / "panda_load_button.html"
    return path.read_text(encoding="utf-8").replace("{{uuid}}", UUID).replace("{{lib}}", LIB).replace("{{call}}", call)


def _resolve_panda(call: str, config: dict[str, object] | None) -> tuple[object, list[str]]:
    page_url = "https://mentoria.example.com.br/vsl"
    routes: Routes = {page_url: (_panda_page(call).encode(), HTML_TYPE)}
    config_url = f"{panda.CONFIG_BASE}/vz-{LIB}/{UUID}.json"
    if config is not None:
        routes[config_url] = (json.dumps(config).encode(), "application/json")
    asked: list[str] = []
    with _offline_client(routes, asked) as client:
        source = resolve(page_url, client=client, options=OFFLINE)
    return source, asked


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"outsideCta": [{"time": 1530, "text": "Quero"}, {"time": 1800}], "ctas": [{"type": "video", "time": 90}]},
            (1530, "Panda config outsideCta"),
        ),
        (
            {
                "outsideCta": [],
                "ctas": [{"type": "image", "time": 30}, {"type": "video", "time": "21:40", "duration": 60}],
            },
            (1300, "Panda config ctas"),
        ),
        ({"outsideCta": [], "ctas": []}, (None, None)),
        (None, (None, None)),  # the config cannot be read: unknown, and the stream still resolves
    ],
)
def test_panda_offer_second_from_its_config_when_the_page_calls_load_button(
    config: dict[str, object] | None, expected: tuple[float | None, str | None]
) -> None:
    source, asked = _resolve_panda("p.loadButtonInTime({ fetchApi: true });", config)
    assert source.stream_url == PANDA_STREAM  # type: ignore[attr-defined]
    assert (source.cta_seconds, source.cta_source) == expected  # type: ignore[attr-defined]
    assert f"{panda.CONFIG_BASE}/vz-{LIB}/{UUID}.json" in asked


def test_panda_config_is_not_read_when_the_page_does_not_call_load_button() -> None:
    source, asked = _resolve_panda("console.log('pronto');", {"outsideCta": [{"time": 1530}]})
    assert source.cta_seconds is None  # type: ignore[attr-defined]
    assert not any(url.startswith(panda.CONFIG_BASE) for url in asked)


def test_a_large_bundle_full_of_timers_is_read_in_bounded_time() -> None:
    """Hostile input: thousands of timers in a 1 MB script are read up to a cap, in about a second."""
    js = ";".join(
        f"var v{i}=document.getElementById('x{i}');setTimeout(function(){{ v{i}.style.display='block'; f{i}(); }}, {i}000)"
        for i in range(9000)
    )
    started = time.monotonic()
    timers = timers_in(js)
    assert len(timers) == 100  # the per-kind cap
    assert timers[20].seconds == 20 and timers[20].targets == ("#x20",)
    assert time.monotonic() - started < 10
