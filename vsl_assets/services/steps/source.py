"""``source_page``: resolve the pasted URL (a sales page, a player page or a stream) to its stream."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vsl_assets.db import Source, repo
from vsl_assets.db.watch_repo import pinned_source
from vsl_assets.media.pages import ResolvedSource, ResolveOptions, resolve
from vsl_assets.net.urls import redact_url
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
)


@dataclass(frozen=True)
class SourceResult:
    row: dict[str, Any]
    reused: bool

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
        options = ResolveOptions(max_page_bytes=res.media.max_page_bytes, max_page_scripts=res.media.max_page_scripts)
        row = source_row(resolve(inputs.url, options=options))
        how = "resolved"
    with res.sessions() as s:
        repo.upsert(s, Source, inputs.url_id, page_url=inputs.url, **row)
    inputs.log(f"{how} {redact_url(inputs.url)}: a {row['kind']} stream: {redact_url(str(row['stream_url']))}")
    return SourceResult(row, reused=False)


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
    }
