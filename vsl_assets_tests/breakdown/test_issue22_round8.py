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
from vsl_assets_tests.breakdown.test_issue22_round7_pitch import _pitch_at


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


# --- a cue said with a number word is matched on the digit view ----------------------------------------------
# The rules read the text with its numbers as digits ("One day" is "1 day" there), so before round eight
# the narrative "One day…", "Un día…", "Una noche…" never opened a story.  The narrative "one day" opens a
# clause; after a preposition it is a duration (grammar of the three languages).


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "One day my doctor looked at my blood work and went very quiet."),
        ("en", "One night in March, my phone rang at three in the morning and I knew something was wrong."),
        ("es", "Un día mi médico miró mis análisis y se quedó callado."),
        ("es", "Una noche de marzo, mi teléfono sonó a las tres de la mañana y supe que algo andaba mal."),
    ],
)
def test_a_story_opened_by_one_day_or_one_night_is_a_story_lead(language: str, opening: str) -> None:
    b = analyze(_video(language, opening, [FILLER[language]] * 3), language)
    assert b.lead_type == "story"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "In just one day, your knees can feel twenty years younger."),
        ("en", "One night of deep sleep can reset the hormones that keep you hungry."),
        ("es", "En un día tus rodillas pueden sentirse veinte años más jóvenes."),
    ],
)
def test_one_day_as_a_duration_opens_no_story(language: str, opening: str) -> None:
    assert analyze(_video(language, opening, [FILLER[language]] * 3), language).lead_type != "story"


# --- the turn into the offer, the same forms in the three languages -----------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Quiero hacerte una propuesta muy sencilla."),
        ("es", "Cuando te inscribas hoy, recibirás acceso inmediato a las grabaciones."),
        ("es", "Esto es todo lo que obtienes al entrar."),
        ("es", "Por eso hoy te abro las puertas del taller."),
        ("pt", "Agora eu quero te fazer uma proposta."),
        ("pt", "Então deixa eu te mostrar tudo que está incluso."),
        ("en", "Let me show you everything that's included."),
        ("en", "So I want to make you an offer."),
    ],
)
def test_a_turn_into_the_offer_opens_an_unpriced_section(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [line, *[FILLER[language]] * 4])
    assert _pitch_at(segments, language, line)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Mi vecino me hizo una oferta por la casa y no la acepté."),
        ("es", "Cuando te inscribiste en aquel curso, nadie te explicó nada."),
        ("pt", "Meu vizinho me fez uma proposta pela casa e eu recusei."),
        ("en", "My neighbor made me an offer on the house and I said no."),
    ],
)
def test_an_offer_made_to_someone_else_opens_nothing(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [line, *[FILLER[language]] * 4])
    assert analyze(segments, language).pitch_s is None


def test_an_amount_said_alone_then_one_time_is_the_offer() -> None:
    # "Forty-seven dollars. One time." — "one time" reads "1 time" on the digit view.
    segments = _video(
        "en", FILLER["en"], ["Here is everything you get today.", "Forty-seven dollars, one time.", FILLER["en"]]
    )
    b = analyze(segments, "en")
    assert b.offer_price is not None and b.offer_price.amount == 47.0


def test_every_lexicon_phrase_matches_the_digit_view_it_is_read_on() -> None:
    # Cue phrases and niche keywords are matched on the text with numbers as digits; a phrase holding a
    # number word ("first date", "vida a dois", "existe uma forma") must match that view of itself.
    from vsl_assets.breakdown import cues
    from vsl_assets.breakdown.taxonomy import fold, load_taxonomy

    dead = []
    for group, lexicon in (("beat", cues.BEAT_STRONG), ("lead", cues.LEAD), ("awareness", cues.AWARENESS)):
        for label, by_language in lexicon.items():
            for language, phrases in by_language.items():
                pattern = cues.pattern(group, label, language)
                for phrase in phrases:
                    if phrase.startswith("re:") or "\\" in phrase or not phrase[:1].isalnum():
                        continue  # a regex, or a phrase read after a number ("% off")
                    said = fold(words_to_digits(phrase, language))
                    if pattern is None or pattern.search(said) is None:
                        dead.append((group, label, language, phrase))
    for sub in load_taxonomy().subs:
        for language, words in sub.keywords.items():
            for word in words:
                said = fold(words_to_digits(word, language))
                if sub.patterns[language] is None or sub.patterns[language].search(said) is None:
                    dead.append(("niche", sub.id, language, word))
    assert dead == []


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Most men never get a second date because they talk too much on the first date."),
        ("es", "La mayoría de los hombres arruina la primera cita en los primeros cinco minutos."),
    ],
)
def test_a_dating_keyword_with_a_number_word_names_the_niche(language: str, line: str) -> None:
    b = analyze(_video(language, line, [line, FILLER[language]], pad=2), language)
    assert b.niche == "relationships/dating"


