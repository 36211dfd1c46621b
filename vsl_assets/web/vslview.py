"""What the routes about one VSL share: a VSL that does not exist as one 404, a rename's refusals.

The API (``routers/vsls``, ``routers/exports``) and the VSL page (``routers/vsl_page``) call the
same services and answer their "not found" and "refused" the same way; routers never import one
another, so this lives beside them.
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Session

from vsl_assets.services import titles

T = TypeVar("T")


def vsl_or_404(found: T | None, key: str) -> T:
    """What a service found for ``key``; None (no such VSL) answers 404."""
    if found is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return found


def renamed(session: Session, key: str, title: str | None, min_confidence: float) -> titles.Title:
    """``services.titles.set_title`` with its refusals as HTTP answers: 422 with the reason, 404."""
    try:
        found = titles.set_title(session, key, title, min_confidence=min_confidence)
    except titles.TitleError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return vsl_or_404(found, key)
