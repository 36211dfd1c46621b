"""The breakdown diff: changed fields with their deltas, unsure fields compared as unknown (never
"changed" from or to a guess), beats matched by name and moved with their shift."""

from __future__ import annotations

from vsl_assets.compare import BeatSpan, Facts, diff_beats, diff_breakdowns, diff_transcripts, time_axis, time_map
from vsl_assets.compare import TimedText as T

OLD = Facts(
    values={
        "hook": "Você vai descobrir o ritual da manhã.",
        "lead_type": "story",
        "niche": "health/weight_loss",
        "awareness": "problem_aware",
        "product": "Ritual Matinal",
        "offer_price": {"amount": 197.0, "currency": "BRL", "installments": 12, "installment_amount": 19.7},
        "anchor_price": {"amount": 497.0, "currency": "BRL", "installments": None, "installment_amount": None},
        "guarantee_days": 30,
        "pitch_s": 1500.0,
        "page_pitch_s": 1490.0,
        "duration_s": 2400.0,
    },
    beats=[BeatSpan("hook", 0, 30), BeatSpan("story", 30, 600), BeatSpan("offer", 1500, 1800)],
)


def _by_field(diff: object) -> dict[str, object]:
    return {f.field: f for f in diff.fields}  # type: ignore[attr-defined]


def test_changed_fields_with_deltas_and_the_rest_the_same() -> None:
    new = Facts(
        values={
            **OLD.values,
            "hook": "você vai descobrir o ritual da manhã",  # same words: same hook
            "offer_price": {"amount": 147.0, "currency": "BRL", "installments": 12, "installment_amount": 14.7},
            "guarantee_days": 60,
            "pitch_s": 1380.4,
            "page_pitch_s": 1490.6,  # under a second: the same second
            "duration_s": 2280.0,
            "product": None,
        },
        beats=OLD.beats,
    )
    diff = diff_breakdowns(OLD, new)
    f = _by_field(diff)
    assert diff.changed_fields == ["product", "offer_price", "guarantee_days", "pitch_s", "duration_s"]
    assert f["offer_price"].status == "changed" and f["offer_price"].delta == -50.0
    assert f["guarantee_days"].delta == 30.0
    assert f["pitch_s"].delta == -119.6
    assert f["product"].status == "removed" and f["product"].old == "Ritual Matinal"
    assert f["hook"].status == "same" and f["page_pitch_s"].status == "same"
    assert f["mechanism"].status == "none"


def test_an_unsure_field_is_unknown_never_changed_and_its_guess_is_not_shown() -> None:
    # The new breakdown guessed another price and lead; the library withheld both (values None).
    new = Facts(
        values={**OLD.values, "offer_price": None, "lead_type": None, "awareness": "solution_aware"},
        unsure=frozenset({"offer_price", "lead_type"}),
        beats=OLD.beats,
    )
    f = _by_field(diff_breakdowns(OLD, new))
    assert f["offer_price"].status == "unknown" and f["offer_price"].new is None and f["offer_price"].new_unsure
    assert f["lead_type"].status == "unknown" and f["lead_type"].old == "story"
    assert f["offer_price"].delta is None
    assert f["awareness"].status == "changed"
    # Unsure in the old version, sure in the new: still unknown, even if a value is passed by mistake.
    old = Facts(values={**OLD.values}, unsure=frozenset({"guarantee_days"}))
    g = _by_field(diff_breakdowns(old, Facts(values={**OLD.values, "guarantee_days": 60})))["guarantee_days"]
    assert g.status == "unknown" and g.old is None and g.new == 60 and g.old_unsure and not g.new_unsure


def test_prices_in_other_currencies_or_instalments_differ_without_a_delta() -> None:
    usd = {"amount": 197.0, "currency": "USD", "installments": 12, "installment_amount": 19.7}
    f = _by_field(diff_breakdowns(OLD, Facts(values={**OLD.values, "offer_price": usd})))["offer_price"]
    assert f.status == "changed" and f.delta is None


def test_beats_moved_added_removed_by_name_with_the_shift() -> None:
    new = [
        BeatSpan("hook", 0, 30),
        BeatSpan("story", 30, 700),
        BeatSpan("proof", 700, 900),
        BeatSpan("offer", 1380, 1700),
    ]
    beats = diff_beats([*OLD.beats, BeatSpan("urgency", 1800, 1900)], new)
    got = [(b.beat, b.status, b.shift_s) for b in beats]
    assert got == [
        ("hook", "same", 0.0),
        ("story", "same", 0.0),
        ("proof", "added", None),
        ("offer", "moved", -120.0),
        ("urgency", "removed", None),
    ]


def test_repeated_beats_pair_where_the_text_went() -> None:
    # Two proof beats; the new version adds a 5-minute story at the start, so both land 300 s later.
    old = [BeatSpan("proof", 100, 160), BeatSpan("proof", 900, 960)]
    new = [BeatSpan("proof", 400, 460), BeatSpan("proof", 1200, 1260)]
    naive = diff_beats(old, new)  # without the time map the shift is too large to pair
    assert sorted(b.status for b in naive) == ["added", "added", "removed", "removed"]
    old_t = [T(k * 10.0, k * 10.0 + 10, f"Frase número {k} do roteiro original sobre a prova.") for k in range(120)]
    new_t = [T(0, 300, "Uma história nova de cinco minutos sobre a minha avó.")]
    new_t += [T(300 + s.start, 300 + s.end, s.text) for s in old_t]
    where = time_map(diff_transcripts(old_t, new_t))
    moved = diff_beats(old, new, where)
    assert [(b.status, b.shift_s) for b in moved] == [("moved", 300.0), ("moved", 300.0)]


def test_one_time_axis_for_several_videos() -> None:
    total, ticks = time_axis([2400.0, None, 3600.0])
    assert total == 3600.0 and ticks[0] == 0.0 and ticks[-1] <= 3600.0 and len(ticks) <= 13
    assert time_axis([None]) == (1.0, [0.0])


def test_a_changed_hook_marks_its_changed_words() -> None:
    new = Facts(values={**OLD.values, "hook": "Você vai descobrir o ritual da noite."})
    hook = _by_field(diff_breakdowns(OLD, new))["hook"]
    assert hook.status == "changed"
    assert [p.text for p in hook.old_pieces if p.changed] == ["manhã."]
    assert [p.text for p in hook.new_pieces if p.changed] == ["noite."]
    assert " ".join(p.text for p in hook.new_pieces) == "Você vai descobrir o ritual da noite."
