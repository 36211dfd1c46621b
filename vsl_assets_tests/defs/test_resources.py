"""Resources are built from Settings and have no defaults of their own (so the two cannot disagree)."""

from __future__ import annotations

from vsl_assets.defs.resources import build_resources
from vsl_assets.settings import Settings

#: The OpenAI client's own timeout and retries: not settings, so the resource keeps its default.
CLIENT_ONLY = {"timeout_s", "max_retries"}


def test_no_resource_field_has_a_default_of_its_own() -> None:
    resources = build_resources(Settings(_env_file=None))  # type: ignore[call-arg]
    with_defaults = {
        f"{type(r).__name__}.{name}"
        for r in resources.values()
        for name, field in type(r).model_fields.items()
        if not field.is_required() and name not in CLIENT_ONLY
    }
    assert with_defaults == set()


def test_device_compute_type_and_model_come_from_settings() -> None:
    s = Settings(_env_file=None, transcriber="local", whisper_device="cuda")  # type: ignore[call-arg]
    transcriber = build_resources(s)["transcriber"]
    assert (transcriber.device, transcriber.compute_type) == ("cuda", "float16")  # type: ignore[attr-defined]
    assert transcriber.model_name == s.model == "base"  # type: ignore[attr-defined]
    default = build_resources(Settings(_env_file=None, transcriber="local"))["transcriber"]  # type: ignore[call-arg]
    assert (default.device, default.compute_type) == ("auto", "int8")  # type: ignore[attr-defined]


def test_the_retry_policy_and_pool_are_read_when_the_definitions_load_not_at_import(vsl_env, monkeypatch) -> None:
    from dagster import AssetKey

    from vsl_assets.definitions import build_definitions

    first = build_definitions()
    assert first.resolve_assets_def("video_file").op.retry_policy.max_retries == 2
    monkeypatch.setenv("VSL_MAX_RETRIES", "5")
    monkeypatch.setenv("VSL_TRANSCRIPTION_POOL", "transcription_gpu")
    again = build_definitions()  # the same process: modules are imported already
    assert again.resolve_assets_def("video_file").op.retry_policy.max_retries == 5
    assert again.resolve_asset_graph().get(AssetKey("transcript")).pools == {"transcription_gpu"}
