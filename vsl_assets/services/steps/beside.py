"""``audio_file`` and ``transcript`` in one go: the Opus encode runs beside the transcription.

Two steps in a row cannot overlap under the in-process executor, and the encode of the stored
audio costs about a fifth of a local transcription.  When a run makes both (and the audio is not
already stored), the audio step runs in a thread (``start_audio``, at a lower priority until the
transcription ends) while the transcription reads a lossless PCM decode of the video (~30x cheaper
than the encode); the transcript is written only once the stored audio exists, so it is never older than its audio.
Each step keeps its own ``jobs`` row, status, failure record and result; what records them is the
caller's (:class:`StepTracker`: the Dagster asset's bookkeeping, or any other front end's).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from vsl_assets.core import deadline
from vsl_assets.db import UrlStatus
from vsl_assets.media.probe import probe
from vsl_assets.services.steps.common import StepResources
from vsl_assets.services.steps.media import (
    MediaResult,
    audio_reusable,
    decode_for_transcription,
    downloaded_pcm,
    pcm_checkpoints,
    remove_stale_pcm,
    start_audio,
)
from vsl_assets.services.steps.tracking import StepTracker, tracked
from vsl_assets.services.steps.transcript import TranscriptResult, run_transcript

#: A wait for the encode after the transcription this long is logged (it adds to the step's time).
ENCODE_WAIT_NOTED_S = 0.1


class _AudioFailed(Exception):
    """The transcript is not stored: the audio it stands for failed (the audio step says why)."""


def goes_beside(key: str, force: bool, res: StepResources) -> bool:
    """Whether the audio is made beside the transcription: it is not already stored, or a retry of a
    transcription that failed here reads the PCM again, to reuse its checkpoints."""
    return not audio_reusable(key, force, res) or pcm_checkpoints(key, res)


def audio_beside_transcript(track: StepTracker, res: StepResources) -> Iterator[MediaResult | TranscriptResult]:
    """The audio's result, then the transcript's, each once its step is recorded as done.

    The URL reads ``downloaded`` (waiting for transcription) until the transcription starts, then
    ``transcribing`` until it ends, even if the encode ends first.  If the video's audio cannot be
    decoded beside the encode, the audio step alone says why and the transcription reads the stored
    audio afterwards.  A retry of a transcription that failed here reads the PCM again (it decodes
    to the same bytes), so the chunk results it saved are reused.
    """
    audio_inputs = track.begin("audio_file", UrlStatus.DOWNLOADED)
    # The PCM the download decoded as it arrived, else a decode of the video made here.
    pcm = downloaded_pcm(audio_inputs.key, res)
    remove_stale_pcm(audio_inputs, res, keep=pcm)
    background = start_audio(audio_inputs, res)

    def audio_stored() -> None:
        background.hurry()  # the transcription is done: nothing waits now but for the encode
        started = time.monotonic()
        if not background.succeeded():
            raise _AudioFailed()
        waited = time.monotonic() - started
        if waited >= ENCODE_WAIT_NOTED_S:  # the encode was on the critical path: say by how much
            track.log(f"the transcript waited {waited:.1f} s for the stored audio's encode after the transcription")

    transcribing = False
    done: TranscriptResult | None = None
    error: Exception | None = None
    try:
        with deadline.step_deadline(res.media.step_timeout_s, "audio_file"):
            if pcm is None:
                pcm = decode_for_transcription(audio_inputs, res)
            track.follow_audio(probe(pcm).duration_s)
    except Exception as exc:  # the audio step, in its thread, says what is wrong with the video's audio
        if pcm is not None:
            pcm.unlink(missing_ok=True)
            pcm = None
        track.log(f"the video's audio could not be decoded beside the encode ({exc}): transcribing the stored audio")
    try:
        if pcm is not None:
            inputs = track.begin("transcript")
            transcribing = True
            try:
                with deadline.step_deadline(res.media.step_timeout_s, "transcript"):
                    done = run_transcript(inputs, res, pcm=pcm, before_store=audio_stored)
            except Exception as exc:
                error = exc
    except BaseException:
        background.hurry()
        background.thread.join()  # nothing of this step outlives it (the audio's own temp is its own)
        raise
    finally:
        if pcm is not None:
            pcm.unlink(missing_ok=True)
    background.hurry()
    try:
        audio = background.wait()
    except Exception as exc:
        if transcribing:
            track.end("transcript", failed="its audio could not be stored")
        track.fail("audio_file", exc)
    # A transcription under way keeps the URL "transcribing".
    track.end("audio_file", reused=audio.reused, move_status=not transcribing)
    if not transcribing:
        track.follow_audio(audio.info.duration_s)
    yield audio
    if not transcribing:
        yield tracked(track, "transcript", res, lambda inputs: run_transcript(inputs, res))
    elif error is not None or done is None:
        track.fail("transcript", error or RuntimeError("no transcript"))
    else:
        track.end("transcript", reused=done.reused)
        yield done
