"""What a read costs the database: statements and round trips per request for the library page
and the API list (issue 26's throughput work), and that the cheaper paths keep their answers.

The figures themselves are ``benchmarks/bench_web.py``'s; these tests keep the count of
statements from creeping back (each one was a round trip to PostgreSQL) and check what the
shortcuts could break: the library's total, atomic writes, a connection the server dropped.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from vsl_assets.db import engine as db_engine
from vsl_assets.db import get_engine
from vsl_assets.db.models import Url, utcnow
from vsl_assets.db.watch_models import WatchVersion
from vsl_assets.db.web_models import ApiToken, WebSession
from vsl_assets.web.sessions import TOUCH_EVERY_S
from vsl_assets_tests.conftest import require
from vsl_assets_tests.servers.postgres import PostgresServer
from vsl_assets_tests.web.conftest import Web, make_web


@dataclass
class Seen:
    statements: list[str] = field(default_factory=list)
    #: psycopg2's ``autocommit`` when each statement ran (False: a BEGIN went before it).
    autocommit: list[bool] = field(default_factory=list)


@contextmanager
def statements(web: Web) -> Iterator[Seen]:
    engine = get_engine(web.settings.database)
    seen = Seen()

    def record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        executed = re.search(r"\bEXECUTE (vsl_\w+)", statement)
        if executed:  # a prepared statement (db.engine.PREPARED): recorded as the text it prepared
            prepared = [p for name, p, _ in db_engine._prepared.values() if name == executed.group(1)]
            statement = prepared[0] if prepared else statement
        seen.statements.append(" ".join(statement.split()))
        seen.autocommit.append(bool(getattr(conn.connection.dbapi_connection, "autocommit", False)))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_vsls(web: Web, n: int) -> list[str]:
    with web.session() as s:
        rows = [
            Url(url=f"https://example.com/vsl/{i}", partition_key=f"example-com-vsl-{i}", status="analyzed")
            for i in range(n)
        ]
        s.add_all(rows)
    return [r.partition_key for r in rows]


def test_the_api_list_and_the_library_page_cost_two_statements(web: Web) -> None:
    """The login's lookup (one query, joined with the user) and the page with its total (one
    query): no pre-ping, no separate count, and on PostgreSQL no BEGIN/COMMIT around a read."""
    add_vsls(web, 30)
    web.login()
    for path, headers in (("/api/vsls", web.bearer), ("/", {})):
        web.client.get(path, headers=headers)  # the first use may record the last-use time
        with statements(web) as seen:
            answer = web.client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        assert len(seen.statements) == 2, (path, seen.statements)
        assert "api_tokens" in seen.statements[0] or "web_sessions" in seen.statements[0]
        assert "FROM urls" in seen.statements[1] and "count(*)" in seen.statements[1]
        if web.settings.database.startswith("postgresql"):
            assert all(seen.autocommit), f"{path} read inside a transaction: {seen.statements}"
    assert web.client.get("/api/vsls", headers=web.bearer).json()["total"] == 30


def test_the_api_list_and_the_library_page_take_two_trips_to_the_threadpool(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip from the event loop to a worker thread and back is a hand-off that queues behind
    every other request under load: the login's lookup and the route itself, nothing more (the
    filters dependency without a board, the session's close after a read, run on the loop)."""
    import anyio.to_thread

    web = sqlite_web
    add_vsls(web, 30)
    web.login()
    trips: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    for path, headers in (("/api/vsls", web.bearer), ("/", {}), ("/api/vsls?niche=health", web.bearer)):
        web.client.get(path, headers=headers)  # the first use may record the last-use time
        trips.clear()
        answer = web.client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        assert len(trips) == 2, (path, trips)
    # A board filter still goes to the database (in the threadpool) to check the viewer may use it.
    trips.clear()
    assert web.client.get("/api/vsls?board=1", headers=web.bearer).json()["total"] == 0
    assert len(trips) == 3, trips


def test_a_write_still_runs_in_one_transaction_after_reads(web: Web) -> None:
    """Reads hand their connections back in autocommit: the pool must clear it, or a later
    POST's writes would each commit on their own and an error half-way would keep half."""
    for _ in range(3):
        assert web.client.get("/api/vsls", headers=web.bearer).status_code == 200
    with statements(web) as seen:
        done = web.client.post("/api/urls", json={"urls": ["https://example.com/a-new-vsl"]}, headers=web.bearer)
    assert done.status_code in (200, 201), done.text
    writes = [a for s, a in zip(seen.statements, seen.autocommit, strict=True) if s.startswith(("INSERT", "UPDATE"))]
    assert writes and not any(writes), seen.statements
    if web.settings.database.startswith("postgresql"):
        with get_engine(web.settings.database).connect() as conn:
            assert conn.connection.dbapi_connection.autocommit is False


