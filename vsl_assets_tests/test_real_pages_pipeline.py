"""Real-world page shapes through the whole pipeline (issue 11): a vturb A/B-test page, a Panda
Video single-page-app shell and a Vidalytics page go page → player → stream → video → audio →
transcript.

As in test_source_pipeline, three hosts on 127.0.0.1 play the sales page, the player's script host
and the CDN; the CDN serves real HLS made by ffmpeg from real speech, at the path each player's
configuration names.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from vsl_assets.db import Source, Url
from vsl_assets_tests.conftest import add_urls, db_session, heard, run_partition
from vsl_assets_tests.pages._real import JS_TYPE, serve, serve_on
from vsl_assets_tests.pages._support import FIXTURES, Hosts, RecordingServer

pytestmark = pytest.mark.slow

ACCOUNT = "c3a1f0d2-7b4e-4e1a-9d2c-5f8e6a7b9c01"
AB_ID = "6a3b4c5d6e7f8091a2b3c4d5"
PLAYER_A, VIDEO_A = "6a3b4c5d6e7f8091a2b3c4aa", "6a3b4c30aa31bb32cc43dd52"
PLAYER_B, VIDEO_B = "6a3b4c5d6e7f8091a2b3c4bb", "6a3b4c30aa31bb32cc43dd53"
LIB, PANDA_VIDEO = "5c2adb98-6a4", "f635ec3a-cc62-4129-9edd-70bb35ebbf23"
V_ACCOUNT, V_EMBED, V_MAIN, V_INTRO = "FeX1NGyU", "pPhKygFs09UtbTBO", "7ly5Jas9bcV1jSMM", "tfJH1MSiCKkkNxaS"
#: Where each player's configuration says its stream is, relative to the CDN root.
STREAMS = {
    "vturb": f"{ACCOUNT}/{VIDEO_A}/main.m3u8",
    "panda": f"{PANDA_VIDEO}/playlist.m3u8",
    "vidalytics": f"video/{V_ACCOUNT}/{V_MAIN}/280657/257484__FFMPEG/stream.m3u8",
}


@pytest.fixture
def hosts(media_root: Path, tmp_path: Path) -> Iterator[Hosts]:
    cdn_root = tmp_path / "cdn"
    for playlist in STREAMS.values():
        folder = cdn_root / Path(playlist).parent
        shutil.copytree(media_root / "good", folder)
        (folder / "index.m3u8").rename(folder / Path(playlist).name)
    with RecordingServer(FIXTURES) as page, RecordingServer(FIXTURES) as player, RecordingServer(cdn_root) as cdn:
        yield Hosts(page, player, cdn)


def _vturb_ab_page(hosts: Hosts) -> str:
    ids = {
        "account": ACCOUNT,
        "ab_id": AB_ID,
        "player_a": PLAYER_A,
        "video_a": VIDEO_A,
        "player_b": PLAYER_B,
        "video_b": VIDEO_B,
        "pitch_a": "1245",
        "pitch_b": "980",
    }
    serve_on(hosts, "player", "vturb_ab_player.js", f"/{ACCOUNT}/ab-test/{AB_ID}/player.js", JS_TYPE, **ids)
    return serve(hosts, "vturb_ab.html", "/oferta/", **ids)


def _panda_spa_page(hosts: Hosts) -> str:
    return serve(hosts, "panda_spa_preload.html", "/app/", library=LIB, video=PANDA_VIDEO)


def _vidalytics_page(hosts: Hosts) -> str:
    ids = {"account": V_ACCOUNT, "embed": V_EMBED, "main": V_MAIN, "intro": V_INTRO}
    loader = f"/embeds/{V_ACCOUNT}/{V_EMBED}/loader.min.js"
    escaped = hosts.cdn.base_url.replace("/", "\\/")
    serve_on(hosts, "player", "vidalytics_loader.js", loader, JS_TYPE, cdn_escaped=escaped, **ids)
    return serve(hosts, "vidalytics.html", "/watch/", **ids)


@pytest.mark.parametrize(
    ("build", "kind", "cta", "title", "referer_host"),
    [
        (_vturb_ab_page, "vturb", 1245, "El truco de 7 segundos", "page"),
        (_panda_spa_page, "panda", None, "Aulão Gratuito | Inscrições Abertas", "panda"),
        (_vidalytics_page, "vidalytics", None, "Watch: The 2-Minute Morning Ritual", "page"),
    ],
    ids=["vturb-ab-test", "panda-spa-shell", "vidalytics"],
)
def test_real_page_shape_is_resolved_downloaded_and_transcribed(
    vsl_env, instance, hosts, build, kind, cta, title, referer_host
) -> None:
    page = build(hosts)
    [key] = add_urls(page)
    result = run_partition(instance, key)
    assert result.success

    with db_session() as s:
        url = s.scalar(select(Url).where(Url.partition_key == key))
        assert url.status == "analyzed"  # transcribed, then the breakdown step ran too
        src = s.scalar(select(Source).where(Source.url_id == url.id))
        assert src.kind == kind
        assert src.stream_url == hosts.cdn.url(STREAMS[kind])
        assert src.cta_seconds == cta
        assert (src.cta_source is None) == (cta is None)  # where the second was read, when it was
        assert src.title == title
    # Every playlist and segment request carried the Referer the player's CDN expects.
    expected = f"https://player-vz-{LIB}.tv.pandavideo.com.br/" if referer_host == "panda" else hosts.page.base_url
    cdn_requests = [r for r in hosts.cdn.received if r.path.endswith((".m3u8", ".ts"))]
    assert len([r for r in cdn_requests if r.path.endswith(".ts")]) >= 9
    assert all(r.headers.get("referer", "").startswith(expected) for r in cdn_requests)
    txt = Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}.txt").read_text()
    assert heard(txt) >= 0.8
