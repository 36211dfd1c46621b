"""Watching VSLs over time: which pages are watched, checking them politely, versions and events.

The use case behind the ``watch_schedule`` (Dagster), ``vsl watch`` and the Swipe's switches:

* **what is watched**: every sales page by default (``VSL_WATCH_ALL_PAGES``), else what a person
  switched on for a URL or a board; a URL's own switch wins over its boards' and the default;
* **a run** (:func:`run_checks`): the due pages, grouped by host, are checked by
  ``watch_concurrency`` threads, one page at a time per host and no sooner than
  ``watch_host_interval_s`` after the host's previous check; each check is the cheap
  :func:`~vsl_assets.media.pages.check.check_page` and is recorded at once;
* **versions**: a stream identity the page never played before becomes version *n*: a ``urls`` row
  keyed ``<page key>-v<n>`` stored as ``pending_ingest``, which the ``pending_urls_sensor`` runs
  through the whole pipeline like any new URL (the old versions stay);
* **events**: new version, page down, back up, the page's offer second moved, and — once a new
  version's breakdown exists — price, guarantee, pitch second and duration changed (:func:`field_changes`);
  each is sent to the administrator's webhook when one is configured.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Integer, bindparam, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from vsl_assets.breakdown import columns as breakdown_columns
from vsl_assets.db.engine import PREPARED, core_read
from vsl_assets.db.models import BreakdownRow, Source, Url, UrlStatus, utcnow
from vsl_assets.db.watch_models import WatchCheck, WatchEvent, WatchPage, WatchSwitch, WatchVersion
from vsl_assets.db.web_models import BoardItem
from vsl_assets.errors import ConfigurationError
from vsl_assets.media.pages.check import (
    CHANGED,
    DOWN,
    ERROR,
    NOT_MODIFIED,
    SAME,
    PageCheck,
    check_client,
    check_page,
    stream_identity,
)
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.media.pages.players.base import is_hls_url, is_media_url
from vsl_assets.net.guard import STRICT, NetPolicy, static_refusal
from vsl_assets.net.urls import redact_url
from vsl_assets.services.ports import PartitionPort, Sessions
from vsl_assets.services.steps.source import SOURCE_COLUMNS, source_row
from vsl_assets.settings import Settings

#: Event kinds (``watch_events.kind``), with the sentence a person reads.
EVENT_KINDS: dict[str, str] = {
    "new_version": "new VSL version",
    "page_down": "page down",
    "back_up": "page back up",
    "offer_second_changed": "offer second on the page changed",
    "price_changed": "price changed",
    "guarantee_changed": "guarantee changed",
    "pitch_moved": "pitch moved",
    "duration_changed": "duration changed",
}
#: The facts (``breakdown.columns.FIELDS``) compared between two versions, and the event a change makes:
#: what the page's owner changed that a buyer meets (the price paid, the guarantee, when the offer
#: comes, the length).
WATCHED_FACTS: dict[str, str] = {
    "offer_price": "price_changed",
    "guarantee_days": "guarantee_changed",
    "pitch_s": "pitch_moved",
    "duration_s": "duration_changed",
    "page_pitch_s": "offer_second_changed",
}
_WORDS = "read in the new version's diff (/compare?mode=diff), not told as an event: it follows the words"
#: The facts the watch does not compare, and why.
UNWATCHED_FACTS: dict[str, str] = {
    **dict.fromkeys(("hook", "lead_type", "niche", "awareness", "product", "mechanism"), _WORDS),
    "anchor_price": "the price the offer is set against, said in the words: " + _WORDS,
    "product_reveal_s": "moves with any edit of the words before it: " + _WORDS,
}
_KINDS = {f.name: f.kind for f in breakdown_columns.FIELDS}
#: A price is compared by its amount and its currency (not its instalments).
_PRICE_PARTS = ("amount", "currency")
#: The ``breakdowns`` columns compared, and the event each change makes.
COMPARED_FIELDS: dict[str, str] = {
    column: event
    for fact, event in WATCHED_FACTS.items()
    for column in (
        [c.name for c in breakdown_columns.field_columns(fact) if c.part in _PRICE_PARTS]
        if _KINDS[fact] == "price"
        else [fact]
    )
}
#: What a person reads for each compared field (the feed, the webhook's text).
FIELD_LABELS: dict[str, str] = {
    "offer_amount": "price",
    "offer_currency": "currency",
    "guarantee_days": "guarantee (days)",
    "pitch_s": "pitch second",
    "duration_s": "duration (s)",
    "page_pitch_s": "offer second on the page",
    "page_offer_s": "offer second on the page",
}
#: Good outcomes: the page showed its VSL (the identity of a not-modified check is the previous one's).
GOOD = (NOT_MODIFIED, SAME, CHANGED)


@dataclass(frozen=True)
class WatchConfig:
    """The watch's settings, read once by the entry point (``Settings`` fields ``watch_*``)."""

    all_pages: bool = True
    interval_s: float = 86400.0
    jitter: float = 0.1
    concurrency: int = 16
    host_interval_s: float = 1.0
    batch: int = 20000
    live_checks: int = 3
    retry_s: float = 600.0
    down_after: int = 3
    check_timeout_s: float = 30.0
    max_page_bytes: int = 5 * 1024 * 1024
    max_page_scripts: int = 6
    webhook_url: str | None = None
    webhook_timeout_s: float = 5.0
    webhook_attempts: int = 3
    #: The address guard's policy for the checks (``NetPolicy.from_settings``; strict by default).
    net: NetPolicy = STRICT

    @classmethod
    def from_settings(cls, s: Settings) -> WatchConfig:
        return cls(
            all_pages=s.watch_all_pages,
            interval_s=float(s.watch_interval_s),
            jitter=s.watch_jitter,
            concurrency=s.watch_concurrency,
            host_interval_s=s.watch_host_interval_s,
            batch=s.watch_batch,
            live_checks=s.watch_live_checks,
            retry_s=s.watch_retry_s,
            down_after=s.watch_down_after,
            max_page_bytes=int(s.max_page_mb * 1024 * 1024),
            max_page_scripts=s.max_page_scripts,
            webhook_url=s.watch_webhook_url.get_secret_value() if s.watch_webhook_url else None,
            webhook_timeout_s=s.watch_webhook_timeout_s,
            webhook_attempts=s.watch_webhook_attempts,
            net=NetPolicy.from_settings(s),
        )

    def options(self) -> ResolveOptions:
        """The resolver without the stream probe and yt-dlp: the page and player configs only."""
        return ResolveOptions(
            connect_timeout_s=min(10.0, self.check_timeout_s),
            read_timeout_s=min(15.0, self.check_timeout_s),
            max_page_bytes=self.max_page_bytes,
            max_page_scripts=self.max_page_scripts,
            use_ytdlp=False,
            probe_stream=False,
            fail_on_drm=False,
            net=self.net,
        )


