"""PT-BR, EN and ES: every message and coded value translated, the language chosen and remembered,
numbers/money/dates in the reader's locale, known failure reasons translated with the raw text
kept, and error pages a person can read (in their language, with the security headers)."""

from __future__ import annotations

import html
import re
import string
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from vsl_assets.breakdown.models import NICHES
from vsl_assets.breakdown.taxonomy import load_taxonomy
from vsl_assets.web.i18n import (
    LANGUAGES,
    MESSAGES,
    REASONS,
    VOCABULARIES,
    fmt_date,
    fmt_duration,
    fmt_money,
    label,
    pick_language,
    reason,
)
from vsl_assets.web.routers.account import LIFETIMES
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed

TEMPLATES = Path(__file__).parents[2] / "vsl_assets" / "web" / "templates"
#: ``_("...")`` / ``_('...')`` with a literal: what a static reading of the templates can find.
_CALL = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
TRANSLATED = ("pt-BR", "es")
HTML = {"Accept": "text/html"}


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def template_messages() -> dict[str, str]:
    """Every literal message in every template (all areas'), with the first file it is in."""
    found: dict[str, str] = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        for m in _CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(_unescape(m.group(1) if m.group(1) is not None else m.group(2)), path.name)
    return found


def test_the_static_reading_finds_messages() -> None:
    found = template_messages()
    assert len(found) > 100  # the regex reads the templates (a broken regex would pass the next test)
    assert found['Words, "a phrase", prefix*'] == "search.html"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_template_message_is_translated(lang: str) -> None:
    catalog = MESSAGES[lang]
    missing = sorted(f"{where}: {text!r}" for text, where in template_messages().items() if not catalog.get(text))
    assert not missing, f"{len(missing)} messages without a {lang} text (add them to locales/{lang}/<area>.json)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_dynamic_messages_are_translated(lang: str) -> None:
    for text in LIFETIMES.values():
        assert MESSAGES[lang].get(text), text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_has_a_label_in_every_language(lang: str) -> None:
    missing = [
        f"{kind}:{code}"
        for kind, codes in VOCABULARIES.items()
        for code in codes
        if f"{kind}:{code}" not in MESSAGES[lang]
    ]
    assert not missing
    assert set(VOCABULARIES) >= {"status", "lead", "awareness", "beat", "field", "role", "step"}
    for kind, codes in VOCABULARIES.items():  # a label is a word, not the code echoed back
        for code in codes:
            if "_" in code:
                assert label(lang, kind, code) != code, f"{kind}:{code} in {lang}"


def test_every_niche_has_labels_in_three_languages() -> None:
    taxonomy = load_taxonomy()
    for niche in NICHES:
        shown = {lang: label(lang, "niche", niche) for lang in LANGUAGES}
        # "other/other" reads once ("Outros", not "Outros / Outros"): a sub-niche its top's own name
        assert all((" / " in text) != (niche == "other/other") for text in shown.values()), shown
        assert len(set(shown.values())) >= 2 or niche == "other/other", shown  # at least PT differs from EN
    for top in taxonomy.top_labels:
        assert {label(lang, "niche", top) for lang in LANGUAGES} != {top}
    assert label("pt-BR", "niche", "health/weight_loss") == "Saúde / Emagrecimento"
    assert label("es", "niche", "health/weight_loss") == "Salud / Pérdida de peso"
    assert label("es", "niche", "not/a_niche") == "not/a_niche"  # unknown: the code, never a guess


def test_values_read_as_words() -> None:
    assert label("pt-BR", "awareness", "solution_aware") == "Consciente da solução"
    assert label("es", "lead", "big_secret") == "Gran secreto"
    assert label("en", "beat", "cta") == "Call to action"
    assert label("es", "language", "pt") == "Portugués" and label("pt-BR", "language", "es") == "Espanhol"
    assert label("pt-BR", "role", "installment") == "parcela"


