"""The library's page queries on SQLite and real PostgreSQL: the rows each filter and sort
returns, and (PostgreSQL) the plan of a filtered page.

Issue 27: ``/?niche=health&lead=story&price_max=200&duration_min=600`` spent ~1 s in PostgreSQL
at 10,000 VSLs.  The page's statement joined ``urls`` to its five card tables in the written order
(``JOIN_AS_WRITTEN``); the filters turned the breakdown and video joins into inner ones, and with
no statistics yet (or a low estimate of the matching breakdowns) PostgreSQL ran a nested loop
whose inner side was ``urls`` hash-joined to every source and video, rebuilt once per matching
breakdown (2.5 million rows compared for 282 cards).  The expected rows here are computed in
Python from what was seeded, so they hold for any query shape.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update

from vsl_assets.db import engine, session_scope
from vsl_assets.db.engine import get_engine
from vsl_assets.db.models import BreakdownRow, Source, TranscriptRow, Url, Video
from vsl_assets.db.watch_models import WatchVersion
from vsl_assets.services import library
from vsl_assets.services.library import LibraryFilters
from vsl_assets_tests.statements import sent_statements

T = 0.6
NICHES = ("health/weight_loss", "health/diabetes", "wealth/trading", "relationships/dating", "health")
LEADS = ("story", "problem", "secret", "promise")
PRICES = (None, 0.0, 37.0, 97.0, 197.0, 200.0, 297.0)


@dataclass(frozen=True)
class Seeded:
    """One VSL as seeded: what the filters read."""

    id: int
    key: str
    title: str
    niche: str | None
    niche_top: str | None
    lead: str | None
    price: float | None
    currency: str | None
    guarantee: int | None
    duration: float | None
    review: bool
    grades: dict[str, float]

    def sure(self, field: str) -> bool:
        grade = self.grades.get(field)
        return grade is None or grade >= T


def seed(database: str, n: int, rng: random.Random) -> list[Seeded]:
    """``n`` VSLs: a tenth not yet downloaded (no video), a tenth not analysed (no breakdown),
    grades below the threshold on a fifth of the fields, a price of 0 and of exactly 200; the
    last VSL a watched page's later version (never a card)."""
    out: list[Seeded] = []
    with session_scope(database) as s:
        s.execute(
            insert(Url),
            [{"url": f"https://vsl{i}.example.com/p", "partition_key": f"vsl{i}-example-com-p"} for i in range(n)],
        )
        ids = {k: i for k, i in s.execute(select(Url.partition_key, Url.id))}
        sources, videos, transcripts, breakdowns = [], [], [], []
        for i in range(n):
            key = f"vsl{i}-example-com-p"
            uid = ids[key]
            title = f"Oferta {i} " + rng.choice(("ritual", "segredo", "método"))
            page_url = f"https://vsl{i}.example.com/p"
            sources.append(
                {"url_id": uid, "page_url": page_url, "stream_url": page_url, "kind": "html5", "title": title}
            )
            duration = rng.choice((None, 300.0, 599.0, 600.0, 1800.0, 3600.0)) if i % 10 else None
            if duration is not None:
                videos.append({"url_id": uid, "path": "x", "size_bytes": 1, "duration_s": duration})
            analysed = i % 10 != 3
            review = analysed and rng.random() < 0.3
            niche = lead = currency = None
            price: float | None = None
            guarantee: int | None = None
            grades: dict[str, float] = {}
            if analysed:
                transcripts.append(
                    {"url_id": uid, "text": "t", "language": "pt", "engine": "e", "model": "m", "segments": []}
                    | {"needs_review": review}
                )
                niche = rng.choice(NICHES)
                lead = rng.choice(LEADS)
                price = rng.choice(PRICES)
                currency = rng.choice(("BRL", "USD")) if price is not None else None
                guarantee = rng.choice((None, 0, 7, 30))
                grades = {f: round(rng.uniform(0.3, 1.0), 2) for f in ("niche", "lead_type", "offer_price")}
                grades = {f: g for f, g in grades.items() if rng.random() < 0.6}
                breakdowns.append(
                    {
                        "url_id": uid,
                        "status": "ok",
                        "niche": niche,
                        "niche_top": niche.split("/")[0],
                        "lead_type": lead,
                        "offer_amount": price,
                        "offer_currency": currency,
                        "guarantee_days": guarantee,
                        "engine": "e",
                        "model": "m",
                        "confidence": grades or None,
                        "data": {},
                    }
                )
            out.append(
                Seeded(
                    uid,
                    key,
                    title,
                    niche,
                    niche.split("/")[0] if niche else None,
                    lead,
                    price,
                    currency,
                    guarantee,
                    duration,
                    review,
                    grades,
                )
            )
        for table, rows in (
            (Source, sources),
            (Video, videos),
            (TranscriptRow, transcripts),
            (BreakdownRow, breakdowns),
        ):
            s.execute(insert(table), rows)
        first, last = out[0].id, out[-1].id
        s.add(WatchVersion(url_id=first, number=1, identity="a", version_url_id=first))
        s.add(WatchVersion(url_id=first, number=2, identity="b", version_url_id=last))
    return out[:-1]


