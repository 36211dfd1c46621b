"""Searching every transcript: one query path for ``vsl search``, ``GET /api/search`` and the search page."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.orm import Session

from vsl_assets.search import SearchBackend, SearchQuery, SearchQueryError, SearchResults
from vsl_assets.services import titles
from vsl_assets.storage import validate_key


def search(
    index: SearchBackend, q: str, *, session: Session | None = None, min_confidence: float = 0.0, **filters: Any
) -> SearchResults:
    """Raises :class:`SearchQueryError` with a reason for the person (empty query, bad key...).

    Given a ``session``, each result carries the VSL's display title (:func:`with_titles`)."""
    results = index.search(query_for(q, **filters))
    return with_titles(results, session, min_confidence=min_confidence) if session is not None else results


def with_titles(results: SearchResults, session: Session, *, min_confidence: float) -> SearchResults:
    """The results with each VSL's display title (``services.titles``), read from the database now.

    The index keeps the page title it was built with; joining here means an edited title, or one
    detected since, shows in results at once, without a reindex (one query per results page)."""
    found = titles.titles_for(session, [g.vsl.key for g in results.vsls], min_confidence=min_confidence)
    vsls = tuple(
        dataclasses.replace(g, vsl=dataclasses.replace(g.vsl, title=found[g.vsl.key].text)) if g.vsl.key in found else g
        for g in results.vsls
    )
    return dataclasses.replace(results, vsls=vsls)


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
