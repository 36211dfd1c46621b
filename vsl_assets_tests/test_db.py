"""The application database: migrations, models and bulk repository functions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

from vsl_assets.db import Url, UrlStatus, dispose_all, get_engine, normalise_database_url, repo, session_scope
from vsl_assets.db.engine import SCHEMA_HEAD
from vsl_assets.db.models import Base

#: Every new database here is migrated by Alembic (conftest's template copy is not used).
pytestmark = pytest.mark.migrations


def test_migration_matches_models_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = get_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert MigrationContext.configure(conn).get_current_revision() == SCHEMA_HEAD
    dispose_all()
    get_engine(url)  # a second process start: schema already at head
    assert set(inspect(create_engine(url)).get_table_names()) >= {"urls", "jobs", "dead_letters", "alembic_version"}


def test_schema_head_constant_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from vsl_assets.db.engine import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_concurrent_first_use_migrates_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    errors: list[BaseException] = []
    created: list[bool] = []

    def start() -> None:
        try:
            with session_scope(url) as s:
                created.extend(r.created for r in repo.add_urls(s, ["https://cdn.example.com/x.m3u8"]))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    # The same URL added by four writers at once: one insert wins, the others report it as known.
    assert sorted(created) == [False, False, False, True]
    with session_scope(url) as s:
        assert len(s.scalars(select(Url)).all()) == 1


def test_postgres_urls_get_the_psycopg2_driver() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalise_database_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.slow
def test_bulk_add_chunks_past_sqlite_variable_limit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    urls = [f"https://cdn.example.com/{i}.m3u8" for i in range(40_000)]
    with session_scope(url) as s:
        first = repo.add_urls(s, urls)
    with session_scope(url) as s:
        again = repo.add_urls(s, [*urls[:10], "https://cdn.example.com/new.m3u8"])
        assert repo.status_counts(s) == {"pending_ingest": 40_001}
    assert all(r.created for r in first) and len({r.partition_key for r in first}) == 40_000
    assert [r.created for r in again] == [False] * 10 + [True]
    with session_scope(url) as s:
        keys = [r.partition_key for r in first]
        repo.set_status(s, keys, UrlStatus.QUEUED)
        assert repo.status_counts(s) == {"queued": 40_000, "pending_ingest": 1}


def test_upgrade_from_0001_keeps_data(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from vsl_assets.db.engine import alembic_config
    from vsl_assets.db.models import TranscriptRow

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(
            text(
                "INSERT INTO urls (url, partition_key, status, queue_count, created_at, updated_at) "
                "VALUES ('https://a.example/x.m3u8', 'a-example-000000000000', 'transcribed', 0, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO transcripts (url_id, text, engine, model, segments, word_count, created_at) "
                "VALUES (1, 'olá mundo', 'local', 'base', '[]', 2, '2026-01-01')"
            )
        )
    old.dispose()
    with session_scope(url) as s:  # first use migrates to head
        row = s.scalar(select(TranscriptRow))
        assert (row.text, row.chunk_count, row.cost_usd) == ("olá mundo", 1, None)
        assert s.scalar(select(Url.status)) == "transcribed"


def test_upgrade_from_0006_keeps_breakdowns_and_shows_them_as_sure(tmp_path: Path) -> None:
    """A breakdown stored before grades existed: after the migration its reveal and confidence are
    NULL, and every reader takes its values as sure (as they were shown before)."""
    from alembic import command
    from sqlalchemy import text

    from vsl_assets.db.engine import alembic_config
    from vsl_assets.db.models import BreakdownRow
    from vsl_assets.services import library

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0006")
        conn.execute(
            text(
                "INSERT INTO urls (url, partition_key, status, queue_count, created_at, updated_at) VALUES "
                "('https://a.example/x.m3u8', 'a-example-000000000000', 'analyzed', 0, '2026-01-01', '2026-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO breakdowns (url_id, status, pitch_s, offer_amount, offer_currency, engine, model, data, "
                "created_at) VALUES (1, 'ok', 42.0, 197.0, 'BRL', 'local', 'rules', '{}', '2026-01-01')"
            )
        )
    old.dispose()
    with session_scope(url) as s:  # first use migrates to head
        row = s.scalar(select(BreakdownRow))
        assert (row.pitch_s, row.offer_amount, row.product_reveal_s, row.confidence) == (42.0, 197.0, None, None)
        detail = library.detail(s, "a-example-000000000000", min_confidence=0.99)
        assert detail is not None and detail.breakdown is not None
        b = detail.breakdown
        assert (b.offer_amount, b.pitch_s, b.unsure, b.confidence, b.prices) == (197.0, 42.0, {}, {}, [])
        page = library.list_vsls(s, library.LibraryFilters(price_min=100), min_confidence=0.99)
        assert [c.price for c in page.items] == [197.0]
    dispose_all()
    with create_engine(url).begin() as conn:  # and back down, for an operator who rolls back
        command.downgrade(alembic_config(conn), "0006")
        assert "confidence" not in {c["name"] for c in inspect(conn).get_columns("breakdowns")}
