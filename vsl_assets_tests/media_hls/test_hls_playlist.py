"""The M3U8 parser and the variant/rendition choice, on hand-written playlists (no network)."""

from __future__ import annotations

import pytest

from vsl_assets.errors import ConfigurationError, DownloadError
from vsl_assets.media.hls import HlsOptions, _human_s, choose_audio_rendition, choose_variant
from vsl_assets.media.hls.playlist import (
    ByteRange,
    MasterPlaylist,
    MediaPlaylist,
    PlaylistError,
    is_playlist,
    parse_attributes,
    parse_playlist,
)

BASE = "https://cdn.example.com/vsl/abc/index.m3u8?token=xyz"


def media(text: str) -> MediaPlaylist:
    playlist = parse_playlist(text, BASE)
    assert isinstance(playlist, MediaPlaylist)
    return playlist


def master(text: str) -> MasterPlaylist:
    playlist = parse_playlist(text, BASE)
    assert isinstance(playlist, MasterPlaylist)
    return playlist


def test_attributes_quoted_commas_and_enums() -> None:
    attrs = parse_attributes('BANDWIDTH=800000,CODECS="avc1.4d401f,mp4a.40.2", RESOLUTION=640x360,AUDIO="aud"')
    assert attrs == {"BANDWIDTH": "800000", "CODECS": "avc1.4d401f,mp4a.40.2", "RESOLUTION": "640x360", "AUDIO": "aud"}
    for bad in ("BANDWIDTH=1,,X=2", 'A="unterminated', "lowercase=1", "A=1,A=2"):
        with pytest.raises(PlaylistError):
            parse_attributes(bad)


def test_media_playlist_segments_keys_ranges_and_map() -> None:
    pl = media(
        "\ufeff#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:41\n"
        "#EXT-X-PLAYLIST-TYPE:VOD\n"
        '#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"\n'
        "# a comment\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\n"
        "#EXTINF:4.0,first\n#EXT-X-BYTERANGE:1000@720\nmedia.m4s\n"
        "#EXTINF:3.5,\n#EXT-X-BYTERANGE:500\nmedia.m4s\n"
        '#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1",IV=0x1\n'
        "#EXTINF:4,\nhttps://other.example.com/s3.m4s?sig=1\n"
        "#EXTINF:2.25,\n#EXT-X-DISCONTINUITY\ns4.m4s\n"
        "#EXT-X-KEY:METHOD=NONE\n"
        "#EXTINF:1.5,\ns5.m4s\n"
        "#EXT-X-ENDLIST\n"
    )
    assert [s.sequence for s in pl.segments] == [41, 42, 43, 44, 45]
    assert pl.duration_s == pytest.approx(15.25) and pl.target_duration == 4 and not pl.is_live
    first, second, third, fourth, fifth = pl.segments
    assert first.uri == "https://cdn.example.com/vsl/abc/media.m4s"
    assert first.byterange == ByteRange(1000, 720) and second.byterange == ByteRange(500, 1720)
    assert second.byterange.header == "bytes=1720-2219"
    assert first.init is not None and first.init.byterange == ByteRange(720, 0) and first.init.key is None
    assert third.uri == "https://other.example.com/s3.m4s?sig=1"
    assert third.key is not None and third.key.uri == "https://cdn.example.com/vsl/keys/k1"
    assert third.key.iv == (1).to_bytes(16, "big") and third.key.is_clear_aes128
    assert fourth.key == third.key and fourth.discontinuity and not third.discontinuity
    assert fifth.key is None and first.key is None
    assert pl.init_sections == (first.init,)


