"""A transcript's warnings (speech without text, language not sure) and its language note on the
VSL page in the reader's language: built from the transcription code's own functions, so a reworded
warning fails here instead of silently showing in English (real SQLite app DB, the real app)."""

from __future__ import annotations

import html
import re
import string

import pytest
from sqlalchemy import select

from vsl_assets.db.models import TranscriptRow
from vsl_assets.transcription.language_id import LanguageGuess, SpeechSpan
from vsl_assets.transcription.languages import language_warning
from vsl_assets.transcription.models import Segment, Transcript
from vsl_assets.transcription.speech_coverage import record_coverage
from vsl_assets.web.i18n import MESSAGES, WARNINGS, warning
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed, url_id

TRANSLATED = ("pt-BR", "es")


def _coverage_message(retried: int = 0) -> str:
    transcript = Transcript(
        text="a", language="pt", segments=[Segment(0.0, 5.0, "Olá")], engine="test", model="test", duration_s=100.0
    )
    record_coverage(
        transcript, [SpeechSpan(0.0, 5.0), SpeechSpan(20.0, 32.0), SpeechSpan(60.0, 75.5)], 2.0, retried=retried
    )
    [found] = transcript.warnings
    return found.message


def written() -> dict[str, str]:
    """Each warning as the transcription code writes it."""
    allowed = ("pt", "en", "es")
    return {
        "coverage": _coverage_message(),
        "coverage_retried": _coverage_message(retried=2),
        "undetected": language_warning(None, source="detected", probability=None, allowed=allowed, min_probability=0.6)
        or "",
        "english_model": language_warning("en", source="model", probability=None, allowed=allowed, min_probability=0.6)
        or "",
        "outside": language_warning("fr", source="engine", probability=None, allowed=allowed, min_probability=0.6)
        or "",
        "unsure": language_warning("pt", source="detected", probability=0.42, allowed=allowed, min_probability=0.6)
        or "",
        "note_id": LanguageGuess("pt", 0.93, "language-id", ("gl", 0.61), {"pt": 0.93, "es": 0.05}).describe(),
        "note_trial": LanguageGuess("es", 0.71, "trial", ("la", 0.4), {"es": 0.71, "pt": 0.29}).describe(),
    }


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_warning_the_code_writes_is_translated(lang: str) -> None:
    for name, raw in written().items():
        assert raw, name
        shown = warning(lang, raw)
        assert shown.translated and shown.raw == raw, (lang, name, raw)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_warning_pattern_has_a_text_with_the_same_holes(lang: str) -> None:
    def holes(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for known in WARNINGS:
        text = MESSAGES[lang].get(known.message)
        assert text, f"{known.message!r} has no {lang} text"
        assert holes(text) == holes(known.message), known.message


def test_warnings_read_in_portuguese_and_spanish() -> None:
    w = written()
    assert (
        warning("pt-BR", w["coverage"]).text
        == "2 trechos de fala, 28 s no total, sem texto: 0:20-0:32 (12 s), 1:00-1:16 (16 s)"
    )
    assert "ainda faltando depois de transcrever de novo 2 janelas" in warning("pt-BR", w["coverage_retried"]).text
    assert warning("es", w["coverage"]).text.startswith("2 tramos de habla, 28 s en total, sin texto: 0:20-0:32")
    # Language codes as names, decimals in the locale's digits.
    assert warning("pt-BR", w["unsure"]).text == (
        "o idioma português foi detectado com probabilidade 0,42, abaixo de 0,60: confira, ou transcreva de novo "
        "com o idioma certo"
    )
    assert warning("es", w["outside"]).text == (
        "el idioma detectado (francés) no es uno de los idiomas esperados (portugués, inglés, español)"
    )
    assert warning("es", w["undetected"]).text == "no se pudo detectar el idioma"
    assert warning("pt-BR", w["note_id"]).text.startswith("a identificação de idioma ouviu galego (0,61)")
    assert "eligió español" in warning("es", w["note_trial"]).text
    # English names the languages as the page around it does ("Language: Spanish"), not by their codes
    # ("language 'es' was detected", "heard 'la'", a new user's trial); an unknown text is shown as written.
    assert warning("en", w["unsure"]).text == (
        "Portuguese was detected with probability 0.42, under 0.60: check it, or re-transcribe with the right language"
    )
    assert warning("en", w["note_trial"]).text == (
        "language ID heard Latin (0.40); a trial transcription in each allowed language chose Spanish "
        "(Spanish 0.71, Portuguese 0.29)"
    )
    assert warning("en", w["outside"]).text == (
        "the detected language (French) is not one of the expected languages (Portuguese, English, Spanish)"
    )
    assert warning("en", "something nobody foresaw").text == "something nobody foresaw"
    assert not warning("pt-BR", "something nobody foresaw").translated


def _vsl_page(web: Web, key: str, lang: str) -> str:
    web.client.get(f"/lang/{lang}")
    page = web.client.get(f"/vsl/{key}")
    assert page.status_code == 200
    return page.text


def test_the_vsl_page_shows_the_warnings_translated(sqlite_web: Web) -> None:
    web = sqlite_web
    w = written()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://w.example/vsl", title="Aviso"))
        row = s.scalar(select(TranscriptRow).where(TranscriptRow.url_id == url_id(s, key)))
        assert row is not None
        row.language_source = "detected"
        row.language_probability = 0.42
        row.language_note = w["note_id"]
        row.warnings = [{"kind": "coverage", "message": w["coverage"]}, {"kind": "language", "message": w["unsure"]}]
    web.login()

    pt = _vsl_page(web, key, "pt-BR")
    items = re.findall(r'<li class="warning" data-kind="(\w+)">(.*?)</li>', pt, re.S)
    assert [kind for kind, _ in items] == ["coverage", "language"]
    coverage, language = (html.unescape(re.sub(r"<[^>]+>", "", body)) for _, body in items)
    assert coverage.startswith("⚠ Fala sem texto: 2 trechos de fala, 28 s no total, sem texto")
    assert language.startswith("⚠ Idioma incerto: o idioma português foi detectado com probabilidade 0,42")
    assert "Detalhes" in language and w["unsure"] in language  # the raw text kept in a fold
    assert '<span data-source="detected">detectado</span>, 0,42' in pt
    assert html.unescape(re.search(r'<small id="language-note">(.*?)</small>', pt).group(1)).startswith(  # type: ignore[union-attr]
        "a identificação de idioma ouviu galego"
    )

    es = _vsl_page(web, key, "es")
    assert "⚠ <strong>Habla sin texto</strong>: 2 tramos de habla" in es
    assert "⚠ <strong>Idioma dudoso</strong>: el idioma portugués se detectó con probabilidad 0,42" in es

    en = _vsl_page(web, key, "en")
    shown = html.unescape(en.split('id="transcript-warnings"')[1].split("</ul>")[0])
    assert "⚠ <strong>Language not sure</strong>: Portuguese was detected with probability 0.42, under 0.60" in shown
    # English too says one stretch or two, not "stretch(es)" (a trial's leftover).
    assert "2 stretches of speech, 28 s in all, have no text: 0:20-0:32" in shown
    assert (
        "Detalles" not in en
        and "<summary>Details</summary>" not in en.split('id="transcript-warnings"')[1].split("</ul>")[0]
    )
