"""Real sales pages, round three (issue 23): patterns seen on real pages gathered this round, each
reproduced with markup written for these tests (never the pages themselves)."""

from __future__ import annotations

import html
import json

import pytest

from vsl_assets.media.pages import NoPlayerFoundError, ResolveOptions
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import vsltube
from vsl_assets.media.pages.resolve import _detect
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._support import Hosts

OFFLINE = ResolveOptions(use_ytdlp=False, probe_stream=False)
VIDEO = "Ab3_dEf-9hZ"


def _key(config: object) -> str:
    """What the VSLtube wrapper stores: the config's JSON bytes, each XOR 0x33, in hex."""
    return bytes(b ^ 0x33 for b in json.dumps(config).encode("latin-1")).hex()


def _wrapper(key: str, element_id: str = "vsltube") -> str:
    inner = (
        "<html><body>"
        f"<div id='{element_id}' data-key='{key}'></div>"
        "<script id='vsltubeJs' src='https://cdn.vsltube.com/app/vsltube.js?v=2'></script>"
        "</body></html>"
    )
    return (
        "<div id='vsltube_Qx1'><iframe id='vsltube_iframe_Qx1' allowfullscreen frameborder='0' "
        f'srcdoc="{html.escape(inner)}"></iframe></div>'
    )


def _page(body: str) -> str:
    return f"<!doctype html><html><head><title>Oferta</title></head><body><h1>Assista</h1>{body}</body></html>"


CONFIG = {"iduser": "00ff", "autoplay": "0", "idvideo": VIDEO, "intro": "1", "introText1": "Seu vídeo já começou"}


def test_vsltube_wrapper_in_a_srcdoc_names_its_youtube_video() -> None:
    page = parse_page("https://lp.example.com/oferta/", _page(_wrapper(_key(CONFIG))))
    first = _detect(page)[0]
    assert (first.kind, first.embed_url, first.ytdlp) == ("vsltube", f"https://www.youtube.com/watch?v={VIDEO}", True)


def test_vsltube_video_is_handed_to_ytdlp_not_the_wrappers_script(hosts: Hosts) -> None:
    hosts.page.add_route("/oferta/", _page(_wrapper(_key(CONFIG))).encode(), "text/html; charset=utf-8")
    with pytest.raises(NoPlayerFoundError, match="needs yt-dlp") as info:
        resolve(hosts.page.url("/oferta/"), options=OFFLINE)
    assert info.value.detail == f"https://www.youtube.com/watch?v={VIDEO}"
    # Nothing but the page was requested: the wrapper's own script is never fetched.
    assert [r.path for r in hosts.page.received] == ["/oferta/"]


def test_the_vsltube_wrapper_beats_a_testimonial_embed_above_it() -> None:
    testimonial = '<iframe src="https://www.youtube.com/embed/Testimony01"></iframe>'
    page = parse_page("https://lp.example.com/", _page(testimonial + _wrapper(_key(CONFIG))))
    ranked = _detect(page)
    assert ranked[0].kind == "vsltube"
    assert "https://www.youtube.com/embed/Testimony01" in ranked[1].embed_url + " ".join(ranked[1].others)


@pytest.mark.parametrize(
    "key",
    [
        "not-hex-at-all",
        "0badc0de",  # too short to hold a config
        _key(["a", "list"]),  # valid JSON, not an object
        _key({"autoplay": "0"}),  # no idvideo
        _key({"idvideo": "short"}),  # not a YouTube id
        _key({"idvideo": 12345678901}),
        bytes(b ^ 0x44 for b in json.dumps(CONFIG).encode()).hex(),  # another key: not JSON once decoded
    ],
)
def test_a_key_that_does_not_decode_to_a_config_is_ignored(key: str) -> None:
    assert vsltube.decode_key(key) is None
    assert all(c.kind != "vsltube" for c in _detect(parse_page("https://lp.example.com/", _page(_wrapper(key)))))


def test_a_data_key_outside_a_vsltube_wrapper_is_not_read() -> None:
    page = parse_page("https://lp.example.com/", _page(_wrapper(_key(CONFIG), element_id="pricing-table")))
    assert all(c.kind != "vsltube" for c in _detect(page))


# -- Vidyard's v4 embed code --------------------------------------------


VIDYARD = "Zq9Wx8Vu7Ts6Rp5On4Ml3K"


def test_vidyard_image_embed_names_its_player_page() -> None:
    markup = (
        '<script async src="https://play.vidyard.com/embed/v4.js"></script>'
        f'<img class="vidyard-player-embed" src="https://play.vidyard.com/{VIDYARD}.jpg" data-uuid="{VIDYARD}" '
        'data-v="4" data-type="inline"/>'
        '<img class="testimonial" data-uuid="not-a-player-0000000000">'
    )
    first = _detect(parse_page("https://lp.example.com/", _page(markup)))[0]
    assert (first.kind, first.embed_url, first.ytdlp) == ("embed", f"https://play.vidyard.com/{VIDYARD}", True)
    assert not any("not-a-player" in url for url in first.others)
