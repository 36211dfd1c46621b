import pytest

from vsl_assets.errors import InvalidUrlError
from vsl_assets.net.urls import normalize_url, page_address, partition_key_for, redact_url
from vsl_assets.storage import validate_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://CDN.Example.com/v/main.m3u8", "https://cdn.example.com/v/main.m3u8"),
        ("https://cdn.example.com:443/v/main.m3u8#t=10", "https://cdn.example.com/v/main.m3u8"),
        ("  https://cdn.example.com/v/main.m3u8?b=2&a=1 ", "https://cdn.example.com/v/main.m3u8?a=1&b=2"),
        ("http://cdn.example.com:80/x", "http://cdn.example.com/x"),
        ("https://cdn.example.com", "https://cdn.example.com/"),
    ],
)
def test_equivalent_urls_have_one_key(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)
    assert partition_key_for(normalize_url(a)) == partition_key_for(normalize_url(b))


def test_key_is_short_stable_readable_and_path_safe() -> None:
    key = partition_key_for(normalize_url("https://www.Minha-Oferta.com.br/vsl/index.m3u8?token=abc"))
    assert key == partition_key_for("https://www.minha-oferta.com.br/vsl/index.m3u8?token=abc")
    assert key.startswith("minha-oferta-com-br-")
    assert len(key) <= 40
    assert validate_key(key) == key
    other = partition_key_for(normalize_url("https://www.minha-oferta.com.br/vsl/index.m3u8?token=abd"))
    assert other != key


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty URL"),
        ("ftp://example.com/a.m3u8", "unsupported URL scheme 'ftp'"),
        ("file:///etc/passwd", "unsupported URL scheme 'file'"),
        ("concat:http://a/b|http://c/d", "unsupported URL scheme 'concat'"),
        ("https:///nohost.m3u8", "no host"),
        ("https://user:pw@example.com/a.m3u8", "embedded credentials"),
        ("https://exa mple.com/a.m3u8", "whitespace"),
        ("https://example.com:99999/a.m3u8", "malformed URL"),
        ("https://" + "a" * 5000 + ".com/", "longer than"),
        ("https://exa_mple!.com/a", "invalid host name"),
        # trial 19: read as https, these named the host "http" or held an empty label, and were
        # stored, queued and failed later with "could not connect to the page host http"
        ("http//cdn.example.com/a.m3u8", "http// or https// without the colon"),
        ("HTTPS//cdn.example.com/a.m3u8", "http// or https// without the colon"),
        ("https://example..com/a.m3u8", "invalid host name 'example..com'"),
        ("https://." + "example.com/a", "invalid host name"),
        ("https://" + "a" * 64 + ".example.com/a", "invalid host name"),
    ],
)
def test_invalid_urls_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidUrlError) as info:
        normalize_url(raw)
    assert reason in info.value.reason


def test_redact_url_hides_tokens() -> None:
    shown = redact_url("https://cdn.example.com/v/main.m3u8?token=SECRET123&exp=1")
    assert "SECRET123" not in shown
    assert shown.startswith("https://cdn.example.com/v/main.m3u8")


@pytest.mark.parametrize("key", ["../etc", "a/b", ".hidden", "", "A-UPPER", "x" * 65])
def test_storage_refuses_keys_that_could_escape(key: str) -> None:
    with pytest.raises(ValueError):
        validate_key(key)


@pytest.mark.parametrize(
    ("pasted", "read_as"),
    [
        ("example.com/video.m3u8", "https://example.com/video.m3u8"),
        ("www.minhaoferta.com.br/vsl", "https://www.minhaoferta.com.br/vsl"),
        ("//cdn.example.com/a/main.m3u8", "https://cdn.example.com/a/main.m3u8"),
        ("cdn.example.com:8443/a.m3u8", "https://cdn.example.com:8443/a.m3u8"),
    ],
)
def test_urls_pasted_without_a_scheme_are_read_as_https(pasted: str, read_as: str) -> None:
    assert normalize_url(pasted) == read_as


@pytest.mark.parametrize("pasted", ["javascript:alert(1)", "mailto:ana@example.com", "data:text/html,x"])
def test_other_schemes_are_not_mistaken_for_hosts(pasted: str) -> None:
    with pytest.raises(InvalidUrlError, match="unsupported URL scheme"):
        normalize_url(pasted)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.oferta.example.com/vsl/", "http://oferta.example.com/vsl", True),  # scheme, www., slash
        ("https://Oferta.Example.com./vsl#video", "https://oferta.example.com/vsl", True),  # case, dot, fragment
        ("https://oferta.example.com:443/vsl?b=2&a=1", "https://oferta.example.com/vsl?a=1&b=2", True),
        ("https://oferta.example.com/vsl?p=12", "https://oferta.example.com/vsl?p=13", False),  # two pages
        ("https://oferta.example.com:8443/vsl", "https://oferta.example.com/vsl", False),  # another server
        ("https://oferta.example.com/vsl", "https://oferta.example.com/vsl2", False),
    ],
)
def test_page_address_is_the_key_rules_then_looser(a: str, b: str, same: bool) -> None:
    """One page to a person (compare's "versions of one VSL"): what makes two URLs one key, then
    neither scheme, ``www.`` nor a trailing slash; a port stays (the old rule dropped it)."""
    assert (page_address(a) == page_address(b)) is same
    assert page_address(normalize_url(a)) == page_address(a)
