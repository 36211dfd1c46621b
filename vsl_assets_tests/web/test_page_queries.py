"""No page runs a query per VSL: the number of SQL statements a page sends is the same with 3
VSLs as with 12 (on the library, search, a board, the boards list, insights, the queue and a VSL
page).  A loop that reads one row per card (an N+1) makes the second count larger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from vsl_assets.db.models import Audio, BreakdownRow, Source, TranscriptRow, Url, Video
from vsl_assets.db.web_models import Board, BoardItem
from vsl_assets.services import insights, library
from vsl_assets_tests.statements import sent_statements
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed, url_id


def _add(web: Web, board_id: int, start: int, count: int) -> list[str]:
    with web.session() as s:
        keys = [
            seed(
                s,
                web.layout,
                Fake(
                    f"https://q{i}.example.com/vsl",
                    title=f"Garantia {i}",
                    segments=[(0.0, 4.0, f"garantia de trinta dias número {i}"), (4.0, 8.0, "o ritual da manhã")],
                ),
            )
            for i in range(start, start + count)
        ]
        s.add_all(
            BoardItem(board_id=board_id, url_id=url_id(s, k), position=start + n, tags=["chá"])
            for n, k in enumerate(keys)
        )
        index_all(s, web.settings, keys)
    return keys


def _counts(web: Web, board_id: int, key: str) -> dict[str, int]:
    out = {}
    for page in (
        "/",
        "/?sort=-price",
        "/search?q=garantia",
        "/boards",
        f"/boards/{board_id}",
        "/insights",
        "/queue",
        f"/vsl/{key}",
    ):
        insights._cache.clear()
        web.client.get(page)  # the first request of a kind warms caches (e.g. facet menus)
        insights._cache.clear()
        with sent_statements(web.settings.database) as statements:
            response = web.client.get(page)
        assert response.status_code == 200, (page, response.text[:300])
        out[page] = len(statements)
    return out


def test_queries_per_page_do_not_grow_with_the_vsls(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        board = Board(user_id=1, name="Chás")
        s.add(board)
        s.flush()
        board_id = board.id
    keys = _add(web, board_id, 0, 3)
    few = _counts(web, board_id, keys[0])
    _add(web, board_id, 3, 9)
    many = _counts(web, board_id, keys[0])
    assert "Garantia 11" in web.client.get(f"/boards/{board_id}").text  # the 12 are there
    assert many == few, {p: (few[p], many[p]) for p in few if few[p] != many[p]}


def test_the_vsl_page_reads_its_row_and_one_to_one_rows_once(sqlite_web: Web) -> None:
    """The VSL page reads the URL's row with its source, video, audio, transcript and breakdown in
    one statement, and the watch panel does not read the row again (it was 6 statements and a
    second read of the row)."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://one.example.com/vsl", title="Ritual da manhã"))
    web.client.get(f"/vsl/{key}")
    with sent_statements(web.settings.database) as statements:
        response = web.client.get(f"/vsl/{key}")
    assert response.status_code == 200 and "Ritual da manhã" in response.text
    flat = [" ".join(s.split()) for s, _ in statements]
    full_row = [s for s in flat if s.startswith("SELECT urls.id, urls.url, urls.partition_key, urls.status")]
    assert len(full_row) == 1, full_row
    for table in ("sources", "videos", "audio", "transcripts", "breakdowns"):
        assert not any(s.startswith(f"SELECT {table}.id, {table}.url_id") for s in flat), table
    assert "LEFT OUTER JOIN audio ON audio.url_id = urls.id" in full_row[0]


def test_the_vsl_page_leaves_the_transcript_text_in_the_database(
    sqlite_web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The VSL page shows the transcript's timed segments, never its plain text (~50 KB for an hour of
    speech), so its statement does not select the text, and the page is the same, byte for byte, as
    when the text was loaded with the row."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        keys = [
            seed(s, web.layout, Fake("https://one.example.com/vsl", title="Ritual da manhã")),
            seed(
                s,
                web.layout,
                Fake(
                    "https://two.example.com/vsl",
                    title="Morning ritual",
                    language="en",
                    segments=[(0.0, 5.0, "Here is the morning ritual."), (5.0, 11.0, "A 60-day guarantee & more.")],
                ),
            ),
            seed(s, web.layout, Fake("https://three.example.com/vsl", status="failed", reason="HTTP 404 <gone>")),
        ]

    def pages() -> tuple[dict[str, str], list[str]]:
        with sent_statements(web.settings.database) as statements:
            shown = {key: web.client.get(f"/vsl/{key}").text for key in keys}
        return shown, [" ".join(s.split()) for s, _ in statements]

    pages()  # the first request of a kind warms caches
    without_text, sent = pages()
    assert "Here is the morning ritual." in without_text[keys[1]] and "HTTP 404" in without_text[keys[2]]
    detail_rows = [s for s in sent if "LEFT OUTER JOIN transcripts ON transcripts.url_id = urls.id" in s]
    assert len(detail_rows) == len(keys) and all("transcripts.language" in s for s in detail_rows)
    assert not [s for s in sent if "transcripts.text" in s]

    every_column = (  # the statement as it was: each row whole
        select(Url, Source, Video, Audio, TranscriptRow, BreakdownRow)
        .outerjoin(Source, Source.url_id == Url.id)
        .outerjoin(Video, Video.url_id == Url.id)
        .outerjoin(Audio, Audio.url_id == Url.id)
        .outerjoin(TranscriptRow, TranscriptRow.url_id == Url.id)
        .outerjoin(BreakdownRow, BreakdownRow.url_id == Url.id)
    )
    monkeypatch.setattr(library, "_DETAIL_ROWS", every_column)
    with_text, sent = pages()
    assert any("transcripts.text" in s for s in sent)  # the check above can see the column
    assert with_text == without_text
