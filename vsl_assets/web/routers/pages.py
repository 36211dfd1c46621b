"""The server-rendered pages: login, library, search, VSL, add, queue, boards.

Every form that changes something posts its CSRF token (checked in ``deps``) and redirects
(303) back, so a reload never posts twice; everything also works without JavaScript except the
live status and the transcript sync.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets import progress
from vsl_assets.db import repo
from vsl_assets.db.models import IN_PROGRESS, Url, UrlStatus
from vsl_assets.net.guard import NetPolicy
from vsl_assets.services import boards, intake, library, requeue, titles
from vsl_assets.settings import retranscribe_language, url_language
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS
from vsl_assets.web import addpage
from vsl_assets.web.deps import LOGIN_COOKIE, SESSION_COOKIE, Ctx, Db, Key, PageUser
from vsl_assets.web.filters import Filters, for_viewer
from vsl_assets.web.i18n import LANG_COOKIE, LANGUAGES
from vsl_assets.web.limits import MAX_ID
from vsl_assets.web.render import render, safe_next
from vsl_assets.web.sessions import create_session, end_session
from vsl_assets.web.users import authenticate
from vsl_assets.web.watchview import panel as watch_panel

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


# -- login ------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, context: Ctx, next: str = "/", error: str | None = None) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        None,
        status_code=401 if error else 200,
        next=safe_next(next),
        login_csrf=context.signer.csrf_token("login:" + nonce),
        error=error,
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", secure=_secure(request), max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    context: Ctx,
    session: Db,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    if not nonce or not context.signer.check_csrf("login:" + nonce, csrf_token):
        raise HTTPException(status_code=403, detail="missing or invalid CSRF token; reload the login page")
    address = request.client.host if request.client else "?"
    attempt = context.throttle.reserve(username, address)  # before any hashing: parallel guesses count
    if attempt.attempt_id is None:
        raise HTTPException(
            status_code=429,
            detail=f"too many failed logins; try again in {attempt.wait_s} s",
            headers={"Retry-After": str(attempt.wait_s)},
        )
    user = authenticate(session, username, password)
    context.throttle.finish(attempt.attempt_id, ok=user is not None)
    if user is None:
        return login_form(request, context, next=next, error="Wrong user name or password.")
    cookie = create_session(session, user, context.session_policy, address)
    session.commit()  # live before the browser follows the redirect
    response = _redirect(safe_next(next))
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=context.session_policy.max_s,
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: Db, _user: PageUser) -> Response:
    end_session(session, request.cookies.get(SESSION_COOKIE))  # the cookie stops working, even copied
    session.commit()
    response = _redirect("/login")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def set_language(code: str, request: Request, next: str = "/") -> Response:
    if code not in LANGUAGES:
        raise HTTPException(
            status_code=404, detail=f"no UI language {code[:20]!r}; choose one of {', '.join(LANGUAGES)}"
        )
    response = _redirect(safe_next(next))
    response.set_cookie(LANG_COOKIE, code, samesite="lax", secure=_secure(request), max_age=365 * 24 * 3600)
    return response


# -- library (the search page is in routers/search_pages.py) -----------------------------------


@router.get("/", response_class=HTMLResponse)
def library_page(request: Request, filters: Filters, context: Ctx, session: Db, user: PageUser) -> Response:
    filters = for_viewer(session, filters, user.user_id)
    page = library.list_vsls(session, filters, min_confidence=context.settings.breakdown_min_confidence)
    active = filters.active()
    next_link = None
    if page.next_after is not None:
        next_link = "/?" + urlencode({**active, "after": page.next_after, "limit": filters.limit})
    elif filters.sort not in ("newest", "oldest") and filters.offset + page.limit < page.total:
        next_link = "/?" + urlencode({**active, "offset": filters.offset + page.limit, "limit": filters.limit})
    first_link = "/?" + urlencode(active) if (filters.after is not None or filters.offset) else None
    on_the_way = any(c.status in progress.ON_THE_WAY for c in page.items)
    now = datetime.now(UTC)
    return render(
        request,
        "library.html",
        user,
        page=page,
        f=filters,
        facets=library.facets(session),
        next_link=next_link,
        first_link=first_link,
        estimates=progress.queue_estimates(session, now) if on_the_way else {},
        on_the_way=progress.ON_THE_WAY,
        now=now,
    )


# -- one VSL ------------------------------------------------------------------------------------


@router.get("/vsl/{key}", response_class=HTMLResponse)
def vsl_page(request: Request, key: Key, context: Ctx, session: Db, user: PageUser, t: float | None = None) -> Response:
    found = library.detail(session, key, min_confidence=context.settings.breakdown_min_confidence)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    stored = set(context.store.names_of(key))  # one listing, local or in the shared store
    layout = context.layout
    return render(
        request,
        "vsl.html",
        user,
        v=found,
        start_at=max(0.0, t) if t is not None else None,
        has_video=layout.relative_name(layout.video_path(key)) in stored,
        transcripts=[f for f in OUTPUT_EXTENSIONS if layout.relative_name(layout.transcript_path(key, f)) in stored],
        boards=boards.visible_boards(session, user.user_id),
        on_boards=set(boards.boards_of(session, key, user.user_id)),
        languages=context.settings.language_list,
        **watch_panel(session, key, context.settings.watch_all_pages),
    )


@router.post("/vsl/{key}/retry")
def retry_form(
    key: Key, session: Db, _user: PageUser, next: Annotated[str, Form(max_length=2000)] = "/queue"
) -> Response:
    if repo.get_url(session, key) is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    repo.requeue(session, [key])
    return _redirect(safe_next(next, "/queue"))


@router.post("/vsl/{key}/title")
def rename_form(
    key: Key, context: Ctx, session: Db, _user: PageUser, title: Annotated[str, Form(max_length=2000)] = ""
) -> Response:
    """The VSL page's rename form (CSRF checked in ``deps``); an empty title restores the detected one."""
    try:
        found = titles.set_title(session, key, title, min_confidence=context.settings.breakdown_min_confidence)
    except titles.TitleError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    if found is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return _redirect(f"/vsl/{key}")