def test_status_labels_only_move_forward() -> None:
    """Issue 24: a URL's status never reads as going back ("na fila" after "baixada")."""
    order = [
        "pending_ingest",
        "queued",
        "downloading",
        "downloaded",
        "transcribing",
        "transcribed",
        "analyzing",
        "analyzed",
    ]
    for lang in LANGUAGES:
        labels = [label(lang, "status", s) for s in order]
        assert len(set(labels)) == len(labels), labels  # every stage says something different
    assert label("pt-BR", "status", "downloaded") == "Aguardando transcrição"
    assert label("pt-BR", "status", "queued") == "Na fila para baixar"
    assert label("es", "status", "analyzed") == "Lista"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("es", "es"),
        ("fr-CA,fr;q=0.9,es-419;q=0.7,pt;q=0.6", "es"),
        ("en;q=0.4,pt-BR;q=0.9", "pt-BR"),  # q-values, not order
        ("pt-PT", "pt-BR"),
        ("de-DE,*;q=0.5", "en"),
        ("es;q=0,pt;q=0.1", "pt-BR"),  # q=0 means "not this one"
        ("", "en"),
        (None, "en"),
        ("estonian-is-not-spanish", "en"),
    ],
)
def test_language_from_the_browser(header: str | None, expected: str) -> None:
    assert pick_language(None, header) == expected


def test_the_cookie_wins_over_the_browser() -> None:
    assert pick_language("es", "pt-BR") == "es"
    assert pick_language("klingon", "pt-BR") == "pt-BR"


def test_money_dates_and_durations_in_the_locale() -> None:
    nb = "\u00a0"
    assert fmt_money("pt-BR", 19.7, "BRL") == f"R${nb}19,70"
    assert fmt_money("en", 37, "USD") == f"US${nb}37.00"
    assert fmt_money("es", 37, "USD") == f"37,00{nb}US$"
    assert fmt_money("pt-BR", 1997, "BRL") == f"R${nb}1.997,00"
    assert fmt_money("es", 1997, "MXN") == f"1.997,00{nb}MX$"
    assert fmt_money("en", 49.5, None) == "49.50"
    when = datetime(2026, 12, 6, 16, 5)
    # Every date names its zone: UTC unless the browser said its own (then shown in it).
    assert fmt_date("pt-BR", when) == "6 de dez. de 2026 16:05 UTC"
    assert fmt_date("en", when) == "Dec 6, 2026 16:05 UTC"
    assert fmt_date("es", when) == "6 dic 2026 16:05 UTC"
    assert fmt_duration("pt-BR", 16 * 60) == "16 minutos"
    assert fmt_duration("es", 16 * 60, direction=True) == "dentro de 16 minutos"


