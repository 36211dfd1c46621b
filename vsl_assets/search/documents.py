"""What the index holds for one VSL, read from the app database (the product's record)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from vsl_assets.db.models import Audio, BreakdownRow, Source, TranscriptRow, Url
from vsl_assets.search.model import Segment, VslDocument


def _documents(session: Session, keys: list[str] | None) -> Iterator[VslDocument]:
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
            niche=breakdown.niche if breakdown else None,
            lead_type=breakdown.lead_type if breakdown else None,
            awareness=breakdown.awareness if breakdown else None,
            pitch_s=breakdown.pitch_s if breakdown else None,
            price=breakdown.offer_amount if breakdown else None,
            currency=breakdown.offer_currency if breakdown else None,
            segments=[Segment.from_mapping(seg) for seg in transcript.segments or []],
        )


def document_for(session: Session, key: str) -> VslDocument | None:
    """The VSL's document, or None while it has no transcript (nothing to search yet)."""
    return next(_documents(session, [key]), None)


def all_documents(session: Session) -> Iterator[VslDocument]:
    """Every VSL that has a transcript, oldest first (for ``vsl reindex``)."""
    return _documents(session, None)
