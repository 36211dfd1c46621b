"""A user's saved searches: one order (newest first) for the API's list, the search page's menu and
the trimming that keeps the newest ``MAX_SAVED``."""

from __future__ import annotations

import pytest

from vsl_assets.db.web_models import User
from vsl_assets.services import search as search_service
from vsl_assets_tests.services.conftest import Env


def test_the_list_the_menu_and_the_trimming_follow_one_order(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_service, "MAX_SAVED", 3)
    with env.sessions() as s:
        ana, bia = (User(name=n, password_hash="x", session_version=1, disabled=False) for n in ("ana", "bia"))
        s.add_all([ana, bia])
        s.flush()
        search_service.save_search(s, bia.id, "theirs", "q=garantia")
        for word in ("alfa", "bravo", "charlie", "delta", "echo"):
            search_service.save_search(s, ana.id, f"search {word}", f"q={word}")
        ana_id, bia_id = ana.id, bia.id
    with env.sessions() as s:
        listed = [(x.id, x.name, x.query) for x in search_service.saved_searches(s, ana_id)]
        menu = [tuple(row) for row in search_service.saved_search_menu(s, ana_id)]
        assert [name for _, name, _ in listed] == ["search echo", "search delta", "search charlie"]
        assert menu == listed
        assert [x.name for x in search_service.saved_searches(s, bia_id)] == ["theirs"]
