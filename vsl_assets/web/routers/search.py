"""Full-text search: the same parameters and rows as ``vsl search --json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from vsl_assets.search import SearchQueryError, shared_search
from vsl_assets.services import search as search_service
from vsl_assets.services.schemas import SearchRow
from vsl_assets.web.deps import ApiUser, Ctx, Db

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=list[SearchRow])
def search(
    context: Ctx,
    session: Db,
    _user: ApiUser,
    q: Annotated[str, Query(max_length=1000, description='words, "a phrase", prefix*, -excluded, a OR b')] = "",
    lang: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    key: str | None = None,
    pitch_min: Annotated[float | None, Query(ge=0, description="seconds: offer section starts at or after")] = None,
    pitch_max: Annotated[float | None, Query(ge=0, description="seconds")] = None,
    price_min: Annotated[float | None, Query(ge=0, description="offer price; a not-sure price never matches")] = None,
    price_max: Annotated[float | None, Query(ge=0)] = None,
    currency: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> list[SearchRow]:
    try:
        results = search_service.search(
            shared_search(context.settings.database, context.settings.search_backend),
            q,
            session=session,
            min_confidence=context.settings.breakdown_min_confidence,
            lang=lang,
            niche=niche,
            lead=lead,
            awareness=awareness,
            key=key,
            limit=limit,
            page=page,
            pitch_min=pitch_min,
            pitch_max=pitch_max,
            price_min=price_min,
            price_max=price_max,
            currency=currency,
        )
    except SearchQueryError as exc:
        raise HTTPException(status_code=400, detail=exc.reason) from None
    return [SearchRow(**row) for row in results.rows()]
