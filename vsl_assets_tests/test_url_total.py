"""``url_total``: the number of URLs the database keeps for the library's total (migration
``0015_pg``), on SQLite and real PostgreSQL.  After every kind of write it must equal
``count(*)`` of ``urls``, and the library's total must follow it at once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, func, insert, select, text

from vsl_assets.db import normalise_database_url, repo, session_scope
from vsl_assets.db.engine import get_engine
from vsl_assets.db.models import Url, UrlTotal
from vsl_assets.services import library

BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]


def database_for(db: str, name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if db == "postgres":
        return str(request.getfixturevalue("postgres").create_database(name))
    return f"sqlite:///{tmp_path / f'{name}.db'}"


def kept_and_counted(database: str) -> tuple[int, int]:
    with session_scope(database) as s:
        return s.scalar(select(UrlTotal.n)) or 0, s.scalar(select(func.count()).select_from(Url)) or 0


def library_total(database: str) -> int:
    with session_scope(database) as s:
        return library.list_vsls(s, library.LibraryFilters(), min_confidence=0.6).total


@pytest.mark.parametrize("db", BACKENDS)
def test_the_kept_total_follows_adds_removals_bulk_inserts_and_rollbacks(
    db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    database = database_for(db, "url_total_writes", tmp_path, request)
    assert kept_and_counted(database) == (0, 0)
    with session_scope(database) as s:
        first = repo.add_urls(s, [f"https://example.com/vsl/{i}" for i in range(5)])
    assert kept_and_counted(database) == (5, 5) and library_total(database) == 5
    with session_scope(database) as s:  # the same URLs again: nothing inserted, nothing counted
        repo.add_urls(s, [f"https://example.com/vsl/{i}" for i in range(3)])
    assert kept_and_counted(database) == (5, 5)
    with session_scope(database) as s:  # several statements of many rows in one transaction
        for start in range(0, 1500, 500):
            s.execute(
                insert(Url),
                [
                    {"url": f"https://bulk.example.com/{i}", "partition_key": f"bulk-{i}"}
                    for i in range(start, start + 500)
                ],
            )
    assert kept_and_counted(database) == (1505, 1505) and library_total(database) == 1505
    with pytest.raises(RuntimeError), session_scope(database) as s:
        repo.add_urls(s, ["https://example.com/rolled-back"])
        s.flush()
        raise RuntimeError("the request failed after the insert")
    assert kept_and_counted(database) == (1505, 1505)
    with session_scope(database) as s:
        # Added and removed in one transaction; a removal through the repository; a bulk delete.
        assert repo.delete_url(s, repo.add_urls(s, ["https://example.com/short-lived"])[0].partition_key)
        assert repo.delete_url(s, first[0].partition_key)
        s.execute(delete(Url).where(Url.partition_key.like("bulk-1%")))  # bulk-1, bulk-10..19, 100..199, 1000..1499
    assert kept_and_counted(database) == (1505 - 1 - 611, 1505 - 1 - 611)
    assert library_total(database) == 893


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_writers_adding_at_once_are_all_counted(postgres: Any) -> None:
    """Eight connections add URLs in overlapping transactions (each holds its insert open while
    the others insert and commit): every URL counted once, no deadlock, no lost update."""
    database = postgres.create_database("url_total_concurrent")
    get_engine(database)  # migrated
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with session_scope(database) as s:
                repo.add_urls(s, [f"https://w{n}.example.com/{i}" for i in range(40)])
                s.flush()
                barrier.wait(timeout=30)  # every transaction has inserted before any commits
            with session_scope(database) as s:
                s.execute(delete(Url).where(Url.url == f"https://w{n}.example.com/0"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert kept_and_counted(database) == (8 * 39, 8 * 39)


@pytest.mark.parametrize("db", BACKENDS)
def test_the_upgrade_counts_the_urls_already_there(db: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    from alembic import command

    from vsl_assets.db.engine import alembic_config

    url = database_for(db, "url_total_upgrade", tmp_path, request)
    old = create_engine(normalise_database_url(url))
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0014_pages27")
        for i in range(7):
            conn.execute(
                text(
                    "INSERT INTO urls (url, partition_key, status, queue_count, created_at, updated_at) "
                    "VALUES (:u, :k, 'analyzed', 0, '2026-01-01', '2026-01-01')"
                ),
                {"u": f"https://o/{i}", "k": f"o-{i}"},
            )
    old.dispose()
    assert kept_and_counted(url) == (7, 7)  # session_scope migrates to head
    with session_scope(url) as s:
        repo.add_urls(s, ["https://example.com/after-the-upgrade"])
    assert kept_and_counted(url) == (8, 8)
