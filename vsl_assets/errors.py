"""Typed failures of the domain layer.

Domain code (media, transcription, db) raises these; the Dagster layer turns them into a URL
status, a dead letter and a Dagster failure.  ``reason`` is what a person reads in ``vsl status``
and the UI, so it must say what went wrong in plain words, never a traceback or a secret.
"""

from __future__ import annotations

#: HTTP statuses that say "try again later": request timeout, too early, rate limited.
_RETRY_LATER = frozenset({408, 425, 429})


def is_transient_status(code: int) -> bool:
    """Whether an HTTP error status may pass by itself (408/425/429 and every 5xx)."""
    return code in _RETRY_LATER or code >= 500


class VslError(Exception):
    """Base class: a failure with a human-readable reason."""

    #: Whether retrying the same work later can succeed (timeouts, 429/5xx, resets).
    transient: bool = False
    #: The title of the page this failure came after reading (og:title or ``<title>``), where one
    #: was read: a sales page with no video on it is still called by its own name.
    page_title: str | None = None

    def __init__(self, reason: str, *, detail: str | None = None, retried: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        #: Extra technical text (e.g. the last ffmpeg stderr lines) for dead letters and logs.
        self.detail = detail
        #: The layer that raised it already retried with backoff (e.g. the OpenAI client): the
        #: orchestrator must not retry again, or the attempts multiply (3 client x 3 Dagster).
        self.retried = retried

    @property
    def error_class(self) -> str:
        return type(self).__name__


class PermanentError(VslError):
    """Retrying the same input will fail the same way (404, invalid media, bad API key)."""


class TransientError(VslError):
    """The same input may succeed later (timeouts, connection resets, HTTP 429/5xx)."""

    transient = True


class InvalidUrlError(PermanentError):
    """The URL is not something the pipeline can fetch."""


class DownloadError(PermanentError):
    """The stream could not be downloaded for a reason that will not go away by itself."""


class TransientDownloadError(TransientError):
    """The stream could not be downloaded now; a later attempt may work."""


class MediaError(PermanentError):
    """The media is unusable: no audio stream, zero duration, undecodable data."""


class TranscriptionError(PermanentError):
    """The transcription engine refused the audio or its configuration is wrong."""


class TransientTranscriptionError(TransientError):
    """The transcription engine failed in a way that may pass (rate limit, 5xx, timeout)."""


class ConfigurationError(PermanentError):
    """The platform is configured in a way that cannot work (unknown engine, missing binary)."""


class StorageError(PermanentError):
    """The shared object store refused a request in a way that will not pass (credentials, bucket)."""


class TransientStorageError(TransientError):
    """The shared object store did not answer or answered 5xx/throttled; a later attempt may work."""
