"""Running counts behind the insights charts (issue 27: the insights page reads a few rows).

The table starts empty: the web app builds the counts of its confidence threshold when it
starts (``services.insights.ensure_counts``), and ``vsl insights --rebuild`` rebuilds them.

Revision ID: 0014_pages27
Revises: 0013_saved_searches
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_pages27"
down_revision = "0013_saved_searches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("threshold", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("niche", sa.String(64), nullable=False),
        sa.Column("niche_top", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("vsls", sa.Integer(), nullable=False),
        sa.Column("ratios", sa.Integer(), nullable=False),
        sa.Column("sum_start", sa.Float(), nullable=False),
        sa.Column("sum_end", sa.Float(), nullable=False),
    )
    op.create_index(
        "ix_insight_counts_key", "insight_counts", ["threshold", "kind", "niche", "niche_top", "key"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_insight_counts_key", table_name="insight_counts")
    op.drop_table("insight_counts")
