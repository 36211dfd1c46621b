"""Real ffmpeg against real HLS served on 127.0.0.1 — every test once per ffmpeg build.

The safety behaviour (what is refused, and the reason a person reads) must not depend on which
ffmpeg is installed: Debian's (5.x, on PATH when installed) and imageio-ffmpeg's (7.x, the
fallback on a machine with only Python) both run every test here.
"""

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest

from vsl_assets.errors import DownloadError, MediaError, TransientDownloadError
from vsl_assets.media import audio, download, probe
from vsl_assets.media.audio import decode_pcm
from vsl_assets.media.download import DownloadOptions
from vsl_assets.media.hls import HlsOptions
from vsl_assets.media.probe import MediaInfo
from vsl_assets.net.guard import ForbiddenAddressError, NetPolicy, parse_allowed_addresses
from vsl_assets_tests import loopback
from vsl_assets_tests.conftest import IN_CI, SPEECH_EN
from vsl_assets_tests.servers import audio_duration

FFMPEG_BUILDS = {"system": shutil.which("ffmpeg"), "imageio": imageio_ffmpeg.get_ffmpeg_exe()}
#: The build the current test runs with (set by ``ffmpeg_build``); handed to the media code as
#: ``VSL_FFMPEG`` is by the pipeline's resources, since the media code reads no settings.
_BUILD: dict[str, str] = {}


