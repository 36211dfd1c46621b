"""The ASGI app: routers, static files, login redirects and security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vsl_assets import settings as settings_module
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.web.context import HERE, WebContext
from vsl_assets.web.deps import ApiUser, LoginRequired, PageUser
from vsl_assets.web.routers import boards, health, media, pages, search, urls, vsls

#: Everything the pages load comes from this site; nothing inline runs (transcripts are text).
CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
#: The Swagger UI files fastapi-offline ships.
SWAGGER_STATIC = Path(fastapi_offline.__file__).parent / "static"
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None, partitions: PartitionPort | None = None) -> FastAPI:
    """The app; ``partitions`` is the orchestrator's (given by the entry point, ``vsl web``), so an
    added URL can be materialized at once; without it the sensor makes the partition on its next tick."""
    settings = settings or settings_module.current()
    app = FastAPI(
        title="The Swipe — VSL swipe file API",
        description="Add VSL URLs, browse and search what the pipeline made of them. "
        "Authenticate with the session cookie (log in at /login) or `Authorization: Bearer <token>` "
        "(`vsl token create NAME`).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.web = WebContext.build(settings, partitions)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (health, urls, vsls, search, media, boards, pages):
        app.include_router(module.router)
    app.include_router(boards.pages)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(_user: ApiUser) -> JSONResponse:
        return JSONResponse(app.openapi())

    # Swagger UI from a wheel (fastapi-offline ships a current 5.x bundle), not from a CDN: the
    # docs work on a machine with no internet, and /docs needs no outside host in its policy.
    app.mount("/static-docs", StaticFiles(directory=str(SWAGGER_STATIC)), name="static-docs")

    @app.get("/docs", include_in_schema=False)
    def docs(_user: PageUser) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=app.title,
            swagger_js_url="/static-docs/swagger-ui-bundle.js",
            swagger_css_url="/static-docs/swagger-ui.css",
            swagger_favicon_url="data:,",
        )

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            return JSONResponse({"detail": "authentication required: log in first"}, status_code=401)
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Any]]) -> Response:
        response: Response = await call_next(request)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # Swagger UI starts itself with an inline script: allowed on /docs alone, still same-origin only.
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if request.url.path == "/docs" else CSP)
        if request.url.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    return app
