"""What every ``vsl`` command shares: exit codes, the error line, the Dagster instance, the ports."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vsl_assets.db import session_scope
from vsl_assets.services.ports import PartitionPort, Sessions
from vsl_assets.settings import Settings

if TYPE_CHECKING:
    from dagster import DagsterInstance

    from vsl_assets.search import SearchBackend

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def err(message: str) -> None:
    print(f"vsl: {message}", file=sys.stderr)


def own_command(project_dir: Path | None, executable: str = sys.executable) -> str:
    """How the reader calls this ``vsl`` from the project's folder: ``.venv/bin/vsl`` when it lives
    in the project (``run.sh`` puts ``.venv/bin`` on its own PATH, not on the reader's shell's, so a
    bare ``vsl`` there is "command not found"), its full path elsewhere, ``vsl`` when it has none."""
    found = Path(executable).parent / "vsl"
    if not found.is_file():
        return "vsl"
    if project_dir is not None and found.is_relative_to(project_dir):
        return str(found.relative_to(project_dir))
    return str(found)


#: ``--lang``'s help: the web app's languages (``web.i18n.LANGUAGES``, not imported for a help line).
LANG_HELP = "en, pt-BR or es"


def ui_language(value: str | None) -> str | None:
    """``--lang`` checked against the web app's languages (``vsl export --vsl``, ``status``, ``show``):
    the language, or None after saying what to give (exit 2).  Blank: English."""
    if not value:
        return "en"
    from vsl_assets.web.i18n import LANGUAGES  # Babel and the catalogs: only when a command words things

    if value not in LANGUAGES:
        err(f"--lang {value!r}: use one of {', '.join(LANGUAGES)}")
        return None
    return value


def human_reason(lang: str, raw: str | None) -> str:
    """A failure reason as the web app shows it (``web.i18n.reason``): a known one in ``lang``'s
    words ("not a video or a sales page: ..."), any other as the pipeline wrote it."""
    if not raw:
        return ""
    from vsl_assets.web.i18n import reason

    return reason(lang, raw).text


def missing_database(settings: Settings) -> str | None:
    """Why a command must not open the app database, or None (``main`` asks it for every command
    but those that may start a library): a SQLite file that does not
    exist means ``vsl`` runs without the app's environment (another folder, no ``.env``, no
    ``VSL_DATABASE_URL``); opening it would make a new, empty database there and act on it."""
    from vsl_assets.db.engine import sqlite_file

    path = sqlite_file(settings.database)
    if path is None or path.exists():
        return None
    where = f"the project {settings.project_dir}" if settings.project_dir else "this folder"
    return (
        f"no app database at {path} (from {where}): vsl is not running with the app's environment. Run it in "
        "the app's project, set VSL_PROJECT_DIR to it, or set VSL_DATABASE_URL to the app's database "
        "(a new library starts with ./run.sh or vsl add URL)"
    )


def sessions(settings: Settings) -> Sessions:
    return lambda: session_scope(settings.database)


def instance(settings: Settings) -> DagsterInstance | None:
    """The Dagster instance of ``DAGSTER_HOME``, else of the project (which holds ``dagster.yaml``).

    Imported lazily: ``vsl status`` and ``vsl show`` never load Dagster.
    """
    home = settings.instance_dir
    if home is None:
        return None
    from dagster import DagsterInstance

    return DagsterInstance.from_config(str(home))


def partitions(settings: Settings) -> PartitionPort | None:
    """The Dagster side's partition port, opened at first use (or None without an instance)."""
    if settings.instance_dir is None:
        return None
    from vsl_assets.defs.partitions import partitions_for

    return partitions_for(settings.instance_dir)


@contextlib.contextmanager
def search_index(settings: Settings) -> Iterator[SearchBackend]:
    """The search backend for this command: schema ensured, closed afterwards (a PostgreSQL pool)."""
    from vsl_assets.search import open_search

    backend = open_search(settings.database, engine=settings.search_backend)
    try:
        backend.ensure_schema()
        yield backend
    finally:
        backend.close()
