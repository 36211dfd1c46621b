"""The ``vsl`` command's words as a person reads them (trial 16): "1 hit", not "1 hit(s)"; "CTA",
not "Cta", in the swipe document."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from vsl_assets import settings as settings_module
from vsl_assets.cli import main
from vsl_assets.core.humanize import counted
from vsl_assets.db import session_scope
from vsl_assets.db.models import BeatRow
from vsl_assets.storage import StorageLayout
from vsl_assets_tests.conftest import add_urls
from vsl_assets_tests.web.seed import Fake, index_all, seed


@pytest.fixture
def one_vsl(vsl_env, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(Path.cwd())  # main() moves to the project; put the test's directory back after
    settings = settings_module.current()
    with session_scope(settings.database) as s:
        key = seed(s, StorageLayout(settings.storage_root), Fake("https://a.example/v"))
        s.execute(update(BeatRow).where(BeatRow.beat == "offer").values(beat="cta"))
        index_all(s, settings, [key])
    return key


def test_counts_read_in_the_right_number() -> None:
    assert [counted(n, "hit") for n in (0, 1, 2)] == ["0 hits", "1 hit", "2 hits"]
    assert counted(3, "match", "matches") == "3 matches"


def test_search_says_one_hit_and_one_segment(one_vsl: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "garantia"]) == 0
    out = capsys.readouterr().out
    assert f"[{one_vsl}]  1 hit\n" in out and out.endswith("1 VSL, 1 segment\n")
    assert "(s)" not in out


def test_search_refuses_a_language_it_holds_none_of(one_vsl: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang fr`` said "no match" (exit 0), as if nothing French had been said; the API says 422."""
    assert main(["search", "garantia", "--lang", "fr"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "vsl: --lang 'fr' is not a language the search knows: use one of pt, en, es\n"
    assert main(["search", "garantia", "--lang", "pt-BR"]) == 0  # the UI's code for Portuguese is fine
    assert f"[{one_vsl}]  1 hit" in capsys.readouterr().out


def test_the_markdown_swipe_writes_cta_as_initials(one_vsl: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--vsl", one_vsl]) == 0
    md = capsys.readouterr().out
    assert "- **CTA** 0:10\u20130:15" in md and "### CTA (0:10)" in md
    assert "Cta" not in md


def test_watch_list_says_never_seen_and_live_since_today() -> None:
    """``vsl watch list`` said "down since …" of a ``.txt`` that never played anything, and "live
    for 0 days" of a page first seen today."""
    from datetime import UTC, datetime, timedelta

    from vsl_assets.cli.watch import _life
    from vsl_assets.services.watch import Longevity

    now = datetime.now(UTC)
    never = Longevity("k", True, now, None, now, "no video player found on page", 0, 0)
    assert _life(never) == "no video found at this address: no video player found on page"
    today = Longevity("k", True, now, now, None, None, 1, 1)
    assert _life(today) == "live since today, 1 version"
    # --lang, as `vsl watch check`: the Changes page's words.
    assert _life(today, "pt-BR") == "no ar desde hoje, 1 versão"
    assert (
        _life(never, "pt-BR") == "nenhum vídeo encontrado neste endereço: nenhum player de vídeo encontrado na página"
    )
    long = Longevity("k", True, now - timedelta(days=1200), now, None, None, 3, 3)
    assert _life(long) == "live for 1,200 days, 3 versions"
    assert _life(long, "pt-BR") == "no ar há 1.200 dias, 3 versões"


class _ClosedPipe:
    """stdout as `| head` leaves it once head has read its lines."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_output_piped_into_head_ends_quietly(
    one_vsl: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`vsl search x --json | head` printed "vsl: [Errno 32] Broken pipe" and exited 1."""
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(["search", "garantia", "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_the_login_hint_names_a_command_the_reader_can_type(tmp_path: Path) -> None:
    """``./run.sh`` said "create one with  vsl user add NAME", but ``vsl`` is on run.sh's PATH, not on the
    reader's: in the project's folder (where the README has them type it) it is ``.venv/bin/vsl``."""
    from vsl_assets.cli.common import own_command

    bin_dir = tmp_path / "proj" / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "vsl").write_text("#!/bin/sh\n")
    python = str(bin_dir / "python")
    assert own_command(tmp_path / "proj", python) == ".venv/bin/vsl"
    assert own_command(tmp_path / "elsewhere", python) == str(bin_dir / "vsl")
    assert own_command(None, python) == str(bin_dir / "vsl")
    assert own_command(tmp_path / "proj", str(tmp_path / "python")) == "vsl"  # no vsl beside it


def test_status_filter_names_the_statuses_and_says_none_is_in_it(vsl_env, capsys: pytest.CaptureFixture[str]) -> None:
    """``--status bogus`` said "no URLs yet: add some with `vsl add URL`" (exit 0) to a full library."""
    add_urls("https://a.example.com/v.m3u8")
    capsys.readouterr()
    with pytest.raises(SystemExit) as refused:
        main(["status", "--status", "faild"])
    assert (
        refused.value.code == 2 and "invalid choice: 'faild' (choose from 'pending_ingest'" in capsys.readouterr().err
    )
    assert main(["status", "--status", "failed"]) == 0
    assert capsys.readouterr().out == "no URL is failed\n"
    assert main(["status", "--status", "pending_ingest"]) == 0
    assert "https://a.example.com/v.m3u8" in capsys.readouterr().out


def test_watch_without_an_action_asks_for_the_action_only(capsys: pytest.CaptureFixture[str]) -> None:
    """KEY is optional (``list`` takes none), but argparse listed it as required: "action, KEY"."""
    with pytest.raises(SystemExit):
        main(["watch"])
    assert capsys.readouterr().err.rstrip().endswith("error: the following arguments are required: action")
