"""Fixtures for the web app: a real database (SQLite, and PostgreSQL via the suite's server),
a real storage root, a user with a password and an API token, and a client of the real ASGI app."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from vsl_assets import settings as settings_module
from vsl_assets.db import dispose_all, session_scope
from vsl_assets.services import insights
from vsl_assets.settings import Settings
from vsl_assets.storage import StorageLayout
from vsl_assets.web import create_app, security, users
from vsl_assets.web.users import add_user, create_token
from vsl_assets_tests.servers import free_port as free_port  # the suite's one helper (servers/ports.py)
from vsl_assets_tests.servers import make_mp4

PASSWORD = "correct horse battery"
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

# The suite's passwords are hashed with scrypt N=2**4, not the product's 2**14 (~80 ms of CPU per
# hash, and the fast tier logs in about a hundred times). Every hash carries its own N, so
# verifying takes the same path; a user made by `vsl` in a child process still gets 2**14.
security._SCRYPT_N = 2**4
security.DUMMY_HASH = users.DUMMY_HASH = security.hash_password(secrets.token_hex(8))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives real Chromium through Playwright")


@dataclass
class Web:
    settings: Settings
    layout: StorageLayout
    client: TestClient
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def session(self) -> AbstractContextManager[Session]:
        return session_scope(self.settings.database)

    def login(self, client: TestClient | None = None) -> str:
        """Log ``client`` in through the form; returns the session's CSRF token."""
        client = client or self.client
        page = client.get("/login")
        token = csrf_of(page.text)
        done = client.post(
            "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        return csrf_of(client.get("/add").text)


def start_vsl_web(port: int, *extra: str) -> subprocess.Popen[str]:
    """``vsl web --port PORT [EXTRA...]`` as the CLI runs it, in a child process with the test's
    environment; its output (stdout and stderr together) on ``proc.stdout``."""
    code = (
        "import argparse, sys\n"
        "from vsl_assets import settings\n"
        "from vsl_assets.web.commands import register\n"
        "p = argparse.ArgumentParser(); register(p.add_subparsers(dest='c'))\n"
        f"a = p.parse_args({['web', '--port', str(port), *extra]!r})\n"
        "sys.exit(a.func(a, settings.current()))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def csrf_of(html: str) -> str:
    found = _CSRF_RE.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def make_web(
    database_url: str,
    storage: Path,
    monkeypatch: pytest.MonkeyPatch,
    partitions: object = None,
    token: str | None = None,
) -> Iterator[Web]:
    """The app over ``database_url``; ``token``: the database already holds ana and that token
    (a copy of :func:`web_template`), else they are created here."""
    monkeypatch.setenv("VSL_STORAGE_DIR", str(storage))
    monkeypatch.setenv("VSL_DATABASE_URL", database_url)
    settings = settings_module.current()
    if token is None:
        with session_scope(settings.database) as s:
            add_user(s, "ana", PASSWORD)
            token = create_token(s, "ana", "tests")
    app = create_app(settings, partitions=partitions)  # type: ignore[arg-type]
    with TestClient(app) as client:
        yield Web(settings, StorageLayout(settings.storage_root), client, token)
    dispose_all()


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A migrated SQLite app database holding ana, her API token and the (empty) insight counts,
    made once per worker: each web test copies it (migrating, hashing a password and building the
    counts cost ~0.2 s of CPU per test)."""
    root = tmp_path_factory.mktemp("web_template")
    with session_scope(f"sqlite:///{root / 'vsl.db'}") as s:
        add_user(s, "ana", PASSWORD)
        token = create_token(s, "ana", "tests")
        # The insight counts an app builds as it starts on a new database (~0.05 s of CPU each
        # time); test_insight_counts starts one on a database without them.
        insights.ensure_counts(s, Settings().breakdown_min_confidence)
    dispose_all()  # the last connection closed: the WAL is checkpointed into vsl.db
    assert not list(root.glob("vsl.db-*")), "the template database is not one file"
    return root / "vsl.db", token


def sqlite_from_template(template: tuple[Path, str], storage: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """:func:`make_web` over a copy of the template database under ``storage``."""
    storage.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template[0], storage / "vsl.db")
    yield from make_web(f"sqlite:///{storage / 'vsl.db'}", storage, monkeypatch, token=template[1])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def web(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    if request.param == "postgres":
        server = request.getfixturevalue("postgres")
        name = "web_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:40]
        yield from make_web(server.create_database(name), tmp_path / "storage", monkeypatch)
    else:
        yield from sqlite_from_template(request.getfixturevalue("web_template"), tmp_path / "storage", monkeypatch)


@pytest.fixture(scope="session")
def small_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 4-second H.264 MP4 (posters, Range requests, the player)."""
    return make_mp4(tmp_path_factory.mktemp("mp4") / "v.mp4", None, duration_s=4.0)


@pytest.fixture
def sqlite_web(web_template: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    yield from sqlite_from_template(web_template, tmp_path / "storage", monkeypatch)


def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every route of an app or router, those of included routers too."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)  # FastAPI >= 0.16x wraps included routers
        if inner is not None:
            yield from api_routes(inner.routes)
