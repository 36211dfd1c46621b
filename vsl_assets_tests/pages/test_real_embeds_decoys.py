"""YouTube IFrame API, click-to-play lightboxes, element-based embeds of other players, decoys
and <video-js> behind a lazy iframe (issue 11).

Hosted players end in yt-dlp; a stand-in records the embed URL the resolver handed it, so each
test asserts the exact embed chosen while the rest of the resolution runs for real.
"""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import NoPlayerFoundError, ResolveOptions, ytdlp
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import html5, lightbox
from vsl_assets.media.pages.players.base import Candidate
from vsl_assets.media.pages.players.rank import rank
from vsl_assets.media.pages.resolve import _only_in_inert_markup
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._real import FakeYtdlp, serve, serve_on
from vsl_assets_tests.pages._support import FAKE_MP4, Hosts


@pytest.fixture
def fake_ytdlp(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> FakeYtdlp:
    fake = FakeYtdlp(hosts.cdn.url("/hls/master.m3u8"))
    monkeypatch.setattr(ytdlp, "extract", fake.extract)
    return fake


# -- YouTube IFrame API and embeds chosen in page order -----------------------------------------------


def test_youtube_iframe_api_beats_testimonial_iframes(hosts: Hosts, fake_ytdlp: FakeYtdlp) -> None:
    source = resolve(serve(hosts, "youtube_iframe_api.html"))
    assert fake_ytdlp.asked == ["https://www.youtube.com/watch?v=Vs1MainAbc1"]
    assert source.kind == "yt-dlp:fake"
    assert source.embed_url == "https://www.youtube.com/watch?v=Vs1MainAbc1"
    assert source.other_videos == [
        "https://www.youtube.com/embed/TestiMony01",
        "https://www.youtube.com/embed/TestiMony02",
    ]


def test_youtube_api_reading_a_constant(hosts: Hosts, fake_ytdlp: FakeYtdlp) -> None:
    resolve(serve(hosts, "youtube_api_variable.html"))
    assert fake_ytdlp.asked == ["https://www.youtube.com/watch?v=Vs1Const_22"]


def test_main_video_beats_youtube_testimonials_below_it(hosts: Hosts, fake_ytdlp: FakeYtdlp) -> None:
    source = resolve(serve(hosts, "video_then_youtube_testimonials.html"))
    assert source.kind == "html5"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert fake_ytdlp.asked == []
    assert source.other_videos == [
        "https://www.youtube.com/embed/Depoiment01",
        "https://www.youtube.com/embed/Depoiment02",
    ]


# -- click-to-play lightboxes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "embed"),
    [
        ("lightbox_data_video.html", "https://www.youtube.com/embed/LiGhtBoxV01?autoplay=1"),
        ("lightbox_fancybox_vimeo.html", "https://vimeo.com/76979871"),
        ("lightbox_video_id.html", "https://www.youtube.com/watch?v=IdOnly_0001"),
        ("lightbox_vimeo_id.html", "https://player.vimeo.com/video/112233445"),
        ("lightbox_wistia_id.html", "https://fast.wistia.net/embed/iframe/w1st1aabc9"),
    ],
)
def test_lightbox_triggers(hosts: Hosts, fake_ytdlp: FakeYtdlp, fixture: str, embed: str) -> None:
    source = resolve(serve(hosts, fixture))
    assert fake_ytdlp.asked == [embed]
    assert source.embed_url == embed
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")


def test_lightbox_first_trigger_is_the_vsl(hosts: Hosts, fake_ytdlp: FakeYtdlp) -> None:
    source = resolve(serve(hosts, "lightbox_data_video.html"))
    assert source.other_videos == ["https://www.youtube.com/embed/LiGhtBoxV02"]


def test_lightbox_to_a_self_hosted_file(hosts: Hosts) -> None:
    hosts.page.add_route("/media/apresentacao.mp4", FAKE_MP4, "video/mp4")
    source = resolve(serve(hosts, "lightbox_mp4.html"), options=ResolveOptions(use_ytdlp=False))
    assert source.kind == "lightbox"
    assert source.stream_url == hosts.page.url("/media/apresentacao.mp4")
    assert not source.is_hls


def test_lightbox_ignores_lazy_images_and_unhinted_ids() -> None:
    html = (
        '<img data-src="/img/a.jpg"><iframe data-src="/embed/x.html"></iframe>'
        '<div data-video-id="abcdefghijk"></div>'  # an 11-character id, but nothing says YouTube
    )
    assert lightbox.detect(parse_page("https://lp.example.com/", html)) is None


# -- other players' element embeds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "embed"),
    [
        (
            "brightcove.html",
            "https://players.brightcove.net/1234567890001/rJ7xYz9aB_default/index.html?videoId=6301234567001",
        ),
        ("plyr_youtube.html", "https://www.youtube.com/watch?v=PlyrVsl0001"),
        ("wistia_player.html", "https://fast.wistia.net/embed/iframe/wpl4y3r0ab"),
        ("vimeo_div.html", "https://player.vimeo.com/video/998877665"),
        ("lite_youtube.html", "https://www.youtube.com/watch?v=LiteYtVsl01"),
        ("vooplayer_longcode.html", "https://lojaexemplo.cdn.vooplayer.com/publish/MTIzNDU2Nw=="),
        ("spotlightr_iframe.html", "https://videos.cdn.spotlightr.com/watch/MTY2MDI4NA==?fallback=true"),
        (
            "bunny_iframe.html",
            "https://iframe.mediadelivery.net/embed/123456/3f6c8b1e-2d4a-4c6e-9f1a-7b8c9d0e1f2a?autoplay=false&loop=false",
        ),
        ("jw_iframe.html", "https://content.jwplatform.com/players/AbCd1234-XyZ98765.html"),
    ],
)
def test_other_players_embeds(hosts: Hosts, fake_ytdlp: FakeYtdlp, fixture: str, embed: str) -> None:
    source = resolve(serve(hosts, fixture))
    assert fake_ytdlp.asked == [embed]
    assert source.embed_url == embed


