"""``video_file`` and ``audio_file``: download the stream, extract the audio."""

from __future__ import annotations

import contextlib
import contextvars
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vsl_assets.core import deadline
from vsl_assets.db import Audio, Source, Video, repo
from vsl_assets.errors import MediaError
from vsl_assets.media import decode_pcm, extract_audio
from vsl_assets.media.download import fetch_video
from vsl_assets.media.ffmpeg import announce_spawns
from vsl_assets.media.probe import MediaInfo
from vsl_assets.services import insights
from vsl_assets.services.steps.common import StepInputs, StepResources, reusable
from vsl_assets.storage import TEMP_PREFIX, StorageLayout, remove_stale_temps, validate_key

#: What the transcription engines are given: mono speech at 16 kHz.
SAMPLE_RATE_HZ = 16000


@dataclass(frozen=True)
class MediaResult:
    info: MediaInfo
    path: Path
    reused: bool
    #: The audio step's: the video's duration from its row (read with the write), for the check
    #: that the audio lasts as long; None when the video has no row.
    video_duration_s: float | None = None


def run_video(inputs: StepInputs, res: StepResources, *, pcm: bool = False) -> MediaResult:
    """Download the stream (or reuse the stored video).  ``pcm``: the transcription comes next in
    this process (:func:`~vsl_assets.services.steps.beside.audio_beside_transcript`), so the
    download (HLS or direct media) also decodes its audio for it as it arrives (:func:`downloaded_pcm`)."""
    layout, store = res.layout, res.store
    dest = layout.video_path(inputs.key)
    remove_stale_temps(layout.videos, inputs.key)
    handoff = _handoff_path(inputs.key, res)
    handoff.unlink(missing_ok=True)  # it stands for a video made before this step
    info = None if inputs.force or not store.fetch(dest) else reusable(dest)
    reused = info is not None
    if info is None:
        with res.sessions() as s:
            source = repo.get_output(s, Source, inputs.key)
        # Without a resolved source (source_page not materialized) the URL is the stream.
        stream = source.stream_url if source is not None else inputs.url
        referer = source.referer if source is not None else None
        headers = tuple((source.headers or {}).items()) if source is not None else ()
        with _pcm_beside(inputs.key, res, dest, pcm) as pcm_tmp:
            info = fetch_video(
                stream,
                dest,
                res.media.download_options(referer=referer, headers=headers),
                hls_options=res.media.hls_options(),
                log=inputs.log,
                pcm=pcm_tmp,
            )
    store.publish(dest)  # shared (when configured) before the row says it exists
    with res.sessions() as s, insights.counted(s, [inputs.url_id]):  # a point needs the video's length
        repo.upsert(
            s,
            Video,
            inputs.url_id,
            path=str(dest),
            size_bytes=info.size_bytes,
            duration_s=info.duration_s,
            container=info.container,
            video_codec=info.video_codec,
            audio_codec=info.audio_codec,
            width=info.width,
            height=info.height,
            bitrate=info.bitrate,
        )
    return MediaResult(info, dest, reused)


def run_audio(inputs: StepInputs, res: StepResources) -> MediaResult:
    layout, store, media = res.layout, res.store, res.media
    video = layout.video_path(inputs.key)
    dest = layout.audio_path(inputs.key, media.audio_ext)
    remove_stale_temps(layout.audio, inputs.key)
    if not store.fetch(video):
        raise MediaError("the video file is missing; materialize video_file first")
    info = None if inputs.force or not store.fetch(dest) else reusable(dest, newer_than=video)
    reused = info is not None
    if info is None:
        info = extract_audio(
            video,
            dest,
            fmt=media.audio_format,
            bitrate=media.audio_bitrate,
            sample_rate=SAMPLE_RATE_HZ,
            timeout_s=media.step_timeout_s,
            ffmpeg=media.ffmpeg or None,
        )
    store.publish(dest)
    with res.sessions() as s:
        video_row = repo.get_output(s, Video, inputs.key)
        video_duration_s = video_row.duration_s if video_row is not None else None
        repo.upsert(
            s,
            Audio,
            inputs.url_id,
            path=str(dest),
            size_bytes=info.size_bytes,
            duration_s=info.duration_s,
            codec=info.audio_codec,
            sample_rate=SAMPLE_RATE_HZ,
            channels=info.channels,
            bitrate=info.bitrate,
        )
    return MediaResult(info, dest, reused, video_duration_s)


