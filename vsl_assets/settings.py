"""Every environment variable the platform reads, with its offline-friendly default.

One table serves the ``vsl`` CLI (plain Python) and ``definitions.py`` (which feeds the same
names into ``ConfigurableResource`` fields through ``EnvVar``, so secret values never show in
the Dagster UI).  The README's configuration table mirrors :data:`ENV_DEFAULTS`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: name -> default ("" means unset / not applicable).
ENV_DEFAULTS: dict[str, str] = {
    "VSL_STORAGE_DIR": "storage",
    "VSL_DATABASE_URL": "",  # default: sqlite:///<VSL_STORAGE_DIR>/vsl.db
    "VSL_TRANSCRIBER": "",  # default: "openai" when OPENAI_API_KEY is set, else "local"
    "VSL_WHISPER_MODEL": "",  # default: "whisper-1" for openai, "base" for local
    "VSL_LANGUAGE": "auto",  # pt, en, es, ... or auto
    "VSL_FFMPEG": "",  # default: ffmpeg on PATH, else the imageio-ffmpeg binary
    "VSL_MAX_CHUNK_S": "0",  # longest transcription chunk; 0 = the engine's limits (25 MB; gpt-4o: ~5 min)
    "VSL_TRANSCRIBE_CONCURRENCY": "4",  # API chunk requests at once (when continuity is off)
    "VSL_TRANSCRIBE_CONTINUITY": "1",  # API: previous chunk's words as the next chunk's prompt
    "VSL_WORD_TIMESTAMPS": "0",  # local engine: keep word timestamps
    "VSL_AUDIO_FORMAT": "opus",  # opus or mp3
    "VSL_AUDIO_BITRATE": "32k",
    "VSL_DOWNLOAD_TIMEOUT_S": "30",  # read timeout (no bytes for this long = failure)
    "VSL_HLS_CONCURRENCY": "8",  # HLS fragments fetched at once
    "VSL_HLS_VARIANT": "best<=720",  # which variant of a master playlist
    "VSL_MAX_DURATION_S": "14400",  # longest video accepted (a playlist announcing more is refused)
    "VSL_MAX_DOWNLOAD_MB": "16384",  # largest download accepted (HLS total or direct file)
    "VSL_MAX_PAGE_MB": "5",  # sales page bytes read (the rest of a bigger page is ignored)
    "VSL_SENSOR_BATCH": "1000",  # pending URLs per sensor tick
    "VSL_SENSOR_INTERVAL_S": "15",
    "VSL_RECONCILE_INTERVAL_S": "30",  # how often run/URL statuses are reconciled
    "VSL_MAX_RETRIES": "2",  # Dagster retries of a step on transient errors
    "VSL_CRASH_RETRIES": "1",  # automatic re-runs of a URL whose worker process died (kill -9, OOM, power cut)
    "VSL_STEP_TIMEOUT_S": "14400",  # wall-clock cap of one step (download, extraction, transcription)
    "VSL_ALLOW_PRIVATE_NETWORKS": "0",  # 1 = also fetch private/loopback/link-local addresses (tests, intranets)
    "VSL_ALLOW_ADDRESSES": "",  # comma-separated IPs/CIDRs fetched although private (e.g. 10.0.0.0/24)
    "OPENAI_API_KEY": "",
    "OPENAI_BASE_URL": "",
}


def env(name: str) -> str:
    """The variable's value, or its documented default."""
    value = os.environ.get(name, "").strip()
    return value or ENV_DEFAULTS[name]


def default_database_url(storage_dir: str | Path) -> str:
    return f"sqlite:///{Path(storage_dir).resolve() / 'vsl.db'}"


def default_transcriber() -> str:
    return "openai" if env("OPENAI_API_KEY") else "local"


def default_model(engine: str) -> str:
    return "whisper-1" if engine == "openai" else "base"


def env_flag(name: str) -> bool:
    return env(name).lower() in ("1", "true", "yes", "on")


def normalise_language(value: str | None) -> str | None:
    """``auto``/empty means detect; anything else is passed to the engine as an ISO code."""
    if value is None:
        return None
    value = value.strip().lower()
    return None if value in ("", "auto") else value


@dataclass(frozen=True)
class Settings:
    """The configuration the CLI needs outside a Dagster run."""

    storage_dir: Path
    database_url: str
    sensor_batch: int

    @classmethod
    def from_env(cls) -> Settings:
        storage = Path(env("VSL_STORAGE_DIR")).resolve()
        return cls(
            storage_dir=storage,
            database_url=env("VSL_DATABASE_URL") or default_database_url(storage),
            sensor_batch=int(env("VSL_SENSOR_BATCH")),
        )
