"""The UI in English, Brazilian Portuguese and Spanish: messages, coded values, numbers, dates, money.

Messages: one flat JSON catalog per language and area under ``locales/`` (``"English": "text"``),
merged at start, no gettext compile step.  Coded values (statuses, lead types, awareness levels,
beats, evidence fields, price roles, job steps) are messages keyed ``kind:code`` so that the codes
stay the product's record and only their display changes; niche labels come from the taxonomy (one
definition, shared with the breakdown engine) and language names from CLDR through Babel.  Known
failure reasons are matched by pattern and shown translated, the raw text kept beside them.
Numbers, dates, money and durations are formatted by Babel with the locale's own rules.

The language comes from the ``vsl_lang`` cookie, else the browser's Accept-Language (q-values
honoured), else English.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import NumberPattern, get_currency_symbol, parse_pattern
from jinja2 import Environment

from vsl_assets.breakdown.models import (
    AWARENESS_LEVELS,
    BEAT_LABELS,
    EVIDENCE_FIELDS,
    LEAD_TYPES,
    PriceRole,
    Status,
)
from vsl_assets.breakdown.taxonomy import load_taxonomy
from vsl_assets.core.humanize import clock
from vsl_assets.db.models import PIPELINE_STEPS, JobOutcome, UrlStatus
from vsl_assets.services.export import BOARD_COLUMNS, TABLE_COLUMNS, Words
from vsl_assets.services.titles import UNTITLED
from vsl_assets.transcription.models import LANGUAGE_SOURCES, WARNING_KINDS
from vsl_assets.web.tokens import SCOPES, TOKEN_STATES

#: The UI languages, as the cookie and ``<html lang>`` spell them.
LANGUAGES = ("en", "pt-BR", "es")
#: Each language's name in itself, for the switcher (a reader finds their own language).
LANGUAGE_NAMES = {"en": "English", "pt-BR": "Português", "es": "Español"}
#: The Babel (CLDR) locale each UI language formats with.
BABEL_LOCALES = {"en": "en_US", "pt-BR": "pt_BR", "es": "es"}
LANG_COOKIE = "vsl_lang"

LOCALES = Path(__file__).parent / "locales"

#: Coded values shown to people, by kind: the catalog key of a value is ``kind:code``.  Built from
#: the definitions (enums, ``Literal`` types), so a new code without a translation fails a test.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "status": tuple(s.value for s in UrlStatus),
    "lead": LEAD_TYPES,
    "awareness": AWARENESS_LEVELS,
    "beat": BEAT_LABELS,
    "field": EVIDENCE_FIELDS,
    "role": get_args(PriceRole),
    "analysis": get_args(Status),
    "step": PIPELINE_STEPS,
    "outcome": tuple(o.value for o in JobOutcome),
    "scope": SCOPES,
    "token": TOKEN_STATES,
    "warning": WARNING_KINDS,
    "langsource": LANGUAGE_SOURCES,
    "column": (*(c.header for c in TABLE_COLUMNS), *BOARD_COLUMNS),
}


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


def _q(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def _ui_language(tag: str) -> str | None:
    tag = tag.strip().lower()
    for prefix, lang in (("pt", "pt-BR"), ("es", "es"), ("en", "en")):
        if tag == prefix or tag.startswith(prefix + "-") or tag.startswith(prefix + "_"):
            return lang
    return None


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language, else the browser's most preferred one we speak (q-values, then order)."""
    if cookie in LANGUAGES:
        return str(cookie)
    best: tuple[float, int, str] | None = None
    for order, part in enumerate((accept_language or "")[:1000].split(",")):
        tag, _, params = part.partition(";")
        lang = _ui_language(tag)
        q = _q(params)
        if lang is None or q <= 0:
            continue
        candidate = (-q, order, lang)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else "en"


def translate(lang: str, text: str) -> str:
    return MESSAGES.get(lang, {}).get(text, text)


