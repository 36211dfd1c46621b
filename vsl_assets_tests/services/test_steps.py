"""A pipeline step runs without Dagster: reuse unless forced, the file, the row (here: the breakdown)."""

from __future__ import annotations

import json

from vsl_assets.breakdown.engine import get_engine
from vsl_assets.db import BreakdownRow, repo
from vsl_assets.services.steps import StepInputs, StepResources, run_breakdown
from vsl_assets.storage.objectstore import store_for
from vsl_assets.transcription import Segment, Transcript, write_outputs
from vsl_assets_tests.services.conftest import Env
from vsl_assets_tests.web.seed import Fake, seed


class _CountingEngine:
    """The real local engine, counted: reuse must not call it."""

    def __init__(self) -> None:
        self.inner, self.calls = get_engine("local"), 0
        self.engine, self.model = self.inner.engine, self.inner.model

    def analyze(self, segments, language, *, log=None):
        self.calls += 1
        return self.inner.analyze(segments, language, log=log)


def test_run_breakdown_writes_the_file_and_the_row_then_reuses_them_unless_forced(env: Env) -> None:
    with env.sessions() as s:
        key = seed(s, env.layout, Fake("https://a.example.com/v", status="transcribed"))
        url = repo.require_url(s, key)
        inputs = StepInputs(key, url.url, url.id)
    fake = Fake("x")
    segments = [Segment(start=a, end=b, text=t) for a, b, t in fake.segments]
    text = " ".join(t for _, _, t in fake.segments)
    write_outputs(Transcript(text, "pt", segments, "test", "test", 15.0), env.layout, key)
    engine = _CountingEngine()
    resources = StepResources(
        sessions=env.sessions,
        layout=env.layout,
        store=store_for(env.settings),
        media=None,  # type: ignore[arg-type]  # the breakdown reads no media setting
        breakdown_engine=lambda: engine,
    )
    first = run_breakdown(inputs, resources)
    assert (first.reused, engine.calls) == (False, 1)
    assert json.loads(first.path.read_text())["language"] == "pt"
    with env.sessions() as s:
        row = repo.get_output(s, BreakdownRow, key)
        assert row is not None and row.status == first.breakdown.status and row.engine == "local"
    again = run_breakdown(inputs, resources)
    assert (again.reused, engine.calls) == (True, 1)
    forced = run_breakdown(StepInputs(key, inputs.url, inputs.url_id, force=True), resources)
    assert (forced.reused, engine.calls) == (False, 2)
