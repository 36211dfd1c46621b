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
