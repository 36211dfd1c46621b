"""Keep every fetch of an untrusted URL on the public internet (SSRF protection).

A VSL URL, the page behind it, a player config, a playlist, a segment, an AES key URI and every
redirect hop are chosen by whoever wrote the page.  Without a guard, a page could make the
pipeline fetch ``http://169.254.169.254/`` (cloud metadata credentials), an admin panel on
``10.0.0.5`` or a service on ``127.0.0.1``, and the response would end up in our storage.

Two layers, because a check before the fetch alone is not enough:

* :func:`check_url` resolves the host (all of its addresses: one private record among public ones
  is enough to refuse) and raises :class:`ForbiddenAddressError`.  It guards the paths where
  another program does the fetching (yt-dlp, ffmpeg) and lets HLS refuse a playlist whose segments
  point somewhere forbidden before any segment is fetched.
* For a library that does its own HTTP in our thread (yt-dlp), :func:`guarded_resolution` vets
  every address ``socket.getaddrinfo`` returns on that thread while it runs; the library then
  connects to exactly those addresses, so its redirects and API calls are covered too.
* For httpx, the guarded transports resolve the host *at connection time*, refuse the connection
  if any address is forbidden, connect to a vetted address (pinning it, so a DNS-rebinding answer
  that changes between check and connect cannot slip through) and re-check the peer address the
  socket actually reached.  This runs for every new connection, so every redirect hop, segment
  and key is covered without each caller remembering to check.  A ``request`` event hook also
  refuses non-http(s) URLs and literal forbidden hosts early, with a clearer reason.

The policy is a :class:`NetPolicy` value handed in by the caller (built from ``Settings`` at the
front ends' edges by :meth:`NetPolicy.from_settings`, carried in the media options); nothing here
reads the settings.  ``VSL_ALLOW_PRIVATE_NETWORKS=1`` turns the guard off (local test servers, a
pipeline deliberately pointed at an intranet); ``VSL_ALLOW_ADDRESSES`` lists exact addresses or
networks (``10.1.2.3,192.168.0.0/24``) allowed even though they are not public, for an internal
CDN, and for tests that need one allowed private host next to a forbidden one.  The default policy
is the strict one, so a caller that forgets to hand one in refuses rather than fetches.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpcore
import httpx

from vsl_assets.errors import InvalidUrlError, PermanentError, TransientError
from vsl_assets.net.urls import redact_url

if TYPE_CHECKING:
    from vsl_assets.settings import Settings

__all__ = [
    "ALLOW_ADDRESSES_ENV",
    "ALLOW_PRIVATE_ENV",
    "STRICT",
    "ForbiddenAddressError",
    "NetPolicy",
    "UnresolvableHostError",
    "address_category",
    "check_address",
    "check_url",
    "check_urls",
    "guard_async_client_kwargs",
    "guard_client_kwargs",
    "guarded_async_transport",
    "guarded_resolution",
    "guarded_transport",
    "install_guard",
    "is_public_address",
    "parse_allowed_addresses",
    "resolve_host",
    "static_refusal",
]

ALLOW_PRIVATE_ENV = "VSL_ALLOW_PRIVATE_NETWORKS"
ALLOW_ADDRESSES_ENV = "VSL_ALLOW_ADDRESSES"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SCHEMES = ("http", "https")
#: Hosts refused without a DNS lookup: they name this machine whatever the resolver says.
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class ForbiddenAddressError(PermanentError):
    """The URL points (after DNS resolution) at an address the pipeline must not fetch."""


class UnresolvableHostError(TransientError):
    """The host name did not resolve now; it may later (DNS outages pass)."""


# -- policy ----------------------------------------------------------------------------------------


def parse_allowed_addresses(text: str) -> tuple[IPNetwork, ...]:
    """``VSL_ALLOW_ADDRESSES``: comma-separated addresses or CIDR networks allowed although private.

    Exact entries rather than a blanket switch so a deployment can allow its own CDN (and a test
    one server) while every other private address stays refused.
    """
    networks: list[IPNetwork] = []
    for item in text.replace(";", ",").split(","):
        entry = item.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise InvalidUrlError(
                f"{ALLOW_ADDRESSES_ENV} has an entry that is not an IP address or network: {entry!r}"
            ) from None
    return tuple(networks)


@dataclass(frozen=True)
class NetPolicy:
    """What the guard lets through: a value handed down from the settings, never looked up here."""

    #: ``VSL_ALLOW_PRIVATE_NETWORKS``: fetch private addresses too (the guard is off).
    allow_private: bool = False
    #: ``VSL_ALLOW_ADDRESSES``: networks allowed although not public.
    allow_addresses: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> NetPolicy:
        """The policy the settings describe (a bad ``VSL_ALLOW_ADDRESSES`` entry is refused here)."""
        return cls(settings.allow_private_networks, parse_allowed_addresses(settings.allow_addresses))

    def allows(self, ip: IPAddress) -> bool:
        """Whether ``ip`` is in one of the allowed networks (not whether it is public)."""
        return any(ip.version == net.version and ip in net for net in self.allow_addresses)

    @property
    def strict(self) -> NetPolicy:
        """This policy with private networks refused (the allowed addresses kept)."""
        return replace(self, allow_private=False)


#: The default: private addresses refused, none allowed.
STRICT = NetPolicy()


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, NAT64, 6to4): judged as that address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def address_category(address: str | IPAddress) -> str | None:
    """Why ``address`` is not public ("loopback", "private", "link-local"...), or None if it is.

    Conservative: anything :mod:`ipaddress` does not call global is refused, and multicast is
    refused although some of it is "global".
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0] if isinstance(address, str) else address)
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            category = address_category(inner)
            return f"{category} (IPv4 inside IPv6)" if category else None
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT (100.64.0.0/10)"
    if isinstance(ip, ipaddress.IPv6Address) and ip in ipaddress.IPv6Network("fc00::/7"):
        return "private (IPv6 unique local)"
    if ip.is_private:
        return "private"
    if ip.is_reserved:
        return "reserved"
    if not ip.is_global:
        return "non-public"
    return None


