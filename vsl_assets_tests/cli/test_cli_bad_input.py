"""What ``vsl`` says to input a person gets wrong (trial 19): the option's own name and a reason,
never a traceback or the search's internal parameter names, and nothing stored."""

from __future__ import annotations

import getpass
import io
from pathlib import Path

import pytest

from vsl_assets import settings as settings_module
from vsl_assets.cli import main
from vsl_assets.db import Url, session_scope


@pytest.fixture
def here(vsl_env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path.cwd())  # main() moves to the project; put the test's directory back after


def _stored() -> int:
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        return s.query(Url).count()


@pytest.mark.parametrize(("option", "value"), [("--limit", "0"), ("--page", "-1"), ("--limit", "ten")])
def test_search_names_the_option_that_is_wrong(
    here: None, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["search", "garantia", option, value])
    assert exit_.value.code == 2
    said = capsys.readouterr().err
    assert f"argument {option}: " in said
    assert "must be 1 or more" in said or "is not a whole number" in said
    assert "per_page" not in said and "hits_per_vsl" not in said


def test_add_from_a_file_that_is_not_there_says_so(
    here: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "urls.txt"
    assert main(["add", "--file", str(missing)]) == 2
    said = capsys.readouterr()
    assert f"vsl: --file {missing}: no such file\n" in said.err and said.out == ""
    assert main(["add", "--file", str(tmp_path)]) == 2
    assert "is a folder, not a file of URLs" in capsys.readouterr().err
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("https://a.example.com/promoção\n".encode("latin-1"))
    assert main(["add", "--file", str(latin1)]) == 2
    assert "not UTF-8 text" in capsys.readouterr().err
    assert _stored() == 0


def test_add_refuses_a_scheme_typed_without_its_colon(here: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "http//cdn.example.com/a.m3u8"]) == 2
    said = capsys.readouterr()
    assert said.out == "" and "without the colon: write http:// or https://" in said.err
    assert _stored() == 0


def test_user_add_without_a_terminal_says_how_to_give_the_password(
    here: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_terminal(prompt: str = "", stream: object = None) -> str:
        raise EOFError  # what getpass does with no terminal and nothing piped (cron, a script)

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["user", "add", "carla"]) == 2
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    assert "no password read (no terminal here)" in said.err and "--password-stdin" in said.err
    assert main(["user", "reset", "carla"]) == 2  # no such user: said before a password is asked
