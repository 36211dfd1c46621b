"""The one place the environment is read: every setting, typed and validated, with its default.

Where a setting comes from, first match wins:

1. the process environment (``export VSL_…``);
2. the project's ``.env`` file (the same file ``dagster dev`` loads), read into the environment
   once, without overriding what is already set;
3. the default below (docs/configuration.md is generated from the fields of :class:`Settings`).

The *project* is the directory holding ``workspace.yaml`` and ``dagster.yaml``: ``VSL_PROJECT_DIR``
if set, else the first such directory above the current one, else the checkout this package is
installed from (an editable install, as ``run.sh`` makes).  Relative paths (``VSL_STORAGE_DIR``)
are resolved against it, so ``vsl`` acts on the same database and storage from any directory.

Only the front ends' entry points (the CLI's ``main``, the web app's factory, the Dagster code
location's loaders, the Celery app) ask :func:`current`, which is cached and re-read only when a
relevant variable or the working directory changes (tests flip variables per test); they hand the
values down (resources, ``NetPolicy.from_settings``, the ffmpeg binary in the media options), so
domain code never reads settings (``vsl_assets_tests/test_layers.py`` checks).
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Annotated, Literal

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from vsl_assets.errors import ConfigurationError

#: Files that mark a project directory (the Dagster instance and the code location).
PROJECT_MARKERS = ("workspace.yaml", "dagster.yaml")
#: Variables outside the ``VSL_`` prefix that are read here.
OTHER_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "DAGSTER_HOME",
    "XDG_CACHE_HOME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)

#: A Celery queue or Dagster pool name; a worker name (it becomes Celery's ``name@host``: no ``@``).
QUEUE_NAME = r"[A-Za-z0-9_.-]{1,64}"
WORKER_NAME = r"[A-Za-z0-9_.-]{1,40}"

#: Query parameters that identify a click, a campaign or a recipient, never the page or the video:
#: dropped from pasted URLs before their key is made (``VSL_URL_TRACKING_PARAMS``).  Drawn from
#: the lists browsers strip (Firefox's query-stripping list, Brave's query filter) and the
#: ad platforms' own click ids (Google, Meta, Microsoft, TikTok, X, LinkedIn, Yandex, Mailchimp,
#: HubSpot, Marketo, Pinterest).  Left out on purpose: ``ref``, ``src``, ``sck``, ``aff``, ``xcod``
#: (affiliate and checkout sources that some pages use to pick a variant), and short names such as
#: ``v``, ``id``, ``p`` that select the content.
DEFAULT_URL_TRACKING_PARAMS = (
    "utm_*,fbclid,gclid,gclsrc,dclid,gbraid,wbraid,msclkid,ttclid,twclid,li_fat_id,igshid,yclid,ysclid,"
    "mc_cid,mc_eid,_ga,_gl,_hsenc,_hsmi,__hssc,__hstc,__hsfp,hsctatracking,mkt_tok,oly_anon_id,oly_enc_id,"
    "vero_id,wickedid,_openstat,epik"
)
_TRACKING_NAME = r"[A-Za-z0-9_.\-\[\]]+\*?"

PositiveFloat = Annotated[float, Field(gt=0)]
PositiveInt = Annotated[int, Field(ge=1)]


#: Where each setting takes effect: ``pipeline`` (the Dagster processes and ``vsl process``), ``web``,
#: or ``both`` (the app and ``vsl`` must agree: put it in the project's ``.env``).
READ_BY: dict[str, str] = {
    "project_dir": "both",
    "storage_dir": "both",
    "database_url": "both",
    "database_prepared_statements": "both",
    "transcriber": "pipeline",
    "whisper_model": "pipeline",
    "whisper_device": "pipeline",
    "whisper_compute_type": "pipeline",
    "whisper_cpu_threads": "pipeline",
    "whisper_batched": "pipeline",
    "whisper_batch_size": "pipeline",
    "language": "pipeline",
    "languages": "pipeline",
    "language_min_probability": "pipeline",
    "transcribe_time_factor": "pipeline",
    "transcribe_min_time_s": "pipeline",
    "coverage_min_gap_s": "pipeline",
    "breakdown_engine": "pipeline",
    "breakdown_model": "pipeline",
    "breakdown_min_confidence": "both",
    "search_backend": "both",
    "ffmpeg": "pipeline",
    "max_chunk_s": "pipeline",
    "transcribe_concurrency": "pipeline",
    "transcribe_continuity": "pipeline",
    "word_timestamps": "pipeline",
    "audio_format": "pipeline",
    "audio_bitrate": "pipeline",
    "download_timeout_s": "pipeline",
    "hls_concurrency": "pipeline",
    "hls_variant": "pipeline",
    "max_duration_s": "pipeline",
    "max_download_mb": "pipeline",
    "max_page_mb": "pipeline",
    "max_page_scripts": "pipeline",
    "sensor_batch": "both",
    "sensor_interval_s": "pipeline",
    "reconcile_interval_s": "pipeline",
    "max_retries": "pipeline",
    "crash_retries": "both",
    "step_timeout_s": "pipeline",
    "run_min_time_s": "pipeline",
    "run_max_time_s": "pipeline",
    "url_tracking_params": "both",
    "allow_private_networks": "pipeline",
    "allow_addresses": "pipeline",
    "celery_broker_url": "both",
    "celery_backend_url": "both",
    "download_queue": "pipeline",
    "transcription_queue": "pipeline",
    "transcription_pool": "pipeline",
    "worker_name": "pipeline",
    "openai_api_key": "pipeline",
    "openai_base_url": "pipeline",
    "dagster_home": "both",
    "xdg_cache_home": "pipeline",
    "object_store_url": "both",
    "s3_endpoint_url": "both",
    "s3_region": "both",
    "s3_presign_expiry_s": "web",
    "s3_outage_s": "pipeline",
    "aws_access_key_id": "both",
    "aws_secret_access_key": "both",
    "web_secret": "web",
    "web_session_idle_s": "web",
    "web_session_max_s": "web",
    "web_max_body_mb": "web",
    "web_max_urls_per_add": "web",
    "web_trusted_proxies": "web",
    "web_workers": "web",
    "watch_all_pages": "both",
    "watch_interval_s": "pipeline",
    "watch_jitter": "pipeline",
    "watch_schedule": "pipeline",
    "watch_concurrency": "pipeline",
    "watch_host_interval_s": "pipeline",
    "watch_batch": "pipeline",
    "watch_live_checks": "pipeline",
    "watch_retry_s": "pipeline",
    "watch_down_after": "pipeline",
    "watch_webhook_url": "pipeline",
    "watch_webhook_timeout_s": "pipeline",
    "watch_webhook_attempts": "pipeline",
}


class Settings(BaseSettings):
    """All configuration of the platform; each field's docstring is its line in docs/configuration.md."""

    model_config = SettingsConfigDict(
        env_prefix="VSL_", env_ignore_empty=True, extra="ignore", frozen=True, use_attribute_docstrings=True
    )

    project_dir: Path | None = Field(default=None)
    """the project folder. Default: found (see above)."""
    storage_dir: Path = Field(default=Path("storage"))
    """media root; a relative path is relative to the project. Default: `storage` (in the project)."""
    database_url: str | None = Field(default=None)
    """app database; `postgresql+psycopg2://…` for PostgreSQL (a secret: shown in the UI by name only). Default:
    `sqlite:///<storage>/vsl.db`.
    """
    database_prepared_statements: bool = True
    """PostgreSQL: run the reads every page makes (the library's page, the login lookup) as prepared statements,
    planned once per connection; `false` behind a pooler in transaction mode (PgBouncer's `pool_mode=transaction`).
    """
    transcriber: Literal["openai", "local"] | None = Field(default=None)
    """engine. Default: `openai` if `OPENAI_API_KEY` is set, else `local`."""
    whisper_model: str | None = None
    """model name, or a local CTranslate2 model directory; an unreachable model falls back to a bundled one with a
    warning. Default: `whisper-1` (openai) / `base` (local).
    """
    whisper_device: Literal["cpu", "cuda", "auto"] = "auto"
    """local engine: `cpu`, `cuda` or `auto` (a GPU when CTranslate2 sees one)."""
    whisper_compute_type: str = Field(default="auto", pattern=r"^[a-z0-9_]+$")
    """local engine: CTranslate2 compute type; `auto` = `int8` on CPU, `float16` on `cuda`."""
    whisper_cpu_threads: int = Field(default=0, ge=0, le=256)
    """local engine on CPU: threads per loaded model; 0 = half the machine's cores, at least 1 (measured on 2 cores: 1
    thread was as fast as 2 or CTranslate2's own 4, with 30 % less CPU). See docs/pipeline.md "Speed on a CPU".
    """
    whisper_batched: Literal["auto", "on", "off"] = "auto"
    """local engine: faster-whisper's batched pipeline (VAD windows decoded several at a time); `auto` = on for
    `cuda`, off on CPU, where it was faster but dropped words (benchmarks/bench_cpu_tuning.py).
    """
    whisper_batch_size: int = Field(default=8, ge=1, le=64)
    """local engine: windows per batch when batched."""
    language: str = "auto"
    """forces one language (`pt`, `en`, `es`, …) on every URL; `auto` = detect among `VSL_LANGUAGES`. Prefer a per-URL
    language (`vsl add --language pt`, the Add page, the API's `language`).
    """
    languages: str = Field(default="pt,en,es")
    """the languages VSLs come in: the local engine's detection chooses among them only (language ID over up to 3
    speech windows found by VAD, not the first 30 s; when the model hears another language, a short trial
    transcription in each listed language decides); with one language the OpenAI engine is sent it; a transcript in
    another language is flagged.
    """
    language_min_probability: Annotated[float, Field(ge=0, le=1)] = Field(default=0.6)
    """a detected language less sure than this (its probability among `VSL_LANGUAGES`) is flagged on the transcript
    (VSL page, `transcript_has_no_warnings` check).
    """
    transcribe_time_factor: PositiveFloat = Field(default=4.0)
    """the transcription step's time limit follows its audio: factor x the real-time factor measured on the last 20
    transcriptions here (1.0 before any) x the audio's duration, at least the floor, never more than
    `VSL_STEP_TIMEOUT_S`; a stuck transcription frees its slot instead of holding it for hours.
    """
    transcribe_min_time_s: PositiveFloat = Field(default=600.0)
    """the floor of the transcription step's time limit (see `VSL_TRANSCRIBE_TIME_FACTOR`)."""
    coverage_min_gap_s: Annotated[float, Field(ge=0)] = Field(default=3.0)
    """local engine: speech (Silero VAD over the whole audio) without transcript text for this long is re-transcribed
    on its own window with the text before as prompt; what stays missing is a `coverage` warning, and the share of
    speech covered is stored (`speech_coverage`); `0` = off.
    """
    breakdown_engine: Literal["openai", "local"] | None = Field(default=None)
    """breakdown engine: `local` (rules, offline) or `openai` (structured outputs; any OpenAI-compatible endpoint via
    `OPENAI_BASE_URL`). Default: `openai` if `OPENAI_API_KEY` is set, else `local`.
    """
    breakdown_model: str | None = None
    """chat model of the openai breakdown engine. Default: `gpt-4o-mini` (openai)."""
    breakdown_min_confidence: Annotated[float, Field(ge=0, le=1)] = 0.6
    """below this 0..1 grade a breakdown field is "not sure": the API and VSL page show it as unknown with its
    evidence, and cards, filters, search and the catalog ignore it."""
    search_backend: Literal["auto", "sqlite", "postgres", "tantivy"] = "auto"
    """search index: `auto` is PostgreSQL's full-text search with a PostgreSQL app database, else a tantivy index
    (`vsl.tantivy/`) beside the SQLite one, except on an install that has only an FTS5 index (`vsl.search.db`),
    which keeps it until `vsl reindex` builds tantivy's (`vsl health` says which); `sqlite` is SQLite FTS5; set the
    same value for every process."""
    ffmpeg: str | None = None
    """ffmpeg binary (Debian's 5.x and imageio-ffmpeg's 7.x are both tested). Default: `ffmpeg` on PATH, else imageio-
    ffmpeg's.
    """
    max_chunk_s: Annotated[float, Field(ge=0)] = 0.0
    """longest transcription chunk; audio over the engine's limits (25 MB for whisper-1; for gpt-4o-transcribe / -mini
    ~5 min, so fast speech stays under their 2,000-token output cap — 1,400 s of audio is their hard limit) is cut
    at silences and stitched with offsets; a reply that still stops at the output cap is transcribed again in
    halves. Default: `0` (engine limits).
    """
    transcribe_concurrency: PositiveInt = 4
    """API engine: pass the previous chunk's last words as the next chunk's prompt (chunks in order), or, with `0`,
    send up to N chunks at once.
    """
    transcribe_continuity: bool = True
    """API engine: pass the previous chunk's last words as the next chunk's prompt (chunks in order), or, with `0`,
    send up to N chunks at once.
    """
    word_timestamps: bool = False
    """local engine: keep word-level timestamps in the JSON."""
    audio_format: Literal["opus", "mp3"] = "opus"
    """`opus` (Opus in Ogg, speech mode, encoder complexity 10 of 0-10) or `mp3`; mono 16 kHz."""
    audio_bitrate: str = Field(default="32k", pattern=r"^\d+k$")
    """`opus` or `mp3`; 32 kbit/s keeps ~100 minutes under the API's 25 MB."""
    download_timeout_s: PositiveFloat = 30.0
    """read timeout: a stream that sends nothing this long fails."""
    hls_concurrency: PositiveInt = 8
    """HLS fragments fetched at once."""
    hls_variant: str = Field(default="best<=720", pattern=r"^\s*(best|smallest|best\s*<=\s*\d+\s*p?)\s*$")
    """variant of a master playlist: `best<=HEIGHT`, `best` or `smallest`."""
    max_duration_s: PositiveFloat = 14400.0
    """caps: a playlist announcing a longer video, or a download growing past the size, fails before/while downloading;
    only the first MB of a sales page are read.
    """
    max_download_mb: PositiveFloat = 16384.0
    """caps: a playlist announcing a longer video, or a download growing past the size, fails before/while downloading;
    only the first MB of a sales page are read.
    """
    max_page_mb: PositiveFloat = 5.0
    """caps: a playlist announcing a longer video, or a download growing past the size, fails before/while downloading;
    only the first MB of a sales page are read.
    """
    max_page_scripts: Annotated[int, Field(ge=0)] = 6
    """when a page shows no player in its HTML, how many of its own scripts are read for a player they inject (vturb
    bundles).
    """
    sensor_batch: PositiveInt = 1000
    """pending URLs per sensor tick (and per `vsl process`)."""
    sensor_interval_s: PositiveInt = 15
    """sensor intervals."""
    reconcile_interval_s: PositiveInt = 30
    """sensor intervals."""
    max_retries: Annotated[int, Field(ge=0)] = 2
    """Dagster retries of a step after a transient error (exponential backoff with jitter)."""
    crash_retries: Annotated[int, Field(ge=0)] = 1
    """a URL whose worker process died (kill -9, OOM, power cut) is re-queued automatically this many times; after that
    it stays `failed`.
    """
    step_timeout_s: PositiveFloat = 14400.0
    """wall-clock cap of one step: ffmpeg, the HLS download, API requests and local transcription stop at it and the
    URL fails with that reason (a whole run's cap is `VSL_RUN_MIN_TIME_S` / `VSL_RUN_MAX_TIME_S`). Default: `14400`
    (4 h).
    """
    run_min_time_s: PositiveFloat = 3600.0
    """a run's time limit (`dagster/max_runtime`, which run monitoring enforces) follows its audio: this much for
    downloading, the breakdown and the index, plus the transcription step's own limit (`VSL_TRANSCRIBE_TIME_FACTOR`)
    and the wait for the slot (the audio ahead at the same pace), set once the audio is known; at most
    `VSL_RUN_MAX_TIME_S`.
    """
    run_max_time_s: PositiveFloat = 28800.0
    """the ceiling of a run's time limit, and the limit of a run whose audio is not known yet (`VSL_RUN_MIN_TIME_S`).
    Default: `28800` (8 h).
    """
    url_tracking_params: str = Field(default=DEFAULT_URL_TRACKING_PARAMS)
    """comma-separated query parameters dropped from a pasted URL before its key is made, so the same page with
    `?utm_source=fb` and without is one VSL (`name*` is a prefix; case-insensitive; empty = keep every parameter).
    The default is the click, campaign and recipient ids browsers strip; it keeps `ref`, `src`, `sck`, `aff`, `v`,
    `id` and the like, which can select the page. Set the same value for the web app and the pipeline (`.env`):
    every front end adds URLs through the same code. Changing it changes new keys only; a URL already stored under
    its old key is still found by that key.
    """
    allow_private_networks: bool = False
    """`1` lets the pipeline fetch private, loopback and link-local addresses (tests, intranets); off, every fetch is
    refused unless all the host's addresses are public.
    """
    allow_addresses: str = ""
    """comma-separated IPs or CIDR networks allowed even though private (e.g. an internal CDN)."""
    # -- scale-out (deploy/scaleout): runs go to Celery workers through Redis ---------------------
    #: Broker (and result backend) of the Celery run launcher, e.g. redis://127.0.0.1:6379/0; may
    #: hold a password, so it is a secret (never logged or shown).
    celery_broker_url: SecretStr | None = None
    """scale-out: the Redis URL of the Celery run launcher (`deploy/scaleout/dagster.yaml` reads the same variable) and
    of `vsl worker`; a secret (may hold a password; shown redacted by `vsl health`).
    """
    celery_backend_url: SecretStr | None = Field(default=None)
    """scale-out: the Redis URL of the Celery run launcher (`deploy/scaleout/dagster.yaml` reads the same variable) and
    of `vsl worker`; a secret (may hold a password; shown redacted by `vsl health`). Default: the broker.
    """
    #: Celery queues: the download stage (page, video, audio) and the transcription stage
    #: (transcript, breakdown, search index).  Equal (the default) -> one run per URL; different ->
    #: two runs per URL, each sent to its queue, so each kind of worker takes its own work.
    download_queue: str = Field(default="vsl", pattern=f"^{QUEUE_NAME}$")
    """Celery queues of the download stage (page, video, audio) and the transcription stage (transcript, breakdown,
    index); when they differ each URL gets two runs, one per queue, so each kind of worker takes its own work.
    """
    transcription_queue: str = Field(default="vsl", pattern=f"^{QUEUE_NAME}$")
    """Celery queues of the download stage (page, video, audio) and the transcription stage (transcript, breakdown,
    index); when they differ each URL gets two runs, one per queue, so each kind of worker takes its own work.
    """
    #: The concurrency pool transcription steps claim in this process (dagster.yaml sets each
    #: pool's limit): e.g. ``transcription_gpu`` on GPU workers, limited to one step per GPU.
    transcription_pool: str = Field(default="transcription", pattern=f"^{QUEUE_NAME}$")
    """the concurrency pool transcription steps claim in this worker, e.g. `transcription_gpu` on GPU workers (limit it
    to the number of GPUs).
    """
    #: A name for this worker process, shown by ``vsl status``/``vsl show`` next to each step
    #: (``vsl worker`` sets it; default: the host name).
    worker_name: str | None = Field(default=None, pattern=f"^{WORKER_NAME}$")
    """this worker's name in `vsl status --workers` (set by `vsl worker --name`)."""
    openai_api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("OPENAI_API_KEY"))
    """secret; configured through `EnvVar`, never shown in the UI, logs, metadata or the database."""
    openai_base_url: str | None = Field(default=None, validation_alias=AliasChoices("OPENAI_BASE_URL"))
    """an OpenAI-compatible endpoint."""
    dagster_home: Path | None = Field(default=None, validation_alias=AliasChoices("DAGSTER_HOME"))
    """Dagster instance (`dagster.yaml`). Default: the project folder."""
    xdg_cache_home: Path | None = Field(default=None, validation_alias=AliasChoices("XDG_CACHE_HOME"))
    """where the bundled Whisper model is unpacked (`vsl-assets/models/`)."""

    # -- shared media storage (S3-compatible object store); unset = the local storage root only ----
    # With VSL_OBJECT_STORE_URL set, the storage root is each machine's working cache: every
    # finished file is uploaded there, and a step fetches the inputs it lacks from there.
    object_store_url: str | None = Field(
        default=None,
        pattern=r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/-]*)?$",
    )
    """`s3://bucket/prefix`: shared media storage for several machines (see *Shared object storage (S3)*). Default: none
    (local files only).
    """
    s3_endpoint_url: str | None = Field(default=None, pattern=r"^https?://")
    """an S3-compatible endpoint: SeaweedFS, MinIO, R2, … (`http://host:8333`). Default: none (AWS)."""
    s3_region: str = Field(default="us-east-1", pattern=r"^[a-z0-9-]+$")
    """region the requests are signed for."""
    s3_presign_expiry_s: Annotated[int, Field(ge=60, le=7 * 24 * 3600)] = Field(default=3600)
    """lifetime of the presigned URLs the web app redirects media requests to."""
    s3_outage_s: Annotated[float, Field(ge=0)] = Field(default=120.0)
    """how long a step waits out an unreachable object store (connection refused, timeouts, 5xx, throttling; backoff
    0.5 to 8 s) before it fails; the CLI and the web app wait at most 5 s.
    """
    aws_access_key_id: SecretStr | None = Field(default=None, validation_alias=AliasChoices("AWS_ACCESS_KEY_ID"))
    """the object store's credentials; secrets: configured through `EnvVar`, never in the UI, logs, metadata, errors or
    the database.
    """
    aws_secret_access_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("AWS_SECRET_ACCESS_KEY")
    )
    """the object store's credentials; secrets: configured through `EnvVar`, never in the UI, logs, metadata, errors or
    the database.
    """

    # -- the web app (issue 26: sessions, limits, workers) ------------------------------------------
    web_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs CSRF tokens; set the same value on every web host (default: a 0600 file "
        "under the storage root, shared by the workers of one host).",
    )
    web_session_idle_s: Annotated[int, Field(ge=60)] = Field(
        default=3 * 24 * 3600, description="A login unused this long (seconds) ends."
    )
    web_session_max_s: Annotated[int, Field(ge=60)] = Field(
        default=14 * 24 * 3600, description="A login ends this long (seconds) after it was made, used or not."
    )
    web_max_body_mb: Annotated[float, Field(gt=0, le=1024)] = Field(
        default=2.0, description="Largest request body the web app reads (MB); larger ones get 413 unread."
    )
    web_max_urls_per_add: Annotated[int, Field(ge=1, le=100_000)] = Field(
        default=1000, description="URLs taken from one paste or one POST /api/urls; the rest are given back."
    )
    web_trusted_proxies: str = Field(
        default="",
        description="Addresses/networks of reverse proxies whose X-Forwarded-For/-Proto are believed "
        "(comma-separated, e.g. 127.0.0.1); empty = none.",
    )
    web_workers: Annotated[int, Field(ge=1, le=64)] | None = Field(
        default=None, description="Web worker processes (default: one per core, at least 2, at most 8)."
    )

    # -- watching VSLs over time (docs/using.md, "Watching") ------------------------------------
    watch_all_pages: bool = True
    """every sales page (a URL that is not itself a stream) is watched unless switched off for it; off, only URLs and
    boards switched on (`vsl watch on`, the VSL page, the board page) are.
    """
    watch_interval_s: Annotated[int, Field(ge=60)] = 86400
    """seconds between two checks of one watched page (default: daily); a changed VSL appears as a new version within
    one interval.
    """
    watch_jitter: Annotated[float, Field(ge=0, le=1)] = 0.1
    """each page's next check is put off by a random share of the interval up to this (0.1 = up to 10%), so the pages
    of one host are not all checked in the same minute.
    """
    watch_schedule: str = Field(default="*/15 * * * *", pattern=r"^[0-9*/,\- ]+$")
    """cron of the `watch_schedule` Dagster schedule; each tick checks the pages that are due."""
    watch_concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    """pages checked at once in one run."""
    watch_host_interval_s: Annotated[float, Field(ge=0)] = 1.0
    """minimum seconds between the starts of two checks of pages on one host (one at a time per host)."""
    watch_batch: PositiveInt = 20000
    """due pages checked per run at most (the rest wait for the next tick)."""
    watch_live_checks: Annotated[int, Field(ge=1, le=50)] = 3
    """a version is live while it was seen in one of the page's last this-many good checks (A/B variants served in
    turn stay live together) and has been seen since a later version first appeared (a replaced video stops being
    live at the check that finds the new one).
    """
    watch_retry_s: PositiveFloat = 600.0
    """a check that failed (timeout, 5xx) is retried after this, doubling with each further failure, never sooner
    than this nor later than the interval.
    """
    watch_down_after: PositiveInt = 3
    """consecutive failed checks after which an unreachable page counts as down (a 404/410, a page without its
    player or a redirect to another site is down at once).
    """
    watch_webhook_url: SecretStr | None = None
    """an administrator's URL that receives every watch event as JSON (with a Slack-compatible `text`); a secret
    (chat webhook URLs carry their token), never shown or logged. May be an internal address.
    """
    watch_webhook_timeout_s: PositiveFloat = 5.0
    """time limit of one webhook delivery."""
    watch_webhook_attempts: PositiveInt = 3
    """deliveries tried per event (one per run) before it is given up and recorded as such."""

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        value = value.strip().lower()
        if value != "auto" and not (value.isalpha() and 2 <= len(value) <= 3):
            raise ValueError("expected an ISO 639-1 code such as pt, en, es, or auto")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: str) -> str:
        return ",".join(parse_languages(value))

    @field_validator("url_tracking_params")
    @classmethod
    def _tracking(cls, value: str) -> str:
        names = [n.strip() for n in value.split(",") if n.strip()]
        bad = [n for n in names if not re.fullmatch(_TRACKING_NAME, n) or n == "*"]
        if bad:
            raise ValueError(
                f"not a query parameter name: {', '.join(repr(b[:40]) for b in bad[:3])} "
                "(expected names such as utm_*, fbclid, gclid, comma-separated)"
            )
        return ",".join(names)

    # -- derived values --------------------------------------------------------------------------

    @property
    def storage_root(self) -> Path:
        """The storage root as an absolute path (relative settings are relative to the project)."""
        base = self.project_dir or Path.cwd()
        return (base / self.storage_dir).resolve()

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.storage_root / 'vsl.db'}"

    @property
    def engine(self) -> str:
        return self.transcriber or ("openai" if self.openai_api_key else "local")

    @property
    def model(self) -> str:
        return self.whisper_model or ("whisper-1" if self.engine == "openai" else "base")

    @property
    def language_list(self) -> tuple[str, ...]:
        """``VSL_LANGUAGES`` as codes, in the order given."""
        return parse_languages(self.languages)

    @property
    def breakdown(self) -> str:
        """The breakdown engine: ``VSL_BREAKDOWN_ENGINE``, else ``openai`` with a key, else ``local``."""
        return self.breakdown_engine or ("openai" if self.openai_api_key else "local")

    @property
    def cpu_threads(self) -> int:
        """``VSL_WHISPER_CPU_THREADS``, 0 resolved to half this machine's cores (at least 1):
        ``benchmarks/bench_cpu_tuning.py`` found more threads no faster on 2 cores, only costlier."""
        return self.whisper_cpu_threads or max(1, (os.cpu_count() or 1) // 2)

    @property
    def compute_type(self) -> str:
        """``auto``: int8 on a CPU (fast, small), float16 on a GPU."""
        if self.whisper_compute_type != "auto":
            return self.whisper_compute_type
        return "float16" if self.whisper_device == "cuda" else "int8"

    @property
    def instance_dir(self) -> Path | None:
        """``DAGSTER_HOME``, else the project directory (which holds ``dagster.yaml``)."""
        return self.dagster_home or self.project_dir

    @property
    def cache_dir(self) -> Path:
        return self.xdg_cache_home or Path.home() / ".cache"

    @property
    def model_cache_dir(self) -> Path:
        """Where the bundled Whisper model is assembled (``$XDG_CACHE_HOME/vsl-assets/models``)."""
        return self.cache_dir / "vsl-assets" / "models"

    @property
    def split_stages(self) -> bool:
        """Download and transcription as two runs per URL (their queues differ)."""
        return self.download_queue != self.transcription_queue

    def mb(self, value_mb: float) -> int:
        return int(value_mb * 1024**2)


def parse_languages(value: str) -> tuple[str, ...]:
    """``"pt, en,ES"`` -> ``("pt", "en", "es")``, order kept, duplicates dropped.

    Raises ValueError naming a code that is not a two- or three-letter ISO-639 code.
    """
    codes: list[str] = []
    for part in value.split(","):
        code = part.strip().lower()
        if not code:
            continue
        if not (code.isascii() and code.isalpha() and 2 <= len(code) <= 3):
            raise ValueError(f"{part.strip()!r} is not an ISO 639-1 code such as pt, en or es")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValueError("list at least one language, e.g. pt,en,es")
    return tuple(codes)


def url_language(value: str | None) -> str | None:
    """A language given for one URL: an ISO 639-1 code, or None for ``""``/``auto`` (detect).

    Raises ValueError with a reason a person can act on.
    """
    code = normalise_language(value)
    if code is None:
        return None
    codes = parse_languages(code)
    if len(codes) != 1:
        raise ValueError("give one language, e.g. pt")
    return codes[0]


def retranscribe_language(value: str | None) -> str | None:
    """For a re-transcription: None/empty keeps the URL's language, ``auto`` detects, else a code."""
    if value is None or not value.strip():
        return None
    return "auto" if value.strip().lower() == "auto" else url_language(value)


def normalise_language(value: str | None) -> str | None:
    """``auto``/empty means detect; anything else is passed to the engine as an ISO code."""
    if value is None:
        return None
    value = value.strip().lower()
    return None if value in ("", "auto") else value


# -- finding the project --------------------------------------------------------------------------


def is_project(path: Path) -> bool:
    return all((path / name).is_file() for name in PROJECT_MARKERS)


def package_checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), if it is a project."""
    root = Path(__file__).resolve().parent.parent
    return root if is_project(root) else None


def find_project(cwd: Path, explicit: str | None, fallback: Path | None) -> Path | None:
    """``VSL_PROJECT_DIR``, else the nearest project at or above ``cwd``, else ``fallback``."""
    if explicit:
        path = Path(explicit).expanduser().resolve()
        if not is_project(path):
            raise ConfigurationError(
                f"VSL_PROJECT_DIR={explicit} is not a vsl project: it needs {' and '.join(PROJECT_MARKERS)}"
            )
        return path
    for folder in (cwd, *cwd.parents):
        if is_project(folder):
            return folder
    return fallback


def project_not_found_message(cwd: Path) -> str:
    return (
        f"no vsl project found: looked for {' and '.join(PROJECT_MARKERS)} in {cwd} and every folder above it, "
        "and this installation is not a project checkout. Run vsl inside the project, set VSL_PROJECT_DIR to it, "
        "or set VSL_DATABASE_URL and VSL_STORAGE_DIR (absolute) to use a database and storage directly"
    )


# -- loading ----------------------------------------------------------------------------------------

_lock = threading.Lock()
_cache: tuple[tuple[object, ...], Settings] | None = None
_dotenv_loaded: set[Path] = set()


def _relevant_environment() -> tuple[object, ...]:
    items = sorted((k, v) for k, v in os.environ.items() if k.startswith("VSL_") or k in OTHER_VARIABLES)
    return (os.getcwd(), tuple(items))


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment plus ``extra``: for a child process started with changes."""
    return {**os.environ, **extra}


