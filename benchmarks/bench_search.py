"""Search speed: the embedded backend against the floor (a bare SQLite FTS5 table, ``bm25()`` …
``LIMIT 20``) and the peer (tantivy alone), on the same rows and queries, in one run.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_search.py                 # 120 x 60-minute VSLs (108,000 segments)
    .venv/bin/python benchmarks/bench_search.py --n 1112        # the issue's 1,000,000 segments
    .venv/bin/python benchmarks/bench_search.py --pg-local      # also PostgreSQL (throwaway server, as the tests)
    .venv/bin/python benchmarks/bench_search.py --baseline-ref main  # also main's product (own process and index)

Data (``search_corpus.py``): 60-minute transcripts (900 segments of 8-22 words), a third each PT,
EN and ES, walked from word bigrams of the project's own scripts, so phrases and word frequencies
are those of spoken sales copy; every VSL has breakdown fields for the filters.

What runs, on the same segments:

* **product**: ``SqliteSearch`` as shipped (stemmed, accent-folded, language-tagged terms; results
  grouped per VSL with its best 3 hits, snippets, exact totals);
* **before**: the same index queried the way the product did before issue 29 (every match ranked
  and grouped, then the page), for the before/after figures;
* **raw FTS5** (the floor): ``fts5(text, tokenize='unicode61 remove_diacritics 2')`` over the
  original texts, ``SELECT rowid, bm25(raw) … ORDER BY bm25(raw) LIMIT 20`` (no stemming, no
  grouping, no snippets: what the product's work costs on top of SQLite's);
* **main REV** (``--baseline-ref REV``): the product of another revision, in a worktree and its own
  process with its own index of the same corpus (built first, alone), asked query by query inside
  the same rounds (it reports the time it took there, so the pipe is not counted); with
  ``--baseline-engine tantivy``, that revision's tantivy backend (one commit per VSL, as
  product-tantivy), which the ratios then compare with product-tantivy;
* **tantivy** (the peer), if installed: one field per language with Snowball stemming and ASCII
  folding, top 20 by BM25 (no grouping either);
* **product-tantivy**: ``TantivySearch`` as shipped (``VSL_SEARCH_BACKEND=tantivy``): the same
  results as the product (grouping, best 3 hits, snippets, exact totals, filters from its side
  table), indexed one VSL per commit under its single-writer lock, as the pipeline does (its
  latency is measured on that index); its bulk build (``index_many``, what ``vsl reindex`` does)
  is timed into a fresh directory.

Queries: word, two words, phrase, prefix, word + filters, inside one VSL, filters only; latency is
measured in ``--rounds`` rounds, each system in turn per query (order shuffled), and every verdict
comes from all rounds together: the ratio's 95% bootstrap interval (queries resampled) must lie
wholly under the target to PASS, wholly over it to FAIL, else it is UNDECIDED.

Throughput: ``--clients`` threads (default 1 and 8) calling ``search()`` on the mixed queries for
``--seconds`` each, before and after, interleaved; the web page's search route is this call plus
rendering (bench_web measures the page).

Build: each system one VSL per transaction, interleaved per VSL; then the product's bulk builds
(``index_many``, what ``vsl reindex`` does, on FTS5 and on tantivy) into fresh files.

Targets (issue 29): product p95 <= 1.5x raw FTS5 and <= 25 ms at 1,000,000 segments (or the
tantivy backend's p95 <= 3x tantivy alone's); index build >= 30,000 segments/s; throughput at 8
clients >= 3x before.  Reports; does not gate (exit 0).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: The code measured: this checkout, or (in the ``--worker`` that ``--baseline-ref`` starts) the
#: baseline's worktree.  Corpus and queries always come from this file.
CODE = Path(os.environ.get("BENCH_SEARCH_CODE", str(REPO))).resolve()
sys.path.insert(0, str(CODE))
sys.path.insert(0, str(REPO / "benchmarks"))

import record  # noqa: E402  (imported at the start: it notes the load average before the run)
import search_corpus  # noqa: E402

from vsl_assets.search import SearchQuery, SearchResults, Segment, VslDocument, open_search  # noqa: E402
from vsl_assets.search.backend import page_bounds  # noqa: E402
from vsl_assets.search.filters import vsl_filter  # noqa: E402
from vsl_assets.search.query import parse, query_languages, to_fts5  # noqa: E402
from vsl_assets.search.sqlite import POSITION_BITS, SqliteSearch, _encode_time, segment_id  # noqa: E402

NICHES = ["health/weight loss", "health/diabetes", "health/joints", "finance/side income", "education/languages"]
LEADS = ["story", "secret", "problem", "proof", "offer"]
AWARENESS = ["unaware", "problem_aware", "solution_aware", "product_aware", "most_aware"]
PLAYERS = ["vturb", "wistia", "youtube", "vimeo", "hls"]
LANGS = ("pt", "en", "es")


def make_corpus(n_vsls: int, segments_per_vsl: int, seed: int = 7) -> list[VslDocument]:
    rng = random.Random(seed)
    chains = search_corpus.chains()
    start = datetime(2025, 1, 1, tzinfo=UTC)
    docs = []
    for i in range(n_vsls):
        lang = LANGS[i % 3]
        texts = search_corpus.vsl_segments(rng, chains[lang], segments_per_vsl)
        step = 3600.0 / segments_per_vsl
        segs = [Segment(round(step * j, 2), round(step * (j + 1), 2), t) for j, t in enumerate(texts)]
        docs.append(
            VslDocument(
                key=f"{lang}-{i:06d}",
                url=f"https://vsl.example/{i}",
                title=f"VSL {i}",
                language=lang,
                player=rng.choice(PLAYERS),
                duration_s=3600.0,
                added_at=start + timedelta(minutes=rng.randint(0, 525_600)),
                niche=rng.choice(NICHES),
                lead_type=rng.choice(LEADS),
                awareness=rng.choice(AWARENESS),
                pitch_s=round(rng.uniform(1200, 3000), 1),
                price=float(rng.choice([37, 47, 97, 147, 197, 297])),
                currency=rng.choice(["USD", "BRL", "EUR"]),
                segments=segs,
            )
        )
    return docs


def make_queries(docs: list[VslDocument], per_kind: int, seed: int = 11) -> dict[str, list[SearchQuery]]:
    """Words and phrases taken from the corpus's own segments, as people search what was said."""
    rng = random.Random(seed)

    def said() -> list[str]:
        return rng.choice(rng.choice(docs).segments).text.rstrip(".?!").split()

    def word(min_len: int = 4) -> str:
        while True:
            ws = [w.strip(",.;:?!¿¡") for w in said() if len(w.strip(",.;:?!¿¡")) >= min_len]
            if ws:
                return rng.choice(ws)

    def phrase() -> str:
        ws = [w.strip(",.;:?!¿¡") for w in said()]
        at = rng.randrange(len(ws) - 2)
        return '"' + " ".join(ws[at : at + rng.choice((2, 3))]) + '"'

    def filters() -> dict[str, Any]:
        choice = rng.randrange(4)
        if choice == 0:
            return {"language": rng.choice(LANGS)}
        if choice == 1:
            return {"niche": rng.choice(NICHES).split("/")[0]}
        if choice == 2:
            return {"awareness": rng.choice(AWARENESS), "lead_type": rng.choice(LEADS)}
        return {"price_max": 100.0, "currency": "USD"}

    return {
        "word": [SearchQuery(text=word()) for _ in range(per_kind)],
        "two words": [SearchQuery(text=f"{word()} {word()}") for _ in range(per_kind)],
        "phrase": [SearchQuery(text=phrase()) for _ in range(per_kind)],
        "prefix": [SearchQuery(text=word(7)[:5] + "*") for _ in range(per_kind)],
        "word+filters": [SearchQuery(text=word(), **filters()) for _ in range(per_kind)],
        "inside one VSL": [SearchQuery(text=word(), key=rng.choice(docs).key) for _ in range(per_kind)],
        "filters only": [SearchQuery(text="", **filters()) for _ in range(per_kind)],
    }


