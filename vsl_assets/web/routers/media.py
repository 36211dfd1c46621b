"""Files from storage: transcripts, the video and audio (with HTTP Range, so the player seeks
without downloading the whole file), poster frames and the breakdown as WebVTT chapters.

Paths are built only from validated partition keys (``StorageLayout``), never from the request.
With a shared object store the media routes redirect to presigned URLs of the same names.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select

from vsl_assets.db.models import BeatRow, Url, Video
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS
from vsl_assets.web.context import WebContext
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
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
_AUDIO_TYPES = {"ogg": "audio/ogg", "opus": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4"}


def _missing(what: str, key: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {what} stored for {key!r} (yet)")


def _serve(context: WebContext, path: Path, media_type: str, filename: str, what: str, key: str) -> Response:
    """The stored file: from disk (Starlette answers Range with 206), or, from the shared object
    store, a redirect to a short-lived presigned URL (the store answers Range itself, and the
    bytes never pass through this app)."""
    url = context.store.url(path, media_type=media_type, filename=filename)
    if url is not None:
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "private, no-store"})
    if not path.is_file():
        raise _missing(what, key)
    return FileResponse(path, media_type=media_type, filename=filename, content_disposition_type="inline")


@router.get("/{key}/transcript.{fmt}", response_class=FileResponse)
def transcript(key: Key, fmt: TranscriptFormat, context: Ctx, _user: ApiUser) -> Response:
    path = context.layout.transcript_path(key, fmt)
    return _serve(context, path, _TRANSCRIPT_TYPES[fmt], f"{key}.{fmt}", "transcript", key)


@router.get("/{key}/video", response_class=FileResponse)
def video(key: Key, context: Ctx, _user: ApiUser) -> Response:
    return _serve(context, context.layout.video_path(key), "video/mp4", f"{key}.mp4", "video", key)


@router.get("/{key}/audio", response_class=FileResponse)
def audio(key: Key, context: Ctx, _user: ApiUser) -> Response:
    stored = set(context.store.names_of(key))
    for ext, media_type in _AUDIO_TYPES.items():
        path = context.layout.audio_path(key, ext)
        if f"audio/{path.name}" in stored:
            return _serve(context, path, media_type, path.name, "audio", key)
    raise _missing("audio", key)


@router.get("/{key}/poster.jpg", response_class=FileResponse)
def poster(key: Key, context: Ctx, session: Db, _user: ApiUser) -> FileResponse:
    duration = session.scalar(
        select(Video.duration_s).join(Url, Url.id == Video.url_id).where(Url.partition_key == key)
    )
    path = ensure_poster(context.layout, key, duration, store=context.store)
    if path is None:
        raise _missing("video (so no poster)", key)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


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
