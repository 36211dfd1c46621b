"""Issue 22, sixth round: rules read from hold-out 5's misses (a tuning set from this round on).

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive
and a negative case; the real documents (or the grammar) behind each rule are named next to the rule in
the engine and in the comment above its tests.  The helpers are round five's table-test helpers.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER, _offer, _pitch_at, _plain, _product, _video

# --- (a) no invented price --------------------------------------------------------------------------------
# A script's bracketed stand-in or editor's note is not said (hold-out 2 08, hold-out 5 02).


def test_an_amount_inside_brackets_is_never_the_offer() -> None:
    lines = ["Price: [e.g. just $97 for the whole planner].", "Click the button below to start."]
    assert _offer(_video("en", FILLER["en"], lines), "en") is None


def test_a_bracket_opened_before_a_recognisers_cut_still_holds_its_amount() -> None:
    lines = ["Editor: [e.g. the whole planner costs", "$97 today] then the closing shot.", "Click below to start."]
    assert _offer(_video("en", FILLER["en"], lines), "en") is None


def test_a_bracketed_example_does_not_outrank_the_price_said() -> None:
    lines = [
        "Aposta sugerida: [exemplo: 2 unidades, ou seja R$ 20 se a sua unidade for R$ 10].",
        "Hoje você entra no grupo por R$ 47.",
    ]
    assert _offer(_video("pt", FILLER["pt"], lines), "pt") == (47.0, "BRL")


# A bound ("more than $X", "mais de R$ X", "más de $X") is a quantity, never the price asked (dev 04,
# hold-out 3 06, hold-out 4 08, hold-out 5 01 and 08).


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("es", ["Al final del plazo tendrá $12,500.", "Ahora sabe que su ahorro crecerá más de $4,000."]),
        ("pt", ["No fim do ano ela tinha R$ 9.000.", "Agora ela sabe que o dinheiro rende mais de R$ 2.000."]),
        ("en", ["By the end she had $8,400 saved.", "Now she knows it grows by more than $2,000."]),
    ],
)
def test_an_amount_said_as_a_bound_is_no_offer(language: str, lines: list[str]) -> None:
    assert _offer(_video(language, FILLER[language], lines), language) is None


def test_a_bound_does_not_outrank_a_price_said_alone() -> None:
    lines = [
        "Your account ends the year with $9,000.",
        "Now you know it grows by more than $3,000.",
        "The course? $49.",
    ]
    assert _offer(_video("en", FILLER["en"], lines), "en") == (49.0, "USD")


def test_a_bound_on_the_stack_value_is_still_its_anchor() -> None:
    lines = ["Total value? Over $300.", "Today you get everything for just $47."]
    b = analyze(_video("en", FILLER["en"], lines), "en")
    assert b.offer_price is not None and b.offer_price.amount == 47.0
    assert b.anchor_price is not None and b.anchor_price.amount == 300.0


# Portuguese "for" is the verb ser/ir ("se a sua banca for R$ 500": if your bankroll is), never a price cue
# (grammar; hold-out 5 02).


def test_portuguese_for_is_a_verb_not_a_price_cue() -> None:
    lines = ["Se a sua banca for R$ 500, aposte só 2% dela em cada jogo."]
    assert _offer(_video("pt", FILLER["pt"], lines), "pt") is None


def test_a_conditional_amount_does_not_outrank_the_price() -> None:
    lines = ["Se a sua banca for R$ 500, aposte só 2% dela.", "Hoje você entra no grupo por R$ 39."]
    assert _offer(_video("pt", FILLER["pt"], lines), "pt") == (39.0, "BRL")


# The size of a debt or a loan is a case's figure (hold-out 5 01 and 08).


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("pt", "Levei os papéis ao gerente e a dívida foi negociada pra R$ 70 mil à vista."),
        ("en", "In the end the debt was settled for $40,000 upfront."),
    ],
)
def test_the_size_of_a_debt_is_no_offer(language: str, line: str) -> None:
    assert _offer(_video(language, FILLER[language], [line]), language) is None


def test_a_price_said_after_a_debt_story_is_still_the_offer() -> None:
    lines = ["A dívida foi negociada pra R$ 70 mil à vista.", "E o programa? Sai por R$ 997 à vista."]
    assert _offer(_video("pt", FILLER["pt"], lines), "pt") == (997.0, "BRL")


# --- (b) calibration ------------------------------------------------------------------------------------
# A proclamation, read from the thinnest evidence, was the lead the engine was surest of and wrong on six
# real documents (hold-out 2 01, hold-out 3 10, hold-out 4 06, hold-out 5 02, 06, 09): never shown as sure.


def test_a_proclamation_is_never_shown_as_sure() -> None:
    b = analyze(timed(["Sugar is not the enemy.", *[FILLER["en"]] * 10]), "en")
    assert b.lead_type == "proclamation"
    assert b.confidence["lead_type"] < 0.6


def test_a_clear_problem_lead_is_still_shown_as_sure() -> None:
    opening = "Are you losing customers every single night because nobody answers the phone?"
    b = analyze(timed([opening, *[FILLER["en"]] * 10]), "en")
    assert b.lead_type == "problem_solution"
    assert b.confidence["lead_type"] >= 0.6


# A company given with the speaker's name ("I'm Mark from X", "I'm [NAME] with X": hold-out 1 06, hold-out 5
# 12) is the seller, most often the product of a service VSL, but shown unsure.


def test_the_speakers_company_is_named_but_unsure() -> None:
    b = analyze(_video("en", "I'm Dana with Harbor Movers.", ["Fill out the form below."]), "en")
    assert b.product == "Harbor Movers"
    assert b.confidence["product"] < 0.6


def test_going_with_something_names_no_company() -> None:
    b = analyze(_video("en", "I'm going with the Blue Option this time.", ["Fill out the form below."]), "en")
    assert b.product is None


# --- (c) the offer section -------------------------------------------------------------------------------
# The product, by name or as "my course", as the subject of what it gives the buyer opens the section
# (hold-out 5 07 and 10, hold-out 3 09); a pronoun or a numbered part does not.


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "The Ten-Day Ledger teaches you a system."),
        ("es", "Mi curso de ahorro te enseña desde cero a ordenar tu dinero."),
        ("pt", "O Caderno Azul te ensina a montar o seu orçamento em uma tarde."),
    ],
)
def test_the_product_giving_the_buyer_something_opens_an_unpriced_section(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [line, *[FILLER[language]] * 12], pad=6)
    assert _pitch_at(segments, language, line)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Day 0 teaches you how to cut the scope."),
        ("en", "It gives you a plain list of steps."),
        ("pt", "Uma planilha comum que te dá só números soltos."),
    ],
)
def test_a_part_or_a_pronoun_giving_the_buyer_something_opens_nothing(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [line, *[FILLER[language]] * 12], pad=6)
    assert analyze(segments, language).pitch_s is None


# A reel or an ad (90 s or less) is read as one stretch for the niche: its offer is its own description
# (hold-out 5 07, hold-out 3 02).


def test_a_reels_niche_counts_what_it_says_after_the_turn() -> None:
    lines = [
        "¿Sabías que la mitad de los empleos de oficina van a cambiar pronto?",
        "Esto es lo que recibes: un curso de ahorro desde cero.",
        "Vas a multiplicar tus ingresos y aprender a invertir tu dinero.",
        "Enlace en mi bio.",
    ]
    b = analyze(timed(lines, words_per_minute=60.0), "es")
    assert b.niche is not None and b.niche.startswith("wealth")


def test_a_long_videos_close_still_counts_once() -> None:
    # The same close in a ten-minute video: the generic words after the turn weigh half, as before.  (Three
    # wealth words: "invertir" is one too since round twelve, so the first line says "cuidar" instead.)
    lines = [FILLER["es"]] * 60 + [
        "Mi curso de ahorro te enseña desde cero a cuidar tu sueldo.",
        "Vas a ganar más dinero con tus inversiones y a multiplicar tus ingresos.",
    ]
    b = analyze(timed(lines), "es")
    assert b.niche == "other/other"


# --- (d) product names -----------------------------------------------------------------------------------
# The kind of thing made may stand between the naming verb and a quoted name, whose title keeps its articles
# in lower case (hold-out 5 01; grammar): it outranks a word the speaker only "calls" something.


def test_a_quoted_programme_the_speaker_built_is_the_product() -> None:
    lines = [
        "Os bancos têm uma língua própria. Eu chamo isso de bancanês.",
        "Quem não fala bancanês paga mais. O bancanês está em todo contrato.",
        'Por isso eu construí o programa "Nunca Mais uma Taxa Escondida" para donos de empresa.',
        "Em bancanês, uma taxa pequena esconde um custo grande.",
    ]
    assert _product(lines, "pt") == "Nunca Mais uma Taxa Escondida"


def test_a_lower_case_thing_built_is_no_product() -> None:
    lines = ["Eu construí o programa de treino do meu irmão em uma tarde.", "Depois ele correu a maratona."]
    assert _product(lines, "pt") is None


# The named product as the subject of "teaches / gives / walks you" (hold-out 5 10, hold-out 2 01, hold-out
# 3 09), over numbered parts said more often.


def test_the_product_that_teaches_you_is_named_over_its_days() -> None:
    lines = [
        "I wasted a year on tutorials.",
        "The Ten-Day Ledger teaches you a system.",
        "Days 0 and 1 are free. You set up your notebook.",
        "Days 0 and 1 are free. Start right now.",
    ]
    assert _product(lines) == "Ten-Day Ledger"


def test_a_numbered_day_that_teaches_you_is_no_product() -> None:
    lines = ["I wasted a year on tutorials.", "Day 3 teaches you how to cut the scope.", "Day 3 is the hardest."]
    assert _product(lines) is None


# The named product defined as a kind of offering ("X is a private, one-to-one coaching practice": hold-out 5
# 11, real-dev 09, hold-out 4 09, hold-out 5 03, real-dev 05); a person is defined by a trade.


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("en", "Harborline is a private, one-to-one coaching practice for new fathers.", "Harborline"),
        ("pt", "Caixa Firme é a solução completa para o seu restaurante.", "Caixa Firme"),
        ("es", "Ruta Clara es una comunidad donde aprendes a vender.", "Ruta Clara"),
    ],
)
def test_a_named_kind_of_offering_is_the_product(language: str, line: str, name: str) -> None:
    assert _plain(_product([FILLER[language], line], language) or "") == name


def test_a_person_defined_by_a_trade_is_no_product() -> None:
    assert _product([FILLER["en"], "Sarah is a copywriter on a freelance site."]) is None


# A brand written with an inner capital after a short lower-case start ("miCuenta", like "iPhone"): by
# orthography a name (hold-out 5 08).


def test_a_brand_with_an_inner_capital_is_named() -> None:
    lines = [FILLER["es"], "Te presento miCuenta: tu calculadora de cuotas.", "miCuenta es gratis."]
    assert _product(lines, "es") == "miCuenta"


def test_a_lower_case_common_word_after_te_presento_is_no_product() -> None:
    lines = [FILLER["es"], "Te presento mi calculadora de cuotas.", "Es gratis."]
    assert _product(lines, "es") is None


# --- (e) lead ----------------------------------------------------------------------------------------------
# A first sentence in the first person and the narrative past opens a story (grammar; hold-out 5 10).


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "I built my first app in 7 days."),
        ("pt", "Eu construí minha primeira loja em 7 dias."),
        ("es", "Yo construí mi primera tienda en 7 días."),
    ],
)
def test_a_first_sentence_in_the_narrative_past_opens_a_story(language: str, opening: str) -> None:
    b = analyze(timed([opening, *[FILLER[language]] * 10]), language)
    assert b.lead_type == "story"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "I know exactly how you feel right now."),
        ("en", "I need five minutes of your attention today."),
        ("pt", "Eu sei exatamente como você se sente."),
        ("es", "Deje de perder clientes por no contestar a tiempo."),
    ],
)
def test_a_first_sentence_in_the_present_is_no_story(language: str, opening: str) -> None:
    b = analyze(timed([opening, *[FILLER[language]] * 10]), language)
    assert b.lead_type != "story"


# A first sentence pointing at the screen shows, it does not proclaim (hold-out 3 10, hold-out 5 09).


@pytest.mark.parametrize("opening", ["Watch this.", "This is a bakery's website."])
def test_a_first_sentence_pointing_at_the_screen_is_no_proclamation(opening: str) -> None:
    b = analyze(timed([opening, *[FILLER["en"]] * 10]), "en")
    assert b.lead_type != "proclamation"


def test_a_short_flat_claim_is_still_a_proclamation() -> None:
    b = analyze(timed(["Bread is not the enemy.", *[FILLER["en"]] * 10]), "en")
    assert b.lead_type == "proclamation"


# With no cue at all, the commonest lead on real copy (problem-solution: 34 of 64 labelled VSLs), unsure.


def test_an_opening_with_no_cue_gets_the_commonest_lead_unsure() -> None:
    b = analyze(
        timed(["The shop on the corner opens its doors at nine every morning and closes late.", *[FILLER["en"]] * 10]),
        "en",
    )
    assert b.lead_type == "problem_solution"
    assert b.confidence["lead_type"] < 0.6


# A percentage is a proclamation's statistic only when it counts a population ("90% of", "90% das", "90%
# de los"); a rate, a growth or a name is none ("de 4,2% pra 1,8%", "em 40%", "Shark 100% Green": hold-out 5
# 01, 02, 03).


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "Você quer aumentar suas vendas em 40% sem contratar ninguém?"),
        ("en", "Want to grow your bookings by 30% without hiring anyone?"),
        ("es", "¿Quieres subir tus ventas un 25% sin contratar a nadie?"),
    ],
)
def test_a_growth_in_percent_is_no_statistic(language: str, opening: str) -> None:
    b = analyze(timed([opening, *[FILLER[language]] * 10]), language)
    assert b.lead_type != "proclamation"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "Noventa por cento das dietas falham no primeiro ano, e a culpa não é sua, é do método."),
        ("en", "Ninety percent of diets fail within a year, and the fault is not yours, it is the method's."),
        ("es", "El 90% de las dietas fracasa en el primer año, y la culpa no es tuya, es del método."),
    ],
)
def test_a_statistic_of_a_population_still_proclaims(language: str, opening: str) -> None:
    b = analyze(timed([opening, *[FILLER[language]] * 10]), language)
    assert b.lead_type == "proclamation"


# A script's bracketed notes are not said: their words do not weigh for the niche (hold-out 5 02, where
# "[ex: ...]" made a betting group a reconquest product; hold-out 2 08 brackets its figures alike).


def test_bracketed_notes_do_not_weigh_for_the_niche() -> None:
    lines = [
        "Eu venho aplicando um método de apostas que fecha no verde com lucro todo mês.",
        "Evento: [ex: time A x time B]. Casa: [ex: casa 1]. Mercado: [ex: ambas marcam].",
        "Odd: [ex: 1.85]. Stake: [ex: 2 unidades]. Entrada: [ex: ao vivo].",
        "Você recebe o sinal pronto no grupo e só executa, sem estudar nada.",
    ]
    b = analyze(timed(lines), "pt")
    assert b.niche is None or not b.niche.startswith("relationships")


def test_an_ex_said_aloud_still_weighs_for_the_niche() -> None:
    lines = [
        "Seu ex sumiu e não responde mais as suas mensagens.",
        "Você sente falta do seu ex todos os dias e quer que o seu ex volte.",
        "Eu vou te mostrar como reconquistar o seu ex em poucas semanas.",
    ]
    b = analyze(timed(lines), "pt")
    assert b.niche is not None and b.niche.startswith("relationships")


# A contrast ("ahora", "but") turns to the next amount after it: a bound said between them takes the turn
# (hold-out 5 08 cut like a recogniser's output), so a later figure of a worked example is no offer.


def test_a_bound_between_takes_the_contrast_in_a_recognisers_cut() -> None:
    lines = [
        "Resultado: el total llega a $73,466. Carlos ahora sabe que",
        "su ahorro crecerá más de $23,000. Caso tres: si depositas",
        "$1,000 cada mes durante dos años, ¿cuánto tendrás al final?",
    ]
    assert _offer(_video("es", FILLER["es"], lines), "es") is None


def test_a_contrast_straight_to_a_lower_price_still_gives_the_offer() -> None:
    lines = ["Este programa vale $297 y lo vale de sobra,", "pero hoy te lo dejo en $47."]
    assert _offer(_video("es", FILLER["es"], lines), "es") == (47.0, "USD")


# A product-aware (or most-aware) reading was wrong on every real VSL it was read on (real-dev 05, hold-out
# 1 06, hold-out 2 07, hold-out 3 07): shown, never as sure; a problem-aware reading keeps its confidence.


def test_a_product_aware_reading_is_never_shown_as_sure() -> None:
    opening = "A lot of you have been asking about the planner since the workshop last month."
    b = analyze(timed([opening, *[FILLER["en"]] * 10]), "en")
    assert b.awareness == "product_aware"
    assert b.confidence["awareness"] < 0.6


def test_a_problem_aware_reading_is_still_shown_as_sure() -> None:
    opening = "Se você sofre com dor nas costas todas as manhãs, presta atenção."
    b = analyze(timed([opening, *[FILLER["pt"]] * 10]), "pt")
    assert b.awareness == "problem_aware"
    assert b.confidence["awareness"] >= 0.6


# A common word capitalised inside sentences, three times or more, never in lower case and at least twice
# after "a"/"the" is a name (grammar: hold-out 5 14, "a Perspective funnel"); a person takes no article.


def test_a_common_word_capitalised_after_an_article_is_the_product() -> None:
    lines = [
        FILLER["en"],
        "Most landing pages are built on WordPress, and WordPress pages load slowly.",
        "With a Horizon page, more people finish the whole quiz.",
        "Every visitor sees the Horizon page on a phone first.",
        "Put a Horizon page next to a plain one and watch.",
    ]
    assert _product(lines) == "Horizon"


def test_a_persons_name_said_often_is_no_product() -> None:
    lines = [
        FILLER["en"],
        "Last week I met with Sarah at the office.",
        "Then she called me, and Sarah said the plan worked.",
        "I told Sarah to keep going.",
    ]
    assert _product(lines) is None


# A greeting or a thanks opens the talk and claims nothing (grammar; hold-out 5 02).


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "Antes de qualquer coisa, obrigado por estar aqui."),
        ("en", "Thank you for watching this."),
        ("es", "Gracias por quedarte hasta aquí."),
    ],
)
def test_a_thanks_is_no_proclamation(language: str, opening: str) -> None:
    b = analyze(timed([opening, *[FILLER[language]] * 10]), language)
    assert b.lead_type != "proclamation"


def test_thanks_to_something_can_still_proclaim() -> None:
    b = analyze(timed(["Thanks to sugar, fat wins.", *[FILLER["en"]] * 10]), "en")
    assert b.lead_type == "proclamation"
