"""What a person reads in the Dagster UI for each step's result: sizes, durations, paths, previews."""

from __future__ import annotations

from typing import Any

from dagster import MetadataValue

from vsl_assets.breakdown.columns import FIELDS, FieldKind
from vsl_assets.breakdown.models import Breakdown, Price
from vsl_assets.core.humanize import clock, human_bytes
from vsl_assets.media.probe import MediaInfo
from vsl_assets.net.urls import redact_url
from vsl_assets.services.steps import BreakdownResult, IndexResult, MediaResult, SourceResult, TranscriptResult
from vsl_assets.transcription import Transcript
from vsl_assets.transcription.quality import needs_review, quality_score

PREVIEW_SEGMENTS = 12


def media_metadata(info: MediaInfo, reused: bool) -> dict[str, Any]:
    return {
        "path": MetadataValue.path(info.path),
        "size_bytes": MetadataValue.int(info.size_bytes),
        "size": human_bytes(info.size_bytes),
        "duration_s": MetadataValue.float(info.duration_s),
        "container": info.container,
        "bitrate_bps": MetadataValue.int(info.bitrate or 0),
        "reused_existing": reused,
    }


def source_metadata(r: SourceResult) -> dict[str, Any]:
    row, others = r.row, r.others
    metadata = {
        "player": row["kind"],
        "stream_url": redact_url(row["stream_url"]),
        "page_title": row["title"] or "",
        "other_videos": MetadataValue.md(
            "\n".join(f"- `{v.get('kind', '?')}` {redact_url(v['url'])}" for v in others) or "none"
        ),
        "other_video_count": MetadataValue.int(len(others)),
        "cta_seconds": MetadataValue.float(float(row["cta_seconds"])) if row["cta_seconds"] is not None else "unknown",
        "cta_source": row["cta_source"] or "none",
        "reused_existing": r.reused,
    }
    if row["thumbnail"]:
        metadata["thumbnail"] = MetadataValue.url(row["thumbnail"])
    return metadata


def video_metadata(r: MediaResult) -> dict[str, Any]:
    info = r.info
    return {
        **media_metadata(info, r.reused),
        "video_codec": info.video_codec or "none",
        "audio_codec": info.audio_codec or "none",
        "resolution": f"{info.width}x{info.height}" if info.width else "audio only",
    }


def audio_metadata(r: MediaResult, sample_rate: int, target_bitrate: str) -> dict[str, Any]:
    return {
        **media_metadata(r.info, r.reused),
        "codec": r.info.audio_codec or "unknown",
        "sample_rate_hz": MetadataValue.int(sample_rate),
        "channels": MetadataValue.int(r.info.channels or 0),
        "target_bitrate": target_bitrate,
    }


def preview_markdown(t: Transcript) -> str:
    chunks = f", {t.chunk_count} chunks" if t.chunk_count > 1 else ""
    lines = [f"**{t.word_count} words**, language `{t.language or '?'}`, {t.engine} / {t.model}{chunks}", ""]
    lines += [f"> ⚠ {w.message}" for w in t.warnings]
    for seg in t.segments[:PREVIEW_SEGMENTS]:
        lines.append(f"- `[{clock(seg.start)}]` {seg.text.strip()}")
    if len(t.segments) > PREVIEW_SEGMENTS:
        lines.append(f"- … {len(t.segments) - PREVIEW_SEGMENTS} more segments")
    return "\n".join(lines)


def transcript_metadata(r: TranscriptResult) -> dict[str, Any]:
    t, json_path = r.transcript, r.paths["json"]
    return {
        "path": MetadataValue.path(str(json_path)),
        "text_path": MetadataValue.path(str(r.paths["txt"])),
        "size_bytes": MetadataValue.int(json_path.stat().st_size),
        "size": human_bytes(json_path.stat().st_size),
        "duration_s": MetadataValue.float(float(t.duration_s or 0.0)),
        "language": t.language or "unknown",
        "language_probability": MetadataValue.float(float(t.language_probability or 0.0)),
        "language_source": t.language_source or "unknown",
        "warnings": MetadataValue.md("\n".join(f"- {w.kind}: {w.message}" for w in t.warnings) or "none"),
        "warning_count": MetadataValue.int(len(t.warnings)),
        "quality_score": MetadataValue.float(float(quality_score(t) or 0.0)),
        "needs_review": needs_review(t),
        "engine": t.engine,
        "model": t.model,
        "segment_count": MetadataValue.int(len(t.segments)),
        "word_count": MetadataValue.int(t.word_count),
        "chunk_count": MetadataValue.int(t.chunk_count),
        "billed_minutes": MetadataValue.float(float(t.billed_minutes or 0.0)),
        "estimated_cost_usd": MetadataValue.float(float(t.cost_usd or 0.0)),
        "preview": MetadataValue.md(preview_markdown(t)),
        "reused_existing": r.reused,
    }