def version_key(page_key: str, number: int) -> str:
    """Version 1 is the page's own key; version n>1 is ``<page key>-v<n>`` (its own partition)."""
    return page_key if number == 1 else f"{page_key}-v{number}"


# -- what is watched ----------------------------------------------------------------------------


def set_switch(session: Session, *, url_ids: Sequence[int] = (), board_id: int | None = None, on: bool) -> int:
    """Switch watching on or off for URLs or a board (committed by the caller); returns rows touched."""
    targets: list[dict[str, Any]] = [{"url_id": i} for i in url_ids]
    if board_id is not None:
        targets.append({"board_id": board_id})
    for target in targets:
        column = WatchSwitch.url_id if "url_id" in target else WatchSwitch.board_id
        row = session.scalar(select(WatchSwitch).where(column == next(iter(target.values()))))
        if row is None:
            session.add(WatchSwitch(enabled=on, **target))
        else:
            row.enabled = on
    session.flush()
    return len(targets)


def board_switch(session: Session, board_id: int) -> bool | None:
    """A board's own switch (None: never set, the default applies to its VSLs)."""
    return session.scalar(select(WatchSwitch.enabled).where(WatchSwitch.board_id == board_id))


def later_version_keys(session: Session, page_key: str) -> list[str]:
    """The keys of a page's versions 2, 3... (removed with it: a version without its page is no VSL)."""
    page = select(Url.id).where(Url.partition_key == page_key).scalar_subquery()
    return list(
        session.scalars(
            select(Url.partition_key)
            .join(WatchVersion, WatchVersion.version_url_id == Url.id)
            .where(WatchVersion.url_id == page, WatchVersion.number > 1)
            .order_by(WatchVersion.number)
        )
    )


def later_version_ids(session: Session) -> set[int]:
    """``urls`` ids that are a watched page's version 2, 3...: processed, but not pages themselves."""
    return set(session.scalars(select(WatchVersion.version_url_id).where(WatchVersion.number > 1)))


def is_sales_page(url: str, kind: str | None) -> bool:
    """A page (watched by default), not a stream pasted directly (which has nothing to re-check)."""
    if kind is not None:
        return not kind.startswith("direct-")
    return not (is_hls_url(url) or is_media_url(url))


def never_had_a_video(status: str, kind: str | None) -> bool:
    """A URL that failed before any player was found (no ``sources`` row: a ``.txt`` address, a
    page without a video): there is nothing to watch for, and re-checking it would only record
    "page down" events for a page that was never up.  ``vsl retry`` that finds a video changes it."""
    return kind is None and status == UrlStatus.FAILED.value


def _watched(own: bool | None, on_board: bool, all_pages: bool, url: str, kind: str | None, status: str = "") -> bool:
    """A URL's own switch wins; else a board it is on that is switched on; else the default for
    pages that had (or may yet have) a video."""
    if own is not None:
        return own
    return on_board or (all_pages and is_sales_page(url, kind) and not never_had_a_video(status, kind))


def watched_pages(session: Session, all_pages: bool, among: Iterable[int] | None = None) -> list[tuple[int, str, str]]:
    """``(url_id, key, url)`` of every watched page (``among``: of those ids only).

    A URL's own switch wins; else a board it is on that is switched on; else the default for pages.
    """
    own: dict[int, bool] = {
        u: on
        for u, on in session.execute(
            select(WatchSwitch.url_id, WatchSwitch.enabled).where(WatchSwitch.url_id.is_not(None))
        ).all()
        if u is not None
    }
    boards_on = set(
        session.scalars(
            select(BoardItem.url_id)
            .join(WatchSwitch, WatchSwitch.board_id == BoardItem.board_id)
            .where(WatchSwitch.enabled.is_(True))
        )
    )
    versions = later_version_ids(session)
    query = select(Url.id, Url.partition_key, Url.url, Source.kind, Url.status).outerjoin(
        Source, Source.url_id == Url.id
    )
    if among is not None:
        query = query.where(Url.id.in_(list(among)))
    rows = session.execute(query).all()
    out: list[tuple[int, str, str]] = []
    for url_id, key, url, kind, status in rows:
        if url_id not in versions and _watched(own.get(url_id), url_id in boards_on, all_pages, url, kind, status):
            out.append((url_id, key, url))
    return out