class _Plurals(string.Formatter):
    """A catalog text's ``{count:trecho|trechos}``: the word for one when the hole's value is 1,
    else the other (the value itself is written by its own ``{count}``).  Raw texts write
    "stretch(es)"; a reader sees "1 trecho", "2 trechos"."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, many = format_spec.partition("|")
            return one if str(value).strip() == "1" else many
        return str(format(value, format_spec))


_PLURALS = _Plurals()


def plural_format(text: str, **parts: Any) -> str:
    """``text.format(**parts)`` where a ``{name:one|many}`` hole picks its word by ``name``'s value."""
    return _PLURALS.format(text, **parts)


# -- coded values -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def label(lang: str, kind: str, code: str | None) -> str:
    """How a person reads ``code`` of ``kind`` in ``lang``: "Consciente da solução" for
    ``awareness``/``solution_aware``; the code itself when no catalog knows it (never blank).

    Cached: the catalogs, the taxonomy and CLDR's names are fixed for the process, and a library
    page asks for ~110 labels (every card's tags and every filter menu's options)."""
    if code is None or code == "":
        return ""
    if kind == "niche":
        return niche_label(lang, code)
    if kind == "language":
        return language_name(lang, code)
    key = f"{kind}:{code}"
    return MESSAGES.get(lang, {}).get(key) or MESSAGES.get("en", {}).get(key) or code


def _taxonomy_language(lang: str) -> str:
    return lang.split("-")[0]


def niche_label(lang: str, code: str) -> str:
    """``health/diabetes`` → "Saúde / Diabetes"; a top-level ``health`` → "Saúde" (the taxonomy's labels)."""
    taxonomy = load_taxonomy()
    language = _taxonomy_language(lang)
    try:
        if "/" in code:
            top, _, sub = taxonomy.label(code, language).partition(" / ")
            return top if sub == top else f"{top} / {sub}"  # "other/other": "Outros", not "Outros / Outros"
        labels = taxonomy.top_labels[code]
        return labels.get(language) or labels["en"]
    except KeyError:
        return code


@lru_cache(maxsize=64)
def _babel(lang: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(lang, "en_US"))


def language_name(lang: str, code: str, *, in_sentence: bool = False) -> str:
    """A spoken-language code (``pt``, ``es``) in the UI's language: "Português", "Spanish";
    ``in_sentence``: as CLDR writes it inside a sentence ("francês" in Portuguese, "French")."""
    try:
        name = _babel(lang).languages.get(code.split("-")[0].lower())
    except (ValueError, AttributeError):
        name = None
    if not name:
        return code
    return name if in_sentence else name[:1].upper() + name[1:]


# -- failure reasons ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonPattern:
    """A known failure reason: its English text with ``{name}`` holes, read back by ``pattern``."""

    message: str
    pattern: re.Pattern[str]


def _reason(message: str, **groups: str) -> ReasonPattern:
    """``message`` with ``{name}`` holes; each hole matches ``groups[name]`` (default: anything)."""
    regex = ""
    for literal, name, _spec, _conv in string.Formatter().parse(message):
        regex += re.escape(literal)
        if name is not None:
            regex += f"(?P<{name}>{groups.get(name, '.+?')})"
    return ReasonPattern(message, re.compile(f"^{regex}$", re.DOTALL))


