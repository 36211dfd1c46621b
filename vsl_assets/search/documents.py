"""What the index holds for one VSL, read from the app database (the product's record).

Breakdown fields the engine graded below ``min_confidence`` (``VSL_BREAKDOWN_MIN_CONFIDENCE``) go
into the index as unknown, so a price the engine was not sure of never matches a price filter.
The threshold is applied when a VSL is indexed: after changing it, ``vsl reindex``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.breakdown.columns import summaries
from vsl_assets.breakdown.models import is_sure
from vsl_assets.db.models import Audio, BreakdownRow, Source, TranscriptRow, Url
from vsl_assets.search.model import Segment, VslDocument


def _breakdown_fields(breakdown: BreakdownRow | None, min_confidence: float) -> dict[str, Any]:
    """The filterable breakdown fields, each None when unknown or not sure."""
    if breakdown is None:
        return {}

    def sure(field: str, value: Any) -> Any:
        return value if is_sure(breakdown.confidence, field, min_confidence) else None

    # The index's breakdown fields and the grade each follows: from the one definition.
    return {c.summary: sure(str(c.field), getattr(breakdown, c.name)) for c in summaries() if c.summary}


def _documents(session: Session, keys: list[str] | None, min_confidence: float) -> Iterator[VslDocument]:
    query = (
        select(Url, Source, Audio, TranscriptRow, BreakdownRow)
        .join(TranscriptRow, TranscriptRow.url_id == Url.id)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(Audio, Audio.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
        .order_by(Url.id)
    )
    if keys is not None:
        query = query.where(Url.partition_key.in_(keys))
    for url, source, audio, transcript, breakdown in session.execute(query):
        yield VslDocument(
            key=url.partition_key,
            url=url.url,
            title=source.title if source else None,
            language=transcript.language,
            player=source.kind if source else None,
            duration_s=(audio.duration_s if audio else None) or transcript.duration_s,
            added_at=url.created_at,
            **_breakdown_fields(breakdown, min_confidence),
            segments=[Segment.from_mapping(seg) for seg in transcript.segments or []],
        )


def document_for(session: Session, key: str, *, min_confidence: float) -> VslDocument | None:
    """The VSL's document, or None while it has no transcript (nothing to search yet)."""
    return next(_documents(session, [key], min_confidence), None)


def all_documents(session: Session, *, min_confidence: float) -> Iterator[VslDocument]:
    """Every VSL that has a transcript, oldest first (for ``vsl reindex``)."""
    return _documents(session, None, min_confidence)
