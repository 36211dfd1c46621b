"""The address guard: classification, the environment policy and every fetch path that uses it.

Only 127.0.0.1 exists here, so the "allowed public host" of a redirect or playlist is stood in
for by ``VSL_ALLOW_ADDRESSES=127.0.0.1`` (an exact allow-list entry), and the forbidden target
is another loopback address (127.0.0.2) that the guard must refuse before connecting.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from vsl_assets import settings as settings_module
from vsl_assets.errors import InvalidUrlError
from vsl_assets.media.download import download_stream
from vsl_assets.media.hls import HlsOptions, download_hls
from vsl_assets.media.pages import resolve
from vsl_assets.media.pages.options import ResolveOptions
from vsl_assets.net.guard import (
    STRICT,
    ForbiddenAddressError,
    NetPolicy,
    address_category,
    check_url,
    guard_async_client_kwargs,
    guard_client_kwargs,
    install_guard,
    is_public_address,
    parse_allowed_addresses,
)
from vsl_assets_tests.servers import MediaHTTPServer

HTML = "text/html; charset=utf-8"
HLS = "application/vnd.apple.mpegurl"


#: The guard reads no settings: each call gets its policy.  The default (STRICT) is production's
#: with nothing configured; ALLOW_SERVER allows the test server's address only, as
#: ``VSL_ALLOW_ADDRESSES=127.0.0.1`` would.
ALLOW_SERVER = NetPolicy(allow_addresses=parse_allowed_addresses("127.0.0.1"))


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment says "allow everything" (as the suite's autouse fixture does): it must not matter."""
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("VSL_ALLOW_ADDRESSES", "0.0.0.0/0")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MediaHTTPServer]:
    with MediaHTTPServer(tmp_path) as srv:
        yield srv


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "private (IPv6 unique local)"),
        ("fd12:3456::1", "private (IPv6 unique local)"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback (IPv4 inside IPv6)"),
        ("::ffff:169.254.169.254", "link-local (IPv4 inside IPv6)"),
        ("64:ff9b::a00:5", "private (IPv4 inside IPv6)"),
        ("2002:c0a8:101::1", "private (IPv4 inside IPv6)"),
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2001:4860:4860::8888", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_classification(address: str, category: str | None) -> None:
    found = address_category(address)
    if category is None:
        assert found is None and is_public_address(address)
    else:
        assert found is not None and found.startswith(category)
        assert not is_public_address(address)


@pytest.mark.usefixtures("guarded")
@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://LOCALHOST./x",
        "http://app.localhost:8080/",
        "http://127.0.0.1:9/",
        "http://[::1]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as one integer: resolved, then refused
    ],
)
def test_forbidden_hosts_are_refused(url: str) -> None:
    with pytest.raises(ForbiddenAddressError) as info:
        check_url(url)
    assert "which the pipeline does not fetch; set VSL_ALLOW_PRIVATE_NETWORKS=1 to allow it" in info.value.reason


@pytest.mark.usefixtures("guarded")
def test_reason_names_the_address_but_never_the_query() -> None:
    with pytest.raises(ForbiddenAddressError) as info:
        check_url("http://localhost:8080/page?token=s3cret")
    assert info.value.reason.startswith("the URL's host localhost resolves to a loopback address (127.0.0.1)")
    assert "s3cret" not in info.value.reason and "s3cret" not in (info.value.detail or "")


