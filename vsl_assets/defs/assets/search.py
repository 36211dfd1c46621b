"""``search_index``: every segment of the VSL's transcript, searchable, with its breakdown fields."""

import time

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from vsl_assets.defs.assets.breakdown import breakdown
from vsl_assets.defs.assets.step import StepConfig, tracked_step, vsl_asset
from vsl_assets.defs.resources import DatabaseResource, MediaResource, SearchResource
from vsl_assets.errors import MediaError
from vsl_assets.humanize import human_bytes
from vsl_assets.search.documents import document_for


@vsl_asset(
    deps=[breakdown],
    kinds={"sqlite", "postgres"},
    description="The VSL's transcript segments in the full-text index (embedded SQLite FTS5, or PostgreSQL "
    "when the app database is), with its niche, lead, awareness, pitch and price as filters.",
)
def search_index(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    media: MediaResource,
    search: SearchResource,
) -> MaterializeResult:
    key = context.partition_key
    with tracked_step(context, db, media):
        with db.session() as s:
            doc = document_for(s, key, min_confidence=search.min_confidence)
        if doc is None:
            raise MediaError("the transcript is missing; materialize transcript first")
        backend = search.backend()
        started = time.perf_counter()
        indexed = backend.index_vsl(doc)  # an upsert: re-indexing replaces, never duplicates
        elapsed = time.perf_counter() - started
        totals = backend.count()
    context.log.info(f"indexed {indexed} segments of {key} in {elapsed * 1000:.0f} ms ({backend.name})")
    return MaterializeResult(
        metadata={
            "backend": backend.name,
            "segments_indexed": MetadataValue.int(indexed),
            "index_seconds": MetadataValue.float(round(elapsed, 4)),
            "language": doc.language or "unknown",
            "with_breakdown_fields": doc.niche is not None or doc.lead_type is not None,
            "index_vsls": MetadataValue.int(totals.vsls),
            "index_segments": MetadataValue.int(totals.segments),
            "index_size": human_bytes(backend.size_bytes() or 0),
        }
    )
