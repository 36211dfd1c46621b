"""The search page's moments built in one pass are the markup the template's loop built: the
same links (key, second to a tenth), clocks past the hour, marks, escaping and whitespace."""

from __future__ import annotations

from jinja2 import Environment

from vsl_assets.search import Hit
from vsl_assets.search.model import Snippet
from vsl_assets.web.i18n import fmt_clock
from vsl_assets.web.search_html import search_hits

#: The loop as ``search.html`` had it before the one-pass helper.
LOOP = """<ul class="hits">
      {% for h in g.hits %}
        <li><a class="hit" href="/vsl/{{ g.vsl.key }}?t={{ h.start|round(1) }}" data-start="{{ h.start }}"><span class="time">{{ h.start|clock }}</span> <span class="snippet">{{ h.snippet.html()|safe }}</span></a></li>
      {% endfor %}
      </ul>"""

ONE_PASS = """<ul class="hits">
      {#- one pass #}
      {{ search_hits(g.vsl.key, g.hits) }}
      </ul>"""


def _hit(start: float, text: str, marks: tuple[tuple[int, int], ...]) -> Hit:
    return Hit(position=0, start=start, end=start + 4, text=text, snippet=Snippet(text, marks), score=1.0)


HITS = [
    _hit(0.0, "Garantia de 30 dias na oferta.", ((0, 8), (12, 19))),
    _hit(0.1 + 0.2, 'Olá, <b>mundo</b> & "amigos" d\'água', ((5, 17),)),
    _hit(3599.96, "passou da hora: {{ not a template }}", ()),
    _hit(3725.125, "…a janela cortada no meio…", ((3, 9),)),
]


class _Vsl:
    key = "a-example-ritual-3f9c0a1b2c3d"


class _Group:
    vsl = _Vsl()
    hits = HITS


def test_one_pass_matches_the_template_loop() -> None:
    env = Environment(autoescape=True)
    env.filters["clock"] = fmt_clock
    looped = env.from_string(LOOP).render(g=_Group())
    one_pass = env.from_string(ONE_PASS).render(g=_Group(), search_hits=search_hits)
    assert one_pass == looped
    # what the loop gave, spelled out: marks, escaping, the second to a tenth, clocks past the hour
    assert "<mark>Garantia</mark> de <mark>30 dias</mark>" in one_pass
    assert "Olá, <mark>&lt;b&gt;mundo&lt;/b&gt;</mark> &amp; &quot;amigos&quot; d&#x27;água" in one_pass
    assert 'href="/vsl/a-example-ritual-3f9c0a1b2c3d?t=0.3" data-start="0.30000000000000004"' in one_pass
    assert 'href="/vsl/a-example-ritual-3f9c0a1b2c3d?t=3600.0"' in one_pass and ">1:00:00<" in one_pass
    assert ">1:02:05<" in one_pass and "…a <mark>janela</mark> cortada" in one_pass
    assert "{{ not a template }}" in one_pass
    assert one_pass.count("<li>") == len(HITS)


def test_a_key_is_escaped_in_the_link() -> None:
    """Keys are validated slugs, but the helper does not rely on it."""
    html = search_hits('k"><script>', HITS[:1])
    assert 'href="/vsl/k&#34;&gt;&lt;script&gt;?t=0.0"' in html and "<script>" not in html
