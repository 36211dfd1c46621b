"""Helpers for the real-world pattern tests: fixture rendering under ``fixtures/real`` and a
stand-in for yt-dlp that records which embed it was handed.

The stand-in answers with the local CDN's playlist, so a test asserts the exact embed URL the
resolver chose and that the rest of the resolution (probe, referer, others) still runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.players.base import Candidate
from vsl_assets_tests.pages._support import HTML_TYPE, Hosts

JS_TYPE = "application/javascript"
NO_PROBE = ResolveOptions(probe_stream=False)


def serve(hosts: Hosts, name: str, path: str = "/vsl/", **extra: str) -> str:
    """Serve ``fixtures/real/<name>`` on the page host; return its URL."""
    return hosts.serve_page(f"real/{name}", path, **extra)


def serve_on(hosts: Hosts, server_name: str, name: str, path: str, content_type: str = HTML_TYPE, **extra: str) -> str:
    server = getattr(hosts, server_name)
    server.add_route(path, hosts.render(f"real/{name}", **extra).encode("utf-8"), content_type)
    return str(server.url(path))


@dataclass
class FakeYtdlp:
    """Replaces ``ytdlp.extract``: records the URLs asked for, answers with ``stream``."""

    stream: str
    asked: list[str] = field(default_factory=list)

    def extract(self, url: str, *, referer: str | None, options: ResolveOptions, what: str = "page") -> Candidate:
        self.asked.append(url)
        return Candidate(kind="yt-dlp:fake", stream_url=self.stream, referer=referer, hls=True)
