"""Panda Video SPA shells and real embed pages, and Vidalytics embeds (issue 11)."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import PlayerConfigError, PlayerUnavailableError
from vsl_assets.media.pages.players import vidalytics
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._real import JS_TYPE, NO_PROBE, serve, serve_on
from vsl_assets_tests.pages._support import Hosts

LIB = "5c2adb98-6a4"
VIDEO = "f635ec3a-cc62-4129-9edd-70bb35ebbf23"
PANDA = {"library": LIB, "video": VIDEO}
EMBED = f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?v={VIDEO}"

V_ACCOUNT, V_EMBED = "FeX1NGyU", "pPhKygFs09UtbTBO"
V_MAIN, V_INTRO = "7ly5Jas9bcV1jSMM", "tfJH1MSiCKkkNxaS"


# -- Panda ---------------------------------------------------------------------------------------


def test_spa_shell_with_preloaded_playlist(hosts: Hosts) -> None:
    stream = hosts.cdn.add_hls(f"/{VIDEO}/playlist.m3u8")
    source = resolve(serve(hosts, "panda_spa_preload.html", **PANDA))
    assert source.kind == "panda"
    assert source.stream_url == stream
    # The CDN is asked as Panda's player would ask: the prerendered embed is the Referer.
    assert source.referer == EMBED
    assert source.headers == {"Referer": EMBED, "Origin": f"https://player-vz-{LIB}.tv.pandavideo.com.br"}
    [request] = hosts.cdn.requests_to(f"/{VIDEO}/playlist.m3u8")
    assert request.headers["referer"] == EMBED
    assert source.other_videos == []


def test_spa_shell_with_only_the_prerendered_embed(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "panda_spa_prerender.html", **PANDA), options=NO_PROBE)
    assert source.kind == "panda"
    assert source.stream_url == f"https://b-vz-{LIB}.tv.pandavideo.com.br/{VIDEO}/playlist.m3u8"
    assert source.referer == EMBED
    # Mapped without asking Panda; the page's own bundle is read once, only for an offer second.
    assert [r.path for r in hosts.page.received] == ["/vsl/", "/static/js/main.8c1d.js"]
    assert source.cta_seconds is None


def test_js_api_embed(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "panda_js_api.html", **PANDA), options=NO_PROBE)
    assert source.kind == "panda"
    assert source.stream_url == f"https://b-vz-{LIB}.tv.pandavideo.com.br/{VIDEO}/playlist.m3u8"
    assert source.referer == EMBED


def test_embed_page_names_its_config_json(hosts: Hosts) -> None:
    """A real embed page has no .m3u8: the config JSON it preloads names the playlist."""
    stream = hosts.cdn.add_hls(f"/{VIDEO}/playlist.m3u8")
    serve_on(hosts, "player", "panda_embed_config.html", "/embed/", **PANDA)
    serve_on(
        hosts, "player", "panda_video_config.json", f"/vz-{LIB}/{VIDEO}.json", "application/json", drm="false", **PANDA
    )
    page_url = serve(hosts, "panda_custom_domain.html", **PANDA)

    source = resolve(page_url)

    embed = hosts.player.url(f"/embed/?v={VIDEO}")
    assert source.kind == "panda"
    assert source.stream_url == stream
    assert source.referer == embed
    [config_request] = hosts.player.requests_to(f"/vz-{LIB}/")
    assert config_request.headers["referer"] == embed
    assert config_request.headers["origin"] == hosts.player.base_url


def test_embed_config_with_drm(hosts: Hosts) -> None:
    hosts.cdn.add_hls(f"/{VIDEO}/playlist.m3u8")
    serve_on(hosts, "player", "panda_embed_config.html", "/embed/", **PANDA)
    serve_on(
        hosts, "player", "panda_video_config.json", f"/vz-{LIB}/{VIDEO}.json", "application/json", drm="true", **PANDA
    )
    with pytest.raises(Exception) as info:
        resolve(serve(hosts, "panda_custom_domain.html", **PANDA))
    assert "Panda Video player has DRM enabled" in info.value.reason  # type: ignore[attr-defined]


def test_embed_config_with_library_and_playlist_host(hosts: Hosts) -> None:
    """No URL anywhere, but the config names the b-vz playlist host: the player's own URL is built."""
    serve_on(hosts, "player", "panda_embed_config.html", "/embed/", **PANDA)
    serve_on(hosts, "player", "panda_video_config_ids.json", f"/vz-{LIB}/{VIDEO}.json", "application/json", **PANDA)
    source = resolve(serve(hosts, "panda_custom_domain.html", **PANDA), options=NO_PROBE)
    assert source.stream_url == f"https://b-vz-{LIB}.tv.pandavideo.com.br/{VIDEO}/playlist.m3u8"


def test_embed_page_that_names_nothing_is_not_guessed(hosts: Hosts) -> None:
    serve_on(hosts, "player", "panda_embed_bare.html", "/embed/", **PANDA)
    with pytest.raises(PlayerConfigError) as info:
        resolve(serve(hosts, "panda_custom_domain.html", **PANDA), options=NO_PROBE)
    assert info.value.reason == "the Panda Video player config could not be parsed: no playlist URL in the embed page"


