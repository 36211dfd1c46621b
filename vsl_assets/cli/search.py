"""``vsl search``, ``reindex`` and ``analyze``: reading what the pipeline made."""

from __future__ import annotations

import argparse
import json
from typing import Any

from vsl_assets.cli.common import EXIT_OK, EXIT_USAGE, err, search_index, sessions
from vsl_assets.core.humanize import counted
from vsl_assets.settings import Settings


def _at_least_one(text: str) -> int:
    """``--limit`` and ``--page``: a whole number from 1, refused by the option's own name (the
    search's "page, per_page and hits_per_vsl" are its parameters, not the command's)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _search_query(args: argparse.Namespace) -> Any:
    """The ``SearchQuery`` of ``vsl search``'s arguments (``services.search.query_for``)."""
    from vsl_assets.services.search import query_for

    return query_for(
        args.query,
        lang=args.lang,
        niche=args.niche,
        lead=args.lead,
        awareness=args.awareness,
        key=args.key,
        limit=args.limit,
        page=args.page,
        pitch_min=args.pitch_min,
        pitch_max=args.pitch_max,
        price_min=args.price_min,
        price_max=args.price_max,
        currency=args.currency,
    )


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.core.humanize import clock
    from vsl_assets.search import SearchQueryError
    from vsl_assets.services.reindex import rebuild_progress
    from vsl_assets.services.search import with_titles

    if args.lang:  # as the API and the search page: a language the index holds none of is said, not "no match"
        from vsl_assets.search.text import LANGUAGES, normalise_language

        if normalise_language(args.lang) is None:
            err(f"--lang {args.lang!r} is not a language the search knows: use one of {', '.join(LANGUAGES)}")
            return EXIT_USAGE
    with search_index(settings) as backend:
        try:
            results = backend.search(_search_query(args))
        except SearchQueryError as exc:
            err(exc.reason)
            return EXIT_USAGE
        # An index that a new format recreated empty says so: never a silent "no match".
        progress = rebuild_progress(sessions=sessions(settings), index=backend)
    if progress is not None:
        err(f"note: {progress.describe()}")
    with sessions(settings)() as s:
        results = with_titles(results, s, min_confidence=settings.breakdown_min_confidence)
    if args.json:
        print(json.dumps(results.rows(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for note in results.notes:
        err(f"note: {note}")
    if not results.vsls:
        print("no match")
        return EXIT_OK
    for group in results.vsls:
        vsl = group.vsl
        print(f"{vsl.title}  [{vsl.key}]  {counted(group.hit_count, 'hit')}")
        for hit in group.hits:
            print(f"  {clock(hit.start):>8}  {hit.snippet.marked()}")
    print(f"{counted(results.total_vsls, 'VSL')}, {counted(results.total_hits, 'segment')}")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.search import choose_backend, search_path_for
    from vsl_assets.services.reindex import reindex, upgrade_to_tantivy

    choice = choose_backend(settings.database, settings.search_backend)
    if choice.upgrade:
        print("building the tantivy search index (search stays on SQLite FTS5 until it is done)...", flush=True)
        report = upgrade_to_tantivy(
            sessions=sessions(settings),
            database_url=settings.database,
            min_confidence=settings.breakdown_min_confidence,
        )
        print(report.describe())
        old = search_path_for(settings.database, "sqlite").name
        print(
            f"search now uses tantivy in every process; the FTS5 index {old} is no longer read (delete it to free the space)"
        )
        return EXIT_OK
    with search_index(settings) as index:
        report = reindex(sessions=sessions(settings), index=index, min_confidence=settings.breakdown_min_confidence)
    print(report.describe())
    return EXIT_OK


def cmd_insights(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.services import insights

    t = settings.breakdown_min_confidence
    with sessions(settings)() as s:
        if args.rebuild:
            rows = insights.rebuild_counts(s, t)
            print(f"rebuilt the insights counts at confidence {t}: {counted(rows, 'row')}")
        else:
            built = insights.counts_built(s, t)
            print(f"insights counts at confidence {t}: {'built' if built else 'not built (computed per view)'}")
    return EXIT_OK


def _money(price: Any) -> str:
    return price.describe() if price is not None else "-"


def _summary(b: Any, min_confidence: float) -> str:
    """The breakdown for a terminal; a field graded below ``min_confidence`` reads "not sure"."""
    from vsl_assets.breakdown.models import Price
    from vsl_assets.core.humanize import clock

    unsure = set(b.unsure_fields(min_confidence))

    def shown(field: str, text: str) -> str:
        if field not in unsure:
            return text
        return f"not sure ({b.confidence[field]:.2f}): {text}"

    def at(value: float | None) -> str:
        return clock(value) if value is not None else "-"

    lines = [
        f"language   {b.language or '?'}",
        f"niche      {shown('niche', b.niche or '?')}",
        f"lead       {shown('lead_type', b.lead_type or '?')}",
        f"awareness  {shown('awareness', b.awareness or '?')}",
        f"offer      {shown('offer_price', _money(b.offer_price))}   anchor {shown('anchor_price', _money(b.anchor_price))}",
        f"guarantee  {shown('guarantee_days', f'{b.guarantee_days} days' if b.guarantee_days is not None else '-')}",
        f"pitch at   {shown('pitch_s', at(b.pitch_s))}   (offer section starts)",
        f"named at   {shown('product_reveal_s', at(b.product_reveal_s))}   (product first named)",
        f"product    {shown('product', b.product or '-')}   mechanism {shown('mechanism', b.mechanism or '-')}",
        f"hook       {shown('hook', b.hook or '-')}",
        f"engine     {b.engine} / {b.model}",
    ]
    if b.confidence:
        grades = ", ".join(f"{name} {grade:.2f}" for name, grade in b.confidence.items())
        lines.append(f"confidence {grades} (not sure below {min_confidence:g})")
    else:
        lines.append("confidence none recorded")
    if b.consistency:
        lines.append(f"note       {b.consistency}")
    if b.note:
        lines.append(f"note       {b.note}")
    if b.prices:
        lines.append("prices")
        lines += [
            f"  {clock(m.start):>8}  {Price(amount=m.amount, currency=m.currency).describe():<14} {m.role:<12} {m.why}  “{m.quote[:60]}”"
            for m in b.prices
        ]
    lines.append("beats")
    lines += [f"  {clock(x.start):>8}  {x.beat:<10} {x.quote[:80]}" for x in b.beats]
    return "\n".join(lines)


#: What ``vsl analyze --json`` prints: the core fields, every grade and every price mention, and
#: which fields are below ``min_confidence`` (their values are printed, marked by ``not_sure``).
ANALYZE_EXTRA = ("confidence", "prices")


def cmd_analyze(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.breakdown.engine import analyze
    from vsl_assets.breakdown.factory import build_engine
    from vsl_assets.breakdown.models import CORE_FIELDS
    from vsl_assets.breakdown.readers import read_transcript

    transcript = read_transcript(args.file)
    engine = build_engine(
        args.engine or settings.breakdown,
        model=settings.breakdown_model,
        api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        base_url=settings.openai_base_url,
    )
    result = analyze(transcript.segments, args.language or transcript.language, engine)
    threshold = settings.breakdown_min_confidence
    if args.json:
        doc = result.model_dump(mode="json")
        out = {k: doc[k] for k in (*CORE_FIELDS, *ANALYZE_EXTRA)}
        out["min_confidence"] = threshold
        out["not_sure"] = result.unsure_fields(threshold)
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(_summary(result, threshold))
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="search every transcript; hits land on the second a phrase is said")
    p.add_argument("query", help='words, "a phrase", prefix*, -excluded, a OR b')
    p.add_argument("--json", action="store_true", help="print a JSON list of hits")
    p.add_argument("--lang", help="only VSLs in this language (pt, en, es...)")
    p.add_argument("--niche", help="top or top/sub, e.g. health or health/diabetes")
    p.add_argument("--lead", help="lead type: offer, promise, problem_solution, big_secret, proclamation, story")
    p.add_argument("--awareness", help="unaware, problem_aware, solution_aware, product_aware, most_aware")
    p.add_argument("--key", help="search inside this one VSL")
    p.add_argument("--pitch-min", type=float, metavar="S", help="offer section starts at or after S seconds")
    p.add_argument("--pitch-max", type=float, metavar="S", help="offer section starts at or before S seconds")
    p.add_argument("--price-min", type=float, help="offer price at least this (a not-sure price never matches)")
    p.add_argument("--price-max", type=float, help="offer price at most this")
    p.add_argument("--currency", help="offer currency, ISO 4217 (BRL, USD...)")
    p.add_argument("--limit", type=_at_least_one, default=20, help="VSLs per page (default 20)")
    p.add_argument("--page", type=_at_least_one, default=1)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(func=cmd_reindex)
    p = sub.add_parser(
        "insights",
        help="the running counts behind the insights charts: built or not; --rebuild recounts them "
        "from the breakdowns (after an upgrade that says so, or to repair them)",
    )
    p.add_argument("--rebuild", action="store_true", help="recount from the breakdowns")
    p.set_defaults(func=cmd_insights)
    p = sub.add_parser(
        "analyze", help="break down a transcript file (JSON, SRT, VTT or TXT): niche, lead, beats, offer"
    )
    p.add_argument("file", help="a stored transcript JSON, or an .srt/.vtt/.txt file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--engine", choices=("local", "openai"), help="default: VSL_BREAKDOWN_ENGINE")
    p.add_argument("--language", help="pt, en, es... (default: from the file, else guessed)")
    p.set_defaults(func=cmd_analyze, standalone=True)
