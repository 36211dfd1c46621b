"""The application database: models, migrated engines and repository functions."""

from vsl_assets.db.engine import dispose_all, get_engine, normalise_database_url, session_scope
from vsl_assets.db.models import (
    IN_FLIGHT,
    IN_PROGRESS,
    PIPELINE_STEPS,
    STEP_STATUSES,
    WAIT_STEP,
    Audio,
    BeatRow,
    BreakdownRow,
    DeadLetter,
    Job,
    JobOutcome,
    Source,
    TranscriptRow,
    Url,
    UrlStatus,
    Video,
)
from vsl_assets.db.search_models import SavedSearch
from vsl_assets.db.watch_models import WatchCheck, WatchEvent, WatchPage, WatchSwitch, WatchVersion
from vsl_assets.db.web_models import ApiToken, Board, BoardItem, BoardMember, BoardShare, User

__all__ = [
    "IN_FLIGHT",
    "IN_PROGRESS",
    "PIPELINE_STEPS",
    "STEP_STATUSES",
    "WAIT_STEP",
    "ApiToken",
    "Audio",
    "BeatRow",
    "Board",
    "BoardItem",
    "BoardMember",
    "BoardShare",
    "BreakdownRow",
    "DeadLetter",
    "Job",
    "JobOutcome",
    "SavedSearch",
    "Source",
    "TranscriptRow",
    "Url",
    "UrlStatus",
    "User",
    "Video",
    "WatchCheck",
    "WatchEvent",
    "WatchPage",
    "WatchSwitch",
    "WatchVersion",
    "dispose_all",
    "get_engine",
    "normalise_database_url",
    "session_scope",
]
