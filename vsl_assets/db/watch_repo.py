"""The one watch query the pipeline itself needs (the rest lives in ``services/watch.py``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.watch_models import WatchVersion


def pinned_source(session: Session, url_id: int) -> dict[str, Any] | None:
    """The stream a later version (2, 3...) of a watched page was found playing, or None.

    Version 1 is the page's own URL and resolves as any URL does.
    """
    row = session.scalar(
        select(WatchVersion.source).where(WatchVersion.version_url_id == url_id, WatchVersion.number > 1)
    )
    return row if row and row.get("stream_url") else None
