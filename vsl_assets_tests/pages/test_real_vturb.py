"""vturb on the page shapes real sales pages use (issue 11): self-hosted player.js, a player injected
by the page's own bundle, A/B-test embeds, v3 on the old CDN host, the framed player page, a
Next.js head-only snippet, ``pitchTime`` as the CTA second, and failures that name the player."""

from __future__ import annotations

import pytest

from vsl_assets.media.pages import NoPlayerFoundError, PlayerConfigError, PlayerUnavailableError, ResolveOptions
from vsl_assets.media.pages.page import parse_page
from vsl_assets.media.pages.players import vturb
from vsl_assets_tests.loopback import resolve
from vsl_assets_tests.pages._real import JS_TYPE, serve, serve_on
from vsl_assets_tests.pages._support import Hosts

ACCOUNT = "c3a1f0d2-7b4e-4e1a-9d2c-5f8e6a7b9c01"
PLAYER = "6a1b2c3d4e5f60718293a4b5"
VIDEO = "6a1b2c10aa20bb30cc40dd50"
AB_ID = "6a3b4c5d6e7f8091a2b3c4d5"
PLAYER_A, VIDEO_A = "6a3b4c5d6e7f8091a2b3c4aa", "6a3b4c30aa31bb32cc43dd52"
PLAYER_B, VIDEO_B = "6a3b4c5d6e7f8091a2b3c4bb", "6a3b4c30aa31bb32cc43dd53"
NO_YTDLP = ResolveOptions(use_ytdlp=False)


def _ids(**extra: str) -> dict[str, str]:
    return {"account": ACCOUNT, "player_id": PLAYER, "video_id": VIDEO, **extra}


def _stream(hosts: Hosts, video: str) -> str:
    return hosts.cdn.add_hls(f"/{ACCOUNT}/{video}/main.m3u8")


def _serve_ab_variants(hosts: Hosts) -> None:
    for player, video, pitch in ((PLAYER_A, VIDEO_A, "1245"), (PLAYER_B, VIDEO_B, "980")):
        serve_on(
            hosts,
            "player",
            "vturb_selfhosted_player.js",
            f"/{ACCOUNT}/players/{player}/v4/player.js",
            JS_TYPE,
            **_ids(player_id=player, video_id=video, pitch=pitch),
        )
        _stream(hosts, video)


def test_self_hosted_player_js_without_placeholder(hosts: Hosts) -> None:
    """Only <script src="js/player.js"> on the page: the copied script carries the whole config."""
    stream = _stream(hosts, VIDEO)
    serve_on(hosts, "page", "vturb_selfhosted_player.js", "/oferta/js/player.js", JS_TYPE, **_ids(pitch="336"))
    page_url = serve(hosts, "vturb_selfhosted.html", "/oferta/")

    source = resolve(page_url, options=NO_YTDLP)

    assert source.kind == "vturb"
    assert source.stream_url == stream
    assert source.cta_seconds == 336  # pitchTime, the field real v4 configs carry
    assert source.thumbnail == hosts.cdn.url(f"/{ACCOUNT}/{VIDEO}/poster.jpg")
    assert source.title == "Método Gol Certo | Assista até o final"
    # The page's libraries are never fetched: only the player script and the stream.
    assert [r.path for r in hosts.page.received] == ["/oferta/", "/oferta/js/player.js"]
    [script_request] = hosts.page.requests_to("/oferta/js/player.js")
    assert script_request.headers["referer"] == page_url


def test_player_injected_by_the_pages_bundle(hosts: Hosts) -> None:
    """<div id="vid-…"> and a bundle that injects …/players/<id>/v4/player.js at run time."""
    stream = _stream(hosts, VIDEO)
    serve_on(hosts, "page", "vturb_injected_bundle.js", "/assets/js/vsl.bundle.js", JS_TYPE, **_ids(delay="905"))
    serve_on(
        hosts,
        "player",
        "vturb_selfhosted_player.js",
        f"/{ACCOUNT}/players/{PLAYER}/v4/player.js",
        JS_TYPE,
        **_ids(pitch="1100"),
    )
    source = resolve(serve(hosts, "vturb_injected.html", **_ids()), options=NO_YTDLP)
    assert source.kind == "vturb"
    assert source.stream_url == stream
    assert source.cta_seconds == 1100  # the bundle's delaySeconds is not page HTML; the config's pitchTime is
    assert source.title == "Desafio 21 Dias: a aula que mudou tudo"
    assert hosts.page.requests_to("/assets/js/vsl.bundle.js")
    assert not any("googletagmanager" in r.path for r in hosts.page.received)