#: The transcription's temporary PCM beside the audio: ``.tmp-pcm-<key>-*.wav``.  Not
#: ``.tmp-<key>*``, which the audio step clears when it starts, in the thread that runs beside it.
PCM_PREFIX = f"{TEMP_PREFIX}pcm-"


def audio_reusable(key: str, force: bool, res: StepResources) -> bool:
    """Whether ``run_audio`` would find a complete stored audio and make nothing."""
    layout, store = res.layout, res.store
    video = layout.video_path(key)
    dest = layout.audio_path(key, res.media.audio_ext)
    if force or not store.fetch(video) or not store.fetch(dest):
        return False
    return reusable(dest, newer_than=video) is not None


def pcm_checkpoints(key: str, res: StepResources) -> bool:
    """Whether an earlier attempt left chunk results behind (made from the PCM, which decodes to
    the same bytes again, so a retry that reads the PCM reuses them)."""
    return any(res.layout.checkpoint_dir(key).glob("*.json"))


def _handoff_path(key: str, res: StepResources) -> Path:
    """Where :func:`run_video` leaves the PCM its download decoded, for the transcription."""
    return res.layout.audio / f"{PCM_PREFIX}{key}-download.wav"


@contextlib.contextmanager
def _pcm_beside(key: str, res: StepResources, video: Path, wanted: bool) -> Iterator[Path | None]:
    """A temporary path for the download's PCM (None when not ``wanted``); once the download has
    succeeded, a whole PCM is handed off (:func:`downloaded_pcm`) with the video's modification
    time, which names the video it was decoded from."""
    if not wanted:
        yield None
        return
    res.layout.audio.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{PCM_PREFIX}{key}-", suffix=".wav", dir=res.layout.audio)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if tmp.is_file() and tmp.stat().st_size > 0:
            mtime = video.stat().st_mtime_ns
            os.utime(tmp, ns=(mtime, mtime))
            os.replace(tmp, _handoff_path(key, res))
    finally:
        tmp.unlink(missing_ok=True)


def downloaded_pcm(key: str, res: StepResources) -> Path | None:
    """The PCM the video's own download decoded (``run_video(pcm=True)``), when it is there and
    stands for the stored video (same modification time); otherwise None, and a stale one is
    removed.  The caller owns (and deletes) the file it is given."""
    handoff = _handoff_path(key, res)
    video = res.layout.video_path(key)
    try:
        same = handoff.stat().st_mtime_ns == video.stat().st_mtime_ns
    except FileNotFoundError:
        same = False
    if not same:
        handoff.unlink(missing_ok=True)
        return None
    return handoff


def discard_downloaded_pcm(key: str, res: StepResources) -> None:
    """The download's PCM is not read (the audio is made by its own step, or already stored)."""
    _handoff_path(key, res).unlink(missing_ok=True)


#: How much nicer than the run the encode beside a transcription is (its thread and the ffmpeg it starts).
ENCODE_NICENESS = 10