# -- a run ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuePage:
    url_id: int
    key: str
    url: str
    host: str
    validators: dict[str, Any]
    #: The pipeline found this page's video through yt-dlp's generic extractor (see ``check_page``).
    ytdlp_fallback: bool = False


@dataclass(frozen=True)
class Told:
    """An event one run recorded, kept past the session that wrote its row: what ``vsl watch
    check`` words in the reader's language (:func:`describe`) and the schedule's metadata lists."""

    key: str  # the watched page's
    kind: str
    new_key: str | None
    detail: dict[str, Any]

    @classmethod
    def of(cls, event: WatchEvent, key: str) -> Told:
        return cls(key=key, kind=event.kind, new_key=event.new_key, detail=dict(event.detail or {}))

    @property
    def code(self) -> str:
        """``new_version page-v2``: the kind as the API and the webhook name it (the operator's record)."""
        return f"{self.kind} {self.new_key or ''}".strip()


@dataclass
class RunSummary:
    """What one run did: the schedule's metadata and ``vsl watch check``'s output."""

    checked: int = 0
    not_modified: int = 0
    changed: int = 0
    failed: int = 0
    down: int = 0
    requests: int = 0
    new_versions: list[str] = field(default_factory=list)
    events: list[Told] = field(default_factory=list)
    # (key, ``failed`` or ``down``, reason) of each page found down or failing, so ``vsl watch check``
    # says why, not only how many
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0
    webhook_sent: int = 0
    webhook_failed: int = 0

    @property
    def pages_per_s(self) -> float:
        return self.checked / self.seconds if self.seconds else 0.0

    @property
    def requests_per_page(self) -> float:
        return self.requests / self.checked if self.checked else 0.0


def _host(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc.rpartition("@")[2] or "?").lower()[:255]


def due_pages(session: Session, cfg: WatchConfig, now: datetime, *, keys: Sequence[str] | None = None) -> list[DuePage]:
    """Watched pages whose next check is due (``keys``: those pages now, watched or not)."""
    candidates: list[tuple[int, str, str]]
    if keys is not None:
        # A version's key stands for its page: the page is what is checked.
        ids = {page_id_of(session, i) for i in session.scalars(select(Url.id).where(Url.partition_key.in_(list(keys))))}
        rows = session.execute(select(Url.id, Url.partition_key, Url.url).where(Url.id.in_(ids)).order_by(Url.id))
        candidates = [(i, k, u) for i, k, u in rows]
    else:
        candidates = watched_pages(session, cfg.all_pages)
    state = {p.url_id: p for p in session.scalars(select(WatchPage))}
    generic = set(session.scalars(select(Source.url_id).where(Source.kind.like("yt-dlp:%"))))
    due: list[DuePage] = []
    for url_id, key, url in candidates:
        page = state.get(url_id)
        if keys is None and page is not None and _aware(page.next_check_at) > now:
            continue
        validators = dict(page.validators) if page else {}
        due.append(DuePage(url_id, key, url, _host(url), validators, ytdlp_fallback=url_id in generic))
    due.sort(key=lambda d: _aware(state[d.url_id].next_check_at) if d.url_id in state else now)
    return due[: cfg.batch]


def _aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns: they are UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def run_checks(
    sessions: Sessions,
    cfg: WatchConfig,
    *,
    partitions: PartitionPort | None,
    keys: Sequence[str] | None = None,
    now: Callable[[], datetime] = utcnow,
    client: httpx.Client | None = None,
) -> RunSummary:
    """Check every due page (or ``keys``), record each check, compare versions, send webhooks."""
    started = time.monotonic()
    summary = RunSummary()
    with sessions() as s:
        pages = due_pages(s, cfg, now(), keys=keys)
        refused = refused_here(s, pages, cfg.net)
    if refused:
        raise ConfigurationError(refused)
    by_host: dict[str, list[DuePage]] = defaultdict(list)
    for page in pages:
        by_host[page.host].append(page)
    options = cfg.options()
    own_client = client is None
    http = client or check_client(options, connections=max(cfg.concurrency, 1))
    write = threading.Lock()  # one writer at a time (SQLite), and the summary's counters

    def one_host(host_pages: list[DuePage]) -> None:
        last_start = 0.0
        for page in host_pages:
            wait = last_start + cfg.host_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            last_start = time.monotonic()
            result = check_page(
                page.url,
                http,
                options,
                validators=page.validators,
                timeout_s=cfg.check_timeout_s,
                ytdlp_fallback=page.ytdlp_fallback,
            )
            with write:
                with sessions() as s:
                    events, new_keys = record_check(s, page, result, cfg, now())
                _count(summary, result, events, new_keys, key=page.key)
                if new_keys and partitions is not None:
                    partitions.register(new_keys)

    try:
        workers = min(cfg.concurrency, len(by_host)) or 1
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vsl-watch") as pool:
            for future in [pool.submit(one_host, group) for group in _interleaved(by_host)]:
                future.result()
    finally:
        if own_client:
            http.close()
    with sessions() as s:
        compared = compare_versions(s, now())
        rows = s.execute(select(Url.id, Url.partition_key).where(Url.id.in_({e.url_id for e in compared})))
        page_keys = {url_id: key for url_id, key in rows}
        summary.events += [Told.of(e, page_keys.get(e.url_id, e.new_key or "")) for e in compared]
    if cfg.webhook_url:
        summary.webhook_sent, summary.webhook_failed = deliver_webhooks(sessions, cfg)
    summary.seconds = time.monotonic() - started
    return summary