#: Each filter set the test lists, with the same filter written in Python over what was seeded.
CASES: dict[str, tuple[LibraryFilters, Callable[[Seeded], bool]]] = {
    "issue 27's filtered page": (
        LibraryFilters(niche="health", lead="story", price_max=200, duration_min=600),
        lambda v: (
            (v.niche == "health" or v.niche_top == "health")
            and v.sure("niche")
            and v.lead == "story"
            and v.sure("lead_type")
            and v.price is not None
            and v.price <= 200
            and v.sure("offer_price")
            and v.duration is not None
            and v.duration >= 600
        ),
    ),
    "price from 0": (
        LibraryFilters(price_min=0),
        lambda v: v.price is not None and v.price >= 0 and v.sure("offer_price"),
    ),
    "duration from 0": (LibraryFilters(duration_min=0), lambda v: v.duration is not None),
    "no guarantee days (0)": (LibraryFilters(guarantee=0), lambda v: v.guarantee == 0),
    "words and review": (
        LibraryFilters(q="segredo", review=True),
        lambda v: "segredo" in v.title and v.review,
    ),
    "niche, currency": (
        LibraryFilters(niche="wealth", currency="usd"),
        lambda v: v.niche_top == "wealth" and v.sure("niche") and v.currency == "USD" and v.sure("offer_price"),
    ),
    "everything": (LibraryFilters(), lambda v: True),
}


def by_price(v: Seeded) -> tuple[int, float, int]:
    """``sort=-price``: sure prices high to low, unknown and unsure last; newest first within."""
    known = v.price is not None and v.sure("offer_price")
    return (0 if known else 1, -(v.price or 0.0) if known else 0.0, -v.id)


def by_duration(v: Seeded) -> tuple[int, float, int]:
    return (0 if v.duration is not None else 1, v.duration or 0.0, -v.id)


def all_pages(database: str, f: LibraryFilters) -> tuple[list[str], set[int]]:
    """Every card key of ``f`` in page order (24 a page, by cursor or offset) and the totals told."""
    keys: list[str] = []
    totals: set[int] = set()
    page_filters = f
    for _ in range(200):
        with session_scope(database) as s:
            page = library.list_vsls(s, page_filters, min_confidence=T)
        keys += [c.partition_key for c in page.items]
        totals.add(page.total)
        if len(page.items) < page.limit:
            return keys, totals
        if page.next_after is not None:
            page_filters = replace(page_filters, after=page.next_after)
        else:
            page_filters = replace(page_filters, offset=page_filters.offset + page.limit)
    raise AssertionError("more than 200 pages")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]
)
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Seeded]]:
    """One seeded database per backend for every case (they only read it)."""
    if request.param == "postgres":
        database = request.getfixturevalue("postgres").create_database("library_filters_and_sorts")
    else:
        database = f"sqlite:///{tmp_path_factory.mktemp('library') / 'vsl.db'}"
    return database, seed(database, 240, random.Random(27))


@pytest.mark.parametrize("case", list(CASES))
def test_each_filter_lists_exactly_its_vsls_newest_first(seeded: tuple[str, list[Seeded]], case: str) -> None:
    database, vsls = seeded
    f, matches = CASES[case]
    expected = [v.key for v in sorted(vsls, key=lambda v: -v.id) if matches(v)]
    assert expected, f"the seeding gives {case!r} nothing to match"
    for sort, key in (("newest", lambda v: -v.id), ("-price", by_price), ("duration", by_duration)):
        listed, totals = all_pages(database, replace(f, sort=sort))  # type: ignore[arg-type]
        assert listed == [v.key for v in sorted(vsls, key=key) if matches(v)], (case, sort)
        assert totals == {len(expected)}, (case, sort)


