"""The VSL page's transcript list, rendered in one pass.

A 60-minute VSL has 900 segments; through the template's loop each cost four autoescaped
expressions, a filter call and attribute lookups, most of the page's render time
(``benchmarks/bench_pages.py``, vsl 900 segments).  This builds the very same markup the loop
built (the same attributes, escaping and whitespace; ``test_transcript_html`` compares the two) with
one f-string per segment.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from vsl_assets.services.schemas import SegmentOut
from vsl_assets.web.i18n import fmt_clock

#: What the template's loop put around each item (its indentation in ``vsl.html``).
_INDENT = "\n      "


def transcript_items(segments: Sequence[SegmentOut], low_label: str) -> Markup:
    """The ``<li>`` of every segment: click-to-seek times, the clock, the text; a doubted segment
    marked ``low`` with ``low_label`` (translated by the caller) as its title."""
    low_title = f' title="{escape(low_label)}"'
    parts = []
    for s in segments:
        low = s.low_confidence
        parts.append(
            # Numbers and clocks hold no character to escape (str(float), "h:mm:ss"): only the text.
            f'{_INDENT}<li class="seg{" low" if low else ""}" data-start="{s.start}" '
            f'data-end="{s.end}" tabindex="0"{low_title if low else ""}>'
            f'<span class="time">{fmt_clock(s.start)}</span> <span class="text">{escape(s.text)}</span></li>'
            f"{_INDENT}"
        )
    return Markup("".join(parts))
