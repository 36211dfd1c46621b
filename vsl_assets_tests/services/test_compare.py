"""The compare service on real rows (SQLite, storage): keys parsed and bounded, two versions'
diff with exactly the known changes, the unsure field unknown, three VSLs in columns."""

from __future__ import annotations

import pytest

from vsl_assets.services import compare
from vsl_assets_tests.compare.seeding import ADDED, REMOVED, REWRITTEN, seed_versions
from vsl_assets_tests.services.conftest import Env


@pytest.fixture
def keys(env: Env) -> tuple[str, str, str]:
    with env.sessions() as s:
        return seed_versions(s, env.layout)


def test_parse_keys_accepts_commas_and_repeats_and_refuses_bad_ones() -> None:
    assert compare.parse_keys(["a1,b2", "c3", "a1"]) == ["a1", "b2", "c3"]
    assert compare.parse_keys([" , "]) == []
    with pytest.raises(compare.CompareRequestError, match="at most 3 VSLs"):
        compare.parse_keys(["a,b,c,d"])
    with pytest.raises(compare.CompareRequestError, match="not a VSL key"):
        compare.parse_keys(["a,../etc"])
    with pytest.raises(compare.CompareRequestError, match="at most 3"):
        compare.parse_keys(["x" * 700])


def test_diff_of_two_versions_names_exactly_the_known_changes(env: Env, keys: tuple[str, str, str]) -> None:
    old, new, _ = keys
    with env.sessions() as s:
        out = compare.diff(s, old, new, min_confidence=env.settings.breakdown_min_confidence)
    changes = [(r.kind, r.old.text if r.old else None, r.new.text if r.new else None) for r in out.transcript.changes]
    assert changes == [("removed", REMOVED, None), ("rewritten", *REWRITTEN), ("added", None, ADDED)]
    assert out.old.title == "Ritual — v1" and out.new.key == new
    f = {x.field: x for x in out.breakdown.fields}
    assert f["offer_price"].status == "changed" and f["offer_price"].delta == -50.0
    assert f["guarantee_days"].status == "changed" and (f["guarantee_days"].old, f["guarantee_days"].new) == (30, 60)
    assert f["lead_type"].status == "unknown" and f["lead_type"].new is None and f["lead_type"].new_unsure
    assert f["niche"].status == "same" and f["hook"].status == "same"
    assert f["duration_s"].status == "changed" and f["duration_s"].delta == -2.0
    beats = {b.beat: b for b in out.breakdown.beats}
    assert beats["offer"].status == "moved" and beats["offer"].shift_s == -3.4
    assert beats["bonus"].status == "added"
    assert beats["hook"].status == "same"


def test_unknown_key_is_named(env: Env, keys: tuple[str, str, str]) -> None:
    with env.sessions() as s, pytest.raises(compare.UnknownVsl, match="nope"):
        compare.diff(s, keys[0], "nope", min_confidence=0.6)


def test_compare_three_in_columns_on_one_axis(env: Env, keys: tuple[str, str, str]) -> None:
    with env.sessions() as s:
        out = compare.compare(s, list(keys), min_confidence=env.settings.breakdown_min_confidence)
        with pytest.raises(compare.CompareRequestError, match="2 or 3"):
            compare.compare(s, [keys[0]], min_confidence=0.6)
    assert [v.title for v in out.vsls] == ["Ritual — v1", "Ritual — v2", "Inglês em 15 minutos"]
    assert out.axis_s == 30.0 and out.ticks[0] == 0.0
    rows = {r.field: r for r in out.fields}
    assert [c.value["amount"] if c.value else None for c in rows["offer_price"].cells] == [197.0, 147.0, 97.0]
    assert rows["offer_price"].differs
    lead = rows["lead_type"].cells
    assert (lead[0].value, lead[1].value, lead[1].unsure, lead[2].value) == ("story", None, True, "promise")
    assert rows["hook"].differs  # the third VSL's hook is its own first sentence
    assert len(out.vsls[1].segments) > len(out.vsls[0].segments)  # the re-cut version, as stored


