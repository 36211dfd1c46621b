"""Search through the whole pipeline: transcripts in PT, EN and ES are found at the second they say it.

Known text with known timestamps comes from the OpenAI-compatible test server (the real openai
client, the real pipeline); one VSL goes through local faster-whisper on real speech.  Queries go
through the real `vsl search` command.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from vsl_assets_tests.cli.runner import in_process
from vsl_assets_tests.cli.test_cli import vsl
from vsl_assets_tests.conftest import add_urls, open_instance, run_partition, set_vsl_env
from vsl_assets_tests.servers import FakeOpenAIServer, MediaHTTPServer

#: The whole pipeline: part of the full suite, not of the fast tier (-m 'not slow').  One worker
#: runs the module, so the three VSLs the searching tests share are transcribed once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("search_pipeline")]

KEY = "sk-test-search-0123456789"

TRANSCRIPTS = {
    "pt": [
        (0.0, 6.0, "Você já tentou de tudo para perder peso e nada funcionou?"),
        (6.0, 14.5, "O emagrecimento de verdade começa no intestino, e eu vou te provar."),
        (14.5, 19.0, "E você tem uma garantia de trinta dias, sem perguntas."),
    ],
    "en": [
        (0.0, 5.5, "Doctors don't want you to know this simple trick."),
        (5.5, 12.0, "Every bottle comes with our ironclad guarantee."),
        (12.0, 19.0, "Click the button below before this video comes down."),
    ],
    "es": [
        (0.0, 7.0, "Si estás cansado de las dietas, mira este video hasta el final."),
        (7.0, 13.0, "Tienes una garantía de treinta días, sin preguntas."),
        (13.0, 19.0, "Haz clic en el botón de abajo ahora mismo."),
    ],
}


def _transcribe_three(instance, url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One VSL per language, transcribed by the API engine with known segments."""
    keys: dict[str, str] = {}
    with FakeOpenAIServer(api_key=KEY) as api:
        monkeypatch.setenv("VSL_TRANSCRIBER", "openai")
        monkeypatch.delenv("VSL_WHISPER_MODEL", raising=False)
        monkeypatch.setenv("VSL_BREAKDOWN_ENGINE", "local")
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", api.base_url)
        for lang, path in (("pt", "/good/index.m3u8"), ("en", "/good2/index.m3u8"), ("es", "/direct/video.mp4")):
            api.segments = TRANSCRIPTS[lang]
            monkeypatch.setenv("VSL_LANGUAGE", lang)
            [keys[lang]] = add_urls(url(path))
            assert run_partition(instance, keys[lang]).success
    return keys


def _project_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(("VSL_", "OPENAI_")) or k == "DAGSTER_HOME"}


