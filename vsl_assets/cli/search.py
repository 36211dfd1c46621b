"""``vsl search``, ``reindex`` and ``analyze``: reading what the pipeline made."""

from __future__ import annotations

import argparse
import json
from typing import Any

from vsl_assets.cli.common import EXIT_OK, EXIT_USAGE, err, search_index, sessions
from vsl_assets.settings import Settings


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.core.humanize import clock
    from vsl_assets.search import SearchQueryError
    from vsl_assets.services.search import search

    with search_index(settings) as backend:
        try:
            results = search(
                backend,
                args.query,
                lang=args.lang,
                niche=args.niche,
                lead=args.lead,
                awareness=args.awareness,
                key=args.key,
                limit=args.limit,
                page=args.page,
            )
        except SearchQueryError as exc:
            err(exc.reason)
            return EXIT_USAGE
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
        print(f"{vsl.title or vsl.url}  [{vsl.key}]  {group.hit_count} hit(s)")
        for hit in group.hits:
            print(f"  {clock(hit.start):>8}  {hit.snippet.marked()}")
    print(f"{results.total_vsls} VSL(s), {results.total_hits} segment(s)")
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.services.reindex import reindex

    with search_index(settings) as index:
        report = reindex(sessions=sessions(settings), index=index)
    print(report.describe())
    return EXIT_OK


def _money(price: Any) -> str:
    return price.describe() if price is not None else "-"


def _summary(b: Any) -> str:
    from vsl_assets.core.humanize import clock

    lines = [
        f"language   {b.language or '?'}",
        f"niche      {b.niche or '?'}",
        f"lead       {b.lead_type or '?'}",
        f"awareness  {b.awareness or '?'}",
        f"offer      {_money(b.offer_price)}   anchor {_money(b.anchor_price)}",
        f"guarantee  {f'{b.guarantee_days} days' if b.guarantee_days is not None else '-'}",
        f"pitch at   {clock(b.pitch_s) if b.pitch_s is not None else '-'}",
        f"product    {b.product or '-'}   mechanism {b.mechanism or '-'}",
        f"hook       {b.hook or '-'}",
        f"engine     {b.engine} / {b.model}",
    ]
    if b.consistency:
        lines.append(f"note       {b.consistency}")
    if b.note:
        lines.append(f"note       {b.note}")
    lines.append("beats")
    lines += [f"  {clock(x.start):>8}  {x.beat:<10} {x.quote[:80]}" for x in b.beats]
    return "\n".join(lines)


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
    if args.json:
        doc = result.model_dump(mode="json")
        print(json.dumps({k: doc[k] for k in CORE_FIELDS}, ensure_ascii=False, indent=2))
    else:
        print(_summary(result))
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
    p.add_argument("--limit", type=int, default=20, help="VSLs per page (default 20)")
    p.add_argument("--page", type=int, default=1)
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("reindex", help="rebuild the search index from the database")
    p.set_defaults(func=cmd_reindex)
    p = sub.add_parser(
        "analyze", help="break down a transcript file (JSON, SRT, VTT or TXT): niche, lead, beats, offer"
    )
    p.add_argument("file", help="a stored transcript JSON, or an .srt/.vtt/.txt file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--engine", choices=("local", "openai"), help="default: VSL_BREAKDOWN_ENGINE")
    p.add_argument("--language", help="pt, en, es... (default: from the file, else guessed)")
    p.set_defaults(func=cmd_analyze, standalone=True)