def test_setting_and_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings become a policy at the edge (``NetPolicy.from_settings``); the guard obeys the policy."""
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "1")
    check_url("http://127.0.0.1:1/", policy=NetPolicy.from_settings(settings_module.current()))
    monkeypatch.setenv("VSL_ALLOW_PRIVATE_NETWORKS", "0")
    monkeypatch.setenv("VSL_ALLOW_ADDRESSES", "127.0.0.1, 10.0.0.0/8")
    policy = NetPolicy.from_settings(settings_module.current())
    check_url("http://127.0.0.1:1/", policy=policy)
    check_url("http://10.9.8.7/", policy=policy)
    with pytest.raises(ForbiddenAddressError):
        check_url("http://127.0.0.2/", policy=policy)
    with pytest.raises(ForbiddenAddressError):
        check_url("http://127.0.0.1:1/")  # no policy handed in: the strict default, whatever the environment says
    check_url("http://127.0.0.2/", policy=NetPolicy(allow_private=True))
    with pytest.raises(InvalidUrlError):
        check_url("file:///etc/passwd", policy=NetPolicy(allow_private=True))
    with pytest.raises(InvalidUrlError):
        check_url("gopher://example.com/")
    monkeypatch.setenv("VSL_ALLOW_ADDRESSES", "10.0.0.0/8, intranet")
    with pytest.raises(InvalidUrlError, match="VSL_ALLOW_ADDRESSES has an entry that is not an IP address"):
        NetPolicy.from_settings(settings_module.current())


@pytest.mark.usefixtures("guarded")
def test_page_on_a_private_address_is_not_resolved(server: MediaHTTPServer) -> None:
    server.add_route("/vsl/", b"<html><video src='/v.mp4'></video></html>", HTML)
    with pytest.raises(ForbiddenAddressError) as info:
        resolve(server.url("/vsl/?utm=1"), options=ResolveOptions(use_ytdlp=False))
    assert info.value.reason.startswith("the URL's host 127.0.0.1 is a loopback address")
    assert server.requests == []  # refused before connecting


@pytest.mark.usefixtures("guarded")
def test_redirect_hop_to_a_forbidden_address_is_refused(
    server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add_route("/ok.html", b"<html><title>ok</title></html>", HTML)
    server.add_redirect("/go", f"http://127.0.0.2:{server.port}/internal")
    with httpx.Client(follow_redirects=True, **guard_client_kwargs(ALLOW_SERVER)) as client:
        assert client.get(server.url("/ok.html")).status_code == 200  # the allowed host works
        with pytest.raises(ForbiddenAddressError, match=r"host 127\.0\.0\.2 is a loopback address"):
            client.get(server.url("/go"))
    with pytest.raises(ForbiddenAddressError):
        resolve(server.url("/go"), options=ResolveOptions(use_ytdlp=False, net=ALLOW_SERVER))


@pytest.mark.usefixtures("guarded")
def test_redirect_to_a_name_resolving_privately_is_refused_at_connect(
    server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A host *name* is checked by the transport after resolution (localhost -> 127.0.0.1 / ::1)."""
    other = NetPolicy(allow_addresses=parse_allowed_addresses("127.0.0.2"))  # not the server's address
    client = httpx.Client(follow_redirects=True)
    assert install_guard(client, other) is True
    assert install_guard(client, other) is True  # idempotent
    assert sum(getattr(h, "vsl_guard", False) for h in client.event_hooks["request"]) == 1
    with client, pytest.raises(ForbiddenAddressError):
        client.get(server.url("/anything"))
    assert server.requests == []


async def _async_get(url: str, policy: NetPolicy = STRICT) -> int:
    async with httpx.AsyncClient(**guard_async_client_kwargs(policy)) as client:
        return (await client.get(url)).status_code


