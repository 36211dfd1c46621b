"""Adding URLs, once for every front end: validation, de-duplication, partitions, refused addresses."""

from __future__ import annotations

from sqlalchemy import select

from vsl_assets.db import Url
from vsl_assets.net.guard import STRICT, NetPolicy
from vsl_assets.services import intake
from vsl_assets.settings import DEFAULT_URL_TRACKING_PARAMS as TRACKING
from vsl_assets_tests.services.conftest import Env


def test_valid_urls_are_stored_once_and_their_partitions_made_after_the_commit(env: Env) -> None:
    raw = [
        "https://cdn.example.com/a/main.m3u8",
        "javascript:alert(1)",
        "example.com/b.m3u8",
        "HTTPS://CDN.example.com/a/main.m3u8",
    ]
    with env.sessions() as s:
        report = intake.add_urls(s, raw, partitions=env.partitions, net=STRICT)
    with env.sessions() as s:
        rows = {u.partition_key: (u.url, u.status) for u in s.scalars(select(Url))}
    assert sorted(rows.values()) == [
        ("https://cdn.example.com/a/main.m3u8", "pending_ingest"),
        ("https://example.com/b.m3u8", "pending_ingest"),
    ]
    assert [i.error for i in report.items][
        1
    ] == "unsupported URL scheme 'javascript': only http and https URLs can be added"
    assert [i.added for i in report.items] == [True, False, True, False]  # the repeat is not "added" twice
    assert (report.added, report.known, report.invalid) == (2, 1, 1)
    assert env.partitions.registered == report.keys and set(report.keys) == set(rows)
    assert env.partitions.orphans == []
    assert report.notes == []


def test_known_urls_are_reported_with_their_status_not_added_again(env: Env) -> None:
    with env.sessions() as s:
        intake.add_urls(s, ["https://example.com/v"], partitions=env.partitions, net=STRICT)
    with env.sessions() as s:
        again = intake.add_urls(s, ["https://example.com/v"], partitions=env.partitions, net=STRICT)
    [item] = again.items
    assert (item.added, item.status, again.known) == (False, "pending_ingest", 1)


def test_a_private_address_is_stored_with_a_warning_unless_the_app_allows_them(env: Env) -> None:
    with env.sessions() as s:
        warned = intake.add_urls(s, ["http://127.0.0.1:8080/v.m3u8"], partitions=env.partitions, net=STRICT)
    [item] = warned.items
    assert item.partition_key is not None and item.warning is not None and "127.0.0.1" in item.warning
    assert "VSL_ALLOW_PRIVATE_NETWORKS=1" in intake.refusal_note(item)
    with env.sessions() as s:
        allowed = intake.add_urls(
            s, ["http://127.0.0.1:8080/v.m3u8"], partitions=env.partitions, net=NetPolicy(allow_private=True)
        )
    assert allowed.items[0].warning is None


def test_without_a_partition_port_the_url_waits_for_the_sensor_and_says_so(env: Env) -> None:
    with env.sessions() as s:
        report = intake.add_urls(s, ["https://example.com/v"], partitions=None, net=STRICT)
    assert report.notes == [intake.NO_PARTITIONS_NOTE]
    assert len(report.keys) == 1


def test_nothing_valid_stores_nothing_and_registers_nothing(env: Env) -> None:
    with env.sessions() as s:
        report = intake.add_urls(s, ["ftp://x.example/a", "   "], partitions=env.partitions, net=STRICT)
    assert report.accepted == [] and report.invalid == 2 and env.partitions.registered == []
    assert report.notes == []
    with env.sessions() as s:
        assert s.scalars(select(Url)).all() == []


