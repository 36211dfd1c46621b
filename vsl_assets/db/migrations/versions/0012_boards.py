"""Boards that teams use (issue 27): owner, visibility and members, order, soft delete, share links.

Existing boards become team boards (everyone already saw them) owned by their creator; their
items and the boards keep today's order (by id).

Revision ID: 0012_boards
Revises: 0011_names_export
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_boards"
down_revision = "0011_names_export"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.add_column(sa.Column("visibility", sa.String(8), nullable=False, server_default="team"))
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("board_items") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
    op.execute("UPDATE boards SET position = id")
    op.execute("UPDATE board_items SET position = id")
    op.create_table(
        "board_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("board_id", sa.Integer(), sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_board_members_board_user", "board_members", ["board_id", "user_id"], unique=True)
    op.create_index("ix_board_members_user_id", "board_members", ["user_id"])
    op.create_table(
        "board_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("board_id", sa.Integer(), sa.ForeignKey("boards.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_board_shares_board_id", "board_shares", ["board_id"])


def downgrade() -> None:
    op.drop_table("board_shares")
    op.drop_table("board_members")
    with op.batch_alter_table("board_items") as batch:
        batch.drop_column("position")
    with op.batch_alter_table("boards") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("position")
        batch.drop_column("visibility")
