"""Extract the audio track as small mono 16 kHz compressed audio.

16 kHz mono is what Whisper consumes; at 32 kbit/s Opus a 100-minute VSL stays under the
OpenAI API's 25 MB upload limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vsl_assets.errors import MediaError
from vsl_assets.media.ffmpeg import run_ffmpeg
from vsl_assets.media.probe import MediaInfo, probe
from vsl_assets.storage import atomic_path


@dataclass(frozen=True)
class AudioFormat:
    #: File extension, which also tells the OpenAI API the format (``ogg`` = Opus in Ogg).
    ext: str
    codec_args: tuple[str, ...]
    container: str


#: Opus for speech (``voip``) at libopus' default encoder complexity, 10 of 0-10.  Complexity 6 costs
#: 28 % less CPU (Debian's ffmpeg 5.1; 15 % with imageio-ffmpeg's), but on the full corpus of
#: ``bench_transcription.py`` (9.6 minutes, 24 readings) tiny.en lost whole readings from it: word
#: errors 306 at 6 against 111 at 10 with Debian's build (ratio 2.76, 90 % interval 1.61-4.11), 313
#: against 263 with imageio-ffmpeg's; base 89/84 and 93/107 (direct: 86 tiny.en, 79 base).  8-10
#: write the same bytes.  The encode runs beside a local transcription, at a lower priority
#: (docs/pipeline.md), so its CPU is off the critical path where a core is free.
OPUS_COMPLEXITY = 10

AUDIO_FORMATS: dict[str, AudioFormat] = {
    "opus": AudioFormat(
        "ogg", ("-c:a", "libopus", "-application", "voip", "-compression_level", str(OPUS_COMPLEXITY)), "ogg"
    ),
    "mp3": AudioFormat("mp3", ("-c:a", "libmp3lame"), "mp3"),
}


def audio_format(name: str) -> AudioFormat:
    try:
        return AUDIO_FORMATS[name]
    except KeyError:
        raise MediaError(f"unknown audio format {name!r}; choose one of {', '.join(AUDIO_FORMATS)}") from None


def _first_audio_track_mono(video: Path, sample_rate: int) -> list[str]:
    """ffmpeg's input and selection for what is stored and what is transcribed: the first audio
    track only (no video, subtitles or data), down-mixed to mono at ``sample_rate``."""
    return [
        "-loglevel",
        "error",
        "-i",
        str(video),
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
    ]


def extract_audio(
    video: Path,
    dest: Path,
    *,
    fmt: str = "opus",
    bitrate: str = "32k",
    sample_rate: int = 16000,
    timeout_s: float = 3600.0,
    ffmpeg: str | None = None,
) -> MediaInfo:
    source = probe(video)
    if not source.has_audio:
        raise MediaError("the video has no audio track, so there is nothing to transcribe")
    spec = audio_format(fmt)
    with atomic_path(dest) as tmp:
        result = run_ffmpeg(
            [
                *_first_audio_track_mono(video, sample_rate),
                *spec.codec_args,
                "-b:a",
                bitrate,
                "-f",
                spec.container,
                str(tmp),
            ],
            timeout_s=timeout_s,
            ffmpeg=ffmpeg,
        )
        if result.returncode != 0:
            raise MediaError("ffmpeg could not extract the audio track", detail=result.tail())
        info = probe(tmp)
        if info.duration_s <= 0:
            raise MediaError("the extracted audio is empty")
    return probe(dest)


def decode_pcm(
    video: Path,
    dest: Path,
    *,
    sample_rate: int = 16000,
    timeout_s: float = 3600.0,
    ffmpeg: str | None = None,
) -> Path:
    """The video's first audio track as 16-bit mono WAV at ``sample_rate``, written to ``dest``.

    What a local transcription reads while the stored (compressed) audio is still being encoded:
    decoding is ~30x cheaper than the Opus encode, and lossless, so the transcription neither
    waits for the encode nor hears its artefacts.  The caller owns ``dest`` (a temporary file).
    """
    result = run_ffmpeg(
        [*_first_audio_track_mono(video, sample_rate), *PCM_WAV_ARGS, str(dest)],
        timeout_s=timeout_s,
        ffmpeg=ffmpeg,
    )
    if result.returncode != 0:
        raise MediaError("ffmpeg could not decode the audio track", detail=result.tail())
    return dest


#: The output of :func:`decode_pcm` (after ``-ac 1 -ar <rate>``): 16-bit PCM in a WAV file.
PCM_WAV_ARGS = ("-c:a", "pcm_s16le", "-f", "wav")


def pcm_output_args(sample_rate: int = 16000) -> list[str]:
    """ffmpeg's output options for what :func:`decode_pcm` writes, for an input that is already
    open (the HLS download's tee, ``media.hls.remux``): the first audio track, mono, at
    ``sample_rate``, as 16-bit PCM WAV."""
    return ["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(sample_rate), *PCM_WAV_ARGS]
