"""The HTTP API against the real app, database (SQLite and PostgreSQL) and storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db.engine import SCHEMA_HEAD
from vsl_assets.db.models import DeadLetter, Url
from vsl_assets.search import SearchQuery, shared_search
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, index_all, seed


def _library(web: Web, video: Path | None = None) -> dict[str, str]:
    fakes = {
        "pt": Fake("https://a.example.com/vsl", title="Ritual da manhã", duration_s=600, price=197.0),
        "en": Fake(
            "https://b.example.com/vsl",
            title="Morning ritual",
            language="en",
            niche="money/investing",
            lead="offer",
            awareness="most_aware",
            duration_s=1800,
            price=47.0,
            currency="USD",
            segments=[(0.0, 5.0, "This short video changes your morning."), (5.0, 12.0, "Click the button below.")],
        ),
        "bad": Fake(
            "https://c.example.com/vsl",
            status="failed",
            reason="HTTP 404 from the stream URL",
            title=None,
            segments=[(0.0, 3.0, "Nada para ver aqui.")],
        ),
    }
    with web.session() as s:
        keys = {name: seed(s, web.layout, fake, video if name == "pt" else None) for name, fake in fakes.items()}
        index_all(s, web.settings, list(keys.values()))
    return keys


def test_healthz_is_open_and_everything_else_needs_a_login(web: Web) -> None:
    assert web.client.get("/healthz").json() == {
        "status": "ok",
        "database": web.client.get("/healthz").json()["database"],
        "schema_head": SCHEMA_HEAD,
    }
    for method, path in [
        ("GET", "/api/vsls"),
        ("GET", "/api/vsls/a-example-com-123/video"),
        ("GET", "/api/search?q=x"),
        ("POST", "/api/urls"),
        ("POST", "/pipeline/start/a-example-com-123"),
        ("GET", "/openapi.json"),
    ]:
        response = web.client.request(method, path, json={"urls": ["https://x.example.com"]})
        assert response.status_code == 401, (path, response.status_code)
        assert "authentication required" in response.json()["detail"]
    page = web.client.get("/queue", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fqueue"
    wrong = web.client.get("/api/vsls", headers={"Authorization": "Bearer vsl_not-a-token"})
    assert wrong.status_code == 401
    assert web.client.get("/api/vsls", headers={"Authorization": f"Basic {web.token}"}).status_code == 401


def test_post_urls_adds_valid_ones_and_says_why_others_are_refused(web: Web) -> None:
    body = {"urls": ["https://Cdn.Example.com/v.m3u8#x", "javascript:alert(1)", "cdn.example.com/v.m3u8", ""]}
    response = web.client.post("/api/urls", json=body, headers=web.bearer)
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["added"], data["known"], data["invalid"]) == (1, 1, 2)
    first, js, again, empty = data["results"]
    assert first["url"] == "https://cdn.example.com/v.m3u8" and first["added"] and first["status"] == "pending_ingest"
    assert again["partition_key"] == first["partition_key"] and not again["added"]
    assert js["error"] == "unsupported URL scheme 'javascript': only http and https URLs can be added"
    assert empty["error"] == "empty URL"
    with web.session() as s:
        assert [(u.url, u.status) for u in s.scalars(select(Url))] == [
            ("https://cdn.example.com/v.m3u8", "pending_ingest")
        ]
    assert web.client.post("/api/urls", json={"urls": []}, headers=web.bearer).status_code == 422


def test_list_filters_sorts_and_pages(web: Web) -> None:
    keys = _library(web)

    def listed(**params: object) -> list[str]:
        response = web.client.get("/api/vsls", params=params, headers=web.bearer)
        assert response.status_code == 200, response.text
        return [item["partition_key"] for item in response.json()["items"]]

    assert listed() == [keys["bad"], keys["en"], keys["pt"]]
    assert listed(status="failed") == [keys["bad"]]
    assert listed(language="en") == [keys["en"]]
    assert listed(niche="health") == [keys["pt"]]
    assert listed(niche="money/investing") == [keys["en"]]
    assert listed(lead="offer") == [keys["en"]]
    assert listed(awareness="problem_aware") == [keys["pt"]]
    assert listed(duration_min=900) == [keys["en"]]
    assert listed(duration_max=900) == [keys["bad"], keys["pt"]]
    assert listed(price_min=100) == [keys["pt"]]
    assert listed(price_max=100, currency="usd") == [keys["en"]]
    assert listed(q="ritual da") == [keys["pt"]]
    assert listed(q="%") == []  # LIKE wildcards are text
    assert listed(sort="-price")[:2] == [keys["pt"], keys["en"]]
    assert listed(sort="oldest") == [keys["pt"], keys["en"], keys["bad"]]
    first = web.client.get("/api/vsls", params={"limit": 2}, headers=web.bearer).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_after"] is not None
    rest = web.client.get("/api/vsls", params={"limit": 2, "after": first["next_after"]}, headers=web.bearer).json()
    assert [i["partition_key"] for i in first["items"] + rest["items"]] == [keys["bad"], keys["en"], keys["pt"]]
    card = next(i for i in first["items"] if i["partition_key"] == keys["en"])
    assert (card["title"], card["host"], card["price"], card["currency"], card["duration_s"]) == (
        "Morning ritual",
        "b.example.com",
        47.0,
        "USD",
        1800.0,
    )
    assert web.client.get("/api/vsls", params={"sort": "drop table"}, headers=web.bearer).status_code == 422


def test_detail_has_source_media_transcript_breakdown_jobs_and_failures(web: Web) -> None:
    keys = _library(web)
    pt = web.client.get(f"/api/vsls/{keys['pt']}", headers=web.bearer).json()
    assert pt["url"] == "https://a.example.com/vsl" and pt["status"] == "analyzed"
    assert pt["source"]["player"] == "hls" and pt["source"]["cta_seconds"] == 9.0
    assert pt["video"]["duration_s"] == 600
    assert [s["start"] for s in pt["segments"]] == [0.0, 4.0, 9.5]
    assert pt["segments"][2]["text"] == "Garantia de 30 dias na oferta especial."
    b = pt["breakdown"]
    assert (b["niche"], b["lead_type"], b["pitch_s"], b["page_pitch_s"], b["guarantee_days"]) == (
        "health/weight loss",
        "story",
        9.5,
        9.0,
        30,
    )
    assert [(x["beat"], x["start_s"]) for x in b["beats"]] == [("hook", 0.0), ("offer", 9.5)]
    assert b["evidence"]["guarantee_days"]["quote"] == "Garantia de 30 dias"
    assert [j["step"] for j in pt["jobs"]] == ["video_file"]
    bad = web.client.get(f"/api/vsls/{keys['bad']}", headers=web.bearer).json()
    assert bad["reason"] == "HTTP 404 from the stream URL" and bad["breakdown"] is None
    assert [(d["step"], d["message"]) for d in bad["dead_letters"]] == [("video_file", "HTTP 404 from the stream URL")]
    missing = web.client.get("/api/vsls/nobody-000000000000", headers=web.bearer)
    assert missing.status_code == 404 and "nobody-000000000000" in missing.json()["detail"]


def test_retry_and_pipeline_start_requeue_for_the_sensor(web: Web) -> None:
    keys = _library(web)
    response = web.client.post(f"/api/vsls/{keys['bad']}/retry", headers=web.bearer)
    assert response.status_code == 200 and response.json() == {
        "partition_key": keys["bad"],
        "status": "pending_ingest",
        "queued": True,
    }
    with web.session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == keys["bad"]))
        assert url is not None and (url.status, url.reason, url.queue_count) == ("pending_ingest", None, 1)
        assert s.scalar(select(DeadLetter.retried_at).where(DeadLetter.url_id == url.id)) is not None
    again = web.client.post(f"/pipeline/start/{keys['pt']}", headers=web.bearer)
    assert again.json()["queued"] is True
    assert web.client.post("/pipeline/start/unknown-000000000000", headers=web.bearer).status_code == 404


def test_search_answers_like_vsl_search_json(web: Web) -> None:
    keys = _library(web)
    response = web.client.get("/api/search", params={"q": '"ritual da manhã"'}, headers=web.bearer)
    assert response.status_code == 200, response.text
    rows = response.json()
    expected = (
        shared_search(web.settings.database, web.settings.search_backend)
        .search(SearchQuery(text='"ritual da manhã"'))
        .rows()
    )
    assert rows == expected
    [hit] = rows
    assert hit["partition_key"] == keys["pt"] and hit["start"] == 0.0
    assert "<mark>" in hit["snippet_html"]
    only_en = web.client.get("/api/search", params={"q": "morning", "lang": "en"}, headers=web.bearer).json()
    assert {r["partition_key"] for r in only_en} == {keys["en"]}
    empty = web.client.get("/api/search", params={"q": "  "}, headers=web.bearer)
    assert empty.status_code == 400 and empty.json()["detail"]
    bad_key = web.client.get("/api/search", params={"q": "x", "key": "../etc"}, headers=web.bearer)
    assert bad_key.status_code == 400 and "not a partition key" in bad_key.json()["detail"]


def test_transcript_downloads_are_the_stored_files(web: Web) -> None:
    keys = _library(web)
    for fmt in ("txt", "srt", "vtt", "json"):
        response = web.client.get(f"/api/vsls/{keys['pt']}/transcript.{fmt}", headers=web.bearer)
        assert response.status_code == 200, fmt
        assert response.content == web.layout.transcript_path(keys["pt"], fmt).read_bytes()
    assert web.client.get(f"/api/vsls/{keys['pt']}/transcript.exe", headers=web.bearer).status_code in (404, 422)
    web.layout.transcript_path(keys["en"], "srt").unlink()
    assert web.client.get(f"/api/vsls/{keys['en']}/transcript.srt", headers=web.bearer).status_code == 404


def test_video_range_requests(web: Web, small_mp4: Path) -> None:
    keys = _library(web, small_mp4)
    path = f"/api/vsls/{keys['pt']}/video"
    data = web.layout.video_path(keys["pt"]).read_bytes()
    size = len(data)
    whole = web.client.get(path, headers=web.bearer)
    assert whole.status_code == 200 and whole.content == data and whole.headers["accept-ranges"] == "bytes"
    for header, start, end in [
        ("bytes=0-99", 0, 99),
        (f"bytes=100-{size + 50}", 100, size - 1),
        ("bytes=-50", size - 50, size - 1),
    ]:
        part = web.client.get(path, headers={**web.bearer, "Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert part.content == data[start : end + 1]
    for bad in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}"):
        refused = web.client.get(path, headers={**web.bearer, "Range": bad})
        assert refused.status_code == 416, bad
        assert refused.headers["content-range"] == f"bytes */{size}"
    assert web.client.get(f"/api/vsls/{keys['en']}/video", headers=web.bearer).status_code == 404


def test_the_stored_audio_is_served_in_the_format_it_was_stored_in(sqlite_web: Web) -> None:
    web = sqlite_web
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example/audio"))
    assert web.client.get(f"/api/vsls/{key}/audio", headers=web.bearer).status_code == 404  # none yet
    path = web.layout.audio_path(key, "m4a")  # as VSL_AUDIO_FORMAT=m4a stores it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00\x00\x00\x18ftypM4A audio of the test")
    got = web.client.get(f"/api/vsls/{key}/audio", headers=web.bearer)
    assert got.status_code == 200 and got.content == path.read_bytes()
    assert got.headers["content-type"] == "audio/mp4"


def test_poster_frame_is_extracted_once_and_cached(web: Web, small_mp4: Path) -> None:
    keys = _library(web, small_mp4)
    response = web.client.get(f"/api/vsls/{keys['pt']}/poster.jpg", headers=web.bearer)
    assert response.status_code == 200 and response.content[:3] == b"\xff\xd8\xff"
    cached = web.layout.root / "posters" / f"{keys['pt']}.jpg"
    assert cached.read_bytes() == response.content
    assert web.client.get(f"/api/vsls/{keys['en']}/poster.jpg", headers=web.bearer).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/vsls/..%2F..%2Fvsl.db/video",
        "/api/vsls/%2e%2e/video",
        "/api/vsls/.web-secret/video",
        "/api/vsls/..%2Fvsl.db/transcript.txt",
        "/api/vsls/UPPER/audio",
        "/api/vsls/a%00b/video",
        "/api/vsls/" + "a" * 65 + "/video",
    ],
)
def test_media_paths_cannot_leave_storage(sqlite_web: Web, path: str) -> None:
    web = sqlite_web
    (web.layout.root / "secret.txt").write_text("top secret")
    response = web.client.get(path, headers=web.bearer)
    assert response.status_code == 404
    assert b"top secret" not in response.content and b"SQLite format" not in response.content


def test_chapters_are_webvtt_beats(web: Web) -> None:
    keys = _library(web)
    text = web.client.get(f"/api/vsls/{keys['pt']}/chapters.vtt", headers=web.bearer).text
    assert text.startswith("WEBVTT\n")
    assert "00:00:00.000 --> 00:00:04.000\nhook: Você vai descobrir o ritual da manhã." in text
    assert "00:00:09.500 --> 00:00:15.000\noffer: Garantia de 30 dias na oferta especial." in text


def test_boards_collect_vsls_with_notes_and_tags(web: Web) -> None:
    keys = _library(web)
    board = web.client.post("/api/boards", json={"name": "Emagrecimento", "note": "best hooks"}, headers=web.bearer)
    assert board.status_code == 201
    board_id = board.json()["id"]
    item = {"partition_key": keys["pt"], "note": "great hook", "tags": ["hook", " hook ", "story"]}
    filled = web.client.post(f"/api/boards/{board_id}/items", json=item, headers=web.bearer).json()
    assert filled["items"] == [
        {
            "partition_key": keys["pt"],
            "url": "https://a.example.com/vsl",
            "title": "Ritual da manhã",
            "note": "great hook",
            "tags": ["hook", "story"],
            "position": 1,
            "status": "analyzed",
            "duration_s": 600.0,
            "niche": "health/weight loss",
            "lead_type": "story",
            "awareness": "problem_aware",
            "price": 197.0,
            "currency": "BRL",
            "pitch_s": 9.5,
            "guarantee_days": 30,
        }
    ]
    unknown = {"partition_key": "zzz-000000000000"}
    assert web.client.post(f"/api/boards/{board_id}/items", json=unknown, headers=web.bearer).status_code == 404
    assert [b["name"] for b in web.client.get("/api/boards", headers=web.bearer).json()] == ["Emagrecimento"]


def test_a_filter_form_with_blank_fields_filters_nothing(web: Web) -> None:
    keys = _library(web)
    params = "status=failed&language=&duration_min=&price_max=&after=&sort=newest"
    response = web.client.get(f"/api/vsls?{params}", headers=web.bearer)
    assert response.status_code == 200, response.text
    assert [i["partition_key"] for i in response.json()["items"]] == [keys["bad"]]
    assert web.client.get("/api/vsls?price_min=cheap", headers=web.bearer).status_code == 422
    assert web.client.get("/api/vsls?duration_min=-1", headers=web.bearer).status_code == 422
