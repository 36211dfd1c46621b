"""The watch's read models for the Swipe: a VSL's longevity and versions, and the feed's items.

Shared by the watch router (JSON) and the VSL page (its watch panel), which is why it is not in a
router: routers never import one another.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.services import watch


class WatchEventOut(BaseModel):
    id: int
    kind: str
    at: datetime
    vsl: str
    page_url: str
    old_key: str | None
    new_key: str | None
    detail: dict[str, Any]
    #: The Swipe's "what changed" page for the two versions (None when the event has one VSL).
    what_changed: str | None
    #: One line a person reads (the webhook's Slack-compatible text).
    text: str


class VersionOut(BaseModel):
    number: int
    key: str
    status: str
    live: bool
    first_seen_at: datetime
    last_seen_at: datetime
    player: str | None


class WatchOut(BaseModel):
    key: str
    watched: bool
    first_seen_at: datetime | None
    last_live_at: datetime | None
    days_live: int | None
    down_since: datetime | None
    down_reason: str | None
    summary: str
    versions: list[VersionOut]


class WatchIn(BaseModel):
    on: bool


def url_id_of(session: Session, key: str) -> int:
    url = repo.get_url(session, key)
    if url is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return url.id


def watch_out(session: Session, key: str, all_pages: bool, url_id: int | None = None) -> WatchOut:
    """``url_id``: ``key``'s row id when the caller has it (not looked up again)."""
    url_id = url_id_of(session, key) if url_id is None else url_id
    life, versions = watch.page_watch(session, url_id, all_pages)
    return WatchOut(
        key=life.key or key,
        watched=life.watched,
        first_seen_at=life.first_seen_at,
        last_live_at=life.last_live_at,
        days_live=life.days_live,
        down_since=life.down_since,
        down_reason=life.down_reason,
        summary=life.summary(),
        versions=[VersionOut(**v.__dict__) for v in versions],
    )


def panel(session: Session, key: str, all_pages: bool, url_id: int | None = None) -> dict[str, Any]:
    """What the VSL page's watch panel shows (``_watch_panel.html``)."""
    view = watch_out(session, key, all_pages, url_id)
    pairs = [
        (older.key, newer.key) for newer, older in zip(view.versions, view.versions[1:], strict=False)
    ]  # newest first: each version against the one before it
    return {"watch": view, "watch_pairs": dict((new, watch.compare_link(old, new)) for old, new in pairs)}
