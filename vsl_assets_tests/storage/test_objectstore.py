"""Shared media on a real S3-compatible server (SeaweedFS): upload then publish, fetch into an empty
cache, invisible partial uploads, outages as transient errors, the web app serving from the bucket.

Each test works under its own prefix of the session's bucket, so they never see each other's objects.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from vsl_assets import settings as settings_module
from vsl_assets.db import DeadLetter, Url, dispose_all
from vsl_assets.errors import StorageError, TransientStorageError
from vsl_assets.storage import StorageLayout, atomic_write_bytes
from vsl_assets.storage.objectstore import S3Config, S3Store, store_for
from vsl_assets_tests.conftest import add_urls, db_session, run_partition
from vsl_assets_tests.servers import SeaweedServer, make_mp4

# xdist_group: SeaweedFS starts once, on one worker (./test.sh runs workers in parallel); slow:
# a real object-store server, like PostgreSQL, is the full suite's (docs/development.md, tiers).
pytestmark = [pytest.mark.xdist_group("seaweedfs"), pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent


def _prefix() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def _store(server: SeaweedServer, root: Path, prefix: str, outage_s: float = 0.0, **overrides: str) -> S3Store:
    env = server.env(prefix)
    config = S3Config(
        url=env["VSL_OBJECT_STORE_URL"],
        endpoint_url=overrides.get("endpoint_url", server.endpoint_url),
        access_key_id=server.access_key,
        secret_access_key=overrides.get("secret", server.secret_key),
        outage_s=outage_s,
    )
    return S3Store(StorageLayout(root), config)


def _objects(server: SeaweedServer, prefix: str) -> dict[str, int]:
    """{relative name: size} of every object under ``prefix``, read with a client of our own."""
    page = server.client().list_objects_v2(Bucket=server.bucket, Prefix=f"{prefix}/")
    return {item["Key"][len(prefix) + 1 :]: int(item["Size"]) for item in page.get("Contents", [])}


@pytest.fixture
def s3_env(seaweedfs: SeaweedServer, vsl_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """vsl_env (private storage root, SQLite, Dagster home) plus the shared store under a fresh prefix."""
    prefix = _prefix()
    for name, value in seaweedfs.env(prefix).items():
        monkeypatch.setenv(name, value)
    return {**vsl_env, **seaweedfs.env(prefix), "prefix": prefix}


# -- the store itself ---------------------------------------------------------------------------------


def test_publish_then_fetch_into_an_empty_cache(seaweedfs: SeaweedServer, tmp_path: Path) -> None:
    prefix = _prefix()
    writer = _store(seaweedfs, tmp_path / "a", prefix)
    video = writer.layout.video_path("abc")
    atomic_write_bytes(video, os.urandom(300_000))
    os.utime(video, (1_700_000_000.25, 1_700_000_000.25))
    assert not writer.exists(video)
    writer.publish(video)
    assert _objects(seaweedfs, prefix) == {"videos/abc.mp4": 300_000}
    assert writer.size(video) == 300_000 and writer.names_of("abc") == ["videos/abc.mp4"]

    reader = _store(seaweedfs, tmp_path / "b", prefix)
    copy = reader.layout.video_path("abc")
    assert reader.fetch(copy)
    assert copy.read_bytes() == video.read_bytes()
    # The writer's mtime travels with the object: "newer than its input" checks hold on any worker.
    assert copy.stat().st_mtime == pytest.approx(1_700_000_000.25, abs=1e-3)
    assert not list(copy.parent.glob(".tmp-*"))
    assert not reader.fetch(reader.layout.audio_path("abc", "ogg"))

    presigned = reader.url(copy, media_type="video/mp4", filename="abc.mp4")
    assert presigned is not None and seaweedfs.secret_key not in presigned
    part = httpx.get(presigned, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == video.read_bytes()[1000:2000]

    assert reader.remove("abc") == 1
    assert _objects(seaweedfs, prefix) == {} and not copy.exists()


_KILLED_UPLOAD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from vsl_assets.storage import objectstore
    from vsl_assets.storage.objectstore import S3Config, S3Store
    from vsl_assets.storage import StorageLayout

    objectstore.PART_BYTES = 5 * 1024 * 1024  # many parts, so the upload is caught half-way
    root, url, endpoint, key_id, secret = sys.argv[1:6]
    store = S3Store(StorageLayout(Path(root)), S3Config(url, endpoint, "us-east-1", key_id, secret))
    store.publish(store.layout.video_path("big"))
    print("finished")
    """
)


