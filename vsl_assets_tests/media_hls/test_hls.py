"""download_hls against real HLS (made by the project's ffmpeg) served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vsl_assets.errors import DownloadError, TransientDownloadError
from vsl_assets.media.audio import decode_pcm
from vsl_assets.media.ffmpeg import USER_AGENT
from vsl_assets.media.hls import HlsOptions, NotHlsError
from vsl_assets_tests.loopback import download_hls
from vsl_assets_tests.servers import MediaHTTPServer, audio_duration, make_hls, run_ffmpeg
from vsl_assets_tests.servers.http import _MediaHandler

# xdist_group: its streams are encoded once, on one worker (./test.sh runs workers in parallel)
pytestmark = pytest.mark.xdist_group("hls_media")

SPEECH_EN = Path(__file__).resolve().parent.parent / "data" / "speech_en.opus"
KEY = bytes(range(16))
#: Fast retries: the policy is what is tested, not the waiting.
FAST = HlsOptions(backoff_s=0.01, backoff_max_s=0.05)


# -- fixtures: real streams, generated once ----------------------------------------------------


def _encoded_hls(
    out_dir: Path, duration_s: float, *hls_args: str, playlist: str = "index.m3u8", segments: str | None = "seg_%03d.ts"
) -> Path:
    """testsrc2 + the speech recording as HLS, with extra hls muxer options (keys, fMP4, single file)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=10",
            "-i",
            str(SPEECH_EN),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-af",
            "apad",
            "-c:a",
            "aac",
            "-b:a",
            "48k",
            "-ac",
            "1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-force_key_frames",
            "expr:gte(t,n_forced*2)",
            "-t",
            f"{duration_s:.3f}",
            "-f",
            "hls",
            "-hls_time",
            "2",
            "-hls_playlist_type",
            "vod",
            *hls_args,
            *(["-hls_segment_filename", str(out_dir / segments)] if segments else []),
            str(out_dir / playlist),
        ]
    )
    return out_dir / playlist


def _encrypt(data: bytes, key: bytes, iv: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hls")
    make_hls(root / "plain", SPEECH_EN)  # 10 x 2 s MPEG-TS segments, 320x240, H.264 + AAC

    # AES-128 by ffmpeg's own hls muxer: explicit IV, key URI relative to the playlist.
    (root / "aes").mkdir()
    (root / "aes" / "key.bin").write_bytes(KEY)
    key_info = root / "keyinfo.txt"
    key_info.write_text(f"key.bin\n{root / 'aes' / 'key.bin'}\n000102030405060708090a0b0c0d0e0f\n")
    _encoded_hls(root / "aes", 19.0, "-hls_key_info_file", str(key_info))

    # AES-128 without IV attribute: the IV is each segment's media sequence number (starting at 7).
    seq = root / "seqiv"
    seq.mkdir()
    (seq / "k.bin").write_bytes(KEY[::-1])
    lines = []
    for line in (root / "plain" / "index.m3u8").read_text().splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE"):
            lines += ["#EXT-X-MEDIA-SEQUENCE:7", '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"']
        elif line.endswith(".ts"):
            number = 7 + int(line[4:7])
            plain = (root / "plain" / line).read_bytes()
            (seq / line).write_bytes(_encrypt(plain, KEY[::-1], number.to_bytes(16, "big")))
            lines.append(line)
        else:
            lines.append(line)
    (seq / "index.m3u8").write_text("\n".join(lines) + "\n")

    _encoded_hls(root / "fmp4", 8.0, "-hls_segment_type", "fmp4", segments="seg_%03d.m4s")
    _encoded_hls(root / "range", 8.0, "-hls_flags", "single_file", segments=None)

    # A master playlist over three real renditions of different heights.
    variants = []
    for width, height, kbps in ((320, 180, 300), (640, 360, 800), (1280, 720, 2500)):
        make_hls(root / "master" / f"v{height}", SPEECH_EN, duration_s=6.0, width=width, height=height)
        variants.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={kbps}000,RESOLUTION={width}x{height},"
            f'CODECS="avc1.42c01e,mp4a.40.2"\nv{height}/index.m3u8'
        )
    (root / "master" / "index.m3u8").write_text("#EXTM3U\n" + "\n".join(variants) + "\n")

    # Video-only variant plus the speech as a separate audio rendition (EXT-X-MEDIA TYPE=AUDIO).
    make_hls(root / "alt" / "video", None, with_audio=False, duration_s=19.0)
    (root / "alt" / "audio").mkdir()
    run_ffmpeg(
        [
            "-i",
            str(SPEECH_EN),
            "-map",
            "0:a:0",
            "-c:a",
            "aac",
            "-b:a",
            "48k",
            "-ac",
            "1",
            "-f",
            "hls",
            "-hls_time",
            "2",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(root / "alt" / "audio" / "seg_%03d.ts"),
            str(root / "alt" / "audio" / "index.m3u8"),
        ]
    )
    (root / "alt" / "index.m3u8").write_text(
        "#EXTM3U\n"
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,'
        'URI="audio/index.m3u8"\n'
        '#EXT-X-STREAM-INF:BANDWIDTH=250000,RESOLUTION=320x240,CODECS="avc1.42c00d,mp4a.40.2",AUDIO="aud"\n'
        "video/index.m3u8\n"
    )
    return root


