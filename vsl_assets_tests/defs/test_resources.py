"""Resources are built from Settings and have no defaults of their own (so the two cannot disagree)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from vsl_assets.defs.resources import build_resources
from vsl_assets.media.ffmpeg import find_ffmpeg, run_ffmpeg
from vsl_assets.net.guard import NetPolicy
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


def test_ffmpeg_the_address_policy_and_the_model_cache_are_handed_down_from_settings(tmp_path: Path) -> None:
    """Domain code reads no settings: what it needs arrives through the resources built from them."""
    s = Settings(  # type: ignore[call-arg]
        _env_file=None,
        transcriber="local",
        ffmpeg="/opt/ffmpeg-7/bin/ffmpeg",
        allow_private_networks=False,
        allow_addresses="10.0.0.0/8",
        xdg_cache_home=tmp_path,
    )
    resources = build_resources(s)
    media, transcriber = resources["media"], resources["transcriber"]
    policy = NetPolicy(allow_private=False, allow_addresses=(ipaddress.ip_network("10.0.0.0/8"),))
    download, hls = media.download_options(), media.hls_options()  # type: ignore[attr-defined]
    assert (download.ffmpeg, hls.ffmpeg) == ("/opt/ffmpeg-7/bin/ffmpeg",) * 2
    assert download.net == hls.net == media.net_policy == policy  # type: ignore[attr-defined]
    engine = transcriber.build()  # type: ignore[attr-defined]  # lazy: no model is loaded
    assert engine.silence.ffmpeg == "/opt/ffmpeg-7/bin/ffmpeg"
    assert engine.bundled_cache_dir == tmp_path / "vsl-assets" / "models"
    unset = build_resources(Settings(_env_file=None, allow_private_networks=True))  # type: ignore[call-arg]
    assert unset["media"].download_options().ffmpeg is None  # type: ignore[attr-defined]  # PATH, else imageio's
    assert unset["media"].net_policy.allow_private  # type: ignore[attr-defined]


def test_the_configured_ffmpeg_is_the_one_that_runs(tmp_path: Path, monkeypatch) -> None:
    """A wrapper named as the binary logs each run: the media code runs what it is handed, not the environment's."""
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "ffmpeg-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{find_ffmpeg()}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("VSL_FFMPEG", "/nonexistent/ffmpeg")  # read by nobody below the front ends
    assert find_ffmpeg() != "/nonexistent/ffmpeg"
    audio = tmp_path / "tone.ogg"
    result = run_ffmpeg(
        ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libopus", str(audio)],
        timeout_s=60,
        ffmpeg=str(wrapper),
    )
    assert result.returncode == 0 and audio.stat().st_size > 0
    assert log.read_text().split() == ["run"]


def test_sensor_and_reconciliation_intervals_are_read_when_the_definitions_load(vsl_env, monkeypatch) -> None:
    from vsl_assets.definitions import build_definitions

    def intervals() -> dict[str, int | None]:
        defs = build_definitions()
        names = ("pending_urls_sensor", "downloaded_urls_sensor", "run_reconciliation_sensor")
        return {n: defs.resolve_sensor_def(n).minimum_interval_seconds for n in names}

    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "7")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "45")
    assert intervals() == {"pending_urls_sensor": 7, "downloaded_urls_sensor": 7, "run_reconciliation_sensor": 45}
    monkeypatch.setenv("VSL_SENSOR_INTERVAL_S", "3")
    monkeypatch.setenv("VSL_RECONCILE_INTERVAL_S", "90")
    # The same process: the modules are imported already, the intervals follow the settings anyway.
    assert intervals() == {"pending_urls_sensor": 3, "downloaded_urls_sensor": 3, "run_reconciliation_sensor": 90}


def test_cpu_threads_and_batching_come_from_settings() -> None:
    import os

    auto = build_resources(Settings(_env_file=None, transcriber="local"))["transcriber"]  # type: ignore[call-arg]
    engine = auto.build()  # type: ignore[attr-defined]
    assert engine.cpu_threads == max(1, (os.cpu_count() or 1) // 2)  # not CTranslate2's 4 on a 2-core machine
    assert engine.batched is None and engine.batch_size == 8
    s = Settings(_env_file=None, transcriber="local", whisper_cpu_threads=3, whisper_batched="on", whisper_batch_size=4)  # type: ignore[call-arg]
    engine = build_resources(s)["transcriber"].build()  # type: ignore[attr-defined]
    assert (engine.cpu_threads, engine.batched, engine.batch_size) == (3, True, 4)
    off = Settings(_env_file=None, transcriber="local", whisper_batched="off")  # type: ignore[call-arg]
    assert build_resources(off)["transcriber"].build().batched is False  # type: ignore[attr-defined]