#: The reasons the pipeline writes most (``urls.reason``, ``dead_letters.message``, ``jobs.error``),
#: as the domain code words them.  A reason matched here is shown translated with the raw text
#: kept beside it; any other is shown as written (wrong is worse than unknown).
REASONS: tuple[ReasonPattern, ...] = (
    _reason("retrying after attempt {attempt}: {reason}", attempt=r"\d+"),
    _reason("HTTP {code} from the {what}", code=r"\d{3}"),
    _reason("no video player found on page"),
    _reason("no video player found on page (only the first part of a very large page was read)"),
    _reason("the video is DRM-protected ({why}); it cannot be downloaded"),
    _reason("the site reports DRM"),
    _reason("the stream URL has expired (signed URL token no longer valid)"),
    _reason("could not connect to the {what} host {host}"),
    _reason("could not connect to the stream URL server"),
    _reason("the stream URL returned an empty body"),
    _reason("the stream URL did not return an HLS playlist"),
    _reason("the stream URL did not return an HLS playlist (got {got})"),
    _reason("the stream URL did not return video (got {got})"),
    _reason("the stream contains no audio or video stream"),
    _reason("the stream URL contains no audio or video stream"),
    _reason("the video's codec cannot be stored as MP4 and could not be converted"),
    _reason("the HLS playlist lists no segments"),
    _reason("the playlist contains no segments"),
    _reason("the video has no audio track, so there is nothing to transcribe"),
    _reason("the extracted audio is empty"),
    _reason("ffmpeg could not extract the audio track"),
    _reason("ffmpeg did not finish within {seconds} s and was stopped", seconds=r"\d+"),
    _reason("yt-dlp could not extract the video: {detail}"),
    _reason("yt-dlp found the video but no downloadable format"),
    _reason("the download is not readable media: {detail}"),
    _reason("the process running run {run} died (killed or crashed) before this step finished", run=r"\w+"),
    _reason(
        "the process of run {run} died (killed or crashed) between steps, e.g. waiting for a pool slot", run=r"\w+"
    ),
    _reason("the run {run} failed before the pipeline finished", run=r"\w+"),
    _reason("the run {run} was cancelled before the pipeline finished", run=r"\w+"),
    _reason("VSL_TRANSCRIBER=openai needs OPENAI_API_KEY to be set"),
    # what the network guard says of an address it will not fetch (net.guard.check_address)
    *(
        _reason(
            f"the URL's host {{host}} {verb} {article} {{category}} address{after}, which the pipeline does not "
            "fetch; set VSL_ALLOW_PRIVATE_NETWORKS=1 to allow it",
            category=r"[\w ()./:-]+?",
        )
        for verb, after in (("is", ""), ("resolves to", " ({address})"))
        for article in ("a", "an")
    ),
    # URLs refused when added (vsl_assets.net.urls)
    _reason("empty URL"),
    _reason("URL is longer than {limit} characters", limit=r"\d+"),
    _reason("URL contains whitespace or control characters"),
    _reason("malformed URL: {detail}"),
    _reason("unsupported URL scheme {scheme}: only http and https URLs can be added"),
    _reason("URLs with embedded credentials (user:password@) are not accepted"),
    _reason("URL has no host name"),
    _reason("invalid host name {host}"),
    _reason("the URL starts with http// or https// without the colon: write http:// or https://"),
    # the web's own refusals (error pages)
    _reason("no VSL with key {key}"),
    _reason("no board {board}", board=r"\d+"),
    _reason("no batch {batch} of yours", batch=r"\d+"),
    _reason("no live token {token} of yours", token=r"\d+"),
    _reason("{key} is not on board {board}", board=r"\d+"),
    _reason("no deleted board {board} of yours to restore", board=r"\d+"),
    _reason("no saved search {saved} of yours", saved=r"\d+"),
    _reason("no UI language {code}; choose one of {languages}"),
    _reason("language {value} is not one the search knows: use one of {languages}"),
    _reason("language and lang disagree ({given})"),
    _reason("Not Found"),
    _reason("Method Not Allowed"),
    _reason("missing or invalid CSRF token; reload the page and try again"),
    _reason("missing or invalid CSRF token; reload the login page"),
    _reason("too many failed logins; try again in {seconds} s", seconds=r"\d+"),
    _reason("internal error: the server could not answer this; it is logged"),
    _reason("request body too large: at most {mb} MB (VSL_WEB_MAX_BODY_MB); send less at a time", mb=r"[\d.e+-]+"),
    _reason(
        "the request holds a character that is not text (a NUL or an unpaired surrogate); remove it and send again"
    ),
    _reason("no URLs given"),
    _reason("the OpenAI engine needs an API key; set OPENAI_API_KEY"),
    # compare's refusals (services.compare.parse_keys, web/routers/compare.py)
    _reason("keys: at most {limit} VSLs at once, got {count}", limit=r"\d+", count=r"\d+"),
    _reason("keys: at most {limit} VSLs at once", limit=r"\d+"),
    _reason("keys: at most {limit} VSL keys, separated by commas", limit=r"\d+"),
    _reason("keys: {key} is not a VSL key"),
    _reason("what changed compares exactly 2 VSLs (keys=OLD,NEW), got {count}", count=r"\d+"),
)


