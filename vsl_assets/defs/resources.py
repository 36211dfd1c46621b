"""Dagster resources: the database, the storage root, the media tools and the transcriber.

Each is a thin, configurable handle; the work happens in ``db``, ``media`` and ``transcription``.
They are built from :func:`vsl_assets.settings.current` by :func:`resources` below; the two values
that can carry a secret (the database URL and the OpenAI key) are passed as ``EnvVar`` so the UI
shows the variable's name, never its value.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from dagster import ConfigurableResource, Definitions, EnvVar, InitResourceContext, definitions
from pydantic import Field, PrivateAttr
from sqlalchemy.orm import Session

from vsl_assets import heartbeat
from vsl_assets import settings as settings_module
from vsl_assets.breakdown.engine import BreakdownEngine
from vsl_assets.breakdown.factory import build_engine
from vsl_assets.core.worker import current_worker
from vsl_assets.db import engine as db_engine
from vsl_assets.db import repo
from vsl_assets.db.engine import session_scope
from vsl_assets.defs.partitions import PARTITION_TAG
from vsl_assets.errors import ConfigurationError
from vsl_assets.media.audio import audio_format
from vsl_assets.media.download import DownloadOptions
from vsl_assets.media.hls import HlsOptions
from vsl_assets.net.guard import NetPolicy, parse_allowed_addresses
from vsl_assets.search import SearchBackend, shared_search
from vsl_assets.services.steps.media import clear_pcm
from vsl_assets.settings import Settings, normalise_language, parse_languages
from vsl_assets.storage import LocalStore, StorageLayout
from vsl_assets.storage.objectstore import S3Config, open_store
from vsl_assets.transcription.chunking import SilenceOptions


class DatabaseResource(ConfigurableResource):
    """The application database (SQLite by default, PostgreSQL in production)."""

    url: str = Field(description="SQLAlchemy URL; postgresql:// URLs are driven with psycopg2.")
    worker_name: str = Field(
        description="VSL_WORKER_NAME: this worker's name on the row a waiting run opens; empty = none."
    )
    #: Whether this run's process opened a waiting row (``setup_for_execution``) not yet closed.
    _waiting: bool = PrivateAttr(default=False)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """A run's process starts: if its URL's audio is done, record the run as waiting for its slot.

        Dagster builds a run's resources before its first step waits for a pool slot, so this is
        the one moment a transcription-stage run (split queues) can say which process it is; see
        :func:`vsl_assets.db.repo.open_wait`.  The process then beats that row until its step opens
        its own.  Sensors and other builds without a partitioned run do nothing here.
        """
        run = context.run
        key = run.tags.get(PARTITION_TAG) if run is not None else None
        if not key or run is None:
            return
        worker = current_worker(self.worker_name or None)
        with self.session() as s:
            opened = repo.open_wait(s, key, run.run_id, worker)
        if opened:
            heartbeat.keep_beating(self.url, worker)
        self._waiting = opened

    def take_wait(self) -> bool:
        """True once, for the run's first step, when this run opened a waiting row that the
        step's ``start_job`` must close; False for every other step (no UPDATE for them)."""
        waiting, self._waiting = self._waiting, False
        return waiting

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.url) as s:
            yield s


class SearchResource(ConfigurableResource):
    """The full-text index: beside the SQLite app database, or in the PostgreSQL one."""

    database_url: str = Field(description="The app database's URL; the backend follows from it.")
    min_confidence: float = Field(
        description="Breakdown fields graded below it are indexed as unknown (VSL_BREAKDOWN_MIN_CONFIDENCE).",
    )

    engine: str = Field(description="VSL_SEARCH_BACKEND: auto, sqlite, postgres or tantivy.")

    def backend(self) -> SearchBackend:
        return shared_search(self.database_url, self.engine)


