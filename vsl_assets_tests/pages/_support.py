"""Test plumbing for the page resolver: three hosts and fixture rendering.

Three servers stand for the three origins of a real VSL: the sales page, the player host
(scripts, embeds) and the CDN; each records request headers (Referer/Origin are part of the
resolver's contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from vsl_assets_tests.servers import MediaHTTPServer

FIXTURES = Path(__file__).parent / "fixtures"
MASTER = (FIXTURES / "hls" / "master.m3u8").read_bytes()
MEDIA = (FIXTURES / "hls" / "media.m3u8").read_bytes()
HLS_TYPE = "application/vnd.apple.mpegurl"
HTML_TYPE = "text/html; charset=utf-8"
#: The first bytes of an MP4 (ftyp box), enough for the resolver's sniffing.
FAKE_MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 8192


class RecordingServer(MediaHTTPServer):
    """MediaHTTPServer with HLS fixture helpers for the resolver tests."""

    def add_hls(self, prefix: str, master: bytes = MASTER, media: bytes = MEDIA) -> str:
        """Serve a master playlist at ``<prefix>`` (its variants beside it); return its URL."""
        folder = prefix.rsplit("/", 1)[0]
        self.add_route(prefix, master, HLS_TYPE)
        for variant in ("360p", "720p"):
            self.add_route(f"{folder}/{variant}/index.m3u8", media, HLS_TYPE)
        return self.url(prefix)

    def segments_requested(self) -> list[str]:
        return [r.path for r in self.received if urlsplit(r.path).path.endswith(".ts")]


@dataclass
class Hosts:
    page: RecordingServer
    player: RecordingServer
    cdn: RecordingServer

    def reset(self) -> None:
        for server in (self.page, self.player, self.cdn):
            server.reset()
        self.cdn.add_hls("/hls/master.m3u8")

    def values(self) -> dict[str, str]:
        return {
            "page": self.page.base_url,
            "player": self.player.base_url,
            "scripts": self.player.base_url,
            "cdn": self.cdn.base_url,
            "cdn_host": self.cdn.base_url.removeprefix("http://"),
        }

    def render(self, name: str, **extra: str) -> str:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for key, value in {**self.values(), **extra}.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    def serve_page(self, name: str, path: str = "/vsl/", *, server: RecordingServer | None = None, **extra: str) -> str:
        server = server or self.page
        server.add_route(path, self.render(name, **extra).encode("utf-8"), HTML_TYPE)
        return server.url(path)


@contextmanager
def running_hosts() -> Iterator[Hosts]:
    """Three hosts for a test module; call ``reset()`` before each test (see the modules' fixtures)."""
    with RecordingServer(FIXTURES) as page, RecordingServer(FIXTURES) as player, RecordingServer(FIXTURES) as cdn:
        hosts = Hosts(page, player, cdn)
        hosts.reset()
        yield hosts
