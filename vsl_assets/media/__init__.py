"""Media tools: ffmpeg discovery, download, audio extraction, probing.  No Dagster imports."""

from vsl_assets.media.audio import AUDIO_FORMATS, audio_format, decode_pcm, extract_audio
from vsl_assets.media.download import DownloadOptions, download_direct, download_stream, fetch_video
from vsl_assets.media.ffmpeg import find_ffmpeg, run_ffmpeg
from vsl_assets.media.hls import HlsOptions, NotHlsError, download_hls
from vsl_assets.media.probe import MediaInfo, probe

__all__ = [
    "AUDIO_FORMATS",
    "DownloadOptions",
    "HlsOptions",
    "MediaInfo",
    "NotHlsError",
    "audio_format",
    "decode_pcm",
    "download_direct",
    "download_hls",
    "download_stream",
    "extract_audio",
    "fetch_video",
    "find_ffmpeg",
    "probe",
    "run_ffmpeg",
]
