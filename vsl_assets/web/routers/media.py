"""Files from storage: transcripts, the video and audio (with HTTP Range, so the player seeks
without downloading the whole file), poster frames and the breakdown as WebVTT chapters.

Paths are built only from validated partition keys of VSLs in the database (``StorageLayout``),
never from the request, and files are served without following symlinks (``files``).
With a shared object store the media routes redirect to presigned URLs of the same names.
"""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select

from vsl_assets.db.models import BeatRow, Url, Video
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
from vsl_assets.web.files import KnownKey, missing, serve_file, serve_stored
from vsl_assets.web.poster import ensure_poster

router = APIRouter(prefix="/api/vsls", tags=["media"])

_TRANSCRIPT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
}
#: The formats the transcript step writes (``writers.OUTPUT_EXTENSIONS``), as a path parameter.
TranscriptFormat = StrEnum("TranscriptFormat", [(ext, ext) for ext in OUTPUT_EXTENSIONS])  # type: ignore[misc]
assert set(_TRANSCRIPT_TYPES) == set(OUTPUT_EXTENSIONS), "a transcript format without its media type"
#: A poster is one frame of a stored video: kept a day in the browser's own cache.
POSTER_CACHE = "private, max-age=86400"
#: The route's key must name a VSL in the database (checked once the key is valid).
Known = KnownKey
_AUDIO_TYPES = {"ogg": "audio/ogg", "opus": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4"}


@router.get("/{key}/transcript.{fmt}", response_class=FileResponse)
def transcript(
    request: Request, key: Key, fmt: TranscriptFormat, context: Ctx, _user: ApiUser, _known: Known
) -> Response:
    path = context.layout.transcript_path(key, fmt)
    return serve_stored(request, context, path, _TRANSCRIPT_TYPES[fmt], f"{key}.{fmt}", "transcript", key)


@router.get("/{key}/video", response_class=FileResponse)
def video(request: Request, key: Key, context: Ctx, _user: ApiUser, _known: Known) -> Response:
    return serve_stored(request, context, context.layout.video_path(key), "video/mp4", f"{key}.mp4", "video", key)


@router.get("/{key}/audio", response_class=FileResponse)
def audio(request: Request, key: Key, context: Ctx, _user: ApiUser, _known: Known) -> Response:
    stored = set(context.store.names_of(key))
    for ext, media_type in _AUDIO_TYPES.items():
        path = context.layout.audio_path(key, ext)
        if context.layout.relative_name(path) in stored:
            return serve_stored(request, context, path, media_type, path.name, "audio", key)
    raise missing("audio", key)


@router.get("/{key}/poster.jpg", response_class=FileResponse)
def poster(request: Request, key: Key, context: Ctx, session: Db, _user: ApiUser, _known: Known) -> Response:
    duration = session.scalar(
        select(Video.duration_s).join(Url, Url.id == Video.url_id).where(Url.partition_key == key)
    )
    path = ensure_poster(context.layout, key, duration, store=context.store, ffmpeg=context.settings.ffmpeg)
    if path is None:
        raise missing("video (so no poster)", key)
    served = serve_file(request, context.layout.root, path, "image/jpeg", f"{key}.jpg", POSTER_CACHE)
    if served is None:
        raise missing("poster", key)
    return served


def _vtt_time(seconds: float) -> str:
    ms = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def chapters_vtt(beats: list[tuple[str, float, float, str]]) -> str:
    """One WebVTT cue per beat, titled ``beat: quote`` (no ``-->`` can appear in a cue's text)."""
    lines = ["WEBVTT", ""]
    for i, (beat, start, end, quote) in enumerate(beats, 1):
        title = f"{beat}: {' '.join(quote.split())[:120]}".replace("-->", "->")
        lines += [str(i), f"{_vtt_time(start)} --> {_vtt_time(max(end, start + 0.001))}", title, ""]
    return "\n".join(lines)


@router.get("/{key}/chapters.vtt")
def chapters(key: Key, session: Db, _user: ApiUser) -> Response:
    url_id = session.scalar(select(Url.id).where(Url.partition_key == key))
    if url_id is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    rows = session.execute(
        select(BeatRow.beat, BeatRow.start_s, BeatRow.end_s, BeatRow.quote)
        .where(BeatRow.url_id == url_id)
        .order_by(BeatRow.position)
    ).all()
    return Response(
        chapters_vtt([(r.beat, r.start_s, r.end_s, r.quote) for r in rows]), media_type="text/vtt; charset=utf-8"
    )