def test_a_card_is_made_once_per_row_and_anew_when_its_row_changes(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cards are kept by the values of their row (``library._card``): the same rows give the same
    cards, a changed row its new card, and no more than ``MAX_CARDS`` are kept."""
    database = f"sqlite:///{tmp_path / 'vsl.db'}"
    seed(database, 12, random.Random(23))
    f = LibraryFilters(limit=5)
    with session_scope(database) as s:
        first = library.list_vsls(s, f, min_confidence=T).items
        again = library.list_vsls(s, f, min_confidence=T).items
        assert [id(c) for c in again] == [id(c) for c in first]
        s.execute(update(Url).where(Url.partition_key == first[1].partition_key).values(title="Ritual da manhã"))
        changed = library.list_vsls(s, f, min_confidence=T).items
    assert changed[1].title == "Ritual da manhã" and first[1].title != "Ritual da manhã"
    assert changed[0] is first[0] and changed[2] is first[2]
    monkeypatch.setattr(library, "MAX_CARDS", 3)
    with session_scope(database) as s:
        page = library.list_vsls(s, replace(f, limit=8), min_confidence=T)
    assert len(page.items) == 8 and len(library._cards) <= 3


# -- PostgreSQL's plan ----------------------------------------------------------------------------


def plan_of(database: str, statement: str, parameters: Any) -> dict[str, Any]:
    """``EXPLAIN (FORMAT JSON)`` of a statement as the app sent it (a ``SET LOCAL`` it begins with
    runs first, in the same transaction)."""
    raw = get_engine(database).raw_connection()
    try:
        cursor = raw.cursor()
        sql = cursor.mogrify(statement, parameters).decode()
        *settings, query = sql.split("; ")
        for setting in settings:
            cursor.execute(setting)
        if query.startswith("EXECUTE "):  # a prepared statement (engine.PREPARED): prepared here too
            name = query.split()[1].split("(")[0]
            cursor.execute(next(prepare for named, prepare, _ in engine._prepared.values() if named == name))
        cursor.execute("EXPLAIN (FORMAT JSON) " + query)
        row = cursor.fetchone()
        assert row is not None
        plan: dict[str, Any] = row[0][0]["Plan"]
        return plan
    finally:
        raw.rollback()
        raw.close()


#: What a nested loop may run once per outer row: a lookup through an index.
_INDEXED = {"Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan", "Memoize"}


def redone_per_row(node: dict[str, Any]) -> list[str]:
    """The plan nodes that sit on the inner side of a nested loop and are not an indexed lookup:
    a join or a scan the loop runs again for every row of its outer side."""
    found: list[str] = []
    children = node.get("Plans", [])
    if node["Node Type"] == "Nested Loop":
        inner = [c for c in children if c.get("Parent Relationship") == "Inner"]
        stack = list(inner)
        while stack:
            n = stack.pop()
            if n["Node Type"] not in _INDEXED:
                found.append(f"{n['Node Type']} {n.get('Relation Name', '')}".strip())
            stack += [c for c in n.get("Plans", []) if c.get("Parent Relationship") != "SubPlan"]
    for child in children:
        found += redone_per_row(child)
    return found


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_plans_the_filtered_page_from_the_matching_rows_without_statistics(
    postgres: Any,
) -> None:
    """Right after a bulk import PostgreSQL has no statistics yet (autovacuum analyses a minute
    later; here it is off): the filtered page's statements must still never redo a join or a
    table scan per matching row, and the page's ids never join the card tables no filter reads."""
    database = postgres.create_database("library_plan_no_statistics")
    engine = get_engine(database)  # migrated
    with engine.begin() as conn:
        tables = conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).all()
        for table in tables:
            conn.execute(text(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)'))
    vsls = seed(database, 1200, random.Random(26))
    with engine.connect() as conn:
        analysed = conn.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = 'breakdowns'"))
    assert analysed == 0, "the test needs a database without statistics"
    f, matches = CASES["issue 27's filtered page"]
    with sent_statements(database) as sent, session_scope(database) as s:
        page = library.list_vsls(s, replace(f, limit=6), min_confidence=T)
    assert page.total == sum(1 for v in vsls if matches(v)) > len(page.items) > 0
    for statement, parameters in sent:
        plan = plan_of(database, statement, parameters)
        redone = redone_per_row(plan)
        assert redone == [], f"{redone} in the plan of {statement}\n{json.dumps(plan, indent=1)}"
    assert len(sent) == 2, [st for st, _ in sent]  # the page's ids with the total, then their cards
    ids_statement = sent[0][0]
    assert "sources" not in ids_statement and "transcripts" not in ids_statement, ids_statement


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_collects_no_statistics_for_the_card_tables_url_id(postgres: Any) -> None:
    """Migration 0015: the card tables' ``url_id`` (unique) gets no statistics, which cost the
    planner of every library page ~0.2 ms to read; the whole library's page still walks ``urls``
    newest first and reaches each card table through its unique index."""
    database = postgres.create_database("library_plan_statistics")
    seed(database, 300, random.Random(25))
    with get_engine(database).connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        analysed = set(conn.execute(text("SELECT tablename, attname FROM pg_stats WHERE schemaname = 'public'")))
    assert ("urls", "id") in analysed and ("breakdowns", "niche") in analysed
    assert {(t, "url_id") for t in ("sources", "videos", "breakdowns", "transcripts")} & analysed == set()
    with sent_statements(database) as sent, session_scope(database) as s:
        page = library.list_vsls(s, LibraryFilters(), min_confidence=T)
    assert page.total == 299 and len(page.items) == 24
    (statement, parameters), *_ = sent
    plan = plan_of(database, statement, parameters)
    scans: dict[str, list[tuple[str, str]]] = {}
    stack = [plan]
    while stack:
        node = stack.pop()
        if "Relation Name" in node:
            scans.setdefault(node["Relation Name"], []).append((node["Node Type"], node.get("Index Cond", "")))
        stack += node.get("Plans", [])
    for table in ("sources", "videos", "breakdowns", "transcripts"):
        expected = [("Index Scan", "(url_id = urls.id)")]
        if table == "sources":  # and an alias's page title (``titles.alias_page_title``), by the same index
            expected.append(("Index Scan", "(url_id = urls_1.id)"))
        assert sorted(scans[table]) == sorted(expected), (table, json.dumps(plan, indent=1))
    assert ("Index Scan", "(alias_of = urls.id)") in scans["urls"], plan  # the alias found by its index
    assert ("Index Scan", "") in scans["urls"] and '"Scan Direction": "Backward"' in json.dumps(plan), plan


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_runs_the_whole_librarys_pages_prepared_on_one_generic_plan(
    postgres: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole library sorted by id is a prepared statement (``engine.PREPARED``): planned once
    per connection and cursor-or-not, every page after that executed on the same generic plan,
    listing what the statement sent as text lists; a new connection (a reconnect) prepares it
    again."""
    database = postgres.create_database("library_prepared")
    vsls = seed(database, 40, random.Random(24))
    newest = [v.key for v in sorted(vsls, key=lambda v: -v.id)]

    def pages_and_prepared() -> tuple[list[str], list[str], list[tuple[Any, ...]]]:
        with session_scope(database) as s:  # one session: one connection, its prepared statements
            listed = {}
            for sort in ("newest", "oldest"):
                f, listed[sort] = LibraryFilters(sort=sort, limit=7), []  # type: ignore[arg-type]
                while True:
                    page = library.list_vsls(s, f, min_confidence=T)
                    listed[sort] += [c.partition_key for c in page.items]
                    if page.next_after is None:
                        break
                    f = replace(f, after=page.next_after)
            prepared = s.execute(
                text(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE name LIKE 'vsl_%' AND statement LIKE '%FROM urls LEFT OUTER JOIN%' ORDER BY name"
                )
            ).all()
        return listed["newest"], listed["oldest"], [tuple(r) for r in prepared]

    prepared_newest, prepared_oldest, plans = pages_and_prepared()
    assert prepared_newest == newest and prepared_oldest == newest[::-1]
    # four statements (newest, oldest; each without and with a cursor), 12 pages in all: no
    # page planned anew
    assert sorted(plans) == sorted([(1, 0), (5, 0), (1, 0), (5, 0)]), plans
    get_engine(database).dispose()  # new connections: prepared again, the same pages
    assert pages_and_prepared()[:2] == (newest, newest[::-1])
    # VSL_DATABASE_PREPARED_STATEMENTS=false (a pooler in transaction mode): sent as text, the
    # same pages, nothing prepared.
    engine.dispose_all()
    engine.use_prepared_statements(False)  # what the front ends do with the setting
    try:
        assert pages_and_prepared() == (newest, newest[::-1], [])
    finally:
        engine.use_prepared_statements(True)
