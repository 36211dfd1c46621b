"""The application database: models, migrated engines and repository functions."""

from vsl_assets.db.engine import dispose_all, get_engine, normalise_database_url, session_scope
from vsl_assets.db.models import (
    IN_PROGRESS,
    Audio,
    DeadLetter,
    Job,
    JobOutcome,
    Source,
    TranscriptRow,
    Url,
    UrlStatus,
    Video,
)

__all__ = [
    "IN_PROGRESS",
    "Audio",
    "DeadLetter",
    "Job",
    "JobOutcome",
    "Source",
    "TranscriptRow",
    "Url",
    "UrlStatus",
    "Video",
    "dispose_all",
    "get_engine",
    "normalise_database_url",
    "session_scope",
]
