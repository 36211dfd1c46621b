"""Issue 22, round eleven: product and pitch on short, unconventional videos.

Every sentence here is written for this project; each rule's comment in ``vsl_assets/breakdown/names/`` or
``vsl_assets/breakdown/section.py`` names the real-copy documents (by split and id) or the grammar behind it.
"""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed
from vsl_assets_tests.breakdown.test_issue22_round9_names import _lower_product

# --- (a) a name that is a question, after a naming verb (Spanish orthography) ---------------------------


def test_a_name_written_as_a_question_after_a_naming_verb_is_read_between_its_marks() -> None:
    b = analyze(
        timed(
            [
                "Tu tía recibió un mensaje del banco pidiendo su clave.",
                "No sabía si era verdad o no, y casi la manda.",
                "Ahora hay una forma simple de saberlo.",
                "Se llama ¿Lo Mando?. Pegas el mensaje y te dice si es una trampa.",
                "Funciona en segundos y no cuesta nada.",
            ]
        ),
        "es",
    )
    assert b.product == "Lo Mando"
    assert b.confidence["product"] >= 0.6


def test_a_name_written_as_a_question_is_read_across_a_recognisers_cut() -> None:
    b = analyze(
        timed(
            [
                "Tu tía recibió un mensaje del banco pidiendo su clave.",
                "No sabía si era verdad. Ahora hay una forma simple de saberlo. Se llama",
                "¿Lo Mando?. Pegas el mensaje y te dice si es una trampa.",
            ]
        ),
        "es",
    )
    assert b.product == "Lo Mando"


@pytest.mark.parametrize(
    "line",
    [
        # The speaker's own question after the verb: lower-case, and opened by a function word.
        "Y esa cosa se llama ¿y sabes qué? miedo.",
        "Nadie sabe cómo se llama ¿Por qué será? Nadie lo dice.",
    ],
)
def test_a_question_the_speaker_asks_after_a_naming_verb_names_nothing(line: str) -> None:
    b = analyze(timed(["Tu tía recibió un mensaje del banco pidiendo su clave.", line, "No respondas nunca."]), "es")
    assert b.product is None


# --- (b) a short ad with no offer marked: the offer is where it presents its product ---------------------


_AD_EN = [
    "Picture your inbox already sorted before your first coffee.",
    "Invoices. Reminders. Replies. Follow-ups.",
    "So you can spend the morning on the work you love.",
    "Meet Quillbright.",
    "The assistant that runs the paperwork of your studio.",
    "Quillbright reads every message and drafts the answer.",
    "You approve it with one tap.",
    "Quillbright. Your studio, handled.",
]


def test_a_short_ad_with_no_price_or_turn_starts_its_offer_where_it_names_the_product() -> None:
    segments = timed(_AD_EN)
    b = analyze(segments, "en")
    assert b.product == "Quillbright"
    assert b.pitch_s == segments[3].start == b.product_reveal_s
    assert b.confidence["pitch_s"] < 0.5  # as unsure as a close


def test_a_product_named_in_the_opening_line_is_a_title_card_not_the_offer() -> None:
    # The same ad with the name in its first line: the opening is no offer section, so none is given.
    lines = ["Meet Quillbright.", *_AD_EN[:3], "The assistant that runs the paperwork of your studio.", *_AD_EN[5:]]
    b = analyze(timed(lines), "en")
    assert b.product == "Quillbright"
    assert b.pitch_s is None


def test_a_long_video_that_names_its_product_and_marks_no_offer_gives_no_offer_section() -> None:
    # Past a short ad's length a product is often named minutes before it is sold: the naming is a reveal only.
    story = "I kept rewriting the same invoice at midnight, wondering where the week had gone."
    lines = [*_AD_EN[:3], *[story] * 12, *_AD_EN[3:], *[story] * 8]
    segments = timed(lines)
    b = analyze(segments, "en")
    assert segments[-1].end > 120
    assert b.product == "Quillbright" and b.product_reveal_s == segments[15].start
    assert b.pitch_s is None


# --- (c) the speaker stating what she offers: the turn into a personal service's offer ------------------