@pytest.mark.usefixtures("guarded")
def test_async_client_is_guarded(server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    server.add_route("/x", b"x", "text/plain")
    with pytest.raises(ForbiddenAddressError):
        asyncio.run(_async_get(server.url("/x")))
    assert asyncio.run(_async_get(server.url("/x"), ALLOW_SERVER)) == 200


def _playlist(segment_urls: list[str]) -> bytes:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0"]
    for url in segment_urls:
        lines += ["#EXTINF:2.0,", url]
    return ("\n".join([*lines, "#EXT-X-ENDLIST"]) + "\n").encode()


@pytest.mark.usefixtures("guarded")
def test_hls_segment_on_a_forbidden_address_is_refused_before_any_segment(
    server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    body = _playlist([server.url("/seg0.ts"), server.url("/seg1.ts"), "http://169.254.169.254/latest/seg2.ts"])
    server.add_route("/index.m3u8", body, HLS)
    dest = tmp_path / "out.mp4"
    with pytest.raises(ForbiddenAddressError, match=r"169\.254\.169\.254 is a link-local address"):
        download_hls(server.url("/index.m3u8"), dest, HlsOptions(attempts=1, net=ALLOW_SERVER))
    assert [p for _m, p in server.requests if p.endswith(".ts")] == []
    assert not dest.exists()


@pytest.mark.usefixtures("guarded")
def test_hls_key_on_a_forbidden_address_is_refused(
    server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    body = _playlist([server.url("/seg0.ts")]).replace(
        b"#EXTINF", b'#EXT-X-KEY:METHOD=AES-128,URI="http://[fd00::1]/key"\n#EXTINF', 1
    )
    server.add_route("/index.m3u8", body, HLS)
    with pytest.raises(ForbiddenAddressError, match="unique local"):
        download_hls(server.url("/index.m3u8"), tmp_path / "out.mp4", HlsOptions(attempts=1, net=ALLOW_SERVER))
    assert [p for _m, p in server.requests if p.endswith(".ts")] == []


@pytest.mark.usefixtures("guarded")
def test_hls_playlist_on_a_forbidden_address_is_refused(server: MediaHTTPServer, tmp_path: Path) -> None:
    server.add_route("/index.m3u8", _playlist([server.url("/seg0.ts")]), HLS)
    with pytest.raises(ForbiddenAddressError):
        download_hls(server.url("/index.m3u8"), tmp_path / "out.mp4", HlsOptions(attempts=1))
    assert server.requests == []


@pytest.mark.usefixtures("guarded")
def test_ffmpeg_path_refuses_a_forbidden_stream_url(server: MediaHTTPServer, tmp_path: Path) -> None:
    with pytest.raises(ForbiddenAddressError):
        download_stream(server.url("/video.mp4"), tmp_path / "out.mp4")
    assert server.requests == []


@pytest.mark.usefixtures("guarded")
def test_ytdlp_refuses_a_forbidden_page_url(server: MediaHTTPServer) -> None:
    pytest.importorskip("yt_dlp")
    from vsl_assets.media.pages.ytdlp import extract

    with pytest.raises(ForbiddenAddressError):
        extract(server.url("/watch?v=1"), referer=None, options=ResolveOptions())
    assert server.requests == []


@pytest.mark.usefixtures("guarded")
def test_connection_goes_to_the_vetted_address(server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pinning: the socket connects to the address the guard resolved and vetted, not a re-lookup.

    ``cdn.invalid`` cannot resolve on any machine, so a 200 proves the transport connected to the
    vetted address; a second answer that turns private (DNS rebinding) is refused before connecting.
    """
    from vsl_assets.net import guard as netguard

    answers = {"cdn.invalid": ["127.0.0.1"]}
    monkeypatch.setattr(netguard, "resolve_host", lambda host, port: answers[host])
    server.add_route("/x", b"x", "text/plain")
    url = f"http://cdn.invalid:{server.port}/x"
    with httpx.Client(**guard_client_kwargs(ALLOW_SERVER, limits=httpx.Limits(max_keepalive_connections=0))) as client:
        assert client.get(url).status_code == 200
        answers["cdn.invalid"] = ["127.0.0.1", "10.0.0.5"]  # one private record among allowed ones
        with pytest.raises(ForbiddenAddressError, match=r"cdn\.invalid resolves to a private address \(10\.0\.0\.5\)"):
            client.get(url)
    assert len(server.requests) == 1


@pytest.mark.usefixtures("guarded")
@pytest.mark.parametrize("host", ["127.1", "0x7f.1", "2130706433", "017700000001"])
def test_names_that_resolve_to_loopback_are_refused_through_a_proxy_too(
    server: MediaHTTPServer, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    """Legacy IPv4 spellings are not IP literals to Python but resolve to 127.0.0.1.

    Direct, the transport vets the resolved address at connect time.  Our own clients pass a
    transport, so httpx ignores HTTP(S)_PROXY for them; a client built elsewhere and guarded with
    install_guard may use the proxy, whose transport only sees the proxy's address, so the request
    hook resolves and vets the target itself (the proxy here is a closed port: had the request gone
    out, the error would be a ConnectError).
    """
    port = server.url("/").split(":")[2].split("/")[0]
    url = f"http://{host}:{port}/x"
    with httpx.Client(**guard_client_kwargs()) as client, pytest.raises(ForbiddenAddressError) as direct:
        client.get(url)
    assert "127.0.0.1" in direct.value.reason
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "")
    with httpx.Client(**guard_client_kwargs()) as client, pytest.raises(ForbiddenAddressError):
        client.get(url)  # env proxies do not apply to a client with its own transport
    proxied_client = httpx.Client()
    install_guard(proxied_client)  # guards its direct transport; the proxy mount only meets the hook
    with proxied_client, pytest.raises(ForbiddenAddressError) as proxied:
        proxied_client.get(url)
    assert "resolves to a loopback address (127.0.0.1)" in proxied.value.reason
    assert server.requests == []
