"""yt-dlp as the fallback and for hosted players, exercised on local pages its generic extractor reads."""

from __future__ import annotations

import socket
import threading

import pytest

from vsl_assets.media.pages import DrmProtectedError, HttpStatusError, NoPlayerFoundError, ResolveOptions, ytdlp
from vsl_assets.media.pages.errors import ExtractorError, NetworkError, TransientHttpError
from vsl_assets.media.pages.hosts import is_known_host
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import embeds
from vsl_assets.media.pages.ytdlp import _error
from vsl_assets.net.guard import ForbiddenAddressError, NetPolicy, guarded_resolution, parse_allowed_addresses
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import HTML_TYPE, Hosts

pytest.importorskip("yt_dlp")


def test_jw_player_setup_falls_back_to_ytdlp(hosts: Hosts) -> None:
    page_url = hosts.serve_page("jwplayer.html")
    source = resolve(page_url)
    assert source.kind == "yt-dlp:generic"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.title == "Masterclass Tráfego Pago - Aula 1"
    assert source.thumbnail == hosts.cdn.url("/img/jw-poster.jpg")
    assert source.referer == page_url and source.headers["Referer"] == page_url
    assert source.is_hls and len(source.variants) == 2
    assert hosts.cdn.segments_requested() == []
    # Every request yt-dlp made to the CDN carried the page as Referer.
    assert {r.headers.get("referer") for r in hosts.cdn.requests_to("/hls/")} == {page_url}


def test_embedded_player_page_goes_through_ytdlp(hosts: Hosts) -> None:
    hosts.serve_page("jwplayer.html", "/players/vsl.html", server=hosts.player)
    embed = hosts.player.url("/players/vsl.html")
    html = (
        "<html><head><title>Página da Oferta</title>"
        f'<meta property="og:video" content="{embed}"><meta property="og:video:type" content="text/html">'
        "</head><body></body></html>"
    )
    hosts.page.add_route("/oferta/", html.encode(), HTML_TYPE)
    page_url = hosts.page.url("/oferta/")
    source = resolve(page_url)
    assert source.kind == "yt-dlp:generic"
    assert source.embed_url == embed
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    [embed_request] = hosts.player.requests_to("/players/vsl.html")
    assert embed_request.headers["referer"] == page_url


def test_page_without_player_after_ytdlp(hosts: Hosts) -> None:
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.serve_page("noplayer.html"))
    assert info.value.reason == "no video player found on page"


def test_ytdlp_can_be_switched_off(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("yt-dlp was called although it is switched off")

    monkeypatch.setattr(ytdlp, "extract", never)
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.serve_page("noplayer.html"), options=ResolveOptions(use_ytdlp=False))
    assert info.value.reason == "no video player found on page"
    # The JW Player page is then read from its own setup (title and poster included).
    source = resolve(hosts.serve_page("jwplayer.html"), options=ResolveOptions(use_ytdlp=False))
    assert (source.kind, source.stream_url) == ("jwplayer", hosts.cdn.url("/hls/master.m3u8"))
    assert source.title == "Masterclass Tráfego Pago - Aula 1"


def test_hosted_embed_without_ytdlp_says_why(hosts: Hosts) -> None:
    html = '<html><body><iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e"></iframe></body></html>'
    hosts.page.add_route("/vimeo/", html.encode(), HTML_TYPE)
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.page.url("/vimeo/"), options=ResolveOptions(use_ytdlp=False))
    assert (
        info.value.reason
        == "no video player found on page (the video is embedded from player.vimeo.com, which needs yt-dlp)"
    )
    assert [r.path for r in hosts.page.received] == ["/vimeo/"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
        "https://player.vimeo.com/video/76979871?h=8272103f6e",
        "https://fast.wistia.net/embed/iframe/abc123xyz0",
        "https://iframe.mediadelivery.net/embed/123456/3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a",
        "https://cdn.jwplayer.com/players/AbCd1234-XyZ98765.html",
        "https://www.facebook.com/watch/?v=1234567890",
    ],
)
def test_known_hosts_go_to_ytdlp(url: str) -> None:
    assert is_known_host(url)


def test_unknown_hosts_and_social_widgets_do_not() -> None:
    assert not is_known_host("https://oferta.exemplo.com.br/vsl")
    assert not is_known_host("https://www.youtube.com.evil.example/watch", embed=True)
    assert not is_known_host("https://www.facebook.com/plugins/page.php?href=x", embed=True)


