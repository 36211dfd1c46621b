"""Taking VSLs away (issue 27, item 8): a VSL as a swipe document, a board as a table, the library
view as CSV.  One route per export serves the pages' links (session cookie) and scripts (bearer
token) alike; the work is ``services.export``."""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from vsl_assets.services import boards, export
from vsl_assets.web.deps import ApiUser, Ctx, Db, Key
from vsl_assets.web.filters import ApiFilters
from vsl_assets.web.limits import DbId
from vsl_assets.web.vslview import vsl_or_404

router = APIRouter(tags=["exports"])

SwipeFormat = StrEnum("SwipeFormat", [(f, f) for f in export.SWIPE_FORMATS])  # type: ignore[misc]
TableFormat = StrEnum("TableFormat", [(f, f) for f in export.TABLE_FORMATS])  # type: ignore[misc]


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """A download: an ASCII ``filename`` and the UTF-8 one (RFC 6266); never cached by a proxy."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace('"', "'").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        data, media_type=media_type, headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    )


@router.get("/api/vsls/{key}/export.{fmt}", response_class=Response)
def vsl_document(key: Key, fmt: SwipeFormat, context: Ctx, session: Db, _user: ApiUser) -> Response:
    """The VSL as a swipe document: title, breakdown (unsure fields as unknown), beats, transcript
    under beat headings with timestamps; ``md``, ``docx`` or ``pdf``."""
    found = export.swipe_document(session, key, str(fmt), min_confidence=context.settings.breakdown_min_confidence)
    data, filename = vsl_or_404(found, key)
    return attachment(data, export.SWIPE_FORMATS[str(fmt)], filename)


@router.get("/api/boards/{board_id}/export.{fmt}", response_class=Response)
def board_table(board_id: DbId, fmt: TableFormat, context: Ctx, session: Db, user: ApiUser) -> Response:
    """The board's VSLs as ``csv`` or ``xlsx``: the library's columns, then the board's note and tags."""
    board = boards.board_for(session, board_id, user.user_id)  # a board one may not see: 404
    if board is None:
        raise HTTPException(status_code=404, detail=f"no board {board_id}")
    data, filename = export.board_table(
        session, board, str(fmt), min_confidence=context.settings.breakdown_min_confidence
    )
    return attachment(data, export.TABLE_FORMATS[str(fmt)], filename)


@router.get("/api/library/export.csv", response_class=Response)
def library_table(filters: ApiFilters, context: Ctx, session: Db, _user: ApiUser) -> Response:
    """The library as the view shows it (the same filters and sort as ``GET /api/vsls``), every page
    of it up to ``MAX_EXPORT_ROWS``, as CSV."""
    data, rows = export.library_table(session, filters, min_confidence=context.settings.breakdown_min_confidence)
    response = attachment(data, export.TABLE_FORMATS["csv"], "vsl-library.csv")
    response.headers["X-Rows"] = str(rows)
    return response
