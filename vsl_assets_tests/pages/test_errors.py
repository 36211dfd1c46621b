"""Every way a resolution fails, with the reason a person reads."""

from __future__ import annotations

import socket
import time

import pytest

from vsl_assets.errors import InvalidUrlError, PermanentError, TransientError
from vsl_assets.media.pages import (
    DrmProtectedError,
    HttpStatusError,
    NetworkError,
    NoPlayerFoundError,
    NotAStreamError,
    ResolveOptions,
    StreamExpiredError,
    TooManyRedirectsError,
    TransientHttpError,
)
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import FIXTURES, HLS_TYPE, HTML_TYPE, MASTER, Hosts

NO_YTDLP = ResolveOptions(use_ytdlp=False)
EXPIRED_REASON = "the stream URL has expired (signed URL token no longer valid)"


def _page_with_video(hosts: Hosts, stream: str) -> str:
    html = f'<html><head><title>VSL</title></head><body><video controls src="{stream}"></video></body></html>'
    hosts.page.add_route("/vsl/", html.encode(), HTML_TYPE)
    return hosts.page.url("/vsl/")


# -- the page -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 403, 410])
def test_page_client_errors_are_permanent(hosts: Hosts, status: int) -> None:
    hosts.page.set_status("/vsl/", status)
    with pytest.raises(HttpStatusError) as info:
        resolve(hosts.page.url("/vsl/"))
    assert info.value.reason == f"HTTP {status} from the page"
    assert isinstance(info.value, PermanentError) and not info.value.transient


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_page_server_errors_are_transient(hosts: Hosts, status: int) -> None:
    hosts.page.set_status("/vsl/", status)
    with pytest.raises(TransientHttpError) as info:
        resolve(hosts.page.url("/vsl/"))
    assert info.value.reason == f"HTTP {status} from the page"
    assert isinstance(info.value, TransientError) and info.value.transient


def test_page_timeout_is_transient(hosts: Hosts) -> None:
    hosts.page.set_delay("/slow/", 3.0)
    started = time.monotonic()
    with pytest.raises(NetworkError) as info:
        resolve(hosts.page.url("/slow/"), options=ResolveOptions(read_timeout_s=0.1))
    assert time.monotonic() - started < 2.5
    assert info.value.reason == "the page did not respond in time (ReadTimeout)"
    assert info.value.transient


def test_page_stalled_mid_body_is_transient(hosts: Hosts) -> None:
    hosts.page.add_route("/stall/", b"<html>" + b" " * 10_000, HTML_TYPE)
    hosts.page.set_stall("/stall/", 100)
    with pytest.raises(NetworkError) as info:
        resolve(hosts.page.url("/stall/"), options=ResolveOptions(read_timeout_s=0.1))
    assert info.value.reason == "the page did not respond in time (ReadTimeout)"


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(NetworkError) as info:
        resolve(f"http://127.0.0.1:{port}/vsl/")
    assert info.value.reason == "could not connect to the page host 127.0.0.1"


def test_redirect_loop(hosts: Hosts) -> None:
    hosts.page.add_redirect("/a/", "/b/")
    hosts.page.add_redirect("/b/", "/a/")
    with pytest.raises(TooManyRedirectsError) as info:
        resolve(hosts.page.url("/a/"))
    assert info.value.reason == "the page redirected too many times (redirect loop?)"
    assert len(hosts.page.received) == 6  # the first request and five redirects


def test_redirects_are_followed_and_the_final_url_is_the_base(hosts: Hosts) -> None:
    hosts.cdn.add_hls("/lp/new/media/master.m3u8")
    hosts.page.add_redirect("/old", hosts.cdn.url("/lp/new/"))
    hosts.cdn.add_route("/lp/new/", b'<video controls src="media/master.m3u8"></video>', HTML_TYPE)
    source = resolve(hosts.page.url("/old"))
    assert source.stream_url == hosts.cdn.url("/lp/new/media/master.m3u8")
    assert source.page_url == hosts.page.url("/old") and source.referer == hosts.cdn.url("/lp/new/")


def test_no_player_on_page(hosts: Hosts) -> None:
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.serve_page("noplayer.html"), options=NO_YTDLP)
    assert info.value.reason == "no video player found on page"


def test_player_beyond_the_page_size_limit(hosts: Hosts) -> None:
    html = (
        "<html><body>" + "<p>texto de vendas</p>" * 500 + f'<video src="{hosts.cdn.url("/hls/master.m3u8")}"></video>'
    )
    hosts.page.add_route("/long/", html.encode(), HTML_TYPE)
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.page.url("/long/"), options=ResolveOptions(use_ytdlp=False, max_page_bytes=4096))
    assert info.value.reason == "no video player found on page (only the first part of a very large page was read)"


def test_invalid_url() -> None:
    with pytest.raises(InvalidUrlError) as info:
        resolve("ftp://example.com/vsl")
    assert info.value.reason == "unsupported URL scheme 'ftp': only http and https URLs can be added"


# -- the stream -----------------------------------------------------------------------------