def test_killed_multipart_upload_leaves_no_object(seaweedfs: SeaweedServer, tmp_path: Path) -> None:
    prefix = _prefix()
    store = _store(seaweedfs, tmp_path, prefix)
    video = store.layout.video_path("big")
    atomic_write_bytes(video, os.urandom(96 * 1024**2))
    client = seaweedfs.client()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _KILLED_UPLOAD,
            str(tmp_path),
            f"s3://{seaweedfs.bucket}/{prefix}",
            seaweedfs.endpoint_url,
            seaweedfs.access_key,
            seaweedfs.secret_key,
        ],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            uploads = client.list_multipart_uploads(Bucket=seaweedfs.bucket, Prefix=f"{prefix}/").get("Uploads", [])
            if uploads:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the upload finished before it could be killed"
        time.sleep(0.2)  # a few parts in
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # Killed half-way: nothing at the object's name, nothing in a listing.
    assert not store.exists(video)
    assert _objects(seaweedfs, prefix) == {}
    # The next attempt uploads it whole.
    store.publish(video)
    assert _objects(seaweedfs, prefix) == {"videos/big.mp4": 96 * 1024**2}


def test_unreachable_store_is_transient_and_wrong_secret_is_not(seaweedfs: SeaweedServer, tmp_path: Path) -> None:
    from vsl_assets_tests.servers import free_port

    closed = free_port()
    down = _store(seaweedfs, tmp_path, _prefix(), endpoint_url=f"http://127.0.0.1:{closed}")
    with pytest.raises(TransientStorageError) as caught:
        down.fetch(down.layout.video_path("abc"))
    reason = caught.value.reason
    assert "unreachable" in reason and f"127.0.0.1:{closed}" in reason, reason
    assert seaweedfs.secret_key not in repr(caught.value) and seaweedfs.access_key not in reason

    wrong = _store(seaweedfs, tmp_path, _prefix(), secret="not-" + seaweedfs.secret_key)
    path = wrong.layout.video_path("abc")
    atomic_write_bytes(path, b"x" * 10)
    with pytest.raises(StorageError) as refused:
        wrong.publish(path)
    assert "AWS_SECRET_ACCESS_KEY" in refused.value.reason or "AWS_ACCESS_KEY_ID" in refused.value.reason
    assert seaweedfs.secret_key not in str(refused.value) and seaweedfs.secret_key not in repr(wrong.config)


@pytest.mark.slow  # stops the object store for ~30 s and waits it out
def test_a_short_outage_is_waited_out_inside_the_step(seaweedfs: SeaweedServer, tmp_path_factory) -> None:
    """A restart of the store costs a pause, not a failed URL (up to VSL_S3_OUTAGE_S)."""
    import threading
    import time

    with SeaweedServer(tmp_path_factory.mktemp("restart")) as server:
        root = tmp_path_factory.mktemp("cache")
        store = _store(server, root, _prefix(), outage_s=60)
        path = store.layout.audio_path("abc", "ogg")
        atomic_write_bytes(path, b"a" * 4096)
        server.stop()
        restart = threading.Timer(3.0, server.start)
        restart.start()
        began = time.monotonic()
        try:
            store.publish(path)  # refused while the store is down, then uploaded once it is back
        finally:
            restart.join()
        assert time.monotonic() - began >= 2.5
        page = server.client().list_objects_v2(Bucket=server.bucket, Prefix=store.prefix)
        assert [int(o["Size"]) for o in page.get("Contents", [])] == [4096]


# -- the web app serving from the bucket --------------------------------------------------------------


