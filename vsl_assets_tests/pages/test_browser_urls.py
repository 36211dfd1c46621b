"""URLs written on a page are requested the way a browser requests them (WHATWG URL standard): a
space, a quote or a non-ASCII letter in ``src`` is percent-encoded, an existing ``%XX`` escape is
kept.  Seen on a real page of the pages2 extra set (a ``<video src>`` whose file name has spaces);
the markup here is written for these tests."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import page as page_module
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import html5
from vsl_assets.media.pages.resolve import _only_in_inert_markup

_PAGE = "https://curso.example.com/aula/"


def _stream(markup: str) -> str | None:
    candidate = html5.detect(parse_page(_PAGE, f"<body>{markup}</body>"))
    return candidate.stream_url if candidate else None


def test_a_video_file_name_with_spaces_is_the_url_the_browser_requests() -> None:
    assert _stream('<video src="Aula 01 - Boas vindas.mp4" controls></video>') == (
        "https://curso.example.com/aula/Aula%2001%20-%20Boas%20vindas.mp4"
    )


def test_a_source_element_with_accents_and_a_query_is_encoded_as_utf8() -> None:
    markup = '<video controls><source src="/vídeos/apresentação.mp4?v=1 2" type="video/mp4"></video>'
    assert _stream(markup) == "https://curso.example.com/v%C3%ADdeos/apresenta%C3%A7%C3%A3o.mp4?v=1%202"


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/aula%2001.mp4",  # already escaped: not escaped twice
        "https://cdn.example.com/hls/master.m3u8?token=a%2Fb&exp=1700000000",
        "https://cdn.example.com/a|b/[1]/video.mp4",  # characters browsers leave as they are
    ],
)
def test_urls_a_browser_would_not_change_stay_as_written(url: str) -> None:
    assert page_module.browser_encoded(url) == url
    assert _stream(f'<video src="{url}" controls></video>') == url


def test_a_video_only_inside_a_comment_is_still_recognised_once_its_url_is_encoded() -> None:
    page = parse_page(_PAGE, '<body><!-- <video src="aula antiga.mp4"></video> --><p>Em breve</p></body>')
    assert _only_in_inert_markup(page, "https://curso.example.com/aula/aula%20antiga.mp4")
    live = parse_page(_PAGE, '<body><video src="aula antiga.mp4" controls></video></body>')
    assert not _only_in_inert_markup(live, "https://curso.example.com/aula/aula%20antiga.mp4")
