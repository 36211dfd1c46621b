"""Resolver patterns from the pages3 round (real pages in /work/realpages-extra, session "pages3"),
each reproduced with markup written for these tests: Mux and Cloudflare Stream embeds mapped to
their documented HLS playlists without a request, an old Panda embed that redirects to its
library's host, UI-framework CDN scripts that are never read as player code, a YouTube/Vimeo
iframe that the page's own script writes in (a click-to-play cover), and Elementor's video widget
whose video is only in its settings."""

from __future__ import annotations

import importlib

import httpx
import pytest

from vsl_assets.media.pages import NoPlayerFoundError, PlayerConfigError, ResolveOptions, ytdlp
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import page_scripts, streamhosts
from vsl_assets.media.pages.players.base import Candidate
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import HTML_TYPE

_resolver = importlib.import_module("vsl_assets.media.pages.resolve")

_SALES = "https://oferta.example.com/aula/"
_MUX_ID = "Qx7Lm02bT5vW8yZa1Cd3Ef4Gh6Jk9Np"
_MUX_HLS = f"https://stream.mux.com/{_MUX_ID}.m3u8"
_CF_UID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
_CF_CUSTOMER = "customer-k3j9x2m1p0q8r7s6.cloudflarestream.com"
_SDK = '<script src="https://embed.cloudflarestream.com/embed/sdk.latest.js"></script>'
_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMxMjMifQ.c2lnbmF0dXJlLXBhcnQtb25l"


def _detect(body: str) -> list[tuple[str, str | None, tuple[str, ...]]]:
    page = parse_page(_SALES, f"<html><body><h1>Assista antes que saia do ar</h1>{body}</body></html>")
    return [(c.kind, c.target, c.others) for c in _resolver._detect(page)]


@pytest.mark.parametrize(
    ("body", "kind", "stream"),
    [
        (f'<mux-player playback-id="{_MUX_ID}" metadata-video-title="Aula 1"></mux-player>', "mux", _MUX_HLS),
        (f'<mux-video playback-id="{_MUX_ID}" controls></mux-video>', "mux", _MUX_HLS),
        (
            f'<iframe src="https://player.mux.com/{_MUX_ID}?metadata-video-title=Aula" allowfullscreen></iframe>',
            "mux",
            _MUX_HLS,
        ),
        # A signed playback id: its token goes on the playlist URL, as Mux's signed URLs do.
        (
            f'<mux-player playback-id="{_MUX_ID}" playback-token="{_TOKEN}"></mux-player>',
            "mux",
            f"{_MUX_HLS}?token={_TOKEN}",
        ),
        (
            f'<iframe src="https://{_CF_CUSTOMER}/{_CF_UID}/iframe?poster=x" allowfullscreen></iframe>',
            "cloudflare-stream",
            f"https://{_CF_CUSTOMER}/{_CF_UID}/manifest/video.m3u8",
        ),
        (
            f'<iframe src="https://iframe.videodelivery.net/{_CF_UID}"></iframe>',
            "cloudflare-stream",
            f"https://videodelivery.net/{_CF_UID}/manifest/video.m3u8",
        ),
        (
            f'<stream src="{_CF_UID}" controls></stream>{_SDK}',
            "cloudflare-stream",
            f"https://videodelivery.net/{_CF_UID}/manifest/video.m3u8",
        ),
    ],
)
def test_mux_and_cloudflare_embeds_name_their_playlist(body: str, kind: str, stream: str) -> None:
    [(found_kind, target, others)] = _detect(body)
    assert (found_kind, target, others) == (kind, stream, ())


