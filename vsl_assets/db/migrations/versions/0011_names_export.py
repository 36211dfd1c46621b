"""A VSL's title as a person edited it, kept apart from the detected one (issue 27, item 1);
duplicates by stream: which VSL a URL is an alias of, and each source's stream identity (item 9).

The detected title is not stored here: it is read at display time from what the pipeline already
keeps (the page's og:title/<title> in ``sources.title``, the breakdown's product and hook), so a
better detection later changes every VSL without an edit being lost, and clearing the edit
(setting it to null) brings the detected title back.

Revision ID: 0011_names_export
Revises: 0010_watch
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_names_export"
down_revision = "0010_watch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch table copy): on SQLite, copying ``urls`` drops the old table, and
    # with foreign keys on that cascades to every transcript, breakdown and job.  For the same reason
    # ``alias_of`` has no FOREIGN KEY constraint (SQLite cannot add one without the copy): removing a
    # VSL clears it on its aliases (``repo.delete_url``).
    op.add_column("urls", sa.Column("title", sa.Text(), nullable=True))
    op.add_column("urls", sa.Column("alias_of", sa.Integer(), nullable=True))
    op.create_index("ix_urls_alias_of", "urls", ["alias_of"])
    # Rows resolved before have none: they are matched once they are resolved again.
    op.add_column("sources", sa.Column("stream_key", sa.String(64), nullable=True))
    op.create_index("ix_sources_stream_key", "sources", ["stream_key"])


def downgrade() -> None:
    op.drop_index("ix_sources_stream_key", table_name="sources")
    op.drop_column("sources", "stream_key")
    op.drop_index("ix_urls_alias_of", table_name="urls")
    op.drop_column("urls", "alias_of")
    op.drop_column("urls", "title")
