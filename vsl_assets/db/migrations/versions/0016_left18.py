"""The title of a sales page that was read but gave no video (``urls.page_title``).

A URL whose page was fetched and parsed but failed (no player on it, a player that could not be
read, DRM) was called "Untitled VSL" though its page said what it was: the resolver hands the
title it read with its failure (``VslError.page_title``) and the ``source_page`` step keeps it
here, where ``sources`` (a resolved stream) has no row for it.  Nullable: nothing to backfill.

Revision ID: 0016_left18
Revises: 0015_pg
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_left18"
down_revision = "0015_pg"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("urls", sa.Column("page_title", sa.Text(), nullable=True))


def downgrade() -> None:
    # Not a batch copy of ``urls``: that would drop the table's ``url_total`` triggers (0015_pg)
    # with it.  SQLite 3.35+ and PostgreSQL both drop a column in place.
    op.execute("ALTER TABLE urls DROP COLUMN page_title")
