"""Issue 22, round ten: product names read as written (the "sentences" cut) — a name said once in a cleft
("Here is what X installs"), a lower-case name the speaker made inside a capitalised transcript.

Every sentence here is written for this project; each rule's comment in ``vsl_assets/breakdown/names/``
names the real-copy documents (by split and id) or the grammar behind it.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round5 import FILLER


def _read(lines: list[str], language: str, pad: int = 10) -> tuple[str | None, float | None]:
    """The product and its confidence: ``lines[0]``, story filler, then the rest of ``lines``."""
    b = analyze(timed([lines[0], *[FILLER[language]] * pad, *lines[1:]]), language)
    return b.product, b.confidence.get("product")


# --- (a) the product said once, in a cleft with a verb of giving -----------------------------------------


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "en",
            [
                "Your calendar is empty and your ads burn money every week.",
                "You need a pipeline that runs without you.",
                "Here is what Copper Lane Growth installs in your business.",
                "Three layers that bring in booked calls every week.",
            ],
            "Copper Lane Growth",
        ),
        (
            "pt",
            [
                "Você treina há meses e o espelho não muda.",
                "Falta um plano que diga o que fazer em cada treino.",
                "É isso que o Método 6K entrega.",
                "Um guia de oito semanas e um aplicativo que acompanha cada série.",
            ],
            "Método 6K",
        ),
        (
            "es",
            [
                "Tus clientes escriben de noche y nadie les contesta.",
                "Necesitas a alguien que responda siempre.",
                "Esto es lo que Faro Norte te da cada día.",
                "Un asistente que contesta en segundos.",
            ],
            "Faro Norte",
        ),
    ],
)
def test_a_name_said_once_in_a_cleft_of_giving_is_the_product(language: str, lines: list[str], name: str) -> None:
    product, confidence = _read(lines, language)
    assert product == name
    assert confidence is not None and confidence >= 0.6


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "My neighbour wakes up at five and runs ten miles.",
                "That's what Carla does every single morning.",
                "Here is what Mike told me after the race.",
            ],
        ),
        (
            "pt",
            [
                "Minha vizinha acorda às cinco e corre dez quilômetros.",
                "É isso que a Carla faz toda manhã.",
            ],
        ),
        (
            "es",
            [
                "Mi vecina se levanta a las cinco y corre diez kilómetros.",
                "Eso es lo que Carla hace cada mañana.",
            ],
        ),
    ],
)
def test_a_person_in_a_cleft_without_a_verb_of_giving_is_no_product(language: str, lines: list[str]) -> None:
    product, _ = _read(lines, language)
    assert product is None


# --- (b) a lower-case name the speaker made, inside a capitalised transcript -----------------------------


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "pt",
            [
                "Eu passei anos tentando entender por que tudo dava errado.",
                "Foi por isso que eu criei a ponte das emoções.",
                "Clique no botão e entre na ponte das emoções hoje.",
            ],
            "ponte das emoções",
        ),
        (
            "pt",
            [
                "Toda semana você perde horas montando material do zero.",
                "Foi exatamente por isso que criamos o leitura e escrita em casa.",
                "São mais de mil folhas prontas para imprimir.",
            ],
            "leitura e escrita em casa",
        ),
        (
            "en",
            [
                "Most contractors live from one referral to the next.",
                "And that closes what I call the quiet season, a stretch with no jobs at all.",
                "We help you close the quiet season for good.",
            ],
            "quiet season",
        ),
        (
            "es",
            [
                "Pasé años sin entender por qué nada funcionaba.",
                "Por eso creé el mapa del sueño.",
                "Entra hoy al mapa del sueño.",
            ],
            "mapa del sueño",
        ),
    ],
)
def test_a_lower_case_name_the_speaker_made_is_the_product_unsure(language: str, lines: list[str], name: str) -> None:
    product, confidence = _read(lines, language)
    assert product == name
    assert confidence is not None and confidence < 0.6  # shown as "not sure"


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        # A capitalised name given by a construction wins over a lower-case one the speaker made.
        (
            "pt",
            [
                "Eu passei anos tentando entender por que tudo dava errado.",
                "Foi por isso que eu criei a ponte das emoções.",
                "Hoje eu te apresento o Raiz Forte, um programa de oito semanas.",
            ],
            "Raiz Forte",
        ),
        # English "a" is the indefinite article: "I created a new habit" names nothing.
        (
            "en",
            [
                "I was tired every single afternoon.",
                "So I created a new habit of walking after lunch.",
            ],
            None,
        ),
    ],
)
def test_a_lower_case_phrase_after_a_verb_of_making_names_nothing_else(
    language: str, lines: list[str], name: str | None
) -> None:
    product, _ = _read(lines, language)
    assert product == name


# --- (c) a short ad that says its brand once, with no naming verb ----------------------------------------


def _ad(lines: list[str], language: str) -> tuple[str | None, float | None]:
    """A short ad: no filler, the lines alone."""
    b = analyze(timed(lines), language)
    return b.product, b.confidence.get("product")


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "pt",
            [
                "Você vive correndo e não consegue cuidar da pele?",
                "A Casa Serena entende você.",
                "Marque sua primeira conversa por apenas dez reais.",
            ],
            "Casa Serena",
        ),
        (
            "es",
            [
                "Si tienes un problema con tu casero, no estás solo.",
                "Llevo quince años ayudando a inquilinos.",
                "Soy Marta Gil, y en LUMA Inquilinos estamos para defenderte.",
            ],
            "LUMA Inquilinos",
        ),
        (
            "en",
            [
                "Your team copies the same data between apps every day.",
                "We connect every tool you use through Blue Relay.",
                "Click below to book a free setup call.",
            ],
            "Blue Relay",
        ),
    ],
)
def test_a_short_ad_s_one_proper_name_is_the_product_unsure(language: str, lines: list[str], name: str) -> None:
    product, confidence = _ad(lines, language)
    assert product == name
    assert confidence is not None and confidence < 0.6  # shown as "not sure"


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        # A person ("con", "my name is"), a place ("em"), two things joined ("X e Y"): no product.
        (
            "es",
            [
                "Fundé esta oficina con Laura Benítez hace diez años.",
                "Escríbenos hoy mismo.",
            ],
        ),
        (
            "en",
            [
                "Hi, my name is Daniel Frost.",
                "Book a call with me today.",
            ],
        ),
        (
            "pt",
            [
                "Hoje atendemos clientes em Porto Alegre todos os dias.",
                "Fale com a gente pelo botão abaixo.",
            ],
        ),
        (
            "pt",
            [
                "Você paga menos imposto quando entende ICMS e PIS direito.",
                "Fale com a gente pelo botão abaixo.",
            ],
        ),
    ],
)
def test_a_person_a_place_or_two_things_joined_is_no_product(language: str, lines: list[str]) -> None:
    product, _ = _ad(lines, language)
    assert product is None


# --- (d) a word of the language left in lower case after "se llama" in a capitalised transcript ----------


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "es",
            [
                "Subes una foto, pagas diez dólares y esperas.",
                "Lo que estás haciendo se llama adivinar.",
                "Y adivinar sale caro. Deja de adivinar hoy.",
            ],
        ),
        (
            "pt",
            [
                "Você posta, paga dez reais e espera.",
                "O que você está fazendo se chama apostar.",
                "E apostar sai caro. Pare de apostar hoje.",
            ],
        ),
        (
            "en",
            [
                "You post, pay ten dollars and wait.",
                "What you are doing is called gambling.",
                "And gambling is expensive. Stop gambling today.",
            ],
        ),
    ],
)
def test_a_common_word_after_a_naming_verb_in_a_capitalised_transcript_is_no_product(
    language: str, lines: list[str]
) -> None:
    product, _ = _read(lines, language)
    assert product is None


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "es",
            [
                "Mi abuela tomaba una mezcla cada mañana.",
                "Hoy esa mezcla se llama brotivax.",
                "Pide brotivax hoy.",
                "Con brotivax duermes mejor.",
            ],
            "brotivax",
        ),
        (
            "pt",
            [
                "Minha avó tomava uma mistura toda manhã.",
                "Hoje essa mistura se chama brotivax.",
                "Peça brotivax hoje.",
                "Com brotivax você dorme melhor.",
            ],
            "brotivax",
        ),
    ],
)
def test_a_coined_lower_case_word_after_a_naming_verb_still_names_the_product(
    language: str, lines: list[str], name: str
) -> None:
    product, confidence = _read(lines, language)
    assert product == name
    assert confidence is not None and confidence < 0.6


# --- (e) "así nació X": the adverb opening the sentence is no name ---------------------------------------


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("es", "Así nació Ruta Clara.", "Ruta Clara"),
        ("pt", "Assim nasceu o Rota Clara.", "Rota Clara"),
        ("en", "And so Clear Route was born.", "Clear Route"),
    ],
)
def test_the_product_born_is_named_surely(language: str, line: str, name: str) -> None:
    product, confidence = _read([FILLER[language], line, FILLER[language]], language)
    assert product == name
    assert confidence is not None and confidence >= 0.6


@pytest.mark.parametrize(
    ("language", "line"),
    [("es", "Así nació mi empresa."), ("pt", "Assim nasceu a minha empresa."), ("en", "Thus was born my company.")],
)
def test_the_adverb_before_born_is_no_product(language: str, line: str) -> None:
    product, _ = _read([FILLER[language], line, FILLER[language]], language)
    assert product is None


# --- (f) a number written into a name headed by its kind ("Método 8X") -----------------------------------


@pytest.mark.parametrize(
    ("language", "line", "name"),
    [
        ("pt", "Eu criei o Método 6K para resolver isso.", "Método 6K"),
        ("es", "Creé el Método 6K para resolver esto.", "Método 6K"),
        ("pt", "Por isso eu montei o Desafio 30 Dias Leves.", "Desafio 30 Dias Leves"),
    ],
)
def test_a_kind_headed_name_with_a_number_is_the_product(language: str, line: str, name: str) -> None:
    product, confidence = _read([FILLER[language], line, FILLER[language]], language)
    assert product == name
    assert confidence is not None and confidence >= 0.6


@pytest.mark.parametrize(
    ("language", "line"),
    [("pt", "Na semana que vem, o Programa 2 começa às nove."), ("es", "La semana que viene, el Programa 2 empieza.")],
)
def test_a_kind_with_a_bare_figure_numbers_a_part(language: str, line: str) -> None:
    product, _ = _read([FILLER[language], line, FILLER[language]], language)
    assert product is None


# --- (g) "bem-vindo ao X", the Portuguese twin of "welcome to X" / "bienvenido a X" ----------------------


def test_welcome_to_the_product_in_portuguese_names_it() -> None:
    product, confidence = _read([FILLER["pt"], "Seja bem-vinda ao Rota Serena.", FILLER["pt"]], "pt")
    assert product == "Rota Serena"
    assert confidence is not None and confidence >= 0.6


def test_welcome_to_a_common_thing_in_portuguese_names_nothing() -> None:
    product, _ = _read([FILLER["pt"], "Seja bem-vinda ao vídeo de hoje.", FILLER["pt"]], "pt")
    assert product is None
