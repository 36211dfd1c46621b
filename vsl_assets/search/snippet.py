"""Locate the words a query matched inside a segment's original text.

Done in Python for every backend, from the same analysis the index uses (``text.py``), so the
snippet marks what matched (stems, prefixes, phrases) and is identical whichever backend found
the segment.  The result is offsets into plain text; ``Snippet.html()`` escapes before marking.

Why it is written this way: a results page builds 60-100 snippets, and with the index top-k
first they were most of a search's time and all of its Python (the part that holds the GIL, so
what limits a web server's throughput).  The query's forms are analysed once per query and
language (``_forms``, cached), and a segment is split, folded and stemmed in a few C calls
(``findall``, one fold of the joined words, one ``stemWords``); word offsets are read only when
something matched.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from vsl_assets.search.model import Snippet
from vsl_assets.search.numbers import number_runs
from vsl_assets.search.query import ParsedQuery, clause_forms
from vsl_assets.search.text import WORD, WORD_OR_GROUPED, digits, fold_text, stem_all

#: Longer segment texts are cut to a window around the first match.
MAX_SNIPPET_CHARS = 240
_CONTEXT_BEFORE = 60
#: Where a number written with thousands separators could be (else the plain word pattern splits
#: the text alike, at half the cost).
_GROUPED = re.compile(r"\d[.,]\d{3}")
#: ``WORD`` and ``WORD_OR_GROUPED`` as a split that keeps the words: gap, word, gap, ..., gap.
_SPLIT = re.compile(f"({WORD.pattern})")
_SPLIT_GROUPED = re.compile(f"({WORD_OR_GROUPED.pattern})")


@dataclass(frozen=True)
class _Form:
    """One form of a clause (``query.clause_forms``) as the snippet compares it: the folded words
    with numbers as digits (``said``) and their stems (``wanted``)."""

    said: tuple[str, ...]
    wanted: tuple[str, ...]
    prefix: bool


#: ``_forms`` of the queries seen last, by the query object's identity (a dataclass's hash walks
#: the whole tree in Python on every call; one query's snippets all pass the same object).  Each
#: entry keeps its query, so an id is never reused while it is here.
_RECENT: dict[tuple[int, str | None], tuple[ParsedQuery, tuple[_Form, ...]]] = {}
_RECENT_MAX = 64


def _forms(parsed: ParsedQuery, language: str | None) -> tuple[_Form, ...]:
    """Every form of every clause of the query in one language, analysed once per query."""
    key = (id(parsed), language)
    kept = _RECENT.get(key)
    if kept is not None and kept[0] is parsed:
        return kept[1]
    forms = _analyse(parsed, language)
    if len(_RECENT) >= _RECENT_MAX:
        _RECENT.clear()
    _RECENT[key] = (parsed, forms)
    return forms


@lru_cache(maxsize=512)
def _analyse(parsed: ParsedQuery, language: str | None) -> tuple[_Form, ...]:
    out: list[_Form] = []
    for clause in parsed.clauses():
        for form in clause_forms(clause, language):
            said = digits(list(form.words), language)
            found = _Form(tuple(said), tuple(stem_all(said, language)), form.prefix)
            if found not in out:
                out.append(found)
    return tuple(out)


def _positions(form: _Form, words: list[str], stems: list[str]) -> list[int]:
    """Indices of the words (of ``words``/``stems``) that the form matched."""
    n = len(form.wanted)
    if n == 1 and form.prefix:
        said, wanted = form.said[0], form.wanted[0]
        return [
            i for i, (w, s) in enumerate(zip(words, stems, strict=True)) if w.startswith(said) or s.startswith(wanted)
        ]
    first = form.wanted[0]
    out: list[int] = []
    i = -1
    last = n - 1
    while True:
        try:
            i = stems.index(first, i + 1)  # in C: most segments have no match at all
        except ValueError:
            return out
        if n == 1:
            out.append(i)
            continue
        if i + n > len(stems):
            return out
        for j in range(1, n):
            if form.prefix and j == last:
                if not (words[i + j].startswith(form.said[j]) or stems[i + j].startswith(form.wanted[j])):
                    break
            elif stems[i + j] != form.wanted[j]:
                break
        else:
            out.extend(range(i, i + n))


def highlight(text: str, parsed: ParsedQuery, language: str | None) -> Snippet:
    """The segment text (windowed if long) with every matched word marked.

    Words are those of ``text.word_spans`` (a number written with thousands separators is one
    word), folded, with a number said in words as one word spanning them (``text.number_spans``),
    then stemmed: the same analysis as indexing, so what matched is what is marked.
    """
    forms = _forms(parsed, language)
    lowered = text.lower()
    # Lower-casing ASCII keeps every offset, so such text is split lowered; otherwise the
    # original text is split and its words folded (in one call over all of them).
    source = lowered if lowered.isascii() and len(lowered) == len(text) else text
    grouped = _GROUPED.search(source) is not None  # "1.000" is the one word "1000"
    # Split at the words, kept (a capturing group): the gaps and the words alternate, so the
    # words' offsets are the running sum of the parts' lengths, read only when something matched
    # (a second pass over the text for the matches' spans cost more than the split).
    parts = (_SPLIT_GROUPED if grouped else _SPLIT).split(source)
    raw = parts[1::2]
    if not raw:
        return _window(text, [])
    if grouped:
        raw = [w.replace(".", "").replace(",", "") for w in raw]
    folded = raw if source is lowered else fold_text("\n".join(raw)).split("\n")
    runs = number_runs(folded, language)
    # A number said in words becomes one word (its digits) spanning all of its words; which words a
    # matched word came from is worked out for the matches only (``_spans``): mapping every word cost
    # a tuple per word of each segment with a number in it (a number query's hits all have one).
    words = _numbers_as_digits(folded, runs)
    stems = stem_all(words, language)
    hit: set[int] = set()
    for form in forms:
        hit.update(_positions(form, words, stems))
    if not hit:
        return _window(text, [])
    # offsets[2k] is where word k starts, offsets[2k + 1] where it ends.
    offsets = list(accumulate(map(len, parts)))
    if not runs:
        marks = [(offsets[2 * k], offsets[2 * k + 1]) for k in sorted(hit)]
    else:
        marks = [(offsets[2 * first], offsets[2 * end - 1]) for first, end in _spans(sorted(hit), runs)]
    return _window(text, marks)


def highlight_many(texts: Sequence[str], parsed: ParsedQuery, language: str | None) -> list[Snippet]:
    """:func:`highlight` of each text (of one language: a page VSL's hits), the same snippets,
    with the analysis done once for all of them: one fold of every word not ASCII, one reading
    of numbers said in words and one stemmer call over all the texts' words (a line break, which
    is never a word, between two texts: no number, phrase or prefix matches across it), and each
    form's matches found over all of them (``list.index``, in C).  What stays per text is the
    split at its words and, for a text that matched, its marks' offsets.

    Why: a results page builds ~100 snippets, and text by text each paid a dozen calls into C
    and the Python around them (~14 us a text, ~19 with a number said in words, where the number
    reader ran once per text): the search page's largest cost after the HTML (issue 29)."""
    forms = _forms(parsed, language)
    split: list[tuple[list[str], int, int]] = []  # per text: its parts, first word, end (in ``folded``)
    folded: list[str] = []  # every text's folded words, a "\n" after each text's
    unfolded: list[tuple[int, int]] = []  # where in ``folded`` the words of texts not ASCII are
    pending: list[str] = []  # those words, to fold in one call
    for text in texts:
        lowered = text.lower()
        source = lowered if lowered.isascii() and len(lowered) == len(text) else text
        grouped = _GROUPED.search(source) is not None
        parts = (_SPLIT_GROUPED if grouped else _SPLIT).split(source)
        raw = parts[1::2]
        if grouped:
            raw = [w.replace(".", "").replace(",", "") for w in raw]
        first = len(folded)
        folded += raw
        if raw and source is not lowered:
            unfolded.append((first, len(folded)))
            pending += raw
        split.append((parts, first, len(folded)))
        folded.append("\n")
    if pending:
        done = fold_text("\n".join(pending)).split("\n")
        at = 0
        for start, end in unfolded:
            folded[start:end] = done[at : at + end - start]
            at += end - start
    # A run never crosses a text's end: the texts are parted by a line break.
    runs = number_runs(folded, language)
    words = _numbers_as_digits(folded, runs)
    stems = stem_all(words, language)
    hit: list[int] = []
    for form in forms:
        hit += _positions(form, words, stems)
    hit = sorted(set(hit))
    # A text's words are ``words[first - folded_before[j] : end - folded_before[j_end]]``, where
    # runs[j:j_end] are its runs and ``folded_before[j]`` the words the runs before it folded away.
    run_starts = [a for a, _b, _v in runs]
    folded_before = [0, *accumulate(b - a - 1 for a, b, _v in runs)]
    out: list[Snippet] = []
    h = 0
    for text, (parts, first, end) in zip(texts, split, strict=True):
        j = bisect_left(run_starts, first)
        j_end = bisect_left(run_starts, end, j)  # the text's runs are runs[j:j_end]
        base = first - folded_before[j]
        until = bisect_left(hit, end - folded_before[j_end], h)
        if until == h:
            out.append(_window(text, []))
            continue
        mine = [k - base for k in hit[h:until]]
        h = until
        offsets = list(accumulate(map(len, parts)))
        if j_end == j:
            marks = [(offsets[2 * k], offsets[2 * k + 1]) for k in mine]
        else:
            own = [(a - first, b - first, v) for a, b, v in runs[j:j_end]]
            marks = [(offsets[2 * a], offsets[2 * b - 1]) for a, b in _spans(mine, own)]
        out.append(_window(text, marks))
    return out


def _numbers_as_digits(folded: list[str], runs: list[tuple[int, int, int]]) -> list[str]:
    """``folded`` with each number said in words (a run of :func:`number_runs`) as one word: its digits."""
    if not runs:
        return folded
    words: list[str] = []
    at = 0
    for start, end, value in runs:
        words += folded[at:start]
        words.append(str(value))
        at = end
    words += folded[at:]
    return words


def _spans(hit: list[int], runs: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The words ``[first, end)`` of the text that each matched word (an index among the words
    with every number run as one word, ascending) stands for: a run's word its run's words, any
    other word itself, shifted by the words the runs before it folded away."""
    out: list[tuple[int, int]] = []
    r = shift = 0  # runs before the word, and how many words they folded away
    for k in hit:
        while r < len(runs) and runs[r][0] - shift < k:
            shift += runs[r][1] - runs[r][0] - 1
            r += 1
        if r < len(runs) and runs[r][0] - shift == k:
            out.append((runs[r][0], runs[r][1]))
        else:
            out.append((k + shift, k + shift + 1))
    return out


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
