"""The library as JSON: list with filters, one VSL in full, statuses, and (re)queueing."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BeforeValidator, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets import progress
from vsl_assets.db import repo
from vsl_assets.db.models import Url
from vsl_assets.search import shared_search
from vsl_assets.services import library, schemas
from vsl_assets.services.removal import Removed, remove_urls
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
from vsl_assets.web.limits import MAX_ID

router = APIRouter(tags=["vsls"])


def _blank_is_none(value: object) -> object:
    """A filter form submits empty fields as ``?price_min=``: that means no filter, not an error."""
    return None if isinstance(value, str) and not value.strip() else value


Blank = BeforeValidator(_blank_is_none)
NonNegative = Annotated[float, Field(ge=0)]
#: Ids are 32-bit on PostgreSQL: a larger cursor is refused (422) instead of overflowing (500).
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_ID)]


async def library_filters(  # async: plain validation, no trip to the threadpool
    status: str | None = None,
    language: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    duration_min: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    duration_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    price_min: Annotated[NonNegative | None, Blank, Query()] = None,
    price_max: Annotated[NonNegative | None, Blank, Query()] = None,
    currency: str | None = None,
    pitch_min: Annotated[
        NonNegative | None, Blank, Query(description="seconds: offer section starts at or after")
    ] = None,
    pitch_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    reveal_min: Annotated[
        NonNegative | None, Blank, Query(description="seconds: product first named at or after")
    ] = None,
    reveal_max: Annotated[NonNegative | None, Blank, Query(description="seconds")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in the title or URL")] = None,
    review: Annotated[bool | None, Blank, Query(description="only transcripts that need review")] = None,
    sort: schemas.Sort = "newest",
    limit: Annotated[int, Query(ge=1, le=library.MAX_LIMIT)] = 24,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    after: Annotated[
        NonNegativeInt | None, Blank, Query(description="keyset cursor: next_after of the previous page")
    ] = None,
) -> library.LibraryFilters:
    return library.LibraryFilters(
        status=status or None,
        language=language or None,
        niche=niche or None,
        lead=lead or None,
        awareness=awareness or None,
        duration_min=duration_min,
        duration_max=duration_max,
        price_min=price_min,
        price_max=price_max,
        currency=currency or None,
        pitch_min=pitch_min,
        pitch_max=pitch_max,
        reveal_min=reveal_min,
        reveal_max=reveal_max,
        q=q or None,
        review=review or None,
        sort=sort,
        limit=limit,
        offset=offset,
        after=after,
    )


Filters = Annotated[library.LibraryFilters, Depends(library_filters)]


@router.get("/api/vsls", response_model=schemas.VslPage)
def list_vsls(filters: Filters, context: Ctx, session: Db, _user: ApiUser) -> schemas.VslPage:
    return library.list_vsls(session, filters, min_confidence=context.settings.breakdown_min_confidence)


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
    found = library.detail(session, key, min_confidence=context.settings.breakdown_min_confidence)
    if found is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return found


def requeue_one(session: Session, key: str) -> schemas.RequeueResponse:
    url = repo.get_url(session, key)
    if url is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    done = repo.requeue(session, [key])
    return schemas.RequeueResponse(partition_key=key, status=url.status, queued=bool(done))


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


def retranscribe_one(session: Session, key: str, language: str | None, model: str | None) -> schemas.RequeueResponse:
    url = repo.get_url(session, key)
    if url is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    done = repo.retranscribe(session, [key], language=language, model=(model or "").strip() or None)
    return schemas.RequeueResponse(partition_key=key, status=url.status, queued=bool(done))


@router.post("/api/vsls/{key}/retranscribe", response_model=schemas.RequeueResponse)
def retranscribe(
    key: Key, session: Db, _user: ApiUser, body: schemas.RetranscribeRequest | None = None
) -> schemas.RequeueResponse:
    """Transcribe again (the audio is reused) and redo what follows; the old transcript stays until then."""
    body = body or schemas.RetranscribeRequest()
    return retranscribe_one(session, key, body.language, body.model)
