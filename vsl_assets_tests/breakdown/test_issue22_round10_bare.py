"""Issue 22, round ten: the product name in lower-cased, unpunctuated transcripts cut like a recogniser's.

Caption files and some recognisers give no capitals and no punctuation, so where a name starts and ends is
read from the grammar around it (a naming verb before it and what it is said to be after it; the kind of
offering before a Portuguese or Spanish name; an article before a brand) or from its repetition.  Every
sentence here is written for this project; the rules' comments in ``vsl_assets/breakdown/names/`` name the
real-copy documents behind them.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER
from vsl_assets_tests.breakdown.test_issue22_round9_names import _lower_product

# --- (a) a naming verb opens the name, what it is said to be closes it ---------------------------------------


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "pt",
            [
                "depois de dez anos de consultório eu criei o nutrimax forte um programa de doze semanas",
                "para você comer bem sem passar fome e sem contar calorias",
                "clique no botão abaixo e comece hoje mesmo",
            ],
            "nutrimax forte",
        ),
        (
            "en",
            [
                "so last spring i created the ten day focus reboot a simple daily protocol that",
                "takes twenty minutes each morning and fits around a full workday",
                "click the button below and start today",
            ],
            "ten day focus reboot",
        ),
        (
            "es",
            [
                "por eso creamos citafacil pro una plataforma que organiza tu agenda",
                "y confirma cada cita por mensaje sin que tengas que hacer nada",
                "haz clic abajo y pruébala gratis",
            ],
            "citafacil pro",
        ),
    ],
)
def test_a_lower_case_name_between_its_naming_verb_and_its_kind_is_the_product(
    language: str, lines: list[str], name: str
) -> None:
    found, confidence = _lower_product(lines, language)
    assert found == name
    assert confidence is not None and confidence < 0.6  # said once: the grammar bounds it, nothing confirms it


def test_a_lower_case_name_said_again_after_its_apposition_is_sure() -> None:
    lines = [
        "com a minha irmã eu criei o vida leve um programa de receitas para a semana",
        "o vida leve traz cardápios prontos e a lista de compras",
        "clique no botão abaixo e entre para o vida leve hoje",
    ]
    found, confidence = _lower_product(lines, "pt")
    assert found == "vida leve"  # common words, said together three times
    assert confidence is not None and confidence >= 0.6


def test_a_lower_case_naming_verb_cut_from_its_name_still_names_it() -> None:
    # "presentamos" | "vendebot pro ..." (a recogniser's cut between the verb and the name).
    lines = [
        "después de un año de pruebas con tiendas pequeñas hoy presentamos",
        "vendebot pro un asistente que contesta preguntas sobre tus productos",
        "vendebot pro se conecta a tu tienda en minutos haz clic abajo",
    ]
    assert _lower_product(lines, "es")[0] == "vendebot pro"


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        # The verb's object runs to a function word before the apposition: a course for someone, no name.
        ("en", ["i created a course for you a simple program that anyone can follow", "click below to join"]),
        ("pt", ["eu criei um curso para você um programa simples de seguir", "clique abaixo para entrar"]),
        # One common word between the verb and the kind: what was made, not its name.
        ("es", ["creé algo distinto un sistema que trabaja por ti", "haz clic abajo para entrar"]),
    ],
)
def test_a_lower_case_object_of_a_naming_verb_that_is_no_name_names_nothing(language: str, lines: list[str]) -> None:
    found, _ = _lower_product(lines, language)
    assert found is None or found.split()[-1] in ("course", "curso", "programa", "program", "sistema")


# --- (b) the kind of offering first, the name after it (Portuguese and Spanish) ------------------------------


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "pt",
            [
                "no fim de cada mês o método 30 passos é o que organiza as suas contas",
                "o método 30 passos é uma planilha e um vídeo por dia",
                "clique no botão abaixo e comece agora",
            ],
            "metodo 30 passos",
        ),
        (
            "es",
            [
                "por eso el reto fitkora funciona cuando todo lo demás falló",
                "dentro del reto fitkora entrenas veinte minutos al día",
                "haz clic abajo y únete hoy",
            ],
            "reto fitkora",
        ),
    ],
)
def test_a_lower_case_name_after_its_kind_said_again_is_the_product(language: str, lines: list[str], name: str) -> None:
    assert _lower_product(lines, language)[0] == name


def test_a_kind_followed_by_common_words_names_nothing() -> None:
    lines = [
        "o curso completo tem doze aulas gravadas e uma ao vivo",
        "no curso completo você aprende a vender todos os dias",
        "clique no botão abaixo e garanta a sua vaga",
    ]
    found, _ = _lower_product(lines, "pt")
    assert found != "curso completo"
    assert found is None or found in ("o curso", "curso")  # at most the kind, never a name made of it


# --- (c) an article before a coined word (Portuguese and Spanish) -------------------------------------------


def test_a_coined_word_after_a_definite_article_twice_is_the_product() -> None:
    lines = [
        "na recepção o clinify é quem marca e remarca as consultas",
        "e à noite você vê no celular o que o clinify fez no dia",
        "teste grátis por catorze dias",
    ]
    assert _lower_product(lines, "pt")[0] == "clinify"


def test_an_infinitive_after_the_preposition_a_is_no_name() -> None:
    lines = [
        "na terapia eu comecei a desapegar das coisas velhas",
        "e você também vai aprender a desapegar do que não usa",
        "clique abaixo e garanta a sua vaga",
    ]
    assert _lower_product(lines, "pt")[0] != "desapegar"


def test_a_two_letter_name_between_an_article_and_its_apposition_is_the_product() -> None:
    lines = [
        "neste vídeo você conhece o zq - uma plataforma que agenda as aulas da sua escola",
        "o zq manda o lembrete para cada aluno no dia anterior",
        "e o zq mostra quem faltou teste grátis por sete dias",
    ]
    assert _lower_product(lines, "pt")[0] == "zq"


def test_a_common_two_letter_word_before_an_apposition_is_no_name() -> None:
    lines = [
        "hoje eu vou te mostrar a ia uma ferramenta que escreve por você",
        "a ia faz o trabalho pesado e você só revisa",
        "clique abaixo e garanta a sua vaga",
    ]
    assert _lower_product(lines, "pt")[0] != "ia"


# --- (d) English: a phrase said again and again without a determiner is a proper name ------------------------


def test_a_lower_case_english_name_said_without_a_determiner_is_the_product_unsure() -> None:
    lines = [
        "it is a powder you mix into coffee and we call it iron oak max because of the oak extract",
        "a scoop of iron oak max has no sugar and no caffeine",
        "ship iron oak max to any address in the country",
        "a bag of iron oak max lasts a month",
    ]
    found, confidence = _lower_product(lines, "en")
    assert found == "iron oak max"
    assert confidence is not None and confidence < 0.6  # a mass noun is said bare too


def test_a_lower_case_english_phrase_said_with_its_article_is_no_name() -> None:
    lines = [
        "i call it the slow burn and it changes how your body uses fat",
        "the slow burn starts the moment you wake up",
        "once the slow burn kicks in you stop craving sugar",
        "and the slow burn keeps going all day",
    ]
    assert _lower_product(lines, "en")[0] != "slow burn"


# --- (e) a capitalised transcript that writes a coined brand in lower case ----------------------------------------


def _product(lines: list[str], language: str, pad: int = 10) -> tuple[str | None, float | None]:
    b = analyze(timed([*[FILLER[language]] * pad, *lines]), language)
    return b.product, b.confidence.get("product")


def test_a_lower_case_science_word_after_called_in_a_capitalised_transcript_is_no_name() -> None:
    lines = [
        "Your body starts a process called autophagy when you stop eating at night.",
        "That is when the old cells are cleaned out.",
        "Click the button below to watch the next lesson.",
    ]
    assert _product(lines, "en")[0] is None


def test_a_coined_brand_written_in_lower_case_in_a_capitalised_transcript_is_the_product_unsure() -> None:
    lines = [
        "Hola, soy Marta y vendo cremas de nalvesa desde la universidad.",
        "Las cremas de nalvesa se hacen con aceite de oliva.",
        "Mis clientas piden nalvesa cada mes.",
        "Hoy el kit de inicio de nalvesa cuesta solo 20 dólares.",
        "Escríbeme por aquí abajo y te cuento cómo empezar.",
    ]
    found, confidence = _product(lines, "es")
    assert found == "nalvesa"
    assert confidence is not None and confidence < 0.6


def test_a_coined_word_only_the_story_says_in_a_capitalised_transcript_is_not_the_product() -> None:
    lines = [
        "Everyone I know has tried ozempic at least once.",
        "My sister took ozempic for a year, and ozempic made her sick.",
        "So I started looking for something gentler, and I found it.",
        "Today the full guide is just 27 dollars, one payment.",
        "Click the button below and get it now.",
    ]
    assert _product(lines, "en")[0] != "ozempic"


def test_a_lower_case_tool_named_with_se_llama_in_a_capitalised_transcript_is_not_the_product() -> None:
    lines = [
        "El formulario se llama la plantilla de rectificación y lo firma el titular de la cuenta.",
        "Todo lo puse en el programa Crédito Sano, con videos cortos.",
        "Dentro tienes la plantilla de rectificación para cada tipo de deuda.",
        "Da clic abajo para entrar a Crédito Sano hoy.",
    ]
    found, _ = _product(lines, "es")
    assert found is None or "rectificacion" not in found.lower()
