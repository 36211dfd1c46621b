"""Playlist parsing and signed-URL recognition, without a network."""

from __future__ import annotations

import time

import pytest

from vsl_assets.media.pages import NotAStreamError
from vsl_assets.media.pages.hls_probe import parse_playlist
from vsl_assets.media.pages.signed import expiry, is_expired, is_signed
from vsl_assets_tests.pages._support import FIXTURES, MASTER, MEDIA


def test_master_playlist_variants_best_first() -> None:
    playlist = parse_playlist(MASTER.decode(), "https://cdn.example.com/v/abc/master.m3u8")
    assert playlist.is_master and playlist.drm is None
    assert [(v.url, v.bandwidth, v.resolution) for v in playlist.variants] == [
        ("https://cdn.example.com/v/abc/720p/index.m3u8", 1280000, "1280x720"),
        ("https://cdn.example.com/v/abc/360p/index.m3u8", 640000, "640x360"),
    ]
    assert playlist.variants[0].codecs == "avc1.64001f,mp4a.40.2"


def test_media_playlist_duration() -> None:
    playlist = parse_playlist(MEDIA.decode(), "https://cdn.example.com/v/abc/720p/index.m3u8")
    assert not playlist.is_master and playlist.segments == 3
    assert playlist.duration_s == 15.5 and playlist.endlist


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("fairplay.m3u8", "FairPlay key in the HLS playlist"),
        ("widevine_master.m3u8", "Widevine key in the HLS playlist"),
    ],
)
def test_drm_keys(name: str, why: str) -> None:
    assert parse_playlist((FIXTURES / "hls" / name).read_text(), "https://x/p.m3u8").drm == why


def test_playready_and_aes128() -> None:
    playready = '#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:...",KEYFORMAT="com.microsoft.playready"\n#EXTINF:4,\na.ts\n'
    assert parse_playlist(playready, "https://x/p.m3u8").drm == "PlayReady key in the HLS playlist"
    assert parse_playlist((FIXTURES / "hls" / "aes128.m3u8").read_text(), "https://x/p.m3u8").drm is None


def test_not_a_playlist() -> None:
    with pytest.raises(NotAStreamError) as info:
        parse_playlist("<html>nope</html>", "https://x/p.m3u8")
    assert info.value.reason == "the stream URL did not return an HLS playlist"


def test_signed_url_shapes() -> None:
    now = 1_700_000_000.0
    assert is_signed("https://b-cdn.example/v/playlist.m3u8?token=abc&expires=1700003600")
    assert not is_signed("https://cdn.example/v/playlist.m3u8?quality=hd")
    assert expiry("https://x/p.m3u8?token=a&expires=1700003600") == 1700003600
    assert expiry("https://x/p.m3u8?e=1699999999000&st=x") == 1699999999.0  # milliseconds
    assert expiry("https://x/p.m3u8?hdnts=st=1699990000~exp=1699999000~acl=/*~hmac=ab") == 1699999000
    assert expiry("https://s3.example/v.mp4?X-Amz-Date=20231114T220000Z&X-Amz-Expires=600&X-Amz-Signature=ab") == (
        1699999800.0
    )
    assert expiry("https://x/p.m3u8?e=12") is None  # not an epoch
    assert is_expired("https://x/p.m3u8?Expires=1699999999&Signature=a&Key-Pair-Id=K", now=now)
    assert not is_expired("https://x/p.m3u8?expires=1700003600", now=now)
    assert not is_expired("https://x/p.m3u8?token=abc", now=time.time())