# --- a price list: label — amount, two or more tiers ----------------------------------------------------------


def _offer_of(language: str, lines: list[str]) -> tuple[float, str] | None:
    b = analyze(
        _video(language, FILLER[language], ["Here is everything you get today.", *lines, FILLER[language]]), language
    )
    return None if b.offer_price is None else (b.offer_price.amount, b.offer_price.currency or "")


@pytest.mark.parametrize(
    ("language", "line", "expected"),
    [
        ("en", "Solo teachers — $49 a month. Studios — $149. Franchises — $499.", (49.0, "USD")),
        ("pt", "Plano mensal: R$ 39. Plano anual: R$ 390.", (39.0, "BRL")),
    ],
)
def test_the_first_item_of_a_price_list_is_the_base_offer(
    language: str, line: str, expected: tuple[float, str]
) -> None:
    assert _offer_of(language, [line]) == expected


def test_one_labelled_amount_alone_is_no_price_list() -> None:
    # A single "label — amount" with no price cue is still no offer (a decoy figure stays unread).
    assert _offer_of("en", ["Average revenue lost per clinic — $4,000."]) is None


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Sarah — $4,200 in her first month. Mike — $7,900."),
        ("es", "Resultados de alumnos: Lucía: 3.000 dólares. Pedro: 5.500 dólares."),
    ],
)
def test_a_list_of_results_is_no_price_list(language: str, line: str) -> None:
    assert _offer_of(language, [line]) is None


def test_a_personalised_plan_is_not_another_things_cost() -> None:
    # "personal" (a personal trainer) is a comparison word only as a whole word.
    assert _offer_of("en", ["Your personalized plan is just $39 today."]) == (39.0, "USD")


# --- what someone would pay, and a price someone else wanted ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "One reader in Ohio even offered to pay $300 for a single copy."),
        ("pt", "Uma cliente de Recife estava disposta a pagar R$ 900 só pela primeira sessão."),
        ("es", "Un cliente de Lima se ofreció a pagar 500 dólares por una copia."),
    ],
)
def test_what_someone_would_pay_is_no_price(language: str, line: str) -> None:
    assert _offer_of(language, [line]) is None


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "My business partner insisted we price the whole kit at $299."),
        ("pt", "Meu sócio queria cobrar R$ 497 pelo curso completo."),
    ],
)
def test_a_price_someone_else_wanted_is_an_anchor(language: str, line: str) -> None:
    b = analyze(_video(language, FILLER[language], [line, FILLER[language]]), language)
    assert b.offer_price is None
    roles = [m.role for m in b.prices]
    assert roles == ["anchor"]


def test_a_price_the_seller_sets_is_still_the_offer() -> None:
    # The buyer pays it: "you pay" / "just" are the seller's price, not someone's willingness.
    assert _offer_of("en", ["Today you pay just $59 for the whole kit."]) == (59.0, "USD")


# --- the closing imperative of a software or app promo with no price ------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "¿Quieres verlo con los números de tu negocio? Solicita una demo personalizada."),
        ("pt", "FolhaFácil. Baixe agora e feche o mês sem planilha."),
        ("es", "Contalia. Comienza gratis hoy."),
        ("en", "Shelfwise. Download it now and count your stock in minutes."),
    ],
)
def test_the_closing_call_of_an_unpriced_promo_opens_its_section(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [*[FILLER[language]] * 12, line], pad=2)
    assert _pitch_at(segments, language, line)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Mi hermano descargó la demo del juego y no le gustó."),
        ("pt", "Ela baixou o volume e continuou trabalhando."),
    ],
)
def test_a_demo_or_download_told_of_opens_nothing(language: str, line: str) -> None:
    segments = _video(language, FILLER[language], [*[FILLER[language]] * 12, line], pad=2)
    assert analyze(segments, language).pitch_s is None


def test_an_article_is_no_product_giving_the_viewer_something() -> None:
    # "The number it gives you" — the capitalised article is no name; the invitation later opens the section.
    line = "I'm hosting a free live training on how to plan your week."
    segments = _video(
        "en",
        FILLER["en"],
        [line, FILLER["en"], FILLER["en"], "The number it gives you will stay with you.", FILLER["en"]],
    )
    assert _pitch_at(segments, "en", line)