def test_tracking_parameters_are_dropped_before_the_key_and_content_parameters_kept(env: Env) -> None:
    raw = [
        "https://oferta.example.com/vsl?v=2",
        "https://oferta.example.com/vsl?utm_source=fb&utm_campaign=frio&v=2",
        "https://oferta.example.com/vsl?v=2&fbclid=IwAR0abc&gclid=Cj0K&UTM_Medium=cpc#video",
        "https://oferta.example.com/vsl?v=3&gbraid=0AAA&msclkid=9f&ttclid=E.C.P",
        "https://oferta.example.com/vsl?v=2&ref=parceiro7",
    ]
    with env.sessions() as s:
        report = intake.add_urls(s, raw, partitions=env.partitions, net=STRICT, tracking=TRACKING)
    keys = [i.partition_key for i in report.items]
    assert keys[0] == keys[1] == keys[2]  # one VSL: the same page with and without tracking
    assert len(set(keys)) == 3  # v=3 is another page; ref= is kept (it can select a variant)
    assert [i.url for i in report.items][:4] == [
        "https://oferta.example.com/vsl?v=2",
        "https://oferta.example.com/vsl?v=2",
        "https://oferta.example.com/vsl?v=2",
        "https://oferta.example.com/vsl?v=3",
    ]
    assert report.items[4].url == "https://oferta.example.com/vsl?ref=parceiro7&v=2"
    assert (report.added, report.known) == (3, 2)


def test_the_list_is_the_setting_and_empty_keeps_every_parameter(env: Env) -> None:
    with env.sessions() as s:
        only_utm = intake.add_urls(
            s,
            ["https://a.example.com/p?utm_source=x&fbclid=1"],
            partitions=None,
            net=STRICT,
            tracking="utm_*",
        )
        kept = intake.add_urls(s, ["https://b.example.com/p?utm_source=x"], partitions=None, net=STRICT, tracking="")
    assert only_utm.items[0].url == "https://a.example.com/p?fbclid=1"
    assert kept.items[0].url == "https://b.example.com/p?utm_source=x"


def test_a_url_stored_before_tracking_was_dropped_keeps_its_key(env: Env) -> None:
    """Rows keyed from the whole URL (before this change) are found again, not duplicated."""
    old = "https://oferta.example.com/vsl?utm_source=fb&v=2"
    with env.sessions() as s:  # as the old intake stored it: nothing dropped
        before = intake.add_urls(s, [old], partitions=None, net=STRICT, tracking="")
    [old_key] = before.keys
    with env.sessions() as s:
        again = intake.add_urls(s, [old], partitions=None, net=STRICT, tracking=TRACKING)
    assert again.keys == [old_key] and again.added == 0
    with env.sessions() as s:
        assert len(s.scalars(select(Url)).all()) == 1
    # Another tracking value makes the canonical row (its stream is then found to be the same video).
    with env.sessions() as s:
        other = intake.add_urls(
            s,
            ["https://oferta.example.com/vsl?utm_source=ig&v=2"],
            partitions=None,
            net=STRICT,
            tracking=TRACKING,
        )
    assert other.added == 1 and other.keys != [old_key]
    assert other.items[0].url == "https://oferta.example.com/vsl?v=2"
    # Once the canonical row exists, the old URL is that row too.
    with env.sessions() as s:
        third = intake.add_urls(s, [old], partitions=None, net=STRICT, tracking=TRACKING)
    assert third.keys == other.keys


def test_each_item_is_the_apis_added_url_as_it_is(env: Env) -> None:
    # One definition of an added URL: what intake reports is what POST /api/urls answers, field for field.
    from vsl_assets.services.schemas import AddedUrl, AddUrlsResponse

    with env.sessions() as s:
        report = intake.add_urls(s, ["https://example.com/v", "ftp://x"], partitions=env.partitions, net=STRICT)
    assert all(isinstance(item, AddedUrl) for item in report.items)
    answer = AddUrlsResponse(results=report.items, added=report.added, known=report.known, invalid=report.invalid)
    assert answer.model_dump()["results"] == [
        {
            "url": "https://example.com/v",
            "partition_key": report.keys[0],
            "status": "pending_ingest",
            "added": True,
            "error": None,
            "warning": None,
        },
        {
            "url": "ftp://x",
            "partition_key": None,
            "status": None,
            "added": False,
            "error": "unsupported URL scheme 'ftp': only http and https URLs can be added",
            "warning": None,
        },
    ]
