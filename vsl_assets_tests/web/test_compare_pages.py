"""The compare and what-changed pages and their JSON: login required, keys bounded and validated,
the service's output as JSON, and what the HTML shows (the browser test drives the behaviour)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete

from vsl_assets.db import WatchVersion, repo
from vsl_assets.services import compare
from vsl_assets_tests.compare.seeding import ADDED, REMOVED, REWRITTEN, link_versions, seed_versions
from vsl_assets_tests.web.conftest import Web


@pytest.fixture
def keys(web: Web) -> tuple[str, str, str]:
    with web.session() as s:
        return seed_versions(s, web.layout)


def test_api_diff_is_the_services_json(web: Web, keys: tuple[str, str, str]) -> None:
    old, new, _ = keys
    answer = web.client.get("/api/diff", params={"old": old, "new": new}, headers=web.bearer)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["old_key"], body["new_key"], body["old"]["title"], body["new"]["title"]) == (
        old,
        new,
        "Ritual — v1",
        "Ritual — v2",
    )
    changes = [
        (r["kind"], (r["old"] or {}).get("text"), (r["new"] or {}).get("text")) for r in body["transcript"]["rows"]
    ]
    assert [c for c in changes if c[0] != "unchanged"] == [
        ("removed", REMOVED, None),
        ("rewritten", *REWRITTEN),
        ("added", None, ADDED),
    ]
    assert body["transcript"]["summary"] | {"seconds_added": 0, "seconds_removed": 0, "max_shift_s": 0} == {
        "added": 1,
        "removed": 1,
        "rewritten": 1,
        "unchanged": 5,
        "seconds_added": 0,
        "seconds_removed": 0,
        "max_shift_s": 0,
    }
    fields = {f["field"]: f for f in body["breakdown"]["fields"]}
    assert fields["offer_price"]["old"]["amount"] == 197.0 and fields["offer_price"]["new"]["amount"] == 147.0
    assert fields["lead_type"] == {
        "field": "lead_type",
        "status": "unknown",
        "old": "story",
        "new": None,
        "delta": None,
        "old_unsure": False,
        "new_unsure": True,
        "old_pieces": [],
        "new_pieces": [],
    }


def test_api_compare_columns_and_bounds(web: Web, keys: tuple[str, str, str]) -> None:
    answer = web.client.get("/api/compare", params={"keys": ",".join(keys)}, headers=web.bearer)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [v["key"] for v in body["vsls"]] == list(keys)
    assert body["axis_s"] == 30.0
    offer = next(r for r in body["fields"] if r["field"] == "offer_price")
    assert [c["value"]["amount"] for c in offer["cells"]] == [197.0, 147.0, 97.0] and offer["differs"]
    repeated = web.client.get("/api/compare", params=[("keys", keys[0]), ("keys", keys[1])], headers=web.bearer)
    assert [v["key"] for v in repeated.json()["vsls"]] == list(keys[:2])
    for bad, status, words in (
        ({"keys": keys[0]}, 400, "compare 2 or 3 VSLs, got 1"),
        ({"keys": ",".join([*keys, "abc123"])}, 400, "at most 3 VSLs"),
        ({"keys": f"{keys[0]},../../etc"}, 400, "is not a VSL key"),
        ({"keys": "x" * 5000}, 400, "at most 3 VSL keys"),
        ([("keys", "a")] * 11, 422, ""),
        ({"keys": f"{keys[0]},nope123"}, 404, "no VSL with key 'nope123'"),
    ):
        got = web.client.get("/api/compare", params=bad, headers=web.bearer)
        assert got.status_code == status, (bad, got.text)
        assert words in str(got.json()["detail"])
    assert web.client.get("/api/diff", params={"old": keys[0], "new": "a,b"}, headers=web.bearer).status_code == 400
    assert web.client.get("/api/diff", params={"old": keys[0]}, headers=web.bearer).status_code == 422


def test_login_is_required(web: Web, keys: tuple[str, str, str]) -> None:
    assert web.client.get("/api/diff", params={"old": keys[0], "new": keys[1]}).status_code == 401
    assert web.client.get("/api/compare", params={"keys": ",".join(keys)}).status_code == 401
    page = web.client.get("/compare", params={"keys": ",".join(keys)}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=%2Fcompare")


def test_compare_page_shows_columns_lanes_and_transcripts(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, other = seed_versions(s, web.layout)
    html = web.client.get(f"/compare?keys={old},{new},{other}").text
    assert re.findall(r'<div class="cmp-lane" data-key="([^"]+)"', html) == [old, new, other]
    # Beats on one axis (30 s, the longest): the new version's offer at 12.6 s is at 42 %, and its link
    # opens at 12.6 s, inside the offer (``?t=12`` opened 0.6 s before it, in the beat before).
    assert re.search(
        rf'href="/vsl/{new}\?t=12.6" class="lane-beat" data-beat="offer" data-start="12.6"><svg x="42.0%"', html
    )
    assert re.findall(r'<ol class="cmp-transcript" data-key="([^"]+)"', html) == [old, new, other]
    offer_row = html.split('<tr data-field="offer_price" class="differs">')[1].split("</tr>")[0]
    assert [c for c in re.findall(r"<td [^>]*>(.*?)</td>", offer_row)] == [
        "R$\u00a0197.00",
        "R$\u00a0147.00",
        "R$\u00a097.00",
    ]
    lead_row = html.split('<tr data-field="lead_type"')[1].split("</tr>")[0]
    assert (
        'data-unsure="lead_type">not sure<' in lead_row and "Story" in lead_row and "Promise" in lead_row
    )  # values as words (label), not codes
    # "What changed" between the two versions of one page only, never into another VSL.
    assert f'href="/compare?keys={old},{new}&amp;mode=diff"' in html and f"keys={new},{other}&amp;mode=diff" not in html
    assert html.count("What changed") == 1 and 'id="cmp-unrelated"' not in html
    assert '<link rel="stylesheet" href="/static/compare.css">' in html


def test_diff_page_in_portuguese_highlights_and_tables(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    web.client.cookies.set("vsl_lang", "pt-BR")
    with web.session() as s:
        old, new, _ = seed_versions(s, web.layout)
    html = web.client.get(f"/compare?keys={old},{new}&mode=diff").text
    assert "O que mudou" in html
    kinds = re.findall(r'<div class="drow k-(\w+)" data-kind', html)
    assert kinds == ["unchanged", "removed", "unchanged", "unchanged", "rewritten", "added", "unchanged", "unchanged"]
    assert "<del>197</del>" in html and "<ins>147</ins>" in html
    assert f"<ins>{ADDED}</ins>" in html and f"<del>{REMOVED}</del>" in html
    fields = dict(re.findall(r'<tr data-field="(\w+)" data-status="(\w+)"', html))
    assert fields["offer_price"] == "changed" and fields["lead_type"] == "unknown" and fields["niche"] == "same"
    offer = html.split('<tr data-field="offer_price"')[1].split("</tr>")[0]
    assert (
        "R$\u00a0197,00" in offer and "R$\u00a0147,00" in offer and "mudou" in offer and "\u2212R$\u00a050,00" in offer
    )
    lead = html.split('<tr data-field="lead_type"')[1].split("</tr>")[0]
    assert "incerto (não comparado)" in lead and "não tenho certeza" in lead
    beats = dict(re.findall(r'<tr data-beat="(\w+)" data-status="(\w+)"', html))
    assert beats == {"hook": "same", "story": "moved", "offer": "moved", "bonus": "added", "guarantee": "moved"}
    only = web.client.get(f"/compare?keys={old},{new}&mode=diff&only=changes").text
    assert re.findall(r'<div class="drow k-(\w+)" data-kind', only) == ["removed", "rewritten", "added"]


def test_bad_requests_are_readable_pages(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, other = seed_versions(s, web.layout)
    html_headers = {"accept": "text/html"}
    three = web.client.get(f"/compare?keys={old},{new},{other}&mode=diff", headers=html_headers)
    assert three.status_code == 400 and "exactly 2 VSLs" in three.text and "<html" in three.text
    assert three.headers["content-security-policy"].startswith("default-src 'self'")
    missing = web.client.get(f"/compare?keys={old},zzz999", headers=html_headers)
    assert missing.status_code == 404 and "zzz999" in missing.text
    assert web.client.get("/compare?mode=sideways", headers=html_headers).status_code == 422


def test_picker_lists_vsls_and_keeps_the_chosen_ones(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, other = seed_versions(s, web.layout)
    pick = web.client.get(f"/compare?keys={old}&edit=1").text
    boxes = re.findall(r'name="keys" value="([^"]+)"( checked)?', pick)
    assert (old, " checked") in boxes and (new, "") in boxes and (other, "") in boxes
    filtered = web.client.get("/compare", params={"q": "ingles", "edit": "1"}).text
    assert re.findall(r'type="checkbox" name="keys" value="([^"]+)"', filtered) == [other]
    assert 'id="compare-link"' in web.client.get("/").text
    assert f'href="/compare?keys={old}&amp;edit=1" id="compare-link"' in web.client.get(f"/vsl/{old}").text


def test_diff_page_in_english_has_no_raw_message_keys(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, _ = seed_versions(s, web.layout)
    html = web.client.get(f"/compare?keys={old},{new}&mode=diff").text
    assert "diff:" not in html and "beat:" not in html
    offer = html.split('<tr data-field="offer_price"')[1].split("</tr>")[0]
    assert (
        "R$\u00a0197.00" in offer
        and "R$\u00a0147.00" in offer
        and ">changed<" in offer
        and "\u2212R$\u00a050.00" in offer
    )
    assert "not sure (not compared)" in html and "Sentences rewritten: <strong" in html


def test_a_vsl_without_breakdown_or_transcript_compares_as_unknown(sqlite_web: Web) -> None:
    from vsl_assets_tests.web.seed import Fake, seed

    web = sqlite_web
    web.login()
    with web.session() as s:
        old, _, _ = seed_versions(s, web.layout)
        failed = seed(s, web.layout, Fake("https://cdn.example.com/broken.m3u8", status="failed", segments=[]))
        link_versions(s, old, failed)
    html = web.client.get(f"/compare?keys={old},{failed}").text
    assert "No breakdown yet." in html and "No transcript yet." in html
    offer = html.split('<tr data-field="offer_price"')[1].split("</tr>")[0]
    assert "not analysed" in offer and "not sure" not in offer
    page = web.client.get(f"/compare?keys={old},{failed}&mode=diff").text
    assert f'data-not-analysed="{failed}"' in page
    assert "not analysed" in page.split('<tr data-field="offer_price"')[1].split("</tr>")[0]
    diff = web.client.get("/api/diff", params={"old": old, "new": failed}, headers=web.bearer).json()
    assert {r["kind"] for r in diff["transcript"]["rows"]} == {"removed"}
    fields = {f["field"]: f["status"] for f in diff["breakdown"]["fields"]}
    # Not analysed is unknown, never "removed"; what is known of it (the page's pitch) still compares.
    assert fields["offer_price"] == "unknown" and fields["mechanism"] == "unknown"
    assert fields["page_pitch_s"] == "same" and fields["duration_s"] == "changed"
    assert diff["breakdown"]["beats"] == []


def test_what_changed_is_offered_only_between_versions_of_one_vsl(sqlite_web: Web) -> None:
    """Compare offered "what changed" from a tea VSL into an English course: between two different
    VSLs it compares them side by side and says why, in the reader's language."""
    from vsl_assets_tests.web.seed import Fake, seed

    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, other = seed_versions(s, web.layout)
        http = seed(s, web.layout, Fake("http://www.cdn.example.com/ingles.m3u8/#again", title="Inglês (http)"))
        alias = seed(s, web.layout, Fake("https://pages.example.com/ingles", title="Inglês (página)"))
        repo.require_url(s, alias).alias_of = repo.require_url(s, other).id
    for lang, unrelated in (
        ("en", "These are different VSLs, not versions of one page"),
        ("pt-BR", "Estas são VSLs diferentes, não versões de uma página"),
    ):
        web.client.cookies.set("vsl_lang", lang)
        side = web.client.get(f"/compare?keys={new},{other}&mode=diff").text
        assert re.findall(r'<div class="cmp-lane" data-key="([^"]+)"', side) == [new, other]
        assert unrelated in side and 'class="drow' not in side and "mode=diff" not in side
    web.client.cookies.set("vsl_lang", "en")
    assert "O que mudou" not in side and 'class="drow' in web.client.get(f"/compare?keys={old},{new}&mode=diff").text
    with web.session() as s:
        assert compare.versions_of_one(s, [old, new, other, alias, http]) == [True, False, True, False]
        assert compare.versions_of_one(s, [other, http]) == [True]  # one address, another scheme and www.
    pick = web.client.get("/compare?edit=1").text
    assert "or 2 versions of one VSL to see what changed" in pick


