"""Issue 22, ninth round: the lead read from the grammar of the opening, and how sure it is, in PT, EN and ES.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the grammar or the real documents behind each rule are named next to the rule in
``vsl_assets/breakdown/labels.py``.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.labels import LEAD_SURE_CONFIDENCE
from vsl_assets.breakdown.models import Breakdown
from vsl_assets_tests.breakdown.samples import read_opening


def _sure(b: Breakdown) -> bool:
    return b.confidence["lead_type"] >= LEAD_SURE_CONFIDENCE


# --- a greeting opens the talk, it is no lead ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "E aí! Se você trabalha com vendas e perde clientes toda semana, este vídeo é para você."),
        ("en", "Hey there! If you run a bakery and you keep throwing bread away every night, this video is for you."),
        ("es", "¡Hola! Si tienes una tienda y pierdes clientes cada semana, este video es para ti."),
    ],
)
def test_a_greeting_is_no_proclamation(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "problem_solution"


@pytest.mark.parametrize(
    ("language", "greeting", "opening"),
    [
        ("es", "Hola, ¿cómo estás? Espero que muy bien.", "Existe una fórmula antigua que casi nadie conoce."),
        ("pt", "Olá, tudo bem?", "Existe uma receita antiga que quase ninguém conhece."),
    ],
)
def test_the_lead_is_read_after_the_greeting(language: str, greeting: str, opening: str) -> None:
    # "How are you?" is no problem question: the secret that follows it opens the video.
    assert read_opening(language, greeting, opening).lead_type == "big_secret"


@pytest.mark.parametrize(
    ("language", "opening"),
    [("es", "El azúcar no es el enemigo."), ("pt", "Dieta não emagrece ninguém."), ("en", "Diets don't work.")],
)
def test_a_bare_short_claim_without_a_greeting_is_still_a_proclamation(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "proclamation"


# --- the product introduced by name in the first breath is an offer lead -------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", ["Welcome to Ledgerly, the platform that closes your books every Friday."]),
        ("es", ["Bienvenidos a Contalia, la plataforma que cobra a tus clientes por ti."]),
        (
            "pt",
            [
                "O Agendix é o aplicativo que organiza a agenda da sua clínica sozinho.",
                "Com o Agendix a recepção confirma cada consulta sem telefonar.",
            ],
        ),
        (
            "pt",
            [
                "Contalia: o sistema completo para cobrar seus clientes.",
                "Com o Contalia você cobra sem perseguir ninguém.",
            ],
        ),
    ],
)
def test_a_product_introduced_by_name_opens_an_offer_lead(language: str, opening: list[str]) -> None:
    b = read_opening(language, *opening)
    assert b.lead_type == "offer"
    assert _sure(b)
    # It introduces the product: the viewer knows the kind of solution, not yet this one.
    assert b.awareness == "solution_aware"


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "Imagine a platform that closes your books every Friday."),
        ("pt", "O problema é o sistema que o seu banco te dá."),
        ("es", "Imagina tener una plataforma que cobre a tus clientes por ti."),
    ],
)
def test_a_kind_of_product_without_its_name_is_no_offer_lead(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type != "offer"


# --- the viewer's present situation, with the viewer as subject, opens a problem ------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "You're working twice as hard as your business does."),
        ("pt", "Você está trabalhando mais do que o seu próprio negócio."),
        # Spanish drops the subject: the verb's ending says "you".
        ("es", "Gestionas tres tiendas. Usas cuatro aplicaciones distintas. Y nada habla entre sí."),
        ("es", "Usted trabaja el mes entero y el dinero no alcanza."),
        # The recent past of the same construction: what just happened to the viewer.
        ("pt", "Você acordou hoje e descobriu que a sua conta foi bloqueada sem aviso"),
        ("en", "You just found out your shop was dropped from the delivery app"),
    ],
)
def test_the_viewers_present_situation_opens_a_sure_problem_lead(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert b.lead_type == "problem_solution"
    assert _sure(b)


@pytest.mark.parametrize(
    ("language", "opening", "lead"),
    [
        ("en", "You're going to learn how to bake bread that sells out by noon.", "promise"),
        ("pt", "Você vai aprender a fazer um pão que esgota antes do almoço.", "promise"),
    ],
)
def test_what_the_viewer_will_do_is_no_present_situation(language: str, opening: str, lead: str) -> None:
    assert read_opening(language, opening).lead_type == lead


@pytest.mark.parametrize(
    "opening",
    [
        "You're about to hear the one habit that separates bakers who sell out from the rest.",
        "You're probably watching this because a friend sent you the link.",
    ],
)
def test_the_videos_frame_is_no_sure_problem(opening: str) -> None:
    b = read_opening("en", opening)
    assert not (b.lead_type == "problem_solution" and _sure(b))


# --- "let's" puts speaker and viewer in the sentence: no bare claim -------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("es", "Empecemos por el verdadero problema."),
        ("en", "Let's start with the real problem."),
        ("pt", "Comecemos pelo problema de verdade."),
    ],
)
def test_a_first_person_plural_exhortation_is_no_proclamation(language: str, opening: str) -> None:
    assert read_opening(language, opening).lead_type == "problem_solution"


# --- calibration ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("en", "If you want more clients, this video is for you."),
        # A problem ("if you have a bakery") and a promise ("imagine") in one breath: either could lead.
        ("es", "Si tienes una panadería, imagina vender todo antes del mediodía."),
        ("es", "El ayuno no funciona."),
    ],
)
def test_an_ambiguous_or_thin_opening_is_shown_not_sure(language: str, opening: str) -> None:
    assert not _sure(read_opening(language, opening))


@pytest.mark.parametrize(
    ("language", "opening"),
    [
        ("pt", "Quanto custa uma agenda vazia na sua clínica?"),
        ("en", "What does an empty calendar cost your clinic?"),
    ],
)
def test_an_unsure_offer_lead_does_not_make_the_viewer_product_aware(language: str, opening: str) -> None:
    b = read_opening(language, opening)
    assert not (b.lead_type == "offer" and _sure(b))
    assert b.awareness not in ("product_aware", "most_aware")