@pytest.fixture(scope="module")
def _three_languages_built(
    tmp_path_factory: pytest.TempPathFactory, media_root: Path, dagster_history_template: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """The three VSLs through the pipeline once for the module (three runs of the pipeline cost
    ~15 s of CPU), with the environment they were made in."""
    with pytest.MonkeyPatch.context() as mp, MediaHTTPServer(media_root) as media:
        set_vsl_env(tmp_path_factory.mktemp("three_languages"), mp)
        with open_instance(dagster_history_template) as instance:
            keys = _transcribe_three(instance, media.url, mp)
        return _project_variables(), keys


@pytest.fixture
def three_languages(_three_languages_built, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The module's three VSLs, for a test that only searches them: the environment is the one
    they were made in (their database, storage and Dagster home)."""
    variables, keys = _three_languages_built
    for name in _project_variables():
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return keys


@pytest.fixture
def own_three_languages(vsl_env, instance, media_server, monkeypatch) -> dict[str, str]:
    """The three VSLs made for this test alone, for one that changes them."""
    return _transcribe_three(instance, media_server.url, monkeypatch)


def _search(*args: str) -> list[dict]:
    # Through main() in this process (runner.in_process), without a process start each (~1.5 s of
    # CPU); the console script itself answers the searches of the first test and the empty query.
    out = in_process("search", *args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _hits(query: str, *args: str) -> list[tuple[str, float, float]]:
    return [(h["partition_key"], h["start"], h["end"]) for h in _search(query, *args)]


def test_every_language_is_found_by_accentless_stemmed_and_phrase_queries_at_the_right_second(
    three_languages,
) -> None:
    pt, en, es = three_languages["pt"], three_languages["en"], three_languages["es"]
    assert _hits("voce ja tentou") == [(pt, 0.0, 6.0)]  # no accents typed
    assert _hits("emagrecer") == [(pt, 6.0, 14.5)]  # stemmed: emagrecimento
    assert _hits("guarantees") == [(en, 5.5, 12.0)]  # stemmed: guarantee
    # A phrase, accent-less; its number word also finds the same number said in another language.
    assert sorted(_hits('"garantia de treinta dias"')) == sorted([(es, 7.0, 13.0), (pt, 14.5, 19.0)])
    assert _hits('"garantia de treinta dias"', "--lang", "es") == [(es, 7.0, 13.0)]
    assert _hits("garantia", "--lang", "pt") == [(pt, 14.5, 19.0)]
    assert _hits("garantia", "--key", es) == [(es, 7.0, 13.0)]  # inside one VSL
    assert sorted(k for k, _, _ in _hits("garantia")) == sorted([pt, es])
    first = _search("emagrec*")[0]
    assert (
        first["url"].endswith("/good/index.m3u8")
        and first["snippet"] == "O [emagrecimento] de verdade começa no intestino, e eu vou te provar."
    )
    readable = vsl("search", "intestino")
    assert readable.returncode == 0
    assert f"[{pt}]" in readable.stdout and "0:06" in readable.stdout and "[intestino]" in readable.stdout


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed phrase',
        "(garantia OR",
        "garantia AND NOT",
        "NEAR(a b)",
        "💰🔥 garantia",
        "'; DROP TABLE urls; --",
        "x" * 5000,
    ],
)
def test_hostile_queries_get_answers_not_errors(three_languages, query: str) -> None:
    out = in_process("search", query, "--json")  # an exception would fail the test here
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "sqlite3" not in out.stderr
    assert isinstance(json.loads(out.stdout), list)


def test_an_empty_query_says_what_to_do(three_languages) -> None:
    out = vsl("search", "   ")
    assert out.returncode == 2
    assert out.stderr.startswith("vsl: ") and "Traceback" not in out.stderr
    assert vsl("search", "x", "--key", "../etc/passwd").returncode == 2


def test_remove_forgets_the_vsl_everywhere_and_reindex_rebuilds_the_index(
    vsl_env, own_three_languages, instance, monkeypatch
) -> None:
    three_languages = own_three_languages
    pt = three_languages["pt"]
    storage = Path(vsl_env["VSL_STORAGE_DIR"])
    out = vsl("remove", pt)
    assert out.returncode == 0 and out.stdout.strip() == f"{pt}\tremoved"
    assert _hits("intestino") == []
    assert not [p for p in storage.rglob(f"{pt}*") if p.is_file()]
    assert pt not in instance.get_dynamic_partitions("vsl_urls")
    assert pt not in {r["partition_key"] for r in json.loads(vsl("status", "--json").stdout)}
    assert vsl("remove", pt).returncode == 1  # unknown now, and said so
    # The index is derived data: delete it, rebuild it from the database.
    shutil.rmtree(storage / "vsl.tantivy")  # the default backend's index (a new install's)
    assert not list(storage.glob("vsl.search.db*"))  # and no FTS5 file beside it
    # Rebuilt as FTS5, it is an install from before tantivy was the default: auto keeps reading it...
    monkeypatch.setenv("VSL_SEARCH_BACKEND", "sqlite")
    rebuilt = vsl("reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("indexed 2 VSLs, 6 segments")
    monkeypatch.delenv("VSL_SEARCH_BACKEND")
    assert _hits("guarantees") == [(three_languages["en"], 5.5, 12.0)] and not (storage / "vsl.tantivy").exists()
    # ...until `vsl reindex` builds the tantivy index, which every command reads from then on.
    upgraded = vsl("reindex")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "indexed 2 VSLs, 6 segments" in upgraded.stdout and "search now uses tantivy" in upgraded.stdout
    assert (storage / "vsl.tantivy" / "side.db").exists() and not list(storage.glob("vsl.tantivy.building-*"))
    assert _hits("guarantees") == [(three_languages["en"], 5.5, 12.0)]
    assert _hits("intestino") == []


def test_real_speech_is_searchable_after_local_transcription(vsl_env, instance, media_server) -> None:
    [key] = add_urls(media_server.url("/good/index.m3u8"))
    assert run_partition(instance, key).success
    [hit] = _search('"morning ritual"')
    assert hit["partition_key"] == key and 2.0 < hit["start"] < 12.0
    assert "[morning] [ritual]" in hit["snippet"].lower()