def test_placeholder_whose_scripts_name_no_player_says_so(hosts: Hosts) -> None:
    hosts.page.add_route("/assets/js/vsl.bundle.js", b"console.log('no player here')", JS_TYPE)
    with pytest.raises(PlayerConfigError) as info:
        resolve(serve(hosts, "vturb_injected.html", **_ids()), options=NO_YTDLP)
    assert info.value.reason == (
        "vturb player found but its player script could not be found on the page or in its scripts"
    )


def test_ab_test_embed_takes_the_first_variant(hosts: Hosts) -> None:
    stream_a, stream_b = _stream(hosts, VIDEO_A), _stream(hosts, VIDEO_B)
    ids = _ids(ab_id=AB_ID, player_a=PLAYER_A, video_a=VIDEO_A, player_b=PLAYER_B, video_b=VIDEO_B)
    serve_on(
        hosts,
        "player",
        "vturb_ab_player.js",
        f"/{ACCOUNT}/ab-test/{AB_ID}/player.js",
        JS_TYPE,
        pitch_a="1245",
        pitch_b="980",
        **ids,
    )
    page_url = serve(hosts, "vturb_ab.html", **ids)

    source = resolve(page_url)

    assert source.kind == "vturb"
    assert source.stream_url == stream_a
    assert source.cta_seconds == 1245  # variant A's own pitchTime, not B's
    assert source.cta_source == "vturb config pitchTime"
    assert source.other_videos == [stream_b]
    assert source.title == "El truco de 7 segundos"
    [request] = hosts.player.requests_to(f"/{ACCOUNT}/ab-test/{AB_ID}/player.js")
    assert request.headers["referer"] == page_url


def test_ab_test_script_that_loads_variant_scripts(hosts: Hosts) -> None:
    ids = _ids(ab_id=AB_ID, player_a=PLAYER_A, player_b=PLAYER_B)
    serve_on(hosts, "player", "vturb_ab_loader.js", f"/{ACCOUNT}/ab-test/{AB_ID}/player.js", JS_TYPE, **ids)
    _serve_ab_variants(hosts)
    source = resolve(serve(hosts, "vturb_ab.html", **ids))
    assert source.stream_url == hosts.cdn.url(f"/{ACCOUNT}/{VIDEO_A}/main.m3u8")
    assert source.cta_seconds == 1245
    assert source.other_videos == [hosts.cdn.url(f"/{ACCOUNT}/{VIDEO_B}/main.m3u8")]


@pytest.mark.parametrize(
    ("status", "error", "why"),
    [
        (403, PlayerConfigError, "HTTP 403"),
        (404, PlayerConfigError, "HTTP 404"),
        (503, PlayerUnavailableError, "HTTP 503"),
    ],
)
def test_ab_test_script_unreadable_names_the_player(
    hosts: Hosts, status: int, error: type[Exception], why: str
) -> None:
    hosts.player.set_status(f"/{ACCOUNT}/ab-test/{AB_ID}/player.js", status)
    with pytest.raises(error) as info:
        resolve(serve(hosts, "vturb_ab.html", **_ids(ab_id=AB_ID)))
    assert info.value.reason == f"vturb player found but its configuration script could not be read: {why}"  # type: ignore[attr-defined]
    assert info.value.transient is (status >= 500)  # type: ignore[attr-defined]


