"""Panda Video: embed→playlist mapping on real-shaped URLs, embed-page fallback on a local host."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import DrmProtectedError, PlayerConfigError, ResolveOptions
from vsl_assets.media.pages.players import panda
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import HTML_TYPE, Hosts

LIB = "7b6cf9e4-8bf"
MAIN = "3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a"
SECOND = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
LOCAL = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


@pytest.mark.parametrize(
    ("embed", "playlist"),
    [
        (
            f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?v={MAIN}",
            f"https://b-vz-{LIB}.tv.pandavideo.com.br/{MAIN}/playlist.m3u8",
        ),
        (
            f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?color=ff0000&v={MAIN.upper()}",
            f"https://b-vz-{LIB}.tv.pandavideo.com.br/{MAIN}/playlist.m3u8",
        ),
        (
            f"https://player-vz-{LIB}.tv.pandavideo.com/embed/?v={MAIN}",
            f"https://b-vz-{LIB}.tv.pandavideo.com/{MAIN}/playlist.m3u8",
        ),
        (f"https://player.pandavideo.com.br/embed/?v={MAIN}", None),  # old shape: needs the embed page
        (f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?v=not-a-uuid", None),
    ],
)
def test_embed_to_playlist_mapping(embed: str, playlist: str | None) -> None:
    assert panda.playlist_url(embed) == playlist


def test_resolve_real_shaped_page_without_touching_panda(hosts: Hosts) -> None:
    page_url = hosts.serve_page("panda.html")
    source = resolve(page_url, options=ResolveOptions(probe_stream=False))
    embed = f"https://player-vz-{LIB}.tv.pandavideo.com.br/embed/?v={MAIN}"
    assert source.kind == "panda"
    assert source.stream_url == f"https://b-vz-{LIB}.tv.pandavideo.com.br/{MAIN}/playlist.m3u8"
    assert source.referer == embed
    assert source.headers == {"Referer": embed, "Origin": f"https://player-vz-{LIB}.tv.pandavideo.com.br"}
    assert source.title == "Aula Secreta: O Método dos 3 Pilares"
    assert source.thumbnail == "https://cdn.exemplo.com.br/og/aula-secreta.jpg"
    assert source.other_videos == [f"https://b-vz-{LIB}.tv.pandavideo.com.br/{SECOND}/playlist.m3u8"]
    assert source.cta_seconds is None


def test_embed_page_fallback(hosts: Hosts) -> None:
    hosts.cdn.add_hls(f"/{LOCAL}/playlist.m3u8")
    hosts.player.add_route("/embed/", hosts.render("panda_embed.html", drm="false").encode(), HTML_TYPE)
    page_url = hosts.serve_page("panda_local.html")
    source = resolve(page_url)
    embed = hosts.player.url(f"/embed/?v={LOCAL}")
    assert source.kind == "panda"
    assert source.stream_url == hosts.cdn.url(f"/{LOCAL}/playlist.m3u8")
    assert source.referer == embed
    assert source.title == "Workshop Gratuito - Inscrições Abertas"
    [embed_request] = hosts.player.requests_to("/embed/")
    assert embed_request.headers["referer"] == page_url
    [playlist_request] = hosts.cdn.requests_to(f"/{LOCAL}/playlist.m3u8")
    assert playlist_request.headers["referer"] == embed
    assert playlist_request.headers["origin"] == hosts.player.base_url


def test_embed_page_with_drm(hosts: Hosts) -> None:
    hosts.cdn.add_hls(f"/{LOCAL}/playlist.m3u8")
    hosts.player.add_route("/embed/", hosts.render("panda_embed.html", drm="true").encode(), HTML_TYPE)
    with pytest.raises(DrmProtectedError) as info:
        resolve(hosts.serve_page("panda_local.html"))
    assert (
        info.value.reason == "the video is DRM-protected (Panda Video player has DRM enabled); it cannot be downloaded"
    )


def test_embed_page_without_playlist(hosts: Hosts) -> None:
    hosts.player.add_route("/embed/", b"<html><body><div id='player'></div></body></html>", HTML_TYPE)
    with pytest.raises(PlayerConfigError) as info:
        resolve(hosts.serve_page("panda_local.html"))
    assert info.value.reason == "the Panda Video player config could not be parsed: no playlist URL in the embed page"
