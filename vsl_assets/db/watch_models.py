"""Watching VSLs over time: which pages are watched, every check, every version, every event.

A *page* is the ``urls`` row a person added (the sales page); each distinct stream the page has
played is a *version*.  Version 1 is that row itself; a later version is a ``urls`` row of its own,
keyed ``<page key>-v<n>``, which the existing pipeline processes like any new URL (see
docs/pipeline.md, "Watching").  Unique constraints keep one version per (page, stream identity)
and one per (page, number), so two checks racing can never make a duplicate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vsl_assets.db.models import Base, utcnow


class WatchSwitch(Base):
    """A person's on/off for one URL or one board (none: the ``VSL_WATCH_ALL_PAGES`` default)."""

    __tablename__ = "watch_switches"
    __table_args__ = (
        UniqueConstraint("url_id", name="uq_watch_switches_url"),
        UniqueConstraint("board_id", name="uq_watch_switches_board"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int | None] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), default=None)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class WatchPage(Base):
    """One watched page's schedule and longevity (one row per page ``urls`` row, made at its first check)."""

    __tablename__ = "watch_pages"

    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), primary_key=True)
    #: ``host[:port]``: the politeness key (minimum interval per host).
    host: Mapped[str] = mapped_column(String(255))
    next_check_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: ``{url: {"etag": ..., "last_modified": ...}}`` of the page and the player configs last read:
    #: all answering 304 means nothing changed, without reading a body.
    validators: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Consecutive failed checks (transient errors); the next one waits longer each time.
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_live_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    #: Whole days from first seen to last seen live, kept at each check: the library sorts and
    #: filters on it with an index, the same on SQLite and PostgreSQL (no date arithmetic in SQL).
    days_live: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    #: Set while the page is down (gone, player removed, redirected elsewhere); cleared when it is back.
    down_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    down_reason: Mapped[str | None] = mapped_column(Text, default=None)
    #: The page's offer second at the last check that read one (change events compare with it).
    page_offer_s: Mapped[float | None] = mapped_column(Float, default=None)


class WatchCheck(Base):
    """One check of one page: what the page showed then (or why it could not be read)."""

    __tablename__ = "watch_checks"
    __table_args__ = (Index("ix_watch_checks_url_at", "url_id", "checked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: ``not_modified`` (every validator answered 304), ``same``, ``changed``, ``down``, ``error``.
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer, default=None)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_ms: Mapped[int] = mapped_column(Integer, default=0)
    player: Mapped[str | None] = mapped_column(String(64), default=None)
    #: See ``services.watch.stream_identity``: never a signed URL's token.
    identity: Mapped[str | None] = mapped_column(String(64), default=None)
    duration_s: Mapped[float | None] = mapped_column(Float, default=None)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    page_offer_s: Mapped[float | None] = mapped_column(Float, default=None)
    other_videos: Mapped[list[Any]] = mapped_column(JSON, default=list)
    etag: Mapped[str | None] = mapped_column(Text, default=None)
    last_modified: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)


class WatchVersion(Base):
    """One stream a page has played: version ``number`` of the page, processed as ``version_url_id``."""

    __tablename__ = "watch_versions"
    __table_args__ = (
        UniqueConstraint("url_id", "identity", name="uq_watch_versions_identity"),
        UniqueConstraint("url_id", "number", name="uq_watch_versions_number"),
        UniqueConstraint("version_url_id", name="uq_watch_versions_version_url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    identity: Mapped[str] = mapped_column(String(64))
    #: The ``urls`` row whose partition processes this version (the page's own row for version 1).
    version_url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"))
    #: What the check resolved (the ``sources`` columns): the version's source step uses it as is,
    #: so an A/B page's variant B is downloaded even when the page happens to serve variant A.
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Seen in one of the page's last ``VSL_WATCH_LIVE_CHECKS`` good checks (A/B variants stay live together).
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    #: True once this version's breakdown was compared with the previous version's (change events).
    compared: Mapped[bool] = mapped_column(Boolean, default=False)


class WatchEvent(Base):
    """Something a person wants to hear about: a new version, a price changed, a page down or back."""

    __tablename__ = "watch_events"
    __table_args__ = (Index("ix_watch_events_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url_id: Mapped[int] = mapped_column(ForeignKey("urls.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    #: Partition keys of the versions compared (the "what changed" link), when the event has two.
    old_key: Mapped[str | None] = mapped_column(String(64), default=None)
    new_key: Mapped[str | None] = mapped_column(String(64), default=None)
    #: ``{"field": ..., "old": ..., "new": ...}`` or the reason a page is down.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Webhook delivery: ``None`` (not configured or not yet tried), ``sent``, ``failed``, ``gave_up``.
    webhook: Mapped[str | None] = mapped_column(String(16), default=None)
    webhook_attempts: Mapped[int] = mapped_column(Integer, default=0)
    webhook_error: Mapped[str | None] = mapped_column(Text, default=None)