@dataclass
class AudioInBackground:
    """``run_audio`` in a thread: the stored audio is encoded while the transcription runs.

    The encode runs :data:`ENCODE_NICENESS` nicer than the run while the transcription needs the
    cores, and takes the run's own priority again once it does not (:meth:`hurry`).
    """

    thread: threading.Thread
    result: MediaResult | None = None
    error: BaseException | None = None
    #: The run's own niceness, which :meth:`hurry` gives back (None: the platform has none per thread).
    own_niceness: int | None = None
    #: The encoding thread's native id and the process ids of the ffmpeg it started.
    encoders: list[int] = field(default_factory=list)
    hurried: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> MediaResult:
        """The audio step's result once it is stored; its error if it failed."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def succeeded(self) -> bool:
        """Wait for it; True when the stored audio and its row exist."""
        self.thread.join()
        return self.error is None

    def lower(self) -> None:
        """Called in the encoding thread as it starts: lower its priority (Linux: per thread, and
        inherited by the ffmpeg it starts), so the encode takes the cores the transcription leaves
        idle instead of sharing the transcription's.  Best effort: nothing changes where the
        platform has no per-thread priority."""
        with self._lock:
            if self.hurried:
                return
            try:
                thread = threading.get_native_id()
                own = os.getpriority(os.PRIO_PROCESS, thread)
                os.setpriority(os.PRIO_PROCESS, thread, min(19, own + ENCODE_NICENESS))
            except (AttributeError, OSError):
                return
            self.own_niceness = own
            self.encoders.append(thread)

    def spawned(self, pid: int) -> None:
        """An ffmpeg the encoding thread started (``media.ffmpeg.announce_spawns``)."""
        with self._lock:
            self.encoders.append(pid)
            if self.hurried:
                self._restore(pid)

    def hurry(self) -> None:
        """The transcription is over: the encode, if still running, takes the run's own priority.

        Without this, on a machine other work keeps busy, the encode's lowered share (a tenth of a
        nice-0 process's) would make the step wait for it long after the transcription ended.
        Raising a priority back needs ``CAP_SYS_NICE`` or an ``RLIMIT_NICE`` of 20 or more
        (systemd: ``LimitNICE=+0``); without either it stays lowered, as before."""
        with self._lock:
            if self.hurried:
                return
            self.hurried = True
            if not self.thread.is_alive():
                return  # its ffmpeg has ended and been waited for: its id may already be another's
            for pid in self.encoders:
                self._restore(pid)

    def _restore(self, pid: int) -> None:
        if self.own_niceness is None:
            return
        with contextlib.suppress(OSError):  # it has ended (ESRCH), or the priority cannot be raised (EPERM)
            os.setpriority(os.PRIO_PROCESS, pid, self.own_niceness)


def start_audio(inputs: StepInputs, res: StepResources) -> AudioInBackground:
    """Start ``run_audio`` in a thread with its own step deadline (``VSL_STEP_TIMEOUT_S``).

    The thread runs in a copy of the caller's context, so the audio step's deadline is its own
    and the caller's (the transcript's, tightened to the audio) is untouched; and at a lower
    priority (:data:`ENCODE_NICENESS`) until :meth:`AudioInBackground.hurry`, so that it does not
    slow the transcription down.
    """
    job = AudioInBackground(threading.Thread(target=lambda: None))

    def work() -> None:
        job.lower()
        try:
            with announce_spawns(job.spawned), deadline.step_deadline(res.media.step_timeout_s, "audio_file"):
                job.result = run_audio(inputs, res)
        except BaseException as exc:  # handed to the caller by wait()
            job.error = exc

    ctx = contextvars.copy_context()
    job.thread = threading.Thread(target=ctx.run, args=(work,), name=f"audio-{inputs.key}", daemon=True)
    job.thread.start()
    return job


def remove_stale_pcm(inputs: StepInputs, res: StepResources, keep: Path | None = None) -> None:
    """Leftovers of :func:`decode_for_transcription` (or of a download's PCM) from a killed
    attempt; ``keep``: the PCM this attempt reads (:func:`downloaded_pcm`)."""
    clear_pcm(inputs.key, res.layout, keep=keep)


def clear_pcm(key: str, layout: StorageLayout, *, keep: Path | None = None) -> int:
    """Remove every temporary PCM of ``key`` (``.tmp-pcm-<key>-*``) but ``keep``; returns how many went.

    Also what a run's end calls, however the run ended (``StorageResource.teardown_after_execution``):
    a download's PCM waits on disk for the transcription of the same run (115 MB per hour of
    audio), and a run cancelled or failed before that op leaves nobody else to remove it."""
    removed = 0
    if layout.audio.is_dir():
        for p in layout.audio.glob(f"{PCM_PREFIX}{validate_key(key)}-*"):
            if p != keep:
                p.unlink(missing_ok=True)
                removed += 1
    return removed


def decode_for_transcription(inputs: StepInputs, res: StepResources) -> Path:
    """The video's audio as a temporary 16 kHz WAV in the audio folder (the caller deletes it)."""
    video = res.layout.video_path(inputs.key)
    if not res.store.fetch(video):
        raise MediaError("the video file is missing; materialize video_file first")
    res.layout.audio.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        prefix=f"{PCM_PREFIX}{inputs.key}-", suffix=".wav", dir=res.layout.audio, delete=False
    ) as fh:
        dest = Path(fh.name)
    try:
        return decode_pcm(
            video,
            dest,
            sample_rate=SAMPLE_RATE_HZ,
            timeout_s=res.media.step_timeout_s,
            ffmpeg=res.media.ffmpeg or None,
        )
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
