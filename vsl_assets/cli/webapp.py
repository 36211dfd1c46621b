"""The web app as ``vsl web`` starts it in each uvicorn worker process.

The web package never imports Dagster, so it cannot make a URL's partition itself; the entry point
can.  Every worker process calls :func:`app_from_env` (``vsl_assets.cli.webapp:app_from_env``) and
gets the app with the Dagster side's partition port, so a URL added through the Swipe or the API
has its partition at once, whichever worker took the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vsl_assets import settings as settings_module
from vsl_assets.cli.common import partitions

if TYPE_CHECKING:
    from fastapi import FastAPI


def app_from_env() -> FastAPI:
    from vsl_assets.web.app import compile_templates, create_app

    settings = settings_module.current()
    app = create_app(settings, partitions=partitions(settings))
    compile_templates(app)
    return app
