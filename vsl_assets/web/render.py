"""Rendering a page: the template plus what every page shows (user, language, CSRF token)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from markupsafe import Markup

from vsl_assets.db.models import UrlStatus
from vsl_assets.web.deps import Identity, ctx
from vsl_assets.web.i18n import LANG_COOKIE, TZ_COOKIE, label, pick_language, template_helpers, translate


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
        **template_helpers(lang, request.cookies.get(TZ_COOKIE)),
        **data,
    }
    return ctx(request).templates.TemplateResponse(request, name, context, status_code=status_code)


#: Rendered fragments per template environment (one per app), by (template, language, time
#: zone, key).
_fragments: weakref.WeakKeyDictionary[Environment, dict[tuple[str, str, str | None, Hashable], Markup]] = (
    weakref.WeakKeyDictionary()
)
_fragments_lock = threading.Lock()
#: Fragments kept per app (a library page's cards are 24 of them, ~1 KB each): the oldest is
#: dropped beyond this (free text in filters makes the keys unbounded).
MAX_FRAGMENTS = 4096


def cached_fragment(request: Request, name: str, key: Hashable | None, data: Callable[[], dict[str, Any]]) -> Markup:
    """Template ``name`` rendered with ``data()`` in the request's language and time zone, once
    per (language, time zone, ``key``); ``key`` None: rendered every time.

    ``key`` must determine ``data()`` (the caller's promise) and the fragment must read nothing
    else of the request (no user, no CSRF token, no clock).  The library's filter form and its
    cards are the same on every view with the same filters, facets and card contents: rendering
    them each time was most of the page's template time (``benchmarks/bench_web.py``)."""
    lang = language(request)
    zone = request.cookies.get(TZ_COOKIE)
    env = ctx(request).templates.env
    if key is None:
        return Markup(env.get_template(name).render({**template_helpers(lang, zone), **data()}))
    cache = _fragments.setdefault(env, {})
    found = cache.get((name, lang, zone, key))
    if found is None:
        found = Markup(env.get_template(name).render({**template_helpers(lang, zone), **data()}))
        with _fragments_lock:  # routes run in threadpool threads: one eviction at a time
            while len(cache) >= MAX_FRAGMENTS:
                del cache[next(iter(cache))]
            cache[(name, lang, zone, key)] = found
    return found


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
