"""The message catalogs: one JSON file per language and area, merged, with clashes refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vsl_assets.web.i18n import LOCALES, MESSAGES, load_catalogs, translate


def _write(root: Path, lang: str, area: str, messages: dict[str, str]) -> None:
    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{area}.json").write_text(json.dumps(messages), encoding="utf-8")


def test_areas_merge_into_one_catalog_per_language(tmp_path: Path) -> None:
    _write(tmp_path, "pt-BR", "core", {"Library": "Biblioteca"})
    _write(tmp_path, "pt-BR", "boards", {"Rename": "Renomear", "Library": "Biblioteca"})
    catalogs = load_catalogs(tmp_path)
    assert catalogs == {"pt-BR": {"Library": "Biblioteca", "Rename": "Renomear"}}


def test_one_message_with_two_texts_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "pt-BR", "core", {"Board": "Quadro"})
    _write(tmp_path, "pt-BR", "watch", {"Board": "Painel"})
    with pytest.raises(ValueError, match=r"'Board'.*core\.json and watch\.json"):
        load_catalogs(tmp_path)


def test_shipped_catalogs_load_and_translate() -> None:
    assert (LOCALES / "pt-BR" / "core.json").is_file()
    assert translate("pt-BR", "Library") == "Biblioteca"
    assert translate("pt-BR", "a message nobody wrote") == "a message nobody wrote"
    assert set(MESSAGES) >= {"en", "pt-BR"}
