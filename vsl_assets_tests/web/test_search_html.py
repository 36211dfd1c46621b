"""The search page's results and moments built in one pass are the markup the template's loops
built: the same links (key, the first tenth at or after the moment), clocks past the hour, marks, escaping and whitespace."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from vsl_assets.search import Hit, VslHits
from vsl_assets.search.model import Snippet, VslSummary
from vsl_assets.services.library import host_of
from vsl_assets.web.i18n import fmt_clock, seek_at, template_helpers
from vsl_assets.web.search_html import search_hits, search_results

#: The loop as ``search.html`` had it before the one-pass helper.
LOOP = """<ul class="hits">
      {% for h in g.hits %}
        <li><a class="hit" href="/vsl/{{ g.vsl.key }}?t={{ h.start|seek }}" data-start="{{ h.start }}"><span class="time">{{ h.start|clock }}</span> <span class="snippet">{{ h.snippet.html()|safe }}</span></a></li>
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
    env.filters["seek"] = seek_at
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


def test_a_hit_links_to_a_second_inside_its_moment() -> None:
    """A moment said from 10.62 s linked ``?t=10.6`` (rounded): the VSL page started 0.02 s early, in the
    sentence before, and highlighted that one instead of the words searched for."""
    html = search_hits("k", [_hit(10.62, "esta oferta é só hoje", ((5, 11),)), _hit(7.0, "dias", ())])
    assert 'href="/vsl/k?t=10.7" data-start="10.62"' in html
    assert 'href="/vsl/k?t=7.0" data-start="7.0"' in html  # a start on a tenth stays as it is
    assert [seek_at(s) for s in (0.1 + 0.2, 3599.96, 3725.125, 12.6)] == [0.3, 3600.0, 3725.2, 12.6]


def test_a_key_is_escaped_in_the_link() -> None:
    """Keys are validated slugs, but the helper does not rely on it."""
    html = search_hits('k"><script>', HITS[:1])
    assert 'href="/vsl/k&#34;&gt;&lt;script&gt;?t=0.0"' in html and "<script>" not in html


#: The results loop as ``search.html`` had it before the one-pass helper (with its moments' helper).
RESULTS_LOOP = """<ol class="results" id="results">
  {% for g in results %}
    <li class="result" data-key="{{ g.vsl.key }}">
      <h2 class="result-title"><a href="/vsl/{{ g.vsl.key }}">{{ g.vsl.title or host_of(g.vsl.url) }}</a></h2>
      <p class="result-meta">
        {% if g.vsl.language %}<span class="tag">{{ label("language", g.vsl.language) }}</span>{% endif %}
        {% if g.vsl.niche %}<span class="tag">{{ label("niche", g.vsl.niche) }}</span>{% endif %}
        {% if g.vsl.lead_type %}<span class="tag">{{ label("lead", g.vsl.lead_type) }}</span>{% endif %}
        {% if g.vsl.price is not none %}<span class="tag price">{{ money(g.vsl.price, g.vsl.currency) }}</span>{% endif %}
        {% if g.vsl.duration_s is not none %}<span class="tag">{{ g.vsl.duration_s|clock }}</span>{% endif %}
        {% if g.hit_count %}<small>{{ g.hit_count }} {{ _("moment") if g.hit_count == 1 else _("moments") }}</small>{% endif %}
      </p>
      {% if g.hits %}
      <ul class="hits">
      {#- one pass #}
      {{ search_hits(g.vsl.key, g.hits) }}
      </ul>
      {% endif %}
    </li>
  {% endfor %}
  </ol>"""

RESULTS_ONE_PASS = """<ol class="results" id="results">
  {{ search_results(results, label, money, (_("moment"), _("moments"))) }}{# one pass #}
  </ol>"""


def _vsl(key: str, **fields: object) -> VslSummary:
    base: dict[str, object] = {
        "key": key,
        "url": f"https://{key}.example.com/oferta",
        "title": None,
        "language": None,
        "niche": None,
        "lead_type": None,
        "player": None,
        "duration_s": None,
        "added_at": None,
        "awareness": None,
        "pitch_s": None,
        "price": None,
        "currency": None,
        "segment_count": 900,
    }
    return VslSummary(**{**base, **fields})  # type: ignore[arg-type]


RESULTS = [
    VslHits(
        _vsl(
            "a-1",
            title='Dieta <b>& "já"</b>',
            language="pt",
            niche="health/weight_loss",
            lead_type="story",
            price=197.0,
            currency="BRL",
            duration_s=3725.4,
        ),
        3.5,
        12,
        tuple(HITS),
    ),
    VslHits(_vsl("b-2", language="es", price=0.0, duration_s=0.0), 2.0, 1, tuple(HITS[:1])),  # no title: the host
    VslHits(_vsl("c-3", niche="unknown-niche", lead_type="not-a-lead", price=37.0), 1.0, 0, ()),  # no moments
]


@pytest.mark.parametrize("lang", ["pt-BR", "en", "es"])
def test_results_in_one_pass_match_the_template_loop(lang: str) -> None:
    """Every result's title (the host when none), tags (labels and money in the page's language,
    a zero price and a zero duration shown, an unknown code as itself), count and moments, with
    the same escaping and whitespace as the loop it replaced."""
    env = Environment(autoescape=True)
    env.filters["clock"] = fmt_clock
    helpers = template_helpers(lang)
    data = {**helpers, "results": RESULTS, "host_of": host_of, "search_hits": search_hits}
    looped = env.from_string(RESULTS_LOOP).render(data)
    one_pass = env.from_string(RESULTS_ONE_PASS).render({**data, "search_results": search_results})
    assert one_pass == looped
    assert 'data-key="a-1"' in one_pass and "Dieta &lt;b&gt;&amp; &#34;já&#34;&lt;/b&gt;" in one_pass
    assert '<a href="/vsl/b-2">b-2.example.com</a>' in one_pass
    assert one_pass.count('<ul class="hits">') == 2 and one_pass.count('<li class="result"') == 3
    assert f"<small>12 {helpers['_']('moments')}</small>" in one_pass
    assert f"<small>1 {helpers['_']('moment')}</small>" in one_pass  # one moment in the singular
    assert ">1:02:05<" in one_pass and ">0:00<" in one_pass
