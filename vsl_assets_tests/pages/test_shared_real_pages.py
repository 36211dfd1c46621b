"""Issue 23's patterns on the shared real pages (``../shared/realpages``, third-party files read where
they lie, never copied): each page is served offline under its original URL, every other host is
unreachable, and the resolver is run as production runs it minus yt-dlp and the stream probe.

Skipped with a message when the folder is absent, except under CI (``CI=true``), where it must be.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from vsl_assets.errors import VslError
from vsl_assets.media.pages import NoPlayerFoundError, ResolveOptions
from vsl_assets.media.pages.page import decode_html, parse_page
from vsl_assets.media.pages.players import panda
from vsl_assets.media.pages.players.reveal import page_reveal
from vsl_assets_tests.loopback import Fetcher, resolve

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "realpages"
OFFLINE = ResolveOptions(use_ytdlp=False, probe_stream=False, connect_timeout_s=5, read_timeout_s=5)

if not (REAL / "MANIFEST.json").is_file():
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"the shared real pages are missing at {REAL} (CI must provide ../shared/realpages)")
    pytest.skip(f"the shared real pages are not at {REAL}", allow_module_level=True)

MANIFEST: dict[str, Any] = json.loads((REAL / "MANIFEST.json").read_text(encoding="utf-8"))


def _entry(stem: str) -> dict[str, Any]:
    return next(p for p in MANIFEST["pages"] if p["file"] == f"{stem}.html")


def _routes(entry: dict[str, Any]) -> dict[str, Path]:
    routes = {entry["page_url"]: REAL / entry["file"]}
    for relative, asset in (entry.get("assets") or {}).items():
        routes[urljoin(entry["page_url"], relative)] = REAL / asset["file"]
    return {url.split("?")[0]: path for url, path in routes.items()}


class _Offline:
    """Serves a page and its own listed assets under their original URLs; refuses every other host."""

    def __init__(self, routes: dict[str, Path]) -> None:
        self.routes = routes
        self.asked: list[str] = []
        self.client = httpx.Client(transport=httpx.MockTransport(self._handle), follow_redirects=True)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        self.asked.append(url)
        path = self.routes.get(url)
        if path is None:
            raise httpx.ConnectError(f"offline: {request.url.host}", request=request)
        kind = "application/javascript" if path.suffix == ".js" else "text/html; charset=utf-8"
        return httpx.Response(200, content=path.read_bytes(), headers={"content-type": kind})


def _resolve(stem: str) -> tuple[Any, _Offline]:
    entry = _entry(stem)
    offline = _Offline(_routes(entry))
    with offline.client:
        try:
            return resolve(entry["page_url"], client=offline.client, options=OFFLINE), offline
        except VslError as exc:
            return exc, offline


def _reveal(stem: str) -> tuple[float | None, str | None]:
    entry = _entry(stem)
    page = parse_page(entry["page_url"], decode_html((REAL / entry["file"]).read_bytes(), None))
    offline = _Offline(_routes(entry))
    with offline.client, Fetcher(OFFLINE, offline.client) as fetcher:
        return page_reveal(page, fetcher)


def test_youtube_iframe_api_player_built_in_the_pages_own_script() -> None:
    error, offline = _resolve("youtube-iframe-api_neurocalmpro")
    assert isinstance(error, NoPlayerFoundError) and "needs yt-dlp" in error.reason
    assert error.detail == _entry("youtube-iframe-api_neurocalmpro")["expected"]["embed_url"]
    assert sum(url.endswith("/statics/js/youtube.js") for url in offline.asked) == 1


def test_offer_second_from_the_pages_own_script_files() -> None:
    # The reveal timer of the page's own timer script (a setTimeout on a button bound to a variable).
    assert _reveal("vturb-v4-external-loader_safira") == (220, "same-site script setTimeout")
    # A named setting in the page's own YouTube script, with the id of the button it shows.
    seconds, source = _reveal("youtube-iframe-api_neurocalmpro")
    assert seconds is not None and source is not None and source.startswith("same-site script")


def test_offer_second_from_an_inline_timer_on_the_call_to_action() -> None:
    assert _reveal("vturb-v3_protocolocerovientre") == (965, "page script setTimeout")
    assert _reveal("vturb-v3-oldcdnhost_protocolocerovientre-hot") == (1637, "page script setTimeout")


def test_pages_without_a_reveal_timer_get_none() -> None:
    # Redirect and animation timers (1 s, 2 s) are not offers.
    assert _reveal("vturb-v3-div_cerovientrepv") == (None, None)
    assert _reveal("vturb-v4-preload-local-loader_tkmfront") == (None, None)


@pytest.mark.parametrize("stem", ["vturb-v4-preload_leptozan", "vturb-v3-preload-commented-decoys_leptozan-upsell6"])
def test_a_preload_that_belongs_to_the_embedded_player_still_counts(stem: str) -> None:
    source, _ = _resolve(stem)
    assert not isinstance(source, Exception)
    assert source.stream_url == _entry(stem)["expected"]["stream"]


def test_panda_on_a_webflow_page_and_the_real_embed_pages_reading_of_the_library() -> None:
    source, _ = _resolve("panda-iframe-webflow_ygorbueno")
    assert not isinstance(source, Exception)
    assert (
        source.kind == "panda" and source.stream_url == _entry("panda-iframe-webflow_ygorbueno")["expected"]["stream"]
    )
    component = next(c for c in MANIFEST["component_checks"] if c["name"] == "panda-real-embed-page-fallback")
    # The old host names no library; with l=vz-<library> (what the real embed page reads) it maps.
    assert panda.playlist_url(component["embed_url"]) is None
    library = component["expected"]["stream"].split("//b-vz-", 1)[1].split(".tv.", 1)[0]
    assert panda.playlist_url(f"{component['embed_url']}&l=vz-{library}") == component["expected"]["stream"]
