"""A URL's own language and Whisper model, a pending re-transcription, and how sure each transcript is.

``urls.language``/``urls.transcribe_model`` override detection and ``VSL_WHISPER_MODEL`` for that
URL; ``urls.redo_from = 'transcript'`` makes its next run transcribe again instead of reusing.

``jobs.progress``/``jobs.eta_at``: how far a transcription is and when it should end.

``transcripts.language_probability``/``language_source``/``language_note`` say how the language was
decided; ``transcripts.warnings`` lists what keeps a transcript from being shown as good (language
unsure or outside ``VSL_LANGUAGES``, speech without text).

Revision ID: 0008_transcripts
Revises: 0007_breakdown_plumbing
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_transcripts"
down_revision = "0007_breakdown_plumbing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.add_column(sa.Column("language", sa.String(16), nullable=True))
        batch.add_column(sa.Column("transcribe_model", sa.String(256), nullable=True))
        batch.add_column(sa.Column("redo_from", sa.String(32), nullable=True))
    with op.batch_alter_table("transcripts") as batch:
        batch.add_column(sa.Column("language_probability", sa.Float(), nullable=True))
        batch.add_column(sa.Column("language_source", sa.String(16), nullable=True))
        batch.add_column(sa.Column("language_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("speech_coverage", sa.Float(), nullable=True))
        batch.add_column(sa.Column("quality_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("needs_review", sa.Boolean(), nullable=False, server_default="0"))
        batch.create_index("ix_transcripts_needs_review", ["needs_review"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("progress", sa.Float(), nullable=True))
        batch.add_column(sa.Column("eta_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("eta_at")
        batch.drop_column("progress")
    with op.batch_alter_table("transcripts") as batch:
        batch.drop_index("ix_transcripts_needs_review")
        batch.drop_column("needs_review")
        batch.drop_column("quality_score")
        batch.drop_column("speech_coverage")
        batch.drop_column("warnings")
        batch.drop_column("language_note")
        batch.drop_column("language_source")
        batch.drop_column("language_probability")
    with op.batch_alter_table("urls") as batch:
        batch.drop_column("redo_from")
        batch.drop_column("transcribe_model")
        batch.drop_column("language")
