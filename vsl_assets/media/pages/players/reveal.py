"""The second a sales page reveals its offer, read from the page's own delayed-reveal scripts.

Pages hide the buy button and show it when the pitch starts, whatever the player.  The timers
read here, from inline scripts and then from the page's same-site script files:

* vturb's generated snippets: ``SECONDS_TO_DISPLAY`` (with ``CLASS_TO_DISPLAY``), ``delaySeconds``
  and ``displayHiddenElements(N, [selectors])``; ``SECONDS_TO_DISPLAY`` may be set from a name
  (``window.buttonTiming``, also one another inline script sets), a formula of constants
  (``(min * 60) + sec + (ms / 1000)``) or an attribute of the hidden element or of ``<body>``
  (``parseInt(el.getAttribute("data-show-delay")) || 0``); a ``0`` set first is a placeholder;
* hand-written ``setTimeout(function () { … display = "block" … }, 1245000)`` (or
  ``classList.remove``, jQuery's ``.removeClass("d-none")``; also ``N * 1000``, a variable holding
  the delay — or computed from constants set before it, as JavaScript evaluates ``((min * 60) +
  sec) * 1000`` — a named function, or a string of code, ``setTimeout("mostrar()", espera)``), and
  jQuery ``$(sel).delay(ms).fadeIn()``;
* a delay kept as a clock string in a setting named for it (``tempoDeDelay: "24:32"``,
  ``delayTime = "1:05:00"``) and handed to the timer through a converting function; an amount
  added for the click on play is left out, since the string is the video's own second;
* named settings such as ``displayTime``/``TIME_TO_SHOW…``/``SECONDS_TO_SHOW…`` (seconds);
* a player clock compared with a drop time: Vidalytics' ``getCurrentVideoTime() >= N``, a
  ``currentTime >= N`` on the page's own player, also through a variable holding the clock
  (``var agora = player.getCurrentTime()``) and as a minified guard (``v.currentTime<t||show()``,
  ``t`` read at its last assignment before the guard, as one-letter names are reused);
* ClickFunnels' timed elements: ``data-timed-style="fade"`` with ``data-timed-minutes`` /
  ``data-timed-seconds`` on the element itself;
* wall-clock countdowns: ``Date.now() + 8 * 60 * 1000`` (or a variable holding it), judged by what
  the function that starts the countdown shows when it ends: a countdown that only writes digits
  (an offer-expiry bar) reveals nothing.

A ``setTimeout`` inside a function that another timer calls is counted from when that function runs,
not from page load (JavaScript's own semantics): after a short start-up wait (``setTimeout(init,
500)``) the wait is added; after a long or unreadable one (pop-ups started once the offer shows) it
is not an offer second by itself.

A timer counts only when it shows something (hiding alone is not showing), is at least
``MIN_SECONDS`` long (short timers are animations) and — when the script names what it reveals —
that element exists on the page: a timer aimed at an element the page lacks belongs to some other
page; a timer that shows social-proof toasts ("someone just bought") starts notifications, not the
offer; a same-site script's timer set in a function nothing on the page calls never runs there.
When timers compete, the one revealing the buy button or offer section wins over others (comments,
pop-ups); among equals the first read wins.  External files are read only when the inline scripts
hold no timer, through :mod:`page_scripts` (same host only, its limit, the guarded fetcher, each
file once).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

from vsl_assets.media.pages.fetch import Fetcher
from vsl_assets.media.pages.page import Page
from vsl_assets.media.pages.players import page_scripts
from vsl_assets.media.pages.players.base import number

MIN_SECONDS = 10.0
#: Timers of one kind read per script, and variables resolved per lookup: a minified bundle may
#: hold thousands of ``setTimeout`` calls, and each is read against the whole file.
_MAX_MATCHES = 100
_MAX_VARIABLES = 20
#: jQuery's ``.removeClass("d-none")`` is the same DOM change as ``classList.remove("d-none")`` (jQuery's
#: documented API; Bootstrap's ``d-none`` is ``display: none``): pages7 real page r7-oportunidade-vsl
#: (``setTimeout(() => { $('.continue').removeClass('d-none') }, 480000)``), and public code-corpus
#: files 26133097463 and 26633102231 (a lesson video whose next button is revealed so, 4 s).
_SHOWS = re.compile(
    r"display|classList\.(?:remove|add|toggle)|\.removeClass\(|\.show\(|fadeIn|slideDown|visibility|hidden|"
    r"esconder|reveal|opacity|removeAttribute|\bshow[A-Z]\w*\(",
    re.I,
)
#: What hides an element (CSS ``display: none``, the HTML ``hidden`` state, jQuery's ``hide``/``fadeOut``,
#: a hiding class added): a timer whose body does only this shows nothing, e.g. a loader's 10 s
#: fallback (``setTimeout(hideLoader, 10000)`` with ``loader.style.display = "none"``: public repo
#: EasyEarl1/YTASITE, 1k-free.html and 75-rpm-niche-revealed.html) — CSS/DOM semantics, not a page count.
_HIDES = re.compile(
    r"""\.style\.display\s*=\s*["'`]none["'`]|\.css\(\s*["']display["']\s*,\s*["']none["']\s*\)|"""
    r"""\.(?:hide|fadeOut|slideUp)\(\s*(?:\d+\s*)?\)|\.hidden\s*=\s*(?:true|!0)|"""
    r"""(?:classList\.add|addClass)\(\s*["'](?:d-none|hidden|hide|oculto|esconder)["']\s*\)|"""
    r"""\.style\.visibility\s*=\s*["'`]hidden["'`]""",
    re.I,
)
#: Words naming the buy button / offer section; words naming what is *not* the offer.
_BUY = re.compile(
    r"buy|compra|checkout|cta|ofert|offer|pric|preco|preço|order|pedido|\bkit|pacote|package|btn|button|bot[aã]o|"
    r"garant|cart|carrinho|pay|pagamento|hotmart|kiwify|esconder|pitch|plan|cupom|coupon",
    re.I,
)
_NOT_OFFER = re.compile(r"coment|comment|faq|depoiment|testimon|review|chat|popup|exit|cookie|notif|whats", re.I)
#: Social-proof toasts ("someone just bought"): a timer that only shows these starts the fake
#: purchase notifications, never the offer, however long it waits — extra page
#: vturb-v4-notification-timer-only_thetrucoasiatico-truque (180 s), the pv and pv1 pages of public
#: repo GGlistano/lifeboostsecrets.online (480 s, 180 s), and vinicin0102/ed-02's script.js (14 s,
#: beside the real 1380 s reveal of extra page panda-iframe-samesite-timer_ed02-vsl).
_SOCIAL_PROOF = re.compile(r"notif|social-?proof|prova-?social|toast|sales-?pop|purchase-?pop|fomo", re.I)
_STRING = r"""["'`]([^"'`]{1,200})["'`]"""

#: A delay written as arithmetic: ``1820``, ``18 * 60 + 25``, ``(8 * 60 + 20) * 1000``.
_EXPR = r"\(?\s*\d+(?:\.\d+)?(?:\s*[*+]\s*\(?\s*\d+(?:\.\d+)?\s*\)?)*\s*\)?(?:\s*\*\s*\d+)?"
#: ``SECONDS_TO_DISPLAY = <expression>``: a number, or — as JavaScript evaluates it — a name or a
#: formula of names the script set before (``window.SECONDS_TO_DISPLAY = window.buttonTiming`` with
#: ``window.buttonTiming = 2094``: extra page plantsulin-index; ``(DELAY_MINUTES * 60) +
#: DELAY_SECONDS + (DELAY_MS / 1000)``: pages5 page r5-frecuenciadavinci-vsl, its /vsl/vsl.js).
#: Also ``parseInt(<element>.getAttribute("data-…"), 10) || <default>``, the delay written on the
#: hidden element or on <body> (pages5 page r5-prazeresdacama-vsl; public code-corpus files
#: 44121957436 — the same snippet — and 71182842752, ``document.body`` with a default).
_VTURB_SECONDS_ANY = re.compile(r"\bSECONDS_TO_DISPLAY\s*=(?!=)\s*(?P<rhs>[^;\n]{1,200})")
_VTURB_SECONDS_EXPR = re.compile(r"(?P<expr>[\w$ \t*+/().]{1,160}?)\s*(?=[;,\n}]|$)")
_READS_ATTRIBUTE = re.compile(
    r"""parseInt\(\s*(?P<el>document\.body|[A-Za-z_$][\w$]*)\.getAttribute\(\s*["'](?P<attr>[\w:-]{1,60})["']\s*\)"""
    r"""\s*(?:,\s*10\s*)?\)(?:\s*\|\|\s*(?P<fallback>\d+(?:\.\d+)?))?"""
)
_VTURB_CLASS = re.compile(r"\b(?:CLASS|ELEMENT|SELECTOR)S?_TO_DISPLAY\s*=\s*" + _STRING)
_VTURB_DELAY = re.compile(r"\bdelaySeconds\s*=\s*(" + _EXPR + ")")
_VTURB_HIDDEN = re.compile(
    r"\.displayHiddenElements\(\s*(?P<n>\d+(?:\.\d+)?|[A-Za-z_$][\w$]*)\s*,\s*\[(?P<sels>[^\]]*)\]"
)
_TIMEOUT = re.compile(r"\bsetTimeout\s*\(")
_JQ_DELAY = re.compile(
    r"""\$\(\s*["'](?P<sel>[^"']{1,120})["']\s*\)\s*\.delay\(\s*(?P<ms>[\w$.* ]{1,40})\)\s*\.(?:fadeIn|show|slideDown|css|removeClass|addClass)\b"""
)
_NAMED_SECONDS = re.compile(
    r"\b(?P<name>(?:display_?time|time_?to_?(?:show|display)\w*|seconds?_?to_?(?:show|display)\w*|show_?(?:after|time)"
    r"_?(?:seconds|secs)?|tempo_?(?:para_?)?(?:exibir|mostrar)\w*))\s*[:=]\s*(?P<n>" + _EXPR + r")",
    re.I,
)
_CLOCK = re.compile(
    r"(?:getCurrentVideoTime\(\)|getCurrentTime\(\)|\.currentTime)\s*>=?\s*(?P<n>\d+(?:\.\d+)?|[A-Za-z_$][\w$]*)"
)
#: The same clock read into a variable first (``var agora = player.getCurrentTime();`` … ``agora >=
#: LIBERAR``): the variable holds the clock, as JavaScript evaluates it (pages6 real page
#: r6-blackmediasleuth-vslep1; its sibling vsl1 page in the same repo, and s1's ``const now =
#: Math.floor(player.video.currentTime || 0)``).
_CLOCK_READ = r"(?:getCurrentVideoTime\(\)|getCurrentTime\(\)|\.currentTime\b)"
#: The value may pick the player's method with a fallback (``typeof p.getCurrentTime === 'function' ?
#: p.getCurrentTime() : p.video.currentTime || 0``: public repo Lucius-Brandhuber/codigo-mensagem-
#: magnetica-quiz, vsl2.html); arithmetic makes it something else (time left, minutes), see
#: ``_holds_clock``.
_DECLARES = re.compile(r"\b(?:var|let|const)\s+(?P<name>[A-Za-z_$][\w$]*)\s*=(?!=)")
#: ``clock < N || show()``: the guard a minifier makes of ``if (clock < N) return; show()`` — the call
#: runs once the clock reaches N.  vturb's timeupdate snippet as page builders ship it minified
#: (``c.video.currentTime<t||n()`` after ``var t=1430``, or the number inlined): public repos
#: Danaga04/uhealthy.site v1/js, Dedoxx1221/wellnessdaily.lifestyle neuro/js and dpv1/js,
#: MchrDigital/naturalhealthdailyguide laisygdbcao/js (three independent owners).
_GUARD_AFTER = r"\s*<\s*(?P<n>\d+(?:\.\d+)?|[A-Za-z_$][\w$]*)\s*\|\|\s*(?P<call>[A-Za-z_$][\w$]*)\s*\("
_CLOCK_GUARD = re.compile(_CLOCK_READ + _GUARD_AFTER)
_WALL_CLOCK = re.compile(
    r"(?:Date\.now\(\)|new\s+Date\(\)\.getTime\(\)|\.getTime\(\))\s*\+\s*"
    r"(?P<expr>\d+(?:\s*\*\s*\d+)*|[A-Za-z_$][\w$]*(?:\s*\*\s*\d+)?)"
)
_TARGETS = re.compile(
    r"""(?:getElementById|querySelector(?:All)?|getElementsByClassName|\$|jQuery)\(\s*["'`]([^"'`]{1,120})["'`]"""
)
_NAMED_TARGET = re.compile(r"\b\w*(?:_ID|_CLASS|CLASS_\w+|_SELECTOR|Id|Selector)\s*=\s*" + _STRING)


@dataclass(frozen=True)
class Timer:
    """One reveal timer a script sets: when, what it shows, and which snippet said so."""

    seconds: float
    source: str
    #: Selectors the timer reveals (``#id``, ``.class``, ``tag``); empty when the script does not say.
    targets: tuple[str, ...]
    #: Text that tells what is revealed (the targets and the timer's body), for ranking.
    about: str
    #: The targets are what this timer itself shows (its body, its selector list), so a page without
    #: them is not this timer's page; script-wide lookups only help ranking.
    strict: bool = True
    #: The named function whose body sets this timer (None at top level or in anonymous callbacks).
    inside: str | None = None


def page_reveal(page: Page, fetcher: Fetcher | None = None) -> tuple[float | None, str | None]:
    """``(seconds, where)`` of the page's reveal, or ``(None, None)``.

    With a ``fetcher``, the page's same-site script files are read when no inline script has one.
    """
    attribute = _attribute_reader(page)
    timers = [t for t in _all_timers(page.scripts(), "page script", attribute) if _counts(page, t)]
    timers += [t for t in _timed_elements(page) if _counts(page, t)]
    if not timers and fetcher is not None:
        texts = [s.text for s in page_scripts.read(fetcher, page, same_site=True)]
        timers = [
            t for t in _all_timers(texts, "same-site script", attribute) if _counts(page, t) and _called(page, texts, t)
        ]
    if not timers:
        return None, None
    best = max(enumerate(timers), key=lambda item: (_offer_score(item[1]), -item[0]))[1]
    return best.seconds, best.source


#: ClickFunnels' timed elements: hidden by its stylesheet, shown ``data-timed-minutes`` and
#: ``data-timed-seconds`` after load; ``no-action`` is its setting for "not timed".
_TIMED_STYLES = frozenset({"fade", "scale"})


def _timed_elements(page: Page) -> Iterable[Timer]:
    for element in page.elements:
        if element.get("data-timed-style").strip().lower() not in _TIMED_STYLES:
            continue
        minutes = number(element.get("data-timed-minutes").strip() or "0")
        seconds = number(element.get("data-timed-seconds").strip() or "0")
        if minutes is None or seconds is None:
            continue
        ref = f"#{element.get('id')}" if element.get("id") else ""
        about = " ".join(filter(None, [ref, element.get("class"), element.get("data-title")]))
        yield Timer(minutes * 60 + seconds, "page ClickFunnels timed element", (), about, strict=False)


def timers_in(text: str, where: str = "page script") -> list[Timer]:
    """Every reveal timer one script sets, in the order they are read (not yet checked on a page)."""
    return list(_timers(text, where))


#: Reads an attribute of a page element a script names: ``(element reference, attribute) -> value``
#: (the reference is ``document.body`` or a selector), None when the page has no such value.
_AttributeReader = Callable[[str, str], str | None]


def _attribute_reader(page: Page) -> _AttributeReader:
    def read(ref: str, attribute: str) -> str | None:
        if ref == "document.body":
            found = page.find("body")
            return found[0].attrs.get(attribute) if found else None
        ids = re.fullmatch(r"#([\w-]+)", ref)
        if ids is None:
            return None
        element = next((e for e in page.elements if e.get("id") == ids.group(1)), None)
        return element.attrs.get(attribute) if element is not None else None

    return read


def _all_timers(texts: Iterable[str], where: str, attribute: _AttributeReader | None = None) -> list[Timer]:
    # The scripts of one page share their global names (``window.buttonTiming`` set in one inline
    # script, read by ``SECONDS_TO_DISPLAY`` in another): their joined text is where a name one
    # script does not set is looked up.
    scripts = list(texts)
    shared = "\n;\n".join(scripts) if len(scripts) > 1 else ""
    return [timer for text in scripts for timer in _timers(text, where, shared, attribute)]


def _timers(js: str, where: str, shared: str = "", attribute: _AttributeReader | None = None) -> Iterable[Timer]:
    everything = _script_targets(js, js)
    loose = " ".join(everything)
    # vturb's generated snippets (their names are kept as the source, as before).
    seconds = _vturb_seconds(js, shared, attribute)
    if seconds is not None:
        cls = _VTURB_CLASS.search(js)
        if cls:
            yield Timer(seconds, f"{where} SECONDS_TO_DISPLAY", _split(cls.group(1)), cls.group(1))
        else:
            yield Timer(seconds, f"{where} SECONDS_TO_DISPLAY", everything, loose, strict=False)
    for hidden in islice(_VTURB_HIDDEN.finditer(js), _MAX_MATCHES):
        value = _value(js, hidden.group("n"))
        sels = tuple(s for part in re.findall(_STRING, hidden.group("sels")) for s in _split(part))
        if value is not None:
            source = "delaySeconds" if not hidden.group("n")[0].isdigit() else "displayHiddenElements"
            yield Timer(value, f"{where} {source}", sels, " ".join(sels))
    match = _VTURB_DELAY.search(js)
    seconds = _arith(match.group(1)) if match else None
    if seconds is not None and not _VTURB_HIDDEN.search(js):
        yield Timer(seconds, f"{where} delaySeconds", everything, loose, strict=False)
    # setTimeout(fn, ms)
    for start in islice(_TIMEOUT.finditer(js), _MAX_MATCHES):
        timer = _timeout(js, start.end(), where)
        if timer is not None:
            yield timer
    for jq in islice(_JQ_DELAY.finditer(js), _MAX_MATCHES):
        ms = _milliseconds(js, jq.group("ms"))
        if ms is not None:
            sels = _split(jq.group("sel"))
            yield Timer(ms / 1000, f"{where} jQuery delay", sels, jq.group(0))
    for named in islice(_NAMED_SECONDS.finditer(js), _MAX_MATCHES):
        seconds = _arith(named.group("n"))
        if seconds is not None and (_SHOWS.search(js) or everything):
            yield Timer(seconds, f"{where} {named.group('name')}", everything, loose, strict=False)
    for clock in islice(_CLOCK.finditer(js), _MAX_MATCHES):
        value = _value(js, clock.group("n"))
        body = js[clock.end() : clock.end() + 400]
        if value is not None and _SHOWS.search(body + js):
            source = "getCurrentVideoTime" if "getCurrentVideoTime" in clock.group(0) else "player currentTime"
            near = _script_targets(body, js)
            yield Timer(value, f"{where} {source}", near or everything, body, strict=bool(near))
    yield from _clock_reads(js, where, everything)
    for wall in islice(_WALL_CLOCK.finditer(js), _MAX_MATCHES):
        ms = _milliseconds(js, wall.group("expr"))
        if ms is None:
            continue
        starter = _enclosing_function(js, wall.start())
        if starter is None:
            if _SHOWS.search(js):
                yield Timer(ms / 1000, f"{where} countdown", everything, loose, strict=False)
            continue
        # The countdown runs inside a named function: what it reveals is what that function (and
        # the functions it calls) shows, not whatever else the script does.
        shown = _with_called(js, starter)
        if _SHOWS.search(shown):
            near = _script_targets(shown, js)
            yield Timer(ms / 1000, f"{where} countdown", near or everything, shown, strict=bool(near))


def _clock_reads(js: str, where: str, everything: tuple[str, ...]) -> Iterable[Timer]:
    """Player clocks read through a variable (``agora >= N``) or as a minified guard
    (``clock < N || show()``); the plain ``clock >= N`` is read by ``_timers`` itself."""
    if "urrentTime" not in js and "getCurrentVideoTime" not in js:
        return  # no player clock read at all (most large bundles): skip the scans
    found: list[tuple[re.Match[str], float]] = []
    for guard in islice(_CLOCK_GUARD.finditer(js), _MAX_MATCHES):
        value = _value_before(js, guard.group("n"), guard.start())
        if value is not None:
            found.append((guard, value))
    for alias, after in islice(_clock_aliases(js), _MAX_VARIABLES):
        compare = re.compile(
            rf"(?<![\w$.]){re.escape(alias)}(?:\s*>=?\s*(?P<at_least>\d+(?:\.\d+)?|[A-Za-z_$][\w$]*)|{_GUARD_AFTER})"
        )
        for use in islice(compare.finditer(js, after, after + _BODY_LIMIT), _MAX_MATCHES):
            value = _value_before(js, use.group("at_least") or use.group("n"), use.start())
            if value is not None:
                found.append((use, value))
    for match, value in found:
        # What runs once the clock is reached: the guard's call and on, or what follows ``>= N``.
        start = match.start("call") if match.group("call") else match.end()
        body = js[start : match.end() + 400]
        if _SHOWS.search(body + js):
            near = _script_targets(body, js)
            yield Timer(value, f"{where} player currentTime", near or everything, body, strict=bool(near))


def _clock_aliases(js: str) -> Iterable[tuple[str, int]]:
    """``(name, end of statement)`` of each variable declared to hold the player's clock: found from
    the clock reads back to their statement's start, so that a large bundle costs one scan."""
    seen: set[int] = set()
    for read in islice(re.finditer(_CLOCK_READ, js), _MAX_MATCHES):
        start = max(js.rfind(char, 0, read.start()) for char in ";{}") + 1
        statement = js[start : read.start()]
        declared = _DECLARES.match(js, start + len(statement) - len(statement.lstrip()))
        end = js.find(";", read.end(), read.end() + 120)
        if declared is None or declared.end() > read.start() or len(statement) > 200 or end < 0 or end in seen:
            continue
        seen.add(end)
        rhs = js[declared.end() : end]
        if "{" not in rhs and "}" not in rhs and _holds_clock(rhs):
            yield declared.group("name"), end


def _holds_clock(rhs: str) -> bool:
    """Whether a variable set to ``rhs`` holds the player's clock itself: clock reads, rounding,
    ``typeof`` checks and ``?:``/``||`` fallbacks — no arithmetic (``duration - currentTime`` is the
    time left, ``currentTime / 60`` minutes) and no other assignment."""
    text = re.sub(r"(?:===?|!==?|<=|>=)", " ", rhs)
    return not re.search(r"[-+*/%=]", text)


#: How far before a clock comparison its number's assignment is looked for.
_LOOKBACK = 20_000


def _value_before(js: str, token: str, at: int) -> float | None:
    """The number ``token`` is, or holds where it is read at ``at``: the last assignment before it,
    since a minified script reuses one-letter names in every function; else the script's first."""
    if token[0].isdigit():
        return number(token)
    assigned = re.compile(rf"(?<![\w$.]){re.escape(token)}\s*=(?!=)\s*(?P<expr>{_EXPR})(?=\s*[,;\n)}}])")
    last = None
    for last in assigned.finditer(js, max(0, at - _LOOKBACK), at):  # noqa: B007 - the last one is wanted
        continue
    return _arith(last.group("expr")) if last is not None else _variable(js, token)


def _vturb_seconds(js: str, shared: str = "", attribute: _AttributeReader | None = None) -> float | None:
    """The first non-zero ``SECONDS_TO_DISPLAY`` assignment whose value can be read (a ``0`` set
    first and replaced later is a placeholder), else ``0`` if that is all there is.  A browser's
    global ``window.name`` is the name itself; a name this script does not set is looked up in
    ``shared``, the page's scripts together; ``parseInt(el.getAttribute("data-…"))`` reads that
    attribute of the page element ``el`` is bound to (``attribute``)."""

    def names(name: str) -> float | None:
        found = _variable(js, name)
        return found if found is not None or not shared else _variable(shared, name)

    zero = None
    for match in islice(_VTURB_SECONDS_ANY.finditer(js), _MAX_MATCHES):
        seconds = _seconds_expression(js, match.group("rhs"), names, attribute)
        if seconds:
            return seconds
        zero = seconds if seconds is not None else zero
    return zero


def _seconds_expression(
    js: str, rhs: str, names: Callable[[str], float | None], attribute: _AttributeReader | None
) -> float | None:
    read = _READS_ATTRIBUTE.match(rhs)
    if read:
        value = _attribute_value(js, read.group("el"), read.group("attr"), attribute)
        if value is None and read.group("fallback"):
            value = number(read.group("fallback"))  # ``|| 3498``: the script's own default
        return value
    arithmetic = _VTURB_SECONDS_EXPR.match(rhs)
    if arithmetic is None:
        return None
    expr = re.sub(r"\bwindow\.(?=[A-Za-z_$])", "", arithmetic.group("expr"))
    seconds = _arith(expr, names)
    if seconds is None and (number_first := re.match(_EXPR, expr)):
        seconds = _arith(number_first.group(0))  # ``= 754`` before code with no separator
    return seconds


def _attribute_value(js: str, ref: str, name: str, attribute: _AttributeReader | None) -> float | None:
    """The number in attribute ``name`` of the element ``ref`` names (``document.body``, or a
    variable bound to a lookup of one element by id)."""
    if attribute is None:
        return None
    if ref != "document.body":
        binding = _index(js).bindings.get(ref)
        selectors = _script_targets(binding) if binding and "getElementById" in binding else ()
        if len(selectors) != 1:
            return None
        ref = selectors[0]
    raw = attribute(ref, name)
    match = re.match(r"\s*(\d+(?:\.\d+)?)", raw or "")
    return float(int(float(match.group(1)))) if match else None  # parseInt keeps the integer part


def _arith(expr: str, names: Callable[[str], float | None] | None = None) -> float | None:
    """The value of a delay written as sums, products and quotients of numbers (``18 * 60 + 25``), and —
    given ``names`` — of the constants the script set before (``(min * 60 + sec) * 1000``)."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None

    def value(node: ast.AST) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and names is not None:
            return names(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mult | ast.Div):
            left, right = value(node.left), value(node.right)
            if left is None or right is None or (isinstance(node.op, ast.Div) and right == 0):
                return None
            if isinstance(node.op, ast.Div):
                return left / right
            return left + right if isinstance(node.op, ast.Add) else left * right
        return None

    return value(tree.body)


def _timeout(js: str, at: int, where: str) -> Timer | None:
    """``setTimeout(<function>, <delay>)`` starting just after the ``(`` at ``at``."""
    call = _callback_and_delay(js, at)
    if call is None:
        return None
    body, delay = call
    body = _with_called(js, body)
    if not _SHOWS.search(_HIDES.sub(" ", body)):
        return None
    ms = _delay_ms(js, delay)
    if ms is None:
        return None
    started_after = _started_after(js, at)
    if started_after is None:
        return None
    inside = _enclosing_name(js, at)
    return Timer((ms + started_after) / 1000, f"{where} setTimeout", _script_targets(body, js), body, inside=inside)


#: A code string handed to a timer: ``"mostrar()"``, ``'show(1)'`` (no quotes inside).
_CODE_STRING = re.compile(r"""\s*(?P<q>["'])(?P<code>[^"'\\]{1,200})(?P=q)(?=\s*,)""")


def _callback_and_delay(js: str, at: int) -> tuple[str, str] | None:
    """The callback's body and the delay's text of the ``setTimeout(`` whose ``(`` ends at ``at``."""
    head = js[at : at + 200]
    fn = re.match(r"\s*(?:async\s+)?(?:function\s*[\w$]*\s*\([^)]*\)|\([^)]*\)\s*=>|[\w$]+\s*=>)\s*\{", head)
    if fn:
        open_at = at + fn.end() - 1
        close_at = _closing_brace(js, open_at)
        if close_at is None:
            return None
        body, rest_at = js[open_at + 1 : close_at], close_at + 1
    elif code := _CODE_STRING.match(head):
        # ``setTimeout("mostrar()", res)``: a string of code, which the timer runs as a script (the
        # HTML timers' string form); what it shows is what its calls show (``_with_called``).  Seen
        # on pages5 real page r5-saludcorpo-pv (its reveal) and as a counter's tick on extra pages
        # filhobrilhante, radiantoralhealth-pv and juliatetolas.
        body, rest_at = code.group("code"), at + code.end()
    else:
        named = re.match(r"\s*([A-Za-z_$][\w$]*)\s*,", head)
        if not named:
            return None
        body = _function_body(js, named.group(1)) or ""
        rest_at = at + named.end() - 1
    delay = re.match(r"\s*,\s*((?:[^()]|\([^()]*\)){1,100}?)\s*\)", js[rest_at : rest_at + 120])
    return (body, delay.group(1)) if delay else None


def _delay_ms(js: str, expr: str) -> float | None:
    ms = _milliseconds(js, expr)
    return ms if ms is not None else _clock_setting(js, expr)


def _enclosing_name(js: str, at: int) -> str | None:
    """The innermost named function whose body holds position ``at`` (None at top level or inside
    only anonymous functions)."""
    best: tuple[int, str] | None = None
    for name, open_at in _index(js).functions.items():
        # A body longer than ``_closing_brace`` reads is never found closed: only nearby openings.
        if at - _BODY_LIMIT < open_at < at and (best is None or open_at > best[0]):
            close = _closing_brace(js, open_at)
            if close is not None and close > at:
                best = (open_at, name)
    return best[1] if best else None


def _enclosing_function(js: str, at: int) -> str | None:
    name = _enclosing_name(js, at)
    return _function_body(js, name) if name else None


#: The start of an inline callback: ``function (…) {`` or ``(…) => {``.
_CALLBACK_OPENS = r"(?:async\s+)?(?:function\s*[\w$]*\s*\([^)]*\)|\([^)]*\)\s*=>)\s*\{"


def _started_after(js: str, at: int) -> float | None:
    """Milliseconds after page load at which the ``setTimeout`` at ``at`` is set: 0 at top level or
    in a function nothing times; a short start-up wait when another timer runs that function
    (``setTimeout(init, 500)``); None when that timer waits long or unknowably — the delay then
    counts from an event this cannot date (pop-ups started once the offer shows)."""
    name = _enclosing_name(js, at)
    if name is None:
        return 0.0
    escaped = re.escape(name)
    called = re.compile(
        rf"\bsetTimeout\s*\(\s*(?:{escaped}\s*,|[\"']{escaped}\s*\(|{_CALLBACK_OPENS}[^{{}}]{{0,300}}?(?<![\w$.]){escaped}\s*\()"
    )
    outer = called.search(js)
    if outer is None:
        return 0.0
    call = _callback_and_delay(js, outer.start() + js[outer.start() :].index("(") + 1)
    wait = _delay_ms(js, call[1]) if call else None
    return wait if wait is not None and wait < MIN_SECONDS * 1000 else None


def _with_called(js: str, body: str) -> str:
    """``body`` followed by the bodies of the functions it calls that this script defines (one
    level): ``setTimeout(function () { exibirOferta(); }, …)`` shows what ``exibirOferta`` shows."""
    called = dict.fromkeys(re.findall(r"(?<![\w$.])([A-Za-z_$][\w$]*)\s*\(", body))
    # A function the body defines itself is already in the body (and may share its name with
    # another script's function, e.g. two countdowns each with their own ``tick``).
    local = set(_index(body).functions)
    extra = [found for name in list(called)[:8] if name not in local and (found := _function_body(js, name))]
    return "\n".join([body, *extra])


#: How far a function body is read.
_BODY_LIMIT = 4000


def _closing_brace(js: str, open_at: int, limit: int = _BODY_LIMIT) -> int | None:
    depth = 0
    for i in range(open_at, min(len(js), open_at + limit)):
        char = js[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _function_body(js: str, name: str) -> str | None:
    at = _index(js).functions.get(name)
    if at is None:
        return None
    close = _closing_brace(js, at)
    return js[at + 1 : close] if close is not None else None


@dataclass(frozen=True)
class _Index:
    """Where one script defines its functions, numbers and element lookups (first definition wins),
    built in one pass so that each timer's lookups cost nothing however large the file."""

    functions: dict[str, int]
    numbers: dict[str, str]
    bindings: dict[str, str]
    #: Constants computed from other constants (``const delayMs = ((min * 60) + sec) * 1000``).
    formulas: dict[str, str] = field(default_factory=dict)


_NAME = r"[A-Za-z_$][\w$]*"
_DEFINES_FUNCTION = re.compile(
    rf"(?:function\s+(?P<a>{_NAME})\s*\([^)]*\)|\b(?P<b>{_NAME})\s*=\s*(?:function\s*\([^)]*\)|\([^)]*\)\s*=>))\s*\{{"
)
_ASSIGNS_NUMBER = re.compile(rf"\b(?P<name>{_NAME})\s*=\s*(?P<expr>{_EXPR})")
#: ``name = <sums and products of numbers and names>`` ending the statement.  This is the language's
#: own evaluation, not a guess: a delay set as ``((min * 60) + sec) * 1000`` after ``const min = 23``
#: and ``const sec = 0`` is 1 380 000 ms (seen on extra real page panda-iframe-samesite-timer_ed02-vsl,
#: its same-site script.js).  Names with no number behind them (a call, a property) leave it unknown.
_ASSIGNS_FORMULA = re.compile(
    rf"\b(?:const|let|var)\s+(?P<name>{_NAME})\s*=\s*(?P<expr>[\w$\s*+().]{{1,120}}?)\s*(?:;|\n)"
)
_BINDS_ELEMENT = re.compile(rf"\b(?P<name>{_NAME})\s*=\s*(?:document\.)?[\w$.]*?\(\s*[\"'`][^\"'`]+[\"'`]")


@lru_cache(maxsize=8)
def _index(js: str) -> _Index:
    functions: dict[str, int] = {}
    for match in _DEFINES_FUNCTION.finditer(js):
        functions.setdefault(match.group("a") or match.group("b"), match.end() - 1)
    numbers: dict[str, str] = {}
    for match in _ASSIGNS_NUMBER.finditer(js):
        numbers.setdefault(match.group("name"), match.group("expr"))
    bindings: dict[str, str] = {}
    for match in _BINDS_ELEMENT.finditer(js):
        bindings.setdefault(match.group("name"), match.group(0))
    formulas: dict[str, str] = {}
    for match in islice(_ASSIGNS_FORMULA.finditer(js), _MAX_MATCHES * 10):
        if re.search(r"[A-Za-z_$]", match.group("expr")) and re.search(r"[*+]", match.group("expr")):
            formulas.setdefault(match.group("name"), match.group("expr"))
    return _Index(functions, numbers, bindings, formulas)


def _milliseconds(js: str, expr: str) -> float | None:
    """A delay in ms: ``1245000``, ``900 * 1000``, ``DELAY * 1000`` or a variable holding ms."""
    expr = expr.strip()
    product = _product(expr)
    if product is not None:
        return product
    parts = [p.strip() for p in expr.split("*")]
    if not all(re.fullmatch(r"\d+(?:\.\d+)?|[A-Za-z_$][\w$.]*", p) for p in parts) or len(parts) > 4:
        return None
    total = 1.0
    for part in parts:
        value = number(part) if part[0].isdigit() else _variable(js, part)
        if value is None:
            return None
        total *= value
    return total


#: A setting holding a delay as a clock string: its name says delay/time/tempo, its value is
#: ``M:SS`` or ``H:MM:SS``.
_CLOCK_SETTING = r"\b{name}\s*[:=]\s*[\"'`](?P<clock>\d{{1,3}}(?::[0-5]?\d){{1,2}})[\"'`]"
_CLOCK_NAME = re.compile(r"delay|atraso|tempo|time", re.I)


def _clock_setting(js: str, expr: str, depth: int = 0) -> float | None:
    """The delay in ms when ``expr`` reads a clock-string setting (``toMs(CONFIG.tempoDeDelay)``),
    directly or through one variable (``const total = toMs(CONFIG.tempoDeDelay) + 3000``)."""
    for name in dict.fromkeys(re.findall(r"[A-Za-z_$][\w$]*", expr)):
        if _CLOCK_NAME.search(name):
            found = re.search(_CLOCK_SETTING.format(name=re.escape(name)), js)
            if found:
                parts = [int(p) for p in found.group("clock").split(":")]
                seconds = parts[0] * 60 + parts[1] if len(parts) == 2 else parts[0] * 3600 + parts[1] * 60 + parts[2]
                return seconds * 1000.0
        if depth == 0 and re.fullmatch(r"\s*[A-Za-z_$][\w$]*\s*", expr):
            assigned = re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*([^;\n]{{1,200}})", js)
            if assigned:
                return _clock_setting(js, assigned.group(1), depth + 1)
    return None


def _product(expr: str) -> float | None:
    parts = [p.strip() for p in expr.split("*")]
    if not parts or not all(re.fullmatch(r"\d+(?:\.\d+)?", p) for p in parts):
        return None
    total = 1.0
    for part in parts:
        total *= float(part)
    return total


#: How many constants deep a formula is followed (``delay`` -> ``total`` -> ``min``).
_FORMULA_DEPTH = 3


def _variable(js: str, name: str, depth: int = 0) -> float | None:
    index = _index(js)
    expr = index.numbers.get(name)
    if expr is not None:
        return _arith(expr)
    formula = index.formulas.get(name)
    if formula is None or depth >= _FORMULA_DEPTH:
        return None
    return _arith(formula, lambda other: None if other == name else _variable(js, other, depth + 1))


def _value(js: str, token: str) -> float | None:
    """A number written in place, or the number a variable of that name is set to."""
    return number(token) if token[0].isdigit() else _variable(js, token)


def _split(selectors: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in selectors.split(",") if s.strip())


def _script_targets(body: str, js: str | None = None) -> tuple[str, ...]:
    """Selectors a piece of script shows: literal lookups, ``X_ID``-style settings, and variables
    bound to a lookup elsewhere in ``js`` (``const buy = document.getElementById("buy")``)."""
    found: list[str] = []
    for match in _TARGETS.finditer(body):
        lookup = body[max(0, match.start() - 25) : match.start()] + match.group(0)[:25]
        sel = match.group(1)
        if "getElementById" in lookup:
            sel = f"#{sel}"
        elif "getElementsByClassName" in lookup:
            sel = f".{sel}"
        found.extend(_split(sel))
    for match in _NAMED_TARGET.finditer(body):
        name, value = match.group(0).split("=")[0].strip(), match.group(1)
        if value[0] in "#.":
            found.extend(_split(value))
        elif "CLASS" in name.upper():
            found.append(f".{value}")
        elif re.fullmatch(r"[\w-]+", value):
            found.append(f"#{value}")
    if js is not None:
        names = re.findall(r"\b([A-Za-z_$][\w$]*)\s*\.\s*(?:style|classList|removeAttribute|setAttribute)\b", body)
        bindings = _index(js).bindings
        for var in list(dict.fromkeys(names))[:_MAX_VARIABLES]:
            if var in bindings:
                found.extend(_script_targets(bindings[var]))
    return tuple(dict.fromkeys(found))


_SIMPLE = re.compile(r"^(?P<tag>[a-zA-Z][\w-]*)?(?P<rest>(?:[#.][\w-]+)*)")


def _exists(page: Page, selector: str) -> bool | None:
    """Whether the page has an element ``selector`` names (None: a selector this cannot judge)."""
    last = re.split(r"[\s>+~]+", selector.strip())[-1]
    last = re.sub(r"\[[^\]]*\]|:{1,2}[\w-]+(?:\([^)]*\))?", "", last)
    match = _SIMPLE.match(last)
    if not match or match.end() != len(last) or not last:
        return None
    tag = (match.group("tag") or "").lower()
    ids = re.findall(r"#([\w-]+)", match.group("rest"))
    classes = set(re.findall(r"\.([\w-]+)", match.group("rest")))
    for element in page.elements:
        if tag and element.tag != tag:
            continue
        if ids and element.get("id") not in ids:
            continue
        if classes and not classes <= set(element.classes):
            continue
        return True
    return False


def _called(page: Page, texts: list[str], timer: Timer) -> bool:
    """Whether the function that sets ``timer`` can run on this page: a site-wide script file holds
    functions for several pages, and one nothing on this page names (no call, handler attribute,
    listener or callback reference in the page or in its same-site scripts) never runs here, so
    neither does its timer — JavaScript runs a function's body only when it is called (the rule
    rests on that, not on a page count).  Seen on the quiz pages spotify/ and spotpremiado/ of public
    repo GGlistano/lifeboostsecrets.online and verificar-conta/ of GGlistano/thetrucoasiatico.site,
    whose site-wide js/scripts.js chains quiz pop-ups 10 s apart in a function none of them calls
    (read as a 10 s reveal before); on pages6's dev pool of 98 pages whose reveal lives in same-site
    scripts, these three are the only ones it changes."""
    if timer.inside is None:
        return True
    name = re.escape(timer.inside)
    # A call (``in1()``, also in a handler or a string of code) or the function handed on as a value
    # (``addEventListener("click", in1)``, ``window.onload = in1``); its own ``function in1(`` is not.
    used = re.compile(rf"(?<![\w$.]){name}\s*\(|[(,=:]\s*{name}\s*[),;}}]")
    defined = re.compile(rf"\bfunction\s+{name}\s*\(")
    handlers = (v for e in page.elements for k, v in e.attrs.items() if k.startswith("on") or k == "href")
    sources = [*page.scripts(), *handlers, *texts]
    return sum(len(used.findall(text)) - len(defined.findall(text)) for text in sources) > 0


def _counts(page: Page, timer: Timer) -> bool:
    if timer.seconds < MIN_SECONDS:
        return False
    toasts = [t for t in timer.targets if _SOCIAL_PROOF.search(t)]
    if toasts and not any(_BUY.search(t) for t in timer.targets if t not in toasts):
        return False  # it starts purchase notifications (and fills in their text), not the offer
    if not timer.strict:
        return True
    verdicts = [_exists(page, sel) for sel in timer.targets]
    judged = [v for v in verdicts if v is not None]
    return not judged or any(judged)


def _offer_score(timer: Timer) -> int:
    about = " ".join((*timer.targets, timer.about))
    buy, other = bool(_BUY.search(about)), bool(_NOT_OFFER.search(" ".join(timer.targets) or about))
    if buy and not other:
        return 2
    return 0 if other and not buy else 1
