"""HLS download time: the project's concurrent ``download_hls`` against sequential ``ffmpeg -i URL -c copy``.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_download.py              # ~45 s on 2 cores (fixture ~10 s, ffmpeg ~14 s)
    .venv/bin/python benchmarks/bench_download.py --runs 1 --duration 60
    .venv/bin/python benchmarks/bench_download.py --make-hls   # the tests' make_hls (150 kb/s video)

The fixture is a loopback "CDN": the tests' ``MediaHTTPServer`` (a ThreadingHTTPServer: every
connection has its own handler thread, and ``set_delay`` sleeps inside that thread, so concurrent
requests are delayed concurrently, as on a real CDN) adds 150 ms to every request.  It serves a
3-minute 1280x720 H.264 + AAC stream in 2-second MPEG-TS segments made by the project's ffmpeg
from testsrc2 video and the looped speech recording (``loop_audio``).  The video is constant
1.8 Mb/s (x264 ultrafast with CBR filler), a realistic 720p VSL bitrate, so byte transfer is
part of the figure; ``--make-hls`` uses the tests' ``make_hls`` instead, whose video is 150 kb/s.

Figures, all measured in the same run:

* ``download_hls`` (median of ``--runs``) and plain sequential ``ffmpeg -i URL -c copy`` (once:
  it is the slow one), and their ratio.  Target <= 0.35.
* The ideal for ``concurrency`` parallel requests: segments / concurrency x 150 ms + bytes /
  loopback bandwidth, the bandwidth measured by fetching the largest segment a few times with
  the delay switched off.  ``download_hls`` / ideal: target <= 1.5 (what is left is the playlist
  request, rounding up to whole rounds of requests, ffmpeg start-up and the final probe).

The script always exits 0: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# The fixture CDN is on 127.0.0.1, which the pipeline refuses by default (vsl_assets.net.guard).
os.environ.setdefault("VSL_ALLOW_PRIVATE_NETWORKS", "1")

import httpx  # noqa: E402

from vsl_assets.media.ffmpeg import USER_AGENT, find_ffmpeg  # noqa: E402
from vsl_assets.media.hls import HlsOptions, download_hls  # noqa: E402
from vsl_assets.media.probe import probe  # noqa: E402
from vsl_assets.net.guard import NetPolicy  # noqa: E402
from vsl_assets_tests.servers import MediaHTTPServer, loop_audio, make_hls, run_ffmpeg  # noqa: E402

SPEECH_EN = REPO / "vsl_assets_tests" / "data" / "speech_en.opus"


def make_stream(
    out_dir: Path,
    audio: Path,
    *,
    duration_s: float,
    segment_s: float,
    width: int,
    height: int,
    fps: int,
    video_kbps: int,
) -> Path:
    """Like make_hls (testsrc2 + speech, keyframes on segment boundaries) at a realistic bitrate."""
    out_dir.mkdir(parents=True, exist_ok=True)
    playlist = out_dir / "index.m3u8"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={width}x{height}:rate={fps}",
            "-i",
            str(audio),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-b:v",
            f"{video_kbps}k",
            "-minrate",
            f"{video_kbps}k",
            "-maxrate",
            f"{video_kbps}k",
            "-bufsize",
            f"{2 * video_kbps}k",
            "-x264-params",
            "nal-hrd=cbr",
            "-force_key_frames",
            f"expr:gte(t,n_forced*{segment_s})",
            "-af",
            "apad",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-ac",
            "2",
            "-ar",
            "44100",
            "-t",
            f"{duration_s:.3f}",
            "-f",
            "hls",
            "-hls_time",
            f"{segment_s}",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_type",
            "mpegts",
            "-hls_segment_filename",
            str(out_dir / "seg_%03d.ts"),
            str(playlist),
        ],
        timeout=600,
    )
    return playlist


def loopback_bandwidth(client: httpx.Client, url: str, repeats: int) -> tuple[float, int]:
    """Median bytes/s of fetching ``url`` over one keep-alive connection (after a warm-up)."""
    client.get(url).raise_for_status()
    rates = []
    size = 0
    for _ in range(repeats):
        start = time.perf_counter()
        body = client.get(url).content
        rates.append(len(body) / (time.perf_counter() - start))
        size = len(body)
    return statistics.median(rates), size


def ffmpeg_sequential(url: str, out: Path) -> float:
    cmd = [
        find_ffmpeg(),
        "-nostdin",
        "-hide_banner",
        "-y",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "http,https,tcp,tls,crypto",
        "-user_agent",
        USER_AGENT,
        "-i",
        url,
        "-map",
        "0:v:0?",
        "-map",
        "0:a:0?",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        str(out),
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        print(f"ffmpeg failed ({proc.returncode}): {proc.stderr[-800:]}")
    return elapsed


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=180.0, help="stream length in seconds")
    parser.add_argument("--segment", type=float, default=2.0, help="segment length in seconds")
    parser.add_argument("--delay", type=float, default=0.150, help="added latency per request, seconds")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="download_hls repetitions (median reported)")
    parser.add_argument("--video-kbps", type=int, default=1800)
    parser.add_argument("--make-hls", action="store_true", help="use the tests' make_hls (150 kb/s video)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-download-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        speech = loop_audio(SPEECH_EN, tmp / "speech.m4a", args.duration)
        stream_dir = tmp / "cdn" / "vsl"
        if args.make_hls:
            make_hls(stream_dir, speech, duration_s=args.duration, segment_s=args.segment, width=1280, height=720)
        else:
            make_stream(
                stream_dir,
                speech,
                duration_s=args.duration,
                segment_s=args.segment,
                width=1280,
                height=720,
                fps=10,
                video_kbps=args.video_kbps,
            )
        generation_s = time.perf_counter() - t0
        segments = sorted(stream_dir.glob("seg_*.ts"))
        total_bytes = sum(p.stat().st_size for p in segments)
        largest = max(segments, key=lambda p: p.stat().st_size)

        server = MediaHTTPServer(tmp / "cdn").start()  # listen backlog 128, like a real CDN
        with server:
            url = server.url("vsl/index.m3u8")
            with httpx.Client(headers={"User-Agent": USER_AGENT}) as client:
                bandwidth, largest_size = loopback_bandwidth(client, server.url(f"vsl/{largest.name}"), repeats=5)
            server.set_delay(None, args.delay)

            options = HlsOptions(concurrency=args.concurrency, net=NetPolicy(allow_private=True))  # a 127.0.0.1 server
            ours = []
            for i in range(args.runs):
                dest = tmp / "out" / f"hls-{i}.mp4"
                start = time.perf_counter()
                info = download_hls(url, dest, options)
                ours.append(time.perf_counter() - start)
            ours_info = info
            requests_before = len(server.paths_requested())
            ffmpeg_s = ffmpeg_sequential(url, tmp / "out" / "ffmpeg.mp4")
            ffmpeg_requests = len(server.paths_requested()) - requests_before
        ffmpeg_info = probe(tmp / "out" / "ffmpeg.mp4") if (tmp / "out" / "ffmpeg.mp4").exists() else None

    n = len(segments)
    ours_s = statistics.median(ours)
    ideal = n / args.concurrency * args.delay + total_bytes / bandwidth
    ratio = ours_s / ffmpeg_s
    vs_ideal = ours_s / ideal
    mb = total_bytes / 1e6

    print()
    print(
        f"HLS download benchmark: {args.duration / 60:.0f} min of 1280x720 H.264 + AAC, {n} x {args.segment:g} s "
        f"MPEG-TS segments, {mb:.1f} MB (fixture made in {generation_s:.1f} s)"
    )
    print(
        f"CDN fixture: MediaHTTPServer on 127.0.0.1 (threaded), +{args.delay * 1000:.0f} ms on every request; "
        f"loopback bandwidth {bandwidth / 1e6:.0f} MB/s (largest segment, {largest_size / 1e6:.2f} MB, median of 5)"
    )
    print()
    print(f"{'':46}{'time':>9}  {'ratio':>7}  {'target':>8}")
    print(f"{'ffmpeg -i URL -c copy (sequential, 1 run)':46}{ffmpeg_s:8.2f}s  {1.0:7.2f}")
    runs = ", ".join(f"{t:.2f}" for t in ours)
    print(
        f"{f'download_hls, concurrency {args.concurrency} (median of {args.runs})':46}{ours_s:8.2f}s  "
        f"{ratio:7.3f}  {'<= 0.35':>8}  {verdict(ratio, 0.35)}"
    )
    print(f"{f'ideal: {n}/{args.concurrency} x {args.delay:.3f} s + {mb:.1f} MB / bandwidth':46}{ideal:8.2f}s")
    print(f"{'download_hls / ideal':46}{'':9}  {vs_ideal:6.2f}x  {'<= 1.5x':>8}  {verdict(vs_ideal, 1.5)}")
    print()
    print(
        f"download_hls runs: {runs} s; output {ours_info.duration_s:.1f} s, {ours_info.width}x{ours_info.height} "
        f"{ours_info.video_codec}+{ours_info.audio_codec}, {ours_info.size_bytes / 1e6:.1f} MB"
    )
    if ffmpeg_info is not None:
        print(
            f"ffmpeg output: {ffmpeg_info.duration_s:.1f} s, {ffmpeg_info.size_bytes / 1e6:.1f} MB, "
            f"{ffmpeg_requests} requests ({ffmpeg_s / max(ffmpeg_requests, 1) * 1000:.0f} ms each)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
