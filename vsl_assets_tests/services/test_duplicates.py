"""Duplicates by stream (issue 27, item 9): two pages that play the same video are one VSL; the
later becomes the first's alias at the ``source_page`` step, before anything is downloaded."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from vsl_assets.db import Job, Source, Url, Video, repo
from vsl_assets.services import intake
from vsl_assets.services.steps import StepInputs, StepResources, run_source
from vsl_assets.settings import DEFAULT_URL_TRACKING_PARAMS
from vsl_assets.storage.objectstore import store_for
from vsl_assets_tests.conftest import run_partition
from vsl_assets_tests.loopback import LOOPBACK
from vsl_assets_tests.services.conftest import Env

PAGE = """<!doctype html><html><head><title>{title}</title></head>
<body><h1>{title}</h1><video controls src="{stream}"></video></body></html>"""


def _page(server, path: str, title: str, stream: str) -> str:
    server.add_route(path, PAGE.format(title=title, stream=stream).encode(), "text/html; charset=utf-8")
    return server.url(path)


def _resources(env: Env) -> StepResources:
    media = SimpleNamespace(max_page_bytes=5 * 1024 * 1024, max_page_scripts=40, net_policy=LOOPBACK)
    return StepResources(sessions=env.sessions, layout=env.layout, store=store_for(env.settings), media=media)  # type: ignore[arg-type]


def _resolve(env: Env, key: str):
    with env.sessions() as s:
        url = repo.require_url(s, key)
        inputs = StepInputs(key, url.url, url.id)
    return run_source(inputs, _resources(env))


def test_a_second_page_with_the_same_video_becomes_the_firsts_alias(env: Env, media_server) -> None:
    stream = media_server.url("/good/index.m3u8")
    first_page = _page(media_server, "/oferta-a/", "Método A", stream)
    # The same video, pasted from another page, its stream URL with a tracking parameter on it.
    second_page = _page(media_server, "/oferta-b/", "Método B", stream + "?utm_source=fb")
    other_page = _page(media_server, "/outra/", "Outro", media_server.url("/good2/index.m3u8"))
    with env.sessions() as s:
        first, second, other = intake.add_urls(
            s,
            [first_page, second_page, other_page],
            partitions=None,
            net=LOOPBACK,
            tracking=DEFAULT_URL_TRACKING_PARAMS,
        ).keys
    a = _resolve(env, first)
    assert a.alias_of is None and a.done_status is None
    b = _resolve(env, second)
    assert b.alias_of == first and b.done_status == "alias"
    c = _resolve(env, other)
    assert c.alias_of is None  # another video is another VSL
    with env.sessions() as s:
        rows = {u.partition_key: u for u in s.scalars(select(Url))}
        assert rows[second].alias_of == rows[first].id and rows[other].alias_of is None
        sources = {u.partition_key: s.scalar(select(Source).where(Source.url_id == u.id)) for u in rows.values()}
        assert sources[first].stream_key == sources[second].stream_key != sources[other].stream_key
        assert sources[second].title == "Método B"  # what the alias's page showed is kept
    # A third page with the same video is an alias of the first, never of an alias.
    third_page = _page(media_server, "/oferta-c/", "Método C", stream)
    with env.sessions() as s:
        [third] = intake.add_urls(
            s, [third_page], partitions=None, net=LOOPBACK, tracking=DEFAULT_URL_TRACKING_PARAMS
        ).keys
    assert _resolve(env, third).alias_of == first
    assert not env.layout.video_path(second).exists()  # nothing downloaded for the alias
    # A URL already processed (its video stored: a forced re-run) is never turned into an alias.
    with env.sessions() as s:
        [done] = intake.add_urls(
            s, [_page(media_server, "/oferta-d/", "D", stream)], partitions=None, net=LOOPBACK
        ).keys
        s.add(Video(url_id=repo.require_url(s, done).id, path="v.mp4", size_bytes=1, duration_s=1.0))
    assert _resolve(env, done).alias_of is None
    with env.sessions() as s:
        assert repo.delete_url(s, done)
    # Removing the VSL queues its aliases again (the first to resolve takes its place).
    with env.sessions() as s:
        assert repo.delete_url(s, first)
    with env.sessions() as s:
        left = {u.partition_key: (u.status, u.alias_of) for u in s.scalars(select(Url))}
    assert left[second] == left[third] == ("pending_ingest", None)
    assert _resolve(env, second).alias_of is None
    assert _resolve(env, third).alias_of == second


@pytest.mark.slow
def test_the_pipeline_stops_at_the_alias_and_marks_it(env: Env, instance, media_server) -> None:
    """Through Dagster, as `vsl process` and the daemon run it: the alias's run succeeds, only
    ``source_page`` ran (nothing downloaded, transcribed or analysed), the URL's status is alias."""
    stream = media_server.url("/good/index.m3u8")
    with env.sessions() as s:
        first, second = intake.add_urls(
            s,
            [_page(media_server, "/a/", "A", stream), _page(media_server, "/b/", "B", stream)],
            partitions=None,
            net=LOOPBACK,
            tracking=DEFAULT_URL_TRACKING_PARAMS,
        ).keys
    _resolve(env, first)
    result = run_partition(instance, second)
    assert result.success
    materialized = [e.asset_key.path[-1] for e in result.get_asset_materialization_events()]
    assert materialized == []  # source_page returned no materialization: everything below was skipped
    with env.sessions() as s:
        url = repo.require_url(s, second)
        assert (url.status, url.reason) == ("alias", None)
        assert [j.step for j in s.scalars(select(Job).where(Job.url_id == url.id))] == ["source_page"]
    assert not env.layout.video_path(second).exists()
    assert not env.layout.transcript_path(second, "txt").exists()
