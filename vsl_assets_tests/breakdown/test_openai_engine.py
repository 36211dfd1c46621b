"""The ``openai`` breakdown engine, with the real ``openai`` client talking to the OpenAI-compatible fake."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from vsl_assets.breakdown.models import EVIDENCE_FIELDS, Beat, Breakdown, Evidence, Price, PriceMention, openai_schema
from vsl_assets.breakdown.openai_engine import (
    SCHEMA_NAME,
    BreakdownError,
    OpenAIBreakdownEngine,
    TransientBreakdownError,
    align,
    breakdown_schema,
    estimate_cost_usd,
    merge_windows,
    price_per_mtok,
)
from vsl_assets.errors import ConfigurationError, PermanentError, TransientError
from vsl_assets.transcription.models import Segment
from vsl_assets_tests.servers.openai import (
    ChatReply,
    ChatRequest,
    FakeOpenAIServer,
    derive_document,
    strict_schema_problem,
)

REPO = Path(__file__).resolve().parents[2]
KEY = "sk-proj-BREAKDOWNkey0123456789abcdef"

SEGMENTS = [
    Segment(0.0, 6.4, "Você sabia que a sua glicose pode baixar em 21 dias?"),
    Segment(6.4, 15.8, "Eu sou o doutor Marcos e vi isso acontecer com o meu pai."),
    Segment(15.8, 30.2, "O segredo é o mecanismo da insulina noturna."),
    Segment(30.2, 44.9, "Apresento o GlicoFim."),
    Segment(44.9, 58.0, "De 297 reais por apenas 12 vezes de 19,70."),
    Segment(58.0, 71.5, "Garantia de 30 dias. Clique no botão abaixo."),
]

#: What a good model answers for SEGMENTS: integer seconds as in the prompt, beats out of order,
#: one ending before it starts and one invented past the end of the video.
GOOD_ANSWER: dict[str, object] = {
    "niche": "health/diabetes",
    "awareness": "problem_aware",
    "lead_type": "story",
    "beats": [
        {"beat": "price", "start": 44, "end": 58, "quote": "De 297 reais por apenas 12 vezes de 19,70."},
        {"beat": "hook", "start": 0, "end": 6, "quote": "Você sabia que a sua glicose pode baixar em 21 dias?"},
        {"beat": "story", "start": 6, "end": 15, "quote": "Eu sou o doutor Marcos"},
        {"beat": "mechanism", "start": 15, "end": 3, "quote": "o mecanismo da insulina noturna"},
        {"beat": "offer", "start": 30, "end": 44, "quote": "Apresento o GlicoFim."},
        {"beat": "guarantee", "start": 58, "end": 71, "quote": "Garantia de 30 dias."},
        {"beat": "cta", "start": 95, "end": 99, "quote": "Clique no botão abaixo."},
    ],
    "offer_price": {"amount": 236.4, "currency": "BRL", "installments": 12, "installment_amount": 19.7},
    "anchor_price": {"amount": 297, "currency": "BRL", "installments": None, "installment_amount": None},
    "guarantee_days": 30,
    "pitch_s": 31,
    "hook": "Você sabia que a sua glicose pode baixar em 21 dias?",
    "product": "GlicoFim",
    "mechanism": "insulina noturna",
    "evidence": {
        "niche": {"quote": "a sua glicose pode baixar", "start": 0, "end": 6},
        "awareness": None,
        "lead_type": {"quote": "vi isso acontecer com o meu pai", "start": 6, "end": 15},
        "offer_price": {"quote": "12 vezes de 19,70", "start": 44, "end": 58},
        "anchor_price": {"quote": "De 297 reais", "start": 44, "end": 58},
        "guarantee_days": {"quote": "Garantia de 30 dias.", "start": 58, "end": 71},
        "pitch_s": {"quote": "Apresento o GlicoFim.", "start": 30, "end": 44},
        "hook": None,
        "product": {"quote": "Apresento o GlicoFim.", "start": 30, "end": 44},
        "mechanism": {"quote": "o mecanismo da insulina noturna", "start": 15, "end": 30},
    },
}


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(api_key=KEY) as srv:
        yield srv


def engine(server: FakeOpenAIServer, **kwargs: object) -> OpenAIBreakdownEngine:
    return OpenAIBreakdownEngine(KEY, base_url=server.base_url, **kwargs)  # type: ignore[arg-type]


def test_request_carries_the_strict_schema_naming_every_field(server: FakeOpenAIServer) -> None:
    engine(server, model="gpt-4o-mini-2024-07-18").analyze(SEGMENTS, "pt")

    (req,) = server.chat_requests
    assert req.status == 200 and req.authorization_ok and req.model == "gpt-4o-mini-2024-07-18"
    spec = req.json_schema
    assert spec is not None and (spec["name"], spec["strict"]) == (SCHEMA_NAME, True)
    schema = req.schema
    assert schema == breakdown_schema()
    assert strict_schema_problem(schema) is None
    fields = {
        "niche",
        "awareness",
        "lead_type",
        "beats",
        "offer_price",
        "anchor_price",
        "guarantee_days",
        "pitch_s",
        "product_reveal_s",
        "hook",
        "product",
        "mechanism",
        "evidence",
        "confidence",
        "prices",
    }
    assert set(schema["properties"]) == set(schema["required"]) == fields
    assert set(schema["$defs"]["PriceMention"]["required"]) == {
        "amount",
        "currency",
        "role",
        "start",
        "end",
        "quote",
        "why",
    }
    # The prompt carries the definitions the schema's names alone cannot (issue 22).
    system = req.text("system")
    for phrase in (
        "the [S] where the offer section starts",
        "Not the first mention of the product",
        "product_reveal_s: the [S] of the line where the product is first named",
        "Struck-down prices",
        "are NOT the offer",
        "the entry package",
        "never invent one",
        '"I call it X"',
        "never a shouted common word",
        "prices: every amount of money said",
        "confidence: for each label you set, how sure you are from 0 to 1",
    ):
        assert phrase in " ".join(system.split()), phrase
    assert set(schema["$defs"]["Beat"]["required"]) == {"beat", "start", "end", "quote"}
    assert set(schema["$defs"]["Price"]["required"]) == {"amount", "currency", "installments", "installment_amount"}
    assert schema["properties"]["evidence"]["required"] == list(schema["properties"]["evidence"]["properties"])
    # The transcript travels as compact "[second] text" lines, in time order.
    assert req.timed_lines() == [(int(s.start), s.text) for s in SEGMENTS]
    assert "Language: pt." in req.text("user")
    assert "max_completion_tokens" not in req.body and "temperature" not in req.body


def test_structured_answer_becomes_an_aligned_breakdown_with_evidence(server: FakeOpenAIServer) -> None:
    server.chat_reply = ChatReply.document(GOOD_ANSWER)
    lines: list[str] = []
    run = engine(server).run(SEGMENTS, "pt", log=lines.append)
    b = run.breakdown

    assert (b.engine, b.model, b.language, b.status) == ("openai", "gpt-4o-mini", "pt", "ok")
    assert (b.niche, b.niche_top, b.awareness, b.lead_type) == ("health/diabetes", "health", "problem_aware", "story")
    assert b.offer_price == Price(amount=236.4, currency="BRL", installments=12, installment_amount=19.7)
    assert b.anchor_price == Price(amount=297, currency="BRL")
    assert (b.guarantee_days, b.product, b.mechanism) == (30, "GlicoFim", "insulina noturna")
    # Times snapped to segment boundaries, in order, inside the video; the invented beat at 95 s dropped;
    # the mechanism's end (3 s, before its start) moved to the end of its segment.
    assert [(x.beat, x.start, x.end) for x in b.beats] == [
        ("hook", 0.0, 6.4),
        ("story", 6.4, 15.8),
        ("mechanism", 15.8, 30.2),
        ("offer", 30.2, 44.9),
        ("price", 44.9, 58.0),
        ("guarantee", 58.0, 71.5),
    ]
    assert b.pitch_s == 30.2
    assert b.evidence["offer_price"] == Evidence(quote="12 vezes de 19,70", start=44.9, end=58.0)
    assert b.evidence["lead_type"] == Evidence(quote="vi isso acontecer com o meu pai", start=6.4, end=15.8)
    assert set(b.evidence) == {
        "niche",
        "lead_type",
        "offer_price",
        "anchor_price",
        "guarantee_days",
        "pitch_s",
        "product",
        "mechanism",
    }
    # Round trip through the stored JSON form.
    assert Breakdown.model_validate_json(b.model_dump_json()) == b

    (req,) = server.chat_requests
    usage = run.usage
    assert (usage.requests, usage.attempts) == (1, 1)
    assert (usage.input_tokens, usage.output_tokens) == (req.prompt_tokens, req.completion_tokens)
    assert usage.input_tokens > 0 and usage.output_tokens > 0
    assert usage.cost_usd == pytest.approx((usage.input_tokens * 0.15 + usage.output_tokens * 0.60) / 1e6, abs=1e-6)
    assert "1 request(s)" in lines[-1] and "niche=health/diabetes" in lines[-1]


def test_default_fake_answer_parses_and_stays_inside_the_video(server: FakeOpenAIServer) -> None:
    # The fake derives a schema-valid document from the prompt's lines: a plumbing check that what
    # the schema allows, the models accept.
    b = engine(server).analyze(SEGMENTS, "pt")
    assert [x.start for x in b.beats] == [s.start for s in SEGMENTS]
    assert all(x.start < x.end <= 71.5 for x in b.beats)


def test_refusal_is_a_permanent_error_with_the_reason(server: FakeOpenAIServer) -> None:
    server.chat_reply = ChatReply.refused("I'm sorry, I can't help with medical sales claims.")
    with pytest.raises(BreakdownError) as info:
        engine(server).analyze(SEGMENTS, "pt")
    err = info.value
    assert isinstance(err, PermanentError) and not err.transient and not err.retried
    assert err.reason == (
        "OpenAI gpt-4o-mini refused to analyse the transcript: I'm sorry, I can't help with medical sales claims."
    )
    assert len(server.chat_requests) == 1  # a refusal is not retried


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"niche": "health/diabetes", "beats": [', "Expecting value at character 39"),
        ("", "the answer was empty"),
        ("[1, 2]", "expected an object, got list"),
        ('{"niche": "health/unicorns"}', "niche: Input should be 'health/weight_loss'"),
        ('{"beats": [{"beat": "hook", "start": 0, "end": 5}]}', "beats.0.quote: Field required"),
    ],
)
def test_malformed_or_schema_invalid_answer_is_a_clear_error(
    server: FakeOpenAIServer, content: str, reason: str
) -> None:
    server.chat_reply = ChatReply(content=content)
    with pytest.raises(BreakdownError) as info:
        engine(server).analyze(SEGMENTS, "pt")
    assert info.value.reason.startswith("the model's answer was not valid JSON for the breakdown schema: ")
    assert reason in info.value.reason
    assert not info.value.transient


def test_429_twice_then_success(server: FakeOpenAIServer) -> None:
    server.fail_next(429, 429)
    server.chat_reply = ChatReply.document(GOOD_ANSWER)
    run = engine(server).run(SEGMENTS, "pt")
    assert run.breakdown.niche == "health/diabetes"
    assert [r.status for r in server.chat_requests] == [429, 429, 200]
    assert (run.usage.requests, run.usage.attempts) == (1, 3)
    assert server.requests == []  # nothing went to the transcription route


def test_persistent_429_and_500_are_transient_and_marked_retried(server: FakeOpenAIServer) -> None:
    server.fail_next(429, 429, 429)
    with pytest.raises(TransientBreakdownError) as info:
        engine(server).analyze(SEGMENTS, "pt")
    assert isinstance(info.value, TransientError) and info.value.transient and info.value.retried
    assert info.value.reason == "OpenAI API rate limit (HTTP 429) after 3 attempts"

    server.fail_next(500, 500)
    with pytest.raises(TransientBreakdownError) as info:
        engine(server, max_retries=1).analyze(SEGMENTS, "pt")
    assert info.value.reason == "OpenAI API server error (HTTP 500) after 2 attempts" and info.value.retried

    server.fail_next(503)
    with pytest.raises(TransientBreakdownError) as info:
        engine(server, max_retries=0).analyze(SEGMENTS, "pt")
    assert not info.value.retried  # nobody retried: the orchestrator may
    assert [r.status for r in server.chat_requests] == [429, 429, 429, 500, 500, 503]


def _window_answer(req: ChatRequest) -> ChatReply:
    """A model that labels each line as a beat; niche by which part of the VSL it sees."""
    lines = req.timed_lines()
    first, last = lines[0][0], lines[-1][0]
    niche = "health/sleep" if first >= 200 else "health/diabetes"
    price = "price" in " ".join(text for _, text in lines)
    beats = [{"beat": "price" if "price" in t else "story", "start": s, "end": s, "quote": t} for s, t in lines]
    doc = derive_document(req.schema or {}, [])
    assert isinstance(doc, dict)
    doc.update(
        niche=niche,
        awareness=None,
        lead_type="story" if first == 0 else "offer",
        beats=beats,
        offer_price={"amount": 49, "currency": "USD", "installments": None, "installment_amount": None}
        if price
        else None,
        anchor_price=None,
        guarantee_days=None,
        pitch_s=None,
        hook=lines[0][1] if first == 0 else None,
        product=None,
        mechanism=None,
        evidence={k: None for k in doc["evidence"]} | {"niche": {"quote": lines[0][1], "start": first, "end": last}},
    )
    return ChatReply.document(doc)


def test_long_transcript_is_split_into_windows_and_merged_in_order(server: FakeOpenAIServer) -> None:
    long = [Segment(i * 10.0, i * 10.0 + 10.0, f"line {i} " + "words " * 12) for i in range(30)]
    long[27] = Segment(270.0, 280.0, "the price today is only forty nine dollars")
    probe = engine(server)
    budget = probe.overhead_tokens + 60  # room for about two lines a request
    server.chat_reply = _window_answer
    lines: list[str] = []
    run = engine(server, max_input_tokens=budget).run(long, "en", log=lines.append)
    b = run.breakdown

    requests = server.chat_requests
    assert len(requests) == run.windows == run.usage.requests >= 10
    sent = [line for r in requests for line in r.timed_lines()]
    assert [s for s, _ in sent] == [int(s.start) for s in long]  # every line once, in order, no overlap
    assert all("This is part" in r.text("user") for r in requests)
    assert [(x.start, x.end) for x in b.beats] == [(s.start, s.end) for s in long]  # merged, ordered, snapped
    assert [x.beat for x in b.beats].count("price") == 1
    # Most windows (those before 200 s) say diabetes; the lead and hook come from the first window,
    # the only one that sees the opening, although every later window answered "offer".
    assert (b.niche, b.lead_type, b.hook) == ("health/diabetes", "story", long[0].text.strip())
    assert b.evidence["niche"].start == 0.0
    assert b.offer_price == Price(amount=49, currency="USD")  # found only in a late window
    assert run.usage.input_tokens == sum(r.prompt_tokens for r in requests)
    assert f"in {len(requests)} request(s)" in lines[0]


def test_cut_short_answer_is_asked_again_in_halves_then_fails_clearly(server: FakeOpenAIServer) -> None:
    def short_on_whole(req: ChatRequest) -> ChatReply:
        # The whole transcript does not fit the output; each half does.
        if len(req.timed_lines()) == len(SEGMENTS):
            return ChatReply(content='{"niche": "health/diab', finish_reason="length")
        return ChatReply.document(derive_document(req.schema or {}, req.timed_lines()))

    server.chat_reply = short_on_whole
    lines: list[str] = []
    b = engine(server).analyze(SEGMENTS, "pt", log=lines.append)
    assert [len(r.timed_lines()) for r in server.chat_requests] == [6, 3, 3]
    assert [x.start for x in b.beats] == [s.start for s in SEGMENTS]
    assert any("asking again in two halves" in line for line in lines)

    # A model whose output cap is always too small: halves twice, then a reason a person can act on.
    server.chat_requests.clear()
    server.chat_reply = None
    with pytest.raises(BreakdownError) as info:
        engine(server, max_output_tokens=5).analyze(SEGMENTS, "pt")
    assert "stopped at its output limit before finishing the breakdown" in info.value.reason
    assert "raise the model's output limit" in info.value.reason
    assert {r.max_completion_tokens for r in server.chat_requests} == {5}
    # The whole, its first half, that half's first half: the first piece still cut short at depth 2 ends it.
    assert [len(r.timed_lines()) for r in server.chat_requests] == [6, 3, 1]


def test_api_key_never_in_errors_or_logs(server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "sk-wrong-SECRET-9876543210"
    bad = OpenAIBreakdownEngine(wrong, base_url=server.base_url)
    with caplog.at_level(logging.DEBUG), pytest.raises(BreakdownError) as info:
        bad.analyze(SEGMENTS, "pt")
    err = info.value
    assert err.reason == "OpenAI rejected the API key (HTTP 401)" and not err.transient
    assert err.__cause__ is None and err.__context__ is None
    for text in (str(err), err.reason, err.detail or "", repr(err), repr(bad), caplog.text):
        assert wrong not in text and "SECRET" not in text
    assert len(server.chat_requests) == 1  # a 401 is not retried

    # A model that echoes the key back in broken JSON: the detail is scrubbed.
    server.chat_reply = ChatReply(content=f'{{"note": "{KEY}"')
    with pytest.raises(BreakdownError) as info:
        engine(server).analyze(SEGMENTS, "pt")
    for text in (str(info.value), info.value.detail or ""):
        assert KEY not in text and "BREAKDOWNkey" not in text
    assert '"note": "***"' in (info.value.detail or "")


def test_unknown_model_and_bad_request_are_permanent(server: FakeOpenAIServer) -> None:
    server.chat_reply = ChatReply.document(GOOD_ANSWER)
    run = engine(server, model="llama3.1:8b").run(SEGMENTS, "pt")
    assert run.breakdown.model == "llama3.1:8b" and run.usage.cost_usd is None

    server.fail_next(400)
    with pytest.raises(BreakdownError, match=r"^OpenAI API refused the request \(HTTP 400\): Bad request$"):
        engine(server).analyze(SEGMENTS, "pt")


def test_no_speech_makes_no_request(server: FakeOpenAIServer) -> None:
    run = engine(server).run([Segment(0.0, 5.0, "  "), Segment(5.0, 9.0, "")], "en")
    assert run.breakdown.status == "no_speech" and run.breakdown.beats == [] and run.breakdown.niche is None
    assert run.usage.requests == 0 and server.chat_requests == []


def test_configuration_is_checked_up_front() -> None:
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        OpenAIBreakdownEngine(" ")
    with pytest.raises(ConfigurationError, match="VSL_BREAKDOWN_MODEL"):
        OpenAIBreakdownEngine(KEY, model="")
    with pytest.raises(ConfigurationError, match="leaves no room for the transcript"):
        OpenAIBreakdownEngine(KEY, max_input_tokens=1000)
    assert KEY not in repr(OpenAIBreakdownEngine(KEY))


def test_prices_per_model() -> None:
    assert price_per_mtok("gpt-4o-mini") == (0.15, 0.60)
    assert price_per_mtok("gpt-4o-mini-2024-07-18") == (0.15, 0.60)
    assert price_per_mtok("gpt-4o-2024-08-06") == (2.50, 10.00)
    assert price_per_mtok("gpt-4.1-mini-2025-04-14") == (0.40, 1.60)
    assert price_per_mtok("gpt-4") is None and price_per_mtok("qwen2.5:7b") is None
    assert estimate_cost_usd("gpt-4o-mini", 1_000_000, 100_000) == pytest.approx(0.21)
    assert estimate_cost_usd("mistral", 10, 10) is None


def test_merge_prefers_majority_labels_and_first_found_values() -> None:
    def part(niche: str | None, start: float, price: float | None) -> Breakdown:
        return Breakdown(
            engine="openai",
            model="m",
            niche=niche,
            beats=[Beat(beat="cta", start=start, end=start + 1, quote="x")],
            offer_price=Price(amount=price) if price is not None else None,
        )

    merged = merge_windows(
        [part("wealth/crypto", 50, None), part("wealth/trading", 10, 97), part("wealth/trading", 30, 47)]
    )
    assert merged.niche == "wealth/trading"
    assert [x.start for x in merged.beats] == [10, 30, 50]
    assert merged.offer_price == Price(amount=97)
    tie = merge_windows([part("wealth/crypto", 0, None), part("wealth/trading", 5, None)])
    assert tie.niche == "wealth/crypto"


def test_fake_refuses_a_schema_strict_mode_would_refuse(server: FakeOpenAIServer) -> None:
    schema = openai_schema()
    del schema["$defs"]["Beat"]["additionalProperties"]
    fmt: Any = {"type": "json_schema", "json_schema": {"name": "b", "strict": True, "schema": schema}}
    with openai.OpenAI(api_key=KEY, base_url=server.base_url, max_retries=0) as client:
        with pytest.raises(openai.BadRequestError) as info:
            client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "[0] hi"}],
                response_format=fmt,
            )
    assert "'additionalProperties' is required to be supplied and to be false" in str(info.value)
    assert "('$defs', 'Beat')" in str(info.value)


def test_language_is_guessed_when_unknown_and_code_set_fields_are_ours(server: FakeOpenAIServer) -> None:
    # A lenient server (no strict mode) lets a model add fields the calling code owns: ours win.
    server.chat_reply = ChatReply.document({**GOOD_ANSWER, "language": "xx", "status": "weird", "engine": "gpt"})
    b = engine(server).analyze(SEGMENTS, None)
    assert (b.language, b.status, b.engine) == ("pt", "ok", "openai")
    assert "Language: pt." in server.chat_requests[-1].text("user")

    server.chat_reply = ChatReply.document({**GOOD_ANSWER, "summary": "a diabetes VSL"})
    with pytest.raises(BreakdownError, match=r"schema: summary: Extra inputs are not permitted$"):
        engine(server).analyze(SEGMENTS, "pt")


def test_whole_seconds_mean_the_first_line_shown_with_that_label() -> None:
    # Two segments start within second 10, both shown as "[10]"; a beat at 10 is the first of them,
    # a beat at 10.7 the nearest start, an end is the nearest segment end after the start.
    segments = [Segment(0.0, 10.2, "a"), Segment(10.2, 10.9, "b"), Segment(10.9, 14.0, "c"), Segment(14.0, 20.0, "d")]
    raw = Breakdown(
        engine="openai",
        model="m",
        beats=[
            Beat(beat="cta", start=10.7, end=20, quote="c"),
            Beat(beat="hook", start=0, end=10, quote="a"),
            Beat(beat="offer", start=10, end=14, quote="b"),
        ],
        pitch_s=10,
        evidence={"pitch_s": Evidence(quote="b", start=10, end=99)},
    )
    b = align(raw, segments)
    assert [(x.beat, x.start, x.end) for x in b.beats] == [
        ("hook", 0.0, 10.2),
        ("offer", 10.2, 14.0),
        ("cta", 10.9, 20.0),
    ]
    assert b.pitch_s == 10.2
    assert b.evidence["pitch_s"] == Evidence(quote="b", start=10.2, end=20.0)


def test_confidence_product_reveal_and_price_mentions_come_back_aligned(server: FakeOpenAIServer) -> None:
    answer = {
        **GOOD_ANSWER,
        "product_reveal_s": 31,
        "pitch_s": 45,
        "confidence": {name: None for name in EVIDENCE_FIELDS}
        | {"niche": 0.95, "offer_price": 0.4, "pitch_s": 1.3, "product_reveal_s": 0.8},
        "prices": [
            {"amount": 297, "currency": "BRL", "role": "anchor", "start": 44, "end": 58, "quote": "De 297 reais",
             "why": "anchor: 'de ... por'"},
            {"amount": 19.7, "currency": "BRL", "role": "installment", "start": 44, "end": 58,
             "quote": "12 vezes de 19,70", "why": "installment: '12 vezes de'"},
            {"amount": 5000, "currency": "BRL", "role": "comparison", "start": 200, "end": 210,
             "quote": "invented", "why": ""},
        ],
    }  # fmt: skip
    server.chat_reply = ChatReply.document(answer)
    b = engine(server).analyze(SEGMENTS, "pt")

    assert (b.pitch_s, b.product_reveal_s) == (44.9, 30.2)  # snapped to the lines' starts
    # Null grades dropped; a grade past 1 clamped (strict schemas cannot bound numbers).
    assert b.confidence == {"niche": 0.95, "offer_price": 0.4, "pitch_s": 1.0, "product_reveal_s": 0.8}
    assert b.unsure_fields(0.6) == ["offer_price"]
    # The mention "said" after the end of the video is dropped; the others keep role, why and snapped times.
    assert [(m.amount, m.role, m.start, m.end, m.why) for m in b.prices] == [
        (297, "anchor", 44.9, 58.0, "anchor: 'de ... por'"),
        (19.7, "installment", 44.9, 58.0, "installment: '12 vezes de'"),
    ]
    assert Breakdown.model_validate_json(b.model_dump_json()) == b


def test_merge_keeps_every_windows_prices_and_the_grade_of_the_chosen_value() -> None:
    def part(start: float, price: float | None, grade: float | None, reveal: float | None) -> Breakdown:
        return Breakdown(
            engine="openai",
            model="m",
            offer_price=Price(amount=price) if price is not None else None,
            product_reveal_s=reveal,
            confidence={"offer_price": grade} if grade is not None else {},
            prices=[PriceMention(amount=price or 1, role="other", start=start, end=start + 1, quote="q")],
        )

    merged = merge_windows([part(50, None, None, None), part(10, 97, 0.3, 12.0), part(30, 47, 0.9, None)])
    assert merged.offer_price == Price(amount=97) and merged.confidence == {"offer_price": 0.3}
    assert merged.product_reveal_s == 12.0
    assert [m.start for m in merged.prices] == [10, 30, 50]


# --- issue 22, round 7: the local engine's definitions travel in the prompt and the schema ----------------

ROUND7_SEGMENTS = [
    Segment(0.0, 8.0, "Você perde a conta do banco e ninguém te explica por quê."),
    Segment(8.0, 16.0, "Não por 500 reais. Nem por 300 reais."),
    Segment(16.0, 24.0, "Nós chamamos de Rota Certa."),
    Segment(24.0, 32.0, "Agora vou te mostrar tudo o que você recebe."),
    Segment(32.0, 40.0, "São 12x de R$ 9,74 ou R$ 97 à vista."),
    Segment(40.0, 48.0, "E você tem garantia de 72 horas."),
]

#: What a model following the definitions answers for ROUND7_SEGMENTS.
ROUND7_ANSWER: dict[str, object] = {
    "niche": "wealth/business",
    "awareness": "problem_aware",
    "lead_type": "problem_solution",
    "beats": [],
    "offer_price": {"amount": 97, "currency": "BRL", "installments": 12, "installment_amount": 9.74},
    "anchor_price": {"amount": 500, "currency": "BRL", "installments": None, "installment_amount": None},
    "guarantee_days": 3,
    "pitch_s": 24,
    "product_reveal_s": 16,
    "hook": "Você perde a conta do banco e ninguém te explica por quê.",
    "product": "Rota Certa",
    "mechanism": None,
    "prices": [
        {
            "amount": 500,
            "currency": "BRL",
            "role": "rejected",
            "start": 8,
            "end": 16,
            "quote": "Não por 500 reais",
            "why": 'rejected: "não por"',
        },
        {
            "amount": 300,
            "currency": "BRL",
            "role": "rejected",
            "start": 8,
            "end": 16,
            "quote": "Nem por 300 reais",
            "why": 'rejected: "nem por"',
        },
        {
            "amount": 9.74,
            "currency": "BRL",
            "role": "installment",
            "start": 32,
            "end": 40,
            "quote": "12x de R$ 9,74",
            "why": "instalment: 12x",
        },
        {
            "amount": 97,
            "currency": "BRL",
            "role": "offer",
            "start": 32,
            "end": 40,
            "quote": "R$ 97 à vista",
            "why": "the cash price",
        },
    ],
    "evidence": {"guarantee_days": {"quote": "garantia de 72 horas", "start": 40, "end": 48}},
    "confidence": {"offer_price": 0.9, "product": 0.8, "guarantee_days": 0.9, "pitch_s": 0.7},
}


def test_request_carries_the_round7_definitions_in_prompt_and_schema(server: FakeOpenAIServer) -> None:
    engine(server).analyze(ROUND7_SEGMENTS, "pt")

    (req,) = server.chat_requests
    system = " ".join(req.text("system").split())
    for phrase in (
        "the [S] where the offer section starts",  # offer section, not the first naming
        "Struck-down prices",  # rejected prices
        'bounds ("more than $20,000"',  # bound prices
        'ranges ("between $10,000 and $40,000"',
        "is a template's stand-in, never a price",  # bracketed stand-ins
        "the entry package when several are offered",  # base offer
        "the cash / à vista total when both cash and instalments are said",  # instalments vs cash
        '"we don\'t publish a price list"',
        '"I call it X"',  # product naming constructions
        '"nós chamamos de X"',
        '"se llama X"',
        'a title built on a kind: "the X Protocol"',
        "only on screen: null",
        '("garantia de 72 horas" -> 3)',  # guarantee in hours
        '"six weeks" -> 42',  # ... and weeks / months in words
        '"in the last twelve months"',
    ):
        assert phrase in system, phrase
    schema = req.schema
    assert strict_schema_problem(schema) is None
    props = schema["properties"]
    assert "offer section starts" in props["pitch_s"]["description"]
    assert "stand-in, never a price" in props["offer_price"]["description"]
    assert "not a bound, a range" in props["anchor_price"]["description"]
    assert '"garantia de 72 horas" -> 3' in props["guarantee_days"]["description"]
    assert '"I call it X"' in props["product"]["description"]
    assert "first named" in props["product_reveal_s"]["description"]


def test_an_answer_by_the_definitions_maps_onto_the_fields(server: FakeOpenAIServer) -> None:
    server.chat_reply = ChatReply.document(ROUND7_ANSWER)
    b = engine(server).analyze(ROUND7_SEGMENTS, "pt")

    assert b.offer_price == Price(amount=97, currency="BRL", installments=12, installment_amount=9.74)
    assert b.anchor_price is not None and (b.anchor_price.amount, b.anchor_price.currency) == (500, "BRL")
    assert (b.guarantee_days, b.product, b.pitch_s, b.product_reveal_s) == (3, "Rota Certa", 24.0, 16.0)
    assert [(m.amount, m.role) for m in b.prices] == [
        (500, "rejected"),
        (300, "rejected"),
        (9.74, "installment"),
        (97, "offer"),
    ]
    assert b.confidence["product"] == 0.8 and b.confidence["pitch_s"] == 0.7
    assert b.evidence["guarantee_days"].quote == "garantia de 72 horas"


@pytest.mark.slow
def test_the_benchmark_scores_the_openai_engine_on_any_compatible_endpoint(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    # A one-document real-copy split written here (the project's own sentences), labelled as the answer says.
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "01_pt_rota.txt").write_text(
        "\n".join(s.text for s in ROUND7_SEGMENTS) + "\n", encoding="utf-8"
    )
    label = {
        "id": "01_pt_rota",
        "lang": "pt",
        "niche_top": "wealth",
        "product": "Rota Certa",
        "offer_price": {"amount": 97, "currency": "BRL", "installments": 12, "installment_amount": 9.74},
        "anchor_price": {"amount": 500, "currency": "BRL", "installments": None, "installment_amount": None},
        "guarantee_days": 3,
        "pitch_anchor": "Agora vou te mostrar",
        "product_reveal_anchor": "Nós chamamos de Rota Certa",
        "lead_type": {"label": "problem_solution", "confidence": "confident"},
        "awareness": {"label": "problem_aware", "confidence": "confident"},
    }
    (tmp_path / "labels.json").write_text(json.dumps({"documents": [label]}), encoding="utf-8")
    server.chat_reply = ChatReply.document(ROUND7_ANSWER)
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": server.base_url,
        "VSL_BREAKDOWN_MODEL": "my-local-model",
        "VSL_REALCOPY_EXTRA": str(tmp_path),
    }
    bench = REPO / "benchmarks" / "bench_breakdown.py"
    args = ["--engine", "openai", "--split", "real", "--real-splits", "real-holdout", "--variants", "sentences"]
    args += ["--repeats", "0"]
    out = subprocess.run(
        [sys.executable, str(bench), *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )

    assert out.returncode == 0, out.stderr[-2000:]
    assert "engine openai / my-local-model" in out.stdout
    row = next(line for line in out.stdout.splitlines() if line.startswith("| new  "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:6] == ["1.00  1/1", "1.00  1/1", "1.00  1/1", "1.00  1/1"]  # niche, offer, anchor, guarantee
    assert cells[11] == "1.00  1/1"  # product
    assert len(server.chat_requests) == 1 and server.chat_requests[0].model == "my-local-model"
    # Without a key the benchmark says what is missing instead of a traceback.
    out = subprocess.run(
        [sys.executable, str(bench), *args], capture_output=True, text=True, cwd=REPO, env={**env, "OPENAI_API_KEY": ""}
    )
    assert out.returncode == 2 and "needs OPENAI_API_KEY" in out.stderr and "Traceback" not in out.stderr
