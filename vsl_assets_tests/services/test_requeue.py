"""Queueing one VSL again, the use case under the API's and the pages' Retry and "Transcribe again"."""

from __future__ import annotations

from vsl_assets.db import Url, repo
from vsl_assets.db.models import UrlStatus
from vsl_assets.net.guard import STRICT
from vsl_assets.services import intake, requeue
from vsl_assets_tests.services.conftest import Env


def _one_failed(env: Env) -> str:
    with env.sessions() as s:
        intake.add_urls(s, ["https://cdn.example.com/r/main.m3u8"], partitions=env.partitions, net=STRICT)
    with env.sessions() as s:
        [url] = s.query(Url).all()
        url.status = UrlStatus.FAILED.value
        return url.partition_key


def test_requeue_sends_a_known_vsl_back_to_the_sensor_and_says_none_for_an_unknown_one(env: Env) -> None:
    key = _one_failed(env)
    with env.sessions() as s:
        done = requeue.requeue_one(s, key)
        assert requeue.requeue_one(s, "nosuchkey") is None
    assert done is not None and done.queued and done.partition_key == key
    with env.sessions() as s:
        assert repo.get_url(s, key).status == UrlStatus.PENDING_INGEST.value  # type: ignore[union-attr]


def test_retranscribe_keeps_the_language_and_a_blank_model_keeps_the_urls_own(env: Env) -> None:
    key = _one_failed(env)
    with env.sessions() as s:
        repo.get_url(s, key).transcribe_model = "small"  # type: ignore[union-attr]
    with env.sessions() as s:
        done = requeue.retranscribe_one(s, key, "es", "  ")
        assert requeue.retranscribe_one(s, "nosuchkey", "es", None) is None
    assert done is not None and done.queued
    with env.sessions() as s:
        url = repo.get_url(s, key)
        assert url is not None
        assert (url.language, url.transcribe_model, url.redo_from) == ("es", "small", "transcript")
