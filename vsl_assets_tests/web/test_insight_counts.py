"""The running counts behind the insights (``insight_counts``) equal a count from scratch after
VSLs are added, re-analysed, given another video length and removed, on SQLite and PostgreSQL;
the page reads them at once (no cache to wait out) and falls back to computing when they are not
built."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vsl_assets.db import dispose_all, repo, session_scope
from vsl_assets.db.models import BreakdownRow, InsightCount, Url, Video
from vsl_assets.search import open_search
from vsl_assets.services import insights
from vsl_assets.services.library import LibraryFilters
from vsl_assets.services.removal import Removed, remove_urls
from vsl_assets.storage import StorageLayout
from vsl_assets.storage.objectstore import store_for
from vsl_assets_tests.web.conftest import Web, make_web
from vsl_assets_tests.web.seed import Fake, seed

T = 0.6
SCOPES = (
    LibraryFilters(),
    LibraryFilters(niche="health"),
    LibraryFilters(niche="health/sleep"),
    LibraryFilters(niche=" Wealth "),
    LibraryFilters(niche="nothing"),
    LibraryFilters(niche="health", sort="oldest", limit=5),
)


def _stored(s: Session) -> dict[tuple[str, str, str, str], tuple[int, int, float, float]]:
    rows = s.scalars(select(InsightCount).where(InsightCount.kind != "built", InsightCount.threshold == repr(T)))
    return {(r.kind, r.niche, r.niche_top, r.key): (r.vsls, r.ratios, r.sum_start, r.sum_end) for r in rows}


def _same(s: Session) -> None:
    """The kept counts equal a recount from scratch, and each scope's insights equal ``compute``'s."""
    kept = _stored(s)
    fresh = {k: tuple(v) for k, v in insights._shares(s, T, None).items()}
    assert kept.keys() == fresh.keys()
    for k, (vsls, ratios, start, end) in kept.items():
        assert (vsls, ratios) == fresh[k][:2], k
        assert start == pytest.approx(fresh[k][2]) and end == pytest.approx(fresh[k][3]), k
    for f in SCOPES:
        counted = insights.from_counts(s, f, min_confidence=T)
        assert counted is not None, f
        computed = insights.compute(s, f, min_confidence=T)
        a, b = counted.model_dump(), computed.model_dump()
        for beat_a, beat_b in zip(a.pop("beats"), b.pop("beats"), strict=True):
            assert beat_a["mean_start"] == pytest.approx(beat_b["mean_start"])
            assert beat_a["mean_end"] == pytest.approx(beat_b["mean_end"])
            assert {**beat_a, "mean_start": 0, "mean_end": 0} == {**beat_b, "mean_start": 0, "mean_end": 0}
        assert a == b, f


def _id(s: Session, key: str) -> int:
    url = repo.get_url(s, key)
    assert url is not None
    return url.id


def _reanalyse(s: Session, key: str, **columns: Any) -> None:
    """Write a new breakdown for ``key`` as the breakdown step does (``run_breakdown``)."""
    url_id = _id(s, key)
    row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id))
    assert row is not None
    values = {c: getattr(row, c) for c in ("status", "language", "engine", "model", "data", "duration_s")}
    with insights.counted(s, [url_id]):
        repo.save_breakdown(s, url_id, columns.pop("beats"), **{**values, **columns})


def test_an_app_starting_on_a_database_without_counts_builds_them(
    web_template: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new database, or the first start after the upgrade that added the counts: the app builds
    them from what the library holds as it starts (the suite's template database has them)."""
    storage = tmp_path / "storage"
    storage.mkdir()
    shutil.copyfile(web_template[0], storage / "vsl.db")
    database = f"sqlite:///{storage / 'vsl.db'}"
    with session_scope(database) as s:
        s.execute(delete(InsightCount))
        seed(s, StorageLayout(storage), Fake("https://e.example/1", niche="health/sleep", lead="story"))
    with session_scope(database) as s:
        assert not insights.counts_built(s, T)
    dispose_all()
    started = make_web(database, storage, monkeypatch, token=web_template[1])
    web = next(started)
    with web.session() as s:
        assert insights.counts_built(s, T)
        _same(s)
        assert _stored(s)  # the seeded VSL is counted
    next(started, None)


