"""What every step gets: the URL it works on (inputs) and where it reads and writes (resources)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from vsl_assets.errors import MediaError
from vsl_assets.media.download import DownloadOptions
from vsl_assets.media.hls import HlsOptions
from vsl_assets.media.probe import MediaInfo, probe
from vsl_assets.net.guard import NetPolicy
from vsl_assets.services.ports import Sessions
from vsl_assets.storage import LocalStore, StorageLayout

LogFn = Callable[[str], None]
T = TypeVar("T")


def _quiet(_line: str) -> None:
    """Progress lines go nowhere unless the caller gives a log."""


@dataclass(frozen=True)
class StepInputs:
    key: str
    url: str
    url_id: int
    #: Redo the work even where a valid output exists.
    force: bool = False
    log: LogFn = _quiet
    #: The step's ``jobs`` row, where a long step writes its progress (None: progress is not recorded).
    job_id: int | None = None


class MediaConfig(Protocol):
    """The media settings a step reads (``defs.resources.MediaResource`` has them)."""

    @property
    def audio_format(self) -> str: ...
    @property
    def audio_bitrate(self) -> str: ...
    @property
    def max_page_bytes(self) -> int: ...
    @property
    def max_page_scripts(self) -> int: ...
    @property
    def step_timeout_s(self) -> float: ...
    @property
    def audio_ext(self) -> str: ...
    @property
    def ffmpeg(self) -> str: ...
    @property
    def net_policy(self) -> NetPolicy: ...

    def download_options(
        self, referer: str | None = None, headers: tuple[tuple[str, str], ...] = ()
    ) -> DownloadOptions: ...

    def hls_options(self) -> HlsOptions: ...


@dataclass(frozen=True)
class StepResources:
    sessions: Sessions
    layout: StorageLayout
    store: LocalStore
    media: MediaConfig
    #: The transcription settings and engine factory (``TranscriberResource``: ``build(model)``,
    #: ``language_code``, ``language_list``, ``language_min_probability``, ``time_factor``,
    #: ``min_time_s``); None where no step needs it.
    transcription: Any = None
    #: Builds the breakdown engine (``BreakdownResource.build``).
    breakdown_engine: Callable[[], Any] | None = None
    #: Opens the search backend (``SearchResource.backend``).
    search: Callable[[], Any] | None = None
    #: ``VSL_BREAKDOWN_MIN_CONFIDENCE``: breakdown fields graded below it are indexed as unknown.
    min_confidence: float | None = None


def reusable(path: Path, newer_than: Path | None = None) -> MediaInfo | None:
    """A complete earlier output (files are renamed into place only when complete)."""
    if not path.is_file() or (newer_than is not None and path.stat().st_mtime < newer_than.stat().st_mtime):
        return None
    try:
        info = probe(path)
    except MediaError:
        return None
    return info if info.duration_s > 0 else None


def required(factory: Callable[[], Any] | None, what: str) -> Any:
    if factory is None:
        raise ValueError(f"this step needs StepResources.{what}")
    return factory()


def required_value(value: T | None, what: str) -> T:
    if value is None:
        raise ValueError(f"this step needs StepResources.{what}")
    return value
