"""Times as people read them in logs, reasons and previews."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` (rounded to the second)."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
