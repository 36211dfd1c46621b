"""``source_page``: resolve the pasted URL (a sales page, a player page or a stream) to its stream."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from vsl_assets.db import Source, repo
from vsl_assets.defs.assets.step import StepConfig, reusable, tracked_step, vsl_asset
from vsl_assets.defs.resources import DatabaseResource, MediaResource, StorageResource
from vsl_assets.media.pages import ResolveOptions, resolve
from vsl_assets.urls import redact_url


def _md_list(videos: list[dict[str, str]]) -> str:
    return "\n".join(f"- `{v.get('kind', '?')}` {redact_url(v['url'])}" for v in videos) or "none"


def _others(videos: list) -> list[dict[str, str]]:
    """``[{url, kind}]``; rows stored before kinds were recorded hold bare URLs."""
    return [v if isinstance(v, dict) else {"url": v, "kind": "unknown"} for v in videos]


@vsl_asset(
    kinds={"html"},
    description="What the URL points at: the player found on the page and the stream it plays.",
)
def source_page(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
) -> MaterializeResult:
    key = context.partition_key
    with tracked_step(context, db, media) as step:
        with db.session() as s:
            known = repo.get_output(s, Source, key)
        # Signed stream URLs expire: keep an earlier resolution only while its video is stored.
        video = storage.layout.video_path(key)
        if known is not None and not config.force and storage.store.fetch(video) and reusable(video):
            step.reused = True
            row = {
                c: getattr(known, c)
                for c in (
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
            }
        else:
            options = ResolveOptions(max_page_bytes=media.max_page_bytes, max_page_scripts=media.max_page_scripts)
            found = resolve(step.url, options=options)
            row = {
                "stream_url": found.stream_url,
                "kind": found.kind,
                "title": found.title,
                "thumbnail": found.thumbnail,
                "other_videos": [
                    {"url": u, "kind": found.other_video_kinds.get(u, "unknown")} for u in found.other_videos
                ],
                "cta_seconds": found.cta_seconds,
                "cta_source": found.cta_source,
                "referer": found.referer,
                "headers": dict(found.headers),
                "drm": found.drm,
            }
            with db.session() as s:
                repo.upsert(s, Source, step.url_id, page_url=step.url, **row)
            context.log.info(
                f"resolved {redact_url(step.url)} to a {found.kind} stream: {redact_url(found.stream_url)}"
            )
    others = _others(row["other_videos"])
    metadata = {
        "player": row["kind"],
        "stream_url": redact_url(row["stream_url"]),
        "page_title": row["title"] or "",
        "other_videos": MetadataValue.md(_md_list(others)),
        "other_video_count": MetadataValue.int(len(others)),
        "cta_seconds": MetadataValue.float(float(row["cta_seconds"])) if row["cta_seconds"] is not None else "unknown",
        "cta_source": row["cta_source"] or "none",
        "reused_existing": step.reused,
    }
    if row["thumbnail"]:
        metadata["thumbnail"] = MetadataValue.url(row["thumbnail"])
    return MaterializeResult(metadata=metadata)
