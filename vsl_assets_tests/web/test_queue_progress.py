"""The queue's stage, percent, ETA, place in line and stalled flag, from the job rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from vsl_assets import progress
from vsl_assets.db import repo
from vsl_assets.db.models import Audio, Job, Url
from vsl_assets_tests.web.conftest import Web
from vsl_assets_tests.web.seed import Fake, seed


def _url(s, key: str) -> Url:
    return s.scalar(select(Url).where(Url.partition_key == key))


def test_queue_shows_percent_eta_place_in_line_and_a_stalled_run(sqlite_web: Web) -> None:
    web = sqlite_web
    csrf = web.login()
    now = datetime.now(UTC)
    with web.session() as s:
        keys = {
            name: seed(s, web.layout, Fake(f"https://{name}.example.com/v", status=status))
            for name, status in (("running", "transcribing"), ("waiting", "downloaded"), ("dead", "transcribing"))
        }
        later = seed(s, web.layout, Fake("https://later.example.com/v", status="queued"))  # in line after "waiting"
        # A past transcription measured here: 30 s of work for 60 s of audio (real-time factor 0.5).
        done = seed(s, web.layout, Fake("https://done.example.com/v"))
        s.add(Audio(url_id=_url(s, done).id, path="a", size_bytes=1, duration_s=60.0, codec="opus"))
        s.add(
            Job(
                url_id=_url(s, done).id,
                step="transcript",
                outcome="succeeded",
                started_at=now - timedelta(minutes=10),
                finished_at=now - timedelta(minutes=10) + timedelta(seconds=30),
            )
        )
        running = Job(url_id=_url(s, keys["running"]).id, step="transcript", outcome="running", heartbeat_at=now)
        s.add(running)
        s.add(Audio(url_id=_url(s, keys["waiting"]).id, path="b", size_bytes=1, duration_s=600.0, codec="opus"))
        s.add(
            Job(
                url_id=_url(s, keys["dead"]).id,
                step="transcript",
                outcome="running",
                started_at=now - timedelta(minutes=10),
                heartbeat_at=now - timedelta(minutes=5),
            )
        )
        s.flush()
        repo.set_job_progress(s, running.id, 0.4, 120.0)
        repo.set_job_progress(s, running.id, 0.3, 130.0)  # a late, smaller report
        assert running.progress == 0.4  # never goes back
        assert progress.measured_rtf(s) == 0.5
    html = web.client.get("/queue").text
    rows = {k: html.split(f'data-poll-key="{k}"')[1].split("</tr>")[0] for k in keys.values()}
    assert 'data-percent="40.0"' in rows[keys["running"]] and 'class="eta"' in rows[keys["running"]]
    assert "data-stalled" not in rows[keys["running"]]
    assert 'data-stalled="1"' in rows[keys["dead"]]
    waiting = rows[keys["waiting"]]
    assert 'data-stage="2"' in waiting
    # Said as words, not bare numbers ("0/5 1 na frente" read as one cramped figure: a new user's trial).
    assert ">Step 2/5</span>" in waiting and "data-ahead" not in waiting  # first in line
    behind = html.split(f'data-poll-key="{later}"')[1].split("</tr>")[0]
    assert '<span class="ahead" data-ahead="1">1 ahead in line</span>' in behind
    eta = datetime.fromisoformat(re.search(r'data-eta="([^"]+)"', waiting).group(1))
    # After the running transcription (~120 s left), 600 s of audio at the measured 0.5.
    assert timedelta(seconds=400) < eta - now < timedelta(seconds=440)
    # The Add page's rows (the batch these URLs were pasted in) carry the same estimate.
    urls = [f"https://{name}.example.com/v" for name in keys]
    add = web.client.post("/add", data={"urls": "\n".join(urls), "csrf_token": csrf}).text
    assert 'data-percent="40.0"' in add and 'data-stalled="1"' in add
