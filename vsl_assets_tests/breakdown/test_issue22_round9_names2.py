"""Issue 22, round nine (second pass): a product the copy never names is given by its kind, unsure.

When no construction names the product and the offer section calls what it sells only "el programa",
"o sistema", "this course", the engine answers that kind with a low confidence (the UI shows it as "not
sure") instead of a company, a list or a topic word of the story.  Every sentence here is written for this
project; the rule's comment in ``vsl_assets/breakdown/names/`` names the real-copy documents behind it.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.names import KIND_CONFIDENCE
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER


def _read(lines: list[str], language: str, pad: int = 12) -> tuple[str | None, float | None]:
    b = analyze(timed([lines[0], *[FILLER[language]] * pad, *lines[1:]]), language)
    return b.product, b.confidence.get("product")


#: Never named: a topic or a list in the story, then an offer that says only what kind of thing it sells.
UNNAMED = {
    "es": [
        "Las empresas del Silicon Valley ya usan estas herramientas todos los días.",
        "Y ahora te cuento cómo entrar.",
        "El programa dura seis semanas y cada semana tienes una clase en vivo.",
        "Dentro del programa aprendes a escribir anuncios con ayuda de la máquina.",
        "Hoy el acceso cuesta 197 dólares, un solo pago.",
        "Haz clic en el botón de abajo y reserva tu lugar.",
    ],
    "pt": [
        "As grandes redes de Porto Alegre já trabalham assim há anos.",
        "E agora eu vou te mostrar como ter acesso.",
        "A mentoria tem doze encontros ao vivo, um por semana.",
        "Na mentoria você recebe a correção das suas provas.",
        "O investimento é de R$ 497 à vista.",
        "Clique no botão abaixo e garanta a sua vaga.",
    ],
    "en": [
        "The big agencies in New York have done it this way for years.",
        "Here's what you get today.",
        "The course has six modules, one a week, each with a live call.",
        "Inside the course you learn to write the ads yourself.",
        "Today the whole thing is just $97, one payment.",
        "Click the button below and join now.",
    ],
}


@pytest.mark.parametrize(("language", "kind"), [("es", "el programa"), ("pt", "a mentoria"), ("en", "the course")])
def test_a_product_never_named_is_given_by_its_kind_and_unsure(language: str, kind: str) -> None:
    product, confidence = _read(UNNAMED[language], language)
    assert product == kind
    assert confidence == KIND_CONFIDENCE < 0.6


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "es",
            [
                "Las empresas del Silicon Valley ya usan estas herramientas.",
                "Por eso creé el programa Voz Serena.",
                "El programa dura seis semanas.",
                "Dentro del programa aprendes a respirar.",
                "Voz Serena cuesta hoy 197 dólares.",
            ],
            "Voz Serena",
        ),
        (
            "en",
            [
                "The big agencies in New York have done it this way for years.",
                "That's why I created the Quiet Ledger Course.",
                "The course has six modules.",
                "Inside the course you learn the whole method.",
                "The Quiet Ledger Course is just $97 today.",
            ],
            "Quiet Ledger Course",
        ),
    ],
)
def test_a_named_product_keeps_its_name_over_its_kind(language: str, lines: list[str], name: str) -> None:
    product, confidence = _read(lines, language)
    assert product is not None and product.removeprefix("the ") == name
    assert confidence is not None and confidence > KIND_CONFIDENCE


def test_a_kind_said_once_gives_no_answer() -> None:
    # One "the course" is no reference to what is sold: the engine says nothing rather than guess.
    lines = [
        "I kept going back to the notes.",
        "Here's what you get today.",
        "The course has six modules, one a week.",
        "Today the whole thing is just $97, one payment.",
    ]
    assert _read(lines, "en")[0] is None


def test_an_english_indefinite_a_is_no_reference_to_the_product() -> None:
    # "a course", "a system": any course, not the one sold (English "a" is no definite article).
    lines = [
        "Most people buy a course and never open it.",
        "Here's what you get today.",
        "A course is not enough, and a course alone changes nothing.",
        "Today the whole thing is just $97, one payment.",
    ]
    assert _read(lines, "en")[0] is None


def test_a_coined_name_said_more_often_than_the_kind_wins() -> None:
    # A name the copy repeats, even without a naming verb, outranks a kind said less often.
    lines = [
        "Everyone in the group asked me about Brindelo last spring.",
        "Brindelo changed how I plan my week, and Brindelo keeps my notes in order.",
        "Here's what you get today.",
        "The app runs on your phone, and the app syncs every night.",
        "Brindelo is just $9 a month.",
    ]
    assert _read(lines, "en")[0] == "Brindelo"


def test_the_reveal_of_a_product_given_by_its_kind_is_its_first_presentation() -> None:
    # "Por eso creé el programa…" presents what is sold before the offer section: that is the reveal, not
    # where a topic word of the story was said.
    lines = [
        "Las empresas del Silicon Valley ya usan estas herramientas todos los días.",
        "Por eso creé el programa más completo para tu negocio.",
        *UNNAMED["es"][1:],
    ]
    segments = timed([lines[0], *[FILLER["es"]] * 12, *lines[1:]])
    b = analyze(segments, "es")
    assert b.product == "el programa"
    assert b.product_reveal_s == segments[13].start


def test_a_name_said_after_a_definite_article_is_kept_over_the_kind() -> None:
    # "o Laço Firme", "pelo Laço Firme": Portuguese puts the article before a brand, so the name is kept even
    # though the offer calls it "o programa" more often; a topic said bare ("com Inteligência Artificial")
    # gives way (the test above).
    lines = [
        "Só até meia-noite de hoje o Laço Firme sai por um preço que não volta.",
        "E o programa foi pensado para funcionar mesmo que só um dos dois comece.",
        "Mais de nove mil casais já passaram pelo Laço Firme.",
        "E agora eu vou te mostrar como ter acesso.",
        "O programa completo custa R$ 167, e só hoje sai por R$ 67.",
        "No programa vocês recebem doze aulas curtas.",
    ]
    assert _read(lines, "pt")[0] == "Laço Firme"
