"""Local static-media HTTP server with fault injection.

The pipeline fetches HLS playlists and direct media URLs over HTTP with
ffmpeg; these tests need a real socket so ffmpeg's own HTTP client, its
retries and its timeouts are exercised, not a mocked Python layer.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from ._base import BackgroundServer, QuietHandler

__all__ = ["CONTENT_TYPES", "MediaHTTPServer"]

# Explicit table because the stdlib mimetypes database varies by platform
# (e.g. .ts is often mapped to Qt/TypeScript), and ffmpeg's HLS demuxer
# sniffs Content-Type.
CONTENT_TYPES: dict[str, str] = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".mp3": "audio/mpeg",
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".wav": "audio/wav",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


@dataclass
class _Route:
    body: bytes
    content_type: str
    status: int


@dataclass
class _StatusOverride:
    status: int
    remaining: int | None


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]


class _MediaHandler(QuietHandler):
    @property
    def owner(self) -> MediaHTTPServer:
        return cast(MediaHTTPServer, self.server.owner)  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self._serve(head_only=False)

    def do_HEAD(self) -> None:
        self._serve(head_only=True)

    def _serve(self, *, head_only: bool) -> None:
        owner = self.owner
        method = "HEAD" if head_only else "GET"
        owner._record(method, self.path, {k.lower(): v for k, v in self.headers.items()})
        path = unquote(urlsplit(self.path).path)

        redirect = owner._redirect_for(path)
        if redirect is not None:
            self.send_bytes(302, b"", "text/plain", {"Location": redirect}, head_only=head_only)
            return

        delay = owner._delay_for(path)
        if delay > 0 and owner.stopping.wait(delay):
            self.close_connection = True
            return

        forced = owner._take_status(path)
        if forced is not None:
            body = f"{forced} forced by test\n".encode()
            self.send_bytes(forced, body, "text/plain; charset=utf-8", head_only=head_only)
            return

        route = owner._route(path)
        if route is not None:
            self._send_body(path, route.status, route.body, route.content_type, head_only=head_only)
            return

        target = owner._resolve(path)
        if target is None:
            self.send_bytes(403, b"forbidden\n", "text/plain; charset=utf-8", head_only=head_only)
            return
        if not target.is_file():
            # Directories get a 404 too: no listings.
            self.send_bytes(404, b"not found\n", "text/plain; charset=utf-8", head_only=head_only)
            return
        self._send_body(path, 200, target.read_bytes(), _content_type(target), head_only=head_only)

    def _send_body(self, path: str, status: int, body: bytes, content_type: str, *, head_only: bool) -> None:
        headers = {"Accept-Ranges": "bytes"} if status == 200 else {}
        start, end = 0, len(body)
        range_header = self.headers.get("Range")
        if status == 200 and range_header:
            match = _RANGE_RE.match(range_header.strip())
            if match and (match.group(1) or match.group(2)):
                if match.group(1):
                    start = int(match.group(1))
                    end = int(match.group(2)) + 1 if match.group(2) else len(body)
                else:  # suffix range: last N bytes
                    start = max(0, len(body) - int(match.group(2)))
                end = min(end, len(body))
                if start >= len(body) or start >= end:
                    self.send_bytes(
                        416,
                        b"",
                        "text/plain",
                        {"Content-Range": f"bytes */{len(body)}"},
                        head_only=head_only,
                    )
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(body)}"
        payload = body[start:end]

        stall_after = self.owner._stall_for(path)
        if stall_after is None:
            self.send_bytes(status, payload, content_type, headers, head_only=head_only)
            return
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if not head_only:
                self.wfile.write(payload[:stall_after])
                self.wfile.flush()
                # Hold the connection open, promising bytes that never come,
                # until the server is torn down.
                self.owner.stopping.wait()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class MediaHTTPServer(BackgroundServer):
    """Serves a directory tree (plus in-memory routes) on 127.0.0.1.

    Failure knobs (status overrides, latency, mid-body stalls) exist so the
    pipeline's handling of broken upstream CDNs can be tested
    deterministically.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(_MediaHandler)
        self.root = Path(root).resolve()
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._statuses: dict[str, _StatusOverride] = {}
        self._delays: dict[str | None, float] = {}
        self._routes: dict[str, _Route] = {}
        self._stalls: dict[str, int] = {}
        self._redirects: dict[str, str] = {}
        #: Every request with its (lower-cased) headers: players and CDNs check Referer/Origin.
        self.received: list[Received] = []

    # -- public API -----------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def set_status(self, path: str, status: int, times: int | None = None) -> None:
        """Answer `path` with `status`; `times=N` flaps back to normal after N hits."""
        with self._lock:
            self._statuses[_norm(path)] = _StatusOverride(status, times)

    def clear_status(self, path: str) -> None:
        with self._lock:
            self._statuses.pop(_norm(path), None)

    def set_delay(self, path_prefix: str | None, seconds: float) -> None:
        """Add latency to requests under `path_prefix` (None: every request)."""
        key = None if path_prefix is None else _norm(path_prefix)
        with self._lock:
            if seconds <= 0:
                self._delays.pop(key, None)
            else:
                self._delays[key] = seconds

    def add_route(self, path: str, body: bytes, content_type: str, status: int = 200) -> None:
        with self._lock:
            self._routes[_norm(path)] = _Route(body, content_type, status)

    def set_stall(self, path: str, after_bytes: int) -> None:
        """Send headers and `after_bytes` of body for `path`, then hang until shutdown."""
        with self._lock:
            self._stalls[_norm(path)] = after_bytes

    def clear_stall(self, path: str) -> None:
        with self._lock:
            self._stalls.pop(_norm(path), None)

    def add_redirect(self, path: str, target: str) -> None:
        """Answer `path` with a 302 to `target`."""
        with self._lock:
            self._redirects[_norm(path)] = target

    def requests_to(self, path_prefix: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if urlsplit(r.path).path.startswith(path_prefix)]

    def reset(self) -> None:
        """Forget routes, faults, redirects and recorded requests so one server serves many tests."""
        with self._lock:
            for table in (self._routes, self._statuses, self._delays, self._stalls, self._redirects):
                table.clear()
            self.received.clear()
            self.requests.clear()

    def paths_requested(self, method: str | None = None) -> list[str]:
        with self._lock:
            return [p for m, p in self.requests if method is None or m == method]

    # -- handler hooks ----------------------------------------------------

    def _record(self, method: str, raw_path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((method, raw_path))
            self.received.append(Received(method, raw_path, headers))

    def _redirect_for(self, path: str) -> str | None:
        with self._lock:
            return self._redirects.get(path)

    def _take_status(self, path: str) -> int | None:
        with self._lock:
            override = self._statuses.get(path)
            if override is None:
                return None
            if override.remaining is not None:
                if override.remaining <= 0:
                    del self._statuses[path]
                    return None
                override.remaining -= 1
            return override.status

    def _delay_for(self, path: str) -> float:
        with self._lock:
            matches = [seconds for prefix, seconds in self._delays.items() if prefix is None or path.startswith(prefix)]
        return max(matches, default=0.0)

    def _route(self, path: str) -> _Route | None:
        with self._lock:
            return self._routes.get(path)

    def _stall_for(self, path: str) -> int | None:
        with self._lock:
            return self._stalls.get(path)

    def _resolve(self, path: str) -> Path | None:
        candidate = (self.root / path.lstrip("/")).resolve()
        if candidate != self.root and not candidate.is_relative_to(self.root):
            return None
        return candidate


def _norm(path: str) -> str:
    return "/" + path.lstrip("/")