@pytest.mark.parametrize(("status", "error"), [(403, PlayerConfigError), (502, PlayerUnavailableError)])
def test_embed_page_unreadable_names_the_player(hosts: Hosts, status: int, error: type[Exception]) -> None:
    hosts.player.set_status("/embed/", status)
    with pytest.raises(error) as info:
        resolve(serve(hosts, "panda_custom_domain.html", **PANDA))
    assert info.value.reason == f"Panda Video player found but its embed page could not be read: HTTP {status}"  # type: ignore[attr-defined]


# -- Vidalytics ----------------------------------------------------------------------------------


def _vidalytics(hosts: Hosts) -> dict[str, str]:
    ids = {"account": V_ACCOUNT, "embed": V_EMBED, "main": V_MAIN, "intro": V_INTRO}
    escaped = hosts.cdn.base_url.replace("/", "\\/")
    serve_on(
        hosts,
        "player",
        "vidalytics_loader.js",
        f"/embeds/{V_ACCOUNT}/{V_EMBED}/loader.min.js",
        JS_TYPE,
        cdn_escaped=escaped,
        **ids,
    )
    return ids


def test_vidalytics_longest_video_of_the_loader_wins(hosts: Hosts) -> None:
    ids = _vidalytics(hosts)
    main = hosts.cdn.add_hls(f"/video/{V_ACCOUNT}/{V_MAIN}/280657/257484__FFMPEG/stream.m3u8")
    page_url = serve(hosts, "vidalytics.html", **ids)

    source = resolve(page_url)

    assert source.kind == "vidalytics"
    assert source.stream_url == main
    assert source.is_hls
    assert source.thumbnail == hosts.cdn.url(f"/video/{V_ACCOUNT}/{V_MAIN}/img/thumbnail/cover.jpg")
    assert source.title == "Watch: The 2-Minute Morning Ritual"
    intro = f"/video/{V_ACCOUNT}/{V_INTRO}/213957/200570__FFMPEG"
    assert source.other_videos == [
        hosts.cdn.url(f"{intro}/stream.m3u8"),
        hosts.cdn.url(f"{intro}/mp4/video.mp4"),
        "https://www.youtube.com/embed/aBcDeFgHiJk",  # the testimonial below the VSL
    ]
    [loader] = hosts.player.requests_to(f"/embeds/{V_ACCOUNT}/{V_EMBED}/loader.min.js")
    assert loader.headers["referer"] == page_url


@pytest.mark.parametrize(("status", "error"), [(403, PlayerConfigError), (503, PlayerUnavailableError)])
def test_vidalytics_loader_unreadable(hosts: Hosts, status: int, error: type[Exception]) -> None:
    hosts.player.set_status(f"/embeds/{V_ACCOUNT}/{V_EMBED}/loader.min.js", status)
    with pytest.raises(error) as info:
        resolve(serve(hosts, "vidalytics.html", account=V_ACCOUNT, embed=V_EMBED))
    assert info.value.reason == f"Vidalytics player found but its loader script could not be read: HTTP {status}"  # type: ignore[attr-defined]


def test_vidalytics_loader_without_stream(hosts: Hosts) -> None:
    hosts.player.add_route(f"/embeds/{V_ACCOUNT}/{V_EMBED}/loader.min.js", b"!function(){}();", JS_TYPE)
    with pytest.raises(PlayerConfigError) as info:
        resolve(serve(hosts, "vidalytics.html", account=V_ACCOUNT, embed=V_EMBED))
    assert info.value.reason == "Vidalytics player found but its loader script names no stream"


def test_vidalytics_div_without_loader_url(hosts: Hosts) -> None:
    html = f'<html><body><div id="vidalytics_embed_{V_EMBED}"></div></body></html>'
    hosts.page.add_route("/vsl/", html.encode(), "text/html")
    with pytest.raises(PlayerConfigError) as info:
        resolve(hosts.page.url("/vsl/"))
    assert info.value.reason == (
        f"Vidalytics player found but the page has no loader URL (…/embeds/<account>/{V_EMBED}/) for it"
    )


def test_vidalytics_stream_choice() -> None:
    text = (
        '{"videos":[{"duration":12,"hls":"https://fast.vidalytics.com/video/a/intro/1/2__FFMPEG/stream.m3u8"},'
        '{"duration":1800.5,"hls":"https://fast.vidalytics.com/video/a/main/3/4__FFMPEG/stream.m3u8",'
        '"mp4":"https://fast.vidalytics.com/video/a/main/3/4__FFMPEG/mp4/video.mp4"}]}'
    )
    assert vidalytics.choose_streams(text, "https://fast.vidalytics.com/embeds/a/e/loader.min.js") == [
        "https://fast.vidalytics.com/video/a/main/3/4__FFMPEG/stream.m3u8",
        "https://fast.vidalytics.com/video/a/main/3/4__FFMPEG/mp4/video.mp4",
        "https://fast.vidalytics.com/video/a/intro/1/2__FFMPEG/stream.m3u8",
    ]