@dataclass(frozen=True)
class Reason:
    """A failure reason as shown: ``text`` in the reader's language, ``raw`` as the pipeline wrote it."""

    text: str
    raw: str

    @property
    def translated(self) -> bool:
        return self.text != self.raw

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.raw)


def reason(lang: str, raw: str | None) -> Reason:
    """``raw`` translated when it is a known reason (its variable parts carried over), else as is."""
    return _known(lang, raw, REASONS)


def _known(lang: str, raw: str | None, patterns: tuple[ReasonPattern, ...]) -> Reason:
    raw = raw or ""
    text = raw.strip()
    for known in patterns:
        found = known.pattern.match(text)
        if found is None:
            continue
        parts = {name: _hole(lang, name, value) for name, value in found.groupdict().items()}
        return Reason(plural_format(translate(lang, known.message), **parts), raw)
    return Reason(raw, raw)


def _hole(lang: str, name: str, value: str) -> str:
    """A variable part in the reader's terms: a language code as its name, a decimal in the
    locale's digits ("0,42"), a reason inside a reason translated, a known phrase ("stream URL")."""
    if name == "reason":  # "retrying after attempt 2: HTTP 503 ..."
        return reason(lang, value).text
    if name in ("language", "heard"):
        return language_name(lang, value, in_sentence=True)
    if name == "languages":
        return ", ".join(language_name(lang, code.strip(), in_sentence=True) for code in value.split(","))
    if name in ("probability", "minimum"):
        return fmt_number(lang, float(value), 2)
    if name == "seconds_total":
        return fmt_number(lang, float(value))
    if name in ("quote", "code"):  # words of the transcript, a script's own name: as written
        return value
    if name == "role":
        return label(lang, "role", value)
    if name in ("host", "address"):
        return value
    if name == "ranked":  # "pt 0.67, es 0.33": each language by name, its score in the locale's digits
        return ", ".join(_ranked(lang, part) for part in value.split(", "))
    if name == "category":  # "loopback", "private"... (net.guard.address_category)
        return MESSAGES.get(lang, {}).get(f"address:{value}", value)
    return translate(lang, value)


def _ranked(lang: str, part: str) -> str:
    code, _, score = part.rpartition(" ")
    try:
        return f"{language_name(lang, code, in_sentence=True)} {fmt_number(lang, float(score), 2)}"
    except ValueError:
        return part


_DECIMAL = r"\d+(?:\.\d+)?"
_CODE = r"[A-Za-z-]{1,16}"

#: What the transcription step writes on a transcript it does not trust
#: (``transcription.languages.language_warning``, ``speech_coverage.record_coverage``) and how it
#: says where a detected language came from (``language_id.LanguageGuess.describe``), worded as
#: the domain code words them: a test builds each from the real functions.  Matched the same way
#: as failure reasons; any other text is shown as written.
WARNINGS: tuple[ReasonPattern, ...] = (
    _reason(
        "{count} stretch(es) of speech, {seconds_total} s in all, have no text: {holes}",
        count=r"\d+",
        seconds_total=r"\d+",
    ),
    _reason(
        "{count} stretch(es) of speech, {seconds_total} s in all, have no text (still missing after re-transcribing "
        "{windows} window(s)): {holes}",
        count=r"\d+",
        seconds_total=r"\d+",
        windows=r"\d+",
    ),
    _reason("the language could not be detected"),
    _reason(
        "the model transcribes English only and could not check the language (expected: {languages})",
        languages=r"[a-z, ]+",
    ),
    _reason(
        "detected language '{language}' is not one of the expected languages ({languages})",
        language=_CODE,
        languages=r"[a-z, ]+",
    ),
    _reason(
        "language '{language}' was detected with probability {probability}, under {minimum}: check it, or "
        "re-transcribe with the right language",
        language=_CODE,
        probability=_DECIMAL,
        minimum=_DECIMAL,
    ),
    _reason(
        "language ID heard '{heard}' ({probability}); a trial transcription in each allowed language chose "
        "'{language}' ({ranked})",
        heard=_CODE,
        probability=_DECIMAL,
        language=_CODE,
    ),
    _reason(
        "language ID heard '{heard}' ({probability}); chosen among the allowed languages: '{language}' ({ranked})",
        heard=_CODE,
        probability=_DECIMAL,
        language=_CODE,
    ),
)


