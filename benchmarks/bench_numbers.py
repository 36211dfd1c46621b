"""What reading numbers said in words costs the index's text analysis, against the same analysis
without it, in one run (issue 27).

Run it from the repository root::

    .venv/bin/python benchmarks/bench_numbers.py [--vsls 12] [--repeats 5]

The analysis of a VSL's segments as the index makes it (``query.fts5_terms_of_texts``: fold, split,
numbers as digits, stem, tag) over 60-minute VSLs of 900 natural PT/EN/ES sentences
(``search_corpus``), best of ``--repeats``, with the number reading on and replaced by nothing
(the baseline), interleaved.  Also counts the segments that say a number in words.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vsls", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import search_corpus  # type: ignore[import-not-found]

    from vsl_assets.search import query
    from vsl_assets.search.numbers import number_runs
    from vsl_assets.search.text import words

    rng = random.Random(1)
    chains = search_corpus.chains()
    langs = ("pt", "en", "es")
    vsls = [(langs[i % 3], search_corpus.vsl_segments(rng, chains[langs[i % 3]], 900)) for i in range(args.vsls)]
    n = sum(len(t) for _, t in vsls)
    said = sum(1 for lang, texts in vsls for t in texts if number_runs(words(t), lang))
    real = (query.digits, query.number_words)
    best: dict[str, float] = {}
    for _ in range(args.repeats):
        for name in ("numbers read", "baseline (no number reading)"):
            if name.startswith("baseline"):
                query.digits, query.number_words = (lambda ws, _lang: ws), (lambda _lang: frozenset())  # type: ignore[assignment]
            else:
                query.digits, query.number_words = real
            start = time.perf_counter()
            for lang, texts in vsls:
                query.fts5_terms_of_texts(texts, lang)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
    query.digits, query.number_words = real
    print(f"{n:,} segments ({said:,} say a number in words), best of {args.repeats}:")
    for name, seconds in best.items():
        print(f"  {name:<30} {n / seconds:10,.0f} segments/s")
    ratio = best["baseline (no number reading)"] / best["numbers read"]
    print(f"  numbers read / baseline speed: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
