"""``breakdown``: the transcript read as a copywriter reads a VSL — niche, lead, awareness, beats, offer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vsl_assets.breakdown.columns import row_values
from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.models import Breakdown
from vsl_assets.db import Audio, BreakdownRow, Source, repo
from vsl_assets.errors import MediaError
from vsl_assets.services import insights
from vsl_assets.services.steps.common import StepInputs, StepResources, required
from vsl_assets.storage import StorageLayout, atomic_write_text, remove_stale_temps
from vsl_assets.transcription import Transcript


@dataclass(frozen=True)
class BreakdownResult:
    breakdown: Breakdown
    path: Path
    reused: bool
    #: The second the sales page says the offer appears (``source_page``), when it says.
    page_pitch_s: float | None = None
    #: The audio's duration from its row (read with the write), what the checks measure against.
    audio_duration_s: float = 0.0


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
    """The ``breakdowns`` row: the breakdown's columns (``breakdown.columns``, defined once) and the run's facts."""
    return {
        **row_values(b),
        "duration_s": duration_s,
        "page_pitch_s": page_pitch_s,
        "cost_usd": cost,
        # Null when the engine graded nothing: readers then take every field as sure, as before.
        "confidence": dict(b.confidence) or None,
        "data": b.model_dump(mode="json"),
    }


def run_breakdown(inputs: StepInputs, res: StepResources) -> BreakdownResult:
    layout, store, key = res.layout, res.store, inputs.key
    source_json = layout.transcript_path(key, "json")
    remove_stale_temps(layout.breakdowns, key)
    if not store.fetch(source_json):
        raise MediaError("the transcript is missing; materialize transcript first")
    if not inputs.force:
        store.fetch(layout.breakdown_path(key))
    stored = Transcript.from_dict(json.loads(source_json.read_text(encoding="utf-8")))
    result = None if inputs.force else _existing(layout, key)
    reused = result is not None
    cost = None
    if result is None:
        engine = required(res.breakdown_engine, "breakdown_engine")
        result = analyze(stored.segments, stored.language, engine, log=inputs.log)
        usage = getattr(engine, "last_usage", None)  # the openai engine's tokens and dollars
        cost = usage.cost_usd if usage is not None else None
        layout.breakdowns.mkdir(parents=True, exist_ok=True)
        atomic_write_text(layout.breakdown_path(key), result.model_dump_json(indent=2))
    store.publish(layout.breakdown_path(key))
    with res.sessions() as s:
        source = repo.get_output(s, Source, key)
        audio = repo.get_output(s, Audio, key)
        audio_duration_s = audio.duration_s if audio is not None and audio.duration_s else 0.0
        page_pitch_s = source.cta_seconds if source else None
        existing_row = repo.get_output(s, BreakdownRow, key)
        if cost is None and existing_row is not None and reused:
            cost = existing_row.cost_usd
        with insights.counted(s, [inputs.url_id]):
            repo.save_breakdown(
                s,
                inputs.url_id,
                [(x.beat, x.start, x.end, x.quote) for x in result.beats],
                **_columns(result, stored.duration_s, page_pitch_s, cost),
            )
    return BreakdownResult(result, layout.breakdown_path(key), reused, page_pitch_s, audio_duration_s)