def test_describe_summarises_a_diff_for_operators(env: Env, keys: tuple[str, str, str]) -> None:
    from vsl_assets.compare import describe

    with env.sessions() as s:
        out = compare.diff(s, keys[0], keys[1], min_confidence=env.settings.breakdown_min_confidence)
    text = describe(out)
    assert text.startswith("**Transcript**: 1 rewritten, 1 added (+0:05), 1 removed (-0:04), 5 unchanged")
    assert "- offer_price: BRL 197.00 → BRL 147.00" in text
    assert "- guarantee_days: 30 → 60" in text
    assert "- not compared (not sure): lead_type" in text
    assert "offer moved -0:03" in text and "bonus added" in text
    assert f"“{REWRITTEN[0]}” → “{REWRITTEN[1]}”" in text and f"“{ADDED}”" in text and f"“{REMOVED}”" in text
    assert "lead_type: story" not in text  # a guess never shows as a change


def test_later_versions_and_picked_headers_come_from_rows_not_details(
    env: Env, keys: tuple[str, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The picker's headers are what each VSL's detail says (title, duration, language, analysed),
    read without loading a detail per version (its segments, beats, jobs, dead letters)."""
    from vsl_assets.db import Url, repo
    from vsl_assets.services import library

    old, new, other = keys
    alias = "cdn-example-com-a11a5a11a5a1"  # the stream of ``other``, pasted later: no title of its own
    t = env.settings.breakdown_min_confidence
    with env.sessions() as s:
        original = repo.require_url(s, other)
        s.add(
            Url(
                url="https://cdn.example.com/ingles/stream.m3u8",
                partition_key=alias,
                status="alias",
                alias_of=original.id,
            )
        )
        s.flush()
        full = {}
        for key in (new, other, alias):
            found = library.detail(s, key, min_confidence=t)
            assert found is not None
            full[key] = compare.header_of(found)

    def no_detail(*_: object, **__: object) -> None:
        raise AssertionError("a header loaded a whole detail")

    monkeypatch.setattr(library, "detail", no_detail)
    with env.sessions() as s:
        assert compare.later_versions(s, [old, other], min_confidence=t) == {old: [full[new]]}
        assert compare.headers(s, [other, "nobody-000000000000", new, alias], min_confidence=t) == [
            full[other],
            full[new],
            full[alias],
        ]
    assert full[new].title == "Ritual — v2" and full[new].duration_s == 26.0 and full[new].has_breakdown
    assert full[alias].title == full[other].title and not full[alias].has_breakdown


def test_a_watched_pages_card_shows_its_newest_analysed_versions_facts(env: Env, keys: tuple[str, str, str]) -> None:
    """The page swapped its video (197 BRL, 28 s -> 147 BRL, 26 s): its one card in the library, on
    a board and in the API said 197 and 28 s, what the page no longer sold.  The picker's box picks
    the page's own version, so the picker keeps the page's own facts."""
    from vsl_assets.services import library
    from vsl_assets.services.library import LibraryFilters

    old, _new, other = keys
    t = env.settings.breakdown_min_confidence
    with env.sessions() as s:
        listed = {c.partition_key: c for c in library.list_vsls(s, LibraryFilters(), min_confidence=t).items}
        on_board = library.cards_for(s, [old, other], min_confidence=t)
        own = {
            c.partition_key: c
            for c in library.list_vsls(s, LibraryFilters(), min_confidence=t, newest_facts=False).items
        }
    assert set(listed) == {old, other}  # one card per page: the version is not a card of its own
    for card in (listed[old], on_board[old]):
        assert (card.price, card.currency, card.duration_s, card.versions) == (147.0, "BRL", 26.0, 2)
        assert (card.partition_key, card.title) == (old, "Ritual — v1")  # the page's key and name stay
    assert (own[old].price, own[old].duration_s) == (197.0, 28.0)
    assert listed[other] == own[other] and (listed[other].price, listed[other].versions) == (97.0, None)
