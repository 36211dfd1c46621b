"""Self-tests for the test servers: if these fail, nothing built on them can be trusted."""

from __future__ import annotations

import http.client
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import av
import openai
import pytest
import sqlalchemy
from openai import OpenAI

from vsl_assets_tests.servers import (
    DEFAULT_API_KEY,
    FakeOpenAIServer,
    MediaHTTPServer,
    PostgresServer,
    audio_duration,
    ffmpeg_exe,
    loop_audio,
    make_hls,
    make_mp4,
    parse_multipart,
)

DATA = Path(__file__).parent / "data"
SPEECH = DATA / "speech_en.opus"

#: The test servers' own tests: the full suite only.
# xdist_group: its stream is encoded once, on one worker (./test.sh runs workers in parallel)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_servers")]


@pytest.fixture(scope="module")
def hls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hls")
    make_hls(out, SPEECH)
    return out


@pytest.fixture
def media_server(hls_dir: Path) -> Iterator[MediaHTTPServer]:
    with MediaHTTPServer(hls_dir) as server:
        yield server


def _streams(path: Path) -> tuple[set[str], float]:
    with av.open(str(path)) as container:
        kinds = {s.type for s in container.streams}
        duration = float(container.duration or 0) / 1_000_000
    return kinds, duration


# -- media fixtures ----------------------------------------------------------


def test_hls_playlist_is_vod_with_expected_segments(hls_dir: Path) -> None:
    playlist = (hls_dir / "index.m3u8").read_text()
    assert "#EXT-X-ENDLIST" in playlist
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in playlist
    segments = [line for line in playlist.splitlines() if line.endswith(".ts")]
    # 19 s of audio in 2 s segments.
    assert len(segments) == 10
    assert all((hls_dir / s).stat().st_size > 0 for s in segments)


