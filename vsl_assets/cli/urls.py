"""``vsl add``, ``status``, ``show``, ``retry``, ``remove``: the URLs' life (``process`` and ``export``
are ``cli/pipeline``, registered here so ``vsl --help`` lists them in the same order)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vsl_assets.cli import pipeline
from vsl_assets.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    LANG_HELP,
    err,
    human_reason,
    partitions,
    search_index,
    sessions,
    ui_language,
)
from vsl_assets.db import Url, UrlStatus, repo, session_scope
from vsl_assets.net.guard import NetPolicy
from vsl_assets.services import intake
from vsl_assets.settings import Settings, retranscribe_language, url_language
from vsl_assets.storage import StorageLayout, validate_key
from vsl_assets.storage.objectstore import store_for
from vsl_assets.transcription.writers import OUTPUT_EXTENSIONS


def _read_file(path: Path) -> str | None:
    """``--file``'s text; else None, the reason said as a person can act on it (not "[Errno 2] ...")."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        err(f"--file {path}: no such file")
    except IsADirectoryError:
        err(f"--file {path}: is a folder, not a file of URLs")
    except UnicodeDecodeError as exc:
        err(f"--file {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again")
    return None


def _read_urls(args: argparse.Namespace) -> list[str] | None:
    """The URLs given and those of ``--file``; None when the file cannot be read (said on stderr)."""
    urls = list(args.urls)
    if args.file:
        text = sys.stdin.read() if args.file == "-" else _read_file(Path(args.file))
        if text is None:
            return None
        urls += [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return urls


def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    lang = ui_language(args.lang)
    if lang is None:
        return EXIT_USAGE
    raw = _read_urls(args)
    if raw is None:
        return EXIT_USAGE
    if not raw:
        err("no URLs given (pass URLs or --file FILE)")
        return EXIT_USAGE
    try:
        language = url_language(args.language)
    except ValueError as exc:
        err(f"invalid --language {args.language!r}: {exc}")
        return EXIT_USAGE
    if getattr(args, "new_library_notice", None):  # the input is good: this add starts the library
        err(args.new_library_notice)
    with session_scope(settings.database) as s:
        report = intake.add_urls(
            s,
            raw,
            partitions=partitions(settings),
            net=NetPolicy.from_settings(settings),
            tracking=settings.url_tracking_params,
            language=language,
        )
    for item in report.refused:
        err(f"invalid URL {item.url[:200]!r}: {item.error}")
    for note in report.notes:
        err(note)
    words = add_words(lang)
    for item in report.accepted:
        state = words["added"] if item.added else f"{words['known']} ({item.status})"
        print(f"{item.partition_key}\t{state}\t{item.url}")
        if item.warning:
            err(f"note: {intake.refusal_note(item)}")
    err(add_summary(lang, report.added, report.known, report.invalid))
    return EXIT_USAGE if report.invalid else EXIT_OK


def add_words(lang: str) -> dict[str, str]:
    """Each accepted URL's state as ``vsl add`` prints it: new, or already in the library (as the
    Add page and ``POST /api/urls`` tell them apart), in ``lang``."""
    from vsl_assets.web.i18n import translate

    return {"added": translate(lang, "added"), "known": translate(lang, "already in the library")}


def add_summary(lang: str, added: int, known: int, invalid: int) -> str:
    """What one ``vsl add`` did, counted as the Add page counts it: "2 URLs added · 1 was already in
    the library · 1 invalid URL refused" (a URL already known is not one more "accepted")."""
    from vsl_assets.web.i18n import fmt_number, translate

    def n(count: int, one: str, many: str) -> str:
        return f"{fmt_number(lang, count)} {translate(lang, one if count == 1 else many)}"

    parts = [n(added, "URL added", "URLs added") if added else translate(lang, "No new URL")]
    if known:
        parts.append(n(known, "was already in the library", "were already in the library"))
    if invalid:
        parts.append(n(invalid, "invalid URL refused", "invalid URLs refused"))
    return " · ".join(parts)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    lang = ui_language(args.lang)
    if lang is None:
        return EXIT_USAGE
    with session_scope(settings.database) as s:
        rows = repo.status_rows(s, args.status)
    for r in rows:  # as the web app words it; ``reason`` stays as the pipeline wrote it
        r["reason_text"] = human_reason(lang, r["reason"]) or None
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(f"no URL is {args.status}" if args.status else "no URLs yet: add some with `vsl add URL`")
        return EXIT_OK
    for r in rows:
        reason = f"  — {r['reason_text']}" if r["reason_text"] else ""
        if r["alias_of"]:
            reason = f"  — same video as {r['alias_of']}"
        print(f"{r['partition_key']:<40} {r['status']:<15} {r['url']}{reason}")
        if args.workers and r["steps"]:
            print("    " + "  ".join(f"{j['step']}={j['outcome']}@{j['worker']}" for j in r["steps"]))
    return EXIT_OK


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    lang = ui_language(args.lang)
    if lang is None:
        return EXIT_USAGE
    try:
        key = validate_key(args.key)
    except ValueError:
        err(f"{args.key!r} is not a partition key (see `vsl status`)")
        return EXIT_USAGE
    with session_scope(settings.database) as s:
        row = repo.get_url(s, key)
        original = s.get(Url, row.alias_of) if row is not None and row.alias_of is not None else None
        original_key = original.partition_key if original is not None else None
    if row is None:
        err(f"no URL with key {key}")
        return EXIT_FAILED
    if original_key is not None:  # an alias has no transcript of its own: say whose it is
        err(f"{key} is the same video as {original_key}: vsl show {original_key}")
        return EXIT_FAILED
    path = StorageLayout(settings.storage_root).transcript_path(key, args.format)
    if not store_for(settings).fetch(path):
        if row.status == "failed":  # "yet" promised one that is not coming: say how to try again
            why = f" ({human_reason(lang, row.reason)})" if row.reason else ""
            err(f"{key} has no transcript: it failed{why}; `vsl retry {key}` tries again")
        else:
            why = f": {human_reason(lang, row.reason)}" if row.reason else ""
            err(f"{key} has no transcript yet (status {row.status}{why})")
        return EXIT_FAILED
    sys.stdout.write(path.read_text(encoding="utf-8"))
    return EXIT_OK


def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    if not args.keys and not args.failed:
        err("name partition keys or pass --failed")
        return EXIT_USAGE
    redo = args.redo_from == "transcript"
    if (args.language or args.model) and not redo:
        err("--language and --model apply to a re-transcription: add --from transcript")
        return EXIT_USAGE
    try:
        language = retranscribe_language(args.language)
    except ValueError as exc:
        err(f"invalid --language {args.language!r}: {exc}")
        return EXIT_USAGE
    model = (args.model or "").strip() or None
    with session_scope(settings.database) as s:
        keys = list(args.keys) + (repo.failed_keys(s) if args.failed else [])
        unknown = [k for k in args.keys if repo.get_url(s, k) is None]
        wanted = [k for k in dict.fromkeys(keys) if k not in unknown]
        done = repo.retranscribe(s, wanted, language=language, model=model) if redo else repo.requeue(s, wanted)
    for k in unknown:
        err(f"no URL with key {k}")
    for k in done:
        print(f"{k}\tre-queued" + (" to be transcribed again" if redo else ""))
    if not done and not unknown:
        print("nothing to retry")
    return EXIT_FAILED if unknown else EXIT_OK


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    """Forget URLs: rows, files (and their objects in the shared store), search documents and partitions."""
    from vsl_assets.services.removal import Removed, remove_urls

    with search_index(settings) as index:
        outcomes = remove_urls(
            args.keys,
            sessions=sessions(settings),
            store=store_for(settings),
            index=index,
            partitions=partitions(settings),
        )
    for r in outcomes:
        if r.reason:
            err(r.reason)
        else:
            print(f"{r.key}\tremoved")
    if any(r.outcome is Removed.INVALID for r in outcomes):
        return EXIT_USAGE
    return EXIT_FAILED if any(r.outcome is Removed.UNKNOWN for r in outcomes) else EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("add", help="add URLs (validated, de-duplicated) as pending_ingest")
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--file", "-f", help="file with one URL per line ('-' = stdin)")
    p.add_argument("--language", "-l", help="the VSLs' language (pt, en, es...): transcribed in it instead of detected")
    p.add_argument("--lang", help=f"what it did, worded in {LANG_HELP} (default: en)")
    p.set_defaults(func=cmd_add, creates_database=True, notice_after_input=True)  # the first URL starts a library
    p = sub.add_parser("status", help="list URLs with status and reason")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    # choices: a typo ("--status faild") was "no URLs yet: add some", as if the library were empty
    p.add_argument(
        "--status", choices=[str(s) for s in UrlStatus], metavar="S", help="only URLs with this status: %(choices)s"
    )
    p.add_argument(
        "--workers", "-w", action="store_true", help="also show each step's outcome and the worker that ran it"
    )
    p.add_argument("--lang", help=f"failure reasons worded as the web app shows them in {LANG_HELP} (default: en)")
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("show", help="print a transcript")
    p.add_argument("key")
    p.add_argument("--format", choices=OUTPUT_EXTENSIONS, default="txt")
    p.add_argument("--lang", help=f"the failure reason (no transcript yet) in {LANG_HELP} (default: en)")
    p.set_defaults(func=cmd_show)
    pipeline.register_process(sub)
    p = sub.add_parser("retry", help="re-queue URLs (the sensor or `vsl process` picks them up)")
    p.add_argument("keys", nargs="*", metavar="KEY")
    p.add_argument("--failed", action="store_true", help="re-queue every failed URL")
    p.add_argument(
        "--from",
        dest="redo_from",
        choices=["failed-step", "transcript"],
        default="failed-step",
        help="failed-step (default): resume, reusing every valid output; transcript: transcribe again "
        "(the audio is reused) and redo everything after it",
    )
    p.add_argument(
        "--language", "-l", help="with --from transcript: the language to transcribe in (kept; auto = detect again)"
    )
    p.add_argument("--model", help="with --from transcript: a Whisper model name or directory for this URL (kept)")
    p.set_defaults(func=cmd_retry)
    p = sub.add_parser("remove", help="forget URLs: rows, media, transcripts, breakdowns, search documents")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p.set_defaults(func=cmd_remove)
    pipeline.register_export(sub)
