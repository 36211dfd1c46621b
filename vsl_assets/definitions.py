"""The one ``Definitions`` object: assets, checks, job, sensors and resources.

Resources read the environment through ``EnvVar`` when a variable is set (so the UI shows the
variable's name, never a secret) and fall back to the offline defaults of
:mod:`vsl_assets.settings` otherwise.
"""

from __future__ import annotations

import os

from dagster import Definitions, EnvVar, in_process_executor

from vsl_assets.assets import ALL_ASSETS
from vsl_assets.checks import ALL_CHECKS
from vsl_assets.jobs import ingest_vsl
from vsl_assets.resources import DatabaseResource, MediaResource, StorageResource, TranscriberResource
from vsl_assets.sensors import ALL_SENSORS
from vsl_assets.settings import ENV_DEFAULTS, Settings, default_transcriber, env, env_flag


def _from_env(name: str, default: str | None = None) -> str | EnvVar:
    if os.environ.get(name, "").strip():
        return EnvVar(name)
    return ENV_DEFAULTS[name] if default is None else default


def build_resources() -> dict[str, object]:
    settings = Settings.from_env()
    return {
        "db": DatabaseResource(url=_from_env("VSL_DATABASE_URL", settings.database_url)),
        "storage": StorageResource(root=str(settings.storage_dir)),
        "media": MediaResource(
            audio_format=_from_env("VSL_AUDIO_FORMAT"),
            audio_bitrate=_from_env("VSL_AUDIO_BITRATE"),
            read_timeout_s=float(env("VSL_DOWNLOAD_TIMEOUT_S")),
            hls_concurrency=int(env("VSL_HLS_CONCURRENCY")),
            variant_policy=_from_env("VSL_HLS_VARIANT"),
            max_duration_s=float(env("VSL_MAX_DURATION_S")),
            max_download_bytes=int(float(env("VSL_MAX_DOWNLOAD_MB")) * 1024**2),
            max_page_bytes=int(float(env("VSL_MAX_PAGE_MB")) * 1024**2),
        ),
        "transcriber": TranscriberResource(
            engine=_from_env("VSL_TRANSCRIBER", default_transcriber()),
            model=_from_env("VSL_WHISPER_MODEL"),
            language=_from_env("VSL_LANGUAGE"),
            openai_api_key=_from_env("OPENAI_API_KEY"),
            openai_base_url=_from_env("OPENAI_BASE_URL"),
            max_chunk_s=float(env("VSL_MAX_CHUNK_S")),
            concurrency=int(env("VSL_TRANSCRIBE_CONCURRENCY")),
            continuity=env_flag("VSL_TRANSCRIBE_CONTINUITY"),
            word_timestamps=env_flag("VSL_WORD_TIMESTAMPS"),
        ),
    }


def build_definitions() -> Definitions:
    """Definitions with resources read from the environment as it is now (tests change it)."""
    return Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[ingest_vsl],
        sensors=ALL_SENSORS,
        resources=build_resources(),
        executor=in_process_executor,
    )


defs = build_definitions()
