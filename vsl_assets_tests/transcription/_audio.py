"""Audio fixtures for the transcription tests (chunking, language detection) and their benchmarks,
made with real ffmpeg at test time.

Long fixtures are built by encoding the 19 s speech clip once exactly like the pipeline does
(``extract_audio``: mono 16 kHz Opus 32 kbit/s in Ogg) and repeating it by stream copy.
``servers.loop_audio`` would re-encode the whole hour (about 35 s of CPU on a 2-core box);
copying the Ogg pages gives an identical bitstream per repetition in under a second.
"""

from __future__ import annotations

from pathlib import Path

from vsl_assets.media.audio import extract_audio
from vsl_assets_tests.servers import run_ffmpeg

DATA = Path(__file__).resolve().parent.parent / "data"
SPEECH_EN = DATA / "speech_en.opus"
SPEECH_EN_TEXT = (DATA / "speech_en.txt").read_text(encoding="utf-8").strip()


def pipeline_encode(src: Path, dest: Path) -> Path:
    """The pipeline's own audio step: mono 16 kHz Opus 32 kbit/s in Ogg."""
    extract_audio(src, dest, fmt="opus", bitrate="32k", sample_rate=16000)
    return dest


def loop_copy(unit: Path, dest: Path, total_s: float) -> Path:
    """Repeat ``unit`` (already pipeline-encoded) up to ``total_s`` seconds without re-encoding."""
    run_ffmpeg(["-stream_loop", "-1", "-i", str(unit), "-t", f"{total_s:.3f}", "-c", "copy", str(dest)])
    return dest


def tone(dest: Path, seconds: float) -> Path:
    """A continuous 440 Hz tone: audio with no pause anywhere."""
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=16000:duration={seconds}",
            "-ac",
            "1",
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            "-f",
            "ogg",
            str(dest),
        ]
    )
    return dest


def music_first(speech: Path, dest: Path, music_s: float = 35.0) -> Path:
    """``music_s`` seconds of a synthetic two-voice melody, then the speech clip.

    Whisper's own detection reads only the first 30 s, which here hold no speech at all.
    """
    melody = (
        "aevalsrc=0.25*sin(2*PI*(220+110*floor(mod(t\\,4)))*t)+0.15*sin(2*PI*330*t)*lt(mod(t\\,0.5)\\,0.25)"
        f":s=16000:d={music_s}"
    )
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            melody,
            "-i",
            str(speech),
            "-filter_complex",
            "[1:a]aresample=16000,aformat=channel_layouts=mono[s];[0:a][s]concat=n=2:v=0:a=1",
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            str(dest),
        ]
    )
    return dest