class StorageResource(ConfigurableResource):
    """The root under which videos, audio and transcripts are kept, keyed by partition.

    With an object store URL, the root is this machine's cache and ``store`` publishes to and
    fetches from the shared bucket (``vsl_assets.storage.objectstore``); the keys come in as ``EnvVar``.
    """

    root: str = Field(description="VSL_STORAGE_DIR, resolved against the project.")
    object_store_url: str = Field(description="s3://bucket/prefix; empty = local files only.")
    s3_endpoint_url: str = Field(description="S3-compatible endpoint; empty = AWS.")
    s3_region: str = Field(description="VSL_S3_REGION.")
    aws_access_key_id: str = Field(description="Secret; read from AWS_ACCESS_KEY_ID.")
    aws_secret_access_key: str = Field(description="Secret; read from AWS_SECRET_ACCESS_KEY.")
    presign_expiry_s: int = Field(description="VSL_S3_PRESIGN_EXPIRY_S.")
    outage_s: float = Field(description="How long a step waits out an unreachable store.")

    @property
    def layout(self) -> StorageLayout:
        return StorageLayout(Path(self.root).resolve())

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        """A URL's run ends, whichever way: the PCM its download decoded for a transcription that
        did not take it (the run cancelled or failed while it waited for its slot) goes with the run,
        instead of waiting on disk for the URL's next run (``services.steps.clear_pcm``).  Dagster
        tears a run's resources down after its last step, an interrupted run's too (in process:
        once per run).  Sensors and other builds without a partitioned run do nothing here."""
        run = context.run
        key = run.tags.get(PARTITION_TAG) if run is not None else None
        if key:
            clear_pcm(key, self.layout)

    @property
    def store(self) -> LocalStore:
        config = None
        if self.object_store_url:
            config = S3Config(
                url=self.object_store_url,
                endpoint_url=self.s3_endpoint_url or None,
                region=self.s3_region,
                access_key_id=self.aws_access_key_id or None,
                secret_access_key=self.aws_secret_access_key or None,
                presign_expiry_s=self.presign_expiry_s,
                outage_s=self.outage_s,
            )
        return open_store(Path(self.root).resolve(), config)


class MediaResource(ConfigurableResource):
    """ffmpeg settings for download and audio extraction (the binary itself: ``VSL_FFMPEG``).

    Like every resource here it has no defaults of its own: ``build_resources`` fills each field
    from :class:`~vsl_assets.settings.Settings`, the one place defaults are written.
    """

    audio_format: str = Field(description="opus (Ogg) or mp3.")
    audio_bitrate: str = Field(description="VSL_AUDIO_BITRATE, e.g. 32k.")
    read_timeout_s: float = Field(description="VSL_DOWNLOAD_TIMEOUT_S.")
    max_duration_s: float = Field(description="Longest video accepted, in seconds.")
    max_download_bytes: int = Field(description="Largest download accepted.")
    max_page_bytes: int = Field(description="Sales page bytes read when looking for the player.")
    max_page_scripts: int = Field(description="The page's own scripts read when no player shows in its HTML.")
    step_timeout_s: float = Field(description="Wall-clock cap of one step (VSL_STEP_TIMEOUT_S).")
    hls_concurrency: int = Field(description="HLS fragments fetched at once.")
    variant_policy: str = Field(description="best<=HEIGHT, best or smallest.")
    worker_name: str = Field(description="VSL_WORKER_NAME: this worker's name on each jobs row; empty = none.")
    allow_private_networks: bool = Field(
        description="VSL_ALLOW_PRIVATE_NETWORKS: the address guard is off (and adding a private address is not warned)."
    )
    allow_addresses: str = Field(description="VSL_ALLOW_ADDRESSES: networks the guard allows although private.")
    ffmpeg: str = Field(description="VSL_FFMPEG: the ffmpeg binary; empty = ffmpeg on PATH, else imageio-ffmpeg's.")

    @property
    def net_policy(self) -> NetPolicy:
        """What the address guard lets through, handed to every fetch (the guard reads no settings)."""
        return NetPolicy(self.allow_private_networks, parse_allowed_addresses(self.allow_addresses))

    url_tracking_params: str = Field(description="VSL_URL_TRACKING_PARAMS: query parameters dropped from added URLs.")

    @property
    def audio_ext(self) -> str:
        return audio_format(self.audio_format).ext

    def download_options(
        self, referer: str | None = None, headers: tuple[tuple[str, str], ...] = ()
    ) -> DownloadOptions:
        return DownloadOptions(
            read_timeout_s=self.read_timeout_s,
            step_timeout_s=self.step_timeout_s,
            max_duration_s=self.max_duration_s,
            max_bytes=self.max_download_bytes,
            referer=referer,
            headers=headers,
            net=self.net_policy,
            ffmpeg=self.ffmpeg or None,
        )

    def hls_options(self) -> HlsOptions:
        return HlsOptions(
            concurrency=self.hls_concurrency,
            variant_policy=self.variant_policy,
            max_total_bytes=self.max_download_bytes,
            max_duration_s=self.max_duration_s,
            net=self.net_policy,
            ffmpeg=self.ffmpeg or None,
        )


