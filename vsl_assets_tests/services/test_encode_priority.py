"""The encode beside a transcription: lowered while the transcription runs, back to the run's
priority once it is over (a real ffmpeg, its real scheduling priority)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from types import SimpleNamespace

import pytest

import vsl_assets.services.steps.media as media_step
from vsl_assets.media.ffmpeg import run_ffmpeg
from vsl_assets.services.steps import StepInputs


def _can_raise_back(own: int) -> bool:
    """Root, or an ``RLIMIT_NICE`` that lets this process return to its own niceness."""
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20 - own


def test_an_encode_still_running_when_the_transcription_ends_gets_the_runs_priority_back(monkeypatch) -> None:
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    if own + media_step.ENCODE_NICENESS > 19 or not _can_raise_back(own):
        pytest.skip("this process cannot lower a priority and raise it back (niceness or RLIMIT_NICE)")
    done = threading.Event()

    def encode(inputs, res):
        # An ffmpeg that runs until stopped (-re: in real time, 60 s of silence).
        result = run_ffmpeg(
            [
                "-loglevel",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "anullsrc=r=16000:cl=mono",
                "-t",
                "60",
                "-f",
                "null",
                "-",
            ],
            timeout_s=120,
        )
        done.set()
        return result

    monkeypatch.setattr(media_step, "run_audio", encode)
    res = SimpleNamespace(media=SimpleNamespace(step_timeout_s=120.0))
    job = media_step.start_audio(StepInputs("k", "https://a.example.com/v", 1), res)  # type: ignore[arg-type]
    give_up = time.monotonic() + 30
    while len(job.encoders) < 2 and time.monotonic() < give_up:
        time.sleep(0.01)
    thread, pid = job.encoders
    try:
        lowered = own + media_step.ENCODE_NICENESS
        # While the transcription runs: the encoding thread and its ffmpeg, both lowered.
        assert (os.getpriority(os.PRIO_PROCESS, thread), os.getpriority(os.PRIO_PROCESS, pid)) == (lowered, lowered)
        assert not done.is_set()
        job.hurry()
        # The ffmpeg already under way and the thread (whatever it starts next) are back at the run's.
        assert (os.getpriority(os.PRIO_PROCESS, thread), os.getpriority(os.PRIO_PROCESS, pid)) == (own, own)
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own  # the caller's is untouched
    finally:
        os.kill(pid, signal.SIGTERM)
    assert job.wait().returncode != 0  # stopped here, not ended by itself
    # A process the thread had begun to start (still lowered) as the hurry came is raised when announced.
    late = subprocess.Popen(["sleep", "30"], preexec_fn=lambda: os.nice(media_step.ENCODE_NICENESS))
    try:
        assert os.getpriority(os.PRIO_PROCESS, late.pid) == own + media_step.ENCODE_NICENESS
        job.spawned(late.pid)
        assert os.getpriority(os.PRIO_PROCESS, late.pid) == own
    finally:
        late.kill()
        late.wait()


def test_nothing_changes_where_the_encode_never_lowered_its_priority() -> None:
    """No per-thread priority (or it could not be lowered): hurry restores nothing."""
    job = media_step.AudioInBackground(threading.Thread(target=lambda: None))
    own = os.getpriority(os.PRIO_PROCESS, os.getpid())
    job.spawned(os.getpid())
    job.hurry()
    assert job.own_niceness is None and os.getpriority(os.PRIO_PROCESS, os.getpid()) == own