def test_ffmpeg_downloads_hls_over_http(media_server: MediaHTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-i",
            media_server.url("index.m3u8"),
            "-c",
            "copy",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    kinds, duration = _streams(out)
    assert {"audio", "video"} <= kinds
    assert duration == pytest.approx(19.0, abs=0.6)
    paths = media_server.paths_requested("GET")
    assert "/index.m3u8" in paths
    assert sum(p.endswith(".ts") for p in paths) == 10


def test_make_mp4_and_loop_audio(tmp_path: Path) -> None:
    mp4 = make_mp4(tmp_path / "clip.mp4", SPEECH)
    kinds, duration = _streams(mp4)
    assert kinds == {"audio", "video"}
    assert duration == pytest.approx(19.0, abs=0.3)

    silent = make_mp4(tmp_path / "silent.mp4", None, duration_s=3, with_audio=False)
    kinds, duration = _streams(silent)
    assert kinds == {"video"}
    assert duration == pytest.approx(3.0, abs=0.2)

    long = loop_audio(SPEECH, tmp_path / "long.opus", 45)
    assert audio_duration(long) == pytest.approx(45.0, abs=0.1)


def test_ffmpeg_reads_direct_mp4_over_http(tmp_path: Path) -> None:
    make_mp4(tmp_path / "site" / "video.mp4", None, duration_s=4)
    out = tmp_path / "audio.m4a"
    with MediaHTTPServer(tmp_path / "site") as server:
        subprocess.run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                "-y",
                "-i",
                server.url("video.mp4"),
                "-vn",
                "-c:a",
                "copy",
                str(out),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    assert _streams(out) == ({"audio"}, pytest.approx(4.0, abs=0.2))


# -- MediaHTTPServer -----------------------------------------------------------


def test_http_content_types_head_and_routes(media_server: MediaHTTPServer) -> None:
    req = urllib.request.Request(media_server.url("index.m3u8"), method="HEAD")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/vnd.apple.mpegurl"
        assert int(resp.headers["Content-Length"]) > 0
        assert resp.read() == b""
    with urllib.request.urlopen(media_server.url("seg_000.ts"), timeout=5) as resp:
        assert resp.headers["Content-Type"] == "video/mp2t"
        assert len(resp.read()) == int(resp.headers["Content-Length"])

    media_server.add_route("/vsl.html", b"<html>hi</html>", "text/html; charset=utf-8")
    with urllib.request.urlopen(media_server.url("/vsl.html"), timeout=5) as resp:
        assert resp.read() == b"<html>hi</html>"
        assert resp.headers["Content-Type"].startswith("text/html")

    assert ("HEAD", "/index.m3u8") in media_server.requests


def test_http_no_listing_and_no_escape(media_server: MediaHTTPServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(media_server.url("/"), timeout=5)
    assert info.value.code == 404
    # http.client sends the path verbatim (urllib/browsers would normalise "..").
    conn = http.client.HTTPConnection("127.0.0.1", media_server.port, timeout=5)
    try:
        conn.request("GET", "/../../../../etc/passwd")
        resp = conn.getresponse()
        assert resp.status == 403
        assert b"root:" not in resp.read()
    finally:
        conn.close()


def test_http_forced_status_and_flapping(media_server: MediaHTTPServer) -> None:
    url = media_server.url("seg_001.ts")
    media_server.set_status("/seg_001.ts", 404)
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, timeout=5)
        assert info.value.code == 404

    media_server.set_status("seg_001.ts", 500, times=2)
    codes = []
    for _ in range(3):
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                codes.append(resp.status)
        except urllib.error.HTTPError as exc:
            codes.append(exc.code)
    assert codes == [500, 500, 200]


def test_http_delay(media_server: MediaHTTPServer) -> None:
    media_server.set_delay("/seg_", 1.0)
    start = time.monotonic()
    urllib.request.urlopen(media_server.url("seg_002.ts"), timeout=5).close()
    assert time.monotonic() - start >= 1.0
    start = time.monotonic()
    urllib.request.urlopen(media_server.url("index.m3u8"), timeout=5).close()
    assert time.monotonic() - start < 1.0  # only the matching paths wait


def test_http_stall_mid_body_and_fast_shutdown(hls_dir: Path) -> None:
    server = MediaHTTPServer(hls_dir).start()
    try:
        server.set_stall("/seg_000.ts", after_bytes=1000)
        with urllib.request.urlopen(server.url("seg_000.ts"), timeout=0.5) as resp:
            assert resp.status == 200
            assert len(resp.read(1000)) == 1000
            with pytest.raises(TimeoutError):
                resp.read()
    finally:
        start = time.monotonic()
        server.stop()
        assert time.monotonic() - start < 2.0


# -- FakeOpenAIServer ----------------------------------------------------------


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


def _client(server: FakeOpenAIServer, *, api_key: str = DEFAULT_API_KEY, max_retries: int = 0) -> OpenAI:
    return OpenAI(api_key=api_key, base_url=server.base_url, max_retries=max_retries, timeout=10)


def test_openai_verbose_json_with_real_client(fake_openai: FakeOpenAIServer) -> None:
    with _client(fake_openai) as client, SPEECH.open("rb") as fh:
        result = client.audio.transcriptions.create(
            model="whisper-1",
            file=fh,
            response_format="verbose_json",
            language="en",
            timestamp_granularities=["segment", "word"],
            temperature=0.0,
            prompt="VSL",
        )
    assert result.text == "fake transcript"
    assert result.language == "english"
    assert result.duration == pytest.approx(19.0, abs=0.05)
    assert result.segments is not None and len(result.segments) == 1
    seg = result.segments[0]
    assert (seg.start, seg.text) == (0.0, "fake transcript")
    assert seg.end == pytest.approx(19.0, abs=0.05)
    assert result.words is not None and [w.word for w in result.words] == ["fake", "transcript"]

    (req,) = fake_openai.requests
    assert req.authorization_ok and req.status == 200
    assert (req.model, req.language, req.response_format, req.prompt) == ("whisper-1", "en", "verbose_json", "VSL")
    assert req.filename == "speech_en.opus"
    assert req.content_type == "audio/ogg"
    assert req.size_bytes == SPEECH.stat().st_size
    assert req.timestamp_granularities == ["segment", "word"]
    assert req.temperature == 0.0


def test_openai_segments_clipped_and_formats(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.segments = [(0.0, 8.0, "hello there"), (8.0, 30.0, "buy now"), (40.0, 45.0, "gone")]
    fake_openai.language_reply = "en"
    with _client(fake_openai) as client:
        verbose = client.audio.transcriptions.create(
            model="whisper-1", file=SPEECH.read_bytes(), response_format="verbose_json"
        )
        assert verbose.language == "en"
        assert [(s.start, s.end, s.text) for s in verbose.segments or []] == [
            (0.0, 8.0, "hello there"),
            (8.0, pytest.approx(19.0, abs=0.05), "buy now"),
        ]
        plain = client.audio.transcriptions.create(
            model="whisper-1", file=("a.ogg", SPEECH.read_bytes()), response_format="text"
        )
        assert plain.strip() == "hello there buy now"
        default = client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
        assert default.text == "hello there buy now"


def test_openai_bad_key_is_401(fake_openai: FakeOpenAIServer) -> None:
    with _client(fake_openai, api_key="sk-wrong") as client, pytest.raises(openai.AuthenticationError) as info:
        client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
    assert info.value.status_code == 401
    assert info.value.code == "invalid_api_key"
    assert info.value.body == {
        "message": "Incorrect API key provided",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
    assert [(r.authorization_ok, r.status) for r in fake_openai.requests] == [(False, 401)]


def test_openai_client_retries_through_429_and_500(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.fail_next(429, 500)
    with _client(fake_openai, max_retries=2) as client:
        result = client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
    assert result.text == "fake transcript"
    assert [r.status for r in fake_openai.requests] == [429, 500, 200]
    # Every retry re-sent the whole file.
    assert {r.size_bytes for r in fake_openai.requests} == {SPEECH.stat().st_size}


def test_openai_client_gives_up_after_max_retries(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.fail_next(429, 429, 429)
    with _client(fake_openai, max_retries=2) as client, pytest.raises(openai.RateLimitError):
        client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
    assert [r.status for r in fake_openai.requests] == [429, 429, 429]
    assert fake_openai.pending_failures() == []


def test_openai_size_and_duration_limits() -> None:
    with FakeOpenAIServer(max_bytes=1000) as server, _client(server) as client:
        with pytest.raises(openai.APIStatusError) as info:
            client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
        assert info.value.status_code == 413
        assert server.requests[0].status == 413
    with FakeOpenAIServer(max_duration_s=10) as server, _client(server) as client:
        with pytest.raises(openai.BadRequestError):
            client.audio.transcriptions.create(model="whisper-1", file=SPEECH)
        assert server.requests[0].duration_s == pytest.approx(19.0, abs=0.05)


def test_parse_multipart_repeated_fields() -> None:
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="a[]"\r\n\r\n1\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="a[]"\r\n\r\n2\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n'
        b"Content-Type: audio/wav\r\n\r\n\x00\r\n--\r\n\x01\r\n--XyZ--\r\n"
    )
    parts = parse_multipart(body, 'multipart/form-data; boundary="XyZ"')
    assert [(p.name, p.data) for p in parts[:2]] == [("a[]", b"1"), ("a[]", b"2")]
    assert (parts[2].filename, parts[2].content_type, parts[2].data) == ("x.wav", "audio/wav", b"\x00\r\n--\r\n\x01")


# -- PostgresServer ------------------------------------------------------------


def test_postgres_server(tmp_path: Path) -> None:
    if PostgresServer.find_bin_dir() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries are required in CI")
        pytest.skip("PostgreSQL binaries not found")
    start = time.monotonic()
    with PostgresServer(tmp_path) as pg:
        assert time.monotonic() - start < 15
        url = pg.create_database("vsl_test")
        assert url == f"postgresql+psycopg2://postgres@127.0.0.1:{pg.port}/vsl_test"
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sqlalchemy.text("SELECT 1")).scalar() == 1
                assert conn.execute(sqlalchemy.text("SHOW max_connections")).scalar() == "200"
        finally:
            engine.dispose()
        data_dir = pg.data_dir
    assert not (data_dir / "postmaster.pid").exists()
