"""Thin Dagster assets: read inputs, call a domain service, record, return MaterializeResult."""

from vsl_assets.assets.media import audio_file, video_file
from vsl_assets.assets.source import source_page
from vsl_assets.assets.transcript import transcript

ALL_ASSETS = [source_page, video_file, audio_file, transcript]

__all__ = ["ALL_ASSETS", "audio_file", "source_page", "transcript", "video_file"]