def test_counts_follow_adds_reanalyses_video_lengths_and_removals(web: Web) -> None:
    with web.session() as s:
        assert insights.counts_built(s, T)  # built for the empty library (as the app starts, or in the template)
    fakes = [
        Fake("https://c.example/1", niche="health/weight loss", lead="story", price=197.0, duration_s=1200.0),
        Fake("https://c.example/2", niche="health/sleep", lead="big_secret", price=37.0, currency="USD"),
        Fake("https://c.example/3", niche="wealth/trading", lead="offer", price=49.0),
        Fake("https://c.example/4", niche="health/sleep", lead="story", price=2500.0, duration_s=3600.0),
        Fake("https://c.example/5", status="failed", niche=None),
    ]
    with web.session() as s:
        keys = [seed(s, web.layout, fake) for fake in fakes]
    with web.session() as s:
        _same(s)
        health = insights.from_counts(s, LibraryFilters(niche="health"), min_confidence=T)
        assert health is not None and health.analysed == 3
    # Re-analysed: another niche, lead, price and beats; then graded unsure.
    with web.session() as s:
        _reanalyse(
            s,
            keys[0],
            niche="wealth/crypto",
            niche_top="wealth",
            lead_type="proclamation",
            offer_amount=97.0,
            offer_currency="BRL",
            guarantee_days=7,
            pitch_s=None,
            beats=[("hook", 0.0, 30.0, "a"), ("story", 30.0, 300.0, "b"), ("hook", 300.0, 320.0, "c")],
        )
    with web.session() as s:
        _same(s)
        wealth = insights.from_counts(s, LibraryFilters(niche="wealth"), min_confidence=T)
        assert wealth is not None and wealth.analysed == 2
        assert {b.label: b.count for b in wealth.leads} == {"proclamation": 1, "offer": 1}
        assert [b.label for b in wealth.guarantees] == ["7", "30"]
        _reanalyse(s, keys[1], confidence={"niche": 0.1, "offer_price": 0.2}, beats=[])
    with web.session() as s:
        _same(s)
        sleep = insights.from_counts(s, LibraryFilters(niche="health/sleep"), min_confidence=T)
        assert sleep is not None and sleep.analysed == 1  # keys[1]'s niche is no longer sure
    # The video's length changes (a point needs one).
    with web.session() as s:
        url_id = _id(s, keys[3])
        with insights.counted(s, [url_id]):
            repo.upsert(s, Video, url_id, duration_s=0.0)
            s.execute(delete(Video).where(Video.url_id == url_id))  # no video at all: the transcript's length
            row = s.scalar(select(BreakdownRow).where(BreakdownRow.url_id == url_id))
            assert row is not None
            row.duration_s = None
    with web.session() as s:
        _same(s)
    # Removed through the product's removal (a re-analysed one and one with no breakdown).
    index = open_search(web.settings.database, engine=web.settings.search_backend)
    try:

        def sessions() -> Any:
            return web.session()

        outcomes = remove_urls(
            [keys[0], keys[4]], sessions=sessions, store=store_for(web.settings), index=index, partitions=None
        )
    finally:
        index.close()
    assert [o.outcome for o in outcomes] == [Removed.REMOVED, Removed.REMOVED]
    with web.session() as s:
        _same(s)
        everything = insights.from_counts(s, LibraryFilters(), min_confidence=T)
        assert everything is not None and everything.analysed == 3
    # The API answers from the counts at once: no cache to wait out after a change.
    body = web.client.get("/api/insights", params={"niche": "wealth"}, headers=web.bearer).json()
    assert body["analysed"] == 1
    with web.session() as s:
        generation = insights._generation(s, T)
        _reanalyse(s, keys[2], niche="health/sleep", niche_top="health", beats=[])
    with web.session() as s:
        assert insights._generation(s, T) != generation
    body = web.client.get("/api/insights", params={"niche": "wealth"}, headers=web.bearer).json()
    assert body["analysed"] == 0
    # A rebuild (``vsl insights --rebuild``) writes what the running counts held.
    with web.session() as s:
        before = _stored(s)
        insights.rebuild_counts(s, T)
    with web.session() as s:
        after = _stored(s)
        assert before.keys() == after.keys()
        assert all(before[k][:2] == after[k][:2] for k in before)
        assert all(json.loads(k[3]) for k in after if k[0] == "count")


def test_without_counts_the_insights_are_computed(sqlite_web: Web) -> None:
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://d.example/1", niche="health/sleep"))
        s.execute(delete(InsightCount))  # as before the first start after an upgrade
    with web.session() as s:
        assert not insights.counts_built(s, T)
        assert insights.from_counts(s, LibraryFilters(), min_confidence=T) is None
        # Written while no counts are kept: nothing is counted, nothing fails.
        _reanalyse(s, key, lead_type="offer", beats=[])
    insights._cache.clear()
    body = web.client.get("/api/insights", headers=web.bearer).json()
    assert body["analysed"] == 1 and [b["label"] for b in body["leads"]] == ["offer"]
    with web.session() as s:
        assert insights.ensure_counts(s, T) and not insights.ensure_counts(s, T)
    with web.session() as s:
        _same(s)
        assert s.scalar(select(Url.id).where(Url.partition_key == key)) is not None