def test_known_reasons_are_translated_and_keep_the_raw_text() -> None:
    raw = "retrying after attempt 2: HTTP 503 from the stream URL"
    shown = reason("pt-BR", raw)
    assert shown.text == "tentando de novo após a tentativa 2: o servidor respondeu HTTP 503 (URL do stream)"
    assert shown.raw == raw and shown.translated
    died = reason(
        "es", "the process of run 1a2b3c4d died (killed or crashed) between steps, e.g. waiting for a pool slot"
    )
    assert "1a2b3c4d" in died.text and died.text.startswith("el proceso")
    unknown = reason("pt-BR", "something nobody foresaw")
    assert unknown.text == "something nobody foresaw" and not unknown.translated


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_known_reason_is_translated_with_the_same_holes(lang: str) -> None:
    def holes(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for known in REASONS:
        text = MESSAGES[lang].get(known.message)
        assert text, f"{known.message!r} has no {lang} text"
        assert holes(text) == holes(known.message), known.message


# -- pages --------------------------------------------------------------------------------------


def test_spanish_pages_show_values_not_codes(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        seed(
            s,
            web.layout,
            Fake(
                "https://a.example.com/v",
                title="Ritual",
                niche="health/weight_loss",
                lead="big_secret",
                awareness="solution_aware",
                price=37.0,
                currency="USD",
            ),
        )
        seed(s, web.layout, Fake("https://b.example.com/v", status="failed", reason="no video player found on page"))
    switched = web.client.get("/lang/es", params={"next": "/?sort=title"}, follow_redirects=False)
    assert switched.headers["location"] == "/?sort=title" and "vsl_lang=es" in switched.headers["set-cookie"]
    page = web.client.get("/").text
    assert '<html lang="es">' in page
    for text in ("Biblioteca", "Salud / Pérdida de peso", "Gran secreto", "37,00\u00a0US$", "Lista", "Portugués"):
        assert text in page, text
    assert "no se encontró ningún reproductor de vídeo en la página" in page
    assert 'data-raw="no video player found on page"' in page  # the raw reason is kept
    assert "big_secret</span>" not in page and ">health/weight_loss<" not in page
    assert 'hreflang="pt-BR"' in page and 'hreflang="es"' in page and 'hreflang="en"' in page


def _assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["cache-control"] == "private, no-store"


def test_error_pages_are_pages_in_the_readers_language(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    spanish = {**HTML, "Accept-Language": "es-AR,es;q=0.9"}
    missing = web.client.get("/vsl/nokey123", headers=spanish)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "No encontrado" in missing.text and "no hay ninguna VSL con la clave 'nokey123'" in html.unescape(
        missing.text
    )
    assert '{"detail"' not in missing.text
    _assert_security_headers(missing)
    board = web.client.get("/boards/999", headers={**HTML, "Accept-Language": "pt-BR"})
    assert board.status_code == 404 and "não existe o quadro 999" in board.text
    _assert_security_headers(board)
    nowhere = web.client.get("/no/such/page", headers={**HTML, "Accept-Language": "pt-BR"})
    assert nowhere.status_code == 404 and "Não há nada neste endereço." in nowhere.text
    forbidden = web.client.post("/boards", data={"name": "x", "csrf_token": "forged"}, headers=spanish)
    assert forbidden.status_code == 403 and "el formulario caducó" in forbidden.text
    _assert_security_headers(forbidden)
    invalid = web.client.get("/add", params={"batch": "0"}, headers=spanish)
    assert invalid.status_code == 422 and "Parte de lo enviado no es válido" in invalid.text
    big = web.client.post(
        "/add", content=b"urls=" + b"x" * (web.settings.web_max_body_mb * 1_000_000 + 10).__int__(), headers=spanish
    )
    assert big.status_code == 413 and "Lo que enviaste es demasiado grande" in big.text
    _assert_security_headers(big)


def test_a_refused_form_says_why_in_the_readers_language_and_links_back(sqlite_web: Web) -> None:
    """A trial: a 500-character board name answered pydantic's English ("name: String should have
    at most 120 characters") on a Portuguese page, with no way back to what was typed."""
    web = sqlite_web
    csrf = web.login()
    form = {**HTML, "Referer": "http://testserver/boards?x=1"}
    long = {"name": "x" * 500, "csrf_token": csrf}
    for lang, said in (("pt-BR", "Nome: no máximo 120 caracteres"), ("es", "Nombre: como máximo 120 caracteres")):
        page = web.client.post("/boards", data=long, headers={**form, "Accept-Language": lang})
        assert page.status_code == 422 and said in page.text, page.text
        assert "String should have" not in page.text
        assert '<a href="/boards?x=1" id="error-back" data-back>' in page.text
        _assert_security_headers(page)
    english = web.client.post("/boards", data=long, headers={**form, "Accept-Language": "en"})
    assert "Name: at most 120 characters" in english.text and "Back to the form" in english.text
    # No link back to another site's page, nor on a page that was not a form.
    elsewhere = web.client.post("/boards", data=long, headers={**HTML, "Referer": "https://evil.example/boards"})
    assert elsewhere.status_code == 422 and "error-back" not in elsewhere.text
    # The API's 422 is pydantic's JSON, as before.
    api = web.client.post("/api/boards", json={"name": "x" * 500}, headers=web.bearer)
    assert api.status_code == 422 and api.json()["detail"][0]["msg"] == "String should have at most 120 characters"
    # A paste over the body cap: how large it may be, in the reader's language, and the way back.
    big = web.client.post(
        "/add",
        content=b"urls=" + b"x" * (web.settings.web_max_body_mb * 1_000_000 + 10).__int__(),
        headers={**HTML, "Accept-Language": "pt-BR", "Referer": "http://testserver/add"},
    )
    assert big.status_code == 413 and f"no máximo {web.settings.web_max_body_mb:g} MB" in big.text
    assert '<a href="/add" id="error-back" data-back>Voltar ao formulário</a>' in big.text


def test_a_crash_is_a_page_too_and_the_api_keeps_json(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()

    def boom() -> None:
        raise RuntimeError("secret internals")

    web.client.app.add_api_route("/boom", boom)  # type: ignore[attr-defined]
    client = TestClient(web.client.app, raise_server_exceptions=False, cookies=web.client.cookies)
    crashed = client.get("/boom", headers={**HTML, "Accept-Language": "pt-BR"})
    assert crashed.status_code == 500 and "Algo deu errado do nosso lado" in crashed.text
    assert "secret internals" not in crashed.text
    _assert_security_headers(crashed)
    api = web.client.get("/api/vsls/nokey123", headers={**HTML, **web.bearer})
    assert api.status_code == 404 and api.json() == {"detail": "no VSL with key 'nokey123'"}


def test_the_reasons_the_code_writes_are_the_ones_translated() -> None:
    """The patterns follow the domain code's own wording: built from the real constructors, so a
    reworded reason fails here instead of silently showing in English."""
    from vsl_assets.media.pages.errors import DrmProtectedError, HttpStatusError, StreamExpiredError
    from vsl_assets.reconcile import crashed_reason, waiting_died_reason
    from vsl_assets.web.limits import too_large_reason

    written = [
        HttpStatusError(404, "stream URL").reason,
        DrmProtectedError("Widevine").reason,
        StreamExpiredError().reason,
        crashed_reason("0123456789abcdef"),
        waiting_died_reason("0123456789abcdef"),
        too_large_reason(5_000_000),
        f"retrying after attempt 2: {HttpStatusError(503, 'stream URL').reason}",
    ]
    for raw in written:
        for lang in TRANSLATED:
            shown = reason(lang, raw)
            assert shown.translated and shown.raw == raw, (lang, raw)
    assert "Widevine" in reason("es", DrmProtectedError("Widevine").reason).text


@pytest.mark.parametrize(
    ("hint", "first", "pt", "es"),
    [
        (
            None,
            ("text/plain", b"hello"),
            "n\u00e3o \u00e9 um v\u00eddeo nem uma p\u00e1gina de vendas: o endere\u00e7o respondeu com um arquivo de "
            "texto (text/plain)",
            "respondi\u00f3 con un archivo de texto (text/plain)",
        ),
        (
            True,
            ("text/html", b"<!doctype html><p>x"),
            "playlist HLS (veio uma p\u00e1gina web)",
            "(lleg\u00f3 una p\u00e1gina web)",
        ),
    ],
)
def test_a_url_that_is_not_a_stream_fails_with_a_translated_reason(
    hint: bool | None, first: tuple[str, bytes], pt: str, es: str
) -> None:
    """What a sales page's stream check writes when the URL serves text or a page (a real trial: a
    ``.txt`` added by mistake showed "Motivo: the stream URL did not return video" in English)."""
    from vsl_assets.media.pages.errors import NotAStreamError
    from vsl_assets.media.pages.hls_probe import check_stream

    with pytest.raises(NotAStreamError) as info:
        check_stream(None, "https://cdn.example.com/a/file", headers={}, hls_hint=hint, first=first)  # type: ignore[arg-type]
    raw = info.value.reason
    assert pt in reason("pt-BR", raw).text and reason("pt-BR", raw).raw == raw
    assert es in reason("es", raw).text


def test_a_library_card_reads_its_name_labels_and_price_from_one_pass_per_page() -> None:
    """``card_texts`` makes what each card shows once per page (a call through Jinja per value
    cost ~7 a card): the same words as ``label``/``fmt_money``, the untitled name translated, and
    an initial only for a real title that starts with a letter."""
    from types import SimpleNamespace

    from vsl_assets.services.titles import UNTITLED
    from vsl_assets.web.i18n import card_texts, translate

    def card(key: str, title: str, source: str, **values: Any) -> SimpleNamespace:
        fields = {"language": None, "niche": None, "lead_type": None, "price": None, "currency": None}
        return SimpleNamespace(partition_key=key, title=title, title_source=source, **{**fields, **values})

    cards = [
        card(
            "a",
            "ácido úrico",
            "page",
            language="es",
            niche="health/diabetes",
            lead_type="story",
            price=19.7,
            currency="BRL",
        ),
        card("b", UNTITLED, "none"),
        card("c", "7 sinais", "hook", price=1234567.5, currency=None),
    ]
    texts = card_texts("pt-BR", cards)
    assert texts["a"].name == "ácido úrico" and texts["a"].initial == "Á"
    assert texts["a"].language == label("pt-BR", "language", "es") == "Espanhol"
    assert texts["a"].niche == label("pt-BR", "niche", "health/diabetes") and texts["a"].niche != "health/diabetes"
    assert texts["a"].lead == label("pt-BR", "lead", "story") and texts["a"].price == "R$\u00a019,70"
    assert texts["b"].name == translate("pt-BR", UNTITLED) != UNTITLED and texts["b"].initial == "▶"
    assert texts["b"].language == texts["b"].niche == texts["b"].lead == texts["b"].price == ""
    assert texts["c"].initial == "▶" and texts["c"].price == "1.234.567,50"


# -- why an amount was read as it was, where a page's reveal was read ---------------------------


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_known_explanation_is_translated_with_the_same_holes(lang: str) -> None:
    from vsl_assets.web.i18n import EXPLANATIONS

    for known in EXPLANATIONS:
        text = MESSAGES[lang].get(known.message)
        assert text, f"{known.message!r} has no {lang} text"
        assert {n for _, n, _, _ in string.Formatter().parse(text) if n} == {
            n for _, n, _, _ in string.Formatter().parse(known.message) if n
        }, known.message


def test_the_explanations_the_code_writes_are_the_ones_translated() -> None:
    """A trial's VSL page in Portuguese read "oferta: offer cue: "apenas"" and "0:30 (page script
    setTimeout)": built here from the real price reader and reveal reader, so a reworded
    explanation fails here instead of showing in English."""
    from vsl_assets.breakdown.prepared import Prepared
    from vsl_assets.breakdown.prices import read_prices
    from vsl_assets.media.pages.players.reveal import timers_in
    from vsl_assets.web.i18n import explain
    from vsl_assets_tests.breakdown.samples import timed

    lines = ["Hoje você leva o curso por apenas 97 reais.", "Antes custava 497 reais."]
    whys = [m.why for m in read_prices(Prepared.build(timed(lines), "pt"))]
    [timer] = timers_in("setTimeout(function(){document.getElementById('buy').style.display='block'}, 30000);")
    assert whys and timer.source == "page script setTimeout"
    for raw in [*whys, timer.source]:
        for lang in TRANSLATED:
            shown = explain(lang, raw)
            assert shown.translated and shown.raw == raw, (lang, raw)
    assert explain("pt-BR", timer.source).text == "script da página: setTimeout"
    assert explain("pt-BR", 'offer cue: "apenas"; said per month').text == 'sinal de oferta: "apenas"; dito por mês'
    assert explain("en", timer.source).text == timer.source
    half = 'offer cue: "apenas"; something nobody foresaw'
    assert explain("es", half).text == half  # half a sentence translated reads worse than English
