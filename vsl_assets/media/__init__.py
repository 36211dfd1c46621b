"""Media tools: ffmpeg discovery, download, audio extraction, probing.  No Dagster imports."""

from vsl_assets.media.audio import AUDIO_FORMATS, audio_format, extract_audio
from vsl_assets.media.download import DownloadOptions, download_stream
from vsl_assets.media.ffmpeg import find_ffmpeg, run_ffmpeg
from vsl_assets.media.probe import MediaInfo, probe

__all__ = [
    "AUDIO_FORMATS",
    "DownloadOptions",
    "MediaInfo",
    "audio_format",
    "download_stream",
    "extract_audio",
    "find_ffmpeg",
    "probe",
    "run_ffmpeg",
]
