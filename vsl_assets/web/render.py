"""Rendering a page: the template plus what every page shows (user, language, CSRF token)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from vsl_assets.db.models import UrlStatus
from vsl_assets.web.deps import Identity, ctx
from vsl_assets.web.i18n import LANG_COOKIE, label, pick_language, template_helpers, translate


def language(request: Request) -> str:
    return pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def render(request: Request, name: str, identity: Identity | None, status_code: int = 200, **data: Any) -> HTMLResponse:
    lang = language(request)
    context: dict[str, Any] = {
        "status_labels": {status.value: label(lang, "status", status.value) for status in UrlStatus},
        # What app.js writes itself (live progress), in the page's language.
        "js_messages": {m: translate(lang, m) for m in ("ahead", "ETA", "stalled", "Step", "Progress")},
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "user": identity.name if identity else None,
        "csrf": identity.csrf if identity else None,
        **template_helpers(lang),
        **data,
    }
    return ctx(request).templates.TemplateResponse(request, name, context, status_code=status_code)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never ``//host`` or ``https://elsewhere`` (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(target: str) -> RedirectResponse:
    """After a form's POST: 303, so the browser GETs the target and a reload never posts twice."""
    return RedirectResponse(target, status_code=303)


def with_query(target: str, **params: Any) -> str:
    """``target`` with ``params`` added to its query (replacing the same names)."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in params]
    query += [(k, str(v)) for k, v in params.items()]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
