"""The number of URLs kept by the database (``url_total``), for the library's total.

Counting ``urls`` on every library page and API list cost PostgreSQL an index walk of every URL
(~0.9 ms at 10,000 VSLs, with its planning the largest part of the list's database time).  The
table holds one row (``id`` 1) that triggers keep equal to ``count(*)`` of ``urls``:

- PostgreSQL: a deferred constraint trigger per inserted or deleted URL, run at commit.  Each
  transaction locks the row only while it commits, after every other lock it takes, so writers
  adding or removing URLs never wait on each other in a cycle (an immediate trigger would hold
  the row from the INSERT to the commit: an add that then re-queues a URL a watch check holds,
  while that check waits to insert its own version URL, is a deadlock).
- SQLite: a trigger per row (one writer at a time; nothing to wait for).

Also on PostgreSQL: no statistics for ``url_id`` of the card tables (``sources``, ``videos``,
``breakdowns``, ``transcripts``).  Each is unique (one row per URL), so its unique index already
tells the planner everything a join on it needs (one row per URL); reading and decoding the
collected histograms for the five-table card join cost ~0.2 ms of the ~0.7 ms spent planning
every library page and API list.

Revision ID: 0015_pg
Revises: 0014_pages27
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_pg"
down_revision = "0014_pages27"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE FUNCTION vsl_url_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE url_total SET n = n + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END WHERE id = 1;
    RETURN NULL;
END
$$
"""
_PG_TRIGGER = """
CREATE CONSTRAINT TRIGGER url_total_kept AFTER INSERT OR DELETE ON urls
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION vsl_url_total()
"""
#: The card tables whose ``url_id`` (unique) the planner needs no statistics for.
_ONE_PER_URL = ("sources", "videos", "breakdowns", "transcripts")
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER url_total_added AFTER INSERT ON urls BEGIN UPDATE url_total SET n = n + 1 WHERE id = 1; END",
    "CREATE TRIGGER url_total_removed AFTER DELETE ON urls BEGIN UPDATE url_total SET n = n - 1 WHERE id = 1; END",
)


def upgrade() -> None:
    op.create_table(
        "url_total",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("LOCK TABLE urls IN SHARE MODE")  # no URL added or removed between the count and the trigger
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        for table in _ONE_PER_URL:
            # Retyping to its own type drops the statistics ANALYZE already collected (SET STATISTICS
            # 0 only stops collecting); no rewrite, its indexes and foreign key are kept.
            op.execute(f"ALTER TABLE {table} ALTER COLUMN url_id TYPE integer, ALTER COLUMN url_id SET STATISTICS 0")
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
    op.execute("INSERT INTO url_total (id, n) SELECT 1, count(*) FROM urls")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER url_total_kept ON urls")
        op.execute("DROP FUNCTION vsl_url_total()")
        for table in _ONE_PER_URL:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN url_id SET STATISTICS -1")
    else:
        for name in ("url_total_added", "url_total_removed"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("url_total")
