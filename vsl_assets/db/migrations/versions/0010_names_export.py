"""A VSL's title as a person edited it, kept apart from the detected one (issue 27, item 1).

The detected title is not stored here: it is read at display time from what the pipeline already
keeps (the page's og:title/<title> in ``sources.title``, the breakdown's product and hook), so a
better detection later changes every VSL without an edit being lost, and clearing the edit
(setting it to null) brings the detected title back.

Revision ID: 0010_names_export
Revises: 0009_security
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_names_export"
down_revision = "0009_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.add_column(sa.Column("title", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.drop_column("title")
