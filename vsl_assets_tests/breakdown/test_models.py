"""The breakdown model: vocabularies, evidence, and the strict structured-output schema."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from vsl_assets.breakdown.models import CORE_FIELDS, EVIDENCE_FIELDS, NICHES, Breakdown, Price, is_sure, openai_schema
from vsl_assets.breakdown.taxonomy import fold, load_taxonomy
from vsl_assets_tests.servers.openai import derive_document, strict_schema_problem


def test_openai_schema_is_strict_and_leaves_out_what_code_fills() -> None:
    schema = openai_schema()
    assert strict_schema_problem(schema) is None
    props = schema["properties"]
    assert set(props) == {
        "niche", "awareness", "lead_type", "beats", "offer_price", "anchor_price", "guarantee_days", "pitch_s", "product_reveal_s",
        "hook", "product", "mechanism", "evidence", "confidence", "prices",
    }  # fmt: skip
    assert "default" not in json.dumps(schema)
    assert props["evidence"]["additionalProperties"] is False
    assert set(props["evidence"]["required"]) == set(props["evidence"]["properties"])
    # Confidence: a closed object, one nullable number per label (strict mode has no free-form maps).
    assert props["confidence"]["additionalProperties"] is False
    assert set(props["confidence"]["required"]) == set(props["confidence"]["properties"]) == set(EVIDENCE_FIELDS)
    assert props["confidence"]["properties"]["offer_price"] == {"anyOf": [{"type": "number"}, {"type": "null"}]}
    mention = schema["$defs"]["PriceMention"]
    assert set(mention["required"]) == {"amount", "currency", "role", "start", "end", "quote", "why"}
    assert set(mention["properties"]["role"]["enum"]) == {
        "offer", "anchor", "rejected", "installment", "alternative", "per_period", "comparison", "income",
        "bonus_value", "other",
    }  # fmt: skip
    assert "rejected" in mention["properties"]["role"]["description"]


def test_confidence_nulls_are_dropped_and_grades_must_be_probabilities() -> None:
    b = Breakdown.model_validate({"engine": "e", "model": "m", "confidence": {"niche": 0.9, "hook": None}})
    assert b.confidence == {"niche": 0.9}
    with pytest.raises(ValidationError, match="between 0 and 1"):
        Breakdown.model_validate({"engine": "e", "model": "m", "confidence": {"niche": 1.5}})
    with pytest.raises(ValidationError):
        Breakdown.model_validate({"engine": "e", "model": "m", "confidence": {"price": 0.5}})  # not a field


def test_unsure_fields_are_the_set_ones_graded_below_the_threshold() -> None:
    b = Breakdown(
        engine="e",
        model="m",
        niche="health/diabetes",
        offer_price=Price(amount=500, currency="BRL"),
        pitch_s=120.0,
        confidence={"niche": 0.9, "offer_price": 0.3, "pitch_s": 0.6, "product": 0.1},  # product is unset
    )
    assert b.unsure_fields(0.6) == ["offer_price"]
    assert b.unsure_fields(0.61) == ["offer_price", "pitch_s"]  # at the threshold is sure, just below is not
    sure = b.sure_only(0.6)
    assert (sure.offer_price, sure.niche, sure.pitch_s) == (None, "health/diabetes", 120.0)
    # No grade recorded (an old breakdown): sure, as before.
    assert is_sure(None, "offer_price", 0.6) and is_sure({}, "offer_price", 0.99)
    assert not is_sure({"offer_price": 0.59}, "offer_price", 0.6)


def test_a_strict_reply_validates_into_a_breakdown() -> None:
    reply = derive_document(openai_schema(), [(0, "Você está cansado?"), (12, "Clique no botão")])
    assert isinstance(reply, dict)
    b = Breakdown.model_validate({**reply, "engine": "openai", "model": "gpt-x", "language": "pt"})
    assert b.engine == "openai"
    assert [beat.start for beat in b.beats] == [0.0, 12.0]
    assert set(b.evidence) <= set(reply["evidence"])


def test_null_evidence_entries_are_dropped() -> None:
    b = Breakdown.model_validate(
        {"engine": "local", "model": "m", "evidence": {"hook": None, "niche": {"quote": "x", "start": 1, "end": 2}}}
    )
    assert list(b.evidence) == ["niche"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("niche", "health/cats"), ("lead_type", "secret"), ("awareness", "aware"), ("status", "done")],
)
def test_labels_outside_the_vocabulary_are_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Breakdown.model_validate({"engine": "local", "model": "m", field: value})


def test_zero_instalments_means_none() -> None:
    b = Breakdown.model_validate({"engine": "e", "model": "m", "offer_price": {"amount": 97, "installments": 0}})
    assert b.offer_price is not None and b.offer_price.installments is None


def test_taxonomy_file_matches_the_niche_vocabulary() -> None:
    tax = load_taxonomy()
    assert set(tax.niches) == set(NICHES)
    for sub in tax.subs:
        assert set(sub.labels) == {"pt", "en", "es"}
        if sub.niche != "other/other":
            assert all(sub.keywords[lang] for lang in ("pt", "en", "es")), sub.niche
    assert tax.label("health/diabetes", "pt") == "Saúde / Diabetes"
    assert tax.label("health/diabetes", "de") == "Health / Diabetes"


def test_short_keywords_match_whole_words_only() -> None:
    sub = next(s for s in load_taxonomy().subs if s.niche == "health/other")
    pattern = sub.patterns["pt"]
    assert pattern is not None
    assert pattern.search(fold("sinto muita dor")) is not None
    assert pattern.search(fold("vou dormir cedo")) is None


def test_core_fields_are_fields_of_the_model() -> None:
    b = Breakdown(engine="local", model="rules-v1")
    assert list(b.model_dump(include=set(CORE_FIELDS))) == list(CORE_FIELDS)
    assert set(Breakdown.model_fields) - set(CORE_FIELDS) == {
        "evidence",
        "confidence",
        "prices",
        "consistency",
        "status",
        "note",
    }
