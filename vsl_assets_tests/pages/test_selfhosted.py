"""Self-hosted players and page metadata: <video>, hls.js, video.js, JSON-LD, og:video, iframes."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages.page import decode_html, parse_page
from vsl_assets.media.pages.players import html5, videojs
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import FAKE_MP4, Hosts


def _assert_cdn_saw_referer(hosts: Hosts, referer: str, origin: str) -> None:
    [request] = hosts.cdn.requests_to("/hls/master.m3u8")
    assert request.headers["referer"] == referer
    assert request.headers["origin"] == origin
    assert hosts.cdn.segments_requested() == []


def test_html5_video_with_hls_source_and_relative_urls(hosts: Hosts) -> None:
    page_url = hosts.serve_page("html5.html")
    source = resolve(page_url)
    lp = hosts.page.url("/lp/confeitaria/")
    assert source.kind == "html5"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.title == "Curso Confeitaria Lucrativa \u2013 Vídeo de Apresentação"
    assert source.thumbnail == lp + "assets/poster-vsl.jpg"  # relative to <base href>
    assert source.other_videos == [lp + "media/vsl-720p.mp4", lp + "media/bonus-aula.mp4", lp + "assets/bg-loop.mp4"]
    assert source.variants[0].url == hosts.cdn.url("/hls/720p/index.m3u8")
    _assert_cdn_saw_referer(hosts, page_url, hosts.page.base_url)


def test_hlsjs_load_source(hosts: Hosts) -> None:
    page_url = hosts.serve_page("hlsjs.html")
    source = resolve(page_url)
    assert source.kind == "hls.js"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.title == "Desafio 7 Dias Sem Açúcar"
    assert source.thumbnail == hosts.page.url("/img/capa-vsl.webp")  # the player's poster beats og:image
    assert source.other_videos == []
    _assert_cdn_saw_referer(hosts, page_url, hosts.page.base_url)


def test_videojs_sources(hosts: Hosts) -> None:
    page_url = hosts.serve_page("videojs.html")
    source = resolve(page_url)
    assert source.kind == "videojs"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.thumbnail == hosts.page.url("/img/poster-vsl.jpg")
    assert source.other_videos == [hosts.page.url("/media/vsl.mp4")]
    assert source.title == "Inglês Fluente em 6 Meses | Aula Demonstrativa"


def test_videojs_data_setup_sources() -> None:
    html = """<video id="v" class="video-js" data-setup='{"poster": "/p.jpg", "sources": [
        {"src": "/v/low.mp4", "type": "video/mp4"},
        {"src": "https://cdn.example.com/v/master.m3u8", "type": "application/x-mpegURL"}]}'></video>"""
    candidate = videojs.detect(parse_page("https://lp.example.com/a/", html))
    assert candidate is not None
    assert candidate.stream_url == "https://cdn.example.com/v/master.m3u8"
    assert candidate.others == ("https://lp.example.com/v/low.mp4",)
    assert candidate.thumbnail == "https://lp.example.com/p.jpg"


def test_json_ld_video_object(hosts: Hosts) -> None:
    source = resolve(hosts.serve_page("jsonld.html"))
    assert source.kind == "json-ld"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.title == "Aula Gratuita: Renda Extra com Marketing Digital"
    assert source.thumbnail == hosts.cdn.url("/img/aula-thumb.jpg")
    assert source.other_videos == ["https://www.youtube.com/embed/dQw4w9WgXcQ"]


def test_og_video_mp4_is_checked_with_a_ranged_get(hosts: Hosts) -> None:
    hosts.cdn.add_route("/media/vsl.mp4", FAKE_MP4 * 50, "video/mp4")
    page_url = hosts.serve_page("og_video.html")
    source = resolve(page_url)
    assert source.kind == "og-video"
    assert source.stream_url == hosts.cdn.url("/media/vsl.mp4")
    assert not source.is_hls and source.variants == ()
    assert source.title == "Descoberta Natural Para Dores nas Articulações"
    assert source.thumbnail == hosts.cdn.url("/img/og.jpg")
    [request] = hosts.cdn.requests_to("/media/vsl.mp4")
    assert request.headers["range"] == "bytes=0-4095"
    assert request.headers["referer"] == page_url


def test_lazy_iframe_is_followed_one_level(hosts: Hosts) -> None:
    hosts.serve_page("player_embed.html", "/embed/vsl-2024.html", server=hosts.player)
    page_url = hosts.serve_page("lazy_iframe.html")
    source = resolve(page_url)
    embed = hosts.player.url("/embed/vsl-2024.html?autoplay=1")
    assert source.kind == "iframe"
    assert source.embed_url == embed
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.referer == embed
    assert source.headers == {"Referer": embed, "Origin": hosts.player.base_url}
    assert source.title == "Mentoria Investidor Inteligente"
    assert source.thumbnail == hosts.player.url("/embed/poster.jpg")  # relative to the iframe page
    assert source.other_videos == [hosts.player.url("/embed/depoimento.html")]
    [frame_request] = hosts.player.requests_to("/embed/vsl-2024.html")
    assert frame_request.headers["referer"] == page_url
    _assert_cdn_saw_referer(hosts, embed, hosts.player.base_url)
    assert not any("googletagmanager" in r.path for r in hosts.page.received)


def test_background_clip_is_never_the_vsl() -> None:
    html = '<video autoplay muted loop playsinline src="/bg.mp4"></video>'
    candidate = html5.detect(parse_page("https://lp.example.com/", html))
    assert candidate is not None and candidate.stream_url is None
    assert candidate.others == ("https://lp.example.com/bg.mp4",)


@pytest.mark.parametrize(
    ("content_type", "declared_in_html"),
    [
        ("text/html; charset=windows-1252", False),  # HTTP header
        ("text/html", True),  # <meta charset>
        ("text/html", False),  # nothing declared: UTF-8 fails, latin-1 fallback
    ],
)
def test_non_utf8_pages_decode(hosts: Hosts, content_type: str, declared_in_html: bool) -> None:
    meta = '<meta charset="iso-8859-1">' if declared_in_html else ""
    html = (
        f"<html><head>{meta}<title>Promoção Relâmpago: Método Único</title></head><body>"
        f'<video controls src="{hosts.cdn.url("/hls/master.m3u8")}"></video></body></html>'
    )
    hosts.page.add_route("/latin/", html.encode("cp1252"), content_type)
    source = resolve(hosts.page.url("/latin/"))
    assert source.title == "Promoção Relâmpago: Método Único"
    assert source.kind == "html5"


def test_decode_tolerates_a_body_cut_mid_character() -> None:
    body = "Ação".encode() + "é".encode()[:1]
    assert decode_html(body, None) == "Ação"
