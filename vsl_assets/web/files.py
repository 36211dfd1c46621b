"""Serving stored files safely: only regular files, never through a symlink, only under the root.

A key in the URL must name a VSL in the database before any path is built from it (``KnownKey``);
then the file is opened with ``O_NOFOLLOW`` (a symlink as the file is refused), it must be a
regular file, and its directory must resolve inside the storage root (a symlinked directory below
the root is refused).  What remains is the window between this check and the response reopening
the same path, which only someone who can already write the storage root could use.

Media answers are ``Cache-Control: private`` with validators (ETag, Last-Modified): the browser
revalidates cheaply (304) and seeks with Range requests; no shared cache keeps them.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select

from vsl_assets.db.models import Url
from vsl_assets.web.context import WebContext
from vsl_assets.web.deps import Db

MEDIA_CACHE = "private, max-age=300"


def _key_in_db(key: str, session: Db) -> str:
    if session.scalar(select(Url.id).where(Url.partition_key == key)) is None:
        raise HTTPException(status_code=404, detail=f"no VSL with key {key!r}")
    return key


def confined_stat(root: Path, path: Path) -> os.stat_result | None:
    """The file's stat if it is a regular file reached without symlinks under ``root``; None if absent."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: the file itself is a symlink
        raise HTTPException(status_code=404, detail="not a stored file") from exc
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(st.st_mode):
        raise HTTPException(status_code=404, detail="not a stored file")
    # Symlinks above the root (a storage root on a linked volume) are the operator's; none below it.
    real_root = os.path.realpath(root)
    relative = os.path.relpath(os.path.abspath(path.parent), os.path.abspath(root))
    if relative.startswith(".."):
        raise HTTPException(status_code=404, detail="not a stored file")
    if os.path.realpath(path.parent) != os.path.normpath(os.path.join(real_root, relative)):
        raise HTTPException(status_code=404, detail="not a stored file")
    return st


def etag_of(st: os.stat_result) -> str:
    """The same validator Starlette's FileResponse sends, so a 304 here matches its 200s."""
    return f'"{hashlib.md5(f"{st.st_mtime}-{st.st_size}".encode(), usedforsecurity=False).hexdigest()}"'


def serve_file(
    request: Request, root: Path, path: Path, media_type: str, filename: str, cache: str = MEDIA_CACHE
) -> Response | None:
    """The stored file (Range answered with 206, If-None-Match with 304), or None when absent."""
    st = confined_stat(root, path)
    if st is None:
        return None
    etag = etag_of(st)
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache})
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        content_disposition_type="inline",
        stat_result=st,
        headers={"Cache-Control": cache},
    )


def missing(what: str, key: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"no {what} stored for {key!r} (yet)")


def serve_stored(
    request: Request,
    context: WebContext,
    path: Path,
    media_type: str,
    filename: str,
    what: str,
    key: str,
    cache: str = MEDIA_CACHE,
) -> Response:
    """The stored file: from disk (Starlette answers Range with 206), or, from the shared object
    store, a redirect to a short-lived presigned URL (the store answers Range itself, and the
    bytes never pass through this app).  One helper for the signed-in media routes and the
    share link's, so both serve the same way."""
    url = context.store.url(path, media_type=media_type, filename=filename)
    if url is not None:
        return RedirectResponse(url, status_code=307, headers={"Cache-Control": "private, no-store"})
    served = serve_file(request, context.layout.root, path, media_type, filename, cache)
    if served is None:
        raise missing(what, key)
    return served


KnownKey = Annotated[str, Depends(_key_in_db)]
