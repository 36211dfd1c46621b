"""Search speed: the project's search backends against a ``LIKE '%…%'`` scan of the same rows.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_search.py                  # 1,000 VSLs x 400 segments, embedded only
    .venv/bin/python benchmarks/bench_search.py --n 2500         # the issue's 1,000,000 segments
    .venv/bin/python benchmarks/bench_search.py --pg-local       # also PostgreSQL (throwaway server, as the tests)
    .venv/bin/python benchmarks/bench_search.py --pg-url postgresql://user@host/db   # an existing database (tables
                                                                 # search_vsls/search_segments are replaced)

The corpus is synthetic but shaped like transcripts: a third each PT, EN and ES; segments of
8-22 words drawn with Zipf frequencies from a vocabulary of real words (function words, VSL copy
words in several inflections) plus a long tail of made-up words, so common words match a large
share of segments and tail words very few, as in real speech.  Every VSL gets breakdown fields.

Figures, all from the same run on the same rows:

* index build: seconds, segments/s, ms per VSL, size on disk;
* incremental: re-indexing one 60-minute VSL (600 segments) into the full index (median of 5);
* query latency p50/p95/p99 per kind (word, phrase, prefix, word + filters, inside one VSL,
  filters only) and over the whole mix (at least 200 queries);
* baseline: ``LIKE '%word%'`` (and ``'%phrase%'``) over the same segment texts, on a sample of the
  word and phrase queries (a scan costs ~1,000x more, so fewer of them).

Targets from the issue, at 1,000,000 segments: embedded p95 <= 50 ms, PostgreSQL p95 <= 100 ms,
one 60-minute VSL indexed in <= 1 s.  The script reports; it does not gate (exit 0).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vsl_assets.search import SearchBackend, SearchQuery, Segment, VslDocument, open_search  # noqa: E402

# Function words first (most frequent), then VSL copy vocabulary in several inflections.
WORDS = {
    "pt": (
        "de a o que e do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem à seu sua "
        "ou ser quando muito há nos já está eu também só pelo pela até isso ela entre era depois sem mesmo aos ter "
        "seus quem nas me esse eles estão você tinha foram essa num nem suas meu às minha têm numa pelos elas havia "
        "seja qual será nós tenho lhe deles essas esses pelas este fosse dele tu te vocês vos lhes meus minhas "
        "emagrecer emagrecimento emagreceu emagrecendo gordura gorduras barriga peso quilos dieta dietas saúde médico "
        "médicos médica remédio remédios garantia garantias garantido dinheiro devolvido devolução oferta ofertas "
        "desconto descontos preço preços grátis segredo segredos descoberta descobri descobriu resultado resultados "
        "rápido rápida rapidamente natural naturais fórmula método métodos truque simples fácil facilmente dias "
        "semanas mês meses anos vida mulheres homens pessoas clientes milhares depoimento depoimentos comprar compra "
        "agora hoje último última vagas acesso botão clique abaixo vídeo assistir assista final programa curso "
        "aprender aprenda renda extra vender vendas negócio internet celular casa família filhos corpo energia sono "
        "diabetes pressão açúcar sangue coração articulações dor dores cura curar tratamento ciência estudo estudos "
        "universidade pesquisa pesquisadores ingrediente ingredientes cápsula cápsulas frasco frascos kit"
    ),
    "en": (
        "the of and to a in is you that it he was for on are as with his they i at be this have from or one had by "
        "but not what all were we when your can said there use an each which she do how their if will up other "
        "about out many then them these so some her would make like him into time has look two more go see no way "
        "could people my than first been call who its now find long down day did get come made may part "
        "doctors doctor hate hated secret secrets discovered discovery guarantee guaranteed guarantees money back "
        "refund offer offers discount price prices free simple trick tricks weight loss lose losing lost fat belly "
        "pounds diet diets health healthy natural naturally formula method methods results result fast faster "
        "quickly easy easily days weeks months years life women men customers thousands testimonial testimonials buy "
        "buying order ordering today last spots access button click below video watch watching final program course "
        "learn learning income extra sell selling business online phone home family children body energy sleep "
        "diabetes pressure sugar blood heart joints pain cure curing treatment science study studies university "
        "research researchers ingredient ingredients capsule capsules bottle bottles supply"
    ),
    "es": (
        "de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí porque "
        "esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno les ni "
        "contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa estos "
        "mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros usted ustedes "
        "adelgazar adelgazamiento adelgazó grasa barriga peso kilos dieta dietas salud médico médicos medicina "
        "garantía garantías garantizado dinero devolución oferta ofertas descuento precio precios gratis secreto "
        "secretos descubrimiento descubrí resultado resultados rápido rápidamente natural naturales fórmula método "
        "truco sencillo fácil fácilmente días semanas mes meses años vida mujeres hombres personas clientes miles "
        "testimonio testimonios comprar compra ahora hoy último última cupos acceso botón haga clic abajo video ver "
        "final programa curso aprender aprenda ingresos extra vender ventas negocio internet celular casa familia "
        "hijos cuerpo energía sueño diabetes presión azúcar sangre corazón articulaciones dolor dolores cura curar "
        "tratamiento ciencia estudio estudios universidad investigación investigadores ingrediente ingredientes "
        "cápsula cápsulas frasco frascos"
    ),
}
CONTENT_START = {"pt": "emagrecer", "en": "doctors", "es": "adelgazar"}
SYLLABLES = {
    "pt": "ma me mi mo mu ca co cu ra re ri ro ta te ti to la le li lo na ne ni no sa se si so pa pe po ção ções nh lh",
    "en": "ba be bi bo ca co da de di do fa fe fi ga ge go la le li lo ma me mi mo na ne no pa pe po ra re ri ro st",
    "es": "ba be bi bo ca co da de di do fa fe ga go la le li lo ma me mi mo na ne ni no pa pe po ra re ri ro ción",
}
NICHES = [
    "health/weight loss",
    "health/diabetes",
    "health/joints",
    "finance/trading",
    "finance/side income",
    "relationships/dating",
    "beauty/skin",
    "education/languages",
]
LEADS = ["story", "secret", "problem", "proof", "offer", "prediction"]
AWARENESS = ["unaware", "problem_aware", "solution_aware", "product_aware", "most_aware"]
PLAYERS = ["vturb", "wistia", "youtube", "vimeo", "jwplayer", "hls"]
TAIL_WORDS = 15_000


@dataclass
class Corpus:
    docs: list[VslDocument]
    vocab: dict[str, list[str]]
    content: dict[str, list[str]]


def build_vocab(rng: random.Random) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    vocab: dict[str, list[str]] = {}
    content: dict[str, list[str]] = {}
    for lang, text in WORDS.items():
        real = text.split()
        content[lang] = real[real.index(CONTENT_START[lang]) :]
        syl = SYLLABLES[lang].split()
        tail = {"".join(rng.choices(syl, k=rng.randint(2, 4))) for _ in range(TAIL_WORDS * 2)}
        vocab[lang] = real + sorted(tail - set(real))[:TAIL_WORDS]
    return vocab, content


def make_corpus(n_vsls: int, segments_per_vsl: int, seed: int = 7) -> Corpus:
    rng = random.Random(seed)
    vocab, content = build_vocab(rng)
    weights = {lang: [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))] for lang, words in vocab.items()}
    cum = {lang: list(_accumulate(w)) for lang, w in weights.items()}
    start = datetime(2025, 1, 1, tzinfo=UTC)
    docs = []
    for i in range(n_vsls):
        lang = ("pt", "en", "es")[i % 3]
        words = vocab[lang]
        segs = []
        t = 0.0
        for _ in range(segments_per_vsl):
            chosen = rng.choices(words, cum_weights=cum[lang], k=rng.randint(8, 22))
            dur = len(chosen) * 0.4
            segs.append(Segment(round(t, 2), round(t + dur, 2), " ".join(chosen).capitalize() + "."))
            t += dur
        docs.append(
            VslDocument(
                key=f"{lang}-{i:06d}",
                url=f"https://vsl.example/{i}",
                title=f"VSL {i}",
                language=lang,
                player=rng.choice(PLAYERS),
                duration_s=round(t, 1),
                added_at=start + timedelta(minutes=rng.randint(0, 525_600)),
                niche=rng.choice(NICHES),
                lead_type=rng.choice(LEADS),
                awareness=rng.choice(AWARENESS),
                pitch_s=round(t * rng.uniform(0.4, 0.9), 1),
                price=float(rng.choice([37, 47, 97, 147, 197, 297, 497])),
                currency=rng.choice(["USD", "BRL", "EUR"]),
                segments=segs,
            )
        )
    return Corpus(docs, vocab, content)


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def make_queries(corpus: Corpus, per_kind: int, seed: int = 11) -> dict[str, list[SearchQuery]]:
    rng = random.Random(seed)
    langs = ("pt", "en", "es")

    def word() -> str:
        return rng.choice(corpus.content[rng.choice(langs)])

    content = {w for words in corpus.content.values() for w in words}

    def phrase() -> str:
        """2-3 words said in a row, starting at a copy word (as people search: "garantia de 30 dias")."""
        while True:
            seg = rng.choice(rng.choice(corpus.docs).segments).text.rstrip(".").lower().split()
            starts = [i for i, w in enumerate(seg[:-1]) if w in content]
            if starts:
                at = rng.choice(starts)
                return '"' + " ".join(seg[at : at + rng.choice((2, 3))]) + '"'

    def prefix(letters: int | None = None) -> str:
        w = rng.choice([w for w in corpus.content[rng.choice(langs)] if len(w) >= 6])
        return w[: letters or rng.randint(4, len(w) - 1)] + "*"

    def filters() -> dict[str, Any]:
        choice = rng.randrange(4)
        if choice == 0:
            return {"language": rng.choice(langs)}
        if choice == 1:
            return {"niche": rng.choice(NICHES).split("/")[0]}
        if choice == 2:
            return {"duration_min_s": 1800.0, "lead_type": rng.choice(LEADS)}
        return {"price_max": 100.0, "currency": "USD"}

    return {
        "word": [SearchQuery(text=word()) for _ in range(per_kind)],
        "two words": [SearchQuery(text=f"{word()} {word()}") for _ in range(per_kind)],
        "phrase": [SearchQuery(text=phrase()) for _ in range(per_kind)],
        "prefix": [SearchQuery(text=prefix()) for _ in range(per_kind)],
        "word+filters": [SearchQuery(text=word(), **filters()) for _ in range(per_kind)],
        "inside one VSL": [SearchQuery(text=word(), key=rng.choice(corpus.docs).key) for _ in range(per_kind)],
        "filters only": [SearchQuery(text="", **filters()) for _ in range(per_kind)],
    }


def make_worst_queries(corpus: Corpus, per_kind: int, seed: int = 13) -> dict[str, list[SearchQuery]]:
    """Queries that match a large share of all segments: reported apart from the mix."""
    rng = random.Random(seed)
    out: dict[str, list[SearchQuery]] = {"function-word phrase": [], "3-letter prefix": []}
    for lang in ("pt", "en", "es"):
        top = corpus.vocab[lang][:12]
        for _ in range(per_kind // 3 + 1):
            out["function-word phrase"].append(SearchQuery(text=f'"{rng.choice(top)} {rng.choice(top)}"'))
            w = rng.choice([w for w in corpus.content[lang] if len(w) >= 4])
            out["3-letter prefix"].append(SearchQuery(text=w[:3] + "*"))
    return {k: v[:per_kind] for k, v in out.items()}


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    if len(ms) < 2:
        return f"n={len(ms)}  {ms[0] if ms else float('nan'):.1f} ms"
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return f"n={len(ms):3d}  p50 {q[49]:7.1f}  p95 {q[94]:7.1f}  p99 {q[98]:7.1f} ms"


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def human_bytes(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e6:,.0f} MB"


def bench_backend(
    label: str,
    search: SearchBackend,
    corpus: Corpus,
    queries: dict[str, list[SearchQuery]],
    worst: dict[str, list[SearchQuery]],
    like: Callable[[str], Any],
    like_sample: int,
) -> None:
    print(f"\n== {label} ==", flush=True)
    search.ensure_schema()
    n_segments = sum(len(d.segments) for d in corpus.docs)
    t0 = time.perf_counter()
    per_vsl = []
    for i, d in enumerate(corpus.docs):
        per_vsl.append(timed(partial(search.index_vsl, d)))
        if (i + 1) % max(1, len(corpus.docs) // 5) == 0:
            print(f"  indexed {i + 1:,}/{len(corpus.docs):,} VSLs", flush=True)
    build = time.perf_counter() - t0
    print(
        f"index build: {build:,.1f} s, {n_segments / build:,.0f} segments/s, "
        f"{statistics.mean(per_vsl) * 1000:.1f} ms/VSL ({len(corpus.docs[0].segments)} segments); "
        f"size on disk {human_bytes(search.size_bytes())}; count {search.count()}"
    )
    hour = replace(corpus.docs[len(corpus.docs) // 2], segments=_hour(corpus))
    incr = [timed(lambda: search.index_vsl(hour)) for _ in range(5)]
    print(
        f"incremental: one 60-minute VSL ({len(hour.segments)} segments) re-indexed in "
        f"{statistics.median(incr) * 1000:.0f} ms (median of 5; target <= 1000 ms)"
    )
    for q in queries["word"][:3]:  # warm the cache the way a running server is warm
        search.search(q)
    mixed: list[float] = []
    for kind, qs in queries.items():
        samples = [timed(partial(search.search, q)) for q in qs]
        mixed += samples
        print(f"  {kind:15s} {percentiles(samples)}")
    print(f"  {'MIXED':15s} {percentiles(mixed)}")
    for kind, qs in worst.items():
        samples = [timed(partial(search.search, q)) for q in qs]
        print(f"  worst case, not in the mix: {kind:20s} {percentiles(samples)}")
    base_word = [timed(partial(like, q.text)) for q in queries["word"][:like_sample]]
    base_phrase = [timed(partial(like, q.text.strip('"'))) for q in queries["phrase"][:like_sample]]
    print(f"  baseline LIKE '%word%'   {percentiles(base_word)}")
    print(f"  baseline LIKE '%phrase%' {percentiles(base_phrase)}")
    sample = queries["word"][0]
    found = search.search(sample)
    print(f"  e.g. {sample.text!r}: {found.total_hits:,} segments in {found.total_vsls:,} VSLs")


def _hour(corpus: Corpus) -> list[Segment]:
    """600 segments (~60 minutes of speech) taken from the corpus."""
    pool = [s for d in corpus.docs[:10] for s in d.segments]
    return [Segment(6.0 * i, 6.0 * i + 6.0, pool[i % len(pool)].text) for i in range(600)]


@contextmanager
def local_postgres(base: Path) -> Iterator[str]:
    from vsl_assets_tests.servers import PostgresServer

    with PostgresServer(base) as server:
        yield server.create_database("bench_search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="VSLs (default 1000)")
    parser.add_argument("--segments", type=int, default=400, help="segments per VSL (default 400, ~40 minutes)")
    parser.add_argument("--per-kind", type=int, default=40, help="queries per kind (7 kinds)")
    parser.add_argument("--like-sample", type=int, default=10, help="LIKE scans per kind for the baseline")
    parser.add_argument("--pg-url", help="also benchmark PostgreSQL in this database")
    parser.add_argument("--pg-local", action="store_true", help="also benchmark PostgreSQL on a throwaway server")
    parser.add_argument("--no-embedded", action="store_true", help="skip the embedded backend")
    args = parser.parse_args()

    t = time.perf_counter()
    corpus = make_corpus(args.n, args.segments)
    queries = make_queries(corpus, args.per_kind)
    worst = make_worst_queries(corpus, args.per_kind // 2)
    n_segments = args.n * args.segments
    print(
        f"corpus: {args.n:,} VSLs x {args.segments} segments = {n_segments:,} segments "
        f"({time.perf_counter() - t:.1f} s to generate); {sum(len(q) for q in queries.values())} queries"
    )

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        if not args.no_embedded:
            import sqlite3

            search = open_search(f"sqlite:///{tmp}/vsl.db")
            conn = sqlite3.connect(f"{tmp}/vsl.search.db")

            def like_sqlite(text: str) -> Any:
                return conn.execute("SELECT count(*) FROM segments WHERE text LIKE ?", (f"%{text}%",)).fetchone()

            bench_backend(f"embedded: {search.name}", search, corpus, queries, worst, like_sqlite, args.like_sample)
            conn.close()
        if args.pg_url or args.pg_local:
            with local_postgres(Path(tmp) / "pg") if args.pg_local else _given(args.pg_url) as url:
                from sqlalchemy import create_engine, text

                from vsl_assets.db.engine import normalise_database_url

                engine = create_engine(normalise_database_url(url))
                with engine.begin() as c:
                    c.execute(text("DROP TABLE IF EXISTS search_segments, search_vsls"))
                pg = open_search(url)

                def like_pg(q: str) -> Any:
                    with engine.connect() as c:
                        return c.execute(
                            text("SELECT count(*) FROM search_segments WHERE text ILIKE :p"), {"p": f"%{q}%"}
                        ).scalar()

                bench_backend(f"PostgreSQL: {pg.name}", pg, corpus, queries, worst, like_pg, args.like_sample)
                pg.close()
                engine.dispose()


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
