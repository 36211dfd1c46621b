"""Poster frames for the library's cards: one JPEG per VSL, extracted with ffmpeg on first view.

Cached under ``<storage>/posters/<key>.jpg`` (written atomically, so a crash never leaves half an
image); a VSL without a stored video has no poster and the card shows its initials instead.
"""

from __future__ import annotations

import threading
from pathlib import Path

from vsl_assets.errors import VslError
from vsl_assets.media.ffmpeg import run_ffmpeg
from vsl_assets.storage import LocalStore, StorageLayout, atomic_path

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()
#: Far enough in to skip a black first frame, near enough to exist in a short clip.
POSTER_AT_S = 3.0


def poster_path(layout: StorageLayout, key: str) -> Path:
    return layout.poster_path(key)


def ensure_poster(
    layout: StorageLayout,
    key: str,
    duration_s: float | None = None,
    *,
    store: LocalStore | None = None,
    ffmpeg: str | None = None,
) -> Path | None:
    """The poster's path, extracting it first if needed; None when there is no video to take it from.

    From a shared object store, ffmpeg reads the video through a presigned URL: it seeks with
    Range requests, so only the bytes around the frame are fetched, not the whole video.
    """
    path = poster_path(layout, key)
    if path.is_file():
        return path
    video = layout.video_path(key)
    source = (store.url(video) if store is not None else None) or (str(video) if video.is_file() else None)
    if source is None:
        return None
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if path.is_file():
            return path
        at = min(POSTER_AT_S, max(0.0, (duration_s or POSTER_AT_S * 2) / 2))
        try:
            with atomic_path(path) as tmp:
                result = run_ffmpeg(
                    [
                        "-ss",
                        f"{at:.2f}",
                        "-i",
                        source,
                        "-frames:v",
                        "1",
                        "-vf",
                        "scale=480:-2",
                        "-f",
                        "mjpeg",
                        str(tmp),
                    ],
                    timeout_s=30,
                    ffmpeg=ffmpeg,
                )
                if result.returncode != 0 or tmp.stat().st_size == 0:
                    raise VslError(f"ffmpeg could not extract a poster frame: {result.tail(3)}")
        except VslError:
            return None
    return path
