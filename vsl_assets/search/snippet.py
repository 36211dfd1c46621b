"""Locate the words a query matched inside a segment's original text.

Done in Python for both backends, from the same analysis the index uses (``text.py``), so the
snippet marks what matched (stems, prefixes, phrases) and is identical whichever backend found
the segment.  The result is offsets into plain text; ``Snippet.html()`` escapes before marking.
"""

from __future__ import annotations

from vsl_assets.search.model import Snippet
from vsl_assets.search.query import Clause, ParsedQuery
from vsl_assets.search.text import stem, word_spans

#: Longer segment texts are cut to a window around the first match.
MAX_SNIPPET_CHARS = 240
_CONTEXT_BEFORE = 60


def _matches(token_stem: str, token_word: str, wanted: str, prefix: bool, language: str | None) -> bool:
    if not prefix:
        return token_stem == stem(wanted, language)
    return token_word.startswith(wanted) or token_stem.startswith(stem(wanted, language))


def _clause_spans(
    clause: Clause, tokens: list[tuple[int, int, str, str]], language: str | None
) -> list[tuple[int, int]]:
    n = len(clause.words)
    spans: list[tuple[int, int]] = []
    for i in range(len(tokens) - n + 1):
        ok = all(
            _matches(tokens[i + j][3], tokens[i + j][2], w, clause.prefix and j == n - 1, language)
            for j, w in enumerate(clause.words)
        )
        if ok:
            spans.extend((tokens[i + j][0], tokens[i + j][1]) for j in range(n))
    return spans


def highlight(text: str, parsed: ParsedQuery, language: str | None) -> Snippet:
    """The segment text (windowed if long) with every matched word marked."""
    tokens = [(s, e, w, stem(w, language)) for s, e, w in word_spans(text)]
    spans = sorted({span for clause in parsed.clauses() for span in _clause_spans(clause, tokens, language)})
    return _window(text, spans)


def _window(text: str, spans: list[tuple[int, int]]) -> Snippet:
    if len(text) <= MAX_SNIPPET_CHARS:
        return Snippet(text, tuple(spans))
    first = spans[0][0] if spans else 0
    start = max(0, first - _CONTEXT_BEFORE)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + MAX_SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    head = "…" if start else ""
    tail = "…" if end < len(text) else ""
    shift = len(head) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return Snippet(head + text[start:end] + tail, kept)
