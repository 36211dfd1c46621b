"""A VSL's name: the one definition every front end shows (cards, VSL page, ``<title>``, search
results, boards, exports, the API).

In order: the title a person gave it (``urls.title``); else the sales page's og:title/``<title>``
(``sources.title``, read by the resolver; ``urls.page_title`` when the page was read but gave no video); else the page title of an alias of it (an original that
is a stream URL pasted before its sales page has no page of its own, and its hook's first words,
often garbled, named it while the sales page said its real name); else the product name the breakdown read, only when the
engine was sure of it; else the hook's first words (also only when sure); else "Untitled VSL" —
except an alias (another URL of a VSL already in the library, e.g. its stream pasted directly),
which has nothing of its own to be named by and is called by its original's title
(:func:`alias_titles`).
Never the host or the URL: a direct stream on ``127.0.0.1`` is not a name.  The detected title is
computed, not stored, so a person's edit never overwrites it and clearing the edit brings it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from vsl_assets.breakdown.models import HOOK_CALL_WORDS
from vsl_assets.db.engine import core_read
from vsl_assets.db.models import BreakdownRow, Source, Url, sure_value

#: The longest title kept (an edit is cut here; a page title too).
MAX_TITLE = 200
#: How many of the hook's words make a title.
HOOK_WORDS = 8
#: What a VSL with nothing to name it by is called (translated by the pages).
UNTITLED = "Untitled VSL"

TitleSource = Literal["custom", "page", "product", "hook", "none"]

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=\w)[.!?…](?=\s|$)")
_IP = re.compile(r"^\[?[0-9a-f:.]+\]?$", re.IGNORECASE)
_TRAILING = " \t,;:\u2013\u2014-"  # en and em dashes too


@dataclass(frozen=True)
class Title:
    #: What to show.
    text: str
    #: Where ``text`` came from.
    source: TitleSource
    #: The title without the person's edit (what clearing the edit gives back).
    detected: str
    detected_source: TitleSource
    #: The person's edit, or None.
    custom: str | None


def clean(text: str | None) -> str | None:
    """One line, no runs of spaces, at most :data:`MAX_TITLE` characters; None when blank."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    if len(text) > MAX_TITLE:
        text = text[: MAX_TITLE - 1].rstrip(_TRAILING) + "…"
    return text or None


def _page_title(page: str | None, url: str) -> str | None:
    """The page's title, unless it only repeats the address (a stream's file server, a bare IP)."""
    text = clean(page)
    if text is None:
        return None
    lowered = text.lower().rstrip("/")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if lowered.startswith(("http://", "https://", "//")) or lowered in {host, url.lower().rstrip("/")}:
        return None
    if _IP.match(text) or lowered in {host.removeprefix("www."), parts.path.lower().strip("/")}:
        return None
    return text


def hook_words(hook: str | None, words: int = HOOK_WORDS) -> str | None:
    """The hook's first sentence of at least ``HOOK_CALL_WORDS`` words (a shorter one is a call for
    attention; the first one when none is that long), at most ``words`` words, "…" when cut."""
    text = clean(hook)
    if text is None:
        return None
    sentence = first = None
    rest = text
    while rest:
        end = _SENTENCE_END.search(rest)
        candidate = (rest[: end.start()] if end else rest).strip()
        first = first or candidate
        if len(candidate.split(" ")) >= HOOK_CALL_WORDS:
            sentence = candidate
            break
        rest = rest[end.end() :].strip() if end else ""
    sentence = sentence or first or text
    split = sentence.split(" ")
    short = " ".join(split[:words]).rstrip(_TRAILING + ".!?")
    if not short:
        return None
    return short + "…" if len(split) > words else short


def display_title(
    url: str,
    *,
    custom: str | None = None,
    page: str | None = None,
    product: str | None = None,
    hook: str | None = None,
    alias_page: str | None = None,
) -> Title:
    """The VSL's title from its parts.  ``product`` and ``hook`` must already be None when the
    engine was not sure of them (:func:`title_columns` does that in SQL).  ``alias_page``: the page
    title of one of its aliases (its sales page, when the original is the stream itself), which
    names it when it has no page title of its own; a person's edit still wins."""
    detected: tuple[str, TitleSource] = (UNTITLED, "none")
    # In order of precedence, each computed only if those before it gave nothing (a library page
    # made all three for each of its cards, the hook's words cut for none of them).
    for make, source in (
        (lambda: _page_title(page, url), "page"),
        (lambda: _page_title(alias_page, url), "page"),
        (lambda: clean(product), "product"),
        (lambda: hook_words(hook), "hook"),
    ):
        text = make()
        if text:
            detected = (text, source)  # type: ignore[assignment]
            break
    edited = clean(custom)
    if edited:
        return Title(edited, "custom", detected[0], detected[1], edited)
    return Title(detected[0], detected[1], detected[0], detected[1], None)


