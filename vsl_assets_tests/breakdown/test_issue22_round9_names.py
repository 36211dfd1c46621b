"""Issue 22, round nine: product names across a recogniser's cuts, in lower-cased transcripts, in
appositions and in the product's web address.

Every sentence here is written for this project; each rule's comment in ``vsl_assets/breakdown/names/``
names the real-copy documents (by split and id) or the grammar behind it.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER, _plain, _product

#: Story lines a lower-cased caption file would hold: no capitals, no punctuation.
LOWER_FILLER = {
    "en": "i kept going back to the same notes night after night trying to see what i had missed",
    "pt": "eu voltava para as mesmas anotações noite após noite tentando ver o que tinha deixado passar",
    "es": "volvía a las mismas notas noche tras noche intentando ver qué se me había escapado",
}


def _lower_product(lines: list[str], language: str, pad: int = 10) -> tuple[str | None, float | None]:
    """The product read from a lower-cased, unpunctuated transcript: filler, then ``lines``."""
    b = analyze(timed([*[LOWER_FILLER[language]] * pad, *lines]), language)
    return b.product, b.confidence.get("product")


# --- (a) a naming construction cut in two by the recogniser ---------------------------------------------
# "We" | "call it X", "That's why we built the X" | "Y Challenge" (hold-out 7 15 and 02 re-cut like Whisper):
# a cut is no word of the language, so the construction reads across it.


@pytest.mark.parametrize(
    ("language", "before", "after", "name"),
    [
        (
            "en",
            "My partner and I spent two years on this blend. We",
            "call it Harbor Bloom Tonic. It works.",
            "Harbor Bloom Tonic",
        ),
        (
            "pt",
            "Eu e meu sócio passamos dois anos nessa fórmula. Nós",
            "chamamos de Raiz Serena Forte. Funciona.",
            "Raiz Serena Forte",
        ),
        (
            "es",
            "Mi socio y yo pasamos dos años con esta fórmula. Lo",
            "llamamos Brisa Clara Plus. Funciona.",
            "Brisa Clara Plus",
        ),
    ],
)
def test_a_naming_verb_cut_from_its_name_still_names_the_product(
    language: str, before: str, after: str, name: str
) -> None:
    assert _plain(_product([FILLER[language], before, after], language) or "") == name


def test_a_cut_between_two_sentences_makes_no_name() -> None:
    # "call it quits" across the cut: a lower-case idiom, no name.
    lines = [FILLER["en"], "Most people give up in week two and", "call it quits. Then they start over."]
    assert _product(lines) is None


# --- (b) a name headed by a kind of offering beats a person met in the story -----------------------------
# "Meet Sarah and James" said five times against "we built the X Challenge" (hold-out 7 02 re-cut): between
# names given alike, the one built on a kind of offering names what is sold (grammar of ``_KIND_TITLE``).


def test_a_kind_headed_name_outranks_a_person_introduced_the_same_way() -> None:
    lines = [
        "Meet Dana and Rafael. Married, two kids, both working.",
        "Dana earns more each year. Dana pays more each year. Dana asked me why.",
        "That's why we built the Quiet Harbor Challenge. It runs this weekend.",
        "Here's what you get today: three live days and every worksheet.",
        "Dana from Ohio, welcome. Dana, I see you.",
    ]
    assert _plain(_product([FILLER["en"], *lines]) or "") == "Quiet Harbor Challenge"


# --- (c) an apposition: a name, a mark, then what kind of offering it is --------------------------------
# "X, el sistema integral de" (hold-out 6 07), "o X - uma ferramenta que" (hold-out 7 05), "X: o sistema
# completo" (hold-out 7 09): the noun phrase after the mark names the same thing as the name before it.


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("pt", "Hoje eu vou te mostrar o ZQ - uma ferramenta que escreve seus laudos sozinha.", "ZQ"),
        ("es", "Te damos la bienvenida a Puntos Brisa, el sistema de recompensas para tu tienda.", "Puntos Brisa"),
        ("en", "Harborline: the platform that books your calls while you sleep.", "Harborline"),
    ],
)
def test_a_name_set_beside_its_kind_of_offering_is_the_product(language: str, line: str, name: str) -> None:
    assert _plain(_product([FILLER[language], line], language) or "") == name


@pytest.mark.parametrize(
    "line",
    [
        # A place set beside what it is, no kind of offering.
        "We moved to Lisbon, a city that never sleeps.",
        # A weekday: capitalised by orthography, no name of a product.
        "Sunday: the day my whole family eats together.",
    ],
)
def test_a_name_beside_something_other_than_an_offering_is_no_product(line: str) -> None:
    assert _product([FILLER["en"], line]) is None


# --- (d) the product's web address names it ---------------------------------------------------------------
# A web address is lower case whatever it names ("ylada.com/..." for the brand in capitals, hold-out 7 08);
# the buyer is sent to the product's own site (real-dev 09, hold-out 6 07).


def test_a_brand_in_capitals_is_not_shouted_because_its_web_address_is_lower_case() -> None:
    lines = [
        "A Dra. Lia atendia pouco até descobrir a VELORA.",
        "Com a VELORA ela montou a Calculadora de Passos e a Calculadora de Sono.",
        "A Calculadora de Passos trouxe 40 contatos.",
        "Link personalizado: velora.com/dra-lia. Tudo com a sua marca.",
    ]
    assert _product([FILLER["pt"], *lines], "pt") == "VELORA"


def test_a_company_site_that_names_no_candidate_changes_nothing() -> None:
    lines = [
        "We call it the Steady Coin Method.",
        "The Steady Coin Method takes ten minutes a day.",
        "Go to go.ledgerhouse.com/join and grab your seat.",
    ]
    assert _plain(_product([FILLER["en"], *lines]) or "") == "Steady Coin Method"


# --- (e) lower-cased transcripts ---------------------------------------------------------------------------
# Case no longer marks a name, so a construction's shape and a phrase's repetition do; such names stay
# unsure (below 0.6: "not sure" shown).


def test_a_coined_word_of_four_letters_said_again_and_again_is_the_product() -> None:
    # "this is reos ... reos scans ... reos pays" (hold-out 7 01 re-cut bare).
    lines = [
        "thats when i stopped looking for a tool and made the tool this is vexo",
        "you drop a contract in and vexo reads it for you",
        "vexo sends the reminders and vexo never forgets a date",
    ]
    name, confidence = _lower_product(lines, "en")
    assert name == "vexo" and confidence is not None and confidence < 0.6


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        # "[name] é o programa de 90 dias" (hold-out 6 03), "o [name] é o app que" (hold-out 7 07).
        (
            "pt",
            [
                "rota leve é o programa de doze semanas onde você organiza sua rotina",
                "no fim de cada semana a gente revisa tudo junto com você",
                "rota leve doze semanas para sair do improviso",
            ],
            "rota leve",
        ),
        (
            "es",
            [
                "el lumora studio es la plataforma que ordena tus clases",
                "con lumora studio cada alumno ve su progreso",
            ],
            "lumora studio",
        ),
        # "[coined] o sistema completo" (hold-out 7 09): a coined word set beside its kind.
        (
            "pt",
            ["brivex o sistema completo de gestão com ia", "brivex agenda confirma e cobra sozinho"],
            "brivex",
        ),
    ],
)
def test_a_lower_case_name_defined_as_a_kind_of_offering_is_the_product(
    language: str, lines: list[str], name: str
) -> None:
    found, confidence = _lower_product(lines, language)
    assert found == name and confidence is not None and confidence < 0.6


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        # The words before "é o programa" are never said again together: no name.
        ("pt", ["o que você precisa é o programa certo para a sua rotina", "e isso muda tudo"]),
        # A common word beside a kind of offering: "clínica o sistema" names nothing.
        ("pt", ["na clínica o sistema antigo travava toda semana", "a clínica perdia pacientes"]),
    ],
)
def test_a_lower_case_definition_without_a_repeated_name_names_nothing(language: str, lines: list[str]) -> None:
    assert _lower_product(lines, language)[0] is None


def test_a_lower_case_name_ends_at_its_kind_of_offering() -> None:
    # "what i call the 5-phase amazon operator system phase 1 ..." (hold-out 7 14 re-cut bare).
    lines = ["what i call the 4-step quiet harbor system phase one is the audit", "then we fix what the audit finds"]
    name, confidence = _lower_product(lines, "en")
    assert name == "4-step quiet harbor system" and confidence is not None and confidence < 0.6


def test_a_lower_case_kind_phrase_said_once_with_common_words_is_no_name() -> None:
    # "what we call the steel security protocol", once, in an answer to an objection (hold-out 6 05 re-cut).
    lines = ["how safe is my data we built what we call the iron vault protocol", "all data is encrypted"]
    assert _lower_product(lines, "en")[0] is None


def test_a_coined_word_said_three_times_is_read_even_beside_figures_read_as_a_title() -> None:
    # "usando a ylada" ... "ylada com" (hold-out 7 08 re-cut bare): figures read as a run of "capitalised"
    # words ("7kg 4") by no construction do not stop the coined word said again and again from being the product.
    lines = [
        "uma paciente perdeu 7kg 4 semanas depois",
        "a doutora lia conseguiu quarenta contatos usando a qorvo",
        "até descobrir a qorvo ela atendia pouco",
        "link personalizado qorvo com doutora lia",
    ]
    name, confidence = _lower_product(lines, "pt")
    assert name == "qorvo" and confidence is not None and confidence < 0.6


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        # "[coined] te ayuda a entrenar" (hold-out 7 11 re-cut bare), the lower-case "X te enseña".
        ("es", ["zumvio te ayuda a estudiar cada día", "zumvio es tu sitio para aprobar"], "zumvio"),
        ("en", ["trevlo helps you close the month in an hour", "and trevlo sends the invoices"], "trevlo"),
    ],
)
def test_a_coined_word_that_helps_you_is_the_product(language: str, lines: list[str], name: str) -> None:
    found, confidence = _lower_product(lines, language)
    assert found == name and confidence is not None and confidence < 0.6


def test_a_common_word_that_helps_you_is_no_product() -> None:
    lines = ["routine helps you sleep and routine helps you wake", "that is all i learned"]
    assert _lower_product(lines, "en")[0] is None