def test_live_and_event_playlists_have_no_end() -> None:
    body = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.ts\n"
    assert media(body).is_live
    assert media(body.replace("#EXTM3U\n", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n")).is_live
    assert not media(body.replace("#EXTM3U\n", "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n")).is_live
    assert not media(body + "#EXT-X-ENDLIST\n").is_live


def test_several_keys_in_a_row_prefer_the_identity_aes_key() -> None:
    pl = media(
        "#EXTM3U\n"
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYFORMAT="com.apple.streamingkeydelivery"\n'
        '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"\n'
        "#EXTINF:2,\na.ts\n"
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://y",KEYFORMAT="com.apple.streamingkeydelivery"\n'
        "#EXTINF:2,\nb.ts\n#EXT-X-ENDLIST\n"
    )
    assert pl.segments[0].key is not None and pl.segments[0].key.is_clear_aes128
    assert pl.segments[0].key.iv is None  # the media sequence number will be the IV
    assert pl.segments[1].key is not None and pl.segments[1].key.method == "SAMPLE-AES"
    assert pl.segments[1].key.uri == "skd://y"  # DRM key URIs are kept verbatim


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html><body>nope</body></html>", "no #EXTM3U"),
        ("", "no #EXTM3U"),
        ("#EXTM3U\na.ts\n", "without #EXTINF"),
        ("#EXTM3U\n#EXTINF:2,\n", "has no segment URI"),
        ("#EXTM3U\n#EXTINF:two,\na.ts\n", "invalid segment duration"),
        ("#EXTM3U\n#EXTINF:2,\nfile:///etc/passwd\n", "forbidden protocol"),
        ('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0xZZ\n#EXTINF:2,\na.ts\n', "invalid encryption IV"),
        ("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128\n#EXTINF:2,\na.ts\n", "no key URI"),
        ("#EXTM3U\n#EXTINF:2,\n#EXT-X-BYTERANGE:100\na.ts\n", "no offset"),
        ("#EXTM3U\n#EXT-X-ENDLIST\n", "no segments"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXTINF:2,\na.ts\n", "mixes"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\nv.m3u8\n", "no BANDWIDTH"),
        ("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", "no URI line"),
        ("#EXTM3U\n#EXT-X-I-FRAMES-ONLY\n#EXTINF:2,\na.ts\n", "I-frame"),
    ],
)
def test_malformed_playlists_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PlaylistError, match=message) as info:
        parse_playlist(text, BASE)
    assert isinstance(info.value, DownloadError) and not info.value.transient


def test_is_playlist_sniffs_the_header() -> None:
    assert is_playlist(b"\xef\xbb\xbf\n#EXTM3U\n")
    assert not is_playlist(b"\x00\x00\x00\x20ftypisom")
    assert not is_playlist(b"<!doctype html>")


MASTER = """#EXTM3U
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="Português",LANGUAGE="pt",AUTOSELECT=YES,URI="audio/pt.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="audio/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="muxed",NAME="main",DEFAULT=YES
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"
v720/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.42c015,mp4a.40.2",AUDIO="muxed"
v240/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,FRAME-RATE=29.970
v1080/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360
v360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"
audio-only.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI="iframes.m3u8"
"""


@pytest.mark.parametrize(
    ("policy", "height"),
    [
        ("best<=720", 720),
        ("best", 1080),
        ("smallest", 240),
        ("best<=480", 360),
        ("best <= 360p", 360),
        ("best<=200", 240),  # nothing at or under 200: the lowest above
    ],
)
def test_variant_policy(policy: str, height: int) -> None:
    chosen = choose_variant(master(MASTER), policy)
    assert chosen.height == height
    assert chosen.uri == f"https://cdn.example.com/vsl/abc/v{height}/index.m3u8"


def test_variants_without_resolution_and_audio_only_variants() -> None:
    pl = master(MASTER)
    audio_only = next(v for v in pl.variants if v.uri.endswith("audio-only.m3u8"))
    assert audio_only.audio_only and not pl.variants[0].audio_only
    bare = master("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100\nlo.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=900\nhi.m3u8\n")
    assert choose_variant(bare, "best<=720").uri.endswith("hi.m3u8")
    assert choose_variant(bare, "smallest").uri.endswith("lo.m3u8")


def test_audio_rendition_choice() -> None:
    pl = master(MASTER)
    by_height = {v.height: v for v in pl.variants}
    rendition = choose_audio_rendition(pl, by_height[720])
    assert rendition is not None and rendition.language == "en"  # DEFAULT=YES wins
    assert rendition.uri == "https://cdn.example.com/vsl/abc/audio/en.m3u8"
    assert choose_audio_rendition(pl, by_height[240]) is None  # the default rendition has no URI: muxed
    assert choose_audio_rendition(pl, by_height[1080]) is None  # no AUDIO group


def test_human_durations() -> None:
    assert [_human_s(s) for s in (19.2, 605, 4 * 3600, 5 * 3600 + 600)] == [
        "19 s",
        "10 min 05 s",
        "4 h 00 min",
        "5 h 10 min",
    ]


def test_options_refuse_unknown_policy_and_zero_concurrency() -> None:
    with pytest.raises(ConfigurationError, match="variant policy"):
        HlsOptions(variant_policy="biggest")
    with pytest.raises(ConfigurationError):
        HlsOptions(concurrency=0)
    assert HlsOptions().window == 16 and HlsOptions(concurrency=3, reorder_window=4).window == 4
    headers = HlsOptions(
        referer="https://page.example/", origin="https://page.example", headers={"X-Token": "1"}
    ).request_headers()
    assert headers["Referer"] == "https://page.example/" and headers["Origin"] == "https://page.example"
    assert headers["X-Token"] == "1" and headers["User-Agent"].startswith("Mozilla/5.0")
