"""The library page, and adding URLs and watching them through the queue.

Every form that changes something posts its CSRF token (checked in ``deps``) and redirects
(303) back, so a reload never posts twice; everything also works without JavaScript except the
live status.  Signing in is ``routers/login``, one VSL ``routers/vsl_page``, the search page
``routers/search_pages``, boards ``routers/board_pages``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from vsl_assets import progress
from vsl_assets.db.models import Url
from vsl_assets.net.guard import NetPolicy
from vsl_assets.services import intake, library, queue
from vsl_assets.services.schemas import VslCard
from vsl_assets.settings import url_language
from vsl_assets.web import addpage
from vsl_assets.web.deps import Ctx, Db, PageUser
from vsl_assets.web.filters import PageFilters
from vsl_assets.web.limits import MAX_ID
from vsl_assets.web.render import Fragments, redirect, render

router = APIRouter(include_in_schema=False)

#: Where a cached library card's live progress goes (an HTML comment: escaped card text cannot
#: contain it).
PROGRESS_SLOT = Markup("<!--vsl:live-progress-->")


def card_key(c: VslCard) -> tuple[object, ...]:
    """What a library card's HTML depends on (``web/render.Fragments``' key): every field of
    the card (``vsl_assets_tests/web/test_fragments.py`` renders each field changed, cached and
    fresh)."""
    return tuple(c.__dict__.values())


def library_card(fragments: Fragments, c: VslCard, key: Callable[[VslCard], Hashable] = card_key) -> Markup:
    """A library card as cached by ``key(c)``; one on the way still holds ``PROGRESS_SLOT``."""
    return fragments.get(
        "_library_card.html",
        key(c),
        lambda: {"c": c, "on_the_way": progress.ON_THE_WAY, "live_progress": PROGRESS_SLOT},
    )


@router.get("/", response_class=HTMLResponse)
def library_page(request: Request, filters: PageFilters, context: Ctx, session: Db, user: PageUser) -> Response:
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
    estimates = progress.queue_estimates(session, now) if on_the_way else {}
    facets = library.facets(session)
    # The filter form depends on the filters (not the page's position), the facets and the language.
    form_filters = replace(filters, after=None, offset=0)
    form_key = (form_filters, tuple((k, tuple(v)) for k, v in sorted(facets.items())))

    fragments = Fragments(request)

    def card(c: VslCard) -> Markup:
        """A card by its contents (``card_key``); one on the way gets its live progress (stage,
        ETA) made anew in the cached card's ``PROGRESS_SLOT``."""
        html = library_card(fragments, c)
        if c.status not in progress.ON_THE_WAY:
            return html
        bits = fragments.macros("_macros.html").progress_bits(estimates.get(c.partition_key), now)
        return Markup(str.replace(html, PROGRESS_SLOT, bits, 1))

    return render(
        request,
        "library.html",
        user,
        page=page,
        f=filters,
        filters_form=fragments.get("_library_filters.html", form_key, lambda: {"f": form_filters, "facets": facets}),
        card=card,
        next_link=next_link,
        first_link=first_link,
    )


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
    added: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    known: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """``added``/``known``: what the submit just did (the redirect after it says), confirmed on page 1."""
    view = addpage.batch_view(session, user.user_id, batch, page)
    if view is None:
        raise HTTPException(status_code=404, detail=f"no batch {batch} of yours")
    summary = None
    if added is not None and view.page == 1:
        summary = {"added": added, "known": known, "invalid": len(view.refused)}
    return render(
        request,
        "add.html",
        user,
        max_urls=context.settings.web_max_urls_per_add,
        languages=context.settings.language_list,
        summary=summary,
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
    # A reload shows the batch, never posts it twice; the counts confirm what this submit did.
    counts = urlencode({"batch": batch.id, "added": report.added, "known": report.known})
    return redirect(f"/add?{counts}")


#: Rows shown per list on the queue page (the rest are counted).
QUEUE_ROWS = 100


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, session: Db, user: PageUser) -> Response:
    """Each list shows its ``QUEUE_ROWS`` most recently changed rows, its heading the total."""
    lists = queue.queue_lists(session, QUEUE_ROWS)
    return render(
        request,
        "queue.html",
        user,
        running=lists.running,
        pending=lists.pending,
        failed=lists.failed,
        counts=lists.counts,
        totals=lists.totals,
        **_live(session, lists.running + lists.pending),
    )