@pytest.fixture
def s3_web(seaweedfs: SeaweedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from vsl_assets_tests.web.conftest import make_web

    prefix = _prefix()
    for name, value in seaweedfs.env(prefix).items():
        monkeypatch.setenv(name, value)
    yield from make_web(f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}", tmp_path / "storage", monkeypatch)


def test_web_serves_media_from_the_bucket_with_range(s3_web, seaweedfs: SeaweedServer, tmp_path: Path) -> None:
    from vsl_assets_tests.web.seed import Fake, seed

    web = s3_web
    mp4 = make_mp4(tmp_path / "src" / "v.mp4", None, duration_s=4.0)
    with web.session() as s:
        key = seed(s, web.layout, Fake(url="https://example.com/vsl-s3"), video=mp4)
    # Published from "a worker", then gone from this host: the web app must read the bucket.
    store = store_for(settings_module.current())
    layout = web.layout
    files = [layout.video_path(key)] + [layout.transcript_path(key, e) for e in ("txt", "srt", "vtt", "json")]
    store.publish(*files)
    data = mp4.read_bytes()
    for f in files:
        f.unlink()

    answer = web.client.get(f"/api/vsls/{key}/video", headers=web.bearer, follow_redirects=False)
    assert answer.status_code == 307
    location = answer.headers["location"]
    assert location.startswith(seaweedfs.endpoint_url) and seaweedfs.secret_key not in location
    size = len(data)
    for header, start, end in [("bytes=0-99", 0, 99), ("bytes=-50", size - 50, size - 1)]:
        part = httpx.get(location, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert part.headers["content-type"] == "video/mp4"
        assert part.content == data[start : end + 1]

    txt = web.client.get(f"/api/vsls/{key}/transcript.txt", headers=web.bearer, follow_redirects=False)
    assert txt.status_code == 307
    assert httpx.get(txt.headers["location"]).text.startswith("Você vai descobrir")

    web.login()
    page = web.client.get(f"/vsl/{key}")
    assert page.status_code == 200
    assert f'href="/api/vsls/{key}/video"' in page.text and f"/api/vsls/{key}/transcript.srt" in page.text
    poster = web.client.get(f"/api/vsls/{key}/poster.jpg", headers=web.bearer)
    assert poster.status_code == 200 and poster.content[:3] == b"\xff\xd8\xff"  # ffmpeg read the presigned URL

    assert web.client.get(f"/api/vsls/{key}/audio", headers=web.bearer).status_code == 404
    store.remove(key)
    assert web.client.get(f"/api/vsls/{key}/video", headers=web.bearer).status_code == 404
    dispose_all()


# -- the pipeline on several machines -------------------------------------------------------------------


def _secret_free(seaweedfs: SeaweedServer, *texts: str) -> None:
    for text in texts:
        assert seaweedfs.secret_key not in text
        assert seaweedfs.access_key not in text


def _event_text(instance, run_id: str) -> str:
    return "\n".join(str(e) for e in instance.all_logs(run_id))


@pytest.mark.slow
def test_pipeline_shares_every_output_and_another_worker_transcribes(
    s3_env, seaweedfs: SeaweedServer, instance, media_server, monkeypatch, tmp_path: Path
) -> None:
    prefix = s3_env["prefix"]
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    result = run_partition(instance, key)
    assert result.success

    local = StorageLayout(Path(s3_env["VSL_STORAGE_DIR"]))
    expected = [f"videos/{key}.mp4", f"audio/{key}.ogg", f"breakdowns/{key}.json"]
    expected += [f"transcripts/{key}.{e}" for e in ("json", "txt", "srt", "vtt")]
    stored = _objects(seaweedfs, prefix)
    assert sorted(stored) == sorted(expected)
    for name, size in stored.items():
        assert (local.root / name).stat().st_size == size, name
    _secret_free(seaweedfs, _event_text(instance, result.run_id))

    # A second worker: same database and bucket, an empty local cache; it runs transcription only.
    monkeypatch.setenv("VSL_STORAGE_DIR", str(tmp_path / "worker2"))
    from dagster import AssetKey

    from vsl_assets.definitions import build_definitions
    from vsl_assets.defs.jobs import INGEST_JOB_NAME

    defs = build_definitions()
    job = defs.resolve_job_def(INGEST_JOB_NAME)
    # The op that makes the transcript (with the audio in one-run mode: ``audio_and_transcript``).
    op = defs.resolve_asset_graph().get(AssetKey("transcript")).assets_def.node_def.name
    second = job.execute_in_process(
        partition_key=key,
        instance=instance,
        raise_on_error=False,
        run_config={"ops": {op: {"config": {"force": True}}}},
        asset_selection=[AssetKey("transcript")],
    )
    assert second.success
    worker2 = StorageLayout(tmp_path / "worker2")
    assert worker2.audio_path(key, "ogg").stat().st_size == stored[f"audio/{key}.ogg"]
    assert not worker2.video_path(key).exists()  # only what the step needed came over
    assert json.loads(worker2.transcript_path(key, "json").read_text())["segments"]
    assert _objects(seaweedfs, prefix)[f"transcripts/{key}.json"] == worker2.transcript_path(key, "json").stat().st_size
    _secret_free(seaweedfs, _event_text(instance, second.run_id))

    # vsl remove deletes the objects too.
    from vsl_assets.cli import main

    assert main(["remove", key]) == 0
    assert _objects(seaweedfs, prefix) == {}


@pytest.mark.slow
def test_store_outage_fails_transiently_then_the_retry_succeeds(
    vsl_env, instance, media_server, monkeypatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if SeaweedServer.find_weed() is None:
        pytest.skip("no weed binary")
    with SeaweedServer(tmp_path_factory.mktemp("outage")) as server:
        for name, value in server.env("outage").items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("VSL_S3_OUTAGE_S", "2")  # wait out 2 s of outage, then fail the step
        [key] = add_urls(media_server.url("/good/index.m3u8"))
        server.stop()
        failed = run_partition(instance, key)
        assert not failed.success
        with db_session() as s:
            url = s.scalar(select(Url).where(Url.partition_key == key))
            assert url.status == "failed" and "object store" in (url.reason or ""), url.reason
            assert "unreachable" in url.reason and "(retried for 2 s)" in url.reason
            letters = s.scalars(select(DeadLetter).where(DeadLetter.url_id == url.id)).all()
            _secret_free(server, url.reason, *(json.dumps([d.message, d.payload, d.error_class]) for d in letters))
            assert all(d.error_class == "TransientStorageError" for d in letters)
        _secret_free(server, _event_text(instance, failed.run_id))

        server.start()
        again = run_partition(instance, key)
        assert again.success
        assert f"transcripts/{key}.json" in _objects(server, "outage")
