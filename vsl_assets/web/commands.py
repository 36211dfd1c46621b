"""The web side of the ``vsl`` command: ``web``, ``user add`` and ``token create``.

``register(subparsers)`` adds them to the CLI's parser; each handler is ``(args, settings) -> int``
like the others in ``vsl_assets.cli``.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable
from typing import Any

from vsl_assets.db.engine import session_scope
from vsl_assets.services.ports import PartitionPort
from vsl_assets.settings import Settings
from vsl_assets.web.users import UserError, add_user, create_token

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _err(message: str) -> None:
    print(message, file=sys.stderr)


#: How the entry point gives the web app the orchestrator's partitions (the web never imports Dagster).
PartitionsFor = Callable[[Settings], PartitionPort | None]


def cmd_web(args: argparse.Namespace, settings: Settings, partitions_for: PartitionsFor | None = None) -> int:
    import uvicorn

    from vsl_assets.web.app import create_app

    app = create_app(settings, partitions=partitions_for(settings) if partitions_for else None)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _err(f"note: serving on {args.host}: anyone who can reach it sees the login page; put it behind TLS")
    print(f"The Swipe: http://{args.host}:{args.port}/  (API docs at /docs)", flush=True)
    # proxy_headers: behind a TLS proxy on this machine, X-Forwarded-Proto makes cookies Secure.
    uvicorn.run(
        app, host=args.host, port=args.port, proxy_headers=True, forwarded_allow_ips="127.0.0.1", log_level="info"
    )
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise UserError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        password = _read_password(args)
        with session_scope(settings.database) as s:
            user = add_user(s, args.name, password)
            created = user.session_version == 1
    except UserError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    print(f"user {args.name} {'created' if created else 'updated (password changed; old sessions ended)'}")
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with session_scope(settings.database) as s:
            token = create_token(s, args.name, args.label)
    except UserError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    _err("API token (shown once; send it as `Authorization: Bearer <token>`):")
    print(token)
    return EXIT_OK


def register(subparsers: Any, partitions_for: PartitionsFor | None = None) -> None:
    p = subparsers.add_parser("web", help="start the web app (The Swipe) alone")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=functools.partial(cmd_web, partitions_for=partitions_for))
    p = subparsers.add_parser("user", help="web app logins")
    users = p.add_subparsers(dest="user_command", required=True)
    q = users.add_parser("add", help="create a login (or change its password)")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    q.set_defaults(func=cmd_user_add)
    p = subparsers.add_parser("token", help="API tokens for scripts")
    tokens = p.add_subparsers(dest="token_command", required=True)
    q = tokens.add_parser("create", help="print a new API token for user NAME")
    q.add_argument("name", help="the user the token acts as")
    q.add_argument("--label", default="cli", help="what the token is for")
    q.set_defaults(func=cmd_token_create)