def refused_here(session: Session, pages: Sequence[DuePage], net: NetPolicy) -> str | None:
    """Why these checks must not run here, or None: a page the app has already fetched (it has a
    source, or a check that read it) whose address this process's network policy refuses.  The
    process then runs without the app's environment (another ``.env``, no
    ``VSL_ALLOW_PRIVATE_NETWORKS``): every such page would be recorded "down", with an event and
    a webhook, though nothing changed on it.  A page never fetched is checked as always (the
    guard's refusal is then what a person must learn about it)."""
    if net.allow_private:
        return None
    blocked = {p.url_id: (p, why) for p in pages if (why := static_refusal(p.url, net)) is not None}
    if not blocked:
        return None
    ids = list(blocked)
    read = set(session.scalars(select(Source.url_id).where(Source.url_id.in_(ids))))
    read |= set(
        session.scalars(
            select(WatchCheck.url_id).where(
                WatchCheck.url_id.in_(ids), WatchCheck.outcome.in_([SAME, CHANGED, NOT_MODIFIED])
            )
        )
    )
    if not read:
        return None
    page, why = blocked[min(read)]
    more = f" (and {len(read) - 1} more)" if len(read) > 1 else ""
    return (
        f"{page.key}{more}: the app has fetched {redact_url(page.url)}, but this environment's network policy "
        f"refuses it ({why}). vsl is not running with the app's settings: run it in the app's project (or "
        "with VSL_PROJECT_DIR and the app's VSL_ALLOW_PRIVATE_NETWORKS / VSL_ALLOW_ADDRESSES). "
        "Nothing was checked or recorded."
    )


def _interleaved(by_host: dict[str, list[DuePage]]) -> list[list[DuePage]]:
    """Hosts with the most pages first, so the longest serial queue starts at once."""
    return sorted(by_host.values(), key=len, reverse=True)


def _count(summary: RunSummary, result: PageCheck, events: list[WatchEvent], new_keys: list[str], *, key: str) -> None:
    summary.checked += 1
    summary.requests += result.requests
    if result.outcome == NOT_MODIFIED:
        summary.not_modified += 1
    elif result.outcome == ERROR:
        summary.failed += 1
    elif result.outcome == DOWN:
        summary.down += 1
    if result.outcome in (ERROR, DOWN):
        what = "failed" if result.outcome == ERROR else "down"
        summary.problems.append((key, what, result.error or ""))
    if new_keys:
        summary.changed += 1
    summary.new_versions += new_keys
    summary.events += [Told.of(e, key) for e in events]


# -- recording one check ----------------------------------------------------------------------------


def _event(session: Session, url_id: int, kind: str, at: datetime, **values: Any) -> WatchEvent:
    event = WatchEvent(url_id=url_id, kind=kind, at=at, detail=values.pop("detail", {}), **values)
    session.add(event)
    return event


def _next_check(cfg: WatchConfig, now: datetime, failures: int) -> datetime:
    if failures:
        delay = min(cfg.interval_s, cfg.retry_s * 2 ** (failures - 1))
    else:
        delay = cfg.interval_s * (1 + random.random() * cfg.jitter)  # spreading load, not security
    return now + timedelta(seconds=delay)


def record_check(
    session: Session, due: DuePage, result: PageCheck, cfg: WatchConfig, now: datetime
) -> tuple[list[WatchEvent], list[str]]:
    """Write one check, its page's state, new versions and events; returns the events and new keys."""
    url = session.get(Url, due.url_id)
    if url is None:  # removed while being checked
        return [], []
    page = session.get(WatchPage, due.url_id)
    if page is None:
        page = WatchPage(url_id=due.url_id, host=due.host, validators={}, failures=0, first_seen_at=url.created_at)
        page.next_check_at = now
        session.add(page)
    events: list[WatchEvent] = []
    new_keys: list[str] = []
    identity = result.identity
    if result.outcome == NOT_MODIFIED:
        identity = session.scalar(
            select(WatchCheck.identity)
            .where(WatchCheck.url_id == due.url_id, WatchCheck.identity.is_not(None))
            .order_by(WatchCheck.checked_at.desc(), WatchCheck.id.desc())
            .limit(1)
        )
    source = result.source
    offer = source.cta_seconds if source else None
    outcome = result.outcome
    if outcome == SAME and identity is not None:
        created = _ensure_version(session, url, identity, source_row(source) if source else {}, now)
        if created is not None:
            outcome = CHANGED
            events.append(created[0])
            new_keys.append(created[1])
    check = WatchCheck(
        url_id=due.url_id,
        checked_at=now,
        outcome=outcome,
        http_status=result.http_status,
        requests=result.requests,
        elapsed_ms=result.elapsed_ms,
        player=source.kind if source else ("embed" if result.embed_url else None),
        identity=identity,
        duration_s=source.duration_s if source else None,
        title=source.title if source else None,
        page_offer_s=offer,
        other_videos=[{"url": u, "kind": source.other_video_kinds.get(u, "unknown")} for u in source.other_videos]
        if source
        else [],
        etag=result.etag,
        last_modified=result.last_modified,
        error=result.error,
    )
    session.add(check)
    page.last_checked_at = now
    if outcome in GOOD:
        page.failures = 0
        page.validators = result.validators
        page.last_live_at = now
        if page.first_seen_at is None:
            page.first_seen_at = now
        page.days_live = max(0, (now - _aware(page.first_seen_at)).days)
        if page.down_since is not None:
            events.append(
                _event(session, due.url_id, "back_up", now, detail={"down_since": page.down_since.isoformat()})
            )
            page.down_since, page.down_reason = None, None
        if offer is not None and page.page_offer_s is not None and round(offer) != round(page.page_offer_s):
            events.append(
                _event(
                    session,
                    due.url_id,
                    "offer_second_changed",
                    now,
                    detail={"field": "page_offer_s", "old": page.page_offer_s, "new": offer},
                )
            )
        if offer is not None:
            page.page_offer_s = offer
        session.flush()
        _update_liveness(session, due.url_id, identity, now, cfg.live_checks)
    else:
        page.validators = {}
        page.failures = page.failures + 1 if outcome == ERROR else 0
        gone = outcome == DOWN or page.failures >= cfg.down_after
        if gone and page.down_since is None:
            page.down_since = now
            page.down_reason = result.error
            events.append(_event(session, due.url_id, "page_down", now, detail={"reason": result.error}))
            session.execute(update(WatchVersion).where(WatchVersion.url_id == due.url_id).values(live=False))
    page.next_check_at = _next_check(cfg, now, page.failures)
    session.flush()
    return events, new_keys


