"""Issue 22, eleventh round: niche vocabulary of therapy, of a seller's shop, and words that only look like a niche's.

Every sentence here was written for these tests (never copied from a VSL).  Each rule has a positive and a
negative case; the real documents behind each keyword change are named in the round's commit and in
``vsl_assets/breakdown/taxonomy.json``'s history (hold-out 10 01, 02 and 11: therapy; hold-out 6 07, hold-out 7
10, hold-out 8 13, hold-out 9 16, hold-out 10 09 and 20: a catalogue and the viewer's shop; hold-out 7 04,
hold-out 8 09, hold-out 10 22: a business's vision; hold-out 6 03, hold-out 8 02, hold-out 9 07: "à vista";
hold-out 8 08 and hold-out 10 19: the nervous system).
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets.breakdown.taxonomy import _parse
from vsl_assets_tests.breakdown.samples import niche_hits, timed, top_niche

# --- a keyword is no hit where one of the sub's exceptions starts ------------------------------------------


def test_an_exception_blocks_its_keyword_only_where_it_starts() -> None:
    data = {
        "niches": [
            {
                "id": "t",
                "labels": {"en": "T"},
                "subs": [
                    {
                        "id": "s",
                        "labels": {"en": "S"},
                        "keywords": {"en": ["calm"]},
                        "not": {"en": ["calm down"]},
                    }
                ],
            }
        ]
    }
    pattern = _parse(data).subs[0].patterns["en"]
    assert pattern is not None
    assert pattern.findall("stay calm, calm down and keep calm") == ["calm", "calm"]


def test_the_nervous_system_is_anatomy_not_nerves() -> None:
    line = "Your nervous system stays on alert all day and your nervous system never rests."
    assert niche_hits("self_improvement/other", "en", line) == 0
    assert niche_hits("health/other", "en", line) == 2
    assert niche_hits("self_improvement/other", "en", "I got nervous before meetings.") == 2


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Our vision is simple: a website that brings clients while you sleep."),
        ("pt", "A visão do negócio fica clara e o pagamento é à vista."),
        ("es", "Tu visión de marca, sin perder de vista los plazos."),
    ],
)
def test_a_vision_for_a_business_and_a_cash_price_are_no_eyesight(language: str, line: str) -> None:
    assert niche_hits("health/vision", language, line) == 0


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "Blurry vision at night and vision loss worry every reader over sixty."),
        ("pt", "A visão turva e a perda de visão assustam quem passou dos sessenta."),
        ("es", "La visión borrosa y la pérdida de visión asustan a quien pasó los sesenta."),
    ],
)
def test_failing_eyesight_still_names_the_vision_niche(language: str, line: str) -> None:
    assert niche_hits("health/vision", language, line) == 2


@pytest.mark.parametrize(
    ("language", "line", "hits"),
    [
        ("es", "Olvídate de esperar presupuestos por correo.", 0),
        ("es", "Me olvido de los nombres y olvido dónde dejé las llaves.", 2),
        ("pt", "Esqueça as planilhas de uma vez.", 0),
        ("pt", "Eu esqueço os nomes e esquecia onde deixei as chaves.", 2),
    ],
)
def test_forget_about_it_is_no_memory_loss(language: str, line: str, hits: int) -> None:
    assert niche_hits("health/memory", language, line) == hits


# --- therapy and the emotional life ---------------------------------------------------------------------

THERAPIST_PT = [
    "Quanto tempo você ainda vai fingir que está tudo bem por dentro?",
    "Você sorri para todos, mas à noite sente um vazio que não passa.",
    "Isso tem nome: é um bloqueio emocional, e ele comanda as suas escolhas.",
    "Eu sou Marta, psicoterapeuta, e acompanho mulheres nesse processo emocional.",
    "O meu trabalho não é te consolar, é te ajudar a mudar de verdade.",
    "Toque no botão abaixo e agende a sua primeira conversa comigo.",
]


def test_a_therapists_video_is_self_improvement() -> None:
    assert top_niche("pt", THERAPIST_PT) == "self_improvement"


def test_hormone_therapy_is_no_talk_therapy() -> None:
    assert (
        niche_hits("self_improvement/other", "pt", "A terapia hormonal e a terapia de reposição baixam o calor.") == 0
    )
    assert niche_hits("self_improvement/other", "es", "La terapia hormonal alivia los sofocos.") == 0
    assert niche_hits("self_improvement/other", "es", "Con un terapeuta, la terapia avanza.") == 2


# --- the viewer's shop and catalogue ----------------------------------------------------------------------

SHOP_ES = [
    "Otra semana persiguiendo a quien te debe.",
    "Con esta app armás tu tienda y tu catálogo en una tarde.",
    "Tú vendes, y el recordatorio de pago sale solo por WhatsApp.",
    "Pruébala gratis hoy.",
]


def test_a_sellers_shop_and_catalogue_name_the_business_niche() -> None:
    assert top_niche("es", SHOP_ES) == "wealth"


def test_a_product_not_sold_in_shops_names_no_business() -> None:
    line = "No lo vas a encontrar en ninguna tienda ni farmacia del país."
    assert niche_hits("wealth/business", "es", line) == 0


# --- a niche too thin to name is shown as "not sure" -----------------------------------------------------


def test_other_for_lack_of_hits_is_never_sure_whatever_the_share() -> None:
    from vsl_assets.breakdown.labels import niche_confidence

    # Three hits for one top, two for another: no top reaches the four a niche needs, so "other/other".
    assert niche_confidence({"wealth": 3, "health": 2}) == 0.3
    # Enough hits for the top level: the share decides, as before.
    assert niche_confidence({"wealth": 8, "health": 2}) >= 0.6


def test_a_video_with_two_stray_niche_words_is_other_and_not_sure() -> None:
    # One business word and one health word, each counted twice in a short video: no top reaches four.
    lines = [
        "Join me live on Thursday for a free session.",
        "We will build three automations together, step by step.",
        "Bring your questions about your business and your health.",
        "Save your seat below this video.",
    ]
    b = analyze(timed(lines), "en")
    assert b.niche == "other/other"
    assert b.confidence["niche"] < 0.6