# -- the floor: a bare FTS5 table over the original texts ------------------------------------------


class RawFts5:
    """``bm25()`` … ``LIMIT 20`` over the same segments (same rowids), filters via the same VSL table."""

    name = "raw FTS5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute(
            "CREATE VIRTUAL TABLE raw USING fts5(text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )

    def index(self, vsl_id: int, doc: VslDocument) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(
            "INSERT INTO raw (rowid, text) VALUES (?, ?)",
            ((segment_id(vsl_id, i), s.text) for i, s in enumerate(doc.segments)),
        )
        self.conn.execute("COMMIT")

    def copy_vsls(self, product: Path) -> None:
        """The product's VSL table, for filters (same columns, so the same ``vsl_filter`` SQL)."""
        self.conn.execute("ATTACH DATABASE ? AS p", (str(product),))
        self.conn.execute("CREATE TABLE vsls AS SELECT * FROM p.vsls")
        self.conn.execute("DETACH DATABASE p")

    def search(self, query: SearchQuery) -> Any:
        parsed = parse(query.text)
        where, params = vsl_filter(query, _encode_time)
        if parsed.empty:
            return self.conn.execute(
                f"SELECT * FROM vsls v WHERE {where} ORDER BY added_at DESC LIMIT 20", params
            ).fetchall()
        clauses = []
        for group in parsed.groups:
            parts = ['"' + " ".join(c.words) + '"' + (" *" if c.prefix else "") for c in group]
            clauses.append(" OR ".join(parts))
        conds = ""
        if query.key is not None:
            conds = f" AND (rowid >> {POSITION_BITS}) = (SELECT id FROM vsls WHERE key = :k)"
            params["k"] = query.key
        elif params:
            conds = f" AND (rowid >> {POSITION_BITS}) IN (SELECT v.id FROM vsls v WHERE {where})"
        return self.conn.execute(
            f"SELECT rowid, bm25(raw) FROM raw WHERE raw MATCH :m{conds} ORDER BY bm25(raw) LIMIT 20",
            params | {"m": " AND ".join(f"({c})" for c in clauses)},
        ).fetchall()


# -- the peer: tantivy alone -----------------------------------------------------------------------


class Tantivy:
    """One index, a stemmed+folded text field per language, u64 VSL id for filters; top 20 by BM25."""

    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.t = tantivy
        builder = tantivy.SchemaBuilder()
        for lang in LANGS:
            builder.add_text_field(f"text_{lang}", stored=False, tokenizer_name=f"vsl_{lang}")
        builder.add_unsigned_field("vsl", indexed=True, fast=True)
        builder.add_unsigned_field("sid", stored=True)
        self.schema = builder.build()
        path.mkdir()
        self.index_ = tantivy.Index(self.schema, path=str(path))
        for lang, stemmer in {"pt": "portuguese", "en": "english", "es": "spanish"}.items():
            analyzer = (
                tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.lowercase())
                .filter(tantivy.Filter.ascii_fold())
                .filter(tantivy.Filter.stemmer(stemmer))
                .build()
            )
            self.index_.register_tokenizer(f"vsl_{lang}", analyzer)
        self.writer = self.index_.writer(heap_size=256_000_000, num_threads=1)
        self.vsl_ids: dict[str, int] = {}
        self.vsls: list[VslDocument] = []

    def index(self, vsl_id: int, doc: VslDocument) -> None:
        field = f"text_{doc.language}"
        self.vsl_ids[doc.key] = vsl_id
        self.vsls.append(doc)
        for i, s in enumerate(doc.segments):
            d = self.t.Document()
            d.add_text(field, s.text)
            d.add_unsigned("vsl", vsl_id)
            d.add_unsigned("sid", segment_id(vsl_id, i))
            self.writer.add_document(d)

    def commit(self) -> None:
        self.writer.commit()
        self.writer.wait_merging_threads()
        self.index_.reload()
        self.searcher = self.index_.searcher()

    def _allowed(self, query: SearchQuery) -> list[int] | None:
        if query.key is not None:
            return [self.vsl_ids[query.key]]
        if not query.has_filters():
            return None
        keep = []
        for d in self.vsls:  # the filter over 1,000 VSL rows, as the product's VSL table does
            ok = (
                (query.language is None or d.language == query.language)
                and (query.niche is None or (d.niche or "").startswith(query.niche))
                and (query.awareness is None or d.awareness == query.awareness)
                and (query.lead_type is None or d.lead_type == query.lead_type)
                and (query.price_max is None or (d.price or 0) <= query.price_max)
                and (query.currency is None or d.currency == query.currency)
            )
            if ok:
                keep.append(self.vsl_ids[d.key])
        return keep

    def search(self, query: SearchQuery) -> Any:
        t = self.t
        parsed = parse(query.text)
        allowed = self._allowed(query)
        if parsed.empty:
            return allowed[:20] if allowed else []
        must = []
        for group in parsed.groups:
            should = []
            for c in group:
                for lang in LANGS:
                    fname = f"text_{lang}"
                    if c.prefix:
                        q = self.index_.parse_query(" ".join(c.words) + "*", [fname])
                    elif len(c.words) > 1:
                        q = self.index_.parse_query('"' + " ".join(c.words) + '"', [fname])
                    else:
                        q = self.index_.parse_query(c.words[0], [fname])
                    should.append((t.Occur.Should, q))
            must.append((t.Occur.Must, t.Query.boolean_query(should)))
        if allowed is not None:
            must.append((t.Occur.Must, t.Query.term_set_query(self.schema, "vsl", allowed)))
        return self.searcher.search(t.Query.boolean_query(must), 20, count=False).hits