def _ensure_version(
    session: Session, url: Url, identity: str, source: dict[str, Any], now: datetime
) -> tuple[WatchEvent, str] | None:
    """Record the version with ``identity``; a new one (n>1) gets its URL row: returns its event and key."""
    versions = list(session.scalars(select(WatchVersion).where(WatchVersion.url_id == url.id)))
    if not versions:
        # Version 1 is what the page played when it was processed (its sources row), else this.
        # (Only when this check read a stream too: an embed's identity is not comparable with one.)
        processed = session.scalar(select(Source).where(Source.url_id == url.id)) if source else None
        first_identity = stream_identity(processed.stream_url) if processed else identity
        first_source = {c: getattr(processed, c) for c in SOURCE_COLUMNS} if processed else source
        v1 = WatchVersion(
            url_id=url.id,
            number=1,
            identity=first_identity,
            version_url_id=url.id,
            source=first_source,
            first_seen_at=url.created_at or now,
            last_seen_at=now,
            live=True,
        )
        session.add(v1)
        session.flush()
        versions = [v1]
    for version in versions:
        if version.identity == identity:
            version.last_seen_at = now
            return None
    number = max(v.number for v in versions) + 1
    key = version_key(url.partition_key, number)
    previous = max(versions, key=lambda v: (_aware(v.last_seen_at), v.number))
    try:
        with session.begin_nested():
            row = Url(
                url=url.url,
                partition_key=key,
                status=UrlStatus.PENDING_INGEST.value,
                queue_count=0,
                language=url.language,
            )
            session.add(row)
            session.flush()
            session.add(
                WatchVersion(
                    url_id=url.id,
                    number=number,
                    identity=identity,
                    version_url_id=row.id,
                    source=source,
                    first_seen_at=now,
                    last_seen_at=now,
                    live=True,
                )
            )
            session.flush()
    except IntegrityError:
        return None  # another check recorded it first: one version per identity
    old_key = session.scalar(select(Url.partition_key).where(Url.id == previous.version_url_id))
    event = _event(
        session,
        url.id,
        "new_version",
        now,
        old_key=old_key,
        new_key=key,
        detail={"version": number, "player": source.get("kind")},
    )
    return event, key


def _update_liveness(session: Session, url_id: int, identity: str | None, now: datetime, window: int) -> None:
    """Live = seen in one of the page's last ``window`` good checks (A/B variants served in turn),
    and not replaced: a version not seen since a later one first appeared is no longer live,
    from the check that found the later one on.  An A/B page serves the older one again at a
    later check, which makes it live again beside the newer; a page that swapped its video does
    not, and its old version no longer showed "live" for ``window`` more days."""
    recent = set(
        session.scalars(
            select(WatchCheck.identity)
            .where(WatchCheck.url_id == url_id, WatchCheck.outcome.in_(GOOD), WatchCheck.identity.is_not(None))
            .order_by(WatchCheck.checked_at.desc(), WatchCheck.id.desc())
            .limit(window)
        )
    )
    if identity:
        recent.add(identity)
    versions = sorted(
        session.scalars(select(WatchVersion).where(WatchVersion.url_id == url_id)), key=lambda v: v.number
    )
    for version in versions:
        if version.identity == identity:
            version.last_seen_at = now
    for version in versions:
        later = [_aware(v.first_seen_at) for v in versions if v.number > version.number and v.first_seen_at]
        replaced = bool(later) and (version.last_seen_at is None or _aware(version.last_seen_at) < min(later))
        version.live = version.identity in recent and not replaced


# -- change events from breakdowns ------------------------------------------------------------------


def field_changes(old: BreakdownRow, new: BreakdownRow) -> list[tuple[str, str, Any, Any]]:
    """``(event kind, field, old, new)`` for each compared breakdown field that differs.

    Deliberately simple (equality, seconds rounded): the transcript and breakdown diff proper is
    ``/compare?mode=diff``.  A field unknown on either side is not a change (wrong is worse than unknown).
    """
    changes: list[tuple[str, str, Any, Any]] = []
    for name, kind in COMPARED_FIELDS.items():
        a, b = getattr(old, name), getattr(new, name)
        if a is None or b is None:
            continue
        if isinstance(a, float) and isinstance(b, float) and name != "offer_amount":
            a, b = round(a), round(b)
        if a != b:
            changes.append((kind, name, getattr(old, name), getattr(new, name)))
    return changes