def _price(p: Price | None) -> str:
    return p.describe() if p is not None else "none said"


def confidence_summary(b: Breakdown, threshold: float) -> str:
    """``offer_price 0.42 (not sure), niche 0.90``: each graded field, the unsure ones marked."""
    if not b.confidence:
        return "none recorded (every field counts as sure)"
    unsure = set(b.unsure_fields(threshold))
    return ", ".join(
        f"{name} {grade:.2f}{' (not sure)' if name in unsure else ''}" for name, grade in b.confidence.items()
    )


def _second(value: float | None) -> MetadataValue | str:
    return MetadataValue.float(float(value)) if value is not None else "unknown"


def timeline_markdown(b: Breakdown) -> str:
    head = [
        f"**{b.niche or 'niche unknown'}** · lead `{b.lead_type or '?'}` · awareness `{b.awareness or '?'}`",
        f"offer {_price(b.offer_price)} · anchor {_price(b.anchor_price)} · "
        f"guarantee {f'{b.guarantee_days} days' if b.guarantee_days is not None else 'none said'} · "
        f"pitch at {clock(b.pitch_s) if b.pitch_s is not None else '?'} · "
        f"product named at {clock(b.product_reveal_s) if b.product_reveal_s is not None else '?'}",
        "",
        "| at | beat | quote |",
        "|---|---|---|",
    ]
    rows = [f"| `{clock(x.start)}` | {x.beat} | {x.quote[:90].replace('|', '/')} |" for x in b.beats]
    note = ["", f"_{b.note}_"] if b.note else []
    return "\n".join(head + rows + note)


def _shown(kind: FieldKind, value: Any) -> MetadataValue | str:
    """A fact as the UI shows it, by its kind; a fact not said says so."""
    if kind == "price":
        return _price(value)
    if kind == "seconds":
        return _second(value)
    if kind == "number":
        return MetadataValue.int(value) if value is not None else "none"
    return str(value) if value else "unknown"


def breakdown_facts(r: BreakdownResult) -> dict[str, MetadataValue | str]:
    """Every fact of ``breakdown.columns.FIELDS``: the graded ones from the breakdown, the page's
    and the media's seconds from the step's result (read with its write)."""
    measured = {"page_pitch_s": r.page_pitch_s, "duration_s": r.audio_duration_s or None}
    return {f.name: _shown(f.kind, getattr(r.breakdown, f.name) if f.graded else measured[f.name]) for f in FIELDS}


def breakdown_metadata(r: BreakdownResult, min_confidence: float) -> dict[str, Any]:
    b = r.breakdown
    return {
        "path": MetadataValue.path(str(r.path)),
        "status": b.status,
        **breakdown_facts(r),
        "confidence": confidence_summary(b, min_confidence),
        "not_sure": ", ".join(b.unsure_fields(min_confidence)) or "none",
        "price_mentions": MetadataValue.int(len(b.prices)),
        "beat_count": MetadataValue.int(len(b.beats)),
        "engine": b.engine,
        "model": b.model,
        "timeline": MetadataValue.md(timeline_markdown(b)),
        "reused_existing": r.reused,
    }


def search_metadata(r: IndexResult) -> dict[str, Any]:
    return {
        "backend": r.backend,
        "segments_indexed": MetadataValue.int(r.indexed),
        "index_seconds": MetadataValue.float(round(r.seconds, 4)),
        "language": r.doc.language or "unknown",
        "with_breakdown_fields": r.doc.niche is not None or r.doc.lead_type is not None,
        "index_vsls": MetadataValue.int(r.index_vsls),
        "index_segments": MetadataValue.int(r.index_segments),
        "index_size": human_bytes(r.index_bytes),
    }
