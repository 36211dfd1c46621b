"""A small page host for the watch's tests and benchmark: pages that change between checks.

Each route answers with a body whose ETag is its hash, honours ``If-None-Match`` with 304, and can
be switched to another status, alternate between bodies (a server-side A/B split), wait before
answering (latency) or drip its body (a hostile page).  Every request is recorded.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    bodies: list[bytes]
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: bool = True
    delay_s: float = 0.0
    #: Seconds between single bytes of the body (a page that never finishes).
    drip_s: float = 0.0
    served: int = 0


@dataclass
class Seen:
    path: str
    status: int
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class PageHost:
    address: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    #: Latency added to every request: ``(low, high)`` seconds, spread evenly by path hash.
    latency: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # webhook receiver
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                with host._lock:
                    host.seen.append(Seen(self.path, 200, {k.lower(): v for k, v in self.headers.items()}, body))
                self._send(200, b"ok", "text/plain", {})

            def do_GET(self) -> None:
                route = host.routes.get(self.path)
                low, high = host.latency
                if high:
                    share = int(hashlib.md5(self.path.encode()).hexdigest()[:4], 16) / 0xFFFF
                    time.sleep(low + (high - low) * share)
                if route is None:
                    status, body, ctype, extra = 404, b"not found", "text/plain", {}
                else:
                    if route.delay_s:
                        time.sleep(route.delay_s)
                    with host._lock:
                        body = route.bodies[route.served % len(route.bodies)]
                        route.served += 1
                    tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    extra = {"ETag": tag} if route.etag else {}
                    status, ctype = route.status, route.content_type
                    if status == 200 and route.etag and self.headers.get("If-None-Match") == tag:
                        status, body = 304, b""
                    if route.drip_s:
                        with host._lock:
                            host.seen.append(Seen(self.path, status, dict(self.headers.items())))
                        self._drip(body, ctype, route.drip_s)
                        return
                with host._lock:
                    host.seen.append(Seen(self.path, status, {k.lower(): v for k, v in self.headers.items()}))
                self._send(status, body, ctype, extra)

            def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str]) -> None:
                self.send_response(status)
                if status != 304:
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def _drip(self, body: bytes, ctype: str, every: float) -> None:
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body) * 100))
                self.end_headers()
                try:
                    for _ in range(len(body) * 100):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(every)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer((self.address, 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 1024
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> PageHost:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, *bodies: str | bytes, **options: object) -> str:
        data = [b.encode() if isinstance(b, str) else b for b in bodies]
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path]


# -- pages written for these tests (the patterns of vturb, Panda and plain <video> embeds) ---------


def vturb_page(scripts: str, account: str, player: str, delay: int = 840) -> str:
    return f"""<!DOCTYPE html><html lang="pt-BR"><head><meta charset="utf-8"><title>Método Horta em Casa</title></head>
<body><h1>Assista ao vídeo até o fim</h1>
<vturb-smartplayer id="vid-{player}" style="display:block"></vturb-smartplayer>
<script>var s=document.createElement("script");s.src="{scripts}/{account}/players/{player}/v4/player.js",s.async=!0,document.head.appendChild(s);</script>
<script>var delaySeconds = {delay};</script>
</body></html>"""


def vturb_script(account: str, player: str, video: str, cdn_host: str, duration: float = 1500.0) -> str:
    config = (
        f'{{"id":"{player}","oid":"{account}","video":{{"id":"{video}","duration":{duration},"drm":false}},'
        f'"cdn":"{cdn_host}"}}'
    )
    return (
        "(function(){var w=window;w.smartplayer=w.smartplayer||{instances:[]};var config=" + config + ";"
        'var d=document,s=d.createElement("script");s.src="https://scripts.converteai.net/lib/js/smartplayer-wc/v4/'
        'smartplayer.js";d.head.appendChild(s);})();'
    )


def panda_page(video_id: str) -> str:
    playlist = f"https://b-vz-1a2b3c4d-5e6.tv.pandavideo.com.br/{video_id}/playlist.m3u8"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Aula Gratuita de Marcenaria</title>
<link rel="preload" href="{playlist}" as="fetch"></head>
<body><div class="vsl"><iframe id="panda-{video_id}"
 src="https://player-vz-1a2b3c4d-5e6.tv.pandavideo.com.br/embed/?v={video_id}"
 allow="autoplay; encrypted-media" allowfullscreen width="100%" height="100%"></iframe></div></body></html>"""


def video_page(stream_url: str, title: str = "Curso de Pães Artesanais") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><section id="vsl"><video id="vsl" controls playsinline>
<source src="{stream_url}" type="application/x-mpegURL"></video></section></body></html>"""
