"""Sales pages through the whole pipeline: page → player → stream → video → audio → transcript.

Three hosts on 127.0.0.1 play the sales page, the player's script host and the CDN, as in
production; the CDN serves real HLS made by ffmpeg from real speech.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import DeadLetter, Source, Url
from vsl_assets_tests.conftest import add_urls, db_session, heard, run_partition
from vsl_assets_tests.pages._support import FIXTURES, Hosts, RecordingServer

#: The whole pipeline per test: part of the full suite, not of the fast tier (-m 'not slow').
pytestmark = pytest.mark.slow

ACCOUNT = "5e0c8a2b-41f7-4c3d-9a6e-2b8f1d7c4e90"
PLAYER = "6650a1b2c3d4e5f6a7b8c9d0"
VIDEO = "6650a0f1e2d3c4b5a6978899"
TESTIMONIAL = "6650a1b2c3d4e5f6a7b8c9e1"
TESTIMONIAL_VIDEO = "6650a0f1e2d3c4b5a69788aa"


@pytest.fixture
def hosts(media_root: Path, tmp_path: Path) -> Iterator[Hosts]:
    cdn_root = tmp_path / "cdn"
    stream = cdn_root / ACCOUNT / VIDEO
    shutil.copytree(media_root / "good", stream)
    (stream / "index.m3u8").rename(stream / "main.m3u8")
    with RecordingServer(FIXTURES) as page, RecordingServer(FIXTURES) as player, RecordingServer(cdn_root) as cdn:
        yield Hosts(page, player, cdn)


def _vturb_page(hosts: Hosts, *, drm: str = "false") -> str:
    for player, video in ((PLAYER, VIDEO), (TESTIMONIAL, TESTIMONIAL_VIDEO)):
        js = hosts.render("vturb_player.js", player=player, video=video, account=ACCOUNT, drm=drm)
        hosts.player.add_route(f"/{ACCOUNT}/players/{player}/v4/player.js", js.encode(), "application/javascript")
    return hosts.serve_page("vturb_v4.html", "/oferta/")


def _files(vsl_env) -> list[str]:
    root = Path(vsl_env["VSL_STORAGE_DIR"])
    return sorted(str(p.relative_to(root)) for d in ("videos", "audio", "transcripts") for p in (root / d).rglob("*"))


def test_vturb_sales_page_is_resolved_downloaded_and_transcribed(vsl_env, instance, hosts) -> None:
    page = _vturb_page(hosts)
    [key] = add_urls(page)
    result = run_partition(instance, key)
    assert result.success

    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "analyzed"
        src = s.scalar(select(Source).where(Source.url_id == url.id))
        assert src.kind == "vturb"
        assert src.stream_url == hosts.cdn.url(f"/{ACCOUNT}/{VIDEO}/main.m3u8")
        assert src.title == "O Protocolo de 21 Dias que Está Mudando Vidas"
        assert src.cta_seconds == 1245
        assert any(TESTIMONIAL_VIDEO in v["url"] for v in src.other_videos)
        assert all(v["kind"] != "unknown" for v in src.other_videos)
        assert src.cta_source == "page script delaySeconds"
        assert src.referer and src.referer.startswith(hosts.page.base_url)
    # The CDN saw the page as Referer on the playlist and on every segment.
    cdn_requests = [r for r in hosts.cdn.received if r.path.endswith((".m3u8", ".ts"))]
    assert len([r for r in cdn_requests if r.path.endswith(".ts")]) >= 9
    assert all(r.headers.get("referer", "").startswith(hosts.page.base_url) for r in cdn_requests)
    txt = Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}.txt").read_text()
    assert heard(txt) >= 0.8

    md = next(e for e in result.get_asset_materialization_events() if e.asset_key.path == ["source_page"])
    meta = md.materialization.metadata
    assert meta["player"].value == "vturb" and meta["cta_seconds"].value == 1245
    assert meta["other_video_count"].value >= 1 and meta["page_title"].value.startswith("O Protocolo")


@pytest.mark.parametrize(
    ("setup", "reason_part", "error_class"),
    [
        (lambda h: h.serve_page("noplayer.html", "/oferta/"), "no video player found on page", "NoPlayerFoundError"),
        (lambda h: _vturb_page(h, drm="true"), "DRM", "DrmProtectedError"),
        (lambda h: h.page.url("/does-not-exist/"), "HTTP 404 from the page", "HttpStatusError"),
        (
            lambda h: (
                h.page.url("/oferta/")
                if h.page.add_route(
                    "/oferta/",
                    f'<html><video src="{h.cdn.url("/nothing/main.m3u8")}"></video></html>'.encode(),
                    "text/html",
                )
                is None
                else ""
            ),
            "404",
            "HttpStatusError",
        ),
        (
            lambda h: (
                h.page.url("/oferta/")
                if h.page.add_route(
                    "/oferta/",
                    f'<html><video src="{h.cdn.url(f"/{ACCOUNT}/{VIDEO}/main.m3u8")}?Expires={int(time.time()) - 3600}&Signature=abc"></video></html>'.encode(),
                    "text/html",
                )
                is None
                else ""
            ),
            "expired",
            "StreamExpiredError",
        ),
    ],
    ids=["no-player", "drm", "page-404", "stream-404", "expired-token"],
)
def test_bad_pages_fail_with_reason_dead_letter_and_no_files(
    vsl_env, instance, hosts, setup, reason_part, error_class
) -> None:
    page = setup(hosts)
    [key] = add_urls(page)
    assert not run_partition(instance, key).success
    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "failed" and reason_part in url.reason, url.reason
        letter = s.scalar(select(DeadLetter).where(DeadLetter.url_id == url.id))
        assert (letter.step, letter.error_class) == ("source_page", error_class)
        assert "Signature=abc" not in (url.reason or "")
    assert _files(vsl_env) == []