# -- before: the product's query as it was (every match ranked and grouped first) ------------------


class Before(SqliteSearch):
    """The pre-issue-29 ``_match`` over the same index file, for before/after in one run."""

    def _match(self, conn: sqlite3.Connection, query: SearchQuery, parsed: Any) -> SearchResults:
        match = to_fts5(parsed, query_languages(query.language))
        where, params = vsl_filter(query, _encode_time)
        params |= {"match": match}
        rowid_range = ""
        if query.key is not None:
            row = conn.execute("SELECT id FROM vsls WHERE key = ?", (query.key,)).fetchone()
            if row is None:
                return SearchResults(query, 0, 0, (), parsed.notes)
            rowid_range = "AND rowid BETWEEN :lo AND :hi"
            lo = segment_id(row["id"], 0)
            params |= {"lo": lo, "hi": lo + (1 << POSITION_BITS) - 1}
        limit, offset = page_bounds(query)
        matches = (
            "m AS MATERIALIZED (SELECT rowid AS sid, rowid >> 20 AS vsl_id, bm25(segments_fts) AS rank "
            f"FROM segments_fts WHERE segments_fts MATCH :match {rowid_range}), "
            "g AS (SELECT vsl_id, min(rank) AS best, count(*) AS n FROM m GROUP BY vsl_id), "
            f"f AS (SELECT g.best, g.n, v.* FROM g JOIN vsls v ON v.id = g.vsl_id WHERE {where})"
        )
        rows = conn.execute(
            f"WITH {matches}, "
            "page AS (SELECT f.*, count(*) OVER () AS total_vsls, sum(f.n) OVER () AS total_hits FROM f "
            "         ORDER BY f.best, f.key LIMIT :limit OFFSET :offset), "
            "ranked AS (SELECT m.*, row_number() OVER (PARTITION BY m.vsl_id ORDER BY m.rank, m.sid) AS rn "
            "           FROM m WHERE m.vsl_id IN (SELECT id FROM page)) "
            "SELECT page.*, s.id AS h_id, s.start_s AS h_start, s.end_s AS h_end, s.text AS h_text, r.rank AS h_rank "
            "FROM page JOIN ranked r ON r.vsl_id = page.id AND r.rn <= :k JOIN segments s ON s.id = r.sid "
            "ORDER BY page.best, page.key, r.rn",
            params | {"limit": limit, "offset": offset, "k": query.hits_per_vsl},
        ).fetchall()
        from vsl_assets.search.snippet import highlight

        for r in rows:  # the snippets the old path built for each shown hit
            highlight(r["h_text"], parsed, r["language"])
        total = int(rows[0]["total_vsls"]) if rows else 0
        return SearchResults(query, total, int(rows[0]["total_hits"]) if rows else 0, (), parsed.notes)