def warning(lang: str, raw: str | None) -> Reason:
    """A transcript's warning or language note in the reader's language (raw kept), else as written
    (English is the text the code wrote: shown as is, with no fold repeating it)."""
    if lang not in MESSAGES:
        return Reason(raw or "", raw or "")
    if lang == "en":  # as written, but for the few the English catalog words better (plurals)
        shown = _known(lang, raw, tuple(w for w in WARNINGS if w.message in MESSAGES["en"]))
        return Reason(shown.text, shown.text)
    return _known(lang, raw, WARNINGS)


#: Why the breakdown read an amount as it did (``breakdown.prices``: ``PriceMention.why``, parts
#: joined by "; ") and where a page's reveal second was read (``media.pages``: ``cta_source``,
#: "page script setTimeout"), as the domain code words them; matched like failure reasons.
EXPLANATIONS: tuple[ReasonPattern, ...] = (
    _reason('instalment: "{quote}"'),
    _reason("a scale amount (millions)"),
    _reason("income: the next sentence says it is earned"),
    _reason('income: "{quote}"'),
    _reason('per unit: "{quote}"'),
    _reason('"{quote}" (a comparison)'),
    _reason("relative amount (more / off / saving)"),
    _reason('rejected: "{quote}"'),
    _reason("bonus value (free / valued at)"),
    _reason('what someone would pay: "{quote}"'),
    _reason('what was spent: "{quote}"'),
    _reason('anchor: a price someone else wanted ("{quote}")'),
    _reason('anchor: a lower price follows after "{quote}"'),
    _reason("anchor: a stated value (valued at)"),
    _reason('anchor: "{quote}"'),
    _reason('a later price: "{quote}"'),
    _reason('cost of something else: "{quote}"'),
    _reason("offer cue: the amount said as a sentence of its own"),
    _reason("offer cue: a spoken price (hundreds) its payment plan adds up to"),
    _reason("offer cue: one item of a price list (label \u2014 amount)"),
    _reason('offer cue: "{quote}"'),
    _reason("offer: the lower price after the contrast"),
    _reason("no cue"),
    _reason('"{quote}": a bound, not a price'),
    _reason("said per month"),
    _reason('"de ... por ..." ({role})', role=r"[a-z_]+"),
    _reason("a range of amounts (a rate or a result, not a price)"),
    _reason("another package / tier than the base offer"),
    _reason("page script {code}"),
    _reason("same-site script {code}"),
    _reason("page ClickFunnels timed element"),
    _reason("vturb config {code}"),
    _reason("Panda config {code}"),
)


def explain(lang: str, raw: str | None, role: str | None = None) -> Reason:
    """A price's reading or a reveal's source in the reader's language when every part of it is
    known (raw kept), else as written: half a sentence translated reads worse than English.

    ``role``: the price's role, shown just before the reading ("anchor: <reading>"); a reading
    that opens with that same word ("anchor: a lower price follows...") drops it, so the page
    does not say "anchor: anchor: ..." (the raw text keeps it)."""
    raw = raw or ""
    if lang not in MESSAGES or lang == "en" or not raw:
        shown = Reason(raw, raw)
    else:
        parts = [_known(lang, part, EXPLANATIONS) for part in raw.split("; ")]
        shown = (
            Reason("; ".join(part.text for part in parts), raw)
            if all(p.translated for p in parts)
            else Reason(raw, raw)
        )
    if role:
        said = label(lang, "role", role) + ": "
        if shown.text[: len(said)].casefold() == said.casefold() and len(shown.text) > len(said):
            return Reason(shown.text[len(said) :], raw)
    return shown


# -- numbers, money, dates, durations ----------------------------------------------------------


@lru_cache(maxsize=16)
def _number_pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=256)
def _currency_symbol(code: str) -> str:
    return get_currency_symbol(code, "pt_BR")


