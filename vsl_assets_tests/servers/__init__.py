"""In-process test servers and real-ffmpeg fixtures for vsl-assets tests."""

from .http import CONTENT_TYPES, MediaHTTPServer
from .media import (
    audio_duration,
    ffmpeg_exe,
    loop_audio,
    make_hls,
    make_mp4,
    run_ffmpeg,
)
from .openai import (
    DEFAULT_API_KEY,
    LANGUAGE_NAMES,
    SUPPORTED_EXTENSIONS,
    FakeOpenAIServer,
    MultipartPart,
    TranscriptionRequest,
    parse_multipart,
)
from .ports import free_port, free_ports
from .postgres import PostgresServer
from .redis import RedisServer
from .seaweedfs import SeaweedServer

__all__ = [
    "CONTENT_TYPES",
    "DEFAULT_API_KEY",
    "LANGUAGE_NAMES",
    "SUPPORTED_EXTENSIONS",
    "FakeOpenAIServer",
    "MediaHTTPServer",
    "MultipartPart",
    "PostgresServer",
    "RedisServer",
    "SeaweedServer",
    "TranscriptionRequest",
    "audio_duration",
    "ffmpeg_exe",
    "free_port",
    "free_ports",
    "loop_audio",
    "make_hls",
    "make_mp4",
    "parse_multipart",
    "run_ffmpeg",
]
