"""Recognising signed (tokenised) stream URLs and their expiry.

CDNs hand players short-lived URLs: a 403 or 410 on such a URL means "resolve the page again",
not "the video is gone".  Knowing the expiry up front also saves a request that must fail.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

#: Query parameters used by common CDNs (Akamai, CloudFront, S3/GCS, Bunny, Nginx secure_link...).
TOKEN_PARAMS = frozenset(
    {
        "token",
        "tok",
        "sig",
        "signature",
        "hash",
        "hmac",
        "auth",
        "auth_key",
        "authkey",
        "secure",
        "md5",
        "st",
        "e",
        "exp",
        "expire",
        "expires",
        "expiry",
        "validto",
        "hdnts",
        "hdnea",
        "__token__",
        "policy",
        "key-pair-id",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-expires",
        "x-goog-signature",
        "x-goog-expires",
        "wmsauthsign",
        "jwt",
        "verify",
    }
)
_EPOCH_PARAMS = ("expires", "expire", "exp", "expiry", "validto", "e")
_AKAMAI_EXP = re.compile(r"(?:^|~)exp=(\d{9,13})(?:~|$)")


def is_signed(url: str) -> bool:
    """Whether the URL carries a token-like query parameter."""
    return any(name.lower() in TOKEN_PARAMS for name, _ in _query(url))


def expiry(url: str) -> float | None:
    """The Unix time after which the signed URL stops working, when the URL says so."""
    params = {name.lower(): value for name, value in _query(url)}
    for name in _EPOCH_PARAMS:
        value = params.get(name, "")
        if re.fullmatch(r"\d{9,13}", value):
            seconds = int(value)
            return seconds / 1000 if len(value) == 13 else float(seconds)
    for name in ("hdnts", "hdnea", "__token__"):
        match = _AKAMAI_EXP.search(params.get(name, ""))
        if match:
            return float(match.group(1))
    for prefix in ("x-amz", "x-goog"):
        date, lifetime = params.get(f"{prefix}-date"), params.get(f"{prefix}-expires")
        if date and lifetime and lifetime.isdigit():
            try:
                start = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            except ValueError:
                continue
            return start.timestamp() + int(lifetime)
    return None


def is_expired(url: str, *, now: float | None = None) -> bool:
    """True only when the URL states an expiry and it has passed."""
    when = expiry(url)
    return when is not None and when < (time.time() if now is None else now)


def _query(url: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return []
