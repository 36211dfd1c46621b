"""A VSL opening with a call for attention ("Atenção!", "Stop.") has its claim in the next sentence:
the hook read as the call alone named a card "Atenção" (a new user's trial)."""

from __future__ import annotations

import pytest

from vsl_assets.breakdown.engine import analyze
from vsl_assets_tests.breakdown.samples import timed

_REST = {
    "pt": [
        "Durante anos eu tentei de tudo e nada parecia mudar de verdade na minha vida.",
        "Clique no botão abaixo e garanta o seu acesso hoje.",
    ],
    "en": [
        "For years I tried everything and nothing seemed to really change in my life.",
        "Click the button below and get your access today.",
    ],
    "es": [
        "Durante años lo intenté todo y nada parecía cambiar de verdad en mi vida.",
        "Haz clic en el botón de abajo y asegura tu acceso hoy.",
    ],
}


@pytest.mark.parametrize(
    ("language", "opening", "claim"),
    [
        ("pt", ["Atenção!", "Se você tem mais de 40 anos e sente dor nas costas, assista até o fim."], "Se você tem"),
        ("pt", ["Atenção! Se você tem mais de 40 anos e sente dor nas costas, assista até o fim."], "Se você tem"),
        ("en", ["Stop.", "What your doctor never told you about your knees is in this video."], "What your doctor"),
        ("es", ["¡Atención!", "Lo que tu médico nunca te dijo sobre tus rodillas está en este video."], "Lo que tu"),
    ],
)
def test_a_hook_opening_with_a_call_holds_the_claim_after_it(language: str, opening: list[str], claim: str) -> None:
    b = analyze(timed(opening + _REST[language]), language)
    assert b.hook is not None and claim in b.hook, b.hook
    assert b.hook.split()[0].strip("¡!.") in {"Atenção", "Stop", "Atención"}


def test_a_hook_whose_first_sentence_is_a_claim_stays_that_sentence() -> None:
    lines = ["Você sabia que existe um jeito simples de dormir melhor esta noite?", *_REST["pt"]]
    assert analyze(timed(lines), "pt").hook == "Você sabia que existe um jeito simples de dormir melhor esta noite?"
