"""The ``vsl`` command: add URLs, watch their status, read transcripts, process without a daemon.

Errors go to stderr with a non-zero exit status; normal output goes to stdout so that
``vsl status --json`` can be piped.  ``vsl`` finds its project like :mod:`vsl_assets.settings`
does (``VSL_PROJECT_DIR``, the folders above the current one, the checkout it is installed from)
and works from the project's root, so it acts on the same database, storage and Dagster instance
as the running app whatever directory it is started in.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from vsl_assets import settings as settings_module
from vsl_assets.cli import ops, search, urls, watch
from vsl_assets.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, err, missing_database
from vsl_assets.db import engine as db_engine
from vsl_assets.errors import ConfigurationError, VslError
from vsl_assets.settings import Settings

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "build_parser", "locate", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vsl", description="VSL swipe file: URLs in, transcripts out.")
    sub = parser.add_subparsers(dest="command", required=True)
    urls.register(sub)
    ops.register(sub)
    from vsl_assets.web.commands import register as register_web

    register_web(sub, app_factory="vsl_assets.cli.webapp:app_from_env")  # web (with the partition port), user, token
    ops.register_up(sub)
    search.register(sub)
    watch.register(sub)
    return parser


def locate(cwd: Path, settings: Settings) -> Settings:
    """The settings to act on, or a :class:`ConfigurationError` saying what was looked for.

    Without a project, only an explicit database and an absolute storage root will do: anything
    else would silently create a second, empty database wherever ``vsl`` happens to run.
    """
    if settings.project_dir is not None:
        return settings
    if settings.database_url and settings.storage_dir.is_absolute():
        return settings
    raise ConfigurationError(settings_module.project_not_found_message(cwd))


def _may_create_database(args: argparse.Namespace) -> bool:
    """Whether this command may start a new library where none is: the README's first steps,
    ``./run.sh`` (``vsl up``, or ``vsl web`` alone), its first login (``vsl user add``, which
    ``run.sh`` and docs/using.md have made before the app ever ran) and the first ``vsl add`` (then
    ``vsl process`` without a daemon) set ``creates_database``, and say so when they do;
    ``vsl analyze`` opens no database.  Every other command reads or changes a library that must
    already exist (``missing_database``)."""
    return bool(getattr(args, "creates_database", False) or getattr(args, "standalone", False))


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout is not a file (tests, embedding)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("file", "out"):  # `add --file`, `analyze FILE`, `export --out`: before moving to the project
        value = getattr(args, name, None)
        if value and value != "-":
            setattr(args, name, str(Path(value).resolve()))
    try:
        settings = settings_module.current()
        if not getattr(args, "standalone", False):
            settings = locate(Path.cwd(), settings)
        db_engine.use_prepared_statements(settings.database_prepared_statements)
        if settings.project_dir is not None:
            # Relative paths in dagster.yaml are relative to the project, as for `dagster dev`.
            os.chdir(settings.project_dir)
        # Looked for where the command will open it (a relative SQLite URL is the project's).
        missing = missing_database(settings)
        if missing is not None and not _may_create_database(args):
            err(missing)  # opening it would make a new, empty library here and act on that
            return EXIT_USAGE
        if missing is not None:  # said first, so a library started in the wrong folder is seen at once
            notice = f"starting a new library at {db_engine.sqlite_file(settings.database)} (no app database was there)"
            if getattr(args, "notice_after_input", False):
                args.new_library_notice = notice  # said once its input is read: `vsl add --file /missing` starts none
            else:
                err(notice)
        return int(args.func(args, settings))
    except ConfigurationError as exc:
        err(exc.reason)
        return EXIT_USAGE
    except VslError as exc:  # e.g. a transcript file that cannot be read, an engine that failed
        err(exc.reason)
        return EXIT_FAILED
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except BrokenPipeError:  # `vsl search x --json | head`: the reader stopped reading, which is no error
        _silence_stdout()
        return EXIT_OK
    except OSError as exc:
        err(str(exc))
        return EXIT_FAILED
