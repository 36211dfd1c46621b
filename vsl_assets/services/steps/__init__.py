"""The pipeline's steps as plain Python: ``run_<step>(inputs, resources) -> result``.

Each owns what the Dagster asset used to do around the domain call: reuse an earlier complete
output unless forced, fetch inputs from and publish outputs to the shared store, clear temp files
and checkpoints, and write the database row.  The asset keeps only the bookkeeping Dagster needs
(:func:`tracked` over a :class:`StepTracker`: jobs row, status, deadline, failure) and the metadata a person reads in the UI, so
``vsl`` or a script can run a step the same way.
"""

from vsl_assets.services.steps.beside import audio_beside_transcript, goes_beside
from vsl_assets.services.steps.breakdown import BreakdownResult, run_breakdown
from vsl_assets.services.steps.common import StepInputs, StepResources
from vsl_assets.services.steps.media import (
    AudioInBackground,
    MediaResult,
    audio_reusable,
    clear_pcm,
    decode_for_transcription,
    discard_downloaded_pcm,
    downloaded_pcm,
    pcm_checkpoints,
    remove_stale_pcm,
    run_audio,
    run_video,
    start_audio,
)
from vsl_assets.services.steps.search import IndexResult, run_search_index
from vsl_assets.services.steps.source import SourceResult, run_source
from vsl_assets.services.steps.tracking import PROGRESS, StepTracker, further_on, tracked
from vsl_assets.services.steps.transcript import TranscriptResult, run_transcript

__all__ = [
    "PROGRESS",
    "AudioInBackground",
    "BreakdownResult",
    "IndexResult",
    "MediaResult",
    "SourceResult",
    "StepInputs",
    "StepResources",
    "StepTracker",
    "TranscriptResult",
    "audio_beside_transcript",
    "audio_reusable",
    "clear_pcm",
    "decode_for_transcription",
    "discard_downloaded_pcm",
    "downloaded_pcm",
    "further_on",
    "goes_beside",
    "pcm_checkpoints",
    "remove_stale_pcm",
    "run_audio",
    "run_breakdown",
    "run_search_index",
    "run_source",
    "run_transcript",
    "run_video",
    "start_audio",
    "tracked",
]
