"""The analysis of many VSLs for a bulk build (``vsl reindex``), on another core.

Why: a bulk build's time is mostly the Python analysis of each segment (fold, split, numbers,
stem: ``query.fts5_terms_of_texts``, ~25 us a segment), while the index writes (FTS5's C, or
tantivy's Rust thread) wait for it.  With a second core, a worker process analyses the next VSLs
while this process writes the previous ones.  The worker runs the same function on the same
texts, so the terms are the ones ``index_vsl`` computes; VSLs come back in order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor

from vsl_assets.search.model import VslDocument
from vsl_assets.search.query import fts5_terms_of_texts

#: Segments analysed in this process before a worker is started: a small build never pays a
#: process start (~0.3 s); a rebuild of thousands of VSLs does once.
PARALLEL_AFTER = 50_000
#: VSLs handed to the workers ahead of the writer (memory: a few 60-minute transcripts).
AHEAD = 8
#: Analysis worker processes at most.  One: on two cores one worker, the writes and tantivy's
#: indexing thread already fill the machine; two measured no faster (bench_search.py --n 1112
#: --build-only, 2026-12-07: 64,329 segments/s with two, 68,132 with one, 55,793 with none, on
#: tantivy, load falling from 6 to 1.5).  More may pay on more cores (not measured).
WORKERS = 1


def _terms(texts: list[str], language: str | None) -> list[str]:
    return fts5_terms_of_texts(texts, language)


def analysed(
    docs: Iterable[VslDocument], parallel_after: int | None = None
) -> Generator[tuple[VslDocument, list[str]], None, None]:
    """Each document with its segments' index terms, in order; after ``parallel_after`` segments
    (default :data:`PARALLEL_AFTER`) on a machine of two cores or more, analysed by up to
    :data:`WORKERS` worker processes ahead of the caller.  They are stopped when the generator is
    closed."""
    threshold = PARALLEL_AFTER if parallel_after is None else parallel_after
    pending = iter(docs)
    seen = 0
    if (os.cpu_count() or 1) < 2:
        threshold = -1
    while threshold < 0 or seen < threshold:
        doc = next(pending, None)
        if doc is None:
            return
        texts = [s.text for s in doc.segments]
        seen += len(texts)
        yield doc, fts5_terms_of_texts(texts, doc.language)
    # spawn, not fork: the caller may hold threads and connections a forked child must not copy.
    workers = min(WORKERS, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        queue: deque[tuple[VslDocument, Future[list[str]]]] = deque()
        try:
            while True:
                while len(queue) < AHEAD:
                    doc = next(pending, None)
                    if doc is None:
                        break
                    queue.append((doc, pool.submit(_terms, [s.text for s in doc.segments], doc.language)))
                if not queue:
                    return
                doc, terms = queue.popleft()
                yield doc, terms.result()
        finally:
            for _, future in queue:
                future.cancel()
