"""What an OpenAI client failure means for the step, in words a person reads — shared by every engine.

The transcriber and the breakdown engine call the same API through the same client; how a failure
is classified (permanent or transient), worded and scrubbed of the key must not differ between
them.  Each engine supplies its own error classes and the statuses it words in its own terms
(a 413 is "the audio is too large" for one, a 404 "no such model" for the other).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import openai

from vsl_assets.errors import PermanentError, TransientError, VslError

#: Longest API message kept in a reason; the rest is cut (an HTML error page can be huge).
MAX_MESSAGE_CHARS = 300
#: Anything shaped like an OpenAI key, masked or not, is blanked in messages we keep.
KEY_RE = re.compile(r"sk-[A-Za-z0-9_\-*.]{3,}")


@dataclass(frozen=True)
class OpenAIErrors:
    """Maps ``openai`` exceptions to the engine's typed errors, the API key never in their text."""

    api_key: str
    timeout_s: float
    permanent: type[PermanentError]
    transient: type[TransientError]
    #: Status -> reason for statuses the engine words itself; ``{message}`` is the API's message.
    status_reasons: Mapping[int, str] = field(default_factory=dict)

    def scrub(self, text: str) -> str:
        text = KEY_RE.sub("sk-***", text.replace(self.api_key, "***") if self.api_key else text)
        return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"

    def api_message(self, exc: openai.APIStatusError) -> str:
        body = exc.body
        message: object = body.get("message") if isinstance(body, dict) else body
        if not isinstance(message, str) or not message.strip():
            message = exc.message
        return self.scrub(" ".join(str(message).split()))

    def map(self, exc: openai.OpenAIError, attempts: int, label: str = "") -> VslError:
        """``label`` prefixes the reason (e.g. "window 2/3: ")."""
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        detail = self.scrub(f"{type(exc).__name__}: {exc}")
        permanent, transient = self.permanent, self.transient
        if isinstance(exc, openai.APIStatusError):
            if exc.request_id:
                detail += f" (request id {exc.request_id})"
            status = exc.status_code
            if isinstance(exc, openai.AuthenticationError):
                return permanent(f"{label}OpenAI rejected the API key (HTTP {status})", detail=f"HTTP {status}")
            if isinstance(exc, openai.RateLimitError):
                return transient(f"{label}OpenAI API rate limit (HTTP 429) {tries}", detail=detail)
            if status >= 500:
                return transient(f"{label}OpenAI API server error (HTTP {status}) {tries}", detail=detail)
            message = self.api_message(exc)
            if status in (408, 409):
                return transient(
                    f"{label}OpenAI API could not take the request now (HTTP {status}) {tries}: {message}",
                    detail=detail,
                )
            if status in self.status_reasons:
                return permanent(label + self.status_reasons[status].format(message=message), detail=detail)
            return permanent(f"{label}OpenAI API refused the request (HTTP {status}): {message}", detail=detail)
        if isinstance(exc, openai.APITimeoutError):
            return transient(
                f"{label}OpenAI API request timed out (limit {self.timeout_s:g} s per attempt) {tries}", detail=detail
            )
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            why = self.scrub(str(cause)) if cause is not None and str(cause) else "connection failed"
            return transient(f"{label}could not reach the OpenAI API {tries}: {why}", detail=detail)
        if isinstance(exc, openai.APIResponseValidationError):
            return permanent(f"{label}OpenAI API returned a response in an unexpected shape", detail=detail)
        return permanent(f"{label}OpenAI client error: {self.scrub(str(exc))}", detail=detail)
