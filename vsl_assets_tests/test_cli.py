"""The `vsl` command, run as a real subprocess against a real database and Dagster instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from vsl_assets.db import DeadLetter, TranscriptRow, Url
from vsl_assets.defs.partitions import PARTITIONS_NAME
from vsl_assets_tests.conftest import REPO, db_session, heard


def vsl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("vsl")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "vsl_assets.cli"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, input=stdin, env=os.environ.copy(), cwd=REPO, timeout=300
    )


def test_console_script_is_installed() -> None:
    assert Path(sys.executable).with_name("vsl").exists()


def test_add_validates_dedupes_and_registers_partitions(vsl_env, instance, tmp_path) -> None:
    url = "https://cdn.example.com/vsl/main.m3u8"
    listing = tmp_path / "urls.txt"
    listing.write_text(
        f"# comment\n{url}\nhttps://CDN.example.com:443/vsl/main.m3u8#again\n\nhttps://cdn.example.com/other.m3u8\n"
    )
    out = vsl("add", url, "--file", str(listing))
    assert out.returncode == 0, out.stderr
    lines = [line.split("\t") for line in out.stdout.strip().splitlines()]
    assert len(lines) == 2  # the same URL three times is one partition
    key = lines[0][0]
    assert lines[0][1] == "added" and lines[0][2] == url
    assert set(instance.get_dynamic_partitions(PARTITIONS_NAME)) == {lines[0][0], lines[1][0]}

    again = vsl("add", url)
    assert again.returncode == 0
    assert again.stdout.strip() == f"{key}\talready known (pending_ingest)\t{url}"
    with db_session() as s:
        assert len(s.scalars(select(Url)).all()) == 2


def test_add_refuses_invalid_urls_with_clear_message(vsl_env, instance) -> None:
    out = vsl("add", "file:///etc/passwd", "not a url", "https://ok.example.com/a.m3u8")
    assert out.returncode == 2
    assert "invalid URL 'file:///etc/passwd': unsupported URL scheme 'file'" in out.stderr
    assert "invalid URL 'not a url'" in out.stderr
    assert "2 invalid URL(s) refused; 1 accepted" in out.stderr
    assert out.stdout.count("\tadded\t") == 1
    assert vsl("add").returncode == 2


def test_process_status_show_and_retry(vsl_env, instance, media_server) -> None:
    good, bad = media_server.url("/good/index.m3u8"), media_server.url("/nothing/index.m3u8")
    assert vsl("add", bad, good).returncode == 0
    status = json.loads(vsl("status", "--json").stdout)
    assert [(r["url"], r["status"], r["reason"]) for r in status] == [
        (bad, "pending_ingest", None),
        (good, "pending_ingest", None),
    ]
    bad_key, good_key = (r["partition_key"] for r in status)

    out = vsl("process")
    assert out.returncode == 1  # one URL failed
    assert "processed 2: 1 ok, 1 failed" in out.stdout
    rows = {r["partition_key"]: r for r in json.loads(vsl("status", "--json").stdout)}
    assert rows[good_key]["status"] == "transcribed" and rows[good_key]["reason"] is None
    assert rows[bad_key]["status"] == "failed" and rows[bad_key]["reason"] == "HTTP 404 from the stream URL"
    # Runs are recorded in the Dagster instance, as the UI shows them.
    assert {r.tags["dagster/partition"] for r in instance.get_runs()} == {good_key, bad_key}

    txt = vsl("show", good_key)
    assert txt.returncode == 0 and heard(txt.stdout) >= 0.8
    assert vsl("show", good_key, "--format", "vtt").stdout.startswith("WEBVTT")
    assert " --> " in vsl("show", good_key, "--format", "srt").stdout
    assert json.loads(vsl("show", good_key, "--format", "json").stdout)["segments"]
    missing = vsl("show", bad_key)
    assert (
        missing.returncode == 1
        and "has no transcript yet (status failed: HTTP 404 from the stream URL)" in missing.stderr
    )
    assert vsl("show", "../../etc/passwd").returncode == 2
    assert "no URL with key" in vsl("show", "nope-123").stderr

    table = vsl("status").stdout
    assert good_key in table and "transcribed" in table and "HTTP 404 from the stream URL" in table

    # The stream comes back: retry --failed re-queues it and the next pass transcribes it.
    media_server.add_route(
        "/nothing/index.m3u8",
        (media_server.root / "good" / "index.m3u8").read_bytes().replace(b"seg_", b"/good/seg_"),
        "application/vnd.apple.mpegurl",
    )
    retry = vsl("retry", "--failed")
    assert retry.returncode == 0 and f"{bad_key}\tre-queued" in retry.stdout
    with db_session() as s:
        assert s.scalar(select(DeadLetter.retried_at)) is not None
    assert vsl("process").returncode == 0
    rows = {r["partition_key"]: r for r in json.loads(vsl("status", "--json").stdout)}
    assert rows[bad_key]["status"] == "transcribed"
    assert vsl("retry", "no-such-key-1").returncode == 1
    assert vsl("retry").returncode == 2


def test_vsl_process_killed_mid_transcription_resumes_on_the_next_call(
    vsl_env, instance, media_server, monkeypatch
) -> None:
    """Without a daemon: `vsl process` is SIGKILLed while chunk 2 is at the API.  The next
    `vsl process` reconciles (the worker is dead), re-queues the URL and finishes it, paying
    only for the chunks that had not been answered."""
    import signal
    import time

    from vsl_assets_tests.servers import FakeOpenAIServer

    monkeypatch.setenv("VSL_MAX_CHUNK_S", "8")
    with FakeOpenAIServer(api_key="sk-test-cli") as api:
        monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli")
        monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
        assert vsl("add", media_server.url("/good/index.m3u8")).returncode == 0
        [key] = [r["partition_key"] for r in json.loads(vsl("status", "--json").stdout)]
        api.delay_request(2, 600)
        exe = Path(sys.executable).with_name("vsl")
        proc = subprocess.Popen(
            [str(exe), "process"], env=os.environ.copy(), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while api.received < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert api.received >= 2, "chunk 2 never reached the API"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert json.loads(vsl("status", "--json").stdout)[0]["status"] == "transcribing"
        first = list(api.successful_requests)

        out = vsl("process")
        assert out.returncode == 0, out.stdout + out.stderr
        assert "1 abandoned URL(s) failed (1 of them re-queued after a crash)" in out.stdout
        [row] = json.loads(vsl("status", "--json").stdout)
        assert row["status"] == "transcribed" and row["reason"] is None
        paid = api.successful_requests
        assert len(first) == 1 and paid[0] == first[0]
        again = paid[1:]
        assert again and all(r.duration_s != first[0].duration_s or r.prompt != first[0].prompt for r in again)
    with db_session() as s:
        transcript = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert transcript.chunk_count == len(paid)  # each chunk paid exactly once
        letter = s.scalar(select(DeadLetter).join(Url).where(Url.partition_key == key))
        assert letter.error_class == "WorkerDied" and letter.retried_at is not None
