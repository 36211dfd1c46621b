"""Every answer carries the security headers and a cache policy, errors included.

``SecurityHeadersMiddleware`` wraps ``send``, so the headers are added to whatever answers: a
route, a 404, a 413 from the body cap, or the catch-all below.  An unexpected exception becomes a
500 with a short JSON (API) or HTML (pages) body instead of a bare connection error; the
traceback goes to the log, never to the client.  Errors on pages are rendered as a page a person
can read (``error.html``), with the API's JSON kept for ``/api`` and scripts.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
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
        except Exception as exc:
            if started or not unstorable_text(exc):
                logger.exception("unhandled error on %s %s", scope.get("method"), path)
            if started:
                raise
            if unstorable_text(exc):  # the client's text, not our fault: say so (the work was rolled back)
                logger.info("refused text no database stores on %s %s: %s", scope.get("method"), path, exc)
                response = error_response(Request(scope), 400, UNSTORABLE)
            else:
                response = error_response(
                    Request(scope), 500, "internal error: the server could not answer this; it is logged"
                )
            await response(scope, receive, with_headers)


#: What a request is told when it sent text no database can store: PostgreSQL refuses a NUL
#: character (``\x00``) in text, and an unpaired UTF-16 surrogate (``"\ud800"`` in JSON) is not
#: UTF-8 for SQLite, PostgreSQL or the JSON answer.  Refused where the driver meets it (the unit of
#: work rolls back, nothing is written) rather than a 500 ("internal error") for the client's input.
UNSTORABLE = "the request holds a character that is not text (a NUL or an unpaired surrogate); remove it and send again"


def unstorable_text(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps: SQLAlchemy's ``orig``, a cause, a context) is a driver's
    refusal of such text: psycopg's "cannot contain NUL (0x00)", or UTF-8's "surrogates not allowed"."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UnicodeEncodeError) and "surrogate" in str(current.reason):
            return True
        if isinstance(current, ValueError) and "NUL (0x00)" in str(current):
            return True
        orig = getattr(current, "orig", None)
        todo += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
    return False


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


#: What a form's field is called on its page, by the parameter's name: the message a 422 page
#: reads it as ("Nome: no máximo 120 caracteres"); a field not listed is named as the parameter.
FIELD_LABELS = {
    "name": "Name",
    "note": "Description",
    "tags": "Tags",
    "title": "Title",
    "label": "What it is for",
    "urls": "URLs",
    "q": "Search words",
    "query": "Search",
    "price_min": "Price",
    "price_max": "Price",
    "duration_min": "Duration",
    "duration_max": "Duration",
    "language": "Language",
    "days": "Days",
    "page": "Page",
    "batch": "Batch",
    "password": "Password",
    # the library's and search's filters (web/filters.py) and a VSL page's ?t=, as their menus name them
    "sort": "Sort",
    "status": "Status",
    "niche": "Niche",
    "lead": "Lead",
    "awareness": "Awareness",
    "board": "Board",
    "board_id": "Board",
    "pitch_min": "Pitch (transcript)",
    "pitch_max": "Pitch (transcript)",
    "reveal_min": "Product named",
    "reveal_max": "Product named",
    "guarantee": "Guarantee",
    "days_live_min": "Live for",
    "changed_days": "Changed in the last",
    "kind": "Event",
    "t": "Second of the video",
}
#: A validation error's rule as a person reads it, by pydantic's error type; ``{holes}`` are the
#: error's context (``max_length``...).  A type not listed keeps pydantic's own (English) message.
VALIDATION_RULES = {
    "missing": "required",
    "string_too_short": "at least {min_length} characters",
    "string_too_long": "at most {max_length} characters",
    "greater_than_equal": "at least {ge}",
    "greater_than": "more than {gt}",
    "less_than_equal": "at most {le}",
    "less_than": "less than {lt}",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "finite_number": "a number",
    "literal_error": "not one of the choices offered",
    "enum": "not one of the choices offered",
}


def validation_message(lang: str, errors: list[Any]) -> str:
    """Pydantic's validation errors as one line in ``lang``, a field per part: "Nome: no máximo
    120 caracteres" for a 500-character board name (pydantic says "name: String should have at
    most 120 characters").  The API keeps pydantic's JSON; this is for pages."""
    from vsl_assets.web.i18n import fmt_number, translate

    parts = []
    for item in errors:
        if not isinstance(item, dict):
            continue
        where = [str(x) for x in item.get("loc", ()) if x not in ("query", "path", "body", "form")]
        field = where[-1] if where else ""
        rule = VALIDATION_RULES.get(str(item.get("type", "")))
        if rule is None:
            why = str(item.get("msg", ""))
        else:
            why = translate(lang, rule)
            for name, value in (item.get("ctx") or {}).items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    value = fmt_number(lang, value, 0 if float(value).is_integer() else 2)
                why = why.replace("{" + name + "}", str(value))
        name = translate(lang, FIELD_LABELS[field]) if field in FIELD_LABELS else field
        parts.append(f"{name}: {why}" if name else why)
    return "; ".join(parts) or translate(lang, "invalid request")


def back_link(request: Request) -> str | None:
    """Where a refused form was posted from (its page, from the Referer when it is this site's),
    for the error page's link back; None for anything else."""
    if request.method != "POST":
        return None
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if not referer.startswith(origin + "/"):
        return None
    from vsl_assets.web.render import safe_next

    return safe_next(referer[len(origin) :], "") or None  # never ``//host`` nor ``/\\host`` (another site)


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/pipeline/", "/openapi.json", "/healthz")):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, detail: Any, headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        try:
            from vsl_assets.web.render import language, render

            page = render(
                request,
                "error.html",
                None,
                status_code=status,
                status=status,
                title=ERROR_TITLES.get(status, "Something went wrong"),
                detail=validation_message(language(request), detail) if isinstance(detail, list) else str(detail),
                back=back_link(request) if status in (413, 422) else None,
            )
            page.headers.update(headers or {})
            return page
        except Exception:  # the page itself failed: the JSON answer still says what happened
            logger.exception("could not render the error page")
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


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
        # FastAPI's own answer, with what was sent made JSON: ``1e400`` or ``NaN`` in a JSON body is
        # a float JSON cannot carry, and echoing it back as the error's input was a 500.
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)


def _json_safe(value: Any) -> Any:
    """``value`` with every infinite or NaN float written as text ("inf", "nan")."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value