class TranscriberResource(ConfigurableResource):
    """Which engine transcribes, with which model and language."""

    engine: str = Field(description="local (faster-whisper) or openai.")
    model: str = Field(description="Model name or local model directory (Settings.model: the engine default resolved).")
    language: str = Field(description="pt, en, es, ... or auto (detect).")
    languages: str = Field(description="Detection chooses among these (VSL_LANGUAGES).")
    language_min_probability: float = Field(description="Flag a detection less sure than this.")
    coverage_min_gap_s: float = Field(description="Speech without text this long: redo, then flag.")
    time_factor: float = Field(description="Step cap: this x measured RTF x audio (VSL_TRANSCRIBE_TIME_FACTOR).")
    min_time_s: float = Field(description="Step cap floor (VSL_TRANSCRIBE_MIN_TIME_S).")
    openai_api_key: str = Field(description="Secret; read from OPENAI_API_KEY.")
    openai_base_url: str = Field(description="OpenAI-compatible endpoint; empty = api.openai.com.")
    timeout_s: float = Field(default=600.0, description="Not a setting: the OpenAI client's request timeout.")
    max_retries: int = Field(default=2, description="Client-side retries of 429/5xx/timeouts.")
    device: str = Field(description="cpu, cuda or auto (VSL_WHISPER_DEVICE).")
    compute_type: str = Field(description="CTranslate2 compute type (VSL_WHISPER_COMPUTE_TYPE).")
    cpu_threads: int = Field(description="Threads per model on CPU, resolved (VSL_WHISPER_CPU_THREADS).")
    batched: str = Field(description="auto, on or off: faster-whisper's batched pipeline (VSL_WHISPER_BATCHED).")
    batch_size: int = Field(description="Windows per batch when batched (VSL_WHISPER_BATCH_SIZE).")
    max_chunk_s: float = Field(description="Longest chunk sent at once (cut at silences); 0 = the engine's own limits.")
    concurrency: int = Field(description="API chunk requests at once when continuity is off.")
    continuity: bool = Field(
        description="API engine: send chunk i-1's last words as chunk i's prompt (chunks run in order)."
    )
    word_timestamps: bool = Field(description="Local engine: keep word-level timestamps.")
    ffmpeg: str = Field(description="VSL_FFMPEG: the ffmpeg that cuts chunks and finds pauses; empty = on PATH.")
    model_cache_dir: str = Field(description="Where the bundled model is assembled (XDG_CACHE_HOME/vsl-assets/models).")

    @property
    def silence(self) -> SilenceOptions:
        """Pause detection as the engines use it, with the configured ffmpeg."""
        return SilenceOptions(ffmpeg=self.ffmpeg or None)

    @property
    def language_code(self) -> str | None:
        return normalise_language(self.language)

    @property
    def language_list(self) -> tuple[str, ...]:
        return parse_languages(self.languages)

    @property
    def model_name(self) -> str:
        return self.model

    def build(self, model: str | None = None):  # noqa: ANN201 - returns a transcription.base.Transcriber
        """Construct the engine lazily, so loading definitions never loads a model.

        ``model`` (a URL's own, see ``urls.transcribe_model``) replaces the configured one.
        """
        model_name = model or self.model_name
        if self.engine == "openai":
            from vsl_assets.transcription.openai_engine import OpenAITranscriber

            if not self.openai_api_key:
                raise ConfigurationError("VSL_TRANSCRIBER=openai needs OPENAI_API_KEY to be set")
            return OpenAITranscriber(
                api_key=self.openai_api_key,
                model=model_name,
                base_url=self.openai_base_url or None,
                timeout_s=self.timeout_s,
                max_retries=self.max_retries,
                max_chunk_s=self.max_chunk_s or None,
                max_concurrency=self.concurrency,
                continuity=self.continuity,
                languages=self.language_list,
                coverage_min_gap_s=self.coverage_min_gap_s,
                silence=self.silence,
            )
        if self.engine == "local":
            from vsl_assets.transcription.local_engine import LocalTranscriber

            return LocalTranscriber(
                model=model_name,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=self.cpu_threads,
                batched={"on": True, "off": False}.get(self.batched),
                batch_size=self.batch_size,
                word_timestamps=self.word_timestamps,
                max_chunk_s=self.max_chunk_s or None,
                languages=self.language_list,
                language_min_probability=self.language_min_probability,
                coverage_min_gap_s=self.coverage_min_gap_s,
                silence=self.silence,
                bundled_cache_dir=Path(self.model_cache_dir),
            )
        raise ConfigurationError(f"unknown transcriber {self.engine!r}: set VSL_TRANSCRIBER to local or openai")


