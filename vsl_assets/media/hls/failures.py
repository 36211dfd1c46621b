"""One failed request, classified (transient or not, worth a retry or not) with a reason a person reads."""

from __future__ import annotations

import httpx

from vsl_assets.errors import is_transient_status


class Failure(Exception):
    """One failed request attempt, classified for the retry loop."""

    def __init__(
        self,
        cause: str,
        *,
        retryable: bool = True,
        transient: bool = True,
        status: int | None = None,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retryable = retryable
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        self.detail = detail or cause


def status_failure(response: httpx.Response) -> Failure:
    code = response.status_code
    retry_after = None
    header = response.headers.get("retry-after", "").strip()
    if header.isdigit():
        retry_after = float(header)
    transient = is_transient_status(code)
    return Failure(
        f"HTTP {code}",
        transient=transient,
        retryable=transient or 400 <= code < 500,
        status=code,
        retry_after=retry_after,
    )


def _chain_text(exc: BaseException) -> str:
    """The messages of an exception and its causes (anyio hides "refused" two levels down)."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(texts) < 8:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            texts.append("connection refused")
        texts.append(str(current) or type(current).__name__)
        current = current.__cause__ or current.__context__
    return "; ".join(texts)


def transport_failure(exc: httpx.HTTPError) -> Failure:
    text = _chain_text(exc)
    cause: str
    if isinstance(exc, httpx.ConnectTimeout):
        cause = "connection timed out"
    elif isinstance(exc, httpx.ReadTimeout):
        cause = "the server stopped sending data (read timeout)"
    elif isinstance(exc, httpx.PoolTimeout):
        cause = "no free connection (pool timeout)"
    elif isinstance(exc, httpx.TimeoutException):
        cause = "timed out"
    elif isinstance(exc, httpx.UnsupportedProtocol):
        return Failure(
            "unsupported protocol (only http/https are allowed)", retryable=False, transient=False, detail=text
        )
    elif isinstance(exc, httpx.TooManyRedirects):
        return Failure("too many redirects", retryable=False, transient=False, detail=text)
    elif isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "refused" in lowered:
            cause = "connection refused"
        elif "name or service not known" in lowered or "name resolution" in lowered or "nodename" in lowered:
            cause = "the host name does not resolve"
        else:
            cause = "could not connect"
    elif isinstance(exc, httpx.RemoteProtocolError):
        cause = "the connection closed before the response was complete"
    elif isinstance(exc, httpx.NetworkError):
        cause = "connection reset" if "reset" in text.lower() else "network error"
    else:
        cause = f"request failed ({type(exc).__name__})"
    return Failure(cause, detail=text)