def test_the_total_leaves_out_later_versions_with_and_without_filters(sqlite_web: Web) -> None:
    web = sqlite_web
    keys = add_vsls(web, 6)
    with web.session() as s:
        ids = {k: i for k, i in s.execute(select(Url.partition_key, Url.id))}
        s.execute(select(Url).where(Url.partition_key == keys[1])).scalar_one().status = "failed"
        # keys[0]'s page played a second stream, processed as keys[5]: one card, not two.
        s.add(WatchVersion(url_id=ids[keys[0]], number=1, identity="a", version_url_id=ids[keys[0]]))
        s.add(WatchVersion(url_id=ids[keys[0]], number=2, identity="b", version_url_id=ids[keys[5]]))
    listed = web.client.get("/api/vsls", headers=web.bearer).json()
    assert listed["total"] == 5
    assert keys[5] not in {c["partition_key"] for c in listed["items"]}
    assert web.client.get("/api/vsls?status=analyzed", headers=web.bearer).json()["total"] == 4
    assert web.client.get("/api/vsls?status=failed", headers=web.bearer).json()["total"] == 1
    page = web.client.get("/api/vsls?limit=2", headers=web.bearer).json()
    assert (len(page["items"]), page["total"]) == (2, 5)
    # Past the last card the page is empty and the total is still told.
    end = web.client.get(f"/api/vsls?after={min(ids.values())}", headers=web.bearer).json()
    assert (end["items"], end["total"]) == ([], 5)
    beyond = web.client.get("/api/vsls?sort=title&offset=40", headers=web.bearer).json()
    assert (beyond["items"], beyond["total"]) == ([], 5)
    assert web.client.get("/api/vsls?status=nothing-has-this", headers=web.bearer).status_code == 422


@pytest.mark.postgres
@pytest.mark.slow
def test_a_postgresql_restart_costs_no_failed_request(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ping per checkout any more, but a connection idle for ``PING_IDLE_S`` is pinged, so
    the connections a restart cut are replaced before a request meets them."""
    require(PostgresServer.find_bin_dir(), "PostgreSQL server binaries", ".ci/run installs them")
    monkeypatch.setattr(db_engine, "PING_IDLE_S", 0.5)
    with PostgresServer(tmp_path_factory.mktemp("pgrestart")) as server:
        url = server.create_database("web_restart")
        for web in make_web(url, tmp_path / "storage", monkeypatch):
            web.login()
            for _ in range(3):
                assert web.client.get("/api/vsls", headers=web.bearer).status_code == 200
            pool_before = get_engine(url).pool.checkedin()
            assert pool_before >= 1
            server.restart(down_s=0.5)
            time.sleep(0.6)  # the pooled connections are now idle past PING_IDLE_S
            for path, headers in (("/api/vsls", web.bearer), ("/", {}), ("/api/vsls", web.bearer)):
                answer = web.client.get(path, headers=headers)
                assert answer.status_code == 200, (path, answer.text)


def test_a_read_that_records_the_last_use_still_commits_it(web: Web) -> None:
    """A GET finishes without the threadpool only when there is nothing to commit: the write a
    read makes now and then (the session's and the token's last use) must still be kept."""
    web.login()
    old = utcnow() - timedelta(seconds=TOUCH_EVERY_S + 30)
    with web.session() as s:
        s.execute(update(WebSession).values(last_seen_at=old))
        s.execute(update(ApiToken).values(last_used_at=old))
    assert web.client.get("/", follow_redirects=False).status_code == 200
    assert web.client.get("/api/vsls", headers=web.bearer).status_code == 200
    with web.session() as s:
        seen = [_aware(v) for v in s.scalars(select(WebSession.last_seen_at))]
        used = [_aware(v) for v in s.scalars(select(ApiToken.last_used_at))]
    assert seen and all(v is not None and v > old + timedelta(seconds=20) for v in seen), seen
    assert used and all(v is not None and v > old + timedelta(seconds=20) for v in used), used


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def test_a_worker_process_compiles_every_template_as_it_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``vsl web``'s workers build the app through ``app_from_env``: every page is compiled then,
    so no first visit of a page waits for its template (seconds on a busy machine)."""
    from vsl_assets.web.app import app_from_env

    monkeypatch.setenv("VSL_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setenv("VSL_DATABASE_URL", f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}")
    env = app_from_env().state.web.templates.env
    names = env.list_templates()
    assert "library.html" in names and env.cache is not None
    assert len(env.cache) == len(names)
    # ...and kept: a render takes them from the cache without stat()ing each file again (the
    # library page uses a partial per card: ~28 stats a page, each a GIL hand-off under load).
    stats: list[str] = []
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: stats.append(str(path)) or real(path, *a, **k))
    template = env.get_template("library.html")
    assert env.get_template("_watch_card.html") is env.get_template("_watch_card.html")
    assert template is env.get_template("library.html") and not [p for p in stats if p.endswith(".html")]


def test_a_write_is_committed_before_its_response_is_sent(web: Web) -> None:
    """A browser that follows a form's redirect, or a client that reads after a 201, must find what
    it wrote: the commit happens before the first byte of the answer (it once ran after, and a
    board page right after "restore" could still show the board deleted)."""
    from vsl_assets.db.web_models import Board

    body = b'{"name": "Ganchos fortes"}'
    seen: dict[str, Any] = {}

    def boards_in_db() -> list[str]:
        with web.session() as s:
            return list(s.scalars(select(Board.name)))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            seen["boards_when_answered"] = boards_in_db()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/boards",
        "raw_path": b"/api/boards",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {web.token}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    assert web.client.portal is not None
    web.client.portal.call(web.client.app, scope, receive, send)
    assert seen == {"status": 201, "boards_when_answered": ["Ganchos fortes"]}