def work_waiting(session: Session, cfg: WatchConfig) -> int:
    """Versions analysed but not yet compared, plus events not yet sent: a run is worth starting
    for them even when no page is due (a price change is told when the version is analysed, not
    a day later)."""
    analysed = select(BreakdownRow.url_id)
    waiting = session.scalar(
        select(func.count(WatchVersion.id)).where(
            WatchVersion.number > 1, WatchVersion.compared.is_(False), WatchVersion.version_url_id.in_(analysed)
        )
    )
    unsent: int | None = 0
    if cfg.webhook_url:
        unsent = session.scalar(
            select(func.count(WatchEvent.id)).where(WatchEvent.webhook.is_(None) | (WatchEvent.webhook == "failed"))
        )
    return int(waiting or 0) + int(unsent or 0)


def compare_versions(session: Session, now: datetime) -> list[WatchEvent]:
    """Events for each new version whose breakdown now exists, against the version before it."""
    events: list[WatchEvent] = []
    pending = session.scalars(
        select(WatchVersion).where(WatchVersion.number > 1, WatchVersion.compared.is_(False))
    ).all()
    for version in pending:
        new = session.scalar(select(BreakdownRow).where(BreakdownRow.url_id == version.version_url_id))
        if new is None:
            continue  # not analysed yet: compared on a later run
        earlier = session.scalars(
            select(WatchVersion)
            .where(WatchVersion.url_id == version.url_id, WatchVersion.number < version.number)
            .order_by(WatchVersion.number.desc())
        ).all()
        old = None
        old_version = None
        for candidate in earlier:
            old = session.scalar(select(BreakdownRow).where(BreakdownRow.url_id == candidate.version_url_id))
            if old is not None:
                old_version = candidate
                break
        version.compared = True
        if old is None or old_version is None:
            continue
        keys = dict(
            session.execute(
                select(Url.id, Url.partition_key).where(
                    Url.id.in_([old_version.version_url_id, version.version_url_id])
                )
            ).all()
        )
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for kind, name, a, b in field_changes(old, new):
            by_kind[kind].append({"field": name, "old": a, "new": b})
        if "offer_second_changed" in by_kind and _already_told(
            session, version.url_id, by_kind["offer_second_changed"]
        ):
            del by_kind["offer_second_changed"]  # the check saw the page's offer second move already
        for kind, fields in by_kind.items():
            events.append(
                _event(
                    session,
                    version.url_id,
                    kind,
                    now,
                    old_key=keys.get(old_version.version_url_id),
                    new_key=keys.get(version.version_url_id),
                    detail={"changes": fields},
                )
            )
    session.flush()
    return events


def _already_told(session: Session, page_id: int, fields: list[dict[str, Any]]) -> bool:
    """Whether a check's ``offer_second_changed`` event already named this new offer second."""
    new = fields[0]["new"]
    for detail in session.scalars(
        select(WatchEvent.detail).where(WatchEvent.url_id == page_id, WatchEvent.kind == "offer_second_changed")
    ):
        if detail and detail.get("new") is not None and round(detail["new"]) == round(new):
            return True
    return False


# -- webhook ---------------------------------------------------------------------------------------


def compare_link(old_key: str | None, new_key: str | None) -> str | None:
    """The Swipe's "what changed" page for two versions."""
    if not old_key or not new_key:
        return None
    return f"/compare?keys={old_key},{new_key}&mode=diff"


def _as_is(text: str) -> str:
    return text


def describe(event: WatchEvent | Told, key: str, words: Callable[[str], str] = _as_is) -> str:
    """One line a person reads (the feed, the webhook's Slack ``text``, ``vsl watch check``):
    "page: new VSL version — version 2 (page-v2)"; ``words`` puts its words in the reader's
    language (the UI catalog's, where :data:`EVENT_KINDS` and :data:`FIELD_LABELS` are)."""
    what = words(EVENT_KINDS.get(event.kind, event.kind))
    detail = event.detail or {}
    parts = [f"{key}: {what}"]
    for change in detail.get("changes", []):
        label = words(FIELD_LABELS.get(change["field"], change["field"]))
        parts.append(f"{label} {_shown(change['old'])} → {_shown(change['new'])}")
    if "old" in detail:
        parts.append(f"{_shown(detail['old'])} → {_shown(detail['new'])}")
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    if event.kind == "new_version" and event.new_key:
        parts.append(f"{words('version')} {detail.get('version', '?')} ({event.new_key})")
    return " — ".join(parts)


