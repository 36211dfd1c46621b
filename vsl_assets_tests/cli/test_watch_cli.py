"""``vsl watch``: switches per URL and per board, the list, and a check now (the real service)."""

from __future__ import annotations

from vsl_assets.cli import main
from vsl_assets.db import Board, BoardItem, User, repo
from vsl_assets_tests.conftest import add_urls, db_session
from vsl_assets_tests.services.watch_support import PageHost, video_page


def test_watch_on_off_list_check(vsl_env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("VSL_WATCH_HOST_INTERVAL_S", "0")
    monkeypatch.setenv("VSL_WATCH_ALL_PAGES", "0")
    with PageHost() as page, PageHost() as cdn:
        a, b = add_urls(
            page.serve("/a/", video_page(cdn.url("/a.m3u8"))), page.serve("/b/", video_page(cdn.url("/b.m3u8")))
        )
        assert main(["watch", "list"]) == 0
        assert capsys.readouterr().out == ""  # nothing watched: the default is off here
        assert main(["watch", "on", a]) == 0
        assert capsys.readouterr().out == f"{a}\twatch on\n"
        with db_session() as s:
            user = User(name="ana", password_hash="x")
            s.add(user)
            s.flush()
            board = Board(user_id=user.id, name="Saúde")
            s.add(board)
            s.flush()
            s.add(BoardItem(board_id=board.id, url_id=repo.get_url(s, b).id))
            board_id = board.id
        assert main(["watch", "on", "--board", str(board_id)]) == 0
        assert "1 URLs" in capsys.readouterr().out
        assert main(["watch", "check", a]) == 0
        out = capsys.readouterr().out
        # the page fetched again, the same video: unchanged (it was in no count: "checked 1: 0 unchanged")
        assert out.startswith("checked 1: 1 unchanged, 0 changed, 0 failed, 0 down")
        assert main(["watch", "list"]) == 0
        listed = capsys.readouterr().out.splitlines()
        assert [line.split("\t")[:2] for line in listed] == [[a, "live since today, 1 version"], [b, "not checked yet"]]
        assert main(["watch", "off", a]) == 0
        capsys.readouterr()
        assert main(["watch", "list"]) == 0
        assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == [b]
        assert main(["watch", "check", f"{a}"]) == 0
        capsys.readouterr()
        assert main(["watch", "check"]) == 2
        capsys.readouterr()
        # Worded and numbered as every other command's missing key (`vsl show`, `vsl retry`).
        assert main(["watch", "on", "nope-000000000000"]) == 1
        assert capsys.readouterr().err == "vsl: no URL with key nope-000000000000\n"
        assert main(["watch", "check", "--board", "999"]) == 1
        assert capsys.readouterr().err == "vsl: no board 999\n"
        assert cdn.seen == []


def test_watch_check_names_each_page_down_and_why(vsl_env, capsys, monkeypatch) -> None:
    """A new user's first check of a page the guard refuses: "1 down" alone said neither which nor why."""
    monkeypatch.setenv("VSL_WATCH_HOST_INTERVAL_S", "0")
    with PageHost() as page, PageHost() as cdn:
        (key,) = add_urls(page.serve("/pagina/", video_page(cdn.url("/v.m3u8"))))
        monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")  # production's policy: loopback is refused
        capsys.readouterr()
        assert main(["watch", "check", key]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert page.seen == []
    assert lines[0] == "checked 1: 0 unchanged, 0 changed, 0 failed, 1 down; 1 request"
    assert lines[1].startswith(f"{key}\tdown: ") and "loopback" in lines[1]


def test_check_counts_add_up_to_the_pages_checked() -> None:
    """Pages answered 304 and pages fetched again with the same video are both unchanged: the line
    once counted only the 304s, so "checked 2: 1 unchanged (ETag), 0 changed, 0 failed, 0 down"."""
    from vsl_assets.cli.watch import check_report
    from vsl_assets.services.watch import RunSummary

    assert check_report("en", RunSummary(checked=2, not_modified=1, requests=2)) == [
        "checked 2: 2 unchanged (1 by ETag), 0 changed, 0 failed, 0 down; 2 requests"
    ]
    assert check_report("en", RunSummary(checked=4, changed=1, failed=1, down=1, requests=4)) == [
        "checked 4: 1 unchanged, 1 changed, 1 failed, 1 down; 4 requests"
    ]
    assert check_report("pt-BR", RunSummary(checked=1, not_modified=1, requests=1)) == [
        "1 verificadas: 1 sem mudança (1 pelo ETag), 0 com mudança, 0 com falha, 0 fora do ar; 1 requisição"
    ]


def test_watch_check_words_its_events_in_the_readers_language(vsl_env, capsys, monkeypatch) -> None:
    """A new video on the page printed ``new_version page-v2``, the event's code: now the words the
    Changes page uses, in ``--lang`` (English by default), as ``vsl add`` and ``vsl status`` word theirs."""
    monkeypatch.setenv("VSL_WATCH_HOST_INTERVAL_S", "0")
    with PageHost() as page, PageHost() as cdn:
        (key,) = add_urls(page.serve("/pagina/", video_page(cdn.url("/a.m3u8"))))
        assert main(["watch", "check", key]) == 0
        capsys.readouterr()
        page.serve("/pagina/", video_page(cdn.url("/b.m3u8")))  # the advertiser changed the video
        assert main(["watch", "check", key, "--lang", "pt-BR"]) == 0
        portuguese = capsys.readouterr().out.splitlines()
        page.serve("/pagina/", video_page(cdn.url("/c.m3u8")))
        assert main(["watch", "check", key]) == 0
        english = capsys.readouterr().out.splitlines()
        assert main(["watch", "check", key, "--lang", "fr"]) == 2
        assert "--lang 'fr': use one of en, pt-BR, es" in capsys.readouterr().err
    assert portuguese[0].startswith("1 verificadas: 0 sem mudança, 1 com mudança, 0 com falha, 0 fora do ar; ")
    assert portuguese[1:] == [f"{key}: nova versão da VSL — versão 2 ({key}-v2)"]
    assert english[0].startswith("checked 1: 0 unchanged, 1 changed, 0 failed, 0 down; ")
    assert english[1:] == [f"{key}: new VSL version — version 3 ({key}-v3)"]


def test_a_check_without_the_apps_environment_fails_and_records_nothing(vsl_env, capsys, monkeypatch, tmp_path) -> None:
    """Run where the app's settings are not (another folder, no ``.env``), ``vsl watch check`` made a
    new empty database, or recorded a page the app reads every day as "down" (an event, a webhook)
    because this shell's network policy refused its address."""
    from sqlalchemy import func, select

    from vsl_assets.db.watch_models import WatchCheck, WatchEvent

    monkeypatch.setenv("VSL_WATCH_HOST_INTERVAL_S", "0")
    with PageHost() as page, PageHost() as cdn:
        (key,) = add_urls(page.serve("/pagina/", video_page(cdn.url("/v.m3u8"))))
        assert main(["watch", "check", key]) == 0  # the app's environment: the page is live
        assert "0 failed, 0 down" in capsys.readouterr().out.splitlines()[0]
        seen = len(page.seen)

        def recorded() -> tuple[int, int]:
            with db_session() as s:
                return s.scalar(select(func.count(WatchCheck.id))), s.scalar(select(func.count(WatchEvent.id)))

        before = recorded()
        monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")  # a shell without the app's .env
        assert main(["watch", "check", key]) == 2
        said = capsys.readouterr()
        assert said.out == "" and f"vsl: {key}: the app has fetched http://127.0.0.1:" in said.err
        assert (
            "vsl is not running with the app's settings" in said.err and "Nothing was checked or recorded" in said.err
        )
        assert recorded() == before and len(page.seen) == seen

    nowhere = tmp_path / "elsewhere" / "vsl.db"
    monkeypatch.setenv("VSL_DATABASE_URL", f"sqlite:///{nowhere}")
    assert main(["watch", "check", key]) == 2
    err = capsys.readouterr().err
    assert f"vsl: no app database at {nowhere}" in err and "not running with the app's environment" in err
    assert not nowhere.exists()
