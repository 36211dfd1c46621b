"""Issue 22, eighth round: general grammar of prices, offers and confidence, in PT, EN and ES.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the grammar or the real documents behind each rule are named next to the rule in
``vsl_assets/breakdown/``.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.numbers import find_money, words_to_digits
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER, _video


def _money(text: str, language: str) -> list[tuple[float, int | None]]:
    return [(m.amount, m.installments) for m in find_money(words_to_digits(text, language), language)]


# --- English spoken hundreds ------------------------------------------------------------------------------
# English says a three-digit price without "hundred" ("nine ninety-seven" = 997); the same words could say
# 9.97, so a payment plan decides: a plan of a few payments splits a sum in the hundreds.


def test_a_spoken_cash_price_and_its_payment_plan_read_in_hundreds() -> None:
    line = "Your price today is nine ninety-seven, or three payments of three sixty-six."
    b = analyze(_video("en", FILLER["en"], ["Here is everything you get today.", line, FILLER["en"]]), "en")
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.currency) == (997.0, "USD")
    assert (b.offer_price.installments, b.offer_price.installment_amount) == (3, 366.0)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("two payments of four ninety-eight dollars", [(498.0, 2)]),
        ("it costs nine ninety-seven dollars", [(997.0, None)]),
    ],
)
def test_english_spoken_hundreds(said: str, expected: list[tuple[float, int | None]]) -> None:
    assert _money(said, "en") == expected


@pytest.mark.parametrize(
    ("language", "said", "expected"),
    [
        # Twelve monthly payments may well be of $9.97; Portuguese and Spanish say their hundreds.
        ("en", "twelve monthly payments of nine ninety-seven", [(9.97, 12)]),
        ("en", "only nineteen ninety-five dollars", [(19.95, None)]),
        ("pt", "três vezes de nove e noventa", [(9.9, 3)]),
        ("es", "tres pagos de nueve con noventa", [(9.9, 3)]),
    ],
)
def test_no_hundreds_where_the_words_say_cents(
    language: str, said: str, expected: list[tuple[float, int | None]]
) -> None:
    assert _money(said, language) == expected


def test_spoken_hundreds_without_a_plan_are_shown_as_not_sure() -> None:
    line = "The whole course is nine ninety-seven dollars."
    b = analyze(_video("en", FILLER["en"], ["Here is everything you get today.", line, FILLER["en"]]), "en")
    assert b.offer_price is not None and b.offer_price.amount == 997.0
    assert b.confidence["offer_price"] < 0.6


def test_a_time_of_day_near_a_plan_is_no_cash_price() -> None:
    line = "Doors close at 9 45 tonight, and you can pay in three payments of three sixty-six."
    b = analyze(_video("en", FILLER["en"], ["Here is everything you get today.", line, FILLER["en"]]), "en")
    assert b.offer_price is not None
    assert (b.offer_price.amount, b.offer_price.installments) == (1098.0, 3)
