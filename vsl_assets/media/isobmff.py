"""The one reader of ISO BMFF (MP4) box headers, for every walk over an MP4's boxes.

A box starts with a 32-bit size and a 4-byte type.  A size of 1 means a 64-bit size follows the
type (a 16-byte header); a size of 0 means the box runs to the end of what holds it (for a
top-level box, the end of the file).  What "the end" is depends on the caller: the sample-table
walk knows its parent's end (:func:`box_in`); a reader of a file's first bytes does not, and
reads a 0 as "nothing after this box" (:func:`box_header`, ``media.download.index_first``).
"""

from __future__ import annotations

import struct
from typing import NamedTuple

#: The size field's value for "this box runs to the end of its container".
TO_THE_END = 0


class BoxHeader(NamedTuple):
    kind: bytes
    #: The header's length: 8, or 16 with a 64-bit size.
    header: int
    #: The size the header declares, header included: :data:`TO_THE_END` for a box that runs to
    #: the end of its container; a value under ``header`` is a broken box.
    size: int


def box_header(data: bytes, at: int) -> BoxHeader | None:
    """The header of the box that starts at ``data[at:]`` as declared; None when ``data`` ends
    before the header does (8 bytes, or 16 with a 64-bit size)."""
    if at + 8 > len(data):
        return None
    size, kind = struct.unpack_from(">I4s", data, at)
    if size != 1:
        return BoxHeader(kind, 8, size)
    if at + 16 > len(data):
        return None
    (large,) = struct.unpack_from(">Q", data, at + 8)
    return BoxHeader(kind, 16, large)


def box_in(data: bytes, at: int, room: int) -> tuple[bytes, int, int] | None:
    """(type, header length, size) of the box at ``data[at:]`` with ``room`` bytes from there to
    the end of its parent (a box :data:`TO_THE_END` takes all of them); None when the header is
    cut off, does not fit in ``room``, or declares a size shorter than itself."""
    box = box_header(data, at)
    if box is None or box.header > room:
        return None
    size = room if box.size == TO_THE_END else box.size
    return None if size < box.header else (box.kind, box.header, size)
