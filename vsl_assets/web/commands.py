"""The web side of the ``vsl`` command: ``web``, ``user add|list|disable|reset`` and
``token create|list|revoke``.

``register(subparsers)`` adds them to the CLI's parser; each handler is ``(args, settings) -> int``
like the others in ``vsl_assets.cli``.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
from typing import Any

from vsl_assets.db.engine import session_scope
from vsl_assets.errors import PermanentError
from vsl_assets.settings import Settings
from vsl_assets.web import tokens
from vsl_assets.web.users import UserError, add_user, disable_user, get_user, list_users, set_password

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


#: The app factory uvicorn's worker processes call (``module:function``): the entry point's, so
#: it can hand the app the orchestrator's partition port (the web package never imports Dagster).
DEFAULT_APP_FACTORY = "vsl_assets.web.app:app_from_env"


def default_workers() -> int:
    """One process per core, at least 2 (a slow request never blocks the next), at most 8."""
    return max(2, min(8, os.cpu_count() or 1))


def dagster_host_refusal(host: str, exposed: bool) -> str | None:
    """Why ``vsl up`` will not start the Dagster UI on ``host`` (None: it may).

    The Dagster UI has no login and can launch, cancel and wipe runs: reachable from the network
    it is an open door, so a non-loopback address needs ``--expose-dagster`` on purpose.
    """
    if host in LOOPBACK or exposed:
        return None
    return (
        f"refusing to serve the Dagster UI on {host}: it has no login, anyone who reaches it can launch and "
        "delete runs. Keep it on 127.0.0.1 and publish it through a reverse proxy with authentication "
        "(docs/security.md), or pass --expose-dagster if a firewall or such a proxy already guards that address."
    )


def cmd_web(args: argparse.Namespace, settings: Settings, app_factory: str = DEFAULT_APP_FACTORY) -> int:
    from vsl_assets.web.app import create_app
    from vsl_assets.web.workers import serve

    workers = args.workers or settings.web_workers or default_workers()
    if args.host not in LOOPBACK:
        _err(f"note: serving on {args.host}: anyone who can reach it sees the login page; put it behind TLS")
    create_app(settings)  # fail here, once, on a bad setting or database, not in every worker
    print(f"The Swipe: http://{args.host}:{args.port}/  (API docs at /docs; {workers} worker processes)", flush=True)
    # Worker processes rebuild the app from the environment (settings are read there again): the
    # app keeps no state of its own (sessions, tokens, login attempts are in the database).  Each
    # listens with its own socket on the port, so connections spread over them (web/workers).
    return serve(app_factory, args.host, args.port, workers)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass(f"password for {args.name}: ")
        again = getpass.getpass("again: ")
    except EOFError:  # no terminal and nothing piped (a script, cron): say so, not a traceback
        raise UserError(
            "no password read (no terminal here): type it at a prompt, or pipe it in with --password-stdin"
        ) from None
    if again != first:
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
    print(f"user {args.name} {'created' if created else 'updated (password changed; sessions and tokens ended)'}")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database) as s:
        rows = list_users(s)
    if not rows:
        print("no users yet: vsl user add NAME")
        return EXIT_OK
    print(f"{'user':<24} {'state':<9} {'sessions':>8} {'tokens':>7}  created")
    for u in rows:
        state = "disabled" if u.disabled else "active"
        print(f"{u.name:<24} {state:<9} {u.live_sessions:>8} {u.live_tokens:>7}  {u.created_at:%Y-%m-%d}")
    return EXIT_OK


def cmd_user_disable(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with session_scope(settings.database) as s:
            disable_user(s, get_user(s, args.name))
    except UserError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    print(f"user {args.name} disabled: sessions ended, tokens revoked (`vsl user reset {args.name}` enables it)")
    return EXIT_OK


def cmd_user_reset(args: argparse.Namespace, settings: Settings) -> int:
    try:
        with session_scope(settings.database) as s:
            user = get_user(s, args.name)
            set_password(s, user, _read_password(args))
    except UserError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    print(f"user {args.name}: new password; every session and token ended")
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace, settings: Settings) -> int:
    try:
        lifetime = tokens.parse_lifetime(args.expires)
        with session_scope(settings.database) as s:
            token, row = tokens.create_token(s, args.name, args.label, args.scope, lifetime)
            expires = f"expires {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else "never expires"
    except PermanentError as exc:
        _err(exc.reason)
        return EXIT_USAGE
    _err(f"API token, scope {args.scope}, {expires} (shown once; send it as `Authorization: Bearer <token>`):")
    print(token)
    return EXIT_OK


def cmd_token_list(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database) as s:
        user_id = get_user(s, args.user).id if args.user else None
        rows = tokens.list_tokens(s, user_id)
    print(f"{'id':>5} {'user':<16} {'label':<20} {'scope':<6} {'state':<8} {'last used':<17} expires")
    for t in rows:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        expires = f"{t.expires_at:%Y-%m-%d %H:%M}" if t.expires_at else "never"
        print(f"{t.id:>5} {t.user:<16} {t.label:<20} {t.scope:<6} {t.state:<8} {used:<17} {expires}")
    return EXIT_OK


def cmd_token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(settings.database) as s:
        done = tokens.revoke_token(s, args.id)
    if not done:
        _err(f"no live token with id {args.id} (see `vsl token list`)")
        return EXIT_FAILED
    print(f"token {args.id} revoked")
    return EXIT_OK


def register(subparsers: Any, app_factory: str = DEFAULT_APP_FACTORY) -> None:
    p = subparsers.add_parser("web", help="start the web app (The Swipe) alone")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, help="worker processes (default VSL_WEB_WORKERS or per core)")
    p.set_defaults(func=functools.partial(cmd_web, app_factory=app_factory), creates_database=True)  # as `vsl up`
    p = subparsers.add_parser("user", help="web app logins")
    users = p.add_subparsers(dest="user_command", required=True)
    q = users.add_parser("add", help="create a login (or change its password)")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    q.set_defaults(func=cmd_user_add, creates_database=True)  # the first login, before the app ever ran
    q = users.add_parser("list", help="logins, live sessions and tokens")
    q.set_defaults(func=cmd_user_list)
    q = users.add_parser("disable", help="stop a login: its sessions end and its tokens are revoked")
    q.add_argument("name")
    q.set_defaults(func=cmd_user_disable)
    q = users.add_parser("reset", help="a new password (enables a disabled login); sessions and tokens end")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    q.set_defaults(func=cmd_user_reset)
    p = subparsers.add_parser("token", help="API tokens for scripts")
    tokens_cmd = p.add_subparsers(dest="token_command", required=True)
    q = tokens_cmd.add_parser("create", help="print a new API token for user NAME")
    q.add_argument("name", help="the user the token acts as")
    q.add_argument("--label", default="cli", help="what the token is for")
    q.add_argument(
        "--scope", choices=tokens.SCOPES, default="write", help="read: list, search, media; write: also change"
    )
    q.add_argument("--expires", default="90d", help="lifetime: 90d (default), 12h, 2w, or never")
    q.set_defaults(func=cmd_token_create)
    q = tokens_cmd.add_parser("list", help="every token (or one user's): scope, last use, expiry, state")
    q.add_argument("--user", help="only this user's tokens")
    q.set_defaults(func=cmd_token_list)
    q = tokens_cmd.add_parser("revoke", help="revoke a token by id (from `vsl token list`)")
    q.add_argument("id", type=int)
    q.set_defaults(func=cmd_token_revoke)
