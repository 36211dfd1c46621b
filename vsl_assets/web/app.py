"""The ASGI app: routers, static files, login redirects, limits, error pages and security headers.

Middleware, outermost first: security headers and the catch-all 500 (``errors``), the body cap
(``limits``: 413 before parsing or authentication), then ``X-Forwarded-*`` from the configured
proxies only.  ``app_from_env`` is the factory each uvicorn worker process calls.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from vsl_assets import settings as settings_module
from vsl_assets.db import engine as db_engine
from vsl_assets.services import insights as insights_service
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.web import search_rebuild
from vsl_assets.web.context import HERE, WebContext
from vsl_assets.web.deps import ApiUser, LoginRequired, PageUser
from vsl_assets.web.errors import SecurityHeadersMiddleware, install_error_pages
from vsl_assets.web.limits import BodyLimitMiddleware
from vsl_assets.web.routers import (
    account,
    board_pages,
    board_shares,
    boards,
    compare,
    exports,
    health,
    insights,
    login,
    media,
    pages,
    search,
    search_pages,
    share,
    urls,
    vsl_page,
    vsls,
    watch,
)

#: The Swagger UI files fastapi-offline ships.
SWAGGER_STATIC = Path(fastapi_offline.__file__).parent / "static"


def trusted_proxies(settings: Settings) -> list[str]:
    return [p.strip() for p in settings.web_trusted_proxies.split(",") if p.strip()]


def create_app(settings: Settings | None = None, partitions: PartitionPort | None = None) -> FastAPI:
    """The app; ``partitions`` is the orchestrator's (given by the entry point, ``vsl web``), so an
    added URL can be materialized at once; without it the sensor makes the partition on its next tick."""
    settings = settings or settings_module.current()
    db_engine.use_prepared_statements(settings.database_prepared_statements)
    app = FastAPI(
        title="The Swipe — VSL swipe file API",
        description="Add VSL URLs, browse and search what the pipeline made of them. "
        "Authenticate with the session cookie (log in at /login) or `Authorization: Bearer <token>` "
        "(`vsl token create NAME`, or the Tokens page); a `read` token cannot add, retry or edit.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.web = WebContext.build(settings, partitions)
    with app.state.web.sessions.begin() as session:  # a new database or an upgrade: count once
        insights_service.ensure_counts(session, settings.breakdown_min_confidence)
    search_rebuild.rebuild_at_start(app.state.web)  # an index a new format recreated: refilled in the background
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (health, urls, vsls, search, media, boards, board_shares, exports, account):
        _add_routes(app, module.router)
    for module in (login, pages, vsl_page, search_pages, board_pages, insights, watch):
        _add_routes(app, module.router)
    _add_routes(app, board_shares.pages)
    _add_routes(app, watch.pages)
    _add_routes(app, compare.router)
    _add_routes(app, compare.pages)
    _add_routes(app, share.router)  # the one part open without a login: a board's share link
    share.redact_share_tokens_in_logs()

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

    install_error_pages(app)
    proxies = trusted_proxies(settings)
    if proxies:
        # X-Forwarded-For/-Proto believed from these addresses only (the login throttle counts
        # per client address; Secure cookies follow X-Forwarded-Proto).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    app.add_middleware(BodyLimitMiddleware, max_bytes=int(settings.web_max_body_mb * 1_000_000))
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes, added to the app as they were built when their module was imported.

    ``include_router`` (FastAPI 0.16x) wraps the router for this app and builds each of its routes
    again (dependencies, parameter models) on the first request that passes them: ~80 ms of CPU
    for each app a process builds, and the tests build one per test.  These routers give their
    routes nothing at inclusion (no prefix, tags or dependencies but their own, which the routes
    already carry), so the built routes serve as they are."""
    app.router.routes.extend(router.routes)


def compile_templates(app: FastAPI) -> None:
    """Compile every template now, as a worker process starts (~0.35 s of CPU), rather than on
    each page's first request in each worker: on a busy machine that first request waited
    seconds.  Not in ``create_app``: tests build many apps and render few pages."""
    env = app.state.web.templates.env
    for name in env.list_templates():
        env.get_template(name)


def app_from_env() -> FastAPI:
    """The app as each uvicorn worker process builds it (``vsl web --workers N``)."""
    app = create_app(settings_module.current())
    compile_templates(app)
    return app