def _service(language: str) -> list[str]:
    if language == "pt":
        return [
            "Você acorda cansado e dorme pensando em tudo que deixou para trás.",
            "Eu sei como é carregar a casa inteira nas costas sem ninguém perceber.",
            "Durante anos eu também vivi assim, sorrindo por fora e vazio por dentro.",
            "Depois de muito estudo e muita escuta eu encontrei um caminho para sair disso.",
            "O que eu ofereço é um espaço firme para você se ouvir de novo.",
            "Não é mágica e não é rápido, mas é verdadeiro.",
            "Se isso fez sentido para você, toque no botão abaixo e vamos conversar.",
        ]
    if language == "es":
        return [
            "Te despiertas cansada y te duermes pensando en todo lo pendiente.",
            "Sé lo que es cargar con la casa entera sin que nadie lo note.",
            "Durante años yo también viví así, sonriendo por fuera y vacía por dentro.",
            "Después de mucho estudio y mucha escucha encontré un camino para salir de ahí.",
            "Lo que te ofrezco es un espacio firme para volver a escucharte.",
            "No es magia y no es rápido, pero es verdadero.",
            "Si esto tiene sentido para ti, toca el botón de abajo y hablemos.",
        ]
    return [
        "You wake up tired and fall asleep thinking about everything you left undone.",
        "I know what it is to carry the whole house on your back while nobody notices.",
        "For years I lived like that too, smiling outside and empty inside.",
        "After a lot of study and a lot of listening I found a way out of it.",
        "What I offer you is a steady place to hear yourself again.",
        "It is not magic and it is not fast, but it is real.",
        "If this makes sense to you, tap the button below and let's talk.",
    ]


@pytest.mark.parametrize("language", ["pt", "es", "en"])
def test_the_speaker_stating_what_she_offers_starts_the_offer_section(language: str) -> None:
    segments = timed(_service(language))
    b = analyze(segments, language)
    assert b.pitch_s == segments[4].start


@pytest.mark.parametrize("language", ["pt", "es", "en"])
def test_an_offer_the_speaker_denies_is_no_turn(language: str) -> None:
    denied = {
        "pt": "Eu não te ofereço uma cura rápida nem uma promessa vazia.",
        "es": "Yo no te doy una cura rápida ni una promesa vacía.",
        "en": "I do not give you a quick cure or an empty promise.",
    }[language]
    lines = _service(language)
    lines[4] = denied
    segments = timed(lines)
    b = analyze(segments, language)
    # Without the stated offer, the close (the button in the last line) is the section's start.
    assert b.pitch_s == segments[6].start


# --- (d) an unnamed personal service is revealed where its seller says who they are ----------------------


def _unnamed_service(intro: str) -> list[str]:
    return [
        "Você sente que carrega tudo sozinha e ninguém percebe o seu cansaço.",
        "Você sorri no trabalho e chora no carro antes de entrar em casa.",
        "Eu sei exatamente como é viver assim por anos sem pedir ajuda.",
        intro,
        "O meu trabalho é caminhar com você até você voltar a se ouvir.",
        "Toque no botão aqui embaixo e vamos marcar uma conversa.",
    ]


@pytest.mark.parametrize(
    "intro",
    ["Muito prazer, eu sou Helena Prado, terapeuta de casais.", "Olá, meu nome é Helena e eu atendo mulheres."],
)
def test_a_copy_that_names_no_product_reveals_it_where_the_seller_introduces_themself(intro: str) -> None:
    segments = timed(_unnamed_service(intro))
    b = analyze(segments, "pt")
    assert b.product is None
    assert b.product_reveal_s == segments[3].start


def test_a_named_product_is_revealed_at_its_naming_not_at_the_sellers_introduction() -> None:
    lines = _unnamed_service("Muito prazer, eu sou Helena Prado, terapeuta de casais.")
    lines[4] = "Foi por isso que eu criei o Método Casa Leve, um programa de oito semanas."
    segments = timed(lines)
    b = analyze(segments, "pt")
    assert b.product is not None and "Casa Leve" in b.product
    assert b.product_reveal_s == segments[4].start


def test_a_first_person_sentence_with_no_name_is_no_introduction() -> None:
    segments = timed(_unnamed_service("Eu sou forte, mas eu sou cansada de ser forte o tempo todo."))
    b = analyze(segments, "pt")
    assert b.product_reveal_s != segments[3].start


# --- (e) a lower-cased name bounded by two fixed words ----------------------------------------------------