def title_columns(min_confidence: float) -> tuple[Any, ...]:
    """The columns :func:`title_of` reads, for a SELECT that joins ``sources`` and ``breakdowns``
    to ``urls`` (outer joins: a VSL not yet resolved or analysed still has a title)."""
    return (
        Url.url.label("title_url"),
        Url.title.label("title_custom"),
        # A page read but without a video (no player, DRM) has no ``sources`` row: its title is kept
        # on the URL (``urls.page_title``).
        func.coalesce(func.nullif(func.trim(Source.title), ""), Url.page_title).label("title_page"),
        sure_value(BreakdownRow.product, "product", min_confidence).label("title_product"),
        sure_value(BreakdownRow.hook, "hook", min_confidence).label("title_hook"),
        alias_page_title().label("title_alias_page"),
    )


def alias_page_title() -> Any:
    """SQL, correlated to ``urls``: the page title of the URL's first alias that has one (by the
    ``alias_of`` index: one lookup per row, most finding no alias)."""
    alias = aliased(Url)
    page = aliased(Source)
    return (
        select(page.title)
        .join(alias, alias.id == page.url_id)
        .where(alias.alias_of == Url.id, func.nullif(func.trim(page.title), "").is_not(None))
        .order_by(alias.id)
        .limit(1)
        .correlate(Url)
        .scalar_subquery()
    )


def title_of(row: Any) -> Title:
    """The title of a row selected with :func:`title_columns`."""
    return display_title(
        row.title_url,
        custom=row.title_custom,
        page=row.title_page,
        product=row.title_product,
        hook=row.title_hook,
        alias_page=row.title_alias_page,
    )


@lru_cache(maxsize=8192)
def _known_title(
    url: str,
    custom: str | None,
    page: str | None,
    product: str | None,
    hook: str | None,
    alias_page: str | None = None,
) -> Title:
    """:func:`display_title` of these parts, kept by the parts themselves (a pure function of
    them, so an edit or a new detection is a new key, never a stale title): a search page asks
    for 20 titles, most of them asked before, and making each again (cleaning, the URL's parts,
    the hook's sentence) was about half of the titles' CPU."""
    return display_title(url, custom=custom, page=page, product=product, hook=hook, alias_page=alias_page)


def sort_key(min_confidence: float) -> Any:
    """SQL: the title's order for ``sort=title`` — the same precedence as :func:`display_title`
    (the hook whole rather than cut, which orders the same, except that a hook opening with a
    short call such as "Atenção!" sorts by that call while its title starts at the next sentence;
    a page title that only repeats the address is not filtered here, so such a VSL sorts by it)."""
    return func.coalesce(
        func.nullif(func.trim(Url.title), ""),
        func.nullif(func.trim(Source.title), ""),
        alias_page_title(),
        sure_value(BreakdownRow.product, "product", min_confidence),
        sure_value(BreakdownRow.hook, "hook", min_confidence),
    )


def titles_for(session: Session, keys: Iterable[str], *, min_confidence: float) -> dict[str, Title]:
    """Titles of many VSLs in one query (search results, boards: they hold keys, not titles)."""
    wanted = list(dict.fromkeys(keys))
    out: dict[str, Title] = {}
    statement = _titles_statement(min_confidence)
    session.flush()  # what session.execute's autoflush did (nothing to do on a search page)
    for start in range(0, len(wanted), 500):
        # Columns only, on the session's connection (``core_read``: no ORM execution layer).
        rows = core_read(session, statement, {"keys": wanted[start : start + 500]}).all()
        out.update((r[0], _known_title(*r[1:])) for r in rows)
    return out


@lru_cache(maxsize=8)
def _titles_statement(min_confidence: float) -> Any:
    """The titles query, built once per threshold (keys bound at execution): building it, and its
    cache key over every key's literal, cost more than running it on every search page."""
    return (
        select(Url.partition_key, *title_columns(min_confidence))
        .select_from(Url)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
        .where(Url.partition_key.in_(bindparam("keys", expanding=True)))
    )


def alias_titles(session: Session, keys: Iterable[str], *, min_confidence: float) -> dict[str, Title]:
    """The original's title of each alias among ``keys`` (by the alias's key; other keys are left
    out).  Callers ask only for aliases with no title of their own: a stream URL pasted after its
    sales page has no page title, transcript or breakdown, and "Untitled VSL" told a reader nothing."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    original = aliased(Url)
    rows = session.execute(
        select(Url.partition_key, original.partition_key)
        .join(original, original.id == Url.alias_of)
        .where(Url.partition_key.in_(wanted))
    )
    pairs: dict[str, str] = {alias: key for alias, key in rows}
    named = titles_for(session, pairs.values(), min_confidence=min_confidence)
    return {alias: named[key] for alias, key in pairs.items() if key in named}


class TitleError(ValueError):
    """The title cannot be set as asked; ``str()`` says why."""


def set_title(session: Session, key: str, title: str | None, *, min_confidence: float) -> Title | None:
    """Give ``key`` a title (blank or None: back to the detected one); None when the key is unknown."""
    if title is not None and ("\x00" in title or len(title) > 10 * MAX_TITLE):
        raise TitleError(f"a title is one line of at most {MAX_TITLE} characters")
    url = session.scalar(select(Url).where(Url.partition_key == key))
    if url is None:
        return None
    url.title = clean(title)
    session.flush()
    return titles_for(session, [key], min_confidence=min_confidence)[key]
