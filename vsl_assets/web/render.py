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
        "js_messages": {m: translate(lang, m) for m in ("ahead in line", "ETA", "stalled", "Step", "Progress")},
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
#: Templates' macro modules (``Fragments.macros``) per template environment, by (template,
#: language, time zone), all forgotten beyond ``MAX_MODULES`` (the time zone is a cookie's
#: text: the keys are unbounded).
_modules: weakref.WeakKeyDictionary[Environment, dict[tuple[str, str, str | None], Any]] = weakref.WeakKeyDictionary()
MAX_MODULES = 64
#: Fragments kept per app (a library page's cards are 24 of them, ~1 KB each): the oldest is
#: dropped beyond this (free text in filters makes the keys unbounded).
MAX_FRAGMENTS = 4096


def cached_fragment(request: Request, name: str, key: Hashable | None, data: Callable[[], dict[str, Any]]) -> Markup:
    """Template ``name`` rendered with ``data()`` in the request's language and time zone, once
    per (language, time zone, ``key``); ``key`` None: rendered every time (see ``Fragments``)."""
    return Fragments(request).get(name, key, data)


class Fragments:
    """A request's cached fragments: its language, time zone and cache looked up once, not per
    fragment (a library page asks for 25).

    ``get``'s ``key`` must determine ``data()`` (the caller's promise; the library's card key is
    checked field by field in ``vsl_assets_tests/web/test_fragments.py``) and the fragment must
    read nothing else of the request (no user, no CSRF token, no clock).  The library's filter form
    and its cards are the same on every view with the same filters, facets and card contents:
    rendering them each time was most of the page's template time (``benchmarks/bench_web.py``)."""

    __slots__ = ("_cache", "_env", "lang", "zone")

    def __init__(self, request: Request) -> None:
        self.lang = language(request)
        self.zone = request.cookies.get(TZ_COOKIE)
        self._env = ctx(request).templates.env
        self._cache = _fragments.setdefault(self._env, {})

    def _render(self, name: str, data: dict[str, Any]) -> Markup:
        return Markup(self._env.get_template(name).render({**template_helpers(self.lang, self.zone), **data}))

    def get(self, name: str, key: Hashable | None, data: Callable[[], dict[str, Any]]) -> Markup:
        """Template ``name`` rendered with ``data()``, once per (language, time zone, ``key``);
        ``key`` None: rendered every time."""
        if key is None:
            return self._render(name, data())
        full = (name, self.lang, self.zone, key)
        found = self._cache.get(full)
        if found is None:
            found = self._render(name, data())
            cache = self._cache
            with _fragments_lock:  # routes run in threadpool threads: one eviction at a time
                while len(cache) >= MAX_FRAGMENTS:
                    del cache[next(iter(cache))]
                cache[full] = found
        return found

    def macros(self, name: str) -> Any:
        """Template ``name``'s macros as imported ``with context`` by a template rendered in the
        request's language and time zone (and nothing else of the request: pass the rest as
        arguments), made once per language and time zone: what a cached fragment leaves out
        because it changes on every view (a card's live progress)."""
        key = (name, self.lang, self.zone)
        modules = _modules.setdefault(self._env, {})
        module = modules.get(key)
        if module is None:
            module = self._env.get_template(name).make_module(template_helpers(self.lang, self.zone))
            with _fragments_lock:
                if len(modules) >= MAX_MODULES:
                    modules.clear()
                modules[key] = module
        return module


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