def load_dotenv_file(project: Path) -> None:
    """Read ``<project>/.env`` into the environment once; variables already set win (as in Dagster)."""
    path = project / ".env"
    if path in _dotenv_loaded or not path.is_file():
        return
    for name, value in dotenv_values(path).items():
        if value is not None and name not in os.environ:
            os.environ[name] = value
    _dotenv_loaded.add(path)


def load(cwd: Path | None = None, fallback: Path | None = None) -> Settings:
    """Find the project, read its ``.env``, then validate the environment into :class:`Settings`."""
    cwd = cwd or Path.cwd()
    project = find_project(cwd, os.environ.get("VSL_PROJECT_DIR", "").strip() or None, fallback)
    if project is not None:
        load_dotenv_file(project)
    try:
        settings = Settings()
    except ValidationError as exc:
        raise ConfigurationError(describe_errors(exc)) from None
    return settings.model_copy(update={"project_dir": project})


def describe_errors(exc: ValidationError) -> str:
    """``VSL_HLS_CONCURRENCY='x': Input should be a valid integer`` — one line per bad variable."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        name = _variable_name(field)
        lines.append(f"{name}={error.get('input')!r}: {error['msg']}")
    return "invalid configuration: " + "; ".join(lines)


def _variable_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"VSL_{field.upper()}" if field.islower() else field


def current() -> Settings:
    """The settings for the environment as it is now (cached until a relevant variable changes)."""
    global _cache
    key = _relevant_environment()
    cached = _cache
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        settings = load(fallback=package_checkout())
        # .env may have added variables: cache under the environment as it now is.
        _cache = (_relevant_environment(), settings)
    return settings


def variables() -> list[tuple[str, str, str]]:
    """(variable, default, description) of every setting, for docs and ``vsl config``."""
    rows = []
    for field, info in Settings.model_fields.items():
        default = "" if info.default is None else str(info.default)
        rows.append((_variable_name(field), default, info.description or ""))
    return rows