def pg_topk_class() -> type:
    """The top-k discipline of the embedded backend tried on PostgreSQL (a count pass without
    ranking, then ``ORDER BY score LIMIT n``), measured against the shipped single pass on the
    same tables; not adopted (see benchmarks/README.md: slower there, both passes read the heap)."""
    from sqlalchemy import text

    from vsl_assets.search.backend import summary_from_row
    from vsl_assets.search.model import Hit, VslHits
    from vsl_assets.search.postgres import _RANK_NORMALISATION, CONFIGS, PostgresSearch, _decode_time, _same
    from vsl_assets.search.query import to_tsquery_text
    from vsl_assets.search.snippet import highlight

    class PgTopK(PostgresSearch):
        def _match(self, conn: Any, query: SearchQuery, parsed: Any) -> SearchResults:
            """Top-k first, as the embedded backend: exact counts per VSL from a pass that does not
            rank (the GIN index and each row's VSL id, no ``ts_rank_cd``), then the best n matches
            (``ORDER BY score LIMIT n``: PostgreSQL's top-n heapsort, nothing materialised), more only
            when those hold too few VSLs (leaving out the VSLs found), then only the page's VSLs,
            hits and texts are read."""
            where, params = vsl_filter(query, _same)
            configs = [CONFIGS.get(lang, "simple") for lang in query_languages(query.language)]
            params["tq"] = to_tsquery_text(parsed)
            # One arm per configuration, each with a constant tsquery, so the GIN index serves every arm.
            arms = " OR ".join(
                f"(s.cfg = '{c}'::regconfig AND s.tsv @@ to_tsquery('{c}'::regconfig, search_unaccent(:tq)))"
                for c in configs
            )
            rank_query = "CASE s.cfg " + " ".join(
                f"WHEN '{c}'::regconfig THEN to_tsquery('{c}'::regconfig, search_unaccent(:tq))" for c in configs
            )
            rank = f"ts_rank_cd(s.tsv, {rank_query} END, {_RANK_NORMALISATION})"
            source = f"FROM search_segments s JOIN search_vsls v ON v.id = s.vsl_id WHERE ({arms}) AND {where}"
            per_vsl: dict[int, int] = {
                int(v): int(n) for v, n in conn.execute(text(f"SELECT s.vsl_id, count(*) {source} GROUP BY 1"), params)
            }
            total_vsls, total_hits = len(per_vsl), sum(per_vsl.values())
            limit, offset = page_bounds(query)
            wanted = min(offset + limit, total_vsls)
            if offset >= wanted:
                return SearchResults(query, total_vsls, total_hits, (), parsed.notes)
            k = query.hits_per_vsl
            n = max(256, 4 * wanted * k)
            order: list[int] = []
            best: dict[int, list[tuple[int, int, float]]] = {}
            while True:
                found = " AND s.vsl_id <> ALL(:found)" if order else ""
                rows = conn.execute(
                    text(
                        f"SELECT s.id, s.vsl_id, s.position, {rank} AS score {source}{found} ORDER BY score DESC, s.id LIMIT :n"
                    ),
                    params | {"n": n, "found": list(order)},
                ).all()
                for sid, vsl_id, position, score in rows:
                    hits = best.get(vsl_id)
                    if hits is None:
                        order.append(vsl_id)
                        best[vsl_id] = [(sid, position, score)]
                    elif len(hits) < k:
                        hits.append((sid, position, score))
                if len(order) >= wanted or len(rows) < n:
                    break
            page_ids = order[offset:wanted]
            missing = [v for v in page_ids if len(best[v]) < min(k, per_vsl[v])]
            if missing:
                # Their other hits rank below the n read: ranked again over these VSLs' matches only.
                for v in missing:
                    best[v] = []
                for sid, vsl_id, position, score in conn.execute(
                    text(
                        f"SELECT id, vsl_id, position, score FROM (SELECT s.id, s.vsl_id, s.position, {rank} AS score, "
                        f"row_number() OVER (PARTITION BY s.vsl_id ORDER BY {rank} DESC, s.id) AS rn "
                        f"{source} AND s.vsl_id = ANY(:missing)) r WHERE rn <= :k ORDER BY score DESC, id"
                    ),
                    params | {"missing": missing, "k": k},
                ):
                    best[vsl_id].append((sid, position, score))
            vsls = {
                r["id"]: r
                for r in conn.execute(
                    text("SELECT * FROM search_vsls WHERE id = ANY(:ids)"), {"ids": page_ids}
                ).mappings()
            }
            sids = [h[0] for v in page_ids for h in best[v]]
            texts = {
                r["id"]: r
                for r in conn.execute(
                    text("SELECT id, start_s, end_s, text FROM search_segments WHERE id = ANY(:ids)"), {"ids": sids}
                ).mappings()
            }
            groups = tuple(self._page_group(vsls[v], per_vsl[v], best[v], texts, parsed) for v in page_ids)
            return SearchResults(query, total_vsls, total_hits, groups, parsed.notes)

        @staticmethod
        def _page_group(
            vsl: Any, hit_count: int, best: list[tuple[int, int, float]], texts: dict[int, Any], parsed: Any
        ) -> VslHits:
            return VslHits(
                vsl=summary_from_row(vsl, _decode_time),
                score=float(best[0][2]),
                hit_count=hit_count,
                hits=tuple(
                    Hit(
                        position=position,
                        start=texts[sid]["start_s"],
                        end=texts[sid]["end_s"],
                        text=texts[sid]["text"],
                        snippet=highlight(texts[sid]["text"], parsed, vsl["language"]),
                        score=float(score),
                    )
                    for sid, position, score in best
                ),
            )

    return PgTopK


# -- the baseline revision, in its own process ----------------------------------------------------


def cmd_worker(args: argparse.Namespace) -> None:
    """Child process (``BENCH_SEARCH_CODE`` = the baseline's worktree): index the same corpus with
    that revision's product, then answer on stdin/stdout: ``q I`` runs query I and replies its
    time (measured here, so the pipe is not counted), ``t CLIENTS SECONDS`` measures throughput."""
    import vsl_assets

    docs = make_corpus(args.n, args.segments)
    pool = [q for qs in make_queries(docs, args.per_kind).values() for q in qs]
    with tempfile.TemporaryDirectory(prefix="bench-search-base-") as tmp:
        product = open_search(f"sqlite:///{tmp}/vsl.db", engine=args.baseline_engine)
        product.ensure_schema()
        t = time.perf_counter()
        for d in docs:
            product.index_vsl(d)
        build = time.perf_counter() - t
        hello = {"code": str(Path(vsl_assets.__file__).parent), "build_s": build, "size": product.size_bytes()}
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            cmd, *rest = line.split()
            if cmd == "q":
                q = pool[int(rest[0])]
                t = time.perf_counter()
                product.search(q)
                print(time.perf_counter() - t, flush=True)
            elif cmd == "t":
                line_out, rate = throughput(product.search, pool, int(rest[0]), float(rest[1]))
                print(json.dumps([line_out, rate]), flush=True)
            else:
                break
        product.close()


