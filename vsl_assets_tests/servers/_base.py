"""Shared plumbing for the in-process HTTP test servers."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that never blocks teardown and never spams stderr.

    Tests deliberately provoke stalled and aborted connections; the stock
    server would join those handler threads on close (hanging the test run)
    and print a traceback for every client that hung up early.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: eight simultaneous connects (a concurrent HLS
    # download) can overflow it and the kernel drops a SYN the client resends only after 1 s.
    # Real CDNs have big backlogs.
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-response is an expected outcome in these tests.
        return


class QuietHandler(BaseHTTPRequestHandler):
    """Request handler base that keeps pytest output free of access logs."""

    protocol_version = "HTTP/1.1"
    # Keep-alive connections must not pin a handler thread forever after
    # the client vanished without closing.
    timeout = 30

    def log_message(self, format: str, *args: object) -> None:
        return

    def send_bytes(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        head_only: bool = False,
    ) -> None:
        """Write a complete response, tolerating clients that already left."""
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head_only:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class BackgroundServer:
    """Context-manager lifecycle for a server running on a daemon thread.

    Binding to port 0 lets many test sessions (and xdist workers) run in
    parallel without port clashes.
    """

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._handler = handler
        self._httpd: QuietThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        # Set on shutdown so deliberately stalled/delayed handlers wake up.
        self.stopping = threading.Event()

    @property
    def httpd(self) -> QuietThreadingHTTPServer:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not running; use it as a context manager")
        return self._httpd

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        httpd = QuietThreadingHTTPServer(("127.0.0.1", 0), self._handler)
        httpd.owner = self  # type: ignore[attr-defined]
        self._httpd = httpd
        # A short poll interval keeps shutdown() fast.
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self.stopping.set()
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
