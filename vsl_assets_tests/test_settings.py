"""One settings object: defaults, validation, the project's .env, and what reaches the resources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.errors import ConfigurationError
from vsl_assets.settings import Settings, find_project, load


def _project(root: Path, env: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "workspace.yaml").write_text("load_from: []\n")
    (root / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    if env:
        (root / ".env").write_text(env)
    return root


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("VSL_") or name in settings_module.OTHER_VARIABLES:
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_match_the_readme(clean_env) -> None:
    s = Settings()
    assert (s.storage_dir, s.language, s.audio_format, s.audio_bitrate) == (Path("storage"), "auto", "opus", "32k")
    assert (s.hls_concurrency, s.hls_variant, s.max_retries, s.crash_retries) == (8, "best<=720", 2, 1)
    assert (s.step_timeout_s, s.max_duration_s, s.max_download_mb, s.max_page_mb) == (14400, 14400, 16384, 5)
    assert (s.engine, s.model, s.whisper_device, s.compute_type) == ("local", "base", "auto", "int8")
    assert s.allow_private_networks is False
    readme = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text()
    # Every variable is documented in the README's configuration table.
    missing = [name for name, _, _ in settings_module.variables() if f"`{name}`" not in readme]
    assert missing == []


def test_an_api_key_selects_the_openai_engine_and_cuda_float16(clean_env) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-abc")
    clean_env.setenv("VSL_WHISPER_DEVICE", "cuda")
    s = Settings()
    assert (s.engine, s.model, s.compute_type) == ("openai", "whisper-1", "float16")
    assert "sk-abc" not in repr(s)  # a SecretStr: never printed by accident


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("VSL_HLS_CONCURRENCY", "eight", "VSL_HLS_CONCURRENCY='eight': Input should be a valid integer"),
        ("VSL_HLS_CONCURRENCY", "0", "VSL_HLS_CONCURRENCY='0': Input should be greater than or equal to 1"),
        ("VSL_AUDIO_FORMAT", "wav", "VSL_AUDIO_FORMAT='wav': Input should be 'opus' or 'mp3'"),
        ("VSL_WHISPER_DEVICE", "tpu", "VSL_WHISPER_DEVICE='tpu': Input should be 'cpu', 'cuda' or 'auto'"),
        ("VSL_ALLOW_PRIVATE_NETWORKS", "maybe", "VSL_ALLOW_PRIVATE_NETWORKS='maybe'"),
        ("VSL_LANGUAGE", "portuguese", "VSL_LANGUAGE='portuguese'"),
        ("VSL_STEP_TIMEOUT_S", "-1", "VSL_STEP_TIMEOUT_S='-1': Input should be greater than 0"),
        ("VSL_HLS_VARIANT", "biggest", "VSL_HLS_VARIANT='biggest'"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_problem(clean_env, tmp_path: Path, name, value, says) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        load(cwd=tmp_path)
    assert info.value.reason.startswith("invalid configuration: ")
    assert says in info.value.reason


def test_the_project_is_found_above_the_current_directory_and_its_env_file_read(clean_env, tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", "VSL_LANGUAGE=pt\nVSL_STORAGE_DIR=media\nOPENAI_API_KEY=sk-from-dotenv\n")
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    s = load(cwd=deep)
    assert s.project_dir == root
    assert s.language == "pt" and s.engine == "openai"
    # Relative paths are the project's, not the current directory's.
    assert s.storage_root == root / "media"
    assert s.database == f"sqlite:///{root / 'media' / 'vsl.db'}"
    assert s.instance_dir == root


def test_the_environment_wins_over_the_env_file(clean_env, tmp_path: Path) -> None:
    root = _project(tmp_path / "proj", "VSL_LANGUAGE=pt\n")
    clean_env.setenv("VSL_LANGUAGE", "es")
    assert load(cwd=root).language == "es"


def test_vsl_project_dir_must_be_a_project(clean_env, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"is not a vsl project: it needs workspace\.yaml and dagster\.yaml"):
        find_project(tmp_path, str(tmp_path / "nowhere"), None)
    assert find_project(tmp_path, None, None) is None
    assert find_project(tmp_path, None, _project(tmp_path / "checkout")) == tmp_path / "checkout"


def test_current_follows_the_environment(clean_env) -> None:
    clean_env.setenv("VSL_HLS_CONCURRENCY", "3")
    assert settings_module.current().hls_concurrency == 3
    clean_env.setenv("VSL_HLS_CONCURRENCY", "5")
    assert settings_module.current().hls_concurrency == 5


def test_settings_reach_the_resources(clean_env, tmp_path: Path) -> None:
    """VSL_STEP_TIMEOUT_S reaches ffmpeg's and the downloader's options; the device and compute type the engine."""
    from vsl_assets.defs.resources import build_resources

    clean_env.setenv("VSL_STEP_TIMEOUT_S", "77")
    clean_env.setenv("VSL_WHISPER_DEVICE", "cpu")
    clean_env.setenv("VSL_WHISPER_COMPUTE_TYPE", "float32")
    clean_env.setenv("VSL_MAX_PAGE_MB", "2")
    clean_env.setenv("VSL_STORAGE_DIR", str(tmp_path / "st"))
    resources = build_resources(load(cwd=tmp_path))
    media = resources["media"]
    assert media.step_timeout_s == 77  # type: ignore[attr-defined]
    assert media.download_options().step_timeout_s == 77  # type: ignore[attr-defined]
    assert media.max_page_bytes == 2 * 1024**2  # type: ignore[attr-defined]
    engine = resources["transcriber"].build()  # type: ignore[attr-defined]
    assert (engine.device, engine.compute_type) == ("cpu", "float32")
    assert resources["storage"].root == str(tmp_path / "st")  # type: ignore[attr-defined]


def test_settings_module_is_the_only_reader_of_the_environment() -> None:
    package = Path(__file__).resolve().parent.parent / "vsl_assets"
    readers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "settings.py" and ("os.environ" in path.read_text() or "getenv(" in path.read_text())
    ]
    assert readers == []


def test_url_tracking_params_are_checked_and_documented(monkeypatch) -> None:
    from vsl_assets.settings import DEFAULT_URL_TRACKING_PARAMS, Settings

    monkeypatch.setenv("VSL_URL_TRACKING_PARAMS", " utm_* , fbclid,,")
    assert Settings().url_tracking_params == "utm_*,fbclid"
    monkeypatch.setenv("VSL_URL_TRACKING_PARAMS", "utm_*,not a name")
    with pytest.raises(ValueError, match="not a query parameter name: 'not a name'"):
        Settings()
    for name in ("utm_*", "fbclid", "gclid", "gbraid", "wbraid", "msclkid", "ttclid", "igshid", "mc_eid", "_ga"):
        assert name in DEFAULT_URL_TRACKING_PARAMS.split(",")
    for kept in ("ref", "src", "v", "id"):
        assert kept not in DEFAULT_URL_TRACKING_PARAMS.split(",")
