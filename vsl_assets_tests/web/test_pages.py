"""The server-rendered pages' content (the browser test drives their behaviour)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from vsl_assets.db.engine import SCHEMA_HEAD
from vsl_assets_tests.web.conftest import Web, free_port, start_vsl_web
from vsl_assets_tests.web.seed import Fake, seed


def test_library_pages_by_keyset_and_keeps_the_filters(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        keys = [seed(s, web.layout, Fake(f"https://v{i}.example.com/p", title=f"VSL {i}")) for i in range(5)]
        seed(s, web.layout, Fake("https://other.example.com/p", language="en", title="Other"))
    first = web.client.get("/", params={"language": "pt", "limit": 2})
    shown = re.findall(r'data-key="([^"]+)"', first.text)
    assert shown == [keys[4], keys[3]]
    assert "5 VSLs" in first.text
    next_link = re.search(r'href="(/\?[^"]+)" rel="next"', first.text)
    assert next_link is not None and "language=pt" in next_link.group(1) and "after=" in next_link.group(1)
    second = web.client.get(next_link.group(1).replace("&amp;", "&"))
    assert re.findall(r'data-key="([^"]+)"', second.text) == [keys[2], keys[1]]


def test_vsl_page_shows_player_transcript_beats_pitches_and_downloads(sqlite_web: Web, small_mp4: Path) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        key = seed(s, web.layout, Fake("https://a.example.com/v", title="Ritual"), small_mp4)
    html = web.client.get(f"/vsl/{key}", params={"t": "9.5"}).text
    assert re.findall(r'class="seg" data-start="([^"]+)"', html) == ["0.0", "4.0", "9.5"]
    assert 'data-start="9.5"' in html.split('id="player"')[1].split(">")[0]
    assert f'<track kind="chapters" label="Beats" src="/api/vsls/{key}/chapters.vtt" default>' in html
    assert re.findall(r'class="beat b-(\w+)" data-seek="([^"]+)"', html) == [("hook", "0.0"), ("offer", "9.5")]
    assert 'id="pitch-transcript">0:10<' in html and 'id="pitch-page">0:09<' in html
    assert 'class="link quote" data-seek="9.5"' in html and "Garantia de 30 dias" in html
    for fmt in ("txt", "srt", "vtt", "json"):
        assert f'href="/api/vsls/{key}/transcript.{fmt}" download' in html
    assert "R$\u00a0197.00" in html and "30 days" in html


def test_queue_lists_failed_urls_with_reason_and_retry(sqlite_web: Web) -> None:
    web = sqlite_web
    web.login()
    with web.session() as s:
        bad = seed(
            s, web.layout, Fake("https://bad.example.com/v", status="failed", reason="HTTP 404 from the stream URL")
        )
        seed(s, web.layout, Fake("https://ok.example.com/v"))
    html = web.client.get("/queue").text
    failed = html.split('id="failed"')[1]
    assert bad in failed and "HTTP 404 from the stream URL" in failed and f'action="/vsl/{bad}/retry"' in failed
    assert "Failed (1)" in html and "Pending (0)" in html


@pytest.mark.slow
def test_the_web_package_never_imports_dagster() -> None:
    code = (
        "import sys, vsl_assets.web, vsl_assets.web.commands, vsl_assets.web.poster;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dagster'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_vsl_web_serves_on_loopback_and_stops_on_sigterm(sqlite_web: Web) -> None:
    port = free_port()
    proc = start_vsl_web(port)
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
            except OSError:
                time.sleep(0.3)
        assert body == {"status": "ok", "database": "sqlite", "schema_head": SCHEMA_HEAD}
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/vsls", timeout=5)
        assert refused.value.code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status says what stopped it.
    assert proc.returncode in (0, -signal.SIGTERM), out
    assert "Application shutdown complete." in out
    assert f"The Swipe: http://127.0.0.1:{port}/" in out


def test_api_docs_need_a_login_and_list_the_routes(sqlite_web: Web) -> None:
    web = sqlite_web
    assert web.client.get("/docs", follow_redirects=False).status_code == 303  # login first
    web.login()
    docs = web.client.get("/docs")
    assert docs.status_code == 200 and "url: '/openapi.json'" in docs.text
    # Served from the wheel, not a CDN: the docs work offline, and their policy names no other host.
    assert "/static-docs/swagger-ui-bundle.js" in docs.text and "https://" not in docs.text
    assert "http" not in docs.headers["content-security-policy"]
    bundle = web.client.get("/static-docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text[:200_000]
    spec = web.client.get("/openapi.json").json()
    assert {"/api/urls", "/api/vsls", "/api/vsls/{key}", "/api/search", "/pipeline/start/{key}", "/healthz"} <= set(
        spec["paths"]
    )
    assert "/login" not in spec["paths"]
