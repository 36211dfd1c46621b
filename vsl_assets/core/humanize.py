"""Times and sizes as people read them in logs, reasons, metadata and previews."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` (rounded to the second)."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def human_bytes(n: int | float) -> str:
    """``812 B``, ``51.2 KB``, ``3.4 MB``, ``1.2 GB`` (decimal units, as file managers show them)."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def counted(n: int, one: str, many: str | None = None) -> str:
    """``1 hit``, ``2 hits``, ``0 hits``: a count with its noun in the right number (``many``:
    the plural when it is not ``one`` + "s", e.g. ``counted(n, "match", "matches")``)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
