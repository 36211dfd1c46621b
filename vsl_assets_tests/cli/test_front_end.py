"""The ``vsl`` command as a thin front end over services/: each use case once, in process."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.cli import build_parser, main
from vsl_assets.db import repo, session_scope
from vsl_assets.defs.partitions import PARTITIONS_NAME, InstancePartitions
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.web.seed import Fake, index_all, seed


@pytest.fixture
def seeded(vsl_env, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(Path.cwd())  # main() moves to the project; put the test's directory back after
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        keys = [
            seed(s, StorageLayout(settings.storage_root), Fake(u))
            for u in ("https://a.example/v", "https://b.example/v")
        ]
        index_all(s, settings, keys)
    return keys


def test_add_registers_partitions_and_warns_about_a_private_address(vsl_env, instance, monkeypatch, capsys) -> None:
    monkeypatch.chdir(Path.cwd())
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    assert main(["add", "http://10.1.2.3/v.m3u8", "https://example.com/v"]) == 0
    out, err = capsys.readouterr()
    keys = [line.split("\t")[0] for line in out.splitlines()]
    assert [line.split("\t")[1] for line in out.splitlines()] == ["added", "added"]
    assert set(instance.get_dynamic_partitions(PARTITIONS_NAME)) == set(keys)
    assert f"note: {keys[0]}: " in err and "VSL_ALLOW_PRIVATE_NETWORKS=1" in err and keys[1] not in err


def test_remove_reindex_export(seeded: list[str], instance, capsys) -> None:
    instance.add_dynamic_partitions(PARTITIONS_NAME, seeded)
    assert main(["remove", seeded[0], "no-such-key"]) == 1
    out, err = capsys.readouterr()
    assert out == f"{seeded[0]}\tremoved\n" and "no URL with key no-such-key" in err
    assert instance.get_dynamic_partitions(PARTITIONS_NAME) == [seeded[1]]
    assert main(["reindex"]) == 0
    assert capsys.readouterr().out == "indexed 1 VSL, 3 segments; removed 0 no longer in the database\n"
    assert main(["export", "--format", "json"]) == 0
    assert [r["partition_key"] for r in json.loads(capsys.readouterr().out)] == [seeded[1]]
    assert main(["export", "--format", "parquet"]) == 2
    assert "parquet is binary" in capsys.readouterr().err
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        assert repo.get_url(s, seeded[0]) is None


def test_export_one_vsl_as_a_swipe_document(seeded: list[str], tmp_path: Path, capsys) -> None:
    import docx

    assert main(["export", "--vsl", seeded[0]]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Você vai descobrir o ritual da manhã\n") and "### Offer (0:10)" in md
    assert main(["export", "--vsl", seeded[0], "--format", "pdf"]) == 2
    assert "pdf is binary: give --out PATH" in capsys.readouterr().err
    out = tmp_path / "swipe.docx"
    assert main(["export", "--vsl", seeded[0], "--format", "docx", "--out", str(out)]) == 0
    assert docx.Document(str(out)).paragraphs[0].text == "Você vai descobrir o ritual da manhã"
    assert main(["export", "--vsl", "no-such-key-000000000000", "--format", "md"]) == 1
    assert main(["export", "--vsl", seeded[0], "--format", "parquet"]) == 2
    capsys.readouterr()
    # --lang: the document in the reader's language (the pages' catalog and formats).
    assert main(["export", "--vsl", seeded[0], "--lang", "pt-BR"]) == 0
    md = capsys.readouterr().out
    assert "## Análise" in md and "## Transcrição" in md and "### Oferta (0:10)" in md
    out_es = tmp_path / "swipe-es.docx"
    assert main(["export", "--vsl", seeded[0], "--format", "docx", "--lang", "es", "--out", str(out_es)]) == 0
    headings = [p.text for p in docx.Document(str(out_es)).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Análisis", "Bloques", "Transcripción"]
    assert main(["export", "--vsl", seeded[0], "--lang", "fr"]) == 2
    assert "use one of en, pt-BR, es" in capsys.readouterr().err


def test_the_web_command_hands_the_web_app_the_dagster_partitions(vsl_env) -> None:
    """The entry point composes: the web app itself never imports Dagster.  Each of uvicorn's worker
    processes builds the app through the CLI's factory, which hands it the Dagster partition port."""
    args = build_parser().parse_args(["web"])
    factory = args.func.keywords["app_factory"]
    assert factory == "vsl_assets.cli.webapp:app_from_env"
    module, name = factory.split(":")
    app = getattr(importlib.import_module(module), name)()
    assert isinstance(app.state.web.partitions, InstancePartitions)
    # The web package's own factory (no entry point) has none: the sensor makes the partition.
    from vsl_assets.web.app import app_from_env

    assert app_from_env().state.web.partitions is None