def is_public_address(address: str | IPAddress) -> bool:
    """True when the address may be fetched whatever the settings say."""
    return address_category(address) is None


def check_address(address: str, *, host: str, url: str | None = None, policy: NetPolicy = STRICT) -> None:
    """Raise :class:`ForbiddenAddressError` unless ``policy`` allows fetching from ``address``."""
    if policy.allow_private:
        return
    category = address_category(address)
    if category is None:
        return
    if policy.allows(ipaddress.ip_address(address.split("%", 1)[0])):
        return
    article = "an" if category[0] in "aeiou" else "a"
    if _canonical_ip(host) is not None:
        what = f"the URL's host {address} is {article} {category} address"
    else:
        what = f"the URL's host {host} resolves to {article} {category} address ({address})"
    raise ForbiddenAddressError(
        f"{what}, which the pipeline does not fetch; set {ALLOW_PRIVATE_ENV}=1 to allow it",
        detail=redact_url(url) if url else None,
    )


# -- URLs ------------------------------------------------------------------------------------------


def _host_and_port(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidUrlError(f"malformed URL: {redact_url(url)}") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        shown = f"'{scheme}'" if scheme else "none"
        raise InvalidUrlError(f"refusing to fetch a URL with scheme {shown}: only http and https are fetched")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise InvalidUrlError(f"the URL has no host name: {redact_url(url)}")
    return host, port or (443 if scheme == "https" else 80)


#: An IPv4 address as ``inet_aton`` (and so the resolver, curl, ffmpeg) and the WHATWG URL
#: standard read it: one to four parts, each decimal, octal (``0177``) or hex (``0x7f``), the last
#: filling the remaining bytes: ``127.1``, ``0x7f.1``, ``2130706433`` and ``0177.0.0.1`` are all
#: 127.0.0.1.
_LOOSE_IPV4 = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$")


def _canonical_ip(host: str) -> str | None:
    """``host`` as an address when it is written the one way Python reads (``127.0.0.1``, ``::1``)."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        return None


def _literal_ip(host: str) -> str | None:
    """The address ``host`` is written as, however spelled (None: a name to resolve)."""
    canonical = _canonical_ip(host)
    if canonical is not None:
        return canonical
    if _LOOSE_IPV4.match(host):
        try:
            return socket.inet_ntoa(socket.inet_aton(host))
        except OSError:  # a part too large: no address, and nothing a resolver would connect to
            return None
    return None


def _check_static(host: str, url: str, policy: NetPolicy) -> bool:
    """Checks that need no DNS; True when nothing more needs checking (an IP literal)."""
    if policy.allow_private:
        return True
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        check_address("127.0.0.1", host=host, url=url, policy=policy)
    literal = _literal_ip(host)
    if literal is not None:
        check_address(literal, host=host, url=url, policy=policy)
        return True
    return False


def static_refusal(url: str, policy: NetPolicy = STRICT) -> str | None:
    """Why the guard would refuse ``url`` whatever DNS says (an IP literal, ``localhost``), or None.

    Judged as production judges it (private networks refused, ``policy``'s allowed addresses
    honoured), so ``vsl add`` can warn that the running app will refuse the URL.
    """
    try:
        host, _port = _host_and_port(url)
        _check_static(host, url, policy.strict)
    except (ForbiddenAddressError, InvalidUrlError) as exc:
        return exc.reason
    return None


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnresolvableHostError(f"the host name {host} does not resolve", detail=str(exc)) from None
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(url: str, *, policy: NetPolicy = STRICT) -> None:
    """Refuse ``url`` unless it is http(s) and *every* address its host resolves to is allowed.

    Raises :class:`InvalidUrlError` (scheme, no host), :class:`ForbiddenAddressError` (a
    forbidden address) or :class:`UnresolvableHostError` (DNS failed: we cannot vouch for it, and
    the program that fetches it next would resolve again).  Reasons never include the query.
    """
    host, port = _host_and_port(url)
    if _check_static(host, url, policy):
        return
    for address in resolve_host(host, port):
        check_address(address, host=host, url=url, policy=policy)


def check_urls(urls: Iterable[str], *, policy: NetPolicy = STRICT) -> None:
    """:func:`check_url` for many URLs, resolving each distinct host and port once."""
    seen: set[tuple[str, str, int]] = set()
    for url in urls:
        host, port = _host_and_port(url)
        scheme = urlsplit(url).scheme.lower()
        if (scheme, host, port) in seen:
            continue
        seen.add((scheme, host, port))
        check_url(url, policy=policy)


# -- httpx integration -----------------------------------------------------------------------------


def _vet(host: str, port: int, addresses: list[str], policy: NetPolicy) -> list[str]:
    for address in addresses:
        check_address(address, host=host, url=f"http://{host}:{port}/", policy=policy)
    return addresses


def _check_peer(stream: Any, host: str, policy: NetPolicy) -> None:
    """Re-check the address the socket really reached (a second line behind pinning)."""
    peer = stream.get_extra_info("server_addr")
    if isinstance(peer, tuple) and peer:
        check_address(str(peer[0]), host=host, policy=policy)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves, vets every address, then connects to a vetted one: no rebinding window."""

    def __init__(self, inner: httpcore.NetworkBackend, policy: NetPolicy) -> None:
        self._inner = inner
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        connect = functools.partial(
            self._inner.connect_tcp,
            port=port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        if self._policy.allow_private:
            return connect(host=host)
        try:
            addresses = _vet(host, port, resolve_host(host, port), self._policy)
        except UnresolvableHostError as exc:
            raise httpcore.ConnectError(f"{exc.reason}: name resolution failed ({exc.detail})") from None
        last: Exception | None = None
        for address in addresses:
            try:
                stream = connect(host=address)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            try:
                _check_peer(stream, host, self._policy)
            except BaseException:
                stream.close()
                raise
            return stream
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise ForbiddenAddressError("the pipeline does not fetch over Unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    """The async twin of :class:`_GuardedBackend`; DNS runs in a worker thread."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, policy: NetPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        import anyio

        connect = functools.partial(
            self._inner.connect_tcp,
            port=port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        if self._policy.allow_private:
            return await connect(host=host)
        try:
            with anyio.fail_after(timeout):
                resolved = await anyio.to_thread.run_sync(resolve_host, host, port, abandon_on_cancel=True)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"name resolution of {host} timed out") from None
        except UnresolvableHostError as exc:
            raise httpcore.ConnectError(f"{exc.reason}: name resolution failed ({exc.detail})") from None
        addresses = _vet(host, port, resolved, self._policy)
        last: Exception | None = None
        for address in addresses:
            try:
                stream = await connect(host=address)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            try:
                _check_peer(stream, host, self._policy)
            except BaseException:
                await stream.aclose()
                raise
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise ForbiddenAddressError("the pipeline does not fetch over Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _guard_pool(transport: object, policy: NetPolicy) -> bool:
    """Swap the connection pool's network backend for the guarded one; False if not possible.

    httpx does not expose httpcore's ``network_backend`` argument, so this sets the pool's
    ``_network_backend`` (httpcore 1.0: read when each new connection is created).  Proxy pools
    are left alone: they connect to the configured proxy, not to the URL's host.
    """
    pool = getattr(transport, "_pool", None)
    if pool is None or isinstance(pool, httpcore.HTTPProxy | httpcore.AsyncHTTPProxy):
        return False
    if type(pool) is httpcore.ConnectionPool:
        if not isinstance(pool._network_backend, _GuardedBackend):
            pool._network_backend = _GuardedBackend(pool._network_backend, policy)
        return True
    if type(pool) is httpcore.AsyncConnectionPool:
        if not isinstance(pool._network_backend, _AsyncGuardedBackend):
            pool._network_backend = _AsyncGuardedBackend(pool._network_backend, policy)
        return True
    return False


def guarded_transport(policy: NetPolicy = STRICT, **kwargs: Any) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` (same arguments) whose every connection is vetted and pinned."""
    transport = httpx.HTTPTransport(**kwargs)
    _guard_pool(transport, policy)
    return transport


def guarded_async_transport(policy: NetPolicy = STRICT, **kwargs: Any) -> httpx.AsyncHTTPTransport:
    """An ``httpx.AsyncHTTPTransport`` whose every connection is vetted and pinned."""
    transport = httpx.AsyncHTTPTransport(**kwargs)
    _guard_pool(transport, policy)
    return transport


def _proxied(url: str) -> bool:
    """Whether httpx (trusting the environment) sends ``url`` through an HTTP(S)_PROXY."""
    proxies = urllib.request.getproxies()
    if not proxies:
        return False
    parts = urlsplit(url)
    if not (proxies.get(parts.scheme.lower()) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def _prechecker(policy: NetPolicy) -> Callable[[httpx.Request], None]:
    """Event hook: refuse other schemes and literal forbidden hosts before any connection.

    Runs for the first request and for every redirect hop httpx follows.  Host names are
    resolved and checked by the transport, at connection time; through an HTTP(S)_PROXY the
    transport connects to the proxy instead, so the host is resolved and checked here (the proxy
    resolves it again: it should enforce the same egress policy).
    """

    def precheck(request: httpx.Request) -> None:
        url = str(request.url)
        host, _port = _host_and_port(url)
        if not _check_static(host, url, policy) and _proxied(url):
            check_url(url, policy=policy)

    precheck.vsl_guard = True  # type: ignore[attr-defined]
    return precheck


def _async_prechecker(policy: NetPolicy) -> Callable[[httpx.Request], Any]:
    check = _prechecker(policy)

    async def precheck(request: httpx.Request) -> None:
        check(request)

    precheck.vsl_guard = True  # type: ignore[attr-defined]
    return precheck


def guard_client_kwargs(
    policy: NetPolicy = STRICT, *, limits: httpx.Limits | None = None, **transport_kwargs: Any
) -> dict[str, Any]:
    """``httpx.Client(**guard_client_kwargs(policy), ...)``: the guarded transport and the URL hook.

    ``limits`` goes to the transport because httpx ignores a client's ``limits`` when a
    transport is given.
    """
    if limits is not None:
        transport_kwargs["limits"] = limits
    return {
        "transport": guarded_transport(policy, **transport_kwargs),
        "event_hooks": {"request": [_prechecker(policy)]},
    }


def guard_async_client_kwargs(
    policy: NetPolicy = STRICT, *, limits: httpx.Limits | None = None, **transport_kwargs: Any
) -> dict[str, Any]:
    """``httpx.AsyncClient(**guard_async_client_kwargs(policy), ...)``."""
    if limits is not None:
        transport_kwargs["limits"] = limits
    return {
        "transport": guarded_async_transport(policy, **transport_kwargs),
        "event_hooks": {"request": [_async_prechecker(policy)]},
    }


def install_guard(client: httpx.Client | httpx.AsyncClient, policy: NetPolicy = STRICT) -> bool:
    """Guard a client someone else built (idempotent); False when its transport cannot be guarded.

    The URL hook is always added; connection-level vetting needs httpx's own transport (a
    ``MockTransport`` in tests opens no connections, so there is nothing to vet).
    """
    hooks = client.event_hooks
    if not any(getattr(h, "vsl_guard", False) for h in hooks["request"]):
        hook: Callable[..., Any] = (
            _async_prechecker(policy) if isinstance(client, httpx.AsyncClient) else _prechecker(policy)
        )
        client.event_hooks = {**hooks, "request": [hook, *hooks["request"]]}
    transport = getattr(client, "_transport", None)
    return _guard_pool(transport, policy)


# -- libraries with their own HTTP stack (yt-dlp) ---------------------------------------------------


class RefusedResolution(OSError):
    """What a guarded ``getaddrinfo`` raises: libraries treat it as a failed connection."""

    def __init__(self, refusal: ForbiddenAddressError) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


_guard_state = threading.local()
_install_lock = threading.Lock()
_original_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    results = _original_getaddrinfo(host, port, *args, **kwargs)
    refused: list[ForbiddenAddressError] | None = getattr(_guard_state, "refused", None)
    policy: NetPolicy = getattr(_guard_state, "policy", STRICT)
    if refused is None or policy.allow_private:
        return results
    name = host.decode() if isinstance(host, bytes) else str(host)
    for *_rest, sockaddr in results:
        try:
            check_address(str(sockaddr[0]), host=name.rstrip(".").lower(), policy=policy)
        except ForbiddenAddressError as exc:
            refused.append(exc)
            raise RefusedResolution(exc) from None
    return results


@contextlib.contextmanager
def guarded_resolution(policy: NetPolicy = STRICT) -> Iterator[list[ForbiddenAddressError]]:
    """While active, every host name resolved *on this thread* must resolve to addresses ``policy`` allows.

    Yields the list of refusals, so the caller can report the guard's reason instead of the
    library's generic "connection failed".  Other threads are not affected.
    """
    with _install_lock:
        if socket.getaddrinfo is not _guarded_getaddrinfo:
            socket.getaddrinfo = _guarded_getaddrinfo
    previous = getattr(_guard_state, "refused", None), getattr(_guard_state, "policy", STRICT)
    refused: list[ForbiddenAddressError] = []
    _guard_state.refused, _guard_state.policy = refused, policy
    try:
        yield refused
    finally:
        _guard_state.refused, _guard_state.policy = previous