def _shown(value: Any) -> str:
    """``197`` for 197.0, ``97.5`` as is: numbers as a person writes them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def event_payload(event: WatchEvent, key: str, page_url: str) -> dict[str, Any]:
    """The webhook's JSON (and the API's item): the event, its VSL, and a Slack-compatible ``text``."""
    return {
        "id": event.id,
        "kind": event.kind,
        "at": _aware(event.at).isoformat(),
        "vsl": key,
        "page_url": page_url,
        "old_key": event.old_key,
        "new_key": event.new_key,
        "detail": event.detail or {},
        "what_changed": compare_link(event.old_key, event.new_key),
        "text": describe(event, key),
    }


def deliver_webhooks(sessions: Sessions, cfg: WatchConfig, *, limit: int = 500) -> tuple[int, int]:
    """POST each undelivered event to the administrator's URL; returns (sent, failed).

    The URL is the administrator's own (it may be an intranet chat server), so the page guard's
    public-address rule does not apply — but no redirect is followed (a redirect could carry the
    body elsewhere), the time is capped, and the URL is never logged or stored (chat webhooks carry
    their token in it): a failure records only the status or the error's class.  An event is tried
    at most ``webhook_attempts`` times, once per run, then marked ``gave_up``.
    """
    if not cfg.webhook_url:
        return 0, 0
    with sessions() as s:
        rows = s.execute(
            select(WatchEvent, Url.partition_key, Url.url)
            .join(Url, Url.id == WatchEvent.url_id)
            .where(WatchEvent.webhook.is_(None) | (WatchEvent.webhook == "failed"))
            .order_by(WatchEvent.id)
            .limit(limit)
        ).all()
        payloads = [(e.id, event_payload(e, key, url)) for e, key, url in rows]
    sent = failed = 0
    with httpx.Client(timeout=cfg.webhook_timeout_s, follow_redirects=False) as client:
        for event_id, payload in payloads:
            error: str | None = None
            try:
                response = client.post(cfg.webhook_url, json=payload)
                if response.status_code >= 300:
                    error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            with sessions() as s:
                event = s.get(WatchEvent, event_id)
                if event is None:
                    continue
                event.webhook_attempts += 1
                if error is None:
                    event.webhook, event.webhook_error = "sent", None
                    sent += 1
                else:
                    gave_up = event.webhook_attempts >= cfg.webhook_attempts
                    event.webhook, event.webhook_error = ("gave_up" if gave_up else "failed"), error
                    failed += 1
    return sent, failed


# -- reading: longevity, versions, the feed ---------------------------------------------------------


@dataclass(frozen=True)
class Longevity:
    """What a card and the VSL page say about a watched VSL's life."""

    key: str
    watched: bool
    first_seen_at: datetime | None
    last_live_at: datetime | None
    down_since: datetime | None
    down_reason: str | None
    versions: int
    live_versions: int

    @property
    def days_live(self) -> int | None:
        if self.first_seen_at is None or self.last_live_at is None:
            return None
        return max(0, (_aware(self.last_live_at) - _aware(self.first_seen_at)).days)

    def summary(self, words: Callable[[str], str] = _as_is, number: Callable[[int], str] = str) -> str:
        """``live for 94 days, 3 versions`` (``live since today`` on the first day, as the VSL page
        and the cards say it); ``words`` and ``number`` put it in the reader's language (``vsl watch
        list --lang``; the templates translate the same parts), English as it is by default."""
        days = self.days_live
        parts = []
        if self.down_since is not None:
            parts.append(f"{words('down since')} {_aware(self.down_since).date().isoformat()}")
        elif days == 0:
            parts.append(words("live since today"))
        elif days is not None:
            parts.append(f"{words('live for')} {number(days)} {words('day' if days == 1 else 'days')}")
        if self.versions:
            parts.append(f"{number(self.versions)} {words('version' if self.versions == 1 else 'versions')}")
        return ", ".join(parts)


def page_id_of(session: Session, url_id: int) -> int:
    """The page a ``urls`` row belongs to: itself, or the page whose later version it is."""
    owner = session.scalar(
        select(WatchVersion.url_id).where(WatchVersion.version_url_id == url_id, WatchVersion.number > 1)
    )
    return owner or url_id


def longevity(session: Session, url_ids: Iterable[int], all_pages: bool) -> dict[int, Longevity]:
    """Longevity of the pages among ``url_ids`` (by the id given; a version reports its page's)."""
    ids = list(url_ids)
    if not ids:
        return {}
    owners: dict[int, int] = dict(
        session.execute(
            select(WatchVersion.version_url_id, WatchVersion.url_id).where(
                WatchVersion.version_url_id.in_(ids), WatchVersion.number > 1
            )
        ).all()
    )
    page_ids = {owners.get(i, i) for i in ids}
    pages = {p.url_id: p for p in session.scalars(select(WatchPage).where(WatchPage.url_id.in_(page_ids)))}
    counts: dict[int, tuple[int, int]] = {}
    for page_id, total, live in session.execute(
        select(
            WatchVersion.url_id,
            func.count(WatchVersion.id),
            func.sum(case((WatchVersion.live.is_(True), 1), else_=0)),
        )
        .where(WatchVersion.url_id.in_(page_ids))
        .group_by(WatchVersion.url_id)
    ):
        counts[page_id] = (int(total), int(live or 0))
    keys: dict[int, str] = dict(session.execute(select(Url.id, Url.partition_key).where(Url.id.in_(page_ids))).all())
    watched = {u for u, _k, _url in watched_pages(session, all_pages, page_ids)}
    out: dict[int, Longevity] = {}
    for i in ids:
        pid = owners.get(i, i)
        page = pages.get(pid)
        total, live = counts.get(pid, (0, 0))
        out[i] = Longevity(
            key=keys.get(pid, ""),
            watched=pid in watched,
            first_seen_at=page.first_seen_at if page else None,
            last_live_at=page.last_live_at if page else None,
            down_since=page.down_since if page else None,
            down_reason=page.down_reason if page else None,
            versions=total,
            live_versions=live,
        )
    return out


