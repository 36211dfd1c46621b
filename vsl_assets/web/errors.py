"""Every answer carries the security headers and a cache policy, errors included.

``SecurityHeadersMiddleware`` wraps ``send``, so the headers are added to whatever answers: a
route, a 404, a 413 from the body cap, or the catch-all below.  An unexpected exception becomes a
500 with a short JSON (API) or HTML (pages) body instead of a bare connection error; the
traceback goes to the log, never to the client.  Errors on pages are rendered as a page a person
can read (``error.html``), with the API's JSON kept for ``/api`` and scripts.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

#: Everything the pages load comes from this site; nothing inline runs (transcripts are text).
CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}
#: A board's share link (``/s/<token>``, no login): the token is in the URL, so no page or file
#: under it may send it on as a referrer, and search engines must not index what a link opens.
SHARE_PREFIX = "/s/"
SHARE_HEADERS = {"referrer-policy": "no-referrer", "x-robots-tag": "noindex, nofollow"}
#: Authenticated answers must not be kept by a shared cache or left on disk after logout; routes
#: that want otherwise (media with validators, posters, static files) set their own.
NO_STORE = "private, no-store"
STATIC_CACHE = "public, max-age=3600"


def cache_policy(path: str) -> str:
    if path.startswith(("/static/", "/static-docs/")):
        return STATIC_CACHE
    return NO_STORE


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = {
            **SECURITY_HEADERS,
            "content-security-policy": DOCS_CSP if path == "/docs" else CSP,
            "cache-control": cache_policy(path),
        }
        if path.startswith(SHARE_PREFIX):  # set over whatever the route said
            extra.update(SHARE_HEADERS, **{"cache-control": NO_STORE})
        if scope.get("scheme") == "https":
            extra["strict-transport-security"] = "max-age=31536000"
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                if path.startswith(SHARE_PREFIX):
                    forced = {k.encode() for k in SHARE_HEADERS} | {b"cache-control"}
                    headers = [(n, v) for n, v in headers if n.lower() not in forced]
                have = {name.lower() for name, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in have]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            logger.exception("unhandled error on %s %s", scope.get("method"), path)
            if started:
                raise
            response = error_response(
                Request(scope), 500, "internal error: the server could not answer this; it is logged"
            )
            await response(scope, receive, with_headers)


#: What a person reads as an error page's heading (translated like every message; the detail,
#: translated when it is a known one, follows it).
ERROR_TITLES = {
    400: "This request could not be understood",
    401: "Log in first",
    403: "You cannot do this",
    404: "Not found",
    405: "This address does not take that action",
    413: "What you sent is too large",
    422: "Some of what was sent is not valid",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/pipeline/", "/openapi.json", "/healthz")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, detail: Any, headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        try:
            from vsl_assets.web.render import render

            page = render(
                request,
                "error.html",
                None,
                status_code=status,
                status=status,
                title=ERROR_TITLES.get(status, "Something went wrong"),
                detail=_readable(detail),
            )
            page.headers.update(headers or {})
            return page
        except Exception:  # the page itself failed: the JSON answer still says what happened
            logger.exception("could not render the error page")
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _readable(detail: Any) -> str:
    if isinstance(detail, list):  # validation errors: "where: why" per field
        parts = []
        for item in detail:
            if isinstance(item, dict):
                where = ".".join(str(x) for x in item.get("loc", ()) if x not in ("query", "path", "body"))
                parts.append(f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", "")))
        return "; ".join(parts) or "invalid request"
    return str(detail)


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_html(request) and exc.status_code >= 400:
            return error_response(request, exc.status_code, exc.detail, getattr(exc, "headers", None))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            return error_response(request, 422, list(exc.errors()))
        return await request_validation_exception_handler(request, exc)
