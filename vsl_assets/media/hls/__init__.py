"""Concurrent HLS download (see :mod:`vsl_assets.media.hls.download`)."""

from vsl_assets.media.hls.download import (
    HlsOptions,
    NotHlsError,
    PlaylistError,
    _human_s,
    choose_audio_rendition,
    choose_variant,
    download_hls,
)

__all__ = [
    "HlsOptions",
    "NotHlsError",
    "PlaylistError",
    "_human_s",
    "choose_audio_rendition",
    "choose_variant",
    "download_hls",
]
