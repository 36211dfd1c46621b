"""The code location's one entry point (named in ``pyproject.toml``; ``workspace.yaml`` points here).

Everything under ``vsl_assets/defs/`` is loaded by ``load_from_defs_folder``: assets, checks, the
job, sensors, and the resources built from :mod:`vsl_assets.settings`.
"""

from __future__ import annotations

from pathlib import Path

from dagster import Definitions, definitions, load_from_defs_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def build_definitions() -> Definitions:
    """Definitions with resources from the environment as it is now (tests change it between calls)."""
    return load_from_defs_folder(path_within_project=PROJECT_ROOT)


@definitions
def defs() -> Definitions:
    return build_definitions()
