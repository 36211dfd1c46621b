"""``vsl process`` (pending URLs through the pipeline in this process) and ``vsl export`` (the
catalog, or one VSL's swipe document).

Dagster and the exporters are imported inside the commands: ``vsl status`` should not pay for them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vsl_assets.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, LANG_HELP, err, instance, sessions, ui_language
from vsl_assets.core.humanize import counted
from vsl_assets.settings import Settings


def cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from dagster import DagsterInstance

    from vsl_assets.defs.inprocess import InProcessRunner
    from vsl_assets.defs.partitions import InstancePartitions
    from vsl_assets.defs.reconcile import reconcile
    from vsl_assets.defs.resources import DatabaseResource
    from vsl_assets.services.process import pending_keys, process_pending

    dagster = instance(settings) or DagsterInstance.ephemeral()
    # Without a daemon nobody else notices a `vsl process` that was killed mid-run.
    fixed = reconcile(
        dagster,
        DatabaseResource(url=settings.database, worker_name=settings.worker_name or ""),
        crash_retries=settings.crash_retries,
    )
    if fixed["failed"] or fixed["requeued"]:
        print(
            f"reconciled: {counted(fixed['failed'], 'abandoned URL')} failed ({fixed['resumed']} of them re-queued after "
            f"a crash), {fixed['requeued']} re-queued"
        )
    runner = InProcessRunner(dagster)
    keys = pending_keys(sessions(settings), args.limit if args.limit and args.limit > 0 else settings.sensor_batch)
    if not keys:
        print("nothing pending")
        return EXIT_OK
    failed = 0
    for done in process_pending(
        keys, sessions=sessions(settings), runner=runner, partitions=InstancePartitions(dagster), force=args.force
    ):
        failed += not done.ok
        print(done.describe())
    print(f"processed {len(keys)}: {len(keys) - failed} ok, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def _export_vsl(args: argparse.Namespace, settings: Settings, out: Path | None) -> int:
    """``vsl export --vsl KEY --format md|docx|pdf``: the swipe document the VSL page links."""
    from vsl_assets.services.export import RAW, SWIPE_FORMATS, swipe_document

    if args.format not in SWIPE_FORMATS:
        err(f"--vsl exports a swipe document: --format {' or '.join(SWIPE_FORMATS)}")
        return EXIT_USAGE
    if out is None and args.format != "md":
        err(f"{args.format} is binary: give --out PATH")
        return EXIT_USAGE
    words = RAW
    if args.lang:
        lang = ui_language(args.lang)
        if lang is None:
            return EXIT_USAGE
        from vsl_assets.web.i18n import export_words  # Babel and the catalogs: only when asked

        words = export_words(lang)
    with sessions(settings)() as s:
        found = swipe_document(s, args.vsl, args.format, min_confidence=settings.breakdown_min_confidence, words=words)
    if found is None:
        err(f"no URL with key {args.vsl}")
        return EXIT_FAILED
    data, _name = found
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        out.write_bytes(data)
        print(f"{args.vsl} written to {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from vsl_assets.services.export import ExportError, export_catalog

    out = None if args.out in (None, "-") else Path(args.out)
    args.format = args.format or ("md" if args.vsl else "csv")
    if args.vsl:
        return _export_vsl(args, settings, out)
    try:
        done = export_catalog(
            sessions=sessions(settings), fmt=args.format, out=out, min_confidence=settings.breakdown_min_confidence
        )
    except ExportError as exc:
        err(str(exc))
        return EXIT_USAGE
    if done.text is not None:
        sys.stdout.write(done.text)
    else:
        print(f"{done.rows} VSLs written to {done.path}")
    return EXIT_OK


def register_process(sub: Any) -> None:
    p = sub.add_parser("process", help="materialize pending URLs in this process (no daemon needed)")
    p.add_argument("--limit", type=int, default=0, help="at most N URLs (default: VSL_SENSOR_BATCH)")
    p.add_argument("--force", action="store_true", help="redo work even where valid outputs exist")
    p.set_defaults(func=cmd_process)


def register_export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="the catalog: one row per VSL (status, duration, niche, lead, offer...); --vsl: one swipe document",
    )
    p.add_argument("--format", choices=("csv", "parquet", "json", "md", "docx", "pdf"), default=None)
    p.add_argument("--vsl", metavar="KEY", help="one VSL as a swipe document (--format md, docx or pdf)")
    p.add_argument("--out", help="file to write (default: stdout; required for parquet)")
    p.add_argument(
        "--lang",
        help=f"with --vsl: headings, labels and money in this language, {LANG_HELP} (default: English with the codes)",
    )
    p.set_defaults(func=cmd_export)