# -- decoys -----------------------------------------------------------------------------------------


def test_hidden_muted_pause_clip_is_not_the_vsl(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "decoy_pause_clip.html"))
    assert source.kind == "html5"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.other_videos == [hosts.page.url("/media/pause-loop.mp4")]


def test_commented_out_video_is_never_picked(hosts: Hosts) -> None:
    """Not by the detectors and not by the yt-dlp fallback, which reads raw HTML."""
    hosts.cdn.add_route("/old/vsl-antigo.mp4", FAKE_MP4, "video/mp4")
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(serve(hosts, "decoy_commented_video.html"))
    assert info.value.reason.startswith("no video player found on page")
    assert hosts.cdn.requests_to("/old/") == []


def test_yt_dlp_answer_found_only_in_a_comment_is_refused(hosts: Hosts, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeYtdlp(hosts.cdn.url("/old/vsl-antigo.mp4"))
    monkeypatch.setattr(ytdlp, "extract", fake.extract)
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(serve(hosts, "decoy_commented_video.html"))
    assert info.value.reason == (
        "no video player found on page (the only video is inside an HTML comment, <template> or <noscript>, "
        "which browsers do not play)"
    )


def test_comment_template_and_noscript_videos_are_skipped(hosts: Hosts) -> None:
    source = resolve(serve(hosts, "decoy_comment_then_real.html"))
    assert source.kind == "html5"
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.other_videos == []


def test_inert_markup_check() -> None:
    page = parse_page(
        "https://lp.example.com/",
        '<!-- <video src="/a/old.mp4"></video> --><video src="/b/new.mp4"></video><template><video src="/c/t.mp4"></template>',
    )
    assert _only_in_inert_markup(page, "https://lp.example.com/a/old.mp4")
    assert _only_in_inert_markup(page, "https://lp.example.com/c/t.mp4")
    assert not _only_in_inert_markup(page, "https://lp.example.com/b/new.mp4")
    assert not _only_in_inert_markup(page, "https://cdn.example.com/elsewhere/x.m3u8")  # not on the page at all


@pytest.mark.parametrize(
    "attrs",
    ["hidden", 'style="display:none"', 'class="d-none"', 'width="0" height="0"', "muted loop", 'aria-hidden="true"'],
)
def test_decorative_clip_shapes(attrs: str) -> None:
    candidate = html5.detect(parse_page("https://lp.example.com/", f'<video {attrs} src="/x.mp4"></video>'))
    assert candidate is not None and candidate.stream_url is None
    assert candidate.others == ("https://lp.example.com/x.mp4",)


def test_muted_autoplay_vsl_is_still_a_player() -> None:
    """Smart-autoplay VSLs start muted: muted alone is not a decoy."""
    candidate = html5.detect(parse_page("https://lp.example.com/", '<video autoplay muted playsinline src="/v.mp4">'))
    assert candidate is not None and candidate.stream_url == "https://lp.example.com/v.mp4"


# -- <video-js> behind a lazy iframe ------------------------------------------------------------------


def test_video_js_element_inside_a_lazy_iframe(hosts: Hosts) -> None:
    serve_on(hosts, "page", "videojs_lazy_player.html", "/embed/player.html")
    page_url = serve(hosts, "videojs_lazy_outer.html")
    source = resolve(page_url)
    frame = hosts.page.url("/embed/player.html")
    assert source.kind == "iframe"
    assert source.embed_url == frame
    assert source.stream_url == hosts.cdn.url("/hls/master.m3u8")
    assert source.thumbnail == hosts.page.url("/img/poster.jpg")
    assert source.referer == frame


def test_lightbox_links_to_channels_are_not_videos() -> None:
    html = (
        '<a class="social-popup" href="https://www.youtube.com/@canalexemplo">YouTube</a>'
        '<a class="popup" href="https://vimeo.com/exemplo">Vimeo</a>'
        '<a class="popup" href="https://www.youtube.com/watch?v=PopupVsl001">Assista</a>'
    )
    candidate = lightbox.detect(parse_page("https://lp.example.com/", html))
    assert candidate is not None
    assert candidate.embed_url == "https://www.youtube.com/watch?v=PopupVsl001"
    assert candidate.others == ()


def test_ranking_prefers_vsl_players_then_page_order() -> None:
    youtube = Candidate(kind="embed", embed_url="https://www.youtube.com/embed/a", position=2)
    video = Candidate(kind="html5", stream_url="https://lp/v.m3u8", position=9)
    frame = Candidate(kind="iframe", embed_url="https://lp/frame.html", position=0)
    og = Candidate(kind="og-video", stream_url="https://lp/og.mp4")
    panda = Candidate(kind="panda", stream_url="https://b/p.m3u8", position=50)
    assert rank([frame, og, video, youtube, panda]) == [panda, youtube, video, og, frame]
    # A page player without a known position keeps the detectors' order after the placed ones.
    lightbox = Candidate(kind="lightbox", embed_url="https://vimeo.com/1")
    assert rank([lightbox, video]) == [video, lightbox]
