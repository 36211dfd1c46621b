"""``vsl watch on|off|list|check``: the watch from a terminal (the same service as the schedule)."""

from __future__ import annotations

import argparse
from functools import partial
from typing import Any

from sqlalchemy import select

from vsl_assets.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    LANG_HELP,
    err,
    partitions,
    sessions,
    ui_language,
)
from vsl_assets.db import Board, BoardItem, Url, repo, session_scope
from vsl_assets.services import watch
from vsl_assets.settings import Settings


def _url_ids(args: argparse.Namespace, settings: Settings) -> tuple[list[int], list[str]] | None:
    """The URL ids and keys named (keys, or a board's items); None after saying what is wrong, in
    the words (and, from ``cmd_watch``, the exit status 1) of every other command for a missing one."""
    with session_scope(settings.database) as s:
        if args.board is not None:
            if s.get(Board, args.board) is None:
                err(f"no board {args.board}")
                return None
            rows = s.execute(
                select(Url.id, Url.partition_key)
                .join(BoardItem, BoardItem.url_id == Url.id)
                .where(BoardItem.board_id == args.board)
            ).all()
            return [r[0] for r in rows], [r[1] for r in rows]
        ids, keys = [], []
        for key in args.keys:
            row = repo.get_url(s, key)
            if row is None:
                err(f"no URL with key {key}")
                return None
            ids.append(watch.page_id_of(s, row.id))  # a version's switch is its page's
            keys.append(key)
        return ids, keys


def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    lang = ui_language(args.lang)
    if lang is None:
        return EXIT_USAGE
    cfg = watch.WatchConfig.from_settings(settings)
    if args.action in ("on", "off", "check") and not args.keys and args.board is None:
        err(f"vsl watch {args.action}: name KEYs or --board ID")
        return EXIT_USAGE
    if args.action in ("on", "off"):
        found = _url_ids(args, settings)
        if found is None:
            return EXIT_FAILED  # as `vsl show`, `vsl retry`: what was named is not there
        on = args.action == "on"
        with session_scope(settings.database) as s:
            if args.board is not None:
                watch.set_switch(s, board_id=args.board, on=on)
                print(f"board {args.board}\twatch {args.action}\t{len(found[0])} URLs")
            else:
                watch.set_switch(s, url_ids=found[0], on=on)
                for key in found[1]:
                    print(f"{key}\twatch {args.action}")
        return EXIT_OK
    if args.action == "list":
        with session_scope(settings.database) as s:
            pages = watch.watched_pages(s, cfg.all_pages)
            lives = watch.longevity(s, [p[0] for p in pages], cfg.all_pages)
            for url_id, key, url in pages:
                print(f"{key}\t{_life(lives[url_id], lang)}\t{url}")
        return EXIT_OK
    found = _url_ids(args, settings)
    if found is None:
        return EXIT_FAILED
    summary = watch.run_checks(sessions(settings), cfg, partitions=partitions(settings), keys=found[1])
    for line in check_report(lang, summary):
        print(line)
    return EXIT_FAILED if summary.failed and summary.failed == summary.checked else EXIT_OK


#: ``vsl watch check``'s count line, a catalog text (``{n:one|many}`` picks the word by ``n``).
CHECK_LINE = (
    "checked {checked}: {unchanged} unchanged{by_etag}, {changed} changed, {failed} failed, {down} down; "
    "{requests} {requests:request|requests}"
)
BY_ETAG = " ({n} by ETag)"


def check_report(lang: str, summary: watch.RunSummary) -> list[str]:
    """What ``vsl watch check`` prints, in ``lang`` (``--lang``, as ``vsl add`` and ``vsl status``):
    the counts, then each page found down or failing with its reason ("1 down" alone leaves the
    reader guessing), then each event as the Changes page words it ("page: new VSL version —
    version 2 (page-v2)"), never its code ("new_version page-v2").

    The counts (``checked 2: 2 unchanged (1 by ETag), 0 changed, 0 failed, 0 down; 2 requests``)
    add up to the pages checked: "unchanged" once counted only the answers to the ETag (304), so a
    page fetched again and found playing the same video was in none of them."""
    from vsl_assets.web.i18n import plural_format, translate

    words = partial(translate, lang)

    unchanged = summary.checked - summary.changed - summary.failed - summary.down
    by_etag = plural_format(words(BY_ETAG), n=summary.not_modified) if summary.not_modified else ""
    lines = [
        plural_format(
            words(CHECK_LINE),
            checked=summary.checked,
            unchanged=unchanged,
            by_etag=by_etag,
            changed=summary.changed,
            failed=summary.failed,
            down=summary.down,
            requests=summary.requests,
        )
    ]
    lines += [f"{key}\t{words(what)}: {why or words('no reason given')}" for key, what, why in summary.problems]
    lines += [watch.describe(told, told.key, words) for told in summary.events]
    return lines


def _life(life: watch.Longevity, lang: str = "en") -> str:
    """A page's life as the pages say it, in ``lang`` (``--lang``): a URL never seen with a video is
    not "down" (it never was up), and a page first seen today is "live since today", not "live for
    0 days" (``Longevity.summary``)."""
    from vsl_assets.web.i18n import fmt_number, reason, translate

    words = partial(translate, lang)
    if life.down_since is not None and life.last_live_at is None:
        why = f": {reason(lang, life.down_reason).text}" if life.down_reason else ""
        return words("no video found at this address") + why
    return life.summary(words, partial(fmt_number, lang)) or words("not checked yet")


def register(sub: Any) -> None:
    p = sub.add_parser("watch", help="watch sales pages over time: on/off per URL or board, list, check now")
    p.add_argument("action", choices=("on", "off", "list", "check"))
    # default: without one argparse lists KEY as required when the action is missing ("action, KEY")
    p.add_argument("keys", nargs="*", metavar="KEY", default=[])
    p.add_argument("--board", type=int, help="a board's id: its VSLs (on/off switch the board itself)")
    p.add_argument("--lang", help=f"the language list and check are worded in: {LANG_HELP} (default en)")
    p.set_defaults(func=cmd_watch)