def test_compare_pages_in_portuguese_name_an_untitled_vsl_and_refuse_in_portuguese(sqlite_web: Web) -> None:
    """A Portuguese reader saw "Untitled VSL" in the picker, the columns and the diff, and
    "keys: at most 3 VSLs at once, got 5" in English (a new user's trial)."""
    from vsl_assets_tests.web.seed import Fake, seed

    web = sqlite_web
    web.login()
    web.client.cookies.set("vsl_lang", "pt-BR")
    with web.session() as s:
        old, new, other = seed_versions(s, web.layout)
        failed = seed(s, web.layout, Fake("https://cdn.example.com/broken.m3u8", status="failed", segments=[]))
        link_versions(s, old, failed)
        # One more, on its own: the picker lists it as a card of the library, not under a page.
        seed(s, web.layout, Fake("https://cdn.example.com/solta.m3u8", status="failed", segments=[]))
    pages = [
        web.client.get(f"/compare?keys={old},{failed}").text,
        web.client.get(f"/compare?keys={old},{failed}&mode=diff").text,
        web.client.get(f"/compare?keys={failed}&edit=1").text,
        web.client.get("/compare?edit=1").text,  # the picker's own list of the library's VSLs
    ]
    for html in pages:
        assert "Untitled VSL" not in html and "VSL sem título" in html
    html_headers = {"accept": "text/html"}
    five = web.client.get(f"/compare?keys={old},{new},{other},{failed},abc123", headers=html_headers)
    assert five.status_code == 400 and "compare no máximo 3 VSLs por vez (5 escolhidas)" in five.text
    two = web.client.get(f"/compare?keys={old},{new},{other}&mode=diff", headers=html_headers)
    assert two.status_code == 400 and "compara exatamente 2 VSLs (a antiga e a nova); vieram 3" in two.text
    bad = web.client.get(f"/compare?keys={old},zz..zz", headers=html_headers)
    assert bad.status_code == 400 and "não é uma chave de VSL" in bad.text


