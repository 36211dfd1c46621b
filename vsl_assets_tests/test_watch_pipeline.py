"""The watch through Dagster: the real Definitions' job and schedule, the sensor queuing a new
version like a new URL, and the pipeline processing that version (real HLS, ffmpeg, Whisper)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import build_schedule_context
from sqlalchemy import select

from vsl_assets.db import BreakdownRow, Source, Url, UrlStatus, WatchPage
from vsl_assets.definitions import build_definitions
from vsl_assets.defs.resources import DatabaseResource
from vsl_assets.defs.sensors import plan_tick
from vsl_assets_tests.conftest import add_urls, db_session, heard, run_partition
from vsl_assets_tests.servers import MediaHTTPServer
from vsl_assets_tests.services.watch_support import PageHost, video_page


def _watch_run(instance: object):
    job = build_definitions().resolve_job_def("watch_pages")
    return job.execute_in_process(instance=instance, raise_on_error=True)


def _metadata(result) -> dict[str, object]:
    [output] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    return {k: v.value for k, v in output.event_specific_data.metadata.items()}


@pytest.mark.slow
def test_schedule_and_job_in_definitions_find_a_new_version_the_sensor_queues(vsl_env, instance, monkeypatch) -> None:
    monkeypatch.setenv("VSL_WATCH_HOST_INTERVAL_S", "0")
    defs = build_definitions()
    schedule = defs.resolve_schedule_def("watch_schedule")
    assert schedule.cron_schedule == "*/15 * * * *" and schedule.job_name == "watch_pages"
    db = DatabaseResource(url=vsl_env["VSL_DATABASE_URL"], worker_name="")

    def tick():
        with build_schedule_context(instance=instance, resources={"db": db}) as context:
            return schedule.evaluate_tick(context)

    assert not tick().run_requests  # nothing watched: no run
    with PageHost() as page, PageHost() as cdn:
        url = page.serve("/vsl/", video_page(cdn.url("/a/index.m3u8")))
        [key] = add_urls(url)
        [request] = tick().run_requests or []
        assert request.tags["vsl/watch_due"] == "1"
        first = _metadata(_watch_run(instance))
        assert (first["checked"], first["changed"], first["etag_hits"], first["failed"]) == (1, 0, 0, 0)
        page.serve("/vsl/", video_page(cdn.url("/b/index.m3u8")))
        with db_session() as s:  # due now (the schedule's interval is a day)
            s.execute(WatchPage.__table__.update().values(next_check_at=WatchPage.last_checked_at))
        second = _metadata(_watch_run(instance))
        assert (second["checked"], second["changed"]) == (1, 1)
        assert f"`{key}-v2`" in str(second["new_versions"]) and "new_version" in str(second["events"])
        assert cdn.seen == []
    # The new version is a pending URL with its partition: the existing sensor queues it.
    assert f"{key}-v2" in instance.get_dynamic_partitions("vsl_urls")
    assert not tick().run_requests  # checked a moment ago: due again in a day
    queued = plan_tick(instance, db, 100)
    assert {r.partition_key for r in queued.run_requests} == {key, f"{key}-v2"}
    # Once version 2 is analysed, the next tick runs to compare it (no page is due).
    with db_session() as s:
        for k in (key, f"{key}-v2"):
            url_id = s.scalar(select(Url.id).where(Url.partition_key == k))
            s.add(BreakdownRow(url_id=url_id, status="ok", engine="l", model="t", data={}))
    [request] = tick().run_requests or []
    assert request.tags["vsl/watch_due"] == "0" and request.tags["vsl/watch_waiting"] == "1"
    _watch_run(instance)
    assert not tick().run_requests


@pytest.mark.slow
def test_new_version_is_processed_from_the_stream_the_check_found(vsl_env, instance, media_root: Path) -> None:
    with MediaHTTPServer(media_root) as cdn, PageHost() as page:
        # A server-side A/B split: every other request gets the other video.
        url = page.serve("/ab/", video_page(cdn.url("/good/index.m3u8")), video_page(cdn.url("/good2/index.m3u8")))
        [key] = add_urls(url)
        _watch_run(instance)
        with db_session() as s:
            s.execute(WatchPage.__table__.update().values(next_check_at=WatchPage.last_checked_at))
        _watch_run(instance)
        assert not [p for _m, p in cdn.requests if p.endswith(".ts")]  # the checks downloaded nothing
        # The page now serves /good/ again; version 2 must still download /good2/.
        result = run_partition(instance, f"{key}-v2")
        assert result.success
    with db_session() as s:
        row = s.scalar(select(Url).where(Url.partition_key == f"{key}-v2"))
        assert row is not None and row.status == UrlStatus.ANALYZED
        source = s.scalar(select(Source).where(Source.url_id == row.id))
        assert source is not None and source.stream_url.endswith("/good2/index.m3u8")
    txt = Path(vsl_env["VSL_STORAGE_DIR"], "transcripts", f"{key}-v2.txt").read_text()
    assert heard(txt) >= 0.8