@lru_cache(maxsize=16)
def _symbol_after(lang: str) -> bool:
    """Whether the locale writes the currency after the number (CLDR's standard currency pattern)."""
    return _babel(lang).currency_formats["standard"].pattern.split(";")[0].strip().endswith("¤")


@lru_cache(maxsize=4096, typed=True)
def fmt_number(lang: str, value: float | int | None, decimals: int = 0) -> str:
    """``value`` with the locale's digits and separators ("1.234,50"); cached per value (typed:
    1 and 1.0 are kept apart), as a page formats the same prices and counts again and again."""
    if value is None:
        return ""
    # A parsed pattern applied directly: format_decimal would parse it again on every call (a
    # library page formats dozens of prices).
    return _number_pattern(decimals).apply(value, _babel(lang))


@lru_cache(maxsize=4096, typed=True)
def fmt_money(lang: str, amount: float | None, currency: str | None) -> str:
    """``R$ 19,70`` in pt-BR, ``US$ 37.00`` in English, ``37,00 US$`` in Spanish; no currency: the bare amount.

    The number and the symbol's side follow the locale (CLDR); the symbol is the one that says which
    dollar (``US$``, ``MX$``, ``R$``: the Brazilian forms, unambiguous in every language), with a
    non-breaking space so the two never wrap apart.
    """
    if amount is None:
        return ""
    number = fmt_number(lang, amount, 2)
    if not currency:
        return number
    symbol = _currency_symbol(currency.upper())
    return f"{number}\u00a0{symbol}" if _symbol_after(lang) else f"{symbol}\u00a0{number}"


#: The cookie in which the browser says its time zone (an IANA name, set by ``app.js``).
TZ_COOKIE = "vsl_tz"


@lru_cache(maxsize=64)
def time_zone(name: str | None) -> ZoneInfo:
    """The viewer's zone from the browser's IANA name ("America/Sao_Paulo"); UTC when none was
    sent or the name is not a zone (the cookie is the browser's to write, so it is checked)."""
    if name:
        name = unquote(name)[:64]
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):  # not found (a KeyError), a malformed key, a folder
            pass
    return ZoneInfo("UTC")


def fmt_date(lang: str, value: datetime | None, zone: str | None = None) -> str:
    """The locale's medium date and a 24-hour time in the viewer's zone, the zone always named:
    "6 de dez. de 2026 13:05 BRT", "Dec 6, 2026 13:05 BRT", "Dec 6, 2026 16:05 UTC" (the one rule
    for every date shown; the zone's name from :func:`_zone_name`).

    A stored instant without a zone is UTC (the database keeps UTC; SQLite drops the offset)."""
    if value is None:
        return ""
    locale = _babel(lang)
    tz = time_zone(zone)
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(tz)
    key = (lang, str(tz), local.utcoffset(), local.dst())
    name = _zone_names.get(key)
    if name is None:
        name = _zone_names.setdefault(key, _zone_name(lang, tz, local))
    return f"{format_date(local, 'medium', locale=locale)} {format_time(local, 'HH:mm', locale=locale)} {name}"


#: What Babel writes for a zone its locale has no short name for: a bare offset ("-0300").
_RAW_OFFSET = re.compile(r"[+-]\d{4}")
#: Zone names by (language, zone, offset, daylight saving): a few zones are ever shown.
_zone_names: dict[tuple[str, str, timedelta | None, timedelta | None], str] = {}


def _zone_name(lang: str, tz: ZoneInfo, when: datetime) -> str:
    """The zone's short name at ``when`` as one of the UI's languages writes it ("BRT", "EST",
    "CET"), the reader's first: Babel's English has no short name for Brasília's zone (CLDR lists
    it only for pt-BR), so an English reader in São Paulo saw "-0300" where a Portuguese one saw
    "BRT".  A zone none of them names is written in the reader's GMT form ("GMT+05:30")."""
    for code in dict.fromkeys((lang, *LANGUAGES)):
        name = format_time(when, "z", tzinfo=tz, locale=_babel(code))
        if not _RAW_OFFSET.fullmatch(name):
            return name
    return format_time(when, "OOOO", tzinfo=tz, locale=_babel(lang))