def test_stream_404(hosts: Hosts) -> None:
    with pytest.raises(HttpStatusError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url("/missing/master.m3u8")))
    assert info.value.reason == "HTTP 404 from the stream URL"


def test_stream_503_is_transient(hosts: Hosts) -> None:
    hosts.cdn.set_status("/hls/master.m3u8", 503)
    with pytest.raises(TransientHttpError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url("/hls/master.m3u8")))
    assert info.value.reason == "HTTP 503 from the stream URL"


def test_playlist_url_serving_html(hosts: Hosts) -> None:
    hosts.cdn.add_route("/err/master.m3u8", b"<html><body>Access denied</body></html>", "text/html")
    with pytest.raises(NotAStreamError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url("/err/master.m3u8")))
    assert info.value.reason == "the stream URL did not return an HLS playlist (got a web page)"


@pytest.mark.parametrize(
    ("body", "ctype", "got"),
    [
        (b"<!DOCTYPE html><html><body>Expired</body></html>", "application/vnd.apple.mpegurl", "a web page"),
        (b"", "application/vnd.apple.mpegurl", "an empty response"),
        (b"\x00\x01 binary", "application/octet-stream", "application/octet-stream"),
    ],
)
def test_playlist_url_says_what_came_instead(hosts: Hosts, body: bytes, ctype: str, got: str) -> None:
    # The content type promises a playlist; the reason describes the body, not the header.
    hosts.cdn.add_route("/err/x.m3u8", body, ctype)
    with pytest.raises(NotAStreamError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url("/err/x.m3u8")))
    assert info.value.reason == f"the stream URL did not return an HLS playlist (got {got})"


def test_variant_playlist_missing(hosts: Hosts) -> None:
    hosts.cdn.add_route("/broken/master.m3u8", MASTER, HLS_TYPE)
    with pytest.raises(HttpStatusError) as info:
        resolve(hosts.cdn.url("/broken/master.m3u8"))
    assert info.value.reason == "HTTP 404 from the stream URL (variant playlist)"


@pytest.mark.parametrize(
    ("playlist", "why"),
    [
        ("fairplay.m3u8", "FairPlay key in the HLS playlist"),
        ("widevine_master.m3u8", "Widevine key in the HLS playlist"),
    ],
)
def test_drm_playlists(hosts: Hosts, playlist: str, why: str) -> None:
    hosts.cdn.add_route(f"/drm/{playlist}", (FIXTURES / "hls" / playlist).read_bytes(), HLS_TYPE)
    page_url = _page_with_video(hosts, hosts.cdn.url(f"/drm/{playlist}"))
    with pytest.raises(DrmProtectedError) as info:
        resolve(page_url)
    assert info.value.reason == f"the video is DRM-protected ({why}); it cannot be downloaded"

    source = resolve(page_url, options=ResolveOptions(fail_on_drm=False))
    assert source.drm is True and source.kind == "html5"


def test_sample_aes_identity_key_counts_as_drm(hosts: Hosts) -> None:
    body = b'#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="https://keys.example/k1"\n#EXTINF:6,\ns0.ts\n#EXT-X-ENDLIST\n'
    hosts.cdn.add_route("/sa/index.m3u8", body, HLS_TYPE)
    with pytest.raises(DrmProtectedError) as info:
        resolve(hosts.cdn.url("/sa/index.m3u8"))
    assert (
        info.value.reason
        == "the video is DRM-protected (SAMPLE-AES encryption in the HLS playlist); it cannot be downloaded"
    )


def test_aes128_is_not_drm(hosts: Hosts) -> None:
    hosts.cdn.add_route("/aes/index.m3u8", (FIXTURES / "hls" / "aes128.m3u8").read_bytes(), HLS_TYPE)
    source = resolve(hosts.cdn.url("/aes/index.m3u8"))
    assert source.kind == "direct-hls" and not source.drm


def test_expiry_in_the_past_fails_without_a_request(hosts: Hosts) -> None:
    url = hosts.cdn.url("/hls/master.m3u8?token=9f8e7d6c&expires=1600000000")
    with pytest.raises(StreamExpiredError) as info:
        resolve(_page_with_video(hosts, url))
    assert info.value.reason == EXPIRED_REASON
    assert hosts.cdn.received == []


@pytest.mark.parametrize("status", [403, 410])
def test_signed_url_refused_means_expired(hosts: Hosts, status: int) -> None:
    hosts.cdn.set_status("/signed/master.m3u8", status)
    future = int(time.time()) + 3600
    with pytest.raises(StreamExpiredError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url(f"/signed/master.m3u8?hdnts=exp={future}~acl=/*~hmac=ab12")))
    assert info.value.reason == EXPIRED_REASON


def test_unsigned_url_refused_is_plain_403(hosts: Hosts) -> None:
    hosts.cdn.set_status("/plain/master.m3u8", 403)
    with pytest.raises(HttpStatusError) as info:
        resolve(_page_with_video(hosts, hosts.cdn.url("/plain/master.m3u8")))
    assert info.value.reason == "HTTP 403 from the stream URL"