@router.post("/vsl/{key}/retranscribe")
def retranscribe_form(
    key: Key, session: Db, _user: PageUser, language: Annotated[str, Form(max_length=8)] = ""
) -> Response:
    try:
        chosen = retranscribe_language(language)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=f"language: {exc}") from None
    if requeue.retranscribe_one(session, key, chosen, None) is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return _redirect(f"/vsl/{key}")


# -- add and queue ------------------------------------------------------------------------------


def _live(session: Session, rows: list[Url]) -> dict[str, Any]:
    """Each row's stage, percent, ETA and stalled flag (vsl_assets.progress), and the time they refer to."""
    now = datetime.now(UTC)
    return {"estimates": progress.estimates(session, rows, now), "now": now}


@router.get("/add", response_class=HTMLResponse)
def add_page(
    request: Request,
    user: PageUser,
    session: Db,
    context: Ctx,
    batch: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    view = addpage.batch_view(session, user.user_id, batch, page)
    if view is None:
        raise HTTPException(status_code=404, detail=f"no batch {batch} of yours")
    return render(
        request,
        "add.html",
        user,
        max_urls=context.settings.web_max_urls_per_add,
        languages=context.settings.language_list,
        **view.template_data(),
        **_live(session, view.rows),
    )


@router.post("/add", response_class=HTMLResponse)
def add_submit(
    request: Request,
    context: Ctx,
    session: Db,
    user: PageUser,
    urls: Annotated[str, Form(max_length=2_000_000)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    languages = context.settings.language_list
    lines = addpage.lines_of(urls)
    try:
        chosen = url_language(language)
    except ValueError as exc:
        return render(request, "add.html", user, status_code=400, error=str(exc), languages=languages)
    if not lines:
        return render(request, "add.html", user, status_code=400, error="no URLs given", languages=languages)
    cap = context.settings.web_max_urls_per_add
    report = intake.add_urls(
        session,
        lines[:cap],
        partitions=context.partitions,
        net=NetPolicy.from_settings(context.settings),
        tracking=context.settings.url_tracking_params,
        language=chosen,
    )
    batch = addpage.save_batch(session, user.user_id, report, lines[cap:])
    session.commit()
    view = addpage.batch_view(session, user.user_id, batch.id)
    assert view is not None
    if view.refused and not view.total:  # nothing taken: say why here, nothing to come back to
        return render(
            request, "add.html", user, status_code=400, max_urls=cap, languages=languages, **view.template_data()
        )
    return _redirect(f"/add?batch={batch.id}")  # a reload shows the batch, never posts it twice


#: Rows shown per list on the queue page (the rest are counted).
QUEUE_ROWS = 100


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, session: Db, user: PageUser) -> Response:
    # Each list shows its QUEUE_ROWS most recently changed rows, its heading the total: rendering
    # 600 live rows cost more than 100 ms at 10,000 VSLs (benchmarks/bench_pages.py), and the
    # counts above the lists say how many there are.
    def of(statuses: list[str], limit: int = QUEUE_ROWS) -> list[Url]:
        return list(
            session.scalars(select(Url).where(Url.status.in_(statuses)).order_by(Url.updated_at.desc()).limit(limit))
        )

    groups = {
        "running": [s.value for s in IN_PROGRESS] + [UrlStatus.DOWNLOADED.value, UrlStatus.TRANSCRIBED.value],
        "pending": [UrlStatus.PENDING_INGEST.value],
        "failed": [UrlStatus.FAILED.value],
    }
    counts = repo.status_counts(session)
    running = of(groups["running"])
    pending = of(groups["pending"])
    return render(
        request,
        "queue.html",
        user,
        running=running,
        pending=pending,
        failed=of(groups["failed"]),
        counts=counts,
        totals={name: sum(counts.get(s, 0) for s in statuses) for name, statuses in groups.items()},
        **_live(session, running + pending),
    )