class _TimedHandler(_MediaHandler):
    def _serve(self, *, head_only: bool) -> None:
        start = time.monotonic()
        super()._serve(head_only=head_only)
        owner = self.owner
        assert isinstance(owner, TimedServer)
        with owner.timing_lock:
            owner.timings.append((self.path, start, time.monotonic()))
            owner.headers.append((self.path, dict(self.headers)))


class TimedServer(MediaHTTPServer):
    """MediaHTTPServer that records when each request started and when its response was written."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self._handler = _TimedHandler
        self.timings: list[tuple[str, float, float]] = []
        self.headers: list[tuple[str, dict[str, str]]] = []
        self.timing_lock = threading.Lock()


@pytest.fixture
def server(media: Path) -> Iterator[TimedServer]:
    srv = TimedServer(media).start()
    try:
        yield srv
    finally:
        srv.stop()


def _segments_requested(server: MediaHTTPServer, prefix: str = "") -> list[str]:
    return [p for p in server.paths_requested("GET") if p.startswith(prefix) and p.endswith((".ts", ".m4s"))]


def _decoded_audio_s(path: Path) -> float:
    """Seconds of audio that actually decode (garbage from a bad decryption would not)."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.codec_context.sample_rate


def _peak_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


# -- the happy paths -----------------------------------------------------------------------------


def test_media_playlist_becomes_a_complete_mp4(server: TimedServer, tmp_path: Path) -> None:
    logged: list[str] = []
    dest = tmp_path / "videos" / "vsl.mp4"
    info = download_hls(server.url("plain/index.m3u8"), dest, FAST, log=logged.append)
    assert info.path == str(dest) and dest.stat().st_size == info.size_bytes > 10_000
    assert info.container.startswith("mov,mp4") and info.video_codec == "h264" and info.audio_codec == "aac"
    assert (info.width, info.height) == (320, 240)
    assert abs(info.duration_s - audio_duration(SPEECH_EN)) < 0.5
    assert abs(_decoded_audio_s(dest) - audio_duration(SPEECH_EN)) < 0.5
    assert sorted(_segments_requested(server)) == [f"/plain/seg_{i:03d}.ts" for i in range(10)]
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vsl.mp4"]
    assert "10 segments" in logged[0] and logged[-1].startswith("downloaded http://127.0.0.1")


@pytest.mark.slow
def test_segments_are_fetched_concurrently_up_to_the_limit(server: TimedServer, tmp_path: Path) -> None:
    server.set_delay("/plain/seg_", 0.2)
    download_hls(server.url("plain/index.m3u8"), tmp_path / "a.mp4", HlsOptions(concurrency=4))
    segs = [(s, e) for p, s, e in server.timings if p.endswith(".ts")]
    assert len(segs) == 10 and _peak_overlap(segs) == 4
    # The reorder window bounds how far ahead of ffmpeg the download may run.
    server.timings.clear()
    download_hls(server.url("plain/index.m3u8"), tmp_path / "b.mp4", HlsOptions(concurrency=4, reorder_window=2))
    assert _peak_overlap([(s, e) for p, s, e in server.timings if p.endswith(".ts")]) == 2


