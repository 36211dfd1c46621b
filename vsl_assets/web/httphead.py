"""A cap on a request's head (request line and headers), enforced before the app sees it.

uvicorn's httptools protocol (what ``http="auto"`` picks) buffers a request line and headers of
any size: an anonymous client could send 50 MB of headers on each connection and the worker held
them all (the body cap, ``limits.BodyLimitMiddleware``, only starts once the head has been read).
This is the same protocol with the head counted as its bytes arrive: past ``MAX_HEAD_BYTES`` the
connection is answered 431 and closed, before anything is parsed into an ASGI scope.  (h11, the
fallback without httptools, caps a head at its own ``h11_max_incomplete_event_size``, 16 KB.)

The one module that leans on uvicorn's protocol internals (the parser callbacks
``on_headers_complete`` and ``on_message_complete``): ``uvicorn.Config(http=...)`` takes a protocol
class, but the hooks are its own; ``vsl_assets_tests/web/test_hostile_requests.py`` drives this
class byte by byte, so an upgrade that renames them fails there rather than silently lifting the cap.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

#: Bytes of request line and headers a request may send (cookies and all): Caddy's default
#: ``max_header_size``; nginx's default buffers (4 x 8 KB) refuse sooner.  Counted per read, so a
#: read that holds the end of the head and the start of the body counts whole: it must stay well
#: above one read (asyncio reads at most 256 KB at a time).
MAX_HEAD_BYTES = 1 << 20
REFUSAL = b"request line and headers too large: at most 1 MiB; send fewer or shorter headers"


class HeadCappedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a head over ``MAX_HEAD_BYTES`` with 431."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0  # keep-alive: the next request's head counts anew

    def _refuse_head(self) -> None:
        self._refused = True
        self.logger.warning("a request head over %d bytes was refused (431)", MAX_HEAD_BYTES)
        transport: asyncio.Transport = self.transport
        transport.write(
            STATUS_LINE[431]
            + b"content-type: text/plain; charset=utf-8\r\nx-content-type-options: nosniff\r\n"
            + b"content-length: "
            + str(len(REFUSAL)).encode()
            + b"\r\nconnection: close\r\n\r\n"
            + REFUSAL
        )
        transport.close()
