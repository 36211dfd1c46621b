"""The library as JSON: list with filters, one VSL in full, statuses, and (re)queueing."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets import progress
from vsl_assets.db.models import Url
from vsl_assets.search import shared_search
from vsl_assets.services import library, requeue, schemas
from vsl_assets.services.removal import Removed, remove_urls
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
from vsl_assets.web.filters import ApiFilters
from vsl_assets.web.i18n import translate
from vsl_assets.web.render import language
from vsl_assets.web.vslview import renamed, vsl_or_404

router = APIRouter(tags=["vsls"])


@router.get("/api/vsls", response_model=schemas.VslPage)
async def list_vsls(filters: ApiFilters, context: Ctx, session: Db, _user: ApiUser) -> schemas.VslPage:
    """Async with the query in the threadpool: FastAPI then checks the answer on the event loop,
    where for a sync route it took a second trip to a worker thread (a hand-off that queues
    behind every other request under load)."""
    t = context.settings.breakdown_min_confidence
    return await run_in_threadpool(library.list_vsls, session, filters, min_confidence=t)


@router.get("/api/statuses", response_model=list[schemas.UrlState])
def statuses(
    session: Db, _user: ApiUser, keys: Annotated[str, Query(max_length=20000, description="comma-separated")] = ""
) -> list[schemas.UrlState]:
    """Live status of a few VSLs (the add page polls this)."""
    wanted = [k for k in keys.split(",") if k][:500]
    rows = session.execute(select(Url.partition_key, Url.status, Url.reason).where(Url.partition_key.in_(wanted))).all()
    live = progress.queue_estimates(session) if any(s in progress.ON_THE_WAY for _, s, _ in rows) else {}
    out = []
    for k, s, r in rows:
        e = live.get(k)
        state = schemas.UrlState(partition_key=k, status=s, reason=r)
        if e is not None:
            state = state.model_copy(
                update={
                    "stage": e.stage,
                    "percent": e.percent,
                    "eta_at": e.eta_at,
                    "ahead": e.ahead,
                    "stalled": e.stalled,
                }
            )
        out.append(state)
    return out


@router.get("/api/vsls/{key}", response_model=schemas.VslDetail)
def get_vsl(key: Key, context: Ctx, session: Db, _user: ApiUser) -> schemas.VslDetail:
    return vsl_or_404(library.detail(session, key, min_confidence=context.settings.breakdown_min_confidence), key)


@router.patch("/api/vsls/{key}", response_model=schemas.TitleOut)
def rename(key: Key, body: schemas.TitleIn, context: Ctx, session: Db, _user: ApiUser) -> schemas.TitleOut:
    """Set the VSL's title (``{"title": null}`` or blank: back to the detected one).  Needs a write token."""
    found = renamed(session, key, body.title, context.settings.breakdown_min_confidence)
    return schemas.TitleOut(
        partition_key=key,
        title=found.text,
        title_source=found.source,
        detected_title=found.detected,
        custom_title=found.custom,
    )


def requeue_one(session: Session, key: str) -> schemas.RequeueResponse:
    return vsl_or_404(requeue.requeue_one(session, key), key)


@router.post("/pipeline/start/{key}", response_model=schemas.RequeueResponse)
def pipeline_start(key: Key, session: Db, _user: ApiUser) -> schemas.RequeueResponse:
    """(Re)queue this URL's whole pipeline: the sensor starts a run for it."""
    return requeue_one(session, key)


@router.post("/api/vsls/{key}/retry", response_model=schemas.RequeueResponse)
def retry(key: Key, session: Db, _user: ApiUser) -> schemas.RequeueResponse:
    return requeue_one(session, key)


@router.delete("/api/vsls/{key}", response_model=schemas.RemovedResponse)
def remove(key: Key, session: Db, context: Ctx, _user: ApiUser) -> schemas.RemovedResponse:
    """Forget a VSL everywhere, as ``vsl remove`` does (one service: ``services.removal``).

    The row goes in the request's unit of work (committed when the response is ready): the files
    are removed first, so a failed commit leaves a row to retry from, never orphaned files."""
    [done] = remove_urls(
        [key],
        sessions=lambda: contextlib.nullcontext(session),
        store=context.store,
        index=shared_search(context.settings.database, context.settings.search_backend),
        partitions=context.partitions,
    )
    if done.outcome is not Removed.REMOVED:
        raise HTTPException(status_code=404, detail=done.reason)
    return schemas.RemovedResponse(partition_key=key, removed=True)


@router.post("/api/vsls/{key}/retranscribe", response_model=schemas.RequeueResponse)
def retranscribe(
    request: Request,
    key: Key,
    session: Db,
    context: Ctx,
    _user: ApiUser,
    body: schemas.RetranscribeRequest | None = None,
) -> schemas.RequeueResponse:
    """Transcribe again (the audio is reused) and redo what follows; the old transcript stays until then.

    ``model``: the configured model or a standard faster-whisper size only (422 otherwise)."""
    body = body or schemas.RetranscribeRequest()
    offered = requeue.offered_models(context.settings)
    refusal = requeue.model_refusal(body.model, offered)
    if refusal is not None:
        said = translate(language(request), refusal).replace("{models}", ", ".join(offered))
        raise HTTPException(status_code=422, detail=said)
    return vsl_or_404(requeue.retranscribe_one(session, key, body.language, body.model), key)
