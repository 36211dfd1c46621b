"""The Swipe: the web app and HTTP API over the pipeline's database and storage.

Plain Python and FastAPI (never Dagster): adding a URL writes a ``urls`` row and the pipeline's
sensor takes it from there; everything shown is read from the database, the storage root and
the search index.  ``create_app(settings)`` builds the ASGI app; ``commands.register`` adds
``vsl web``, ``vsl user add`` and ``vsl token create``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vsl_assets.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``create_app`` on first use: ``vsl user add`` and ``vsl --help`` need no FastAPI."""
    if name == "create_app":
        from vsl_assets.web.app import create_app

        return create_app
    raise AttributeError(name)