@pytest.fixture(autouse=True, params=["imageio", pytest.param("system", marks=pytest.mark.slow)])
def ffmpeg_build(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    binary = FFMPEG_BUILDS[request.param]
    if binary is None:
        if IN_CI:
            pytest.fail("CI must test Debian's ffmpeg too (.ci/run installs it)")
        pytest.skip("no ffmpeg on PATH")
    monkeypatch.setitem(_BUILD, "ffmpeg", binary)
    return binary


def download_stream(url: str, dest: Path, log: Callable[[str], None] | None = None) -> MediaInfo:
    """``download_stream`` with the test's ffmpeg, loopback allowed and HLS retries that back off for
    milliseconds, not seconds (the retries still happen: 503s and refused connections are retried)."""
    fast = HlsOptions(backoff_s=0.01, backoff_max_s=0.05, net=loopback.LOOPBACK)
    options = DownloadOptions(ffmpeg=_BUILD["ffmpeg"], net=loopback.LOOPBACK)
    return download.fetch_video(url, dest, options, hls_options=fast, log=log)


def extract_audio(video: Path, dest: Path, **kwargs: Any) -> MediaInfo:
    return audio.extract_audio(video, dest, ffmpeg=_BUILD["ffmpeg"], **kwargs)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_download_hls_and_extract_audio(media_server, tmp_path: Path) -> None:
    logged: list[str] = []
    video = download_stream(media_server.url("/good/index.m3u8"), tmp_path / "v.mp4", log=logged.append)
    assert video.video_codec == "h264" and video.audio_codec == "aac"
    assert (video.width, video.height) == (320, 240)
    assert abs(video.duration_s - audio_duration(SPEECH_EN)) < 0.5
    assert video.size_bytes == (tmp_path / "v.mp4").stat().st_size > 10_000
    assert any("downloaded" in line for line in logged)
    segs = [p for p in media_server.paths_requested("GET") if p.endswith(".ts")]
    assert len(segs) == len(list((media_server.root / "good").glob("*.ts"))) >= 9

    audio = extract_audio(tmp_path / "v.mp4", tmp_path / "a.ogg", fmt="opus", bitrate="32k")
    assert audio.audio_codec == "opus" and audio.channels == 1 and audio.video_codec is None
    assert abs(audio.duration_s - video.duration_s) < 1.0
    # 32 kbit/s: about 4 KB per second of audio, far under the API's 25 MB for an hour and a half.
    assert 2_500 * audio.duration_s < audio.size_bytes < 6_000 * audio.duration_s
    # ffmpeg reads it back whole: as long as the video, mono.
    back = probe(decode_pcm(tmp_path / "a.ogg", tmp_path / "back.wav", ffmpeg=_BUILD["ffmpeg"]))
    assert back.channels == 1 and abs(back.duration_s - video.duration_s) < 1.0
    (tmp_path / "back.wav").unlink()
    assert _leftovers(tmp_path) == ["a.ogg", "v.mp4"]


def test_direct_mp4_url(media_server, tmp_path: Path) -> None:
    info = download_stream(media_server.url("/direct/video.mp4"), tmp_path / "v.mp4")
    assert info.audio_codec == "aac" and info.duration_s > 15


def _direct(media_server, url: str, tmp_path: Path, pcm: Path) -> MediaInfo:
    options = DownloadOptions(ffmpeg=_BUILD["ffmpeg"], net=loopback.LOOPBACK)
    return download.fetch_video(media_server.url(url), tmp_path / "videos" / "v.mp4", options, pcm=pcm)


def test_a_vp8_webm_is_converted_to_an_mp4_a_browser_plays(media_server, tmp_path: Path) -> None:
    """VP8 has no MP4 tag, so ``-c copy`` fails on every ffmpeg; the download converts it once to
    H.264/AAC and says so, instead of failing with a misleading "invalid data"."""
    webm = media_server.root / "webm" / "vp8.webm"
    if not webm.exists():  # into the media every worker shares: made whole, then named (os.replace)
        webm.parent.mkdir(exist_ok=True)
        part = webm.with_name(f".{os.getpid()}.webm")
        subprocess.run(
            [_BUILD["ffmpeg"], "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
             "-c:v", "libvpx", "-b:v", "100k", "-c:a", "libopus", "-b:a", "32k", str(part)],
            check=True,
        )  # fmt: skip
        os.replace(part, webm)
    said: list[str] = []
    info = download_stream(media_server.url("/webm/vp8.webm"), tmp_path / "videos" / "v.mp4", log=said.append)
    assert (info.video_codec, info.audio_codec, info.container.split(",")[0]) == ("h264", "aac", "mov")
    assert abs(info.duration_s - 2.0) < 0.3
    assert any("converting it to H.264/AAC" in line for line in said)
    assert _leftovers(tmp_path / "videos") == ["v.mp4"]


def test_a_codec_an_mp4_cannot_hold_gets_its_own_reason() -> None:
    stderr = "[mp4 @ 0x1] Could not find tag for codec theora in stream #0, codec not currently supported in container"
    failure = download._remux_failure(download.FfmpegResult(1, stderr, 0.0))
    assert failure.reason == "the video's codec cannot be stored as MP4 and could not be converted"


@pytest.mark.slow
def test_a_direct_media_download_also_decodes_the_pcm_the_transcription_reads(media_server, tmp_path: Path) -> None:
    """As with HLS, the PCM is decoded from the bytes as they arrive: byte for byte what decoding the
    stored MP4 gives (``decode_pcm``), so the transcription need not decode the video first."""
    pcm = tmp_path / "audio" / "vsl.wav"
    pcm.parent.mkdir()
    info = _direct(media_server, "/direct/video.mp4", tmp_path, pcm)
    decoded = decode_pcm(tmp_path / "videos" / "v.mp4", tmp_path / "decoded.wav", ffmpeg=_BUILD["ffmpeg"])
    assert pcm.read_bytes() == decoded.read_bytes()
    assert abs(probe(pcm).duration_s - info.duration_s) < 0.5
    assert _leftovers(tmp_path / "audio") == ["vsl.wav"] and _leftovers(tmp_path / "videos") == ["v.mp4"]


@pytest.mark.slow
def test_a_direct_mp4_with_its_index_at_the_end_is_stored_without_a_pcm(media_server, tmp_path: Path) -> None:
    """A pipe cannot be read back to an index written after the media (ffmpeg then writes an empty
    WAV and exits 0): no PCM, and the video is stored as before; so is a failed download."""
    late = media_server.root / "late-index" / "video.mp4"
    if not late.exists():  # into the media every worker shares: made whole, then named (os.replace)
        late.parent.mkdir(exist_ok=True)
        src = media_server.root / "direct" / "video.mp4"
        part = late.with_name(f".{os.getpid()}.mp4")
        subprocess.run(
            [_BUILD["ffmpeg"], "-loglevel", "error", "-y", "-i", str(src), "-c", "copy", str(part)], check=True
        )
        os.replace(part, late)
    assert download.index_first(late.read_bytes()[:65536]) is False
    pcm = tmp_path / "audio" / "vsl.wav"
    pcm.parent.mkdir()
    info = _direct(media_server, "/late-index/video.mp4", tmp_path, pcm)
    assert info.audio_codec == "aac" and info.duration_s > 15
    assert _leftovers(tmp_path / "audio") == []
    with pytest.raises(DownloadError, match="HTTP 404"):
        _direct(media_server, "/direct/missing.mp4", tmp_path, pcm)
    assert _leftovers(tmp_path / "audio") == []


def test_an_mp4_is_piped_to_the_decoder_only_when_its_index_comes_first() -> None:
    def box(kind: bytes, body: bytes = b"") -> bytes:
        return (8 + len(body)).to_bytes(4, "big") + kind + body

    ftyp = box(b"ftyp", b"isom\0\0\2\0")
    assert download.index_first(ftyp + box(b"free") + box(b"moov", b"x" * 20)) is True
    assert download.index_first(ftyp + box(b"mdat", b"x" * 20) + box(b"moov")) is False
    # A 64-bit size: the box after it is where that size says.
    large = (1).to_bytes(4, "big") + b"free" + (24).to_bytes(8, "big") + b"y" * 8
    assert download.index_first(ftyp + large + box(b"moov")) is True
    assert download.index_first(ftyp + box(b"free", b"z" * 100)[:20]) is None  # not told yet
    assert download.index_first(b"\x1aE\xdf\xa3webm...") is True  # not an MP4: the demuxer decides


def test_mp3_audio_format(media_server, tmp_path: Path) -> None:
    download_stream(media_server.url("/good/index.m3u8"), tmp_path / "v.mp4")
    info = extract_audio(tmp_path / "v.mp4", tmp_path / "a.mp3", fmt="mp3", bitrate="32k")
    assert info.audio_codec == "mp3" and info.sample_rate == 16000 and info.channels == 1


@pytest.mark.parametrize(
    ("setup", "url", "error", "reason"),
    [
        (lambda s: None, "/missing/index.m3u8", DownloadError, "HTTP 404 from the stream URL"),
        (
            lambda s: s.set_status("/good/index.m3u8", 403),
            "/good/index.m3u8",
            DownloadError,
            "HTTP 403 from the stream URL",
        ),
        (lambda s: s.set_status("/good/index.m3u8", 503), "/good/index.m3u8", TransientDownloadError, "HTTP 503"),
        (lambda s: None, "/notvideo/index.m3u8", DownloadError, "not a playable video stream"),
        (
            lambda s: s.set_status("/good/seg_003.ts", 404),
            "/good/index.m3u8",
            DownloadError,
            "segment 4 of 10 could not be downloaded after 2 attempts (HTTP 404)",
        ),
        (
            lambda s: s.set_status("/direct/video.mp4", 404),
            "/direct/video.mp4",
            DownloadError,
            "HTTP 404 from the stream URL",
        ),
        (
            lambda s: s.set_status("/direct/video.mp4", 503),
            "/direct/video.mp4",
            TransientDownloadError,
            "HTTP 503 from the stream URL",
        ),
        (
            lambda s: s.add_route("/direct/page.mp4", b"<html>sold out</html>", "text/html"),
            "/direct/page.mp4",
            DownloadError,
            "the stream URL returned a web page (text/html), not a video",
        ),
    ],
)
def test_bad_streams_fail_with_reason_and_leave_nothing(media_server, tmp_path, setup, url, error, reason) -> None:
    setup(media_server)
    with pytest.raises(error) as info:
        download_stream(media_server.url(url), tmp_path / "v.mp4")
    assert reason in info.value.reason
    assert _leftovers(tmp_path) == []


def test_connection_refused_is_transient(tmp_path: Path) -> None:
    with pytest.raises(TransientDownloadError) as info:
        download_stream("http://127.0.0.1:9/index.m3u8", tmp_path / "v.mp4")
    assert "connection refused" in info.value.reason


def test_file_protocol_in_playlist_is_not_followed(media_server, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile://{secret}\n#EXT-X-ENDLIST\n"
    media_server.add_route("/evil/index.m3u8", playlist.encode(), "application/vnd.apple.mpegurl")
    out = tmp_path / "out"
    with pytest.raises(DownloadError):
        download_stream(media_server.url("/evil/index.m3u8"), out / "v.mp4")
    assert _leftovers(out) == []


def test_direct_media_that_is_really_a_local_file_playlist_opens_nothing(media_server, tmp_path: Path) -> None:
    # An ".mp4" that is an HLS playlist (or a concat script) naming local files: the bytes are
    # fetched by our client and ffmpeg reads them with only the `file` protocol and plain media
    # demuxers, so neither the hls nor the concat demuxer may run and no local file is opened.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    playlist = "the stream URL is not a plain media file (it is an HLS playlist, which is not followed)"
    evil = {
        "/evil/hls.mp4": (
            f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile://{secret}\n#EXT-X-ENDLIST\n",
            playlist,
        ),
        "/evil/concat.mp4": (
            f"ffconcat version 1.0\nfile '{secret}'\n",
            "the stream URL is not a plain media file (it is an ffmpeg concat script, which is not followed)",
        ),
        "/evil/subfile.mp4": (
            f"#EXTM3U\n#EXTINF:2.0,\nsubfile,,start,0,end,0,,:{secret}\n#EXT-X-ENDLIST\n",
            playlist,
        ),
        "/evil/bom-hls.mp4": (f"\ufeff\n#EXTM3U\n#EXTINF:2.0,\nfile://{secret}\n#EXT-X-ENDLIST\n", playlist),
    }
    for path, (body, reason) in evil.items():
        media_server.add_route(path, body.encode(), "video/mp4")
        out = tmp_path / "out"
        with pytest.raises(DownloadError) as info:
            download_stream(media_server.url(path), out / "v.mp4")
        assert info.value.reason == reason, (path, info.value.reason)
        assert "TOP-SECRET" not in (info.value.detail or "") and _leftovers(out) == []


def test_direct_media_redirects_are_checked_hop_by_hop(media_server, tmp_path: Path, monkeypatch) -> None:
    # 127.0.0.1 is allowed explicitly; a redirect to another loopback address is not, and is
    # refused before any connection to it (ffmpeg used to follow such redirects unchecked).
    options = DownloadOptions(
        net=NetPolicy(allow_addresses=parse_allowed_addresses("127.0.0.1/32")), ffmpeg=_BUILD["ffmpeg"]
    )
    port = media_server.url("/").split(":")[2].split("/")[0]
    media_server.add_redirect("/hop/video.mp4", f"http://127.0.0.2:{port}/direct/video.mp4")
    with pytest.raises(ForbiddenAddressError) as info:
        download.download_stream(media_server.url("/hop/video.mp4"), tmp_path / "v.mp4", options)
    assert "127.0.0.2" in info.value.reason and "loopback" in info.value.reason
    assert _leftovers(tmp_path) == []
    # The same file without the hop downloads fine under the same policy.
    assert (
        download.download_stream(media_server.url("/direct/video.mp4"), tmp_path / "v.mp4", options).audio_codec
        == "aac"
    )


def test_video_without_audio_is_refused_by_extraction(media_server, tmp_path: Path) -> None:
    info = download_stream(media_server.url("/noaudio/index.m3u8"), tmp_path / "v.mp4")
    assert info.audio_codec is None
    with pytest.raises(MediaError) as err:
        extract_audio(tmp_path / "v.mp4", tmp_path / "a.ogg")
    assert "no audio track" in err.value.reason
    assert not (tmp_path / "a.ogg").exists()


def test_probe_rejects_non_media(tmp_path: Path) -> None:
    p = tmp_path / "x.mp4"
    p.write_bytes(b"not media at all" * 100)
    with pytest.raises(MediaError):
        probe(p)


@pytest.mark.parametrize(
    "script",
    [
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nfile://{secret}\n#EXT-X-ENDLIST\n",
        "ffconcat version 1.0\nfile '{secret}'\n",
    ],
)
def test_ffmpeg_format_whitelist_is_a_second_line_of_defence(ffmpeg_build: str, tmp_path: Path, script: str) -> None:
    # Below our own check: ffmpeg itself, run as the downloader runs it, refuses to demux a
    # playlist or a concat script, so no local file is read even if a signature slipped past us.
    from vsl_assets.media.download import MEDIA_DEMUXERS

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    src = tmp_path / "evil.mp4"
    src.write_text(script.format(secret=secret))
    out = tmp_path / "out.mp4"
    args = ["-protocol_whitelist", "file", "-format_whitelist", MEDIA_DEMUXERS, "-i", str(src), "-c", "copy", str(out)]
    result = subprocess.run([ffmpeg_build, "-nostdin", "-y", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "TOP-SECRET" not in result.stderr
    assert not out.exists() or out.stat().st_size == 0


@pytest.mark.parametrize(
    "stderr",
    [
        "[in#0 @ 0x1] Error opening input: Invalid data found when processing input",
        "[mpegts @ 0x1] Could not find codec parameters for stream 0 (Video: h264): unspecified size",
        # Random or truncated bytes that happen to look like a container: ffmpeg opens a stream it
        # cannot write (seen on 1 in ~40 draws of 200 kB of random bytes, Debian's ffmpeg 5.1).
        "[mp4 @ 0x1] dimensions not set\nCould not write header for output file #0 (incorrect codec parameters ?): "
        "Invalid argument\nError initializing output stream 0:0 --",
    ],
)
def test_every_ffmpeg_wording_of_unplayable_bytes_reads_invalid_data(stderr: str) -> None:
    from vsl_assets.media.ffmpeg import FfmpegResult
    from vsl_assets.media.hls.remux import _ffmpeg_failure

    assert "invalid data" in _ffmpeg_failure(1, stderr).reason
    assert "invalid data" in download._remux_failure(FfmpegResult(1, stderr, 0.1)).reason


def test_a_stream_without_tracks_is_not_called_invalid_data() -> None:
    from vsl_assets.media.hls.remux import _ffmpeg_failure

    reason = _ffmpeg_failure(1, "Output file #0 does not contain any stream").reason
    assert reason == "the stream contains no audio or video stream"
