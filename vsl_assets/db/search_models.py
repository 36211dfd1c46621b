"""Saved searches: a user's named search-page queries, to run again with one click.

A table of its own module (beside ``web_models``) so the search area's schema reads apart from
logins and boards; it shares ``Base``, so the one Alembic history checks it too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from vsl_assets.db.models import Base, utcnow


class SavedSearch(Base):
    """The search page's query string as the user saved it (words and filters), under a name.

    The query string is stored, not a parsed form: the page reads it through the same filter
    parsing as any link, so a saved search can never hold a filter the page would refuse.
    """

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
