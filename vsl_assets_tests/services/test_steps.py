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


def test_the_breakdown_step_keeps_the_insights_counts(env: Env) -> None:
    """The step writes through ``insights.counted``: after it (and after a forced re-analysis of
    another transcript) the running counts equal a recount from the breakdowns."""
    from sqlalchemy import select

    from vsl_assets.db.models import InsightCount
    from vsl_assets.services import insights

    with env.sessions() as s:
        key = seed(s, env.layout, Fake("https://b.example.com/v", status="transcribed"))
        url = repo.require_url(s, key)
        inputs = StepInputs(key, url.url, url.id)
        assert insights.ensure_counts(s, 0.6)

    def kept() -> dict[tuple[str, str, str, str], tuple[int, int]]:
        with env.sessions() as s:
            rows = s.scalars(select(InsightCount).where(InsightCount.kind != "built"))
            counted = {(r.kind, r.niche, r.niche_top, r.key): (r.vsls, r.ratios) for r in rows}
            fresh = {k: (int(v[0]), int(v[1])) for k, v in insights._shares(s, 0.6, None).items()}
        assert counted == fresh
        return counted

    assert kept() == {}
    resources = StepResources(
        sessions=env.sessions,
        layout=env.layout,
        store=store_for(env.settings),
        media=None,  # type: ignore[arg-type]  # the breakdown reads no media setting
        breakdown_engine=lambda: get_engine("local"),
    )
    spoken = [
        (0.0, 6.0, "Você está cansado de acordar com dor nas costas todos os dias?"),
        (6.0, 14.0, "Hoje vou mostrar o ritual da manhã que mudou a minha vida."),
        (14.0, 22.0, "Garantia de 30 dias ou o seu dinheiro de volta, por apenas R$ 97."),
    ]
    for words in (spoken, [*spoken[1:], (22.0, 30.0, "Clique no botão abaixo agora mesmo.")]):
        segments = [Segment(start=a, end=b, text=t) for a, b, t in words]
        write_outputs(Transcript(" ".join(t for *_, t in words), "pt", segments, "test", "test", 30.0), env.layout, key)
        run_breakdown(StepInputs(key, inputs.url, inputs.url_id, force=True), resources)
        counted = kept()
        assert counted[("count", *next(k[1:3] for k in counted), '["analysed"]')] == (1, 0)
