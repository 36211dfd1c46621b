"""Alembic environment: always driven programmatically by :func:`vsl_assets.db.engine.migrate`."""

from __future__ import annotations

from alembic import context

from vsl_assets.db.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
