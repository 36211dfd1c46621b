"""The search page's moments (each result's hits), rendered in one pass.

A results page shows up to 100 moments (20 VSLs, 5 each); through the template's loop each cost
a link with two filter calls (``round``, ``clock``), autoescaped attribute lookups and the
snippet's markup: a few milliseconds of every search page, in the Python that holds the GIL.
This builds the very same markup the loop built (the same attributes, escaping and whitespace;
``test_search_html`` compares the two) with one f-string per moment.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from vsl_assets.search import Hit
from vsl_assets.web.i18n import fmt_clock

#: What the template's loop put around each item (its indentation in ``search.html``).
_BEFORE = "\n        "
_AFTER = "\n      "


def search_hits(key: str, hits: Sequence[Hit]) -> Markup:
    """The ``<li>`` of every moment of one VSL: a link to its second (``?t=`` to a tenth), the
    clock and the snippet with the matched words marked (``Snippet.html`` escapes the text)."""
    href = f"/vsl/{escape(key)}?t="
    # Numbers and clocks hold no character to escape (str(float), "h:mm:ss"): only the key.
    return Markup(
        "".join(
            f'{_BEFORE}<li><a class="hit" href="{href}{round(h.start, 1)}" data-start="{h.start}">'
            f'<span class="time">{fmt_clock(h.start)}</span> <span class="snippet">{h.snippet.html()}</span></a></li>'
            f"{_AFTER}"
            for h in hits
        )
    )