@pytest.mark.parametrize(
    "body",
    [
        # A <stream> element without Cloudflare's SDK on the page is some other widget.
        f'<stream src="{_CF_UID}"></stream>',
        # Template placeholders and malformed ids build no URL.
        '<mux-player playback-id="YOUR_PLAYBACK_ID"></mux-player>',
        f'<stream src="{{{{ video_uid }}}}"></stream>{_SDK}',
        f'<iframe src="https://{_CF_CUSTOMER}/{_CF_UID}/thumbnails/thumbnail.jpg"></iframe>',
        # Markup browsers never play.
        f'<!-- <mux-player playback-id="{_MUX_ID}"></mux-player> -->',
        f'<template><iframe src="https://iframe.videodelivery.net/{_CF_UID}"></iframe></template>',
    ],
)
def test_what_is_not_a_mux_or_cloudflare_player(body: str) -> None:
    assert [kind for kind, _, _ in _detect(body) if kind in ("mux", "cloudflare-stream")] == []


def test_the_first_hosted_player_on_the_page_is_the_vsl_and_the_rest_are_listed() -> None:
    body = (
        f'<mux-player playback-id="{_MUX_ID}"></mux-player>'
        f'<h2>Depoimentos</h2><iframe src="https://iframe.videodelivery.net/{_CF_UID}"></iframe>'
    )
    [(kind, target, others)] = _detect(body)
    assert (kind, target, others) == ("mux", _MUX_HLS, (f"https://videodelivery.net/{_CF_UID}/manifest/video.m3u8",))
    # A YouTube VSL above a Mux testimonial stays the VSL (page players: first on the page wins).
    ranked = _detect(f'<iframe src="https://www.youtube.com/embed/aBcDeFgHiJk"></iframe><h2>Prova</h2>{body}')
    assert [kind for kind, _, _ in ranked] == ["embed", "mux"]


def _offline(routes: dict[str, httpx.Response], asked: list[str]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        asked.append(url)
        if url not in routes:
            raise httpx.ConnectError(f"offline: {request.url.host}", request=request)
        return routes[url]

    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)


def _html(body: str) -> httpx.Response:
    return httpx.Response(
        200, content=f"<html><body>{body}</body></html>".encode(), headers={"content-type": HTML_TYPE}
    )


def test_a_cloudflare_iframe_resolves_without_following_the_iframe() -> None:
    sales = _html(f'<h1>Aula</h1><iframe src="https://{_CF_CUSTOMER}/{_CF_UID}/iframe"></iframe>')
    asked: list[str] = []
    with _offline({_SALES: sales}, asked) as client:
        source = resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert (source.kind, source.stream_url, source.is_hls) == (
        "cloudflare-stream",
        f"https://{_CF_CUSTOMER}/{_CF_UID}/manifest/video.m3u8",
        True,
    )
    assert asked == [_SALES]


_LIB = "4d5e6f7a-8b9"
_UUID = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
_OLD = f"https://player.pandavideo.com.br/embed/?v={_UUID}"
_NEW = f"https://player-vz-{_LIB}.tv.pandavideo.com.br/embed/?v={_UUID}"
#: Like Panda's real embed page: the player script builds the playlist from the page's own address.
_EMBED_PAGE = '<div id="app"></div><script src="main.bundle.js"></script>'


def test_an_old_panda_embed_that_redirects_to_its_library_host_plays_from_there() -> None:
    routes = {
        _SALES: _html(f'<iframe id="panda-{_UUID}" src="{_OLD}"></iframe>'),
        _OLD: httpx.Response(302, headers={"location": _NEW}),
        _NEW: _html(_EMBED_PAGE),
    }
    asked: list[str] = []
    with _offline(routes, asked) as client:
        source = resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert (source.kind, source.stream_url) == (
        "panda",
        f"https://b-vz-{_LIB}.tv.pandavideo.com.br/{_UUID}/playlist.m3u8",
    )
    # The player runs where the embed landed: that page is the stream's Referer and Origin.
    assert source.referer == _NEW
    assert source.headers == {"Referer": _NEW, "Origin": f"https://player-vz-{_LIB}.tv.pandavideo.com.br"}
    assert asked == [_SALES, _OLD, _NEW]


def test_an_old_panda_embed_that_stays_put_still_says_it_names_no_library() -> None:
    routes = {_SALES: _html(f'<iframe id="panda-{_UUID}" src="{_OLD}"></iframe>'), _OLD: _html(_EMBED_PAGE)}
    with _offline(routes, []) as client, pytest.raises(PlayerConfigError) as info:
        resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert "names no library" in info.value.reason


