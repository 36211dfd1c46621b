"""A step that re-runs on a URL already further on and only reuses its output leaves the URL's
status where it was: an analysed VSL whose transcript step ran again read "transcribed" (and,
while the step ran, "transcribing"), as if its breakdown had gone."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from vsl_assets import heartbeat
from vsl_assets.db import Job, JobOutcome, UrlStatus, repo, session_scope
from vsl_assets.defs.assets.step import DagsterSteps, StepConfig
from vsl_assets.services import steps
from vsl_assets.services.steps import StepInputs
from vsl_assets.settings import current


@dataclass
class _Done:
    reused: bool


def _context(key: str) -> Any:
    return SimpleNamespace(
        partition_key=key, retry_number=0, run=SimpleNamespace(run_id="run-1"), log=SimpleNamespace(info=print)
    )


def _track(key: str, force: bool = False) -> tuple[DagsterSteps, Any]:
    from vsl_assets.defs.resources import DatabaseResource

    db = DatabaseResource(url=current().database, worker_name="")
    media = SimpleNamespace(worker_name="", step_timeout_s=60.0)
    return DagsterSteps(_context(key), StepConfig(force=force), db, media), SimpleNamespace(media=media)  # type: ignore[arg-type]


def _status(key: str) -> str:
    with session_scope(current().database) as s:
        row = repo.get_url(s, key)
        assert row is not None
        return row.status


@pytest.mark.parametrize(
    ("step", "before"),
    [("transcript", UrlStatus.ANALYZED), ("audio_file", UrlStatus.TRANSCRIBED), ("breakdown", UrlStatus.ANALYZED)],
)
def test_a_reused_step_never_moves_the_status_back(vsl_env, monkeypatch, step: str, before: UrlStatus) -> None:
    monkeypatch.setattr(heartbeat, "keep_beating", lambda *a, **k: None)
    with session_scope(current().database) as s:
        [added] = repo.add_urls(s, ["https://a.example.com/vsl"])
        repo.set_status(s, [added.partition_key], before)
    key = added.partition_key
    seen: list[str] = []

    def reuse(inputs: StepInputs) -> _Done:
        seen.append(_status(key))  # what the Queue and library read while the step runs
        return _Done(reused=True)

    track, res = _track(key)
    steps.tracked(track, step, res, reuse)
    assert seen == [before] and _status(key) == before
    with session_scope(current().database) as s:
        assert [j.outcome for j in s.query(Job)] == [JobOutcome.REUSED]


def test_work_redone_or_forced_still_moves_the_status(vsl_env, monkeypatch) -> None:
    monkeypatch.setattr(heartbeat, "keep_beating", lambda *a, **k: None)
    with session_scope(current().database) as s:
        [added] = repo.add_urls(s, ["https://b.example.com/vsl"])
        repo.set_status(s, [added.partition_key], UrlStatus.ANALYZED)
    key = added.partition_key
    seen: list[str] = []

    def redo(inputs: StepInputs) -> _Done:
        seen.append(_status(key))
        return _Done(reused=False)

    track, res = _track(key, force=True)
    steps.tracked(track, "transcript", res, redo)  # forced: the work is redone, and says so
    assert seen == [UrlStatus.TRANSCRIBING] and _status(key) == UrlStatus.TRANSCRIBED
    with session_scope(current().database) as s:
        repo.set_status(s, [key], UrlStatus.QUEUED)
    track, res = _track(key)
    steps.tracked(track, "transcript", res, lambda inputs: _Done(reused=True))  # an ordinary run's step
    assert _status(key) == UrlStatus.TRANSCRIBED
