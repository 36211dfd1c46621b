"""A board's read-only share link: the one part of the Swipe that opens without a login.

``/s/{token}`` shows the board's VSLs with their breakdowns; ``/s/{token}/v/{key}`` one of them
with its video, beats and transcript; ``/s/{token}/v/{key}/video|poster.jpg|transcript.txt``
their files.  Every answer looks the token up again (a revoke or expiry ends it at the next
request) and a key must be on that very board: the token is the only credential, and it opens
exactly the VSLs of its board, never another VSL, another board or anything that changes.

Every answer under ``/s/`` (errors included) is ``Referrer-Policy: no-referrer`` (the token is in
the URL), ``X-Robots-Tag: noindex``, ``Cache-Control: private, no-store`` with the app's other
security headers (``errors.SecurityHeadersMiddleware``), and the routes are rate-limited per
client address.  There are no forms here, so nothing a CSRF could abuse.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.models import Url, Video
from vsl_assets.db.web_models import Board
from vsl_assets.services import boards, library
from vsl_assets.web.deps import Ctx, Db
from vsl_assets.web.errors import NO_STORE
from vsl_assets.web.files import serve_file, serve_stored
from vsl_assets.web.poster import ensure_poster
from vsl_assets.web.render import render

router = APIRouter(prefix="/s", include_in_schema=False)

ShareToken = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
ShareKey = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]


#: A share link's token in a logged path (uvicorn's access log prints every path).
_TOKEN_IN_PATH = re.compile(r"/s/[A-Za-z0-9_-]+")
REDACTED = "/s/[share-token]"


class RedactShareTokens(logging.Filter):
    """Keeps share tokens out of the logs: a token is a credential, and an access log line
    ``GET /s/<token>`` would hand it to whoever reads the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_PATH.sub(REDACTED, a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = _TOKEN_IN_PATH.sub(REDACTED, record.msg)
        return True


def redact_share_tokens_in_logs() -> None:
    """Install the filter on uvicorn's access logger (once per process; each worker builds the app)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactShareTokens) for f in access.filters):
        access.addFilter(RedactShareTokens())


class RateLimit:
    """At most ``limit`` answers per ``window_s`` per client address, in this process.

    Kept in memory on purpose: a share link is read by strangers, and a database write per
    request would be the cost an abuser imposes.  With N worker processes the bound is N times.
    """

    def __init__(self, limit: int = 240, window_s: float = 60.0, max_clients: int = 10_000) -> None:
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) >= self.max_clients and client not in self._seen:
                cutoff = now - self.window_s
                for old in [c for c, q in self._seen.items() if not q or q[-1] < cutoff]:
                    del self._seen[old]
            hits = self._seen.setdefault(client, deque())
            while hits and hits[0] < now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def _limiter(request: Request) -> RateLimit:
    limiter: RateLimit | None = getattr(request.app.state, "share_limit", None)
    if limiter is None:
        limiter = request.app.state.share_limit = RateLimit()
    return limiter


def _page(request: Request, name: str, status_code: int = 200, **data: object) -> Response:
    return render(request, name, None, status_code=status_code, shared=True, **data)


def _gone(request: Request, why: str | None) -> Response:
    """Revoked or expired: 410 and a page that says so; unknown: 404 and a page that says only that."""
    return _page(request, "share_gone.html", 410 if why else 404, why=why or "unknown")


def _open(request: Request, session: Session, token: str) -> Board | Response:
    """The board the token opens, or the answer to give instead (rate limit, unknown, gone)."""
    client = request.client.host if request.client else "?"
    if not _limiter(request).allow(client):
        return Response("too many requests: try again in a minute", status_code=429, headers={"Retry-After": "60"})
    found = boards.open_share(session, token)
    if found is None or found.board is None:
        return _gone(request, found.gone if found else None)
    return found.board


def _on_board(request: Request, session: Session, token: str, key: str) -> Board | Response:
    board = _open(request, session, token)
    if isinstance(board, Response):
        return board
    if not boards.on_board(session, board, key):
        return Response("not on this board", status_code=404, media_type="text/plain")
    return board


@router.get("/{token}", response_class=HTMLResponse)
def shared_board(
    request: Request,
    token: ShareToken,
    session: Db,
    context: Ctx,
    limit: Annotated[int, Query(ge=1, le=boards.MAX_PAGE_CARDS)] = boards.PAGE_CARDS,
) -> Response:
    board = _open(request, session, token)
    if isinstance(board, Response):
        return board
    t = context.settings.breakdown_min_confidence
    out = boards.board_out(session, board, min_confidence=t, limit=limit)
    return _page(request, "share_board.html", board=out, token=token, max_cards=boards.MAX_PAGE_CARDS)


@router.get("/{token}/v/{key}", response_class=HTMLResponse)
def shared_vsl(request: Request, token: ShareToken, key: ShareKey, session: Db, context: Ctx) -> Response:
    board = _on_board(request, session, token, key)
    if isinstance(board, Response):
        return board
    found = library.detail(session, key, min_confidence=context.settings.breakdown_min_confidence)
    if found is None:
        return Response("not on this board", status_code=404, media_type="text/plain")
    files = library.stored_files(context.store, context.layout, key)
    return _page(
        request,
        "share_vsl.html",
        v=found,
        board_name=board.name,
        token=token,
        has_video=files.video,
        has_text="txt" in files.transcripts,
    )


@router.get("/{token}/v/{key}/video")
def shared_video(request: Request, token: ShareToken, key: ShareKey, session: Db, context: Ctx) -> Response:
    board = _on_board(request, session, token, key)
    if isinstance(board, Response):
        return board
    path = context.layout.video_path(key)
    return serve_stored(request, context, path, "video/mp4", f"{key}.mp4", "video", key, NO_STORE)


@router.get("/{token}/v/{key}/poster.jpg")
def shared_poster(request: Request, token: ShareToken, key: ShareKey, session: Db, context: Ctx) -> Response:
    board = _on_board(request, session, token, key)
    if isinstance(board, Response):
        return board
    duration = session.scalar(
        select(Video.duration_s).join(Url, Url.id == Video.url_id).where(Url.partition_key == key)
    )
    path = ensure_poster(context.layout, key, duration, store=context.store, ffmpeg=context.settings.ffmpeg)
    served = serve_file(request, context.layout.root, path, "image/jpeg", f"{key}.jpg", NO_STORE) if path else None
    if served is None:
        return Response("no poster", status_code=404, media_type="text/plain")
    return served


@router.get("/{token}/v/{key}/transcript.txt")
def shared_transcript(request: Request, token: ShareToken, key: ShareKey, session: Db, context: Ctx) -> Response:
    board = _on_board(request, session, token, key)
    if isinstance(board, Response):
        return board
    path = context.layout.transcript_path(key, "txt")
    return serve_stored(request, context, path, "text/plain; charset=utf-8", f"{key}.txt", "transcript", key, NO_STORE)
