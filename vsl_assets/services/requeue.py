"""Queue one VSL again: its whole pipeline (Retry) or from its transcript on (Transcribe again).

One use case for the API, the pages and anything else that requeues a single key; the front end
turns ``None`` (no such VSL) into its own "not found" (a 404 for the web).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.services import schemas


def requeue_one(session: Session, key: str) -> schemas.RequeueResponse | None:
    """Send the URL back to the sensor for a new run; None when there is no such VSL."""
    url = repo.get_url(session, key)
    if url is None:
        return None
    done = repo.requeue(session, [key])
    return schemas.RequeueResponse(partition_key=key, status=url.status, queued=bool(done))


def retranscribe_one(
    session: Session, key: str, language: str | None, model: str | None
) -> schemas.RequeueResponse | None:
    """Transcribe again (audio reused) and redo what follows; None when there is no such VSL.

    A blank ``model`` keeps the URL's model, as ``repo.retranscribe`` documents for None."""
    url = repo.get_url(session, key)
    if url is None:
        return None
    done = repo.retranscribe(session, [key], language=language, model=(model or "").strip() or None)
    return schemas.RequeueResponse(partition_key=key, status=url.status, queued=bool(done))
