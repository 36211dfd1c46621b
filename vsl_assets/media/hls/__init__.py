"""Concurrent HLS download: fetch segments N at a time, remux them in order with ffmpeg ``-c copy``.

Why not ``ffmpeg -i URL``: ffmpeg's HLS demuxer fetches one segment at a time, so every segment
pays the CDN's full request latency (90 segments x 150 ms = 14 s for a 3-minute video), and it
skips a segment it cannot fetch with only a warning.  Here one pooled HTTP client fetches
``concurrency`` segments at once, retries each one (exponential backoff with jitter), and never
skips one: a gap in the audio is a broken transcript.  The ordered bytes are streamed into
ffmpeg's input pipe while later segments are still downloading, through a bounded reorder buffer
(``reorder_window`` segments, default 2 x concurrency), so no segment touches the disk and the
remux overlaps the download.  The MP4 is written through :func:`atomic_path`: a failure leaves
no file and no temp file behind.

Supported: master playlists (variant chosen by ``HlsOptions.variant_policy``; a separate audio
rendition, ``#EXT-X-MEDIA TYPE=AUDIO`` with a URI, is downloaded too and muxed as the audio
track), MPEG-TS and fMP4 (``#EXT-X-MAP``) segments, ``#EXT-X-BYTERANGE``, and
``#EXT-X-KEY METHOD=AES-128`` (explicit IV or the media sequence number).  Refused with a
:class:`DownloadError`: DRM (``SAMPLE-AES``, any ``KEYFORMAT`` other than ``identity``), live
playlists (no ``#EXT-X-ENDLIST``), ``#EXT-X-GAP`` segments, a change of init section mid-stream,
and streams over the duration/segment/byte limits.

A URL that does not answer with an M3U8 playlist raises :class:`NotHlsError` after reading only
its first bytes: the caller should then fall back to :func:`vsl_assets.media.download.download_direct`,
which handles direct media files.

The modules, in the order a download goes through them: :mod:`.options` (``HlsOptions``),
:mod:`.variants` (which variant and audio rendition), :mod:`.client` and :mod:`.failures` (HTTP
with retries), :mod:`.tracks` (what to download, refused early when it cannot be done
faithfully), :mod:`.ordered` and :mod:`.decrypt` (concurrent fetching, handed out in order),
:mod:`.pipe` and :mod:`.remux` (feeding ffmpeg), :mod:`.download` (the whole download).
"""

from vsl_assets.media.hls.client import NotHlsError
from vsl_assets.media.hls.download import download_hls
from vsl_assets.media.hls.options import HlsOptions
from vsl_assets.media.hls.playlist import PlaylistError
from vsl_assets.media.hls.tracks import _human_s as _human_s  # imported by the tests
from vsl_assets.media.hls.variants import choose_audio_rendition, choose_variant

__all__ = [
    "HlsOptions",
    "NotHlsError",
    "PlaylistError",
    "choose_audio_rendition",
    "choose_variant",
    "download_hls",
]
