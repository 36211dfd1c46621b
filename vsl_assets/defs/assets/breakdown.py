"""``breakdown``: the transcript read as a copywriter reads a VSL — niche, lead, awareness, beats, offer."""

import json

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.models import Breakdown, Price
from vsl_assets.db import BreakdownRow, Source, repo
from vsl_assets.defs.assets.step import StepConfig, tracked_step, vsl_asset
from vsl_assets.defs.assets.transcript import transcript
from vsl_assets.defs.resources import BreakdownResource, DatabaseResource, MediaResource, StorageResource
from vsl_assets.errors import MediaError
from vsl_assets.humanize import clock
from vsl_assets.storage import StorageLayout, atomic_write_text, remove_stale_temps
from vsl_assets.transcription import Transcript


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


def _existing(layout: StorageLayout, key: str) -> Breakdown | None:
    """A breakdown written after the current transcript (so a re-transcription is analysed again)."""
    path, source = layout.breakdown_path(key), layout.transcript_path(key, "json")
    if not path.is_file() or path.stat().st_mtime < source.stat().st_mtime:
        return None
    try:
        return Breakdown.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def _columns(b: Breakdown, duration_s: float | None, page_pitch_s: float | None, cost: float | None) -> dict:
    offer, anchor = b.offer_price, b.anchor_price
    return {
        "status": b.status,
        "language": b.language,
        "niche": b.niche,
        "niche_top": b.niche_top,
        "awareness": b.awareness,
        "lead_type": b.lead_type,
        "duration_s": duration_s,
        "pitch_s": b.pitch_s,
        "page_pitch_s": page_pitch_s,
        "product_reveal_s": b.product_reveal_s,
        "offer_amount": offer.amount if offer else None,
        "offer_currency": offer.currency if offer else None,
        "offer_installments": offer.installments if offer else None,
        "offer_installment_amount": offer.installment_amount if offer else None,
        "anchor_amount": anchor.amount if anchor else None,
        "anchor_currency": anchor.currency if anchor else None,
        "guarantee_days": b.guarantee_days,
        "hook": b.hook,
        "product": b.product,
        "mechanism": b.mechanism,
        "consistency": b.consistency,
        "engine": b.engine,
        "model": b.model,
        "cost_usd": cost,
        # Null when the engine graded nothing: readers then take every field as sure, as before.
        "confidence": dict(b.confidence) or None,
        "data": b.model_dump(mode="json"),
    }


@vsl_asset(
    deps=[transcript],
    kinds={"python"},
    description="Niche, lead type, awareness level, timed structure beats and offer (price, guarantee) of the VSL.",
)
def breakdown(
    context: AssetExecutionContext,
    config: StepConfig,
    db: DatabaseResource,
    storage: StorageResource,
    media: MediaResource,
    breakdown_engine: BreakdownResource,
) -> MaterializeResult:
    layout, store = storage.layout, storage.store
    key = context.partition_key
    source_json = layout.transcript_path(key, "json")
    with tracked_step(context, db, media) as step:
        remove_stale_temps(layout.breakdowns, key)
        if not store.fetch(source_json):
            raise MediaError("the transcript is missing; materialize transcript first")
        if not config.force:
            store.fetch(layout.breakdown_path(key))
        stored = Transcript.from_dict(json.loads(source_json.read_text(encoding="utf-8")))
        result = None if config.force else _existing(layout, key)
        step.reused = result is not None
        cost = None
        if result is None:
            engine = breakdown_engine.build()
            result = analyze(stored.segments, stored.language, engine, log=context.log.info)
            usage = getattr(engine, "last_usage", None)  # the openai engine's tokens and dollars
            cost = usage.cost_usd if usage is not None else None
            layout.breakdowns.mkdir(parents=True, exist_ok=True)
            atomic_write_text(layout.breakdown_path(key), result.model_dump_json(indent=2))
        store.publish(layout.breakdown_path(key))
        with db.session() as s:
            source = repo.get_output(s, Source, key)
            page_pitch_s = source.cta_seconds if source else None
            existing_row = repo.get_output(s, BreakdownRow, key)
            if cost is None and existing_row is not None and step.reused:
                cost = existing_row.cost_usd
            repo.save_breakdown(
                s,
                step.url_id,
                [(x.beat, x.start, x.end, x.quote) for x in result.beats],
                **_columns(result, stored.duration_s, page_pitch_s, cost),
            )
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(layout.breakdown_path(key))),
            "status": result.status,
            "niche": result.niche or "unknown",
            "lead_type": result.lead_type or "unknown",
            "awareness": result.awareness or "unknown",
            "offer_price": _price(result.offer_price),
            "guarantee_days": MetadataValue.int(result.guarantee_days) if result.guarantee_days is not None else "none",
            "pitch_s": _second(result.pitch_s),
            "product_reveal_s": _second(result.product_reveal_s),
            "page_pitch_s": _second(page_pitch_s),
            "confidence": confidence_summary(result, breakdown_engine.min_confidence),
            "not_sure": ", ".join(result.unsure_fields(breakdown_engine.min_confidence)) or "none",
            "price_mentions": MetadataValue.int(len(result.prices)),
            "beat_count": MetadataValue.int(len(result.beats)),
            "engine": result.engine,
            "model": result.model,
            "timeline": MetadataValue.md(timeline_markdown(result)),
            "reused_existing": step.reused,
        }
    )
