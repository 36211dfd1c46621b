"""Searching every transcript: one query path for ``vsl search``, ``GET /api/search`` and the search page."""

from __future__ import annotations

from typing import Any

from vsl_assets.search import SearchBackend, SearchQuery, SearchQueryError, SearchResults
from vsl_assets.storage import validate_key


def search(index: SearchBackend, q: str, **filters: Any) -> SearchResults:
    """Raises :class:`SearchQueryError` with a reason for the person (empty query, bad key...)."""
    return index.search(query_for(q, **filters))


def query_for(
    q: str,
    *,
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
) -> SearchQuery:
    """The query the front ends' words mean (blank filters are no filters); a bad key is refused."""
    if key:
        try:
            validate_key(key)
        except ValueError:
            raise SearchQueryError(f"{key[:80]!r} is not a partition key (see `vsl status`)") from None
    return SearchQuery(
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