def test_what_working_with_me_looks_like_turns_into_the_offer() -> None:
    line = "Here's what working with me looks like."
    segments = _video("en", FILLER["en"], [line, *[FILLER["en"]] * 4])
    assert _pitch_at(segments, "en", line)


# --- the anchor is said near the offer ------------------------------------------------------------------------


def _with_anchor_said(lines_between: int) -> list:
    early = "A plan like this usually costs $2,000."
    turn = "Here is everything you get today."
    price = "The whole kit is just $97 today."
    en = FILLER["en"]
    return _video("en", en, [early, *[en] * lines_between, turn, en, price, en])


def test_a_figure_said_long_before_the_offer_is_no_anchor() -> None:
    b = analyze(_with_anchor_said(180), "en")  # some twenty minutes of talk between them
    assert b.offer_price is not None and b.offer_price.amount == 97.0
    assert b.anchor_price is None


def test_an_anchor_said_with_the_offer_is_kept() -> None:
    en = FILLER["en"]
    lines = ["Here is everything you get today.", "It normally sells for $297.", "The whole kit is just $97 today.", en]
    b = analyze(_video("en", en, lines), "en")
    assert b.anchor_price is not None and b.anchor_price.amount == 297.0


# --- a name heading a numbered part is the part's ------------------------------------------------------------


def test_a_title_heading_a_numbered_part_is_no_product_name() -> None:
    en = FILLER["en"]
    lines = ["Phase 1: Picking the product — The Shortlist Method.", en, "Phase 2: Sourcing — The Supplier Map.", en]
    assert analyze(_video("en", en, lines), "en").product not in ("Shortlist Method", "The Shortlist Method")


def test_a_product_named_outside_its_parts_is_kept() -> None:
    en = FILLER["en"]
    lines = ["That's why I created the Shortlist Method.", en, "Phase 1: Picking the product.", en]
    assert analyze(_video("en", en, lines), "en").product == "Shortlist Method"


# --- a bare "$" in Portuguese ---------------------------------------------------------------------------------
# Portuguese writes the real "R$"; a bare "$" is the dollar unless the transcript names another currency.


def test_a_bare_dollar_sign_in_portuguese_is_the_dollar() -> None:
    assert _offer_of("pt", ["A primeira sessão sai por apenas $10 para quem mora nos Estados Unidos."]) == (10.0, "USD")


def test_a_bare_dollar_sign_in_a_script_that_says_reais_is_the_real() -> None:
    assert _offer_of("pt", ["Ele custava R$ 197.", "Hoje sai por apenas $97."]) == (97.0, "BRL")


def test_a_portuguese_instalment_without_a_sign_is_still_reais() -> None:
    b = analyze(_video("pt", FILLER["pt"], ["Você leva tudo em 12x de 19,70.", FILLER["pt"]]), "pt")
    assert b.offer_price is not None and b.offer_price.currency == "BRL"


# --- a brand's own casing ------------------------------------------------------------------------------------


def test_a_lower_case_start_with_inner_capitals_is_a_brand() -> None:
    es = FILLER["es"]
    lines = ["Con estudiAPP repasas cada tema en diez minutos.", es, "estudiAPP guarda tus errores para mañana.", es]
    assert analyze(_video("es", es, lines), "es").product == "estudiAPP"


def test_lower_case_words_are_no_brand() -> None:
    es = FILLER["es"]
    lines = ["Con la aplicación repasas cada tema en diez minutos.", es, "La aplicación guarda tus errores.", es]
    assert analyze(_video("es", es, lines), "es").product is None


# --- a lead read from less than one strong cue is not sure ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Si quieres aprobar el examen este año, te enseño cómo estudiar."),
        ("pt", "Você tem dificuldade para dormir à noite?"),
    ],
)
def test_a_lead_from_one_weak_cue_is_not_sure(language: str, opening: str) -> None:
    b = analyze(_video(language, opening, [FILLER[language]] * 3), language)
    assert b.confidence["lead_type"] < 0.6


def test_a_lead_from_a_strong_cue_stays_sure() -> None:
    opening = "One night in March, my phone rang at three in the morning and I knew something was wrong."
    b = analyze(_video("en", opening, [FILLER["en"]] * 3), "en")
    assert b.lead_type == "story" and b.confidence["lead_type"] >= 0.6
