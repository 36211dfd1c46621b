"""Issue 22, eleventh round: a pattern-interrupt fragment and a cost to a person in the opening, in PT, EN and ES.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the grammar or the real documents behind each rule are named next to the rule in
``vsl_assets/breakdown/labels.py``.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import read_opening, timed

# --- a fragment of one or two words is passed over -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Otra vez. Mandas la factura y nadie te contesta."),
        ("pt", "De novo. Você manda o orçamento e o cliente some."),
        ("en", "Not again. You send the invoice and nobody answers."),
    ],
)
def test_a_pattern_interrupt_fragment_is_no_proclamation(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert b.lead_type == "problem_solution"
    assert b.awareness == "problem_aware"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Las facturas en papel ya no sirven para nada."),
        ("pt", "Planilha de papel já não serve para nada."),
        ("en", "Paper invoices stopped working ten years ago."),
    ],
)
def test_a_short_bare_claim_of_three_words_or_more_is_still_read_as_a_proclamation(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "proclamation"


# --- what something costs a person names a loss ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Este error le puede costar la casa a una familia."),
        ("pt", "Este erro pode lhe custar a casa inteira."),
        ("en", "One wrong invoice is costing someone a whole month of work."),
    ],
)
def test_a_cost_to_a_person_opens_a_problem(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "problem_solution"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Un mal invierno puede costar millones al campo."),
        ("pt", "Um inverno ruim pode custar milhões ao campo."),
        ("en", "A bad winter will cost farms millions."),
    ],
)
def test_a_cost_to_nobody_in_particular_stays_a_bare_claim(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "proclamation"


def test_a_cost_denied_is_the_offers_reassurance_not_a_loss() -> None:
    # "It won't cost you a cent" is no loss: the rule does not lift the problem reading to sure.
    b = read_opening("en", "This won't cost you a cent, and it never will.")
    assert not (b.lead_type == "problem_solution" and b.confidence["lead_type"] >= 0.6)


# --- an unsure lead does not make the viewer unaware -----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "Most bakeries close before their fifth year."),
        ("pt", "A maioria das padarias fecha antes do quinto ano."),
        ("es", "La mayoría de las panaderías cierra antes del quinto año."),
    ],
)
def test_an_unsure_proclamation_leaves_the_viewer_problem_aware(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert b.lead_type == "proclamation" and b.confidence["lead_type"] < 0.6
    assert b.awareness == "problem_aware"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "Within two years, corner bakeries will be gone."),
        ("pt", "Em dois anos, as padarias de bairro vão sumir."),
        ("es", "En dos años, las panaderías de barrio van a desaparecer."),
    ],
)
def test_an_unsure_proclamation_that_predicts_still_speaks_to_the_unaware(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert b.lead_type == "proclamation"
    assert b.awareness == "unaware"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "Você sabia que existe uma receita de pão que as padarias antigas guardavam em segredo?"),
        ("es", "¿Sabías que existe una receta de pan que las panaderías antiguas guardaban en secreto?"),
    ],
)
def test_a_sure_secret_lead_still_speaks_to_the_unaware(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert b.lead_type == "big_secret" and b.confidence["lead_type"] >= 0.6
    assert b.awareness == "unaware"


# --- "the tools you already use" are the viewer's own, not this product ----------------------------------


def test_the_viewers_own_tools_are_no_sign_of_a_most_aware_viewer() -> None:
    lines = [
        "Imagine if every invoice went out before your day even started.",
        "Meet Ledgerly.",
        "Ledgerly plugs into the tools you already use.",
        "Try it free today.",
    ]
    assert analyze(timed(lines), "en").awareness != "most_aware"


def test_a_viewer_who_already_uses_the_product_is_still_most_aware() -> None:
    lines = [
        "Meet Ledgerly.",
        "You already use Ledgerly every day, and now it does more.",
        "Every invoice now goes out before your day even starts.",
        "Update it free today.",
    ]
    assert analyze(timed(lines), "en").awareness == "most_aware"