class BreakdownResource(ConfigurableResource):
    """Which engine breaks a transcript down (niche, lead, awareness, beats, offer)."""

    engine: str = Field(description="local (rules, offline) or openai (structured outputs).")
    model: str = Field(description="Chat model for the openai engine; empty = its default.")
    openai_api_key: str = Field(description="Secret; read from OPENAI_API_KEY.")
    openai_base_url: str = Field(description="OpenAI-compatible endpoint; empty = api.openai.com.")
    timeout_s: float = Field(default=300.0, description="Not a setting: the OpenAI client's request timeout.")
    max_retries: int = Field(default=2, description="Client-side retries of 429/5xx/timeouts.")
    min_confidence: float = Field(
        description="Fields graded below it are marked 'not sure' (VSL_BREAKDOWN_MIN_CONFIDENCE).",
    )

    def build(self) -> BreakdownEngine:
        return build_engine(
            self.engine,
            model=self.model,
            api_key=self.openai_api_key,
            base_url=self.openai_base_url,
            timeout_s=self.timeout_s,
            max_retries=self.max_retries,
        )


def _secret(name: str, value: object) -> str | EnvVar:
    """A value that may hold a secret: by variable name when set in the environment."""
    return EnvVar(name) if value else ""


def build_resources(s: Settings) -> dict[str, ConfigurableResource]:
    return {
        "db": DatabaseResource(
            url=EnvVar("VSL_DATABASE_URL") if s.database_url else s.database, worker_name=s.worker_name or ""
        ),
        "storage": StorageResource(
            root=str(s.storage_root),
            object_store_url=s.object_store_url or "",
            s3_endpoint_url=s.s3_endpoint_url or "",
            s3_region=s.s3_region,
            aws_access_key_id=_secret("AWS_ACCESS_KEY_ID", s.aws_access_key_id),
            aws_secret_access_key=_secret("AWS_SECRET_ACCESS_KEY", s.aws_secret_access_key),
            presign_expiry_s=s.s3_presign_expiry_s,
            outage_s=s.s3_outage_s,
        ),
        "search": SearchResource(
            database_url=EnvVar("VSL_DATABASE_URL") if s.database_url else s.database,
            min_confidence=s.breakdown_min_confidence,
            engine=s.search_backend,
        ),
        "media": MediaResource(
            audio_format=s.audio_format,
            audio_bitrate=s.audio_bitrate,
            read_timeout_s=s.download_timeout_s,
            hls_concurrency=s.hls_concurrency,
            variant_policy=s.hls_variant,
            max_duration_s=s.max_duration_s,
            max_download_bytes=s.mb(s.max_download_mb),
            max_page_bytes=s.mb(s.max_page_mb),
            max_page_scripts=s.max_page_scripts,
            step_timeout_s=s.step_timeout_s,
            allow_private_networks=s.allow_private_networks,
            allow_addresses=s.allow_addresses,
            ffmpeg=s.ffmpeg or "",
            url_tracking_params=s.url_tracking_params,
            worker_name=s.worker_name or "",
        ),
        "transcriber": TranscriberResource(
            engine=s.engine,
            model=s.model,
            language=s.language,
            languages=s.languages,
            language_min_probability=s.language_min_probability,
            coverage_min_gap_s=s.coverage_min_gap_s,
            time_factor=s.transcribe_time_factor,
            min_time_s=s.transcribe_min_time_s,
            openai_api_key=_secret("OPENAI_API_KEY", s.openai_api_key),
            openai_base_url=s.openai_base_url or "",
            device=s.whisper_device,
            compute_type=s.compute_type,
            cpu_threads=s.cpu_threads,
            batched=s.whisper_batched,
            batch_size=s.whisper_batch_size,
            max_chunk_s=s.max_chunk_s,
            concurrency=s.transcribe_concurrency,
            continuity=s.transcribe_continuity,
            word_timestamps=s.word_timestamps,
            ffmpeg=s.ffmpeg or "",
            model_cache_dir=str(s.model_cache_dir),
        ),
        "breakdown_engine": BreakdownResource(
            engine=s.breakdown,
            model=s.breakdown_model or "",
            openai_api_key=_secret("OPENAI_API_KEY", s.openai_api_key),
            openai_base_url=s.openai_base_url or "",
            min_confidence=s.breakdown_min_confidence,
        ),
    }


@definitions
def resources() -> Definitions:
    """Resources from the settings as they are when the code location loads."""
    s = settings_module.current()
    db_engine.use_prepared_statements(s.database_prepared_statements)
    return Definitions(resources=build_resources(s))
