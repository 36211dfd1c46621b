"""``source_page``: resolve the pasted URL (a sales page, a player page or a stream) to its stream."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from vsl_assets.db import Source, Url, UrlStatus, Video, repo
from vsl_assets.db.watch_repo import pinned_source
from vsl_assets.errors import InvalidUrlError, VslError
from vsl_assets.media.pages import ResolvedSource, ResolveOptions, resolve
from vsl_assets.net.urls import DEFAULT_TRACKING, normalize_url, redact_url
from vsl_assets.services.steps.common import StepInputs, StepResources, reusable

#: The ``sources`` columns a resolution fills (and a reuse reads back).
SOURCE_COLUMNS = (
    "stream_url",
    "kind",
    "title",
    "thumbnail",
    "other_videos",
    "cta_seconds",
    "cta_source",
    "referer",
    "headers",
    "drm",
    "stream_key",
)


def stream_key(found: ResolvedSource) -> str:
    """The video's identity: two URLs with the same key play the same video.

    The stream URL, normalised with tracking parameters dropped; for hosted players (yt-dlp) the
    player's page, since their stream URLs are signed anew on every request.  A stream signed per
    visit on another CDN gives a new key each time: such duplicates are missed (processed twice),
    never merged wrongly."""
    identity = found.embed_url if found.kind.startswith("yt-dlp") and found.embed_url else found.stream_url
    try:
        identity = normalize_url(identity, tracking=DEFAULT_TRACKING)
    except InvalidUrlError:
        pass  # an identity that does not normalise is compared as it is
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def original_of(session: Any, url_id: int, key: str | None) -> Url | None:
    """The URL that already has this video (the earliest one, never an alias nor a failed one)."""
    if key is None:
        return None
    return session.scalar(
        select(Url)
        .join(Source, Source.url_id == Url.id)
        .where(
            Source.stream_key == key,
            Url.id != url_id,
            Url.alias_of.is_(None),
            Url.status.not_in([UrlStatus.FAILED.value, UrlStatus.ALIAS.value]),
        )
        .order_by(Url.id)
        .limit(1)
    )


@dataclass(frozen=True)
class SourceResult:
    row: dict[str, Any]
    reused: bool
    #: The key of the VSL this URL is a duplicate of (same video): the pipeline stops here for it.
    alias_of: str | None = None

    @property
    def done_status(self) -> UrlStatus | None:
        """The URL's status once the step is done, when it is not the step's usual one."""
        return UrlStatus.ALIAS if self.alias_of else None

    @property
    def others(self) -> list[dict[str, str]]:
        """``[{url, kind}]``; rows stored before kinds were recorded hold bare URLs."""
        return [v if isinstance(v, dict) else {"url": v, "kind": "unknown"} for v in self.row["other_videos"]]


def run_source(inputs: StepInputs, res: StepResources) -> SourceResult:
    key = inputs.key
    with res.sessions() as s:
        known = repo.get_output(s, Source, key)
    # Signed stream URLs expire: keep an earlier resolution only while its video is stored.
    video = res.layout.video_path(key)
    if known is not None and not inputs.force and res.store.fetch(video) and reusable(video):
        return SourceResult({c: getattr(known, c) for c in SOURCE_COLUMNS}, reused=True)
    with res.sessions() as s:
        pinned = pinned_source(s, inputs.url_id)
    if pinned is not None:
        # A later version of a watched page: the stream its check saw (an A/B page may serve the
        # other variant to a new request), not whatever the page plays now.
        row = {c: pinned.get(c) for c in SOURCE_COLUMNS}
        row["other_videos"] = row["other_videos"] or []
        row["headers"] = row["headers"] or {}
        row["drm"] = bool(row["drm"])
        how = "the watch's check found"
    else:
        options = ResolveOptions(
            max_page_bytes=res.media.max_page_bytes,
            max_page_scripts=res.media.max_page_scripts,
            net=res.media.net_policy,
        )
        try:
            row = source_row(resolve(inputs.url, options=options))
        except VslError as exc:
            if exc.page_title:  # the page said what it is: named by it, though no video came of it
                with res.sessions() as s:
                    url = s.get(Url, inputs.url_id)
                    if url is not None:
                        url.page_title = exc.page_title
            raise
        how = "resolved"
    # Decided here, where the stream is known and before anything is downloaded: a URL whose
    # video another URL already has becomes that VSL's alias and is not processed again.  Never a
    # URL whose video is already stored (a forced re-run: it has been processed), nor a watched
    # page's later version (the watch compares versions; each keeps its own transcript).
    with res.sessions() as s:
        repo.upsert(s, Source, inputs.url_id, page_url=inputs.url, **row)
        processed = pinned is not None or repo.get_output(s, Video, key) is not None
        original = None if processed else original_of(s, inputs.url_id, row.get("stream_key"))
        url = s.get(Url, inputs.url_id)
        if url is not None:
            url.alias_of = original.id if original is not None else None
        alias_of = original.partition_key if original is not None else None
    inputs.log(f"{how} {redact_url(inputs.url)}: a {row['kind']} stream: {redact_url(str(row['stream_url']))}")
    if alias_of:
        inputs.log(f"same video as {alias_of}: this URL is its alias and is not processed again")
    return SourceResult(row, reused=False, alias_of=alias_of)


def source_row(found: ResolvedSource) -> dict[str, Any]:
    """The ``sources`` columns of a resolution (also what a watched page's new version is pinned to)."""
    return {
        "stream_url": found.stream_url,
        "kind": found.kind,
        "title": found.title,
        "thumbnail": found.thumbnail,
        "other_videos": [{"url": u, "kind": found.other_video_kinds.get(u, "unknown")} for u in found.other_videos],
        "cta_seconds": found.cta_seconds,
        "cta_source": found.cta_source,
        "referer": found.referer,
        "headers": dict(found.headers),
        "drm": found.drm,
        "stream_key": stream_key(found),
    }
