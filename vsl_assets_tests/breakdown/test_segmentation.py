"""The breakdown read off transcripts cut like a speech recogniser cuts them (mid-sentence, every few
seconds) and off lower-cased, unpunctuated captions: prices, names and guarantees that straddle a cut
are still read, and a cut at a sentence end still separates.  All sentences are ours."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.offer import find_guarantee
from vsl_assets.breakdown.prepared import Prepared, join_run_ons
from vsl_assets.transcription.models import Segment
from vsl_assets_tests.breakdown.samples import timed

REPO = Path(__file__).resolve().parents[2]
REALCOPY = REPO.parent / "shared" / "realcopy"


# --- joining segments cut mid-phrase -------------------------------------------------------------------


def test_a_price_spelled_across_two_segments_is_read_whole() -> None:
    lines = [
        "Tudo isso que eu te mostrei hoje sai por apenas cento e",
        "vinte e sete reais, num pagamento só, e o acesso chega no seu e-mail.",
    ]
    b = analyze(timed(lines), "pt")
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.currency) == (127.0, "BRL")


def test_a_number_and_its_unit_in_two_segments_are_one_amount() -> None:
    lines = ["Today the whole kit is yours for just 49", "dollars, one payment, and it ships this week."]
    b = analyze(timed(lines), "en")
    assert b.offer_price is not None and (b.offer_price.amount, b.offer_price.currency) == (49.0, "USD")


def test_a_sentence_end_still_separates_a_number_from_the_next_segment() -> None:
    lines = ["Fiquei casado por 12.", "Reais nunca sobraram no fim do mês, e isso me corroía por dentro."]
    units = join_run_ons(timed(lines), "pt")
    assert len(units) == 2


def test_a_naming_verb_ending_a_segment_takes_the_name_from_the_next() -> None:
    lines = [
        "After two years of testing on my own clients I put the whole method into one program, and it's called",
        "the Quiet Ledger Method, and it is what you get access to today.",
        "The Quiet Ledger Method walks you through every step.",
    ]
    b = analyze(timed(lines), "en")
    assert b.product == "Quiet Ledger Method"
    assert b.evidence["product"].start == 0.0  # the evidence keeps the first segment's second


def test_joined_units_keep_the_first_start_and_the_last_end() -> None:
    segs = [
        Segment(start=10.0, end=13.5, text="y lo mejor es que se llama"),
        Segment(start=13.5, end=17.0, text="Ruta Serena y la puedes probar hoy."),
    ]
    (unit,) = join_run_ons(segs, "es")
    assert (unit.start, unit.end) == (10.0, 17.0)
    assert unit.text == "y lo mejor es que se llama Ruta Serena y la puedes probar hoy."


def test_segments_that_end_sentences_are_never_joined() -> None:
    lines = ["We built it for small clinics.", "The price is fair.", "Click the button below now."]
    assert len(join_run_ons(timed(lines), "en")) == 3


def test_a_cut_after_an_ordinary_word_is_not_joined() -> None:
    # Mid-sentence, but neither side is a function word nor a number's unit: left as the recogniser cut it.
    lines = ["so many owners tell me their phones ring all day", "nobody picks up after six in the evening"]
    assert len(join_run_ons(timed(lines), "en")) == 2


def test_joining_stops_at_the_phrase_limit() -> None:
    # Thirty segments each ending on "and": joined in runs, never into one unit of minutes.
    segs = [Segment(start=i * 2.0, end=i * 2.0 + 2.0, text="we call and") for i in range(30)]
    units = join_run_ons(segs, "en")
    assert len(units) > 1
    assert all(u.end - u.start <= 25.0 for u in units)


def test_prepared_reads_joined_units() -> None:
    p = Prepared.build(timed(["o investimento é de", "noventa e sete reais à vista."]), "pt")
    assert len(p.segments) == 1 and "97 reais" in p.digits[0]


def _story(n: int) -> list[str]:
    return [
        f"Week {k} of the test went the same way: more calls came in and we wrote every one down." for k in range(n)
    ]


def test_a_turn_phrase_cut_in_two_starts_the_offer_section_at_its_first_half() -> None:
    lines = [*_story(12), "So now let me tell you what happens. Here's what you", "get when you join us today:"]
    lines += ["the full call playbook, the scripts, and the weekly review.", "Click the button below to join."]
    segs = timed(lines)
    b = analyze(segs, "en")
    assert b.pitch_s == segs[12].start


def test_a_turn_phrase_broken_by_a_sentence_end_is_not_read() -> None:
    lines = [*_story(12), "And that is what you.", "Get the calls written down, always."]
    lines += ["That is the whole habit, nothing more to it.", "Thanks for listening to the story."]
    assert analyze(timed(lines), "en").pitch_s is None


# --- the guarantee's window in its own sentence -----------------------------------------------------------


def test_a_guarantee_sentence_running_into_the_next_segment_gives_its_days() -> None:
    lines = [
        "We hand you a 90 day planner. And the whole thing is backed by our promise guarantee: you land results",
        "within 10 days or we keep working for free until you do.",
    ]
    days, ev = find_guarantee(Prepared.build(timed(lines), "en"))
    assert days == 10 and ev is not None


def test_a_duration_in_another_sentence_of_the_segment_is_not_preferred() -> None:
    lines = ["Te damos un plan de 60 días. Y además la garantía: si no ves resultados en 15 días, te devolvemos todo."]
    assert find_guarantee(Prepared.build(timed(lines), "es"))[0] == 15


def test_a_finished_guarantee_sentence_does_not_lend_its_cue_to_the_next_segment() -> None:
    lines = ["A nossa garantia é simples e clara.", "Você também recebe um calendário de 90 dias de conteúdo."]
    assert find_guarantee(Prepared.build(timed(lines), "pt"))[0] is None


# --- lower-cased captions: coined names ---------------------------------------------------------------------


def _lower(lines: list[str]) -> list[Segment]:
    return timed([line.lower().replace(".", "").replace(",", "") for line in lines])


def test_a_coined_lower_case_name_after_a_naming_verb_is_the_product() -> None:
    lines = [
        "most studio owners lose half their members in the first three months",
        "so i spent two years building a fix and it's called the brindlefox",
        "the brindlefox texts every new member on the days they are most likely to quit",
        "here's what you get today full access for forty seven dollars",
    ]
    b = analyze(_lower(lines), "en")
    assert b.product == "brindlefox"


def test_a_common_lower_case_word_after_a_naming_verb_is_not_a_name() -> None:
    lines = [
        "most studio owners lose half their members in the first three months",
        "so i spent two years building a fix and it's called the morning routine",
        "the morning routine is simple and the morning is when members decide",
        "here's what you get today full access for forty seven dollars",
    ]
    b = analyze(_lower(lines), "en")
    assert b.product is None or "morning" not in b.product


def test_a_coined_word_repeated_in_a_lower_case_caption_is_an_unsure_product() -> None:
    lines = [
        "quem vende pelo celular sabe como é perder cliente de madrugada",
        "o zapvendo responde na hora e anota o pedido",
        "com o zapvendo você dorme e a loja continua vendendo",
        "clique no botão e teste o zapvendo por sete dias",
    ]
    b = analyze(_lower(lines), "pt")
    assert b.product == "zapvendo"
    assert b.confidence["product"] < 0.6  # no naming construction: shown as "not sure"


def test_common_words_repeated_in_a_lower_case_caption_are_not_a_product() -> None:
    lines = [
        "quem vende pelo celular sabe como é perder cliente de madrugada",
        "o cliente manda mensagem e o cliente desiste quando ninguém responde",
        "cada cliente perdido é dinheiro que vai para a concorrência",
    ]
    assert analyze(_lower(lines), "pt").product is None


def test_a_rare_lower_case_word_after_called_is_not_the_product_in_a_capitalised_transcript() -> None:
    lines = [
        "Your body has a cleanup process called autophagy, and autophagy slows down after forty.",
        "That is why I made the Dawnleaf Reset, a morning drink for women over forty.",
        "Here's what you get: the Dawnleaf Reset, thirty servings, for just 39 dollars.",
    ]
    assert analyze(timed(lines), "en").product == "Dawnleaf Reset"


def test_capitalised_transcripts_do_not_take_uncued_coined_words() -> None:
    lines = [
        "Everyone I know has tried ozempic at least once.",
        "My sister took ozempic for a year, and ozempic made her sick.",
        "So I started looking for something gentler.",
    ]
    assert analyze(timed(lines), "en").product is None


# --- the benchmark's re-cut variants -----------------------------------------------------------------------


def _bench() -> object:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_breakdown
    finally:
        sys.path.pop(0)
    return bench_breakdown


def test_recut_is_deterministic_keeps_every_word_and_cuts_mid_sentence() -> None:
    bench = _bench()
    lines = [f"Sentence number {k} has a few more words in it than the last one did." for k in range(40)]
    segs = timed(lines)
    a, b = bench.recut(segs), bench.recut(segs)  # type: ignore[attr-defined]
    assert [s.text for s in a] == [s.text for s in b]
    assert " ".join(s.text for s in a).split() == " ".join(lines).split()
    assert all(8 <= len(s.text.split()) <= 30 for s in a[:-1])
    assert not any(s.text.endswith(".") for s in a[:-1])  # never right after a sentence end
    assert a[0].start == 0.0 and a[-1].end == segs[-1].end


def test_bare_recut_is_lower_case_without_punctuation_but_keeps_numbers() -> None:
    bench = _bench()
    segs = timed(["Hoje: R$ 19,90 à vista, ou 12x de R$ 1.997!", "Garantia de 7 dias. Clique AGORA."] * 6)
    text = " ".join(s.text for s in bench.recut(segs, bare=True))  # type: ignore[attr-defined]
    assert text == text.lower()
    assert "19,90" in text and "1.997" in text and "r$" in text
    assert not any(c in text for c in ":!") and ". " not in text


@pytest.mark.slow
def test_real_copy_dev_set_holds_its_floor_when_recut_like_a_recogniser() -> None:
    if not (REALCOPY / "labels.json").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{REALCOPY} is missing in CI")
        pytest.skip(f"the shared real-copy set is not at {REALCOPY}")
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench_breakdown.py"),
            *("--split", "real", "--real-splits", "real-dev", "--variants", "whisper", "--repeats", "0"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "real-dev [whisper]" in out.stdout
    row = next(line for line in out.stdout.splitlines() if line.startswith("| new  "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    offer, guarantee = float(cells[3].split()[0]), float(cells[5].split()[0])
    assert offer >= 0.9 and guarantee >= 0.9, row
    assert cells[-1].startswith("0/"), f"a price was invented: {row}"
    assert json.loads((REALCOPY / "labels.json").read_text(encoding="utf-8"))["documents"]
