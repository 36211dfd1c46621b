"""vturb / ConverteAI smartplayer: URL shapes on real-looking pages, then a full resolve."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import DrmProtectedError, PlayerConfigError
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import vturb
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import Hosts

ACCOUNT = "5e0c8a2b-41f7-4c3d-9a6e-2b8f1d7c4e90"
PLAYER = "6650a1b2c3d4e5f6a7b8c9d0"
VIDEO = "6650a0f1e2d3c4b5a6978899"
TESTIMONIAL = "6650a1b2c3d4e5f6a7b8c9e1"
TESTIMONIAL_VIDEO = "6650a0f1e2d3c4b5a69788aa"


def _player_js(hosts: Hosts, player: str, video: str, *, drm: str = "false") -> bytes:
    return hosts.render("vturb_player.js", player=player, video=video, account=ACCOUNT, drm=drm).encode()


def _serve_v4(hosts: Hosts, *, drm: str = "false") -> str:
    for player, video in ((PLAYER, VIDEO), (TESTIMONIAL, TESTIMONIAL_VIDEO)):
        hosts.player.add_route(
            f"/{ACCOUNT}/players/{player}/v4/player.js",
            _player_js(hosts, player, video, drm=drm),
            "application/javascript",
        )
        hosts.cdn.add_hls(f"/{ACCOUNT}/{video}/main.m3u8")
    return hosts.serve_page("vturb_v4.html")


# -- URL shapes as they appear on real pages -------------------------------------------------


REAL_V4 = """
<vturb-smartplayer id="vid-67b5f0b6a6d6f7e4c0a3b1c2" style="display: block; margin: 0 auto; width: 100%;"></vturb-smartplayer>
<script type="text/javascript"> var s=document.createElement("script");
s.src="https://scripts.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/67b5f0b6a6d6f7e4c0a3b1c2/v4/player.js",
s.async=!0,document.head.appendChild(s); </script>
"""
REAL_V3 = """
<link rel="preload" href="https://cdn.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/65a1b2c3d4e5f6a7b8c9d0e1/main.m3u8" as="fetch">
<div id="vid_65a1b2c3d4e5f6a7b8c9d0ff" style="position: relative; width: 100%; padding: 56.25% 0 0;">
<img id="thumb_65a1b2c3d4e5f6a7b8c9d0ff" src="https://images.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/65a1b2c3d4e5f6a7b8c9d0ff/thumbnail.jpg"></div>
<script type="text/javascript" id="scr_65a1b2c3d4e5f6a7b8c9d0ff"> var s=document.createElement("script");
s.src="https://scripts.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/65a1b2c3d4e5f6a7b8c9d0ff/player.js",
s.async=!0,document.head.appendChild(s); </script>
<div class="esconder" style="display:none"><a href="https://pay.exemplo.com.br/x">Comprar</a></div>
<script>var SECONDS_TO_DISPLAY = 754; var CLASS_TO_DISPLAY = ".esconder";</script>
"""


def test_real_v4_embed_shape() -> None:
    page = parse_page("https://oferta.exemplo.com.br/vsl/", REAL_V4)
    [script] = vturb.find_player_scripts(page)
    assert script.url == (
        "https://scripts.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/67b5f0b6a6d6f7e4c0a3b1c2/v4/player.js"
    )
    assert (script.account, script.player) == ("4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c", "67b5f0b6a6d6f7e4c0a3b1c2")
    assert vturb.player_ids(page) == ["67b5f0b6a6d6f7e4c0a3b1c2"]
    candidate = vturb.detect(page)
    assert candidate is not None and candidate.kind == "vturb" and candidate.complete is not None


def test_real_v3_embed_with_preload_needs_no_script() -> None:
    page = parse_page("https://oferta.exemplo.com.br/", REAL_V3)
    candidate = vturb.detect(page)
    assert candidate is not None
    assert vturb.preloaded_playlists(page) == [
        "https://cdn.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/65a1b2c3d4e5f6a7b8c9d0e1/main.m3u8"
    ]
    assert candidate.cta_seconds == 754
    assert candidate.thumbnail == (
        "https://images.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/65a1b2c3d4e5f6a7b8c9d0ff/thumbnail.jpg"
    )


def test_player_config_gives_cdn_account_and_video() -> None:
    script_url = "https://scripts.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/players/67b5f0b6a6d6f7e4c0a3b1c2/v4/player.js"
    minified = (
        '!function(){var e={id:"67b5f0b6a6d6f7e4c0a3b1c2",video:{id:"67b5f0a0c1d2e3f4a5b6c7d8",duration:1520.4},'
        'cdn:"cdn.converteai.net",delay:{enabled:!0,time:930},drm:!1};window.__vt=e}();'
    )
    config = vturb.parse_player_config(minified, script_url, "4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c")
    assert config.stream_url == (
        "https://cdn.converteai.net/4b3c1a2e-7f8d-4e5a-9b0c-1d2e3f4a5b6c/67b5f0a0c1d2e3f4a5b6c7d8/main.m3u8"
    )
    assert config.cta_seconds == 930 and config.drm is False

    with_url = (
        '{"video":{"url":"https:\\/\\/cdn.converteai.net\\/acc-123456\\/vid-abcdef\\/main.m3u8"},"displayTime":42}'
    )
    config = vturb.parse_player_config(with_url, script_url)
    assert config.stream_url == "https://cdn.converteai.net/acc-123456/vid-abcdef/main.m3u8"
    assert config.cta_seconds == 42

    assert vturb.stream_url("cdn.converteai.net", "acc-123456", "vid-abcdef", "http://127.0.0.1:9/x/player.js") == (
        "http://cdn.converteai.net/acc-123456/vid-abcdef/main.m3u8"
    )


@pytest.mark.parametrize(
    ("script", "why"),
    [
        (
            '!function(){var e={id:"67b5f0b6a6d6f7e4c0a3b1c2",cdn:"cdn.converteai.net"}}();',
            "no video id in the player script",
        ),
        ("<!DOCTYPE html><html><body>Bad gateway</body></html>", "the player script is an HTML page"),
    ],
)
def test_unparseable_player_config(script: str, why: str) -> None:
    with pytest.raises(PlayerConfigError) as info:
        vturb.parse_player_config(
            script, "https://scripts.converteai.net/acc-123456/players/67b5f0b6a6d6f7e4c0a3b1c2/player.js"
        )
    assert info.value.reason == f"the vturb player config could not be parsed: {why}"


# -- full resolution against local hosts -----------------------------------------------------


def test_resolve_v4_page(hosts: Hosts) -> None:
    page_url = _serve_v4(hosts)
    source = resolve(page_url)

    assert source.kind == "vturb"
    assert source.stream_url == hosts.cdn.url(f"/{ACCOUNT}/{VIDEO}/main.m3u8")
    assert source.title == "O Protocolo de 21 Dias que Está Mudando Vidas"  # og:title over <title>
    assert source.thumbnail == f"https://images.converteai.net/{ACCOUNT}/players/{PLAYER}/thumbnail.jpg"
    assert source.cta_seconds == 1245  # the page's delay snippet beats the config's displayTime
    assert source.other_videos == [hosts.cdn.url(f"/{ACCOUNT}/{TESTIMONIAL_VIDEO}/main.m3u8")]
    assert source.referer == page_url
    assert source.headers == {"Referer": page_url, "Origin": hosts.page.base_url}
    assert source.is_hls and not source.drm
    assert [v.resolution for v in source.variants] == ["1280x720", "640x360"]
    assert source.duration_s == 15.5

    [script_request] = hosts.player.requests_to(f"/{ACCOUNT}/players/{PLAYER}/")
    assert script_request.headers["referer"] == page_url
    [playlist_request] = hosts.cdn.requests_to(f"/{ACCOUNT}/{VIDEO}/main.m3u8")
    assert playlist_request.headers["referer"] == page_url
    assert playlist_request.headers["origin"] == hosts.page.base_url
    assert "Chrome/" in playlist_request.headers["user-agent"]
    assert playlist_request.headers["accept-language"].startswith("pt-BR")
    assert hosts.cdn.segments_requested() == []


def test_resolve_v3_page_uses_preload_when_script_fails(hosts: Hosts) -> None:
    hosts.cdn.add_hls("/0b1f5a6e-3c2d-4e5f-8a9b-0c1d2e3f4a5b/65f1c0aa0000111122223333/main.m3u8")
    # No route for the player script: it 404s, and the preloaded playlist is enough.
    source = resolve(hosts.serve_page("vturb_v3.html"))
    assert source.kind == "vturb"
    assert source.stream_url == hosts.cdn.url(
        "/0b1f5a6e-3c2d-4e5f-8a9b-0c1d2e3f4a5b/65f1c0aa0000111122223333/main.m3u8"
    )
    assert source.cta_seconds == 1838
    assert source.thumbnail == hosts.cdn.url("/images/0b1f5a6e/65f1c0ffee1234567890abcd/thumbnail.jpg")
    assert source.title == "Método Renda Extra Digital - Vídeo Exclusivo"


def test_unparseable_config_on_page(hosts: Hosts) -> None:
    hosts.player.add_route(
        f"/{ACCOUNT}/players/{PLAYER}/v4/player.js", b'!function(){var e={id:"x",cdn:"c"}}();', "application/javascript"
    )
    with pytest.raises(PlayerConfigError) as info:
        resolve(hosts.serve_page("vturb_v4.html"))
    assert info.value.reason == "the vturb player config could not be parsed: no video id in the player script"


def test_missing_player_script_is_reported(hosts: Hosts) -> None:
    # The reason names the player that was recognised and what could not be read (issue 11).
    with pytest.raises(PlayerConfigError) as info:
        resolve(hosts.serve_page("vturb_v4.html"))
    assert info.value.reason == "vturb player found but its configuration script could not be read: HTTP 404"


def test_drm_flag_in_player_config(hosts: Hosts) -> None:
    with pytest.raises(DrmProtectedError) as info:
        resolve(_serve_v4(hosts, drm="true"))
    assert info.value.reason == "the video is DRM-protected (vturb player has DRM enabled); it cannot be downloaded"
