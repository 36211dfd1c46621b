"""``search_index``: every segment of the VSL's transcript, searchable, with its breakdown fields."""

from __future__ import annotations

import time
from dataclasses import dataclass

from vsl_assets.errors import MediaError
from vsl_assets.search.documents import VslDocument, document_for
from vsl_assets.services.steps.common import StepInputs, StepResources, required, required_value


@dataclass(frozen=True)
class IndexResult:
    doc: VslDocument
    backend: str
    indexed: int
    seconds: float
    index_vsls: int
    index_segments: int
    index_bytes: int


def run_search_index(inputs: StepInputs, res: StepResources) -> IndexResult:
    with res.sessions() as s:
        doc = document_for(s, inputs.key, min_confidence=required_value(res.min_confidence, "min_confidence"))
    if doc is None:
        raise MediaError("the transcript is missing; materialize transcript first")
    backend = required(res.search, "search")
    started = time.perf_counter()
    indexed = backend.index_vsl(doc)  # an upsert: re-indexing replaces, never duplicates
    elapsed = time.perf_counter() - started
    totals = backend.count()
    inputs.log(f"indexed {indexed} segments of {inputs.key} in {elapsed * 1000:.0f} ms ({backend.name})")
    return IndexResult(doc, backend.name, indexed, elapsed, totals.vsls, totals.segments, backend.size_bytes() or 0)