def test_embed_shapes_on_real_pages() -> None:
    html = """
    <iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0" allowfullscreen></iframe>
    <iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0" allow="autoplay; fullscreen"></iframe>
    <script src="https://fast.wistia.com/embed/medias/abc123xyz0.jsonp" async></script>
    <div class="wistia_embed wistia_async_abc123xyz0 videoFoam=true" style="height:100%;width:100%">&nbsp;</div>
    <iframe src="https://iframe.mediadelivery.net/embed/123456/3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a?autoplay=false" loading="lazy"></iframe>
    <script src="https://cdn.jwplayer.com/players/AbCd1234-XyZ98765.js"></script>
    <iframe src="https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fexemplo.com"></iframe>
    """
    candidate = embeds.detect(parse_page("https://lp.exemplo.com.br/", html))
    assert candidate is not None and candidate.ytdlp
    assert candidate.embed_url == "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0"
    assert candidate.others == (
        "https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0",
        "https://iframe.mediadelivery.net/embed/123456/3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a?autoplay=false",
        "https://fast.wistia.net/embed/iframe/abc123xyz0",
        "https://cdn.jwplayer.com/v2/media/AbCd1234",
    )


@pytest.mark.parametrize(
    ("message", "error", "reason"),
    [
        ("ERROR: Unsupported URL: https://x.example/page", NoPlayerFoundError, "no video player found on page"),
        (
            "ERROR: [generic] Unable to download webpage: HTTP Error 404: Not Found",
            HttpStatusError,
            "HTTP 404 from the page",
        ),
        (
            "ERROR: [vimeo] 123: Unable to download JSON metadata: HTTP Error 503: Service Unavailable",
            TransientHttpError,
            "HTTP 503 from the page",
        ),
        (
            "ERROR: [youtube] abc: This video is DRM protected",
            DrmProtectedError,
            "the video is DRM-protected (the site reports DRM); it cannot be downloaded",
        ),
        (
            "ERROR: [generic] Unable to download webpage: <urlopen error timed out>",
            NetworkError,
            "the page could not be reached by yt-dlp",
        ),
        (
            "ERROR: [vimeo] 76979871: Unable to download webpage: HTTPSConnection(host='vimeo.com', port=443): "
            "Failed to resolve 'vimeo.com' ([Errno -2] Name or service not known)",
            NetworkError,
            "the page could not be reached by yt-dlp",
        ),
        (
            "ERROR: [youtube] abc: Private video. Sign in if you've been granted access to this video",
            ExtractorError,
            "yt-dlp could not extract the video: [youtube] abc: Private video. Sign in if you've been granted access to this video",
        ),
    ],
)
def test_ytdlp_messages_become_typed_errors(message: str, error: type, reason: str) -> None:
    converted = _error(message, "page")
    assert isinstance(converted, error)
    assert converted.reason == reason


def test_ytdlp_error_reasons_hide_signed_urls() -> None:
    converted = _error("ERROR: [x] weird failure at https://cdn.example/v.m3u8?token=SECRET", "page")
    assert "SECRET" not in converted.reason and "https://cdn.example/v.m3u8?…" in converted.reason


def test_ytdlp_own_requests_are_guarded(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    # yt-dlp fetches with its own HTTP stack.  The page (on 127.0.0.1, allowed explicitly) redirects
    # it to 127.0.0.2, another loopback address: the guard refuses the host name resolution on
    # yt-dlp's thread, so no connection is made, and the reason is the guard's, not yt-dlp's.
    only_page = NetPolicy(allow_addresses=parse_allowed_addresses("127.0.0.1/32"))
    port = hosts.cdn.url("/").split(":")[2].split("/")[0]
    hosts.page.add_redirect("/go/", f"http://127.0.0.2:{port}/internal/admin")
    with pytest.raises(ForbiddenAddressError) as info:
        ytdlp.extract(hosts.page.url("/go/"), referer=None, options=ResolveOptions(net=only_page))
    assert "127.0.0.2 is a loopback address" in info.value.reason
    assert hosts.page.requests_to("/go/") and hosts.cdn.requests_to("/internal") == []
    # The guard is scoped: outside extraction, this thread resolves anything again.
    assert socket.getaddrinfo("127.0.0.2", 80)


def test_guarded_resolution_is_per_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    seen: list[object] = []

    def other_thread() -> None:
        seen.append(socket.getaddrinfo("127.0.0.1", 80)[0][4][0])

    with guarded_resolution() as refused:
        with pytest.raises(OSError, match="loopback"):
            socket.getaddrinfo("127.0.0.1", 80)
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen == ["127.0.0.1"] and len(refused) == 1
