"""The transcript diff (issue 28 item 4, "what changed"): two 60-minute versions of one VSL whose
scripts differ in known sentences, the second re-segmented as Whisper would cut it anew.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_diff.py                 # 900 segments, 30 changed sentences
    .venv/bin/python benchmarks/bench_diff.py --segments 200 --changes 12 --rounds 3

Data: ``search_corpus.py``'s word-bigram chain over the project's own scripts (natural spoken
vocabulary), one sentence per segment of the old version; the new version has ``--changes``
sentences changed (a third rewritten by 1-3 words, a third removed, a third added, never next to
one another) and is cut into segments of 5-25 words regardless of sentences, with new times.

What is measured, on the same pair, interleaved over ``--rounds`` rounds (median):

* **product**: ``vsl_assets.compare.diff_transcripts`` (normalise, sentence pass, word pass
  around the changes, rows with times and highlights);
* **baseline A**: plain ``difflib.SequenceMatcher`` on the joined text's words (whitespace split),
  ``get_opcodes()``: the naive word diff, which names no sentences and has no times;
* **baseline B**: ``difflib.unified_diff`` of the segments as lines: what a line diff of the two
  transcripts reports (re-segmentation alone makes almost every line "changed").

Accuracy: the product's changed rows are compared with the known changes (exactly those sentences,
of the right kind, and nothing else).  Target (issue 28): the diff of two 60-minute transcripts in
<= 1 s.  Reports; does not gate (exit 0).
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import search_corpus  # noqa: E402

from vsl_assets.compare import TimedText, diff_transcripts  # noqa: E402
from vsl_assets.compare.models import TranscriptDiff  # noqa: E402

_PUNCT = re.compile(r"[.!?…;:]")


@dataclass
class Pair:
    old: list[TimedText]
    new: list[TimedText]
    removed: set[str]
    added: set[str]
    rewritten: set[tuple[str, str]]


def _sentence(raw: str) -> str:
    text = " ".join(_PUNCT.sub("", raw).split()).rstrip(",")
    return text[0].upper() + text[1:] + "."


def make_pair(n_segments: int = 900, n_changes: int = 30, seed: int = 28, language: str = "pt") -> Pair:
    """Two versions of one VSL; the old one has one sentence per ~4 s segment."""
    rng = random.Random(seed)
    chain = search_corpus.chains()[language]
    sentences = [_sentence(s) for s in search_corpus.vsl_segments(rng, chain, n_segments)]
    vocabulary = sorted({w for s in sentences for w in _PUNCT.sub("", s).lower().split() if len(w) > 3})
    old = [TimedText(i * 4.0, i * 4.0 + 4.0, s) for i, s in enumerate(sentences)]
    # Changed places, at least three sentences apart.
    slots = sorted(rng.sample(range(2, n_segments - 2, 4), n_changes))
    kinds = ["rewritten", "removed", "added"] * (n_changes // 3 + 1)
    rng.shuffle(kinds)
    new_sentences: list[str] = []
    removed: set[str] = set()
    added: set[str] = set()
    rewritten: set[tuple[str, str]] = set()
    plan = dict(zip(slots, kinds, strict=False))
    for i, s in enumerate(sentences):
        kind = plan.get(i)
        if kind == "removed":
            removed.add(s)
            continue
        if kind == "rewritten":
            ws = s[:-1].split()
            for k in rng.sample(range(1, len(ws)), min(len(ws) - 1, rng.randint(1, 3))):
                ws[k] = rng.choice([v for v in vocabulary if v != ws[k].lower()])
            changed = " ".join(ws) + "."
            rewritten.add((s, changed))
            new_sentences.append(changed)
            continue
        new_sentences.append(s)
        if kind == "added":
            extra = _sentence(chain[0].segment(rng, rng.randint(8, 22)))
            added.add(extra)
            new_sentences.append(extra)
    # Re-segment: 5-25 words per segment regardless of sentence ends, ~0.27 s a word.
    words = " ".join(new_sentences).split()
    new: list[TimedText] = []
    at, t = 0, 0.0
    while at < len(words):
        size = rng.randint(5, 25)
        chunk = words[at : at + size]
        duration = 0.27 * len(chunk)
        new.append(TimedText(round(t, 2), round(t + duration, 2), " " + " ".join(chunk)))
        at, t = at + size, t + duration
    return Pair(old, new, removed, added, rewritten)


def found(diff: TranscriptDiff) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    removed = {r.old.text for r in diff.rows if r.kind == "removed" and r.old}
    added = {r.new.text for r in diff.rows if r.kind == "added" and r.new}
    rewritten = {(r.old.text, r.new.text) for r in diff.rows if r.kind == "rewritten" and r.old and r.new}
    return removed, added, rewritten


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=900)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    pair = make_pair(args.segments, args.changes)
    old_words = " ".join(s.text for s in pair.old).split()
    new_words = " ".join(s.text for s in pair.new).split()
    print(
        f"old: {len(pair.old)} segments, {len(old_words)} words, {pair.old[-1].end / 60:.1f} min; "
        f"new: {len(pair.new)} segments, {len(new_words)} words, {pair.new[-1].end / 60:.1f} min"
    )
    print(f"known changes: {len(pair.rewritten)} rewritten, {len(pair.removed)} removed, {len(pair.added)} added")
    times: dict[str, list[float]] = {
        "product": [],
        "baseline A (SequenceMatcher, words)": [],
        "baseline B (unified_diff, lines)": [],
    }
    diff = None
    line_changes = 0
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        diff = diff_transcripts(pair.old, pair.new)
        times["product"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        difflib.SequenceMatcher(None, old_words, new_words).get_opcodes()
        times["baseline A (SequenceMatcher, words)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        lines = list(difflib.unified_diff([s.text.strip() for s in pair.old], [s.text.strip() for s in pair.new], n=0))
        times["baseline B (unified_diff, lines)"].append(time.perf_counter() - t0)
        line_changes = sum(1 for x in lines if x[:1] in "+-" and not x.startswith(("+++", "---")))
    assert diff is not None
    print(f"\n{'what':40} {'median ms':>10} {'min ms':>8}")
    for name, values in times.items():
        print(f"{name:40} {statistics.median(values) * 1000:10.1f} {min(values) * 1000:8.1f}")
    product = statistics.median(times["product"])
    ratio = product / statistics.median(times["baseline A (SequenceMatcher, words)"])
    print(f"\nproduct / baseline A: {ratio:.2f}x")
    removed, added, rewritten = found(diff)
    exact = removed == pair.removed and added == pair.added and rewritten == pair.rewritten
    s = diff.summary
    print(
        f"product found: {s.rewritten} rewritten, {s.removed} removed, {s.added} added, {s.unchanged} unchanged rows; "
        f"exactly the known sentences: {'yes' if exact else 'NO'}"
    )
    print(f"baseline B reports {line_changes} changed lines for {args.changes} changed sentences (re-segmentation)")
    print(f"\ntarget: a 60-minute diff <= 1 s: {'PASS' if product <= 1.0 else 'FAIL'} ({product * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