def test_ui_framework_cdn_scripts_are_not_read_as_player_code() -> None:
    page = parse_page(
        _SALES,
        "<html><head>"
        '<script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>'
        '<script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>'
        '<script src="https://unpkg.com/@babel/standalone@7.29.0/babel.min.js"></script>'
        '<script src="https://cdn.tailwindcss.com"></script>'
        '<script src="https://unpkg.com/vue@3/dist/vue.global.prod.js"></script>'
        '<script src="/js/react-player-config.js"></script>'
        '<script src="https://cdn.example.net/vsl/loader.js"></script>'
        "</head><body></body></html>",
    )
    assert page_scripts.script_urls(page, 10) == [
        "https://oferta.example.com/js/react-player-config.js",
        "https://cdn.example.net/vsl/loader.js",
    ]


def test_stream_host_mapping_refuses_other_schemes_and_hosts() -> None:
    assert streamhosts.embed_stream(f"javascript://player.mux.com/{_MUX_ID}") is None
    assert streamhosts.embed_stream(f"https://player.mux.com.evil.example/{_MUX_ID}") is None
    assert streamhosts.embed_stream(f"https://customer-abcd.cloudflarestream.com.evil.example/{_CF_UID}/iframe") is None
    assert streamhosts.embed_stream(f"https://player.mux.com/{_MUX_ID}/extra") is None


_YT = "https://www.youtube.com/embed/Zx9Yw8Xv7Uq"
_COVER = '<div class="capa"><img src="capa.jpg" alt="Assista"></div><div class="video-embed"></div>'
_CLICK_TO_PLAY = (
    "document.querySelector('.capa').addEventListener('click', function () {\n"
    "  document.querySelector('.video-embed').innerHTML = `\n"
    f'    <iframe src="{_YT}?autoplay=1" allow="autoplay" allowfullscreen></iframe>`;\n'
    "});\n"
)
_CREATED = (
    'const urlDoVideo = "https://player.vimeo.com/video/765432109?h=ab12cd34ef";\n'
    "const quadro = document.createElement('iframe');\n"
    "quadro.src = urlDoVideo;\n"
    "document.getElementById('video').appendChild(quadro);\n"
)
_JS = "application/javascript"


def _page_with_script(src: str, script_url: str, script: str) -> dict[str, httpx.Response]:
    return {
        _SALES: _html(f'{_COVER}<div id="video"></div><script src="{src}"></script>'),
        script_url: httpx.Response(200, content=script.encode(), headers={"content-type": _JS}),
    }


@pytest.mark.parametrize(
    ("script", "embed"),
    [(_CLICK_TO_PLAY, f"{_YT}?autoplay=1"), (_CREATED, "https://player.vimeo.com/video/765432109?h=ab12cd34ef")],
)
def test_an_embed_a_same_site_script_writes_in_is_the_vsl(script: str, embed: str) -> None:
    routes = _page_with_script("js/video.js", "https://oferta.example.com/aula/js/video.js", script)
    with _offline(routes, []) as client, pytest.raises(NoPlayerFoundError) as info:
        resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    # Without yt-dlp the error names the embed found, for whoever can run it.
    assert info.value.detail == embed
    assert "which needs yt-dlp" in info.value.reason


