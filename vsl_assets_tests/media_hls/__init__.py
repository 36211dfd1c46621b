"""Tests of the concurrent HLS downloader (vsl_assets.media.hls)."""
