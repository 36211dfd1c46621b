"""The watch at scale: N watched pages served locally with realistic latency, checked in scheduled
runs, next to a plain ``resolve()`` of the same pages in the same run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_watch.py --n 500            # development size
    .venv/bin/python benchmarks/bench_watch.py --n 10000          # the issue's size

Rig: ``--hosts`` page hosts on loopback addresses 127.0.0.2, .3... (one politeness key each), run
in a child process so serving does not share the checker's interpreter; every response waits
50-150 ms (spread by path).  Half the pages are vturb-style (the page loads a ``player.js`` whose
config names the video: 2 documents), half carry a plain ``<video>`` (1 document).  Pages and
configs send ETags and honour ``If-None-Match``.

What runs, in one process, on the same pages:

1. **first run**: every page checked without validators (what a newly watched library costs);
2. ``--changed`` share of the pages switch to another video (the plain ones in the page, the
   vturb ones in the player config only, their page byte-identical);
3. **scheduled run**: every page due again: the unchanged ones should cost 304s only, the changed
   ones must each become exactly one new version;
4. **baseline**: ``resolve()`` as the pipeline calls it (stream probe on) of ``--resolve-sample``
   of the same pages, with the same concurrency, no politeness wait.

Prints pages/s, requests per page, ETag hits, new versions and duplicates (must be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ACCOUNT = "0b7e5c1d-2f3a-4b5c-8d9e-0f1a2b3c4d5e"


def _player(i: int) -> str:
    return f"{i:024x}"[-24:]


def _video(i: int, gen: int) -> str:
    return hashlib.sha1(f"{i}:{gen}".encode()).hexdigest()[:24]


def _page_body(host: str, i: int, gen: int) -> bytes:
    if i % 2 == 0:  # vturb-style
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Oferta {i}</title></head><body>'
            f'<vturb-smartplayer id="vid-{_player(i)}"></vturb-smartplayer>'
            f'<script>var s=document.createElement("script");s.src="http://{host}/{ACCOUNT}/players/{_player(i)}'
            f'/v4/player.js",document.head.appendChild(s);</script><p>{"Texto da página. " * 200}</p></body></html>'
        ).encode()
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Curso {i}</title></head><body>'
        f'<video controls><source src="http://{host}/v/{_video(i, gen)}/index.m3u8" type="application/x-mpegURL">'
        f"</video><p>{'Texto da página. ' * 200}</p></body></html>"
    ).encode()


def _script_body(host: str, i: int, gen: int) -> bytes:
    config = f'{{"id":"{_player(i)}","oid":"{ACCOUNT}","video":{{"id":"{_video(i, gen)}","drm":false}},"cdn":"{host}"}}'
    return f"(function(){{var config={config};}})();".encode()


PLAYLIST = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg0.ts\n#EXT-X-ENDLIST\n"


def serve(addresses: list[str], port: int, changed: set[int], ready: multiprocessing.synchronize.Event) -> None:
    """The child process: one server per address; ``GET /__gen/2`` switches the changed pages."""
    state = {"gen": 1}
    hits = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            host = self.headers.get("host", "")
            if path.startswith("/__gen/"):
                state["gen"] = int(path.rsplit("/", 1)[1])
                return self._send(200, b"ok", "text/plain")
            if path == "/__hits":
                return self._send(200, str(hits["n"]).encode(), "text/plain")
            hits["n"] += 1
            share = int(hashlib.md5(path.encode()).hexdigest()[:4], 16) / 0xFFFF
            time.sleep(0.05 + 0.1 * share)
            parts = path.strip("/").split("/")
            if path.endswith(".m3u8"):
                body, ctype = PLAYLIST, "application/vnd.apple.mpegurl"
            elif parts[0] == "p":
                i = int(parts[1])
                body, ctype = _page_body(host, i, state["gen"] if i in changed else 1), "text/html; charset=utf-8"
            elif parts[0] == ACCOUNT and path.endswith("player.js"):
                i = int(parts[2], 16)
                body, ctype = _script_body(host, i, state["gen"] if i in changed else 1), "application/javascript"
            else:
                return self._send(404, b"no", "text/plain")
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == tag:
                return self._send(304, b"", ctype, tag)
            return self._send(200, body, ctype, tag)

        def _send(self, status: int, body: bytes, ctype: str, tag: str | None = None) -> None:
            self.send_response(status)
            if tag:
                self.send_header("ETag", tag)
            if status != 304:
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    import threading

    servers = []
    for address in addresses:
        server = ThreadingHTTPServer((address, port), Handler)
        server.daemon_threads = True
        server.request_queue_size = 512
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    ready.set()
    while True:
        time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--host-interval", type=float, default=0.05)
    parser.add_argument("--changed", type=float, default=0.01, help="share of pages whose video changes")
    parser.add_argument("--resolve-sample", type=int, default=1000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_watch_"))
    os.environ.update(
        {
            "VSL_STORAGE_DIR": str(work / "storage"),
            "VSL_DATABASE_URL": f"sqlite:///{work / 'storage' / 'vsl.db'}",
            "VSL_ALLOW_PRIVATE_NETWORKS": "1",
        }
    )
    import httpx
    from sqlalchemy import func, select

    from vsl_assets import settings
    from vsl_assets.db import WatchPage, WatchVersion, repo, session_scope
    from vsl_assets.media.pages import ResolveOptions, resolve
    from vsl_assets.net.guard import NetPolicy
    from vsl_assets.net.urls import normalize_url
    from vsl_assets.services import watch

    port = 18000 + os.getpid() % 1000
    addresses = [f"127.0.0.{2 + h}" for h in range(args.hosts)]
    step = max(1, round(1 / args.changed)) if args.changed else 0
    # Every step-th page, alternately a plain page (its HTML changes) and a vturb one (only its config).
    changed = {i for i in range(args.n) if step and i % step == (i // step) % 2}
    ready = multiprocessing.Event()
    child = multiprocessing.Process(target=serve, args=(addresses, port, changed, ready), daemon=True)
    child.start()
    ready.wait(30)
    urls = [f"http://{addresses[i % args.hosts]}:{port}/p/{i}/" for i in range(args.n)]
    db = settings.current().database
    with session_scope(db) as s:
        repo.add_urls(s, [normalize_url(u) for u in urls])
    cfg = watch.WatchConfig(
        concurrency=args.concurrency,
        host_interval_s=args.host_interval,
        batch=args.n + 1,
        net=NetPolicy(allow_private=True),  # the pages are served on 127.0.0.1
    )

    def sessions():
        return session_scope(db)

    def total_hits() -> int:
        return int(httpx.get(f"http://{addresses[0]}:{port}/__hits").text)

    print(
        f"bench_watch: {args.n} pages on {args.hosts} hosts, 50-150 ms per response, concurrency "
        f"{args.concurrency}, {args.host_interval}s between checks of one host; {len(changed)} pages change"
    )
    before = total_hits()
    first = watch.run_checks(sessions, cfg, partitions=None)
    first_hits = total_hits() - before
    for address in addresses:
        httpx.get(f"http://{address}:{port}/__gen/2")
    with session_scope(db) as s:  # the next interval has passed: every page is due
        s.execute(WatchPage.__table__.update().values(next_check_at=datetime.now(UTC)))
    before = total_hits()
    second = watch.run_checks(sessions, cfg, partitions=None)
    second_hits = total_hits() - before
    with session_scope(db) as s:
        versions = s.scalar(select(func.count(WatchVersion.id)))
        duplicates = s.scalar(
            select(func.count()).select_from(
                select(WatchVersion.url_id, WatchVersion.identity)
                .group_by(WatchVersion.url_id, WatchVersion.identity)
                .having(func.count() > 1)
                .subquery()
            )
        )
    sample = urls[: args.resolve_sample]
    options = ResolveOptions(use_ytdlp=False, net=NetPolicy(allow_private=True))  # pages on 127.0.0.1
    before = total_hits()
    start = time.monotonic()
    failures = 0
    with httpx.Client(timeout=20, limits=httpx.Limits(max_connections=args.concurrency)) as client:

        def one(u: str) -> bool:
            try:
                resolve(u, client=client, options=options)
                return True
            except Exception:
                return False

        with ThreadPoolExecutor(args.concurrency) as pool:
            failures = sum(1 for ok in pool.map(one, sample) if not ok)
    resolve_s = time.monotonic() - start
    resolve_hits = total_hits() - before

    def line(name: str, summary: watch.RunSummary, hits: int) -> str:
        return (
            f"{name:<16} {summary.checked:>6} pages  {summary.seconds:7.1f} s  {summary.pages_per_s:7.1f} pages/s  "
            f"{hits / max(summary.checked, 1):4.2f} requests/page  ETag hits {summary.not_modified:>6}  "
            f"new versions {len(summary.new_versions):>4}  failed {summary.failed}"
        )

    print(line("first run", first, first_hits))
    print(line("scheduled run", second, second_hits))
    print(
        f"{'resolve() base':<16} {len(sample):>6} pages  {resolve_s:7.1f} s  {len(sample) / resolve_s:7.1f} pages/s  "
        f"{resolve_hits / max(len(sample), 1):4.2f} requests/page  (stream probe on, no politeness wait; "
        f"{failures} failed)"
    )
    print(
        f"versions {versions} (expected {args.n + len(changed)}), duplicate versions {duplicates}, "
        f"changed pages found as a new version in the next run: {len(second.new_versions)}/{len(changed)}"
    )
    child.terminate()
    child.join(5)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
