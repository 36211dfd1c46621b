"""The search page's results and their moments (each result's hits), rendered in one pass.

A results page shows up to 100 moments (20 VSLs, 5 each); through the template's loop each cost
a link with two filter calls (``seek``, ``clock``), autoescaped attribute lookups and the
snippet's markup: a few milliseconds of every search page, in the Python that holds the GIL.
This builds the very same markup the loop built (the same attributes, escaping and whitespace;
``test_search_html`` compares the two) with one f-string per moment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from vsl_assets.search import Hit, VslHits
from vsl_assets.services.library import host_of
from vsl_assets.web.i18n import fmt_clock, seek_at

#: What the template's loop put around each item (its indentation in ``search.html``).
_BEFORE = "\n        "
_AFTER = "\n      "


def search_hits(key: str, hits: Sequence[Hit]) -> Markup:
    """The ``<li>`` of every moment of one VSL: a link to its second (``?t=``: the first tenth at or
    after its start, :func:`~vsl_assets.web.i18n.seek_at`, so it opens inside the moment), the
    clock and the snippet with the matched words marked (``Snippet.html`` escapes the text)."""
    href = f"/vsl/{escape(key)}?t="
    # Numbers and clocks hold no character to escape (str(float), "h:mm:ss"): only the key.
    return Markup(
        "".join(
            f'{_BEFORE}<li><a class="hit" href="{href}{seek_at(h.start)}" data-start="{h.start}">'
            f'<span class="time">{fmt_clock(h.start)}</span> <span class="snippet">{h.snippet.html()}</span></a></li>'
            f"{_AFTER}"
            for h in hits
        )
    )


def search_results(
    groups: Sequence[VslHits],
    label: Callable[[str, str], str],
    money: Callable[[float, str | None], str],
    moments: tuple[str, str],
) -> Markup:
    """Every result of a page (the ``<li class="result">`` of each VSL with its tags and its
    moments), the markup ``search.html``'s loop built, in one pass: 20 results through the loop
    cost ~200 autoescaped lookups and ~100 helper calls per page.  ``label`` and ``money`` are the
    page's (in its language), ``moments`` the translated "moment" and "moments" (for one and for
    more: "1 moment", "12 moments"); every text is escaped as the template escaped it
    (``test_search_html`` compares the two)."""
    out = []
    for g in groups:
        v = g.vsl
        key = escape(v.key)
        tags = (
            f'<span class="tag">{escape(label("language", v.language))}</span>' if v.language else "",
            f'<span class="tag">{escape(label("niche", v.niche))}</span>' if v.niche else "",
            f'<span class="tag">{escape(label("lead", v.lead_type))}</span>' if v.lead_type else "",
            f'<span class="tag price">{escape(money(v.price, v.currency))}</span>' if v.price is not None else "",
            f'<span class="tag">{escape(fmt_clock(v.duration_s))}</span>' if v.duration_s is not None else "",
            f"<small>{escape(g.hit_count)} {escape(moments[g.hit_count != 1])}</small>" if g.hit_count else "",
        )
        hits = f'\n      <ul class="hits">\n      {search_hits(v.key, g.hits)}\n      </ul>\n      ' if g.hits else ""
        out.append(
            f'\n    <li class="result" data-key="{key}">'
            f'\n      <h2 class="result-title"><a href="/vsl/{key}">{escape(v.title or host_of(v.url))}</a></h2>'
            f'\n      <p class="result-meta">\n        ' + "\n        ".join(tags) + "\n      </p>"
            f"\n      {hits}\n    </li>\n  "
        )
    return Markup("".join(out))
