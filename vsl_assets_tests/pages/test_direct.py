"""URLs that are streams themselves: no page parsing, one small request."""

from __future__ import annotations

import httpx
import pytest

from vsl_assets.media.pages import ResolveOptions
from vsl_assets_tests.loopback import Fetcher, resolve
from vsl_assets_tests.pages._support import FAKE_MP4, HLS_TYPE, MEDIA, Hosts


def test_direct_master_playlist(hosts: Hosts) -> None:
    url = hosts.cdn.url("/hls/master.m3u8")
    source = resolve(url)
    assert (source.kind, source.stream_url, source.page_url) == ("direct-hls", url, url)
    assert source.is_hls and [v.bandwidth for v in source.variants] == [1280000, 640000]
    assert source.duration_s == 15.5
    assert source.referer is None and source.headers == {}
    assert source.title is None and source.other_videos == []
    assert hosts.cdn.segments_requested() == []
    # One GET for the master, one for its best variant: nothing else.
    assert [r.path for r in hosts.cdn.received] == ["/hls/master.m3u8", "/hls/720p/index.m3u8"]


def test_direct_media_playlist_without_variant_probe(hosts: Hosts) -> None:
    source = resolve(hosts.cdn.url("/hls/master.m3u8"), options=ResolveOptions(probe_variant=False))
    assert source.kind == "direct-hls" and source.duration_s is None
    assert [r.path for r in hosts.cdn.received] == ["/hls/master.m3u8"]


def test_direct_mp4_uses_a_ranged_get(hosts: Hosts) -> None:
    hosts.cdn.add_route("/files/vsl.mp4", FAKE_MP4 * 100, "video/mp4")
    source = resolve(hosts.cdn.url("/files/vsl.mp4"))
    assert source.kind == "direct-media" and not source.is_hls
    [request] = hosts.cdn.received
    assert request.headers["range"] == "bytes=0-4095"


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (MEDIA, HLS_TYPE, "direct-hls"),
        (MEDIA, "text/plain", "direct-hls"),  # mislabelled playlist: recognised by #EXTM3U
        (FAKE_MP4 * 600, "video/mp4", "direct-media"),
        (FAKE_MP4 * 600, "application/octet-stream", "direct-media"),  # sniffed: ftyp box
    ],
)
def test_extensionless_stream_urls(hosts: Hosts, body: bytes, content_type: str, kind: str) -> None:
    hosts.cdn.add_route("/stream/abc123", body, content_type)
    source = resolve(hosts.cdn.url("/stream/abc123?quality=hd"))
    assert source.kind == kind


def test_media_body_is_sniffed_not_downloaded(hosts: Hosts) -> None:
    hosts.cdn.add_route("/stream/big", FAKE_MP4 * 700, "video/mp4")  # ~5.7 MB
    with Fetcher(ResolveOptions()) as fetcher:
        fetched = fetcher.get(hosts.cdn.url("/stream/big"), what="page", max_bytes=5 * 1024 * 1024)
    assert fetched.stream_kind == "media"
    assert len(fetched.body) <= 64 * 1024 and fetched.truncated


def test_callers_client_is_used_and_left_open(hosts: Hosts) -> None:
    with httpx.Client(headers={"X-Trace": "vsl-42"}) as client:
        source = resolve(hosts.cdn.url("/hls/master.m3u8"), client=client)
        assert source.kind == "direct-hls"
        assert not client.is_closed
    assert hosts.cdn.received[0].headers["x-trace"] == "vsl-42"
