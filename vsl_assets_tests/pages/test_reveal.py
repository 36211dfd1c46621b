"""The offer's reveal second from the player config or the page's own scripts, with its source (issue 11)."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import ResolveOptions
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players.reveal import page_reveal
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._real import serve
from vsl_assets_tests.pages._support import Hosts


def test_hand_written_reveal_timeout_on_a_self_hosted_page(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "reveal_settimeout.html", ms="1245000"))
    assert source.kind == "html5"
    assert (source.cta_seconds, source.cta_source) == (1245, "page script setTimeout")


def test_short_timeouts_are_animations_not_offers(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "reveal_settimeout.html", ms="5000"))
    assert (source.cta_seconds, source.cta_source) == (None, None)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("var SECONDS_TO_DISPLAY = 754;", (754, "page script SECONDS_TO_DISPLAY")),
        ("var delaySeconds = 1838;", (1838, "page script delaySeconds")),
        ("p.displayHiddenElements(600, ['.esconder'], {persist: true});", (600, "page script displayHiddenElements")),
        ("setTimeout(() => { $('.buy').fadeIn(); }, 900 * 1000);", (900, "page script setTimeout")),
        ("setTimeout(function(){ track('view'); }, 60000);", (None, None)),  # shows nothing
    ],
)
def test_reveal_snippets(script: str, expected: tuple[float | None, str | None]) -> None:
    # The elements those snippets reveal are on the page (a timer aimed at nothing is not counted).
    html = f'<div class="esconder buy" style="display:none">Comprar</div><script>{script}</script>'
    assert page_reveal(parse_page("https://lp.example.com/", html)) == expected


def test_panda_page_reveal_comes_from_the_page(hosts: Hosts) -> None:
    html = (
        '<iframe id="panda-3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a" '
        'src="https://player-vz-7b6cf9e4-8bf.tv.pandavideo.com.br/embed/?v=3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a">'
        "</iframe><script>var SECONDS_TO_DISPLAY = 1320;</script>"
    )
    hosts.page.add_route("/vsl/", html.encode(), "text/html")
    source = resolve(hosts.page.url("/vsl/"), options=ResolveOptions(probe_stream=False))
    assert source.kind == "panda"
    assert (source.cta_seconds, source.cta_source) == (1320, "page script SECONDS_TO_DISPLAY")
