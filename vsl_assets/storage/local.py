"""The storage root: where each partition's files live, and how they are written.

Paths are built only from partition keys (validated here), so no URL or page content can pick a
path, and nothing can leave the storage root.  Files are written to a temp file in the same
directory, fsynced and renamed: a file at its final path is always complete.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

#: Prefix of in-progress files; anything with it is garbage from an interrupted write.
TEMP_PREFIX = ".tmp-"


def validate_key(key: str) -> str:
    """Refuse any partition key that could escape a directory or look like a hidden file."""
    if not _KEY_RE.match(key):
        raise ValueError(f"invalid partition key {key!r}")
    return key


@dataclass(frozen=True)
class StorageLayout:
    """The directory tree under the storage root (``VSL_STORAGE_DIR``)."""

    root: Path

    @property
    def videos(self) -> Path:
        return self.root / "videos"

    @property
    def audio(self) -> Path:
        return self.root / "audio"

    @property
    def transcripts(self) -> Path:
        return self.root / "transcripts"

    @property
    def breakdowns(self) -> Path:
        return self.root / "breakdowns"

    def video_path(self, key: str) -> Path:
        return self.videos / f"{validate_key(key)}.mp4"

    def audio_path(self, key: str, ext: str) -> Path:
        return self.audio / f"{validate_key(key)}.{ext}"

    def transcript_path(self, key: str, ext: str) -> Path:
        return self.transcripts / f"{validate_key(key)}.{ext}"

    def breakdown_path(self, key: str) -> Path:
        return self.breakdowns / f"{validate_key(key)}.json"

    @property
    def catalog(self) -> Path:
        return self.root / "catalog"

    def catalog_path(self, fmt: str) -> Path:
        """The catalog the ``vsl_catalog`` asset keeps current, one file per format."""
        return self.catalog / f"vsl_catalog.{fmt}"

    @property
    def posters(self) -> Path:
        """The web app's poster cache (this host's own files, never in the shared store)."""
        return self.root / "posters"

    def poster_path(self, key: str) -> Path:
        return self.posters / f"{validate_key(key)}.jpg"

    @property
    def web_secret(self) -> Path:
        """This host's signing key of the web app (when ``VSL_WEB_SECRET`` does not give one)."""
        return self.root / ".web-secret"

    def relative_name(self, path: Path) -> str:
        """``videos/<key>.mp4``: a file's name under the root, as the stores list it."""
        return path.relative_to(self.root).as_posix()

    def checkpoint_dir(self, key: str) -> Path:
        """Chunk results of a transcription in progress (kept until the transcript is stored)."""
        return self.transcripts / ".checkpoints" / validate_key(key)

    def files_of(self, key: str) -> list[Path]:
        """Every file stored for ``key`` (video, audio, transcripts, breakdown), whichever exist."""
        key = validate_key(key)
        candidates = [self.video_path(key), self.breakdown_path(key)]
        candidates += sorted(self.audio.glob(f"{key}.*")) + sorted(self.transcripts.glob(f"{key}.*"))
        return [p for p in candidates if p.is_file()]

    def ensure(self) -> None:
        for d in (self.videos, self.audio, self.transcripts, self.breakdowns):
            d.mkdir(parents=True, exist_ok=True)


def fsync_path(path: Path) -> None:
    """fsync a file or a directory (a rename is durable only once its directory is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temp path beside ``final``; on success fsync it and rename it into place.

    On any exception the temp file is removed and ``final`` is left untouched, so a crash
    or a failed ffmpeg never leaves a partial file that a later run could take as valid.
    A SIGKILL can leave a ``.tmp-*`` file behind; it is never read as output and
    :func:`remove_stale_temps` clears it.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{final.stem}-", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        fsync_path(final.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(final: Path, data: bytes) -> None:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(final: Path, text: str) -> None:
    atomic_write_bytes(final, text.encode("utf-8"))


def remove_stale_temps(directory: Path, key: str) -> int:
    """Delete leftovers of interrupted writes for one partition; returns how many went."""
    removed = 0
    if directory.is_dir():
        for p in directory.glob(f"{TEMP_PREFIX}{validate_key(key)}*"):
            p.unlink(missing_ok=True)
            removed += 1
    return removed


class LocalStore:
    """Where finished files are kept: the storage root alone (the default).

    The interface every step and the web app use, so that a shared store is a subclass
    (:class:`vsl_assets.storage.objectstore.S3Store`), not an ``if`` in each caller.  Here everything is
    local: a finished file is already "published", and a file is "fetched" if it is on disk.
    """

    def __init__(self, layout: StorageLayout) -> None:
        self.layout = layout

    def __repr__(self) -> str:
        return f"LocalStore({self.layout.root})"

    @property
    def shared(self) -> bool:
        """Whether other machines see what this one publishes (an object store)."""
        return type(self) is not LocalStore

    def location(self, path: Path) -> str:
        """Where the file is kept, for people (a path, or an ``s3://`` URL)."""
        return str(path)

    def exists(self, path: Path) -> bool:
        return path.is_file()

    def size(self, path: Path) -> int | None:
        return path.stat().st_size if path.is_file() else None

    def fetch(self, path: Path) -> bool:
        """Make ``path`` a current local copy if it is stored anywhere; returns whether it exists."""
        return path.is_file()

    def publish(self, *paths: Path) -> None:
        """Make finished local files visible to every machine (locally they already are)."""

    def names_of(self, key: str) -> list[str]:
        """Relative names (``videos/<key>.mp4``, …) of every file stored for ``key``."""
        return sorted(self.layout.relative_name(p) for p in self.layout.files_of(key))

    def remove(self, key: str) -> int:
        """Delete every file of ``key``; returns how many went."""
        files = self.layout.files_of(key)
        for path in files:
            path.unlink(missing_ok=True)
        return len(files)

    def url(self, path: Path, *, media_type: str | None = None, filename: str | None = None) -> str | None:
        """A URL a browser can fetch the file from directly; None: serve the local file."""
        return None
