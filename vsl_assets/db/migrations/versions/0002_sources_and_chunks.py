"""Resolved sources (page → stream) and chunked-transcript accounting.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("page_url", sa.Text(), nullable=False),
        sa.Column("stream_url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("thumbnail", sa.Text(), nullable=True),
        sa.Column("other_videos", sa.JSON(), nullable=False),
        sa.Column("cta_seconds", sa.Float(), nullable=True),
        sa.Column("referer", sa.Text(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("drm", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("url_id"),
    )
    with op.batch_alter_table("transcripts") as batch:
        batch.add_column(sa.Column("chunk_count", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("billed_minutes", sa.Float(), nullable=True))
        batch.add_column(sa.Column("cost_usd", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("transcripts") as batch:
        batch.drop_column("cost_usd")
        batch.drop_column("billed_minutes")
        batch.drop_column("chunk_count")
    op.drop_table("sources")
