"""GPU workers, tested here without a GPU: the configuration path, the refusal, the CPU fallback.

A GPU worker is a ``vsl worker`` started with ``VSL_WHISPER_DEVICE=cuda`` (faster-whisper's
batched pipeline) and ``VSL_TRANSCRIPTION_POOL=transcription_gpu``; CPU workers keep their own
settings.  The measured 60-minute transcription on a GPU is reported in the README when one is lent.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vsl_assets.db import DeadLetter, TranscriptRow, Url
from vsl_assets.errors import ConfigurationError
from vsl_assets.transcription.local_engine import LocalTranscriber, cuda_devices
from vsl_assets_tests.cli.runner import in_process
from vsl_assets_tests.conftest import add_urls, db_session, run_partition, tiny_en_model

no_gpu = pytest.mark.skipif(cuda_devices() > 0, reason="this machine has a GPU: the refusal cannot be shown")
NO_CUDA = "VSL_WHISPER_DEVICE=cuda but CTranslate2 sees no CUDA device on this machine"


@no_gpu
def test_the_engine_refuses_cuda_without_a_gpu_and_names_the_fix(tmp_path) -> None:
    engine = LocalTranscriber(model=tiny_en_model(), device="cuda")
    assert engine.use_batched is True  # cuda selects faster-whisper's batched pipeline
    with pytest.raises(ConfigurationError, match=NO_CUDA) as caught:
        engine.load()
    assert "VSL_WHISPER_DEVICE=auto" in str(caught.value)


def test_auto_falls_back_to_the_cpu_with_the_sequential_pipeline() -> None:
    engine = LocalTranscriber(model=tiny_en_model(), device="auto")
    assert engine.device == ("cuda" if cuda_devices() else "cpu")
    assert engine.use_batched is (engine.device == "cuda")


@no_gpu
def test_a_gpu_worker_on_a_host_without_a_gpu_refuses_to_start(vsl_env, monkeypatch) -> None:
    monkeypatch.setenv("VSL_CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("VSL_WHISPER_DEVICE", "cuda")
    with db_session():  # the app's database exists (a worker never starts one: vsl refuses it missing)
        pass
    refused = in_process("worker", "-q", "vsl", "--name", "gpu-1")
    assert refused.returncode == 2 and NO_CUDA in refused.stderr
    # A worker that only downloads does not transcribe: the device does not matter to it.
    monkeypatch.setenv("VSL_DOWNLOAD_QUEUE", "download")
    monkeypatch.setenv("VSL_TRANSCRIPTION_QUEUE", "transcription")
    bad_name = in_process("worker", "-q", "download", "--name", "no spaces!")
    assert bad_name.returncode == 2 and "invalid queue or worker name" in bad_name.stderr


def test_a_worker_without_a_broker_says_which_variable_is_missing(vsl_env, monkeypatch) -> None:
    monkeypatch.delenv("VSL_CELERY_BROKER_URL", raising=False)
    with db_session():  # the app's database exists (a worker never starts one: vsl refuses it missing)
        pass
    refused = in_process("worker")
    assert refused.returncode == 2 and "VSL_CELERY_BROKER_URL" in refused.stderr


def test_the_transcription_pool_is_the_workers_own(vsl_env, monkeypatch) -> None:
    """Pools are claimed where a run executes: a GPU worker's transcription steps use its pool
    (the definitions read it from the settings when they are built, not when imported)."""
    from dagster import AssetKey

    from vsl_assets.definitions import build_definitions

    def pools() -> list[str]:
        return sorted(build_definitions().resolve_asset_graph().get(AssetKey("transcript")).pools)

    assert pools() == ["transcription"]
    monkeypatch.setenv("VSL_TRANSCRIPTION_POOL", "transcription_gpu")
    assert pools() == ["transcription_gpu"]


@pytest.mark.slow
@no_gpu
def test_a_url_on_a_misconfigured_gpu_worker_fails_with_the_reason_and_succeeds_on_the_cpu(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    monkeypatch.setenv("VSL_WHISPER_DEVICE", "cuda")
    assert not run_partition(instance, key).success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        letters = list(s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)))
    assert url.status == "failed" and NO_CUDA in url.reason
    assert [(d.step, d.error_class) for d in letters] == [("transcript", "ConfigurationError")]
    # The same URL on a CPU worker (auto: no GPU here) is transcribed.
    monkeypatch.setenv("VSL_WHISPER_DEVICE", "auto")
    assert run_partition(instance, key, force=True).success
    with db_session() as s:
        row = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
    assert row is not None and row.word_count > 0
