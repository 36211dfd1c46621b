"""Full-text search: the same parameters and rows as ``vsl search --json``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from vsl_assets.search import SearchQuery, SearchQueryError, SearchResults, shared_search
from vsl_assets.storage import validate_key
from vsl_assets.web.deps import ApiUser, Ctx
from vsl_assets.web.schemas import SearchRow

router = APIRouter(prefix="/api", tags=["search"])


def run_search(
    database: str,
    q: str,
    *,
    engine: str = "auto",
    lang: str | None = None,
    niche: str | None = None,
    lead: str | None = None,
    awareness: str | None = None,
    key: str | None = None,
    limit: int = 20,
    page: int = 1,
    hits_per_vsl: int = 3,
    pitch_min: float | None = None,
    pitch_max: float | None = None,
    price_min: float | None = None,
    price_max: float | None = None,
    currency: str | None = None,
) -> SearchResults:
    """Raises SearchQueryError with a reason for the person (empty query, bad key...)."""
    if key:
        try:
            validate_key(key)
        except ValueError:
            raise SearchQueryError(f"{key[:80]!r} is not a partition key") from None
    query = SearchQuery(
        text=q,
        language=lang or None,
        niche=niche or None,
        lead_type=lead or None,
        awareness=awareness or None,
        pitch_min_s=pitch_min,
        pitch_max_s=pitch_max,
        price_min=price_min,
        price_max=price_max,
        currency=currency or None,
        key=key or None,
        per_page=limit,
        page=page,
        hits_per_vsl=hits_per_vsl,
    )
    return shared_search(database, engine).search(query)


@router.get("/search", response_model=list[SearchRow])
def search(
    context: Ctx,
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
        results = run_search(
            context.settings.database,
            q,
            engine=context.settings.search_backend,
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