def test_progress_is_logged(server: TimedServer, tmp_path: Path) -> None:
    logged: list[str] = []
    download_hls(
        server.url("plain/index.m3u8"), tmp_path / "a.mp4", HlsOptions(progress_interval_s=0), log=logged.append
    )
    progress = [line for line in logged if line.startswith("HLS: ") and "segments (" in line]
    assert progress and "MB/s" in progress[0] and "ETA" in progress[0] and "/10 segments" in progress[0]


def test_aes128_with_explicit_iv_is_decrypted(server: TimedServer, media: Path, tmp_path: Path) -> None:
    assert (media / "plain" / "seg_000.ts").read_bytes()[0] == 0x47
    assert (media / "aes" / "seg_000.ts").read_bytes()[:4] != (media / "plain" / "seg_000.ts").read_bytes()[:4]
    assert "IV=0x000102" in (media / "aes" / "index.m3u8").read_text()
    info = download_hls(server.url("aes/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(_decoded_audio_s(tmp_path / "v.mp4") - 19.0) < 0.5
    assert server.paths_requested("GET").count("/aes/key.bin") == 1  # one key fetch for all segments


def test_aes128_with_media_sequence_iv_is_decrypted(server: TimedServer, tmp_path: Path) -> None:
    info = download_hls(server.url("seqiv/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.audio_codec == "aac" and abs(info.duration_s - audio_duration(SPEECH_EN)) < 0.5
    assert abs(_decoded_audio_s(tmp_path / "v.mp4") - audio_duration(SPEECH_EN)) < 0.5


def test_identity_key_is_used_when_a_drm_key_is_listed_beside_it(
    server: TimedServer, media: Path, tmp_path: Path
) -> None:
    text = (
        (media / "aes" / "index.m3u8")
        .read_text()
        .replace(
            "#EXT-X-KEY:",
            '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYFORMAT="com.apple.streamingkeydelivery"\n#EXT-X-KEY:',
        )
    )
    server.add_route("/aes/multi.m3u8", text.encode(), "application/vnd.apple.mpegurl")
    info = download_hls(server.url("aes/multi.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.audio_codec == "aac" and abs(info.duration_s - 19.0) < 0.5


def test_fmp4_segments_with_init_section(server: TimedServer, tmp_path: Path) -> None:
    info = download_hls(server.url("fmp4/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.video_codec == "h264" and info.audio_codec == "aac" and abs(info.duration_s - 8.0) < 0.5
    assert server.paths_requested("GET").count("/fmp4/init.mp4") == 1


def test_byte_ranges_of_a_single_file(server: TimedServer, media: Path, tmp_path: Path) -> None:
    assert "#EXT-X-BYTERANGE" in (media / "range" / "index.m3u8").read_text()
    info = download_hls(server.url("range/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.video_codec == "h264" and info.audio_codec == "aac" and abs(info.duration_s - 8.0) < 0.5
    assert server.paths_requested("GET").count("/range/index.ts") == 4


@pytest.mark.parametrize(
    ("policy", "height"),
    [("best<=720", 720), ("best", 720), ("smallest", 180), ("best<=400", 360), ("best<=100", 180)],
)
def test_master_playlist_variant_policy(server: TimedServer, tmp_path: Path, policy: str, height: int) -> None:
    info = download_hls(server.url("master/index.m3u8"), tmp_path / "v.mp4", HlsOptions(variant_policy=policy))
    assert info.height == height and info.audio_codec == "aac" and abs(info.duration_s - 6.0) < 0.5
    fetched = _segments_requested(server)
    assert fetched and all(p.startswith(f"/master/v{height}/") for p in fetched)


@pytest.mark.slow
def test_separate_audio_rendition_is_muxed(server: TimedServer, tmp_path: Path) -> None:
    logged: list[str] = []
    pcm = tmp_path / "v.wav"
    info = download_hls(server.url("alt/index.m3u8"), tmp_path / "v.mp4", FAST, log=logged.append, pcm=pcm)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    # The tee decodes the rendition's own track: the PCM is what the MP4's audio decodes to.
    assert pcm.read_bytes() == decode_pcm(tmp_path / "v.mp4", tmp_path / "decoded.wav").read_bytes()
    assert abs(_decoded_audio_s(tmp_path / "v.mp4") - audio_duration(SPEECH_EN)) < 0.5
    assert _segments_requested(server, "/alt/audio/") and _segments_requested(server, "/alt/video/")
    assert any("audio rendition 'English'" in line for line in logged)
    # Without the rendition the variant's own tracks are all there is: a silent video.
    silent = download_hls(server.url("alt/index.m3u8"), tmp_path / "s.mp4", HlsOptions(audio_rendition=False))
    assert silent.video_codec == "h264" and silent.audio_codec is None


def test_request_headers(server: TimedServer, tmp_path: Path) -> None:
    options = HlsOptions(
        referer="https://page.example/vsl", origin="https://page.example", headers={"X-Player": "vturb"}
    )
    download_hls(server.url("aes/index.m3u8"), tmp_path / "v.mp4", options)
    assert len(server.headers) == 12  # playlist, key, 10 segments
    for _, headers in server.headers:
        assert headers["User-Agent"] == USER_AGENT and headers["Referer"] == "https://page.example/vsl"
        assert headers["Origin"] == "https://page.example" and headers["X-Player"] == "vturb"


def test_discontinuity_joins_streams_with_restarted_timestamps(server: TimedServer, tmp_path: Path) -> None:
    first = [line for i in range(5) for line in ("#EXTINF:2.0,", f"seg_{i:03d}.ts")]
    url = _route_playlist(
        server,
        "/plain/ads.m3u8",
        ["#EXTM3U", "#EXT-X-TARGETDURATION:2", *first, "#EXT-X-DISCONTINUITY", *first, "#EXT-X-ENDLIST"],
    )
    info = download_hls(url, tmp_path / "v.mp4", FAST)
    assert abs(info.duration_s - 20.0) < 0.5 and abs(_decoded_audio_s(tmp_path / "v.mp4") - 20.0) < 0.5


def test_discontinuity_with_timestamps_jumping_forward(server: TimedServer, tmp_path: Path) -> None:
    # Segments 1-2, then (after a cut) 6-10: timestamps jump forward by 6 s.  Kept as they are,
    # the MP4 would "last" 20 s with a 6 s hole and fail the duration check; ffmpeg closes it.
    head = [line for i in range(2) for line in ("#EXTINF:2.0,", f"seg_{i:03d}.ts")]
    tail = [line for i in range(5, 10) for line in ("#EXTINF:2.0,", f"seg_{i:03d}.ts")]
    url = _route_playlist(
        server,
        "/plain/cut.m3u8",
        ["#EXTM3U", "#EXT-X-TARGETDURATION:2", *head, "#EXT-X-DISCONTINUITY", *tail, "#EXT-X-ENDLIST"],
    )
    info = download_hls(url, tmp_path / "v.mp4", FAST)
    assert abs(info.duration_s - 13.0) < 1.5, info.duration_s
    assert abs(_decoded_audio_s(tmp_path / "v.mp4") - 13.0) < 1.5


def test_callable_from_a_running_event_loop(server: TimedServer, tmp_path: Path) -> None:
    async def inside_a_loop() -> float:
        return download_hls(server.url("plain/index.m3u8"), tmp_path / "v.mp4").duration_s

    assert abs(asyncio.run(inside_a_loop()) - audio_duration(SPEECH_EN)) < 0.5


# -- retries and failures ------------------------------------------------------------------------


def test_segment_failing_twice_is_retried_and_the_output_is_complete(server: TimedServer, tmp_path: Path) -> None:
    server.set_status("/plain/seg_003.ts", 503, times=2)
    info = download_hls(server.url("plain/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert server.paths_requested("GET").count("/plain/seg_003.ts") == 3
    assert abs(info.duration_s - audio_duration(SPEECH_EN)) < 0.5
    assert abs(_decoded_audio_s(tmp_path / "v.mp4") - audio_duration(SPEECH_EN)) < 0.5


def _assert_nothing_left(directory: Path) -> None:
    assert not directory.exists() or list(directory.iterdir()) == []


@pytest.mark.parametrize("stream", ["plain", "fmp4"])
def test_the_download_also_decodes_the_pcm_the_transcription_reads(
    server: TimedServer, tmp_path: Path, stream: str
) -> None:
    """The tee's WAV is, byte for byte, what decoding the downloaded MP4 gives (``decode_pcm``)."""
    dest, pcm = tmp_path / "videos" / "vsl.mp4", tmp_path / "audio" / "vsl.wav"
    pcm.parent.mkdir()
    info = download_hls(server.url(f"{stream}/index.m3u8"), dest, FAST, pcm=pcm)
    decoded = decode_pcm(dest, tmp_path / "decoded.wav")
    assert pcm.read_bytes() == decoded.read_bytes()
    with wave.open(str(pcm)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        assert abs(w.getnframes() / 16000 - info.duration_s) < 0.5
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vsl.mp4"]


def test_no_pcm_for_a_stream_without_audio_and_the_video_is_still_made(server: TimedServer, tmp_path: Path) -> None:
    pcm = tmp_path / "vsl.wav"
    info = download_hls(server.url("alt/video/index.m3u8"), tmp_path / "v.mp4", FAST, pcm=pcm)
    assert info.video_codec == "h264" and info.audio_codec is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_a_failed_download_leaves_no_pcm(server: TimedServer, tmp_path: Path) -> None:
    server.set_status("/plain/seg_006.ts", 404)
    pcm = tmp_path / "audio" / "vsl.wav"
    pcm.parent.mkdir()
    with pytest.raises(DownloadError):
        download_hls(server.url("plain/index.m3u8"), tmp_path / "videos" / "vsl.mp4", FAST, pcm=pcm)
    assert list(pcm.parent.iterdir()) == []
    _assert_nothing_left(tmp_path / "videos")


def test_missing_segment_fails_naming_it_and_leaves_no_file(server: TimedServer, tmp_path: Path) -> None:
    server.set_status("/plain/seg_004.ts", 404)
    dest = tmp_path / "videos" / "vsl.mp4"
    with pytest.raises(DownloadError) as info:
        download_hls(server.url("plain/index.m3u8"), dest, FAST)
    assert info.value.reason == "segment 5 of 10 could not be downloaded after 2 attempts (HTTP 404)"
    assert not info.value.transient and "/plain/seg_004.ts" in (info.value.detail or "")
    _assert_nothing_left(dest.parent)


def test_segment_503_after_all_attempts_is_transient(server: TimedServer, tmp_path: Path) -> None:
    server.set_status("/plain/seg_002.ts", 503)
    with pytest.raises(TransientDownloadError) as info:
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v" / "x.mp4", FAST)
    assert info.value.reason == "segment 3 of 10 could not be downloaded after 4 attempts (HTTP 503)"
    assert server.paths_requested("GET").count("/plain/seg_002.ts") == 4
    _assert_nothing_left(tmp_path / "v")


def test_stalled_segment_times_out_and_is_retried(server: TimedServer, tmp_path: Path) -> None:
    server.set_stall("/plain/seg_001.ts", 1000)
    options = HlsOptions(read_timeout_s=0.15, attempts=2, backoff_s=0.01)
    with pytest.raises(TransientDownloadError, match=r"segment 2 of 10 .* after 2 attempts \(.*read timeout\)"):
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v" / "x.mp4", options)
    assert server.paths_requested("GET").count("/plain/seg_001.ts") == 2
    _assert_nothing_left(tmp_path / "v")


def test_step_timeout_stops_everything(server: TimedServer, tmp_path: Path) -> None:
    server.set_delay("/plain/seg_005.ts", 5.0)
    started = time.monotonic()
    with pytest.raises(TransientDownloadError, match="did not finish within 1 s"):
        # 0.6 s is said as "1 s" (rounded) and waits 0.4 s less than 1.0 did
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v" / "x.mp4", HlsOptions(step_timeout_s=0.6))
    assert time.monotonic() - started < 3.0
    _assert_nothing_left(tmp_path / "v")


def test_unreachable_server(tmp_path: Path) -> None:
    with MediaHTTPServer(tmp_path) as gone:
        url = gone.url("index.m3u8")
    with pytest.raises(TransientDownloadError) as info:
        download_hls(url, tmp_path / "v.mp4", FAST)
    assert info.value.reason == "the stream URL could not be fetched after 4 attempts (connection refused)"


def test_missing_key_and_wrong_key(server: TimedServer, media: Path, tmp_path: Path) -> None:
    server.set_status("/aes/key.bin", 404)
    with pytest.raises(DownloadError, match=r"the decryption key .* \(HTTP 404\)"):
        download_hls(server.url("aes/index.m3u8"), tmp_path / "v" / "x.mp4", FAST)
    server.add_route("/aes/wrong.bin", bytes(16), "application/octet-stream")
    text = (media / "aes" / "index.m3u8").read_text().replace('URI="key.bin"', 'URI="wrong.bin"')
    server.add_route("/aes/wrong.m3u8", text.encode(), "application/vnd.apple.mpegurl")
    with pytest.raises(DownloadError, match=r"could not be decrypted|not a playable video"):
        download_hls(server.url("aes/wrong.m3u8"), tmp_path / "v" / "x.mp4", FAST)
    _assert_nothing_left(tmp_path / "v")


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (404, DownloadError, "HTTP 404 from the stream URL"),
        (403, DownloadError, "HTTP 403 from the stream URL"),
        (503, TransientDownloadError, "HTTP 503 from the stream URL after 4 attempts"),
    ],
)
def test_playlist_http_errors(server: TimedServer, tmp_path: Path, status: int, error: type, reason: str) -> None:
    server.set_status("/plain/index.m3u8", status)
    with pytest.raises(error) as info:
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v.mp4", FAST)
    assert info.value.reason == reason and type(info.value) is error


@pytest.mark.parametrize("path", ["plain/seg_000.ts", "page.html"])
def test_non_hls_url_raises_not_hls(server: TimedServer, tmp_path: Path, path: str) -> None:
    server.add_route("/page.html", b"<html><body>" + b"x" * 100_000 + b"</body></html>", "text/html")
    with pytest.raises(NotHlsError) as info:
        download_hls(server.url(path), tmp_path / "v.mp4")
    assert isinstance(info.value, DownloadError) and "not an HLS playlist" in info.value.reason
    assert not (tmp_path / "v.mp4").exists()


def _route_playlist(server: MediaHTTPServer, path: str, lines: list[str]) -> str:
    server.add_route(path, ("\n".join(lines) + "\n").encode(), "application/vnd.apple.mpegurl")
    return server.url(path)


SEGMENTS = [line for i in range(3) for line in ("#EXTINF:2.0,", f"seg_{i:03d}.ts")]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["#EXTM3U", "#EXT-X-TARGETDURATION:2", *SEGMENTS], "the stream is live (no end marker"),
        (["#EXTM3U", "#EXT-X-PLAYLIST-TYPE:EVENT", *SEGMENTS], "the stream is live (no end marker"),
        (
            [
                "#EXTM3U",
                '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://abc",KEYFORMAT="com.apple.streamingkeydelivery"',
                *SEGMENTS,
                "#EXT-X-ENDLIST",
            ],
            "the video is DRM-protected (FairPlay key in the HLS playlist); it cannot be downloaded",
        ),
        (
            [
                "#EXTM3U",
                '#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;base64,AAAA",'
                'KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"',
                *SEGMENTS,
                "#EXT-X-ENDLIST",
            ],
            "the video is DRM-protected (Widevine key in the HLS playlist); it cannot be downloaded",
        ),
        (
            [
                "#EXTM3U",
                '#EXT-X-KEY:METHOD=AES-128,URI="k",KEYFORMAT="com.microsoft.playready"',
                *SEGMENTS,
                "#EXT-X-ENDLIST",
            ],
            "the video is DRM-protected (PlayReady key in the HLS playlist); it cannot be downloaded",
        ),
        (
            ["#EXTM3U", *SEGMENTS[:2], "#EXT-X-GAP", *SEGMENTS[2:], "#EXT-X-ENDLIST"],
            "the playlist marks segment 2 of 3 as missing (EXT-X-GAP)",
        ),
    ],
)
def test_refused_before_any_segment_is_fetched(
    server: TimedServer, tmp_path: Path, lines: list[str], reason: str
) -> None:
    url = _route_playlist(server, "/plain/refused.m3u8", lines)
    with pytest.raises(DownloadError) as info:
        download_hls(url, tmp_path / "v.mp4", FAST)
    assert info.value.reason.startswith(reason) and not info.value.transient
    assert _segments_requested(server) == []


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (HlsOptions(max_duration_s=10), "the video lasts 19 s, longer than the limit of 10 s"),
        (HlsOptions(max_segments=5), "the stream has 10 segments, more than the limit of 5"),
    ],
)
def test_limits_refuse_before_downloading(
    server: TimedServer, tmp_path: Path, options: HlsOptions, reason: str
) -> None:
    with pytest.raises(DownloadError) as info:
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v.mp4", options)
    assert info.value.reason == reason
    assert _segments_requested(server) == []


def test_segments_that_are_not_media_fail_with_ffmpegs_reason(server: TimedServer, tmp_path: Path) -> None:
    for i in range(3):
        server.add_route(f"/junk/{i}.ts", b"<html>maintenance</html>" * 50, "video/mp2t")
    url = _route_playlist(
        server,
        "/junk/index.m3u8",
        ["#EXTM3U", *[line for i in range(3) for line in ("#EXTINF:2,", f"{i}.ts")], "#EXT-X-ENDLIST"],
    )
    with pytest.raises(DownloadError, match="not a playable video stream") as info:
        download_hls(url, tmp_path / "v" / "x.mp4", FAST)
    assert info.value.detail
    _assert_nothing_left(tmp_path / "v")


def test_duration_mismatch_with_the_playlist_is_an_error(server: TimedServer, tmp_path: Path) -> None:
    lines = [line for i in range(10) for line in ("#EXTINF:10.0,", f"seg_{i:03d}.ts")]
    url = _route_playlist(server, "/plain/long.m3u8", ["#EXTM3U", *lines, "#EXT-X-ENDLIST"])
    with pytest.raises(DownloadError, match=r"lasts 19\.0 s but the playlist announces 100\.0 s"):
        download_hls(url, tmp_path / "v" / "x.mp4", FAST)
    _assert_nothing_left(tmp_path / "v")


def test_segment_cut_short_is_missing_audio_not_a_complete_video(
    server: TimedServer, media: Path, tmp_path: Path
) -> None:
    # A CDN serves segment 4 cut in half with a matching Content-Length: every byte "arrives",
    # the overall duration still matches (the timestamps jump over the hole), the audio does not.
    whole = (media / "plain" / "seg_003.ts").read_bytes()
    server.add_route("/plain/cut/seg_003.ts", whole[: len(whole) // 2], "video/mp2t")
    lines = [line for line in (media / "plain" / "index.m3u8").read_text().splitlines()]
    lines = [("cut/" + line if line == "seg_003.ts" else line) for line in lines]
    url = _route_playlist(server, "/plain/cut.m3u8", lines)
    dest = tmp_path / "v" / "x.mp4"
    with pytest.raises(DownloadError) as info:
        download_hls(url, dest, FAST)
    reason = info.value.reason
    assert reason.startswith("the downloaded video is missing ") and "s of audio at 0:0" in reason, reason
    assert "segment arrived incomplete" in reason and not info.value.transient
    missing = float(reason.split("missing ")[1].split(" s")[0])
    assert 0.5 <= missing <= 2.0
    _assert_nothing_left(tmp_path / "v")


def test_byte_budget_stops_the_download(server: TimedServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="larger than the limit"):
        download_hls(server.url("plain/index.m3u8"), tmp_path / "v" / "x.mp4", HlsOptions(max_total_bytes=100_000))
    _assert_nothing_left(tmp_path / "v")
