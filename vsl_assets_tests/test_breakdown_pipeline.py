"""The breakdown step through the whole pipeline, with the local rules and with the openai engine.

The openai engine is the real ``openai`` client against the project's OpenAI-compatible server on
127.0.0.1 (transcription stays local, so only the breakdown talks to it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import BeatRow, BreakdownRow, DeadLetter, Job, Url
from vsl_assets_tests.conftest import add_urls, db_session, run_partition
from vsl_assets_tests.servers import FakeOpenAIServer
from vsl_assets_tests.servers.openai import ChatReply

#: The whole pipeline per test: part of the full suite, not of the fast tier (-m 'not slow').
pytestmark = pytest.mark.slow

SECRET = "sk-test-BREAKDOWN-0123456789abcdef"


def _use_openai_breakdown(monkeypatch, api: FakeOpenAIServer) -> None:
    monkeypatch.setenv("VSL_BREAKDOWN_ENGINE", "openai")
    monkeypatch.setenv("VSL_BREAKDOWN_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)


def _url(key: str):
    with db_session() as s:
        return s.scalar(select(Url).where(Url.partition_key == key))


def _letters(key: str) -> list[tuple[str, str, str]]:
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        rows = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
        return [(d.step, d.error_class, d.message) for d in rows]


def _storage_files(vsl_env) -> list[str]:
    root = Path(vsl_env["VSL_STORAGE_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.suffix != ".db")


def _recorded(instance, vsl_env) -> str:
    parts = [str(e) for run in instance.get_runs() for e in instance.all_logs(run.run_id)]
    root = Path(vsl_env["VSL_STORAGE_DIR"])
    parts += [p.read_bytes().decode("latin-1") for p in root.rglob("*") if p.is_file()]
    return "\n".join(parts)


def test_local_breakdown_is_stored_as_rows_beats_and_json(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    assert run_partition(instance, key).success
    stored = json.loads(Path(vsl_env["VSL_STORAGE_DIR"], "breakdowns", f"{key}.json").read_text())
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id))
        beats = s.scalars(select(BeatRow).where(BeatRow.url_id == url.id).order_by(BeatRow.position)).all()
    assert url.status == "analyzed"
    assert (row.engine, row.model, row.language) == ("local", stored["model"], "en")
    assert (row.niche == stored["niche"] and row.niche_top == (stored["niche"] or "").split("/")[0]) or None
    assert [(b.beat, b.start_s, b.end_s) for b in beats] == [(b["beat"], b["start"], b["end"]) for b in stored["beats"]]
    assert row.data["beats"] == stored["beats"]


def test_silent_video_gets_a_breakdown_that_says_there_is_no_speech(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/silent/index.m3u8"))
    result = run_partition(instance, key)
    assert result.success
    stored = json.loads(Path(vsl_env["VSL_STORAGE_DIR"], "breakdowns", f"{key}.json").read_text())
    assert stored["status"] == "no_speech" and stored["beats"] == [] and "no speech" in stored["note"]
    assert _url(key).status == "analyzed"


def test_openai_breakdown_sends_the_schema_and_stores_the_structured_answer(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    with FakeOpenAIServer(api_key=SECRET) as api:
        _use_openai_breakdown(monkeypatch, api)
        api.fail_next(429, 429)  # absorbed by the client's own retries
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        assert result.success
        assert [r.status for r in api.chat_requests] == [429, 429, 200]
        request = api.chat_requests[-1]
        assert request.model == "gpt-4o-mini"
        spec = request.json_schema
        assert spec is not None and spec["strict"] is True
        assert {"niche", "awareness", "lead_type", "beats", "offer_price", "pitch_s"} <= set(
            spec["schema"]["properties"]
        )
        assert "[0]" in json.dumps(request.messages)  # timed lines: "[second] text"
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id))
    assert url.status == "analyzed"
    assert (row.engine, row.model) == ("openai", "gpt-4o-mini")
    assert row.cost_usd is not None and row.cost_usd > 0
    assert SECRET not in _recorded(instance, vsl_env)


def _fails_at_breakdown(vsl_env, instance, media_server, monkeypatch, reply: ChatReply | None, statuses=()):
    with FakeOpenAIServer(api_key=SECRET) as api:
        _use_openai_breakdown(monkeypatch, api)
        api.chat_reply = reply
        api.fail_next(*statuses)
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        result = run_partition(instance, key)
        requests = [r.status for r in api.chat_requests]
    assert not result.success
    url = _url(key)
    assert url.status == "failed"
    files = _storage_files(vsl_env)
    # The transcript is kept (only the breakdown needs redoing); no breakdown and no temp file.
    assert f"transcripts/{key}.json" in files and f"breakdowns/{key}.json" not in files
    assert not [f for f in files if ".tmp-" in f]
    with db_session() as s:
        assert s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id)) is None
        jobs = s.scalars(select(Job).where(Job.url_id == url.id, Job.step == "breakdown")).all()
    assert SECRET not in _recorded(instance, vsl_env)
    return key, url.reason, requests, [j.outcome for j in jobs]


def test_a_refusal_fails_the_url_with_the_models_words(vsl_env, instance, media_server, monkeypatch) -> None:
    key, reason, requests, jobs = _fails_at_breakdown(
        vsl_env, instance, media_server, monkeypatch, ChatReply.refused("I can't help with medical claims.")
    )
    assert "I can't help with medical claims." in reason
    assert requests == [200] and jobs == ["failed"]  # permanent: not retried
    [(step, error_class, message)] = _letters(key)
    assert step == "breakdown" and error_class == "BreakdownError" and message == reason


def test_malformed_json_fails_with_a_clear_reason(vsl_env, instance, media_server, monkeypatch) -> None:
    key, reason, requests, _ = _fails_at_breakdown(
        vsl_env, instance, media_server, monkeypatch, ChatReply(content='{"niche": "health/diabetes", ')
    )
    assert "not valid JSON for the breakdown schema" in reason
    assert requests == [200]  # permanent: asking again would not help
    assert [letter[:2] for letter in _letters(key)] == [("breakdown", "BreakdownError")]


def test_rate_limits_past_the_clients_retries_are_dead_lettered_once(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    key, reason, requests, jobs = _fails_at_breakdown(
        vsl_env, instance, media_server, monkeypatch, None, statuses=[429] * 9
    )
    assert requests == [429, 429, 429]  # the client's three attempts; Dagster does not multiply them
    assert "429" in reason and jobs == ["failed"]
    [(step, error_class, _)] = _letters(key)
    assert (step, error_class) == ("breakdown", "TransientBreakdownError")


def test_openai_breakdown_stores_reveal_confidence_and_prices_and_reports_what_is_not_sure(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    from dagster import AssetKey

    from vsl_assets.breakdown.models import EVIDENCE_FIELDS
    from vsl_assets_tests.servers.openai import ChatRequest, derive_document

    def answer(req: ChatRequest) -> ChatReply:
        lines = req.timed_lines()
        doc = derive_document(req.schema, lines)
        assert isinstance(doc, dict)
        second = lines[-1][0]
        doc.update(
            pitch_s=second,
            product_reveal_s=lines[0][0],
            offer_price={"amount": 500, "currency": "USD", "installments": None, "installment_amount": None},
            confidence=dict.fromkeys(EVIDENCE_FIELDS) | {"niche": 0.9, "offer_price": 0.2, "pitch_s": 0.75},
            prices=[
                {"amount": 500, "currency": "USD", "role": "rejected", "start": second, "end": second,
                 "quote": "not five hundred", "why": "rejected: 'not'"},
            ],
        )  # fmt: skip
        return ChatReply.document(doc)

    with FakeOpenAIServer(api_key=SECRET) as api:
        _use_openai_breakdown(monkeypatch, api)
        api.chat_reply = answer
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        assert run_partition(instance, key).success
    stored = json.loads(Path(vsl_env["VSL_STORAGE_DIR"], "breakdowns", f"{key}.json").read_text())
    assert stored["confidence"] == {"niche": 0.9, "offer_price": 0.2, "pitch_s": 0.75}
    assert [(p["amount"], p["role"], p["why"]) for p in stored["prices"]] == [(500.0, "rejected", "rejected: 'not'")]
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url.id))
    assert row.confidence == stored["confidence"] and row.offer_amount == 500.0
    assert (row.product_reveal_s, row.pitch_s) == (stored["product_reveal_s"], stored["pitch_s"])
    assert row.product_reveal_s == 0.0 and row.pitch_s is not None and row.pitch_s > 0
    event = instance.get_latest_materialization_event(AssetKey("breakdown"))
    assert event is not None and event.asset_materialization is not None
    meta = {k: getattr(v, "value", v) for k, v in event.asset_materialization.metadata.items()}
    assert meta["not_sure"] == "offer_price"
    assert meta["confidence"] == "niche 0.90, offer_price 0.20 (not sure), pitch_s 0.75"
    assert (meta["product_reveal_s"], meta["pitch_s"]) == (0.0, row.pitch_s)
    assert meta["price_mentions"] == 1
