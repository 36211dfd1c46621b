"""Watching VSLs over time: on/off switches, page schedules, checks, versions, events (issue 28).

Revision ID: 0010_watch
Revises: 0009_security
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_watch"
down_revision = "0009_security"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watch_switches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=True),
        sa.Column("board_id", sa.Integer(), sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("url_id", name="uq_watch_switches_url"),
        sa.UniqueConstraint("board_id", name="uq_watch_switches_board"),
    )
    op.create_table(
        "watch_pages",
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("next_check_at", _TS, nullable=False),
        sa.Column("last_checked_at", _TS, nullable=True),
        sa.Column("validators", sa.JSON(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", _TS, nullable=True),
        sa.Column("last_live_at", _TS, nullable=True),
        sa.Column("days_live", sa.Integer(), nullable=True),
        sa.Column("down_since", _TS, nullable=True),
        sa.Column("down_reason", sa.Text(), nullable=True),
        sa.Column("page_offer_s", sa.Float(), nullable=True),
    )
    op.create_index("ix_watch_pages_next_check_at", "watch_pages", ["next_check_at"])
    op.create_index("ix_watch_pages_days_live", "watch_pages", ["days_live"])
    op.create_table(
        "watch_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("checked_at", _TS, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("player", sa.String(64), nullable=True),
        sa.Column("identity", sa.String(64), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("page_offer_s", sa.Float(), nullable=True),
        sa.Column("other_videos", sa.JSON(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_watch_checks_url_at", "watch_checks", ["url_id", "checked_at"])
    op.create_table(
        "watch_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("version_url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", _TS, nullable=False),
        sa.Column("last_seen_at", _TS, nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("compared", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("url_id", "identity", name="uq_watch_versions_identity"),
        sa.UniqueConstraint("url_id", "number", name="uq_watch_versions_number"),
        sa.UniqueConstraint("version_url_id", name="uq_watch_versions_version_url"),
    )
    op.create_index("ix_watch_versions_url_id", "watch_versions", ["url_id"])
    op.create_table(
        "watch_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url_id", sa.Integer(), sa.ForeignKey("urls.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("old_key", sa.String(64), nullable=True),
        sa.Column("new_key", sa.String(64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("webhook", sa.String(16), nullable=True),
        sa.Column("webhook_attempts", sa.Integer(), nullable=False),
        sa.Column("webhook_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_watch_events_url_id", "watch_events", ["url_id"])
    op.create_index("ix_watch_events_at", "watch_events", ["at"])


def downgrade() -> None:
    for table in ("watch_events", "watch_versions", "watch_checks", "watch_pages", "watch_switches"):
        op.drop_table(table)
