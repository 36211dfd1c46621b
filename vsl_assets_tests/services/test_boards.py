"""Boards at the service level, on a real SQLite database: rows after each operation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.orm import Session

from vsl_assets.db import dispose_all, normalise_database_url, session_scope
from vsl_assets.db.models import utcnow
from vsl_assets.db.web_models import Board, BoardItem, BoardMember, BoardShare, User
from vsl_assets.services import boards
from vsl_assets_tests.services.conftest import Env
from vsl_assets_tests.web.seed import Fake, seed


def _user(s: Session, name: str) -> int:
    user = User(name=name, password_hash="x", session_version=1, disabled=False)
    s.add(user)
    s.flush()
    return user.id


def _world(env: Env, n: int = 3) -> tuple[int, int, list[str]]:
    with env.sessions() as s:
        ana, bia = _user(s, "ana"), _user(s, "bia")
        keys = [seed(s, env.layout, Fake(f"https://v{i}.example.com/vsl", title=f"VSL {i}")) for i in range(n)]
    return ana, bia, keys


def _positions(s: Session, board_id: int) -> list[str]:
    from vsl_assets.db.models import Url

    return list(
        s.scalars(
            select(Url.partition_key)
            .join(BoardItem, BoardItem.url_id == Url.id)
            .where(BoardItem.board_id == board_id)
            .order_by(BoardItem.position)
        )
    )


def test_rename_delete_restore_and_purge(env: Env) -> None:
    ana, bia, keys = _world(env)
    with env.sessions() as s:
        board = boards.create_board(s, ana, "  Emagrecimento  ", "old", "team")
        boards.add_item(s, board, keys[0], "n", ["hook"])
        boards.create_share(s, board, ana)
        board_id = board.id
        boards.edit_board(s, board, bia, name="Emagrecimento 2026", note="  best hooks ")
    with env.sessions() as s:
        row = s.get(Board, board_id)
        assert row is not None and (row.name, row.note) == ("Emagrecimento 2026", "best hooks")
        with pytest.raises(boards.BoardForbidden, match=r"only the board's owner \(ana\) can delete it"):
            boards.delete_board(s, row, bia)
        until = boards.delete_board(s, row, ana)
        assert timedelta(days=6) < until - utcnow() <= boards.RESTORE_FOR
    with env.sessions() as s:
        assert boards.visible_boards(s, ana) == [] and boards.board_for(s, board_id, ana) is None
        assert [b.id for b in boards.deleted_boards(s, ana)] == [board_id]
        assert boards.deleted_boards(s, bia) == []
        assert boards.restore_board(s, board_id, bia) is None  # only the owner restores
        assert boards.restore_board(s, board_id, ana) is not None
    with env.sessions() as s:
        assert [b.id for b in boards.visible_boards(s, bia)] == [board_id]
        assert _positions(s, board_id) == [keys[0]]  # its items came back with it
        row = s.get(Board, board_id)
        assert row is not None
        boards.delete_board(s, row, ana)
        s.execute(update(Board).values(deleted_at=utcnow() - boards.RESTORE_FOR - timedelta(minutes=1)))
    with env.sessions() as s:
        assert boards.restore_board(s, board_id, ana) is None  # too late
        assert boards.purge_deleted(s) == 1
    with env.sessions() as s:
        for model in (Board, BoardItem, BoardShare):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model


def test_names_and_descriptions_are_bounded_with_a_reason(env: Env) -> None:
    ana, _bia, _keys = _world(env, 0)
    with env.sessions() as s:
        with pytest.raises(boards.BoardError, match="needs a name"):
            boards.create_board(s, ana, "   ", None)
        with pytest.raises(boards.BoardError, match="at most 120"):
            boards.create_board(s, ana, "x" * 121, None)
        with pytest.raises(boards.BoardError, match="visibility must be private or team"):
            boards.create_board(s, ana, "b", None, "public")
        assert s.scalar(select(func.count()).select_from(Board)) == 0


def test_items_reorder_step_by_step_and_all_at_once(env: Env) -> None:
    ana, _bia, keys = _world(env, 4)
    a, b, c, d = keys
    with env.sessions() as s:
        board = boards.create_board(s, ana, "Order", None)
        for k in keys:
            boards.add_item(s, board, k, None, [])
        board_id = board.id
    with env.sessions() as s:
        board = s.get(Board, board_id)
        assert board is not None
        assert _positions(s, board_id) == [a, b, c, d]
        assert boards.move_item(s, board, c, "up")
        assert _positions(s, board_id) == [a, c, b, d]
        assert boards.move_item(s, board, a, "down") and boards.move_item(s, board, d, "top")
        assert _positions(s, board_id) == [d, c, a, b]
        assert boards.move_item(s, board, b, "down")  # already last: stays
        assert not boards.move_item(s, board, "nope-000000000000", "up")
    with env.sessions() as s:  # persisted
        board = s.get(Board, board_id)
        assert board is not None and _positions(s, board_id) == [d, c, a, b]
        boards.order_items(s, board, [b, a])
        assert _positions(s, board_id) == [b, a, d, c]
        with pytest.raises(boards.BoardError, match="not on this board: zzz"):
            boards.order_items(s, board, ["zzz", a])
        assert [i.partition_key for i in boards.board_out(s, board).items] == [b, a, d, c]
        # A VSL added later goes to the end.
        boards.remove_item(s, board, d)
        boards.add_item(s, board, d, None, [])
        assert _positions(s, board_id)[-1] == d


def test_boards_reorder_in_each_viewers_list(env: Env) -> None:
    ana, bia, _keys = _world(env, 0)
    with env.sessions() as s:
        boards.create_board(s, ana, "one", None, "team")
        two = boards.create_board(s, ana, "two", None, "team")
        three = boards.create_board(s, bia, "three", None, "team")
        hidden = boards.create_board(s, bia, "bia's own", None, "private")
        boards.move_board(s, ana, three, "top")
        assert [b.name for b in boards.visible_boards(s, ana)] == ["three", "one", "two"]
        boards.order_boards(s, ana, [two.id])
        assert [b.name for b in boards.visible_boards(s, ana)] == ["two", "three", "one"]
        assert [b.name for b in boards.visible_boards(s, bia)] == ["two", "three", "one", "bia's own"]
        with pytest.raises(boards.BoardError, match="not a board of yours"):
            boards.order_boards(s, ana, [hidden.id])


def test_tags_are_normalised_bounded_and_filter_the_board(env: Env) -> None:
    assert boards.clean_tags(["Emoção", "emocao", " #Prova   Social ", "PROVA social", "", "Hook"]) == [
        "emoção",
        "prova social",
        "hook",
    ]
    assert boards.clean_tags("garantia, GARANTIA,  ") == ["garantia"]
    assert boards.tag_key("  Emoção  Forte ") == "emocao forte"
    with pytest.raises(boards.BoardError, match="too long: at most 32"):
        boards.clean_tags(["x" * 33])
    with pytest.raises(boards.BoardError, match="13 tags: at most 12"):
        boards.clean_tags([f"t{i}" for i in range(13)])
    ana, _bia, keys = _world(env, 3)
    with env.sessions() as s:
        board = boards.create_board(s, ana, "Tags", None)
        boards.add_item(s, board, keys[0], "first", ["Emoção", "hook"])
        boards.add_item(s, board, keys[1], None, "emocao")
        boards.add_item(s, board, keys[2], None, [])
        out = boards.board_out(s, board, tag="EMOÇÃO")
        assert [i.partition_key for i in out.items] == keys[:2] and out.total == 3
        assert [(t.tag, t.key, t.count) for t in out.tags] == [("emoção", "emocao", 2), ("hook", "hook", 1)]
        assert [i.partition_key for i in boards.board_out(s, board, tag="Hook").items] == [keys[0]]
        short = boards.board_out(s, board, tag="emocao", limit=1)
        assert ([i.partition_key for i in short.items], short.matching, short.total) == ([keys[0]], 2, 3)
        # Adding again without a note or tags keeps them; editing sets (or clears) them.
        boards.add_item(s, board, keys[0], "", "")
        item = s.scalar(select(BoardItem).where(BoardItem.note == "first"))
        assert item is not None and item.tags == ["emoção", "hook"]
        with pytest.raises(boards.BoardError, match="too long"):
            boards.edit_item(s, board, keys[0], tags=["y" * 40])
        boards.edit_item(s, board, keys[0], note="", tags="Prova, prova")
        s.refresh(item)
        assert (item.note, item.tags) == (None, ["prova"])
        assert boards.edit_item(s, board, "nope-000000000000", note="x") is None


def test_private_boards_are_seen_by_owner_and_members_only(env: Env) -> None:
    ana, bia, keys = _world(env, 1)
    with env.sessions() as s:
        _user(s, "caio")
        secret = boards.create_board(s, ana, "secret", None, "private")
        team = boards.create_board(s, ana, "team", None, "team")
        boards.add_item(s, secret, keys[0], None, [])
        boards.add_item(s, team, keys[0], None, [])
        secret_id, team_id = secret.id, team.id
    with env.sessions() as s:
        assert [b.name for b in boards.visible_boards(s, bia)] == ["team"]
        assert boards.board_for(s, secret_id, bia) is None and boards.board_for(s, team_id, bia) is not None
        assert boards.boards_of(s, keys[0], bia) == [team_id]
        assert sorted(boards.boards_of(s, keys[0], ana)) == [secret_id, team_id]
        assert [b.name for b in boards.board_summaries(s, bia)] == ["team"]
        secret = s.get(Board, secret_id)
        assert secret is not None
        with pytest.raises(boards.BoardError, match="no user 'nobody'"):
            boards.add_member(s, secret, ana, "nobody")
        boards.add_member(s, secret, ana, "bia")
        boards.add_member(s, secret, ana, "bia")  # twice: one row
        assert s.scalar(select(func.count()).select_from(BoardMember)) == 1
    with env.sessions() as s:
        assert boards.board_for(s, secret_id, bia) is not None
        secret = s.get(Board, secret_id)
        assert secret is not None
        assert boards.board_out(s, secret).members == ["bia"]
        # A member edits what is on it, but only the owner manages it.
        boards.edit_item(s, secret, keys[0], note="from bia")
        for attempt in (
            lambda: boards.add_member(s, secret, bia, "caio"),
            lambda: boards.edit_board(s, secret, bia, visibility="team"),
            lambda: boards.create_share(s, secret, bia),
            lambda: boards.delete_board(s, secret, bia),
        ):
            with pytest.raises(boards.BoardForbidden, match=r"owner \(ana\)"):
                attempt()
        assert boards.remove_member(s, secret, ana, "bia")
    with env.sessions() as s:
        assert boards.board_for(s, secret_id, bia) is None
        caio = s.scalar(select(User.id).where(User.name == "caio"))
        assert caio is not None and boards.board_for(s, secret_id, caio) is None


def test_share_links_store_a_hash_expire_and_revoke(env: Env) -> None:
    ana, _bia, keys = _world(env, 2)
    with env.sessions() as s:
        board = boards.create_board(s, ana, "shared", None)
        boards.add_item(s, board, keys[0], None, [])
        token, row = boards.create_share(s, board, ana, timedelta(days=1))
        other, _ = boards.create_share(s, board, ana)
        with pytest.raises(boards.BoardError, match="at most 90 days"):
            boards.create_share(s, board, ana, timedelta(days=91))
        board_id, share_id = board.id, row.id
    with env.sessions() as s:
        stored = s.scalars(select(BoardShare.token_hash)).all()
        assert token not in stored and boards.share_token_hash(token) in stored and len(token) >= 32
        opened = boards.open_share(s, token)
        assert opened is not None and opened.board is not None and opened.board.id == board_id
        assert boards.on_board(s, opened.board, keys[0]) and not boards.on_board(s, opened.board, keys[1])
        assert boards.open_share(s, "x" + token) is None and boards.open_share(s, "") is None
        board = s.get(Board, board_id)
        assert board is not None
        assert boards.revoke_share(s, board, ana, share_id) and not boards.revoke_share(s, board, ana, share_id)
    with env.sessions() as s:
        assert boards.open_share(s, token) == boards.SharedBoard(None, "revoked")
        s.execute(
            update(BoardShare).where(BoardShare.id != share_id).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with env.sessions() as s:
        assert boards.open_share(s, other) == boards.SharedBoard(None, "expired")
        board = s.get(Board, board_id)
        assert board is not None
        assert [x.state for x in boards.shares_of(s, board)] == ["expired", "revoked"]
        s.execute(update(BoardShare).values(expires_at=utcnow() + timedelta(days=1), revoked_at=None))
        assert boards.open_share(s, token) is not None and boards.open_share(s, token).board is not None  # type: ignore[union-attr]
        s.execute(update(User).where(User.id == ana).values(disabled=True))
        assert boards.open_share(s, token) == boards.SharedBoard(None, "revoked")  # the owner disabled: off
        s.execute(update(User).where(User.id == ana).values(disabled=False))
        boards.delete_board(s, board, ana)
    with env.sessions() as s:  # a deleted board opens for nobody
        assert boards.open_share(s, token) is None


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])])
def test_existing_boards_become_team_boards_in_their_order(
    db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from alembic import command

    from vsl_assets.db.engine import alembic_config

    if db == "postgres":
        url = request.getfixturevalue("postgres").create_database("boards_upgrade")
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(normalise_database_url(url))
    with old.begin() as conn:
        command.upgrade(alembic_config(conn), "0011_names_export")
        conn.execute(
            text(
                "INSERT INTO users (id, name, password_hash, session_version, disabled, created_at) "
                "VALUES (7, 'ana', 'x', 1, :no, '2026-01-01')"
            ),
            {"no": False},
        )
        for i, name in ((3, "zeta"), (5, "alfa")):
            conn.execute(
                text("INSERT INTO boards (id, user_id, name, created_at) VALUES (:i, 7, :n, '2026-01-01')"),
                {"i": i, "n": name},
            )
    old.dispose()
    with session_scope(url) as s:  # first use migrates to head
        rows = s.execute(select(Board.name, Board.visibility, Board.user_id, Board.deleted_at).order_by(Board.position))
        assert rows.all() == [("zeta", "team", 7, None), ("alfa", "team", 7, None)]
        assert [b.name for b in boards.visible_boards(s, 999)] == ["zeta", "alfa"]  # everyone still sees them
    dispose_all()
    with create_engine(normalise_database_url(url)).begin() as conn:
        command.downgrade(alembic_config(conn), "0011_names_export")


def test_board_menu_lists_what_visible_boards_lists(env: Env) -> None:
    """The search page's menu (id, name as columns) is each viewer's ``visible_boards``: the same
    boards in the same order, a private one for its owner and members only, a deleted one for nobody."""
    ana, bia, _keys = _world(env, 0)
    with env.sessions() as s:
        caio = _user(s, "caio")
        boards.create_board(s, ana, "zeta", None, "team")
        secret = boards.create_board(s, ana, "secret", None, "private")
        boards.create_board(s, bia, "alfa", None, "team")
        gone = boards.create_board(s, bia, "gone", None, "team")
        boards.add_member(s, secret, ana, "bia")
        boards.delete_board(s, gone, bia)
    with env.sessions() as s:
        menus = {who: [(b.id, b.name) for b in boards.board_menu(s, who)] for who in (ana, bia, caio)}
        for who, menu in menus.items():
            assert menu == [(b.id, b.name) for b in boards.visible_boards(s, who)]
        assert [name for _, name in menus[ana]] == ["zeta", "secret", "alfa"]
        assert [name for _, name in menus[bia]] == ["zeta", "secret", "alfa"]
        assert [name for _, name in menus[caio]] == ["zeta", "alfa"]
