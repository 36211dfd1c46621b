"""The UI in English and Brazilian Portuguese: messages, numbers, dates and money per locale.

Small on purpose (no gettext catalogs to compile): one JSON catalog per language and area under
``locales/``, and formatting rules
for the two locales the app speaks.  The language comes from the ``vsl_lang`` cookie, else the
browser's Accept-Language, else English.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment

from vsl_assets.core.humanize import clock

LANGUAGES = ("en", "pt-BR")
LANG_COOKIE = "vsl_lang"

LOCALES = Path(__file__).parent / "locales"


def load_catalogs(root: Path = LOCALES) -> dict[str, dict[str, str]]:
    """Every ``locales/<language>/<area>.json`` merged into one catalog per language.

    One file per area (core, boards, watch...) so that features add their messages without
    editing a shared dict.  The same message given two different texts in one language is a
    mistake that would make a page's wording depend on file order: it is refused at start.
    """
    catalogs: dict[str, dict[str, str]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        merged: dict[str, str] = {}
        origin: dict[str, str] = {}
        for path in sorted(folder.glob("*.json")):
            for key, text in json.loads(path.read_text(encoding="utf-8")).items():
                if key in merged and merged[key] != text:
                    raise ValueError(f"message {key!r} in {folder.name} has two texts: {origin[key]} and {path.name}")
                merged[key] = text
                origin[key] = path.name
        catalogs[folder.name] = merged
    return catalogs


MESSAGES: dict[str, dict[str, str]] = load_catalogs()


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("pt"):
            return "pt-BR"
        if tag.startswith("en"):
            return "en"
    return "en"


def translate(lang: str, text: str) -> str:
    return MESSAGES.get(lang, {}).get(text, text)


def _group(number: float, decimals: int, lang: str) -> str:
    text = f"{number:,.{decimals}f}"
    if lang == "pt-BR":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_number(lang: str, value: float | int | None, decimals: int = 0) -> str:
    return "" if value is None else _group(float(value), decimals, lang)


_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "GBP": "£", "MXN": "MX$"}


def fmt_money(lang: str, amount: float | None, currency: str | None) -> str:
    """``R$ 1.997,00`` in pt-BR, ``R$1,997.00`` in English; no currency said: the bare amount."""
    if amount is None:
        return ""
    number = _group(amount, 2, lang)
    if not currency:
        return number
    symbol = _SYMBOLS.get(currency.upper(), currency.upper() + " ")
    if lang == "pt-BR":
        return f"{symbol.strip()} {number}"
    return f"{symbol}{number}"


def fmt_date(lang: str, value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M") if lang == "pt-BR" else value.strftime("%Y-%m-%d %H:%M")


def fmt_clock(value: float | None) -> str:
    return "" if value is None else clock(value)


def install(env: Environment) -> None:
    """Filters the templates use; each takes the page's language as its first argument."""
    env.globals["translate"] = translate
    env.filters["clock"] = fmt_clock
    env.globals["fmt_number"] = fmt_number
    env.globals["fmt_money"] = fmt_money
    env.globals["fmt_date"] = fmt_date


def template_helpers(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "_": lambda text: translate(lang, text),
        "num": lambda value, decimals=0: fmt_number(lang, value, decimals),
        "money": lambda amount, currency: fmt_money(lang, amount, currency),
        "date": lambda value: fmt_date(lang, value),
    }