class Baseline:
    """The product of another git revision (a worktree, its own process and index file), asked
    query by query from the parent's rounds, so it is interleaved with the other systems."""

    def __init__(self, rev: str, args: argparse.Namespace, base: Path, pool: list[SearchQuery]) -> None:
        def git(*a: str) -> str:
            return subprocess.run(
                ["git", "-C", str(REPO), *a], check=True, capture_output=True, text=True
            ).stdout.strip()

        self.rev = git("rev-parse", "--short", rev)
        self.engine = args.baseline_engine
        self.name = f"main {self.rev}" + (" tantivy" if self.engine == "tantivy" else "")
        self.git = git
        self.tree = base / "baseline-tree"
        git("worktree", "add", "--detach", str(self.tree), self.rev)
        self.index = {id(q): i for i, q in enumerate(pool)}
        env = {**os.environ, "BENCH_SEARCH_CODE": str(self.tree), "PYTHONPATH": str(self.tree)}
        command = [sys.executable, __file__, "--worker", "--n", str(args.n), "--segments", str(args.segments)]
        command += ["--baseline-engine", args.baseline_engine]
        self.proc = subprocess.Popen(
            [*command, "--per-kind", str(args.per_kind)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def ready(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        hello: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return hello

    def _ask(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline()

    def search(self, query: SearchQuery) -> float:
        return float(self._ask(f"q {self.index[id(query)]}"))

    def throughput(self, clients: int, seconds: float) -> tuple[str, float]:
        line, rate = json.loads(self._ask(f"t {clients} {seconds}"))
        return str(line), float(rate)

    def close(self) -> None:
        if self.proc.poll() is None:
            self._ask("x")
            self.proc.wait(60)
        self.git("worktree", "remove", "--force", str(self.tree))


# -- measuring -------------------------------------------------------------------------------------


def fsync_ms(folder: Path, n: int = 40) -> tuple[float, float]:
    """Median and p90 of ``fdatasync`` after a 4 KB write in ``folder`` (ms): what the disk makes of
    the ~14 syncs of each tantivy commit (its 6 files, ``.managed.json`` once per new file,
    ``meta.json``, the directory: strace of ``index_vsl``), so a per-VSL build figure can be read
    against the disk it ran on (the same commits took 18 ms a VSL on tmpfs, 117 on disk, at load 4-5)."""
    path = folder / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    took = []
    try:
        for _ in range(n):
            os.write(fd, b"x" * 4096)
            t = time.perf_counter()
            os.fdatasync(fd)
            took.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(took), pct(took, 90)


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] * 1000


def ratio_interval(a: list[float], b: list[float], p: float, rng: random.Random) -> tuple[float, float, float]:
    """p-th percentile of a over that of b, with a 95% bootstrap interval (paired by query)."""
    point = pct(a, p) / pct(b, p)
    n = len(a)
    boots = []
    for _ in range(400):
        idx = [rng.randrange(n) for _ in range(n)]
        boots.append(pct([a[i] for i in idx], p) / pct([b[i] for i in idx], p))
    boots.sort()
    INTERVALS.append((a, b, (point, boots[10], boots[389])))
    return point, boots[10], boots[389]


#: Every interval ``ratio_interval`` printed, so the record quotes the same one (a bootstrap drawn
#: again would differ).
INTERVALS: list[tuple[list[float], list[float], tuple[float, float, float]]] = []


def report_ratio(
    mixed: dict[str, list[float]], a: str, b: str, rng: random.Random, target: float | None = None
) -> None:
    """One line: system ``a``'s mixed p95 over ``b``'s, its interval, and the verdict against ``target``."""
    point, lo, hi = ratio_interval(mixed[a], mixed[b], 95, rng)
    line = f"  {a} p95 / {b} p95 = {point:.2f}x (95% interval {lo:.2f}-{hi:.2f})"
    print(line + (f"; target <= {target:g}x: {verdict(lo, hi, target)}" if target is not None else ""))


def report_p95(mixed: dict[str, list[float]], name: str, rng: random.Random, target_ms: float = 25.0) -> None:
    """One line: the system's mixed p95 with its interval (against a constant) and the verdict."""
    samples = mixed[name]
    _, lo, hi = ratio_interval(samples, [target_ms / 1000] * len(samples), 95, rng)
    lo, hi = lo * target_ms, hi * target_ms
    print(
        f"  {name} p95 = {pct(samples, 95):.1f} ms (95% interval {lo:.1f}-{hi:.1f}); "
        f"target <= {target_ms:g} ms: {verdict(lo, hi, target_ms)}"
    )


def verdict(lo: float, hi: float, target: float) -> str:
    if hi <= target:
        return "PASS"
    if lo > target:
        return "FAIL"
    return "UNDECIDED (interval straddles the target)"


@dataclass
class System:
    name: str
    search: Callable[[SearchQuery], Any]
    text_only: bool = False  # answers no "filters only" query
    remote: bool = False  # ``search`` returns the seconds it took in its own process


def latency(
    systems: list[System], queries: dict[str, list[SearchQuery]], rounds: int
) -> dict[str, dict[str, list[float]]]:
    """samples[system][kind], each query's time per round, systems in shuffled order per query."""
    rng = random.Random(3)
    out: dict[str, dict[str, list[float]]] = {s.name: {k: [] for k in queries} for s in systems}
    for s in systems:  # warm: first touch of pages and caches, not measured
        for q in queries["word"][:3]:
            s.search(q)
    for r in range(rounds):
        for kind, qs in queries.items():
            for q in qs:
                order = systems[:]
                rng.shuffle(order)
                for s in order:
                    t = time.perf_counter()
                    took = s.search(q)
                    elapsed = time.perf_counter() - t
                    # A system in another process reports the time it took there (the pipe excluded).
                    out[s.name][kind].append(took if s.remote else elapsed)
        print(f"  round {r + 1}/{rounds} done", flush=True)
    return out


def throughput(
    search: Callable[[SearchQuery], Any], queries: list[SearchQuery], clients: int, seconds: float
) -> tuple[str, float]:
    done: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine = []
        while time.perf_counter() < stop:
            q = rng.choice(queries)
            t = time.perf_counter()
            search(q)
            mine.append(time.perf_counter() - t)
        with lock:
            done.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return f"{len(done) / wall:7.1f} req/s  p95 {pct(done, 95):7.1f} ms", len(done) / wall


@contextmanager
def local_postgres(base: Path) -> Iterator[str]:
    from vsl_assets_tests.servers import PostgresServer

    with PostgresServer(base) as server:
        yield server.create_database("bench_search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=120, help="60-minute VSLs (default 120; 1112 = 1,000,800 segments)")
    parser.add_argument("--segments", type=int, default=900, help="segments per VSL (default 900 = 4 s each)")
    parser.add_argument("--per-kind", type=int, default=30, help="queries per kind (7 kinds)")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds, systems interleaved")
    parser.add_argument("--clients", default="1,8", help="throughput client threads")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per throughput measurement")
    parser.add_argument("--pg-local", action="store_true", help="also PostgreSQL on a throwaway server")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--pg-only", action="store_true", help="only PostgreSQL (with --pg-local)")
    parser.add_argument(
        "--baseline-ref",
        default=None,
        help="also the product of this git revision (a worktree, its own process and index), e.g. main",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="only the bulk builds (vsl reindex: FTS5 and tantivy) next to raw FTS5 and tantivy alone, then exit",
    )
    parser.add_argument(
        "--baseline-engine",
        default="sqlite",
        choices=("sqlite", "auto", "tantivy"),
        help="the baseline revision's search backend (sqlite: its FTS5 backend, compared with product (FTS5); "
        "tantivy: one commit per VSL, as product-tantivy; auto: what that revision picks, FTS5 before the "
        "tantivy default)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        cmd_worker(args)
        return

    t = time.perf_counter()
    docs = make_corpus(args.n, args.segments)
    queries = make_queries(docs, args.per_kind)
    n_segments = sum(len(d.segments) for d in docs)
    print(
        f"corpus: {args.n:,} VSLs x {args.segments} segments = {n_segments:,} segments "
        f"({time.perf_counter() - t:.1f} s to generate); {sum(map(len, queries.values()))} queries x {args.rounds} rounds"
    )
    print(f"e.g. {docs[0].segments[3].text!r} / {docs[1].segments[3].text!r} / {docs[2].segments[3].text!r}")
    print(f"load average at start: {' / '.join(f'{x:.1f}' for x in os.getloadavg())} (1 / 5 / 15 min)")
    atexit.register(lambda: print(f"load average at the end: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}"))

    if args.build_only:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            bench_bulk_builds(Path(tmp), docs)
        return
    if args.pg_only:
        with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
            bench_postgres(Path(tmp), docs, queries, args.rounds)
        return
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        base = Path(tmp)
        baseline = None
        if args.baseline_ref:
            # Started first: it builds its own index of the same corpus while this process builds.
            baseline = Baseline(args.baseline_ref, args, base, [q for qs in queries.values() for q in qs])
            atexit.register(baseline.close)  # the worktree goes even if a step below fails
            hello = baseline.ready()  # its index built alone, so the builds below do not share the CPU with it
        product = open_search(f"sqlite:///{base}/vsl.db", engine="sqlite")  # "product (FTS5)"; auto is tantivy now
        assert isinstance(product, SqliteSearch)
        product.ensure_schema()
        raw = RawFts5(base / "raw.db")
        tv = None
        if not args.no_tantivy:
            try:
                tv = Tantivy(base / "tantivy")
            except ImportError:
                print("tantivy is not installed: the peer is left out (pip install tantivy)")
        ptv = None
        if tv is not None:
            ptv = open_search(f"sqlite:///{base}/vsl.db", engine="tantivy")
            ptv.ensure_schema()
        builds: dict[str, float] = {"product": 0.0, "raw FTS5": 0.0, "tantivy": 0.0, "product-tantivy": 0.0}
        for i, d in enumerate(docs):  # interleaved per VSL, so load from others hits all alike
            t = time.perf_counter()
            product.index_vsl(d)
            builds["product"] += time.perf_counter() - t
            t = time.perf_counter()
            raw.index(i + 1, d)
            builds["raw FTS5"] += time.perf_counter() - t
            if tv is not None:
                t = time.perf_counter()
                tv.index(i + 1, d)
                builds["tantivy"] += time.perf_counter() - t
            if ptv is not None:
                t = time.perf_counter()
                ptv.index_vsl(d)
                builds["product-tantivy"] += time.perf_counter() - t
            if (i + 1) % max(1, len(docs) // 5) == 0:
                print(f"  indexed {i + 1:,}/{len(docs):,} VSLs", flush=True)
        if tv is not None:
            t = time.perf_counter()
            tv.commit()
            builds["tantivy"] += time.perf_counter() - t
        raw.copy_vsls(product.path)
        print("\nindex build (one transaction per VSL; tantivy: one commit at the end; product-tantivy: one per VSL)")
        for name, secs in builds.items():
            if secs:
                print(f"  {name:15s} {secs:7.1f} s  {n_segments / secs:9,.0f} segments/s")
        print(
            f"  product / raw FTS5 build speed: {builds['raw FTS5'] / builds['product']:.2f}x; "
            f"target >= 30,000 segments/s: {'PASS' if n_segments / builds['product'] >= 30_000 else 'FAIL'}"
        )
        print(
            f"  product index {(product.size_bytes() or 0) / 1e6:,.0f} MB; raw {raw.path.stat().st_size / 1e6:,.0f} MB"
        )
        if ptv is not None:
            sync_p50, sync_p90 = fsync_ms(base)
            print(
                f"  disk: fdatasync of 4 KB {sync_p50:.1f} ms median, {sync_p90:.1f} ms p90 "
                "(a tantivy commit syncs ~14 times: each of its 6 files, .managed.json per new file, meta.json)"
            )
            print(
                f"  product-tantivy build speed (one commit per VSL, as the pipeline indexes): "
                f"{n_segments / builds['product-tantivy']:,.0f} segments/s; target >= 30,000 segments/s: "
                f"{'PASS' if n_segments / builds['product-tantivy'] >= 30_000 else 'FAIL'}; "
                f"index + side table {(ptv.size_bytes() or 0) / 1e6:,.0f} MB"
            )
        bulk = open_search(f"sqlite:///{base}/bulk.db", engine="sqlite")
        assert isinstance(bulk, SqliteSearch)
        bulk.ensure_schema()
        t = time.perf_counter()
        bulk.index_many(docs)
        bulk_s = time.perf_counter() - t
        print(
            f"  product bulk build (vsl reindex: index_many, ~{bulk.BULK_SEGMENTS:,} segments per transaction): "
            f"{bulk_s:.1f} s, {n_segments / bulk_s:,.0f} segments/s; target >= 30,000 segments/s: "
            f"{'PASS' if n_segments / bulk_s >= 30_000 else 'FAIL'}"
        )
        bulk.close()
        for f in base.glob("bulk.search.db*"):
            f.unlink()
        tbulk_s: float | None = None
        if ptv is not None:
            from vsl_assets.search.tantivy_backend import TantivySearch

            tbulk = open_search(f"sqlite:///{base}/bulk.db", engine="tantivy")
            assert isinstance(tbulk, TantivySearch)
            tbulk.ensure_schema()
            t = time.perf_counter()
            tbulk.index_many(docs)
            tbulk_s = time.perf_counter() - t
            print(
                f"  product-tantivy bulk build (vsl reindex: index_many, ~{tbulk.BULK_SEGMENTS:,} segments per "
                f"commit): {tbulk_s:.1f} s, {n_segments / tbulk_s:,.0f} segments/s; target >= 30,000 segments/s: "
                f"{'PASS' if n_segments / tbulk_s >= 30_000 else 'FAIL'}"
            )
            tbulk.close()
            shutil.rmtree(base / "bulk.tantivy")
        if baseline is not None:
            print(
                f"  {baseline.name} (its own process, {hello['code']}): one transaction per VSL "
                f"{n_segments / hello['build_s']:,.0f} segments/s (built before the others, alone; index "
                f"{(hello['size'] or 0) / 1e6:,.0f} MB)"
            )
        hour = replace(docs[len(docs) // 2])
        incr = []
        for _ in range(5):
            t = time.perf_counter()
            product.index_vsl(hour)
            incr.append(time.perf_counter() - t)
        print(
            f"  re-index one 60-minute VSL into the full index: {statistics.median(incr) * 1000:.0f} ms (median of 5)"
        )

        before = Before(product.path)
        systems = [System("product", product.search), System("before", before.search), System("raw FTS5", raw.search)]
        if baseline is not None:
            systems.append(System(baseline.name, baseline.search, remote=True))
        if tv is not None:
            systems.append(System("tantivy", tv.search))
        if ptv is not None:
            systems.append(System("product-tantivy", ptv.search))
        sample = queries["word"][0]
        found = product.search(sample)
        print(f"\ne.g. {sample.text!r}: {found.total_hits:,} segments in {found.total_vsls:,} VSLs")
        print(f"\nlatency ({args.rounds} rounds, systems interleaved per query; load average {os.getloadavg()[0]:.1f})")
        samples = latency(systems, queries, args.rounds)
        header = "  ".join(f"{s.name:>19s}" for s in systems)
        print(f"  {'kind':15s} {header}   (p50 / p95 ms)")
        for kind in queries:
            cells = "  ".join(
                f"{pct(samples[s.name][kind], 50):8.2f} / {pct(samples[s.name][kind], 95):7.2f}" for s in systems
            )
            print(f"  {kind:15s} {cells}")
        mixed = {s.name: [x for k in queries for x in samples[s.name][k]] for s in systems}
        cells = "  ".join(f"{pct(mixed[s.name], 50):8.2f} / {pct(mixed[s.name], 95):7.2f}" for s in systems)
        print(f"  {'MIXED':15s} {cells}")
        rng = random.Random(5)
        print()
        report_ratio(mixed, "product", "raw FTS5", rng, target=1.5)
        report_p95(mixed, "product", rng)
        report_ratio(mixed, "before", "product", rng)
        if baseline is not None:
            ours = "product-tantivy" if baseline.engine == "tantivy" and ptv is not None else "product"
            report_ratio(mixed, baseline.name, ours, rng)
            report_ratio(mixed, baseline.name, "raw FTS5", rng)
            if baseline.engine == "tantivy" and tv is not None:
                report_ratio(mixed, baseline.name, "tantivy", rng, target=3.0)
        if tv is not None:
            report_ratio(mixed, "product", "tantivy", rng)
        if ptv is not None:
            report_ratio(mixed, "product-tantivy", "tantivy", rng, target=3.0)
            report_p95(mixed, "product-tantivy", rng)
            report_ratio(mixed, "product-tantivy", "raw FTS5", rng)
            report_ratio(mixed, "product", "product-tantivy", rng)

        print(f"\nthroughput, mixed queries, {args.seconds:.0f} s each (before and product interleaved)")
        pool = [q for qs in queries.values() for q in qs]
        rates: dict[tuple[str, int], float] = {}
        for clients in (int(c) for c in args.clients.split(",")):
            contenders = [("before", before.search), ("product", product.search)]
            if ptv is not None:
                contenders.append(("product-tantivy", ptv.search))
            for name, fn in contenders:
                line, rate = throughput(fn, pool, clients, args.seconds)
                rates[(name, clients)] = rate
                print(f"  {name:15s} {clients} client(s): {line}")
                if baseline is not None and name == "before":  # main next, in its own process
                    line, rate = baseline.throughput(clients, args.seconds)
                    rates[("main", clients)] = rate
                    print(f"  {baseline.name:15s} {clients} client(s): {line}")
            if baseline is not None:
                ours = "product-tantivy" if baseline.engine == "tantivy" and ptv is not None else "product"
                print(
                    f"  {ours} / {baseline.name} at {clients} client(s): "
                    f"{rates[(ours, clients)] / rates[('main', clients)]:.1f}x"
                )
            print(
                f"  product / before at {clients} client(s): {rates[('product', clients)] / rates[('before', clients)]:.1f}x"
            )
            if ptv is not None:
                print(
                    f"  product-tantivy / product at {clients} client(s): "
                    f"{rates[('product-tantivy', clients)] / rates[('product', clients)]:.1f}x"
                )

        if baseline is not None:
            baseline.close()
            atexit.unregister(baseline.close)
        if args.pg_local:
            bench_postgres(base, docs, queries, args.rounds)
        record_search(args, n_segments, builds, bulk_s, mixed, rates, tbulk_s)


def record_search(
    args: argparse.Namespace,
    n_segments: int,
    builds: dict[str, float],
    bulk_s: float,
    mixed: dict[str, list[float]],
    rates: dict[tuple[str, int], float],
    tantivy_bulk_s: float | None = None,
) -> None:
    """What ``main`` printed, for ``benchmarks/results/bench_search.json``: the builds (both backends: tantivy is
    the default one, so its one-commit-per-VSL build is what the pipeline gets), the mixed
    queries' p95 next to raw FTS5 (floor) and tantivy (peer) with the intervals and verdicts printed."""

    def printed(a: list[float], b: list[float] | None) -> tuple[float, float, float]:
        """The interval printed for ``a`` over ``b`` (``None``: over the constant 25 ms)."""
        for x, y, interval in INTERVALS:
            if x is a and (y is b if b is not None else set(y) == {0.025}):
                return interval
        raise KeyError("interval not printed")

    def judged(lo: float, hi: float, target: float) -> str:
        return verdict(lo, hi, target).split(" ")[0].replace("UNDECIDED", "undecided")

    def p95(name: str) -> str:
        return f"{pct(mixed[name], 95):.1f} ms" if name in mixed else "-"

    rows = []
    rate = n_segments / builds["product"]
    bulk = n_segments / bulk_s
    peer = f"tantivy {n_segments / builds['tantivy']:,.0f}/s" if builds.get("tantivy") else None
    builds_judged = [("index build, one transaction per VSL", rate), ("bulk build (vsl reindex)", bulk)]
    if builds.get("product-tantivy"):
        builds_judged.append(
            ("product-tantivy index build, one commit per VSL", n_segments / builds["product-tantivy"])
        )
    if tantivy_bulk_s:
        builds_judged.append(("product-tantivy bulk build (vsl reindex)", n_segments / tantivy_bulk_s))
    for what, value in builds_judged:
        rows.append(
            record.Row(
                f"{what}, segments/s",
                f"{value:,.0f}/s",
                floor=f"raw FTS5 {n_segments / builds['raw FTS5']:,.0f}/s",
                peer=peer,
                target=">= 30,000 segments/s",
                verdict="PASS" if value >= 30_000 else "FAIL",
            )
        )
    for name in ("product", "product-tantivy"):
        if name not in mixed:
            continue
        _, plo, phi = printed(mixed[name], None)
        rows.append(
            record.Row(
                f"{name}: mixed queries p95",
                f"{p95(name)} [{plo * 25:.1f}-{phi * 25:.1f}]",
                floor=f"raw FTS5 {p95('raw FTS5')}",
                peer=f"tantivy {p95('tantivy')}" if "tantivy" in mixed else None,
                target="<= 25 ms",
                verdict=judged(plo * 25, phi * 25, 25),
            )
        )
    point, lo, hi = printed(mixed["product"], mixed["raw FTS5"])
    rows.append(
        record.Row(
            "product p95 over raw FTS5 p95",
            p95("product"),
            floor=f"raw FTS5 {p95('raw FTS5')}",
            ratio=f"{point:.2f}x [{lo:.2f}-{hi:.2f}]",
            target="<= 1.5x",
            verdict=judged(lo, hi, 1.5),
        )
    )
    if "product-tantivy" in mixed:
        point, lo, hi = printed(mixed["product-tantivy"], mixed["tantivy"])
        rows.append(
            record.Row(
                "product-tantivy p95 over tantivy alone",
                p95("product-tantivy"),
                peer=f"tantivy {p95('tantivy')}",
                ratio=f"{point:.2f}x [{lo:.2f}-{hi:.2f}]",
                target="<= 3x",
                verdict=judged(lo, hi, 3.0),
            )
        )
    for (name, clients), value in rates.items():
        if name != "before":
            rows.append(
                record.Row(
                    f"{name}: throughput, {clients} client(s), mixed queries",
                    f"{value:.1f} req/s",
                    before=f"{rates[('before', clients)]:.1f} req/s" if ("before", clients) in rates else None,
                )
            )
    record.write(
        "bench_search",
        rows,
        backend="sqlite" + (", tantivy" if "product-tantivy" in mixed else ""),
        full_size=n_segments >= 1_000_000,
        sizes=f"{args.n:,} VSLs x {args.segments} segments = {n_segments:,} segments, {args.rounds} rounds",
    )


def bench_bulk_builds(base: Path, docs: list[VslDocument]) -> None:
    """``--build-only``: the product's bulk builds (what ``vsl reindex`` runs) next to the floor and
    the peer building the same segments, one after the other in this run."""
    from vsl_assets.search import bulk as search_bulk
    from vsl_assets.search.tantivy_backend import TantivySearch

    n_segments = sum(len(d.segments) for d in docs)
    rates: dict[str, float] = {}
    raw = RawFts5(base / "raw.db")
    t = time.perf_counter()
    raw.conn.execute("BEGIN IMMEDIATE")
    for i, d in enumerate(docs):
        raw.conn.executemany(
            "INSERT INTO raw (rowid, text) VALUES (?, ?)",
            ((segment_id(i + 1, j), s.text) for j, s in enumerate(d.segments)),
        )
    raw.conn.execute("COMMIT")
    rates["raw FTS5 (one transaction)"] = n_segments / (time.perf_counter() - t)
    tv = Tantivy(base / "tantivy")
    t = time.perf_counter()
    for i, d in enumerate(docs):
        tv.index(i + 1, d)
    tv.commit()
    rates["tantivy alone (one commit)"] = n_segments / (time.perf_counter() - t)
    # Then tantivy with the other numbers of analysis workers (none: the analysis kept in this
    # process), to show what the workers (search/bulk.py) add.
    shipped = search_bulk.WORKERS
    runs = [("sqlite", shipped), ("tantivy", shipped)] + [("tantivy", w) for w in (2, 1, 0) if w != shipped]
    for engine, workers in runs:
        bulk = open_search(f"sqlite:///{base}/{engine}{workers}.db", engine=engine)
        assert isinstance(bulk, SqliteSearch | TantivySearch)
        bulk.ensure_schema()
        if not workers:
            bulk.PARALLEL_AFTER = n_segments + 1
        search_bulk.WORKERS = max(1, workers)
        try:
            t = time.perf_counter()
            bulk.index_many(docs)
            elapsed = time.perf_counter() - t
        finally:
            search_bulk.WORKERS = shipped
        label = f"index_many, {workers} analysis worker{'s' if workers != 1 else ''}"
        rates[f"product {engine} bulk ({label})"] = n_segments / elapsed
        assert bulk.count().segments == n_segments
        bulk.close()
    print(f"\nbulk builds of {n_segments:,} segments (load average {os.getloadavg()[0]:.1f})")
    for name, rate in rates.items():
        verdict = f"; target >= 30,000 segments/s: {'PASS' if rate >= 30_000 else 'FAIL'}" if "product" in name else ""
        print(f"  {name:45s} {rate:9,.0f} segments/s{verdict}")


def bench_postgres(base: Path, docs: list[VslDocument], queries: dict[str, list[SearchQuery]], rounds: int) -> None:
    with local_postgres(base / "pg") as url:
        pg = open_search(url)
        pg.ensure_schema()
        t = time.perf_counter()
        for d in docs:
            pg.index_vsl(d)
        secs = time.perf_counter() - t
        n = sum(len(d.segments) for d in docs)
        print(f"\nPostgreSQL: index build {secs:.1f} s, {n / secs:,.0f} segments/s")
        topk = pg_topk_class()(url)
        both = latency([System("postgresql", pg.search), System("pg top-k", topk.search)], queries, rounds)
        print(f"  {'kind':15s} {'product':>19s}  {'top-k tried':>19s}   (p50 / p95 ms)")
        for kind in queries:
            a, b = both["postgresql"][kind], both["pg top-k"][kind]
            print(f"  {kind:15s} {pct(a, 50):8.2f} / {pct(a, 95):7.2f}  {pct(b, 50):8.2f} / {pct(b, 95):7.2f}")
        mixed = {n: [x for xs in both[n].values() for x in xs] for n in both}
        a, b = mixed["postgresql"], mixed["pg top-k"]
        print(f"  {'MIXED':15s} {pct(a, 50):8.2f} / {pct(a, 95):7.2f}  {pct(b, 50):8.2f} / {pct(b, 95):7.2f}")
        point, lo, hi = ratio_interval(b, a, 95, random.Random(9))
        print(f"  top-k tried p95 / product p95 = {point:.2f}x (95% interval {lo:.2f}-{hi:.2f})")
        pg.close()
        topk.close()


if __name__ == "__main__":
    main()
