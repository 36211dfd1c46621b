"""A fetched HTML page, parsed once into the few things player detectors look at.

Detectors never see raw bytes: the page is decoded here (declared charset, ``<meta charset>``,
UTF-8, then latin-1, so a badly labelled Brazilian page still parses), and tokenised with the
standard library's forgiving HTML parser into a flat list of elements.  Relative URLs are
resolved against ``<base href>`` or the final URL after redirects, exactly as a browser would.

An ``<iframe srcdoc="…">`` is a document of its own that runs with the page's URL: page builders
wrap pasted embed codes in one.  Its elements are spliced in right after the iframe (so detectors
and page order see them) and its text is appended to ``html`` for the detectors that read text,
one level of nesting deep.
"""

from __future__ import annotations

import codecs
import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

#: Elements whose text content detectors read (player configs live in scripts).
_TEXT_ELEMENTS = frozenset({"script", "title"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_SKIPPED_SCHEMES = ("about:", "javascript:", "data:", "blob:", "mailto:", "tel:")
#: What a browser leaves as it is in a URL's path, query and fragment (the WHATWG URL standard's
#: percent-encode sets): a space, a quote or a non-ASCII letter in ``src="my vsl.mp4"`` is sent
#: percent-encoded, while an existing ``%XX`` escape is kept.
_PRINTABLE = "".join(chr(c) for c in range(0x21, 0x7F))
_PATH_SAFE = "".join(c for c in _PRINTABLE if c not in '"#<>?`{}')
_QUERY_SAFE = "".join(c for c in _PRINTABLE if c not in "\"#<>'")
_FRAGMENT_SAFE = "".join(c for c in _PRINTABLE if c not in '"<>`')
#: Markup that is never rendered as it stands: a player inside it is a decoy, not the VSL.
_INERT_ELEMENTS = frozenset({"template", "noscript"})
#: Elements whose ``<source>`` children belong to them (video.js's custom element included).
_MEDIA_ELEMENTS = frozenset({"video", "audio", "video-js"})
_INERT_MARKUP = re.compile(r"<!--.*?(?:-->|$)|<(template|noscript)\b.*?(?:</\1\s*>|$)", re.I | re.S)


def browser_encoded(url: str) -> str:
    """``url`` as a browser requests it: spaces, quotes and non-ASCII characters of the path, query
    and fragment percent-encoded (UTF-8), existing ``%XX`` escapes and everything else untouched.

    A sales page writes ``<video src="05 - VSL.mp4">`` (StrongerVolei's page in the pages2 extra
    set); the browser fetches ``05%20-%20VSL.mp4`` (WHATWG URL standard, path percent-encode set),
    and so must the stream URL the project stores and hands to ffmpeg.
    """
    parts = urlsplit(url)
    path = quote(parts.path, safe=_PATH_SAFE)
    query = quote(parts.query, safe=_QUERY_SAFE)
    fragment = quote(parts.fragment, safe=_FRAGMENT_SAFE)
    if (path, query, fragment) == (parts.path, parts.query, parts.fragment):
        return url
    return urlunsplit((parts.scheme, parts.netloc, path, query, fragment))


@dataclass(frozen=True)
class Element:
    """One start tag: lower-cased name and attributes (first occurrence wins, like browsers)."""

    tag: str
    attrs: dict[str, str]
    index: int
    #: Inner text for ``script`` and ``title``; empty for other elements.
    text: str = ""
    #: Index of the enclosing ``<video>``/``<audio>`` element, so ``<source>`` knows its player.
    media_parent: int | None = None

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


@dataclass(frozen=True)
class Page:
    """A decoded, tokenised HTML document and the URL relative references resolve against."""

    url: str
    html: str
    elements: tuple[Element, ...]
    base_url: str
    #: The page was longer than the byte limit and only its start was parsed.
    truncated: bool = False
    _by_tag: dict[str, list[Element]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def live_html(self) -> str:
        """The HTML without comments, ``<template>`` and ``<noscript>``: what a browser would run.

        yt-dlp reads raw HTML, so a URL it returns that appears only in the inert parts is a decoy.
        """
        return _INERT_MARKUP.sub(" ", self.html)

    def find(self, *tags: str) -> list[Element]:
        """Elements with one of ``tags``, in document order."""
        if len(tags) == 1:
            return list(self._by_tag.get(tags[0], ()))
        return sorted((e for t in tags for e in self._by_tag.get(t, ())), key=lambda e: e.index)

    def scripts(self) -> Iterator[str]:
        """Inline script texts (players are configured there)."""
        for element in self.find("script"):
            if element.text.strip():
                yield element.text

    def absolute(self, ref: str | None) -> str | None:
        """``ref`` as an absolute http(s) URL, or None for placeholders like ``about:blank``."""
        if not ref:
            return None
        ref = ref.strip()
        if not ref or ref.startswith("#") or ref.lower().startswith(_SKIPPED_SCHEMES):
            return None
        url = urljoin(self.base_url, ref)
        return browser_encoded(url) if urlsplit(url).scheme in ("http", "https") else None

    def meta(self, *names: str) -> str | None:
        """First non-empty ``<meta property|name|itemprop=... content=...>`` among ``names``."""
        wanted = [n.lower() for n in names]
        found: dict[str, str] = {}
        for element in self.find("meta"):
            key = (element.get("property") or element.get("name") or element.get("itemprop")).lower()
            content = element.get("content").strip()
            if key in wanted and content and key not in found:
                found[key] = content
        return next((found[n] for n in wanted if n in found), None)

    @property
    def title(self) -> str | None:
        """og:title, else ``<title>``: og:title is usually the headline without the site suffix."""
        og = self.meta("og:title", "twitter:title")
        if og:
            return _clean(og)
        for element in self.find("title"):
            if element.text.strip():
                return _clean(element.text)
        return None

    @property
    def image(self) -> str | None:
        return self.absolute(self.meta("og:image:secure_url", "og:image", "twitter:image"))


#: How deep ``<iframe srcdoc>`` documents are read (a srcdoc inside a srcdoc, and no further).
_SRCDOC_DEPTH = 2


def parse_page(url: str, html: str, *, truncated: bool = False) -> Page:
    collector = _collect(html, 0)
    if collector.srcdocs:
        # Text detectors (script URLs, configs) read the framed documents too, unescaped.
        html = "\n".join([html, *collector.srcdocs])
    elements = tuple(collector.elements)
    by_tag: dict[str, list[Element]] = {}
    for element in elements:
        by_tag.setdefault(element.tag, []).append(element)
    base = url
    for element in by_tag.get("base", []):
        if element.get("href"):
            base = urljoin(url, element.get("href"))
            break
    return Page(url=url, html=html, elements=elements, base_url=base, truncated=truncated, _by_tag=by_tag)


def _collect(html: str, depth: int) -> _Collector:
    collector = _Collector(depth)
    try:
        collector.feed(html)
        collector.close()
    except (AssertionError, ValueError):
        # html.parser gives up on a few pathological constructs; what was read so far stands.
        collector.flush()
    return collector


def decode_html(body: bytes, declared: str | None) -> str:
    """Text of an HTML body: declared charset, then ``<meta charset>``, UTF-8, latin-1."""
    for candidate in (declared, _meta_charset(body)):
        if candidate:
            try:
                codecs.lookup(candidate)
            except LookupError:
                continue
            return body.decode(candidate, errors="replace")
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    try:
        # Not final: a body cut at the byte limit may end mid-character, and only that is forgiven.
        return codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Collector(HTMLParser):
    def __init__(self, depth: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = depth
        #: Texts of the ``<iframe srcdoc>`` documents read (nested ones included).
        self.srcdocs: list[str] = []
        self.elements: list[Element] = []
        self._capture: tuple[str, dict[str, str], int | None] | None = None
        self._text: list[str] = []
        self._media: list[int] = []
        #: Depth inside ``<template>``/``<noscript>``: nothing there is collected.
        self._inert = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closes=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closes=True)

    def _start(self, tag: str, raw: list[tuple[str, str | None]], *, closes: bool) -> None:
        # Markup inside <title> ends it: keeps element indexes equal to list positions.
        self.flush()
        if tag in _INERT_ELEMENTS:
            self._inert += 0 if closes else 1
            return
        if self._inert:
            return
        attrs: dict[str, str] = {}
        for name, value in raw:
            attrs.setdefault(name.lower(), value or "")
        parent = self._media[-1] if self._media else None
        if tag in _TEXT_ELEMENTS and not closes:
            self._capture = (tag, attrs, parent)
            self._text = []
            return
        self.elements.append(Element(tag, attrs, len(self.elements), media_parent=parent))
        if tag in _MEDIA_ELEMENTS and not closes:
            self._media.append(len(self.elements) - 1)
        if tag == "iframe" and attrs.get("srcdoc", "").strip() and self.depth + 1 < _SRCDOC_DEPTH:
            self._splice(attrs["srcdoc"])

    def _splice(self, document: str) -> None:
        """The framed document's elements, renumbered to follow the iframe."""
        inner = _collect(document, self.depth + 1)
        offset = len(self.elements)
        for element in inner.elements:
            parent = element.media_parent + offset if element.media_parent is not None else None
            self.elements.append(Element(element.tag, element.attrs, element.index + offset, element.text, parent))
        self.srcdocs.extend([html_lib.unescape(document) if "&" in document else document, *inner.srcdocs])

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INERT_ELEMENTS:
            self._inert = max(0, self._inert - 1)
        elif self._capture is not None and self._capture[0] == tag:
            self.flush()
        elif tag in _MEDIA_ELEMENTS and self._media and not self._inert:
            self._media.pop()

    def flush(self) -> None:
        if self._capture is None:
            return
        tag, attrs, parent = self._capture
        self._capture = None
        self.elements.append(Element(tag, attrs, len(self.elements), "".join(self._text), parent))
        self._text = []