def fmt_duration(lang: str, seconds: float | None, direction: bool = False) -> str:
    """A span in words: "16 minutos", with ``direction`` "em 16 minutos" (an ETA)."""
    if seconds is None:
        return ""
    return format_timedelta(
        timedelta(seconds=max(0.0, seconds)), locale=_babel(lang), add_direction=direction, threshold=1.5
    )


def fmt_eta(lang: str, when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    return fmt_duration(lang, (when - now).total_seconds(), direction=True)


def fmt_clock(value: float | None) -> str:
    return "" if value is None else clock(value)


def seek_at(seconds: float) -> float:
    """The ``?t=`` of a moment that starts at ``seconds``: the first tenth at or after it.

    Rounded down (``|int``) or to the nearest tenth, the second can fall before the start, inside
    the segment before it, which the VSL page then plays and highlights: a search hit said at
    10.62 s opened on the sentence said at 10.0 s (``round`` to 10.6)."""
    return math.ceil(round(seconds * 10, 6)) / 10


def install(env: Environment) -> None:
    """Filters the templates use; each takes the page's language as its first argument."""
    env.globals["translate"] = translate
    env.filters["clock"] = fmt_clock
    env.filters["seek"] = seek_at
    env.globals["fmt_number"] = fmt_number
    env.globals["fmt_money"] = fmt_money
    env.globals["fmt_date"] = fmt_date


def export_words(lang: str, zone: str | None = None) -> Words:
    """How an export speaks to a reader of ``lang``: the pages' catalog, labels and Babel formats,
    so a swipe document or a table reads as the pages do ("Consciente do problema", "R$ 197,00")."""
    return Words(
        lang=lang,
        text=lambda text: translate(lang, text),
        label=lambda kind, code: label(lang, kind, code),
        money=lambda amount, currency: fmt_money(lang, amount, currency),
        number=lambda value, decimals: fmt_number(lang, value, decimals),
        date=lambda value: fmt_date(lang, value, zone),
    )


@dataclass(frozen=True, slots=True)
class CardText:
    """What a library card shows of one VSL in the reader's words: its name and initial, and its
    coded values (language, niche, lead) and price as labels.

    Made for a whole page in one call (``card_texts``): asked for one by one from the template,
    each value was a call through Jinja's runtime, about seven a card."""

    name: str
    initial: str
    language: str
    niche: str
    lead: str
    price: str


def card_texts(lang: str, cards: Iterable[Any]) -> dict[str, CardText]:
    """Each card's :class:`CardText`, by partition key (cards are ``services.schemas.VslCard``)."""
    out: dict[str, CardText] = {}
    for c in cards:
        untitled = c.title_source == "none"
        name = translate(lang, c.title) if untitled else c.title
        out[c.partition_key] = CardText(
            name=name,
            initial=name[:1].upper() if name[:1].isalpha() and not untitled else "▶",
            language=label(lang, "language", c.language),
            niche=label(lang, "niche", c.niche),
            lead=label(lang, "lead", c.lead_type),
            price=fmt_money(lang, c.price, c.currency),
        )
    return out


def template_helpers(lang: str, zone: str | None = None) -> dict[str, Any]:
    return {
        "lang": lang,
        "languages_ui": LANGUAGE_NAMES,
        "_": lambda text: translate(lang, text),
        "label": lambda kind, code: label(lang, kind, code),
        "reason": lambda raw: reason(lang, raw),
        "warning": lambda raw: warning(lang, raw),
        "explain": lambda raw, role=None: explain(lang, raw, role),
        # a title as a list shows it (boards): "Untitled VSL" is the one the reader's language words
        "vsl_name": lambda title, fallback="": translate(lang, title) if title == UNTITLED else (title or fallback),
        "num": lambda value, decimals=0: fmt_number(lang, value, decimals),
        "money": lambda amount, currency: fmt_money(lang, amount, currency),
        "date": lambda value: fmt_date(lang, value, zone),
        "duration": lambda seconds: fmt_duration(lang, seconds),
        "eta": lambda when, now=None: fmt_eta(lang, when, now),
        "card_texts": lambda cards: card_texts(lang, cards),
    }
