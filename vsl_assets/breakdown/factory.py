"""Build a breakdown engine by name from plain settings: one place for the asset and ``vsl analyze``."""

from __future__ import annotations

from vsl_assets.breakdown.engine import BreakdownEngine, get_engine
from vsl_assets.errors import ConfigurationError


def build_engine(
    name: str,
    *,
    model: str | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout_s: float = 300.0,
    max_retries: int = 2,
) -> BreakdownEngine:
    """``local`` (rules, offline) or ``openai`` (structured outputs, any OpenAI-compatible endpoint)."""
    if name == "openai":
        from vsl_assets.breakdown.openai_engine import DEFAULT_MODEL, OpenAIBreakdownEngine

        if not api_key:
            raise ConfigurationError("the openai breakdown engine needs OPENAI_API_KEY to be set")
        return OpenAIBreakdownEngine(
            api_key=api_key,
            model=model or DEFAULT_MODEL,
            base_url=base_url or None,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
    if name == "local":
        return get_engine("local")
    raise ConfigurationError(f"unknown breakdown engine {name!r}: use local or openai (VSL_BREAKDOWN_ENGINE)")
