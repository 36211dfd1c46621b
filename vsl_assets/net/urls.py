"""URL validation, normalisation and the partition key derived from it.

Every URL is untrusted input.  Normalising first means the same video pasted twice (different
case in the host, a default port, a ``#fragment``, reordered query parameters, tracking
parameters such as ``utm_source`` or ``fbclid``) is one partition.  The key is short, stable and
filesystem-safe: a readable host slug plus a hash of the whole normalised URL, so two URLs never
share files and nobody can choose a path.

Tracking parameters (``VSL_URL_TRACKING_PARAMS``, :class:`TrackingParams`) are dropped only where
URLs are added (``services.intake``), so every front end makes the same key; the page and stream
fetches keep what they were given.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from vsl_assets.errors import InvalidUrlError
from vsl_assets.settings import DEFAULT_URL_TRACKING_PARAMS

MAX_URL_LENGTH = 4096
_ALLOWED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_RE = re.compile(r"^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$")
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_HASH_LEN = 12


#: ``scheme:`` at the start of a URL; ``host:8080/...`` is a port, not a scheme.
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d+(?:[/?#]|$))")
#: ``http//host/...``: a scheme typed without its colon, which read as https would fetch the host "http".
_COLONLESS_SCHEME_RE = re.compile(r"^https?//", re.IGNORECASE)
#: One DNS label of a host name (RFC 1035: 1 to 63 characters); ``example..com`` has an empty one.
_MAX_LABEL = 63


def _assume_https(url: str) -> str:
    """``example.com/v.m3u8`` or ``//cdn.example.com/v.m3u8`` (as copied from a page): read as https.

    Browsers do the same with what is pasted into their address bar; anything with a scheme of
    its own (``javascript:``, ``file:``, ``ftp:``) is left for the scheme check to refuse, and
    ``http//host`` (the colon forgotten) is refused here: read as https it would name the host "http".
    """
    if url.startswith("//"):
        return "https:" + url
    if _COLONLESS_SCHEME_RE.match(url):
        raise InvalidUrlError("the URL starts with http// or https// without the colon: write http:// or https://")
    if _SCHEME_RE.match(url):
        return url
    return "https://" + url


@dataclass(frozen=True)
class TrackingParams:
    """Query parameter names that say who clicked where, never which page or video: dropped
    before the key is made.  Matched case-insensitively; ``utm_*`` is a prefix."""

    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def parse(cls, spec: str | Iterable[str]) -> TrackingParams:
        """``"utm_*, fbclid, gclid"`` (the setting's form) or a list of such names."""
        items = spec.split(",") if isinstance(spec, str) else spec
        names: set[str] = set()
        prefixes: list[str] = []
        for item in items:
            name = item.strip().lower()
            if not name:
                continue
            if name.endswith("*"):
                if name[:-1] not in prefixes and name[:-1]:
                    prefixes.append(name[:-1])
            else:
                names.add(name)
        return cls(frozenset(names), tuple(prefixes))

    def matches(self, name: str) -> bool:
        lowered = name.lower()
        return lowered in self.names or lowered.startswith(self.prefixes)

    def __bool__(self) -> bool:
        return bool(self.names or self.prefixes)


#: ``VSL_URL_TRACKING_PARAMS``' default, parsed (see :data:`vsl_assets.settings.DEFAULT_URL_TRACKING_PARAMS`).
DEFAULT_TRACKING = TrackingParams.parse(DEFAULT_URL_TRACKING_PARAMS)
#: Strip nothing: the form URLs were keyed by before tracking parameters were dropped.
NO_TRACKING = TrackingParams()


def normalize_url(raw: str, *, tracking: TrackingParams = NO_TRACKING) -> str:
    """Return the canonical form of ``raw`` or raise :class:`InvalidUrlError` saying why not.

    ``tracking``: query parameters to drop (intake passes ``VSL_URL_TRACKING_PARAMS``); by default
    none, so checking a URL that is about to be fetched never changes it."""
    if not isinstance(raw, str):
        raise InvalidUrlError("URL must be text")
    url = raw.strip()
    if not url:
        raise InvalidUrlError("empty URL")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrlError(f"URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        raise InvalidUrlError("URL contains whitespace or control characters")
    url = _assume_https(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrlError(f"malformed URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        shown = f"'{scheme}'" if scheme else "none"
        raise InvalidUrlError(f"unsupported URL scheme {shown}: only http and https URLs can be added")
    if parts.username or parts.password:
        raise InvalidUrlError("URLs with embedded credentials (user:password@) are not accepted")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise InvalidUrlError("URL has no host name")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise InvalidUrlError(f"invalid host name {parts.hostname!r}") from None
    if ":" in host:
        host = f"[{host}]"
    if not _HOST_RE.match(host) or not _labels_ok(host):
        raise InvalidUrlError(f"invalid host name {parts.hostname!r}")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(sorted((k, v) for k, v in params if not tracking.matches(k)), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def _labels_ok(host: str) -> bool:
    """Every dot-separated label of a name is 1 to 63 characters (an IP literal in brackets has none)."""
    if host.startswith("["):
        return True
    return all(0 < len(label) <= _MAX_LABEL for label in host.split("."))


def page_address(url: str) -> tuple[str, str, str]:
    """A URL's page, whatever its scheme, ``www.``, trailing slash and fragment: "the same address"
    (``services.compare.versions_of_one``: two URLs there are versions of one VSL).

    It starts from :func:`normalize_url` (host case, IDNA, a trailing dot, the default port,
    the query's order, the fragment: what makes two URLs one partition) and only then is looser,
    which is why it is not ``normalize_url`` itself: a key must keep ``http`` and ``https``,
    ``www.`` and ``/path/`` vs ``/path`` apart (they may serve different things, so both are
    fetched as given), while a person calls them one page.  A port other than the default stays
    (another server), and so does the query: ``?p=12`` and ``?p=13`` are two pages (tracking
    parameters were dropped where the URL was added).  A URL ``normalize_url`` refuses is read as
    it is."""
    try:
        url = normalize_url(url)
    except InvalidUrlError:
        pass
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower().removeprefix("www.")
    return host, parts.path.rstrip("/"), parts.query


def partition_key_for(normalized_url: str) -> str:
    """``<host-slug>-<12 hex>``: readable in the UI, unique per normalised URL."""
    digest = hashlib.sha256(normalized_url.encode("utf-8")).hexdigest()[:_HASH_LEN]
    host = urlsplit(normalized_url).hostname or "url"
    host = host.removeprefix("www.")
    slug = _SLUG_RE.sub("-", host).strip("-")[:24].strip("-") or "url"
    return f"{slug}-{digest}"


def redact_url(url: str) -> str:
    """The URL without its query string, for logs: signed-URL tokens live there."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    query = "?…" if parts.query else ""
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", "")) + query
