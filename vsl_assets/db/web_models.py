"""The web app's own tables: logins, API tokens and boards (the swipe file's collections).

Kept apart from ``models.py`` so the pipeline's tables read as the pipeline's record; they share
``Base`` so one Alembic history (and one check against the models) covers both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vsl_assets.db.models import Base, utcnow


class User(Base):
    """A login; the password is stored only as an scrypt hash (``scrypt$n$r$p$salt$hash``)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    #: Bumped on password change: session cookies carry it, so old sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: A disabled login cannot sign in and its sessions and tokens stop working (``vsl user disable``).
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A script's credential; only the SHA-256 of the token is kept, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: ``read``: list, search and fetch media; ``write``: also add, retry and edit boards.
    scope: Mapped[str] = mapped_column(String(8), default="write")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Board(Base):
    """A named collection of VSLs (the swipe file itself), with a description (``note``).

    ``user_id`` is the owner.  A ``team`` board is seen and edited by every login; a ``private``
    one only by its owner and its members (``board_members``).  Deleting sets ``deleted_at``: the
    board disappears but can be restored for a while, then it is purged (``services.boards``).
    """

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: ``private`` (owner and members) or ``team`` (every login).
    visibility: Mapped[str] = mapped_column(String(8), default="private")
    #: Order on the Boards page (ascending; ties by name).
    position: Mapped[int] = mapped_column(Integer, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class BoardItem(Base):
    """One VSL on a board, with the marketer's note and tags, in the board's order (``position``)."""

    __tablename__ = "board_items"
    __table_args__ = (Index("ix_board_items_board_url", "board_id", "url_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    position: Mapped[int] = mapped_column(Integer, default=0)


class BoardMember(Base):
    """A login that may see and edit a private board besides its owner."""

    __tablename__ = "board_members"
    __table_args__ = (Index("ix_board_members_board_user", "board_id", "user_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BoardShare(Base):
    """A read-only link to a board for people without a login.

    Only the SHA-256 of the link's random token is kept (it carries 192 random bits, so a slow
    hash adds nothing); the link is shown once.  Every link expires; revoking ends it at once.
    """

    __tablename__ = "board_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class WebSession(Base):
    """A browser login kept on the server, so logging out (or a password change) really ends it.

    The cookie carries a random token; only its SHA-256 is stored (like API tokens).  ``expires_at``
    is the absolute end; ``last_seen_at`` drives the idle expiry and is refreshed at most once a
    minute, so reading pages does not turn into a database write per request.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: The address that logged in (shown to the owner; never used to authenticate).
    address: Mapped[str | None] = mapped_column(String(64), default=None)


class LoginAttempt(Base):
    """One login attempt, reserved before the password is hashed (so parallel guesses see each
    other) and shared by every worker process and host through the database."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "name_key", "at"),
        Index("ix_login_attempts_addr_at", "addr_key", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_key: Mapped[str] = mapped_column(String(64))
    addr_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: pending (being checked), failed, ok; ok attempts do not count against anyone.
    outcome: Mapped[str] = mapped_column(String(8), default="pending")


class AddBatch(Base):
    """What one paste on the Add page submitted, so the page can show it a page at a time (and
    Retry can come back to it) without carrying every key in a URL."""

    __tablename__ = "add_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``[url, reason]`` for each line refused as a URL.
    refused: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    #: Lines past the per-add limit, given back to the form to send again.
    not_taken: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: ``[key, reason]`` for each URL taken that the network guard will refuse to fetch.
    warned: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    #: What the intake said about the whole paste (e.g. no orchestrator to make partitions now).
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
