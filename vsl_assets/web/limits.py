"""Limits applied before any work: the request body's size, integer parameters, the client address.

The body cap is an ASGI middleware outside everything else, so an oversized body is refused with
413 before it is parsed and before anyone is authenticated (an anonymous 100 MB POST costs
nothing): a declared ``Content-Length`` over the cap is answered at once, and a chunked body is
counted as it streams and cut off at the cap.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Path
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Database ids are 32-bit on PostgreSQL: anything larger is "no such row", answered 422 up front
#: instead of an overflow (500) in the driver.
MAX_ID = 2**31 - 1
DbId = Annotated[int, Path(ge=1, le=MAX_ID, description="a database id")]

#: Characters of a search query (``/search``, ``GET /api/search``): room for several phrases and
#: exclusions, well under what makes the query parser slow; the library's title/URL text filter
#: (``q`` of ``/`` and ``/api/vsls``) has its own, shorter limit (200).
SEARCH_Q_MAX = 1000
#: Characters of a page's own address carried through a form (``next``: where the login, a
#: Retry or "add to board" goes back to): a search of ``SEARCH_Q_MAX`` characters percent-encoded
#: (up to 12 per character: 4 UTF-8 bytes, ``%XX`` each) with its filters; 2,000 refused the
#: login of someone sent there from a long Portuguese search.
NEXT_MAX = 16_000


def too_large_reason(limit: int) -> str:
    return f"request body too large: at most {limit / 1_000_000:g} MB (VSL_WEB_MAX_BODY_MB); send less at a time"


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` mid-stream; an HTTPException so FastAPI's body parsing passes it on."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_reason(limit))


def _too_large(limit: int) -> bytes:
    return json.dumps({"detail": too_large_reason(limit)}).encode()


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from vsl_assets.web.errors import error_response, wants_html

        request = Request(scope)
        if wants_html(request):  # a form posted from a page: the error page, in the reader's language
            page = error_response(request, 413, too_large_reason(self.max_bytes), {"connection": "close"})
            await page(scope, receive, send)
            return
        body = _too_large(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)
