"""The local engine end to end: labels, beats, evidence, odd inputs, and real pipeline transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from vsl_assets.breakdown.engine import BreakdownEngine, analyze, get_engine, has_speech
from vsl_assets.breakdown.labels import consistency_note
from vsl_assets.breakdown.local_engine import LocalEngine
from vsl_assets.breakdown.models import Breakdown
from vsl_assets.breakdown.readers import read_transcript
from vsl_assets.errors import ConfigurationError
from vsl_assets.transcription.models import Segment
from vsl_assets_tests.breakdown.samples import EN_HEARING, ES_DATING, OPENINGS, PT_JOINTS, timed

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLES = {"pt": PT_JOINTS, "en": EN_HEARING, "es": ES_DATING}


def _run(language: str) -> tuple[list[Segment], Breakdown]:
    segments = timed(SAMPLES[language])
    return segments, analyze(segments, language)


def test_portuguese_story_lead_with_spelled_out_instalments() -> None:
    segments, b = _run("pt")
    assert (b.niche, b.lead_type, b.awareness) == ("health/joint_pain", "story", "problem_aware")
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.currency) == (197.0, "BRL")
    assert (b.offer_price.installments, b.offer_price.installment_amount) == (12, 19.7)
    assert b.anchor_price is not None and b.anchor_price.amount == 497.0
    assert b.guarantee_days == 30
    assert b.product == "FlexiJunta"
    assert b.mechanism == "sede da cartilagem"
    product_line = next(s for s in segments if s.text.startswith("Foi assim que nasceu"))
    assert b.product_reveal_s == product_line.start
    assert b.pitch_s is not None and b.pitch_s >= b.product_reveal_s
    assert b.hook is not None and b.hook.startswith("Há três anos")
    assert b.status == "ok" and b.consistency is None
    assert (b.engine, b.model) == ("local", "rules-v2")


def test_english_problem_solution_lead() -> None:
    _, b = _run("en")
    # "You've probably tried the cheap hearing amplifiers" addresses a viewer who knows the solutions
    # (solution_aware, as the labelled set's README defines it).
    assert (b.niche, b.lead_type, b.awareness) == ("health/hearing", "problem_solution", "solution_aware")
    assert b.offer_price is not None and (b.offer_price.amount, b.offer_price.currency) == (49.0, "USD")
    assert b.anchor_price is not None and b.anchor_price.amount == 89.0
    assert (b.guarantee_days, b.product, b.mechanism) == (60, "ClearEar", "the sound bridge")


def test_spanish_offer_lead_reveals_the_offer_at_once() -> None:
    _, b = _run("es")
    assert (b.niche, b.lead_type) == ("relationships/dating", "offer")
    assert b.awareness in ("most_aware", "product_aware")
    assert b.product_reveal_s == 0.0
    assert b.offer_price is not None and (b.offer_price.amount, b.offer_price.currency) == (19.0, "USD")
    assert b.anchor_price is not None and b.anchor_price.amount == 49.0
    assert b.guarantee_days == 7


@pytest.mark.parametrize("language", ["pt", "en", "es"])
def test_beats_are_ordered_inside_the_duration_and_on_segment_boundaries(language: str) -> None:
    segments, b = _run(language)
    starts = {s.start for s in segments}
    ends = {s.end for s in segments}
    duration = segments[-1].end
    assert b.beats[0].beat == "hook" and b.beats[0].start == 0.0
    assert b.beats[-1].end == duration
    for prev, beat in zip(b.beats, b.beats[1:], strict=False):
        assert prev.end <= beat.start
        assert prev.beat != beat.beat  # equal neighbours are merged into one span
    for beat in b.beats:
        assert beat.start in starts and beat.end in ends
        assert 0 <= beat.start < beat.end <= duration
        assert beat.quote and beat.quote[:20] in " ".join(s.text for s in segments)
    labels = [beat.beat for beat in b.beats]
    assert {"price", "guarantee", "cta"} <= set(labels)
    assert labels.index("price") < labels.index("guarantee")


@pytest.mark.parametrize("language", ["pt", "en", "es"])
def test_every_label_carries_a_quote_and_time_from_the_transcript(language: str) -> None:
    segments, b = _run(language)
    text = " ".join(s.text for s in segments)
    for name in ("niche", "lead_type", "awareness", "offer_price", "guarantee_days", "pitch_s", "hook", "product"):
        ev = b.evidence[name]
        assert ev.quote.rstrip("…")[:30] in text, name
        assert any(s.start == ev.start for s in segments), name
        assert ev.start <= ev.end
    assert b.pitch_s == b.evidence["pitch_s"].start


def test_the_same_transcript_gives_the_same_breakdown() -> None:
    segments = timed(PT_JOINTS)
    assert analyze(segments, "pt").model_dump_json() == analyze(list(segments), "pt").model_dump_json()


def test_language_is_guessed_when_unknown() -> None:
    b = analyze(timed(ES_DATING), None)
    assert b.language == "es" and b.niche == "relationships/dating"
    assert analyze(timed(EN_HEARING), "EN-us").language == "en"


@pytest.mark.parametrize(
    "segments",
    [[], [Segment(0.0, 0.0, "")], [Segment(0.0, 3.0, "   ")], [Segment(0.0, 30.0, "[Música]"), Segment(30, 40, "♪ ♪")]],
)
def test_no_speech_gets_a_breakdown_that_says_so(segments: list[Segment]) -> None:
    b = analyze(segments, "pt")
    assert b.status == "no_speech"
    assert b.note is not None and "no speech" in b.note
    assert (b.niche, b.beats, b.offer_price) == (None, [], None)
    assert not has_speech(segments)


def test_unsupported_language_still_reads_prices() -> None:
    lines = [
        "Vous êtes fatigué des régimes qui ne marchent pas et de la fatigue?",
        "Normalement ce programme coûte 99 euros.",
        "Aujourd'hui il est à seulement 49 euros pour vous.",
    ]
    b = analyze(timed(lines), None)
    assert b.language == "fr"
    assert b.status == "unsupported_language"
    assert b.note is not None and "'fr'" in b.note
    assert b.offer_price is not None and (b.offer_price.amount, b.offer_price.currency) == (49.0, "EUR")
    assert (b.niche, b.lead_type, b.beats) == (None, None, [])
    assert b.evidence["offer_price"].quote.startswith("Aujourd'hui")


def test_engines_by_name() -> None:
    engine = get_engine("local")
    assert isinstance(engine, LocalEngine) and isinstance(engine, BreakdownEngine)
    with pytest.raises(ConfigurationError, match="needs settings"):
        get_engine("openai")
    with pytest.raises(ConfigurationError, match="unknown breakdown engine 'gpt'"):
        analyze(timed(EN_HEARING), "en", "gpt")


def test_consistency_is_reported_not_forced() -> None:
    assert consistency_note("story", "unaware") is None
    note = consistency_note("offer", "unaware")
    assert note is not None and "most_aware" in note and "unaware" in note
    b = analyze(timed(ES_DATING), "es")
    assert b.consistency is None


@pytest.mark.parametrize(("name", "language"), [("speech_en.txt", "en"), ("speech_pt.txt", "pt")])
def test_real_speech_fixture_transcripts(name: str, language: str) -> None:
    """The transcripts of the pipeline's speech fixtures: a 20-second weight-loss pitch."""
    transcript = read_transcript(DATA / name)
    b = analyze(transcript.segments, None)
    assert b.language == language
    assert b.status == "ok"
    assert b.niche == "health/weight_loss"
    assert b.beats[0].beat == "hook"
    assert b.beats[-1].end == transcript.segments[-1].end
    assert b.hook is not None and b.hook.endswith("?")


