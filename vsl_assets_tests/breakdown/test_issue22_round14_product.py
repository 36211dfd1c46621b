"""Issue 22, round fourteen: the product's name — a demonstrative opening a sentence, a numbered part's title, a
number written into a name, a common word capitalised before a number, and the noun "chamada" / "llamada" (a
phone call) are no naming of the product.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the real documents behind each change are named where the rule lives
(``vsl_assets/breakdown/names/words.py``, ``written.py``, ``bare.py`` and ``product.py``).
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed

_BODY = {
    "pt": "Durante anos eu tentei de tudo e nada parecia mudar de verdade na minha vida.",
    "en": "For years I tried everything and nothing seemed to really change in my life.",
    "es": "Durante años lo intenté todo y nada parecía cambiar de verdad en mi vida.",
}
_CLOSE = {
    "pt": "Clique no botão abaixo e agende a sua conversa com a equipe.",
    "en": "Click the button below and book your call with my team.",
    "es": "Haz clic en el botón de abajo y agenda tu llamada con mi equipo.",
}


def _video(language: str, *lines: str) -> list[str]:
    return [_BODY[language]] * 4 + list(lines) + [_BODY[language]] * 2 + [_CLOSE[language]]


# --- a demonstrative opening a sentence is no name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Ese es el sistema que usamos con cada familia."),
        ("es", "Este es el programa que cambia tu forma de construir."),
        ("pt", "Este é o método que a gente usa com cada cliente."),
        ("pt", "Aquele é o programa que eu gostaria de ter tido."),
    ],
)
def test_a_demonstrative_defined_as_the_offering_names_no_product(language: str, line: str) -> None:
    b = analyze(timed(_video(language, line, line)), language)
    assert b.product is None or fold_first(b.product) not in {"ese", "este", "aquele"}


def fold_first(name: str) -> str:
    return name.split()[0].lower()


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("es", "Casa Firme es el sistema que usamos con cada familia.", "Casa Firme"),
        ("pt", "Rota Serena é o método que a gente usa com cada cliente.", "Rota Serena"),
    ],
)
def test_a_name_defined_as_the_offering_still_names_it(language: str, line: str, name: str) -> None:
    b = analyze(timed(_video(language, line, f"Com {name} tudo fica mais simples.")), language)
    assert b.product == name


# --- a numbered part's title, wherever the line was cut ------------------------------------------------------------


def test_a_modules_title_after_the_cut_is_no_product() -> None:
    lines = [
        _BODY["en"],
        "Inside GrowthPilot, you get six core modules. Module 5 shows the ads. Module 6:",
        "The Referral Engine Method. Simple scripts to ask every happy client for an introduction.",
        "Try GrowthPilot risk-free for thirty days.",
        _CLOSE["en"],
    ]
    b = analyze(timed(lines), "en")
    assert b.product == "GrowthPilot"


def test_a_kind_title_with_no_part_label_is_still_read() -> None:
    lines = [
        _BODY["en"],
        "That is why I put everything into the Referral Engine Method for small studios.",
        _BODY["en"],
        _CLOSE["en"],
    ]
    b = analyze(timed(lines), "en")
    assert b.product == "Referral Engine Method"


# --- a number written into a name ----------------------------------------------------------------------------------


def test_a_number_written_into_a_kind_title_is_part_of_the_name() -> None:
    lines = [
        _BODY["en"],
        "If the 30-Day Hiring Blueprint is a good fit for you, I will tell you on the call.",
        "But here is how I would think about it. Fix the CPA.",
        _BODY["en"],
        _CLOSE["en"],
    ]
    b = analyze(timed(lines), "en")
    assert b.product == "30-Day Hiring Blueprint"


def test_a_number_of_days_in_lower_case_is_no_name() -> None:
    lines = [_BODY["en"], "In 30 days the blueprint will be in your hands.", _BODY["en"], _CLOSE["en"]]
    b = analyze(timed(lines), "en")
    assert b.product is None


# --- a common word capitalised at a sentence start, then a number ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("es", "Hace 3 meses yo no tenía ni un cliente."),
        ("pt", "Faz 3 anos que eu comecei do zero."),
        ("en", "Since 2019 I have been doing this every single day."),
    ],
)
def test_a_sentence_opening_with_a_number_names_no_product(language: str, line: str) -> None:
    b = analyze(timed(_video(language, line, _BODY[language], line)), language)
    assert b.product is None


def test_a_name_with_a_number_inside_a_sentence_is_still_a_candidate() -> None:
    lines = [_BODY["pt"], "Eu criei o Sprint 100k para quem vende online.", "O Sprint 100k é simples.", _CLOSE["pt"]]
    b = analyze(timed(lines), "pt")
    assert b.product == "Sprint 100k"


# --- "la llamada" / "a chamada": a phone call, not "called" -----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "es",
            [
                "durante años lo intenté todo y nada parecía cambiar",
                "qué haremos en la llamada",
                "revisaremos tu situación y tu presupuesto con calma",
                "agenda tu llamada con mi equipo",
            ],
        ),
        (
            "pt",
            [
                "durante anos eu tentei de tudo e nada mudava",
                "o que vamos fazer nessa chamada",
                "revisamos a sua situação e o seu orçamento",
                "agende a sua conversa com a equipe",
            ],
        ),
    ],
)
def test_the_call_as_a_noun_names_no_product(language: str, lines: list[str]) -> None:
    b = analyze(timed(lines), language)
    assert b.product is None


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "es",
            [
                "durante años lo intenté todo y nada parecía cambiar",
                "por eso armé un programa llamado casaplanix",
                "con casaplanix tienes cada etapa clara",
                "agenda tu llamada con mi equipo",
            ],
            "casaplanix",
        ),
        (
            "pt",
            [
                "durante anos eu tentei de tudo e nada mudava",
                "por isso montei um aplicativo chamado vendorix",
                "com o vendorix você organiza tudo",
                "agende a sua conversa com a equipe",
            ],
            "vendorix",
        ),
    ],
)
def test_the_participle_after_a_noun_still_names_the_product(language: str, lines: list[str], name: str) -> None:
    b = analyze(timed(lines), language)
    assert b.product == name


# --- a time-boxed offering named by its length, in a lower-cased transcript ------------------------------------------


def test_a_lower_case_offering_named_by_its_length_is_the_product_unsure() -> None:
    lines = [
        "for years i tried everything and nothing seemed to change",
        "so i packed all of it into the 14-day client magnet sprint and it",
        "teaches you one system to land your first three clients",
        "click the button below and book your call with my team",
    ]
    b = analyze(timed(lines), "en")
    assert b.product == "14-day client magnet sprint"
    assert b.confidence["product"] < 0.6


@pytest.mark.parametrize(
    "line",
    [
        "you are covered by the 30-day money back guarantee on every order",
        "and the 3-step system i use is simple to follow for anyone",
    ],
)
def test_a_length_before_no_kind_of_offering_names_no_product(line: str) -> None:
    lines = ["for years i tried everything and nothing seemed to change", line, "click the button below"]
    b = analyze(timed(lines), "en")
    assert b.product is None


# --- a title keeps its prepositions and, quoted, its first word ------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("pt", "Foi por isso que eu criei o Reels pra Vender.", "Reels pra Vender"),
        ("pt", "Foi por isso que eu criei o Calma para Mães.", "Calma para Mães"),
        ("es", "Por eso creé el Taller Voz sin Miedo.", "Taller Voz sin Miedo"),
    ],
)
def test_a_lower_case_preposition_inside_a_title_is_part_of_the_name(language: str, line: str, name: str) -> None:
    b = analyze(timed(_video(language, line)), language)
    assert b.product == name


def test_a_preposition_before_a_lower_case_word_ends_the_name() -> None:
    b = analyze(timed(_video("pt", "Foi por isso que eu criei o Reels para quem vende online.")), "pt")
    assert b.product == "Reels"


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("pt", 'Por isso eu construí o programa "Não Perca Seu Dinheiro".', "Não Perca Seu Dinheiro"),
        ("es", "Por eso creé el curso \u201cNo Pierdas Tu Dinero\u201d para ti.", "No Pierdas Tu Dinero"),
    ],
)
def test_a_quoted_title_keeps_its_first_word(language: str, line: str, name: str) -> None:
    b = analyze(timed(_video(language, line)), language)
    assert b.product == name


def test_an_unquoted_name_still_loses_a_leading_function_word() -> None:
    b = analyze(timed(_video("pt", "Então eu criei Hoje Leve para você.")), "pt")
    assert b.product == "Leve"


# --- each language's own articles before a lower-case brand ----------------------------------------------------------


def test_the_spanish_conjunction_o_is_no_article_before_a_brand() -> None:
    lines = [
        "durante años lo intenté todo y nada parecía cambiar",
        "la casa puede ser para vivir vender o rentar",
        "tú decides si quieres vender o rentar después",
        "agenda tu llamada con mi equipo",
    ]
    b = analyze(timed(lines), "es")
    assert b.product is None


def test_the_portuguese_article_still_marks_a_lower_case_brand() -> None:
    lines = [
        "durante anos eu tentei de tudo e nada mudava",
        "foi quando eu comecei a usar o vendorix todo dia",
        "hoje o vendorix organiza a minha agenda inteira",
        "agende a sua conversa com a equipe",
    ]
    b = analyze(timed(lines), "pt")
    assert b.product == "vendorix"