def test_v3_embed_on_the_old_cdn_host(hosts: Hosts) -> None:
    stream = _stream(hosts, VIDEO)
    serve_on(
        hosts,
        "player",
        "vturb_v3_player.js",
        f"/{ACCOUNT}/players/{PLAYER}/player.js",
        JS_TYPE,
        **_ids(display="754"),
    )
    source = resolve(serve(hosts, "vturb_v3_oldcdn.html", **_ids()))
    assert source.kind == "vturb"
    assert source.stream_url == stream
    assert source.cta_seconds == 754  # the old displayTime field still counts
    assert source.cta_source == "vturb config displayTime"
    assert source.thumbnail == hosts.player.url(f"/{ACCOUNT}/players/{PLAYER}/thumbnail.jpg")


def test_framed_old_player_page(hosts: Hosts) -> None:
    stream = _stream(hosts, VIDEO)
    serve_on(hosts, "player", "vturb_player_page_inner.html", f"/{ACCOUNT}/{PLAYER}/player.html", **_ids())
    serve_on(
        hosts,
        "player",
        "vturb_selfhosted_player.js",
        f"/{ACCOUNT}/players/{PLAYER}/player.js",
        JS_TYPE,
        **_ids(pitch="610"),
    )
    source = resolve(serve(hosts, "vturb_player_page.html", **_ids()))
    assert source.kind == "vturb"
    assert source.stream_url == stream
    assert source.cta_seconds == 610


def test_framed_player_page_that_names_nothing(hosts: Hosts) -> None:
    hosts.player.add_route(f"/{ACCOUNT}/{PLAYER}/player.html", b"<html><body>offline</body></html>", "text/html")
    with pytest.raises(PlayerConfigError) as info:
        resolve(serve(hosts, "vturb_player_page.html", **_ids()))
    assert info.value.reason == "vturb player found but its player page names no player script or video"


def test_nextjs_head_snippet_preload_is_enough(hosts: Hosts) -> None:
    """Only the speed snippet in <head>: the preloaded playlist is the stream, the script may 404."""
    stream = _stream(hosts, VIDEO)
    source = resolve(serve(hosts, "vturb_nextjs_prerender.html", **_ids()))
    assert source.kind == "vturb" and source.stream_url == stream


def test_pitch_time_and_old_fields_in_configs() -> None:
    url = f"https://scripts.converteai.net/{ACCOUNT}/players/{PLAYER}/v4/player.js"
    real = f'{{"cdn":"cdn.converteai.net","id":"{PLAYER}","oid":"{ACCOUNT}","pitchTime":336,"video":{{"id":"{VIDEO}","drm":!1}}}}'
    config = vturb.parse_player_config(real, url)
    assert config.stream_url == f"https://cdn.converteai.net/{ACCOUNT}/{VIDEO}/main.m3u8"
    assert (config.cta_seconds, config.cta_source) == (336, "vturb config pitchTime")
    old = f'{{id:"{PLAYER}",video:{{id:"{VIDEO}"}},account:"{ACCOUNT}",displayTime:42}}'
    assert vturb.parse_player_config(old, url).cta_seconds == 42
    both = real.replace('"pitchTime":336', '"displayTime":900,"pitchTime":336')
    assert vturb.parse_player_config(both, url).cta_seconds == 336  # pitchTime wins over the old field


def test_ab_placeholder_and_script_shapes() -> None:
    html = (
        f'<vturb-smartplayer id="ab-{AB_ID}"></vturb-smartplayer>'
        f'<script>s.src="https://scripts.converteai.net/{ACCOUNT}/ab-test/{AB_ID}/player.js"</script>'
    )
    page = parse_page("https://lp.exemplo.com/", html)
    [script] = vturb.find_player_scripts(page)
    assert (script.account, script.player, script.ab) == (ACCOUNT, AB_ID, True)
    assert vturb.player_ids(page) == [AB_ID]


def test_page_without_any_player_still_reads_its_scripts_then_gives_up(hosts: Hosts) -> None:
    hosts.page.add_route("/js/app.js", b"document.title='x';", JS_TYPE)
    hosts.page.add_route("/vsl/", b'<html><body><script src="/js/app.js"></script></body></html>', "text/html")
    with pytest.raises(NoPlayerFoundError) as info:
        resolve(hosts.page.url("/vsl/"), options=NO_YTDLP)
    assert info.value.reason == "no video player found on page"
    assert hosts.page.requests_to("/js/app.js")  # the scan ran before giving up
