"""Queue one VSL again: its whole pipeline (Retry) or from its transcript on (Transcribe again).

One use case for the API, the pages and anything else that requeues a single key; the front end
turns ``None`` (no such VSL) into its own "not found" (a 404 for the web).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vsl_assets.db import repo
from vsl_assets.services import schemas
from vsl_assets.settings import Settings

#: faster-whisper's standard model sizes (names it downloads from its own list): what the web and
#: the API may ask for besides the configured model.
STANDARD_MODELS = (
    "tiny",
    "tiny.en",
    "base",
    "base.en",
    "small",
    "small.en",
    "medium",
    "medium.en",
    "large-v1",
    "large-v2",
    "large-v3",
    "large",
    "large-v3-turbo",
    "turbo",
    "distil-small.en",
    "distil-medium.en",
    "distil-large-v2",
    "distil-large-v3",
)


def offered_models(settings: Settings) -> list[str]:
    """The models a re-transcription from the web or the API may name: the configured one
    (``VSL_WHISPER_MODEL``, or the engine's default) and the standard sizes.

    Any other name or path stays the operator's (settings, ``vsl retranscribe --model``): from the
    web, a Hugging Face repo id would start a download on the server, and a directory path's error
    would tell whether that path exists there.
    """
    return list(dict.fromkeys([settings.model, *STANDARD_MODELS]))


def model_refusal(model: str | None, offered: list[str]) -> str | None:
    """Why ``model`` cannot be asked for from the web (None: it can; blank keeps the URL's model)."""
    name = (model or "").strip()
    if not name or name in offered:
        return None
    return "this model is not offered here: choose one of {models}, or ask the operator for another"


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