@dataclass(frozen=True)
class VersionView:
    number: int
    key: str
    status: str
    live: bool
    first_seen_at: datetime
    last_seen_at: datetime
    player: str | None


def _page_watch_query() -> Any:
    """The page ``url_id`` belongs to (itself, or the page whose later version it is) with its
    source's player, schedule, own switch, whether a board it is on is switched on, and one row per
    version (none: a row of NULLs) with the version's ``urls`` key and status, newest first.

    One statement for what :func:`longevity` and the versions took ten for (the VSL page's watch
    panel): the owner is an uncorrelated subquery (planned once, then the ``urls`` primary key),
    the switches are lookups by their unique index, the versions by ``watch_versions.url_id``'s.
    Built once; prepared on PostgreSQL (``db.engine.PREPARED``).
    """
    given = bindparam("url_id", type_=Integer)
    later = aliased(WatchVersion)
    owner = select(later.url_id).where(later.version_url_id == given, later.number > 1).scalar_subquery()
    own = select(WatchSwitch.enabled).where(WatchSwitch.url_id == Url.id).scalar_subquery()
    on_board = exists().where(
        BoardItem.url_id == Url.id, WatchSwitch.board_id == BoardItem.board_id, WatchSwitch.enabled.is_(True)
    )
    version_url = aliased(Url)
    return (
        select(
            Url.partition_key,
            Url.url,
            Url.status,
            Source.kind,
            WatchPage.first_seen_at,
            WatchPage.last_live_at,
            WatchPage.down_since,
            WatchPage.down_reason,
            own.label("own_switch"),
            on_board.label("on_board"),
            WatchVersion.number,
            WatchVersion.live,
            WatchVersion.first_seen_at.label("version_first_seen_at"),
            WatchVersion.last_seen_at.label("version_last_seen_at"),
            WatchVersion.source["kind"].as_string().label("player"),
            version_url.id.label("version_url_id"),
            version_url.partition_key.label("version_key"),
            version_url.status.label("version_status"),
        )
        .select_from(Url)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(WatchPage, WatchPage.url_id == Url.id)
        .outerjoin(WatchVersion, WatchVersion.url_id == Url.id)
        .outerjoin(version_url, version_url.id == WatchVersion.version_url_id)
        .where(Url.id == func.coalesce(owner, given))
        .order_by(WatchVersion.number.desc())
        .execution_options(**{PREPARED: ("url_id",)})
    )


_PAGE_WATCH = _page_watch_query()


def page_watch(session: Session, url_id: int, all_pages: bool) -> tuple[Longevity, list[VersionView]]:
    """:func:`longevity` and the versions (newest first) of the page ``url_id`` belongs to, in one
    statement: what the VSL page's watch panel and ``/api/vsls/{key}/watch`` show."""
    rows = core_read(session, _PAGE_WATCH, {"url_id": url_id}).all()
    if not rows:  # removed meanwhile: what longevity() says of an unknown id
        return Longevity("", False, None, None, None, None, 0, 0), []
    page = rows[0]
    versions = [r for r in rows if r.number is not None]
    life = Longevity(
        key=page.partition_key,
        watched=_watched(page.own_switch, bool(page.on_board), all_pages, page.url, page.kind, page.status),
        first_seen_at=page.first_seen_at,
        last_live_at=page.last_live_at,
        down_since=page.down_since,
        down_reason=page.down_reason,
        versions=len(versions),
        live_versions=sum(1 for r in versions if r.live),
    )
    return life, [
        VersionView(
            r.number,
            r.version_key,
            r.version_status,
            r.live,
            r.version_first_seen_at,
            r.version_last_seen_at,
            r.player,
        )
        for r in versions
        if r.version_url_id is not None
    ]


@dataclass(frozen=True)
class FeedItem:
    id: int
    kind: str
    label: str
    at: datetime
    key: str
    page_url: str
    title: str | None
    niche: str | None
    text: str
    what_changed: str | None
    payload: dict[str, Any]


def feed(
    session: Session,
    *,
    board_id: int | None = None,
    niche: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    before: int | None = None,
) -> list[FeedItem]:
    """The latest events, newest first (``before``: an event id, for the next page)."""
    query = (
        select(WatchEvent, Url.partition_key, Url.url, Source.title, BreakdownRow.niche)
        .join(Url, Url.id == WatchEvent.url_id)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
    )
    if board_id is not None:
        query = query.where(WatchEvent.url_id.in_(select(BoardItem.url_id).where(BoardItem.board_id == board_id)))
    if niche:
        n = niche.strip().lower()
        query = query.where((BreakdownRow.niche == n) | (BreakdownRow.niche_top == n))
    if kind:
        query = query.where(WatchEvent.kind == kind)
    if before is not None:
        query = query.where(WatchEvent.id < before)
    rows = session.execute(query.order_by(WatchEvent.id.desc()).limit(max(1, min(limit, 200)))).all()
    items = []
    for event, key, url, title, event_niche in rows:
        payload = event_payload(event, key, url)
        items.append(
            FeedItem(
                event.id,
                event.kind,
                EVENT_KINDS.get(event.kind, event.kind),
                _aware(event.at),
                key,
                url,
                title,
                event_niche,
                payload["text"],
                payload["what_changed"],
                payload,
            )
        )
    return items


def changed_since_ids(session: Session, since: datetime) -> Any:
    """SQL: the page ids with an event since ``since`` (the library's "changed in the last N days")."""
    return select(WatchEvent.url_id).where(WatchEvent.at >= since)
