"""A run's time limit follows the work it has left: its audio, the audio ahead of it, and a floor and ceiling."""

from __future__ import annotations

from vsl_assets.progress import run_time_limit_s, time_limit_s

LIMITS = {"factor": 4.0, "transcribe_floor_s": 600.0, "floor_s": 3600.0, "ceiling_s": 28800.0}


def test_unknown_audio_gets_the_ceiling_and_a_short_clip_the_floors() -> None:
    assert run_time_limit_s(None, 0.0, 1.0, **LIMITS) == 28800.0
    assert run_time_limit_s(0.0, 0.0, 1.0, **LIMITS) == 28800.0
    # 60 s of audio: the transcription's own floor (600 s) plus the run's (3600 s).
    assert run_time_limit_s(60.0, 0.0, 1.0, **LIMITS) == 3600.0 + 600.0


def test_it_grows_with_the_audio_the_measured_speed_and_the_queue_ahead() -> None:
    # 30 min at a real-time factor of 0.5: 4 x 0.5 x 1800 = 3600 s for the transcription.
    own = time_limit_s(1800.0, 0.5, 4.0, 600.0)
    assert own == 3600.0
    assert run_time_limit_s(1800.0, 0.0, 0.5, **LIMITS) == 3600.0 + own
    # Two 15-min VSLs hold or wait for the slot: their time at the same pace is added.
    assert run_time_limit_s(1800.0, 1800.0, 0.5, **LIMITS) == 3600.0 + own + 3600.0
    # Never past the ceiling: a 4-h VSL on a slow machine is capped, not given a day.
    assert run_time_limit_s(14400.0, 0.0, 1.0, **LIMITS) == 28800.0


def test_a_url_waiting_with_its_video_only_counts_its_length(vsl_env) -> None:
    """With the local engine in one run the audio is made beside the transcription, so a URL waiting
    for the slot has a video and no audio yet: its video's length is the audio ahead, and its ETA."""
    from datetime import UTC, datetime

    from vsl_assets.db import Audio, UrlStatus, Video, repo
    from vsl_assets.progress import audio_ahead_s, estimates
    from vsl_assets_tests.conftest import add_urls, db_session

    first, second, third = add_urls("https://a.example.com/v", "https://b.example.com/v", "https://c.example.com/v")
    with db_session() as s:
        urls = {k: repo.get_url(s, k) for k in (first, second, third)}
        for key, seconds in ((first, 300.0), (second, 120.0), (third, 60.0)):
            s.add(Video(url_id=urls[key].id, path="v", size_bytes=1, duration_s=seconds))
        s.add(Audio(url_id=urls[second].id, path="a", size_bytes=1, duration_s=118.0, codec="opus"))
        repo.set_status(s, [first, second], UrlStatus.DOWNLOADED)
        repo.set_status(s, [third], UrlStatus.DOWNLOADING)
    with db_session() as s:
        # Besides the third URL: the first's video (no audio) and the second's audio.
        assert audio_ahead_s(s, urls[third].id) == 300.0 + 118.0
        assert audio_ahead_s(s, urls[first].id) == 118.0
        rows = [repo.get_url(s, k) for k in (first, second, third)]
        now = datetime.now(UTC)
        found = estimates(s, rows, now)
    assert found[first].stage == 2 and found[first].eta_at is not None
    assert found[second].eta_at is not None and found[third].eta_at is not None
    # One after the other at the default speed (1.0): the third's ETA counts all three.
    waited = sorted((found[k].eta_at - now).total_seconds() for k in (first, second, third))
    assert abs(waited[-1] - (300.0 + 118.0 + 60.0)) < 1.0


def test_one_order_of_the_stages_serves_the_queue_and_the_steps() -> None:
    """The queue's stages (``STAGE_ORDER``) and the order a step never moves a URL back along
    (``services.steps.tracking.PROGRESS``) were two lists kept alike by hand: now one."""
    from vsl_assets import progress
    from vsl_assets.db import UrlStatus
    from vsl_assets.services.steps import tracking

    assert tracking.PROGRESS is progress.PROGRESS
    assert set(progress.STAGE_ORDER) == {s.value for s in progress.PROGRESS}
    stages = [progress.STAGE_ORDER[s.value] for s in progress.PROGRESS]
    assert stages == sorted(stages) and stages[0] == 0 and stages[-1] == progress.STAGE_COUNT == 5
    assert progress.STAGE_ORDER["queued"] == progress.STAGE_ORDER["pending_ingest"]
    assert progress.STAGE_ORDER["analyzing"] == progress.STAGE_ORDER["transcribed"] == 4
    assert tracking.further_on("analyzed", UrlStatus.TRANSCRIBING)
    assert not tracking.further_on("downloaded", UrlStatus.TRANSCRIBING)
    assert not tracking.further_on("failed", UrlStatus.DOWNLOADING)
