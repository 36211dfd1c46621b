"""The breakdown's product reveal second and per-field confidence (issue 22).

``product_reveal_s`` (first naming of the product) sits beside ``pitch_s`` (start of the offer
section); ``confidence`` holds the engine's 0..1 grade per field, read by the library filters and
the catalog to treat a low-confidence value as unknown.  Rows written before this revision keep a
null confidence, which every reader takes as "sure" (as they were shown before).

Revision ID: 0007_breakdown_plumbing
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_breakdown_plumbing"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("breakdowns") as batch:
        batch.add_column(sa.Column("product_reveal_s", sa.Float(), nullable=True))
        batch.add_column(sa.Column("confidence", sa.JSON(none_as_null=True), nullable=True))
    op.create_index("ix_breakdowns_product_reveal_s", "breakdowns", ["product_reveal_s"])


def downgrade() -> None:
    op.drop_index("ix_breakdowns_product_reveal_s", table_name="breakdowns")
    with op.batch_alter_table("breakdowns") as batch:
        batch.drop_column("confidence")
        batch.drop_column("product_reveal_s")
