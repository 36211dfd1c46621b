"""The library's sorted pages (price, duration, title) read the page's ids first and the cards
after: every page, walked by offset, lists exactly what one query sorting the full cards lists
(ties by newest first, unknown and not-sure values last), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from vsl_assets.db.models import BreakdownRow
from vsl_assets.services import library
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed, url_id

SORTS = ("price", "-price", "duration", "-duration", "title", "days_live", "-days_live")


def _one_query(session: Any, f: library.LibraryFilters, t: float) -> list[str]:
    """The order before the change: the full card columns sorted in one query."""
    query = library._filtered(library._joined(select(*library._card_columns(t))), f, t)
    return [r.partition_key for r in session.execute(query.order_by(*library._order(f.sort, t)))]


@pytest.mark.parametrize("sort", SORTS)
def test_sorted_pages(web: Web, sort: str) -> None:
    """Walked by offset, every sorted page lists what one query sorting the full cards lists."""
    prices = [47.0, 197.0, None, 97.0, 197.0, 37.0, None, 97.0, 497.0, 197.0, 12.0]
    with web.session() as s:
        keys = [
            seed(
                s,
                web.layout,
                Fake(
                    f"https://s{i}.example.com/vsl",
                    title=None if i % 4 == 0 else f"Título {10 - i % 5}",
                    price=price,
                    duration_s=float(60 * (1 + i % 3)),
                ),
            )
            for i, price in enumerate(prices)
        ]
        unsure = url_id(s, keys[8])  # the dearest price, not sure: sorts with the unknowns
        s.execute(update(BreakdownRow).where(BreakdownRow.url_id == unsure).values(confidence={"offer_price": 0.2}))
    t = 0.6
    with web.session() as s:
        expected = _one_query(s, library.LibraryFilters(sort=sort), t)
        walked: list[str] = []
        for offset in range(0, len(keys) + 3, 3):
            page = library.list_vsls(s, library.LibraryFilters(sort=sort, limit=3, offset=offset), min_confidence=t)
            assert page.total == len(keys)
            walked += [c.partition_key for c in page.items]
        filtered = library.LibraryFilters(sort=sort, price_min=40, limit=2, offset=1)
        page = library.list_vsls(s, filtered, min_confidence=t)
        assert [c.partition_key for c in page.items] == _one_query(s, filtered, t)[1:3]
    assert walked == expected and sorted(walked) == sorted(keys)
    if sort == "-price":
        assert walked[:3] == [keys[9], keys[4], keys[1]]  # 197 three times: newest first
        assert keys[8] in walked[-3:]  # not sure: among the unknowns, last