@pytest.mark.parametrize(
    ("sample", "language", "labels", "offer", "guarantee", "names"),
    [
        ("EN_PROCLAMATION", "en", ("wealth/other", "proclamation", "unaware"), (29.0, "USD", 199.0), None,
         ("The Reset Report", "the quiet reset")),
        # "Você já tentou remédio para dormir, chá de camomila, melatonina": the viewer knows the solutions.
        ("PT_SLEEP", "pt", ("health/sleep", "big_secret", "solution_aware"), (47.0, "BRL", None), 7,
         ("Sono Profundo", "alarme noturno")),
        ("ES_PRODUCTIVITY", "es", ("self_improvement/productivity", "promise", "solution_aware"), (39.0, "EUR", 99.0), 30,
         ("Mañana Productiva", "el bloque de enfoque")),
        ("EN_MARRIAGE", "en", ("relationships/marriage", "story", "problem_aware"), (47.0, "USD", None), 60,
         ("Marriage Reset", "the distance loop")),
    ],
)  # fmt: skip
def test_more_leads_and_niches(
    sample: str,
    language: str,
    labels: tuple[str, str, str],
    offer: tuple[float, str, float | None],
    guarantee: int | None,
    names: tuple[str, str],
) -> None:
    from vsl_assets_tests.breakdown import samples

    segments = timed(getattr(samples, sample))
    b = analyze(segments, language)
    assert (b.niche, b.lead_type, b.awareness) == labels
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.currency, b.anchor_price.amount if b.anchor_price else None) == offer
    assert b.guarantee_days == guarantee
    assert (b.product, b.mechanism) == names
    assert b.product_reveal_s == next(s.start for s in segments if names[0] in s.text)
    assert [x.beat for x in b.beats][-1] == "cta"


_FILLER = {
    "en": "and that is what this video is about.",
    "pt": "e é sobre isso que eu quero falar.",
    "es": "y de eso se trata.",
}


@pytest.mark.parametrize(("language", "lead", "lines"), OPENINGS, ids=[f"{o[0]}-{o[1]}" for o in OPENINGS])
def test_lead_type_is_read_from_the_opening(language: str, lead: str, lines: list[str]) -> None:
    b = analyze(timed(lines + [_FILLER[language]] * 6), language)
    assert b.lead_type == lead
    assert b.evidence["lead_type"].start < 20.0


def test_progress_is_logged_in_words() -> None:
    lines: list[str] = []
    analyze(timed(EN_HEARING), "en", log=lines.append)
    assert lines == ["breakdown (rules-v2): health/hearing, problem_solution lead, solution_aware, 8 beats, 49 USD"]