def test_a_watched_page_whose_first_video_was_a_duplicate_compares_with_that_videos_transcript(
    sqlite_web: Web,
) -> None:
    """A trial watched a sales page whose first video was already in the library (so the page was
    an alias, not processed again), then changed its video: "what changed" showed version 1 as
    not analysed, with an empty transcript and every sentence of version 2 added."""
    web = sqlite_web
    web.login()
    with web.session() as s:
        old, new, _ = seed_versions(s, web.layout)  # old: the video as first analysed
        [added] = repo.add_urls(s, ["https://pages.example.com/ritual"])
        page = repo.require_url(s, added.partition_key)
        page.status, page.alias_of = "alias", repo.require_url(s, old).id
        s.flush()
        page_key = page.partition_key
        s.execute(delete(WatchVersion))  # the seed made ``new`` a version of ``old``: of the page here
        link_versions(s, page_key, new)
    diff = web.client.get("/api/diff", params={"old": page_key, "new": new}, headers=web.bearer).json()
    kinds = [r["kind"] for r in diff["transcript"]["rows"]]
    assert kinds.count("added") == 1 and kinds.count("removed") == 1 and kinds.count("rewritten") == 1
    assert diff["old_key"] == page_key and diff["old"]["has_breakdown"] is True
    fields = {f["field"]: f for f in diff["breakdown"]["fields"]}
    assert fields["offer_price"]["old"]["amount"] == 197.0 and fields["offer_price"]["status"] == "changed"
    html = web.client.get(f"/compare?keys={page_key},{new}&mode=diff").text
    assert f'data-not-analysed="{page_key}"' not in html and "<ins>147</ins>" in html


def test_a_vsl_with_nothing_to_compare_offers_no_compare_link(sqlite_web: Web) -> None:
    """A failed VSL's page offered "Compare with…" (a new user's trial): it has no transcript nor
    breakdown, so every column would read "not analysed"."""
    from vsl_assets_tests.web.seed import Fake, seed

    web = sqlite_web
    web.login()
    with web.session() as s:
        old, _, _ = seed_versions(s, web.layout)
        failed = seed(s, web.layout, Fake("https://cdn.example.com/falhou.m3u8", status="failed", segments=[]))
    assert 'id="compare-link"' not in web.client.get(f"/vsl/{failed}").text
    assert 'id="compare-link"' in web.client.get(f"/vsl/{old}").text
