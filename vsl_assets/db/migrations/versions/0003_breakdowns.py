"""Breakdowns (niche, lead, awareness, offer) and their timed beats.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breakdowns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("niche", sa.String(64), nullable=True),
        sa.Column("niche_top", sa.String(32), nullable=True),
        sa.Column("awareness", sa.String(32), nullable=True),
        sa.Column("lead_type", sa.String(32), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("pitch_s", sa.Float(), nullable=True),
        sa.Column("page_pitch_s", sa.Float(), nullable=True),
        sa.Column("offer_amount", sa.Float(), nullable=True),
        sa.Column("offer_currency", sa.String(8), nullable=True),
        sa.Column("offer_installments", sa.Integer(), nullable=True),
        sa.Column("offer_installment_amount", sa.Float(), nullable=True),
        sa.Column("anchor_amount", sa.Float(), nullable=True),
        sa.Column("anchor_currency", sa.String(8), nullable=True),
        sa.Column("guarantee_days", sa.Integer(), nullable=True),
        sa.Column("hook", sa.Text(), nullable=True),
        sa.Column("product", sa.Text(), nullable=True),
        sa.Column("mechanism", sa.Text(), nullable=True),
        sa.Column("consistency", sa.Text(), nullable=True),
        sa.Column("engine", sa.String(32), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("url_id"),
    )
    for column in ("niche", "niche_top", "awareness", "lead_type", "pitch_s", "offer_amount"):
        op.create_index(f"ix_breakdowns_{column}", "breakdowns", [column])
    op.create_table(
        "beats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("beat", sa.String(16), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
    )
    op.create_index("ix_beats_url_position", "beats", ["url_id", "position"], unique=True)
    op.create_index("ix_beats_beat", "beats", ["beat"])


def downgrade() -> None:
    op.drop_table("beats")
    op.drop_table("breakdowns")