@pytest.mark.parametrize(
    ("language", "lines", "name"),
    [
        (
            "en",
            [
                "you need one plan that tells you what to post and when to post it and thats",
                "exactly what the pixel harbor plan is a ninety day calendar with every post written",
                "the pixel harbor plan comes with templates for every week",
            ],
            "pixel harbor plan",
        ),
        (
            "en",
            [
                "a simple system that does the heavy lifting for you inside brightpaw you get five modules",
                "that take you from zero to your first client and brightpaw keeps them updated",
            ],
            "brightpaw",
        ),
        (
            "es",
            [
                "por fin un lugar para todo tu trabajo y dentro de nidoverde tienes plantillas y recordatorios",
                "y con nidoverde cada cliente recibe su factura a tiempo",
            ],
            "nidoverde",
        ),
    ],
)
def test_a_lower_case_name_between_a_fixed_opening_and_its_verb_is_the_product(
    language: str, lines: list[str], name: str
) -> None:
    found, confidence = _lower_product(lines, language)
    assert found == name
    assert confidence is not None and confidence < 0.6  # case gone: unsure


@pytest.mark.parametrize(
    "lines",
    [
        # A pronoun or a determiner in the slot: nothing named.
        ["you need one plan that tells you what to post and thats exactly what it does for you every week"],
        ["log in and inside your account you get a weekly report of every sale"],
        # One common word said once: a place, not a name.
        ["open it and inside the box you get a charger and a short manual"],
    ],
)
def test_no_name_between_the_fixed_words_when_the_slot_holds_none(lines: list[str]) -> None:
    found, _ = _lower_product(lines, "en")
    assert found is None


# --- (f) "bienvenidos a" / "bem-vindo ao" in a lower-cased transcript --------------------------------------


def test_welcome_in_spanish_names_the_product_in_a_lower_cased_transcript() -> None:
    found, _ = _lower_product(
        [
            "bienvenidos a tinta norte donde cada diseño se imprime a tu medida",
            "en tinta norte eliges el tamaño el papel y el acabado",
            "entra hoy y arma tu primer pedido",
        ],
        "es",
    )
    assert found == "tinta norte"


def test_welcome_followed_by_common_words_names_nothing_in_a_lower_cased_transcript() -> None:
    found, _ = _lower_product(
        ["bienvenidos a la mañana de hoy donde hablamos de todo un poco", "y hoy hablamos de la lluvia"], "es"
    )
    assert found is None


# --- (g) the viewer asked whether they are ready: an unpriced video's next step -----------------------------


def _coaching(language: str, ready: str) -> list[str]:
    story = {
        "en": "I spent years painting for other people and never once for myself, and it showed.",
        "pt": "Passei anos pintando para os outros e nunca para mim, e isso aparecia em tudo.",
    }[language]
    close = {
        "en": "Write me your name and a few lines about where you are now, and I will answer you.",
        "pt": "Me escreva seu nome e algumas linhas sobre onde você está hoje, e eu vou te responder.",
    }[language]
    return [*[story] * 8, ready, close]


@pytest.mark.parametrize(
    ("language", "ready"),
    [
        ("en", "If this is resonating with you, here is how we start."),
        ("pt", "Se isso fez sentido pra você, é assim que a gente começa."),
    ],
)
def test_an_unpriced_video_opens_its_offer_where_it_asks_if_the_viewer_is_ready(language: str, ready: str) -> None:
    segments = timed(_coaching(language, ready))
    b = analyze(segments, language)
    assert b.pitch_s == segments[8].start
    assert b.confidence["pitch_s"] < 0.5


def test_the_readiness_question_in_the_opening_half_starts_nothing() -> None:
    lines = _coaching("en", "If this is resonating with you, here is how we start.")
    lines = [lines[8], *lines[:8], lines[9]]
    b = analyze(timed(lines), "en")
    assert b.pitch_s is None


def test_a_priced_video_starts_its_offer_at_the_price_not_at_the_readiness_question() -> None:
    lines = _coaching("pt", "Se isso fez sentido pra você, é assim que a gente começa.")
    lines[5] = "O investimento para entrar hoje é de apenas R$ 97 à vista."
    segments = timed(lines)
    b = analyze(segments, "pt")
    assert b.pitch_s == segments[5].start