def test_the_scripted_embed_goes_to_yt_dlp(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def fake(url: str, *, referer: str | None, options: ResolveOptions, what: str = "page") -> Candidate:
        asked.append(url)
        return Candidate(kind="yt-dlp:youtube", stream_url="https://cdn.example.net/yt/master.m3u8", hls=True)

    monkeypatch.setattr(ytdlp, "extract", fake)
    routes = _page_with_script("/aula/js/video.js", "https://oferta.example.com/aula/js/video.js", _CLICK_TO_PLAY)
    with _offline(routes, []) as client:
        source = resolve(_SALES, client=client, options=ResolveOptions(probe_stream=False))
    assert asked == [f"{_YT}?autoplay=1"]
    assert (source.kind, source.embed_url) == ("yt-dlp:youtube", f"{_YT}?autoplay=1")


@pytest.mark.parametrize(
    ("src", "script_url", "script"),
    [
        # A widget from another site writing its own video in: not this page's VSL.
        ("https://widgets.example.net/depoimentos.js", "https://widgets.example.net/depoimentos.js", _CLICK_TO_PLAY),
        # A same-site script that only links to a video (a share button), building no iframe.
        (
            "js/share.js",
            "https://oferta.example.com/aula/js/share.js",
            f'document.querySelector(".capa").onclick = () => window.open("{_YT}");',
        ),
    ],
)
def test_embeds_in_scripts_that_are_not_the_pages_player(src: str, script_url: str, script: str) -> None:
    with _offline(_page_with_script(src, script_url, script), []) as client, pytest.raises(NoPlayerFoundError) as info:
        resolve(_SALES, client=client, options=ResolveOptions(use_ytdlp=False, probe_stream=False))
    assert (info.value.reason, info.value.detail) == ("no video player found on page", None)


def _elementor(settings: str, inner: str = "") -> str:
    quoted = settings.replace('"', "&quot;").replace("/", "\\/")
    return (
        '<div class="elementor-element elementor-widget elementor-widget-video" data-element_type="widget"'
        f' data-settings="{quoted}" data-widget_type="video.default"><div class="elementor-widget-container">'
        f'<div class="elementor-wrapper elementor-open-inline"><div class="elementor-video"></div>{inner}</div></div></div>'
    )


@pytest.mark.parametrize(
    ("settings", "embed"),
    [
        (
            '{"youtube_url":"https://youtu.be/Zx9Yw8Xv7Uq","video_type":"youtube","controls":"yes"}',
            "https://youtu.be/Zx9Yw8Xv7Uq",
        ),
        # YouTube is the widget's default type.
        (
            '{"youtube_url":"https://www.youtube.com/watch?v=Zx9Yw8Xv7Uq"}',
            "https://www.youtube.com/watch?v=Zx9Yw8Xv7Uq",
        ),
        ('{"vimeo_url":"https://vimeo.com/765432109","video_type":"vimeo"}', "https://vimeo.com/765432109"),
    ],
)
def test_an_elementor_video_widget_names_its_video_in_its_settings(settings: str, embed: str) -> None:
    assert _detect(_elementor(settings)) == [("embed", embed, ())]


def test_a_saved_elementor_page_lists_the_widget_video_once() -> None:
    built = '<iframe src="https://www.youtube.com/embed/Zx9Yw8Xv7Uq?controls=1"></iframe>'
    widget = _elementor('{"youtube_url":"https://youtu.be/Zx9Yw8Xv7Uq","video_type":"youtube"}', built)
    testimonial = '<iframe src="https://www.youtube.com/embed/Tt1Ss2Rr3Qq"></iframe>'
    assert _detect(widget + testimonial) == [
        ("embed", "https://youtu.be/Zx9Yw8Xv7Uq", ("https://www.youtube.com/embed/Tt1Ss2Rr3Qq",))
    ]


@pytest.mark.parametrize(
    "widget",
    [
        # A self-hosted widget is a <video>: the html5 detector's, not this setting's.
        _elementor('{"video_type":"hosted","youtube_url":"https://www.youtube.com/watch?v=Zx9Yw8Xv7Uq"}'),
        _elementor('{"youtube_url":"https://videos.example.net/vsl","video_type":"youtube"}'),
        _elementor('{"video_type":"youtube"}'),
        '<div class="elementor-widget-video" data-settings="{not json"></div>',
        "<!-- " + _elementor('{"youtube_url":"https://youtu.be/Zx9Yw8Xv7Uq"}') + " -->",
    ],
)
def test_elementor_settings_that_name_no_video_site(widget: str) -> None:
    assert _detect(widget) == []
