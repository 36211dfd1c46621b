"""The VSL page's transcript items built in one pass are the markup the template's loop built:
the same attributes, escaping (text with ``<``, ``&``, quotes), clocks past the hour, doubted
segments with their translated title, and whitespace."""

from __future__ import annotations

from jinja2 import Environment

from vsl_assets.services import library
from vsl_assets.services.schemas import SegmentOut
from vsl_assets.web.i18n import fmt_clock
from vsl_assets.web.transcript_html import transcript_items

#: The loop as ``vsl.html`` had it before the one-pass helper.
LOOP = """
      {% for s in v.segments %}
      <li class="seg{% if s.low_confidence %} low{% endif %}" data-start="{{ s.start }}" data-end="{{ s.end }}" tabindex="0"{% if s.low_confidence %} title="{{ _('low confidence') }}"{% endif %}><span class="time">{{ s.start|clock }}</span> <span class="text">{{ s.text }}</span></li>
      {% endfor %}
"""

SEGMENTS = [
    SegmentOut(start=0.0, end=3.9, text='Olá, <b>mundo</b> & "amigos" d\'água'),
    SegmentOut(start=0.1 + 0.2, end=7.25, text="baixa confiança", low_confidence=True),
    SegmentOut(start=3599.5, end=3725.125, text="passou da hora: 1:00:00 {{ not a template }}"),
    SegmentOut(start=4000.0, end=4001.0, text=""),
]


def test_one_pass_matches_the_template_loop() -> None:
    env = Environment(autoescape=True)
    env.filters["clock"] = fmt_clock
    for label in ("low confidence", 'baixa "confiança" <&>'):
        looped = env.from_string(LOOP).render(v={"segments": SEGMENTS}, _=lambda _text, label=label: label)
        one_pass = "\n      " + transcript_items(SEGMENTS, label)  # Jinja drops the last newline
        assert one_pass == looped
        assert "&lt;b&gt;mundo&lt;/b&gt; &amp; &#34;amigos&#34; d&#39;água" in one_pass
        assert 'class="seg low" data-start="0.30000000000000004"' in one_pass and "1:00:00" in one_pass


def test_segments_doubted_only_by_their_signals() -> None:
    """No signal: never doubted; signals of doubt: doubted; a malformed word list: says nothing."""
    plain = {"start": 0.0, "end": 1.0, "text": "ok"}
    looping = {**plain, "compression_ratio": 3.1, "words": [{"start": 0.0, "end": 1.0, "word": "ok"}]}
    confident = {**plain, "avg_logprob": -0.1, "no_speech_prob": 0.01, "compression_ratio": 1.2}
    broken_words = {**looping, "words": [{"start": "zero", "end": 1.0, "word": "ok"}]}
    broken_signal = {**plain, "avg_logprob": "low"}
    assert [library._doubted(s) for s in (plain, looping, confident, broken_words, broken_signal)] == [
        False,
        True,
        False,
        False,
        False,
    ]
