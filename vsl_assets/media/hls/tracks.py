"""What to download: the playlists of the chosen variant (and audio rendition) turned into ordered items.

Everything that cannot be downloaded faithfully (DRM, live, gaps, limits) is refused here, before
any segment is fetched.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from vsl_assets.errors import DownloadError
from vsl_assets.media.hls.client import Http
from vsl_assets.media.hls.options import HlsOptions, Log
from vsl_assets.media.hls.playlist import ByteRange, Key, MediaPlaylist, PlaylistError, drm_system, parse_playlist
from vsl_assets.media.hls.variants import choose_audio_rendition, choose_variant


@dataclass(frozen=True)
class Item:
    """One request of a track (init section or segment), with the label its errors name it by."""

    label: str
    uri: str
    byterange: ByteRange | None
    key: Key | None
    iv: bytes | None
    is_segment: bool


@dataclass
class Track:
    """One playlist's items in play order: ffmpeg reads each track from its own pipe."""

    #: "" for the main stream, "audio " for a separate audio rendition.
    prefix: str
    playlist: MediaPlaylist
    items: list[Item]

    @property
    def has_init(self) -> bool:
        return bool(self.items) and not self.items[0].is_segment

    @property
    def has_discontinuity(self) -> bool:
        """Timestamps may restart or jump at an ``EXT-X-DISCONTINUITY`` (stitched clips, ads)."""
        return any(s.discontinuity for s in self.playlist.segments)


def _iv(key: Key | None, sequence: int) -> bytes | None:
    if key is None:
        return None
    return key.iv if key.iv is not None else sequence.to_bytes(16, "big")


def _human_s(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _drm_reason(key: Key) -> str:
    why = drm_system(key.method, key.keyformat, key.uri) or f"{key.method} encryption in the HLS playlist"
    return f"the video is DRM-protected ({why}); it cannot be downloaded"


def _track(playlist: MediaPlaylist, prefix: str, opts: HlsOptions) -> Track:
    """Refuse what cannot be downloaded faithfully, before any segment is fetched."""
    segments = playlist.segments
    n = len(segments)
    if playlist.is_live:
        raise DownloadError(
            f"the stream is live (no end marker in the {prefix}playlist); only finished (VOD) streams can be downloaded"
        )
    for s in segments:
        for key in (s.key, s.init.key if s.init else None):
            if key is not None and not key.is_clear_aes128:
                if key.method in ("AES-128", "SAMPLE-AES", "SAMPLE-AES-CTR") or key.keyformat != "identity":
                    raise DownloadError(_drm_reason(key))
                raise DownloadError(f"the stream uses an unsupported encryption method ({key.method})")
    if len({s.init for s in segments}) > 1:
        raise DownloadError("the stream switches init sections (EXT-X-MAP) mid-way; this is not supported")
    for i, s in enumerate(segments, 1):
        if s.gap:
            raise DownloadError(f"the playlist marks {prefix}segment {i} of {n} as missing (EXT-X-GAP)")
    if n > opts.max_segments:
        raise DownloadError(f"the {prefix}stream has {n} segments, more than the limit of {opts.max_segments}")
    if playlist.duration_s > opts.max_duration_s:
        raise DownloadError(
            f"the video lasts {_human_s(playlist.duration_s)}, longer than the limit of {_human_s(opts.max_duration_s)}"
        )
    items: list[Item] = []
    init = segments[0].init
    if init is not None:
        items.append(
            Item(
                f"the {prefix}init segment (EXT-X-MAP)",
                init.uri,
                init.byterange,
                init.key,
                _iv(init.key, init.sequence),
                False,
            )
        )
    for i, s in enumerate(segments, 1):
        items.append(Item(f"{prefix}segment {i} of {n}", s.uri, s.byterange, s.key, _iv(s.key, s.sequence), True))
    return Track(prefix, playlist, items)


async def load_tracks(http: Http, url: str, opts: HlsOptions, log: Log) -> list[Track]:
    """The main track, plus the audio rendition's when the chosen variant has a separate one."""
    text, final_url = await http.playlist(url, "stream URL")
    top = parse_playlist(text, final_url)
    if isinstance(top, MediaPlaylist):
        return [_track(top, "", opts)]
    variant = choose_variant(top, opts.variant_policy)
    rendition = choose_audio_rendition(top, variant) if opts.audio_rendition else None
    audio = f", audio rendition {rendition.name or rendition.group_id!r}" if rendition else ""
    log(
        f"HLS master playlist: {len(top.variants)} variants; chose {variant.describe()} "
        f"(policy {opts.variant_policy}){audio}"
    )
    wanted = [(variant.uri, "variant playlist")]
    if rendition is not None and rendition.uri is not None:
        wanted.append((rendition.uri, "audio playlist"))
    fetched = await asyncio.gather(*(http.playlist(u, what) for u, what in wanted))
    tracks = []
    for (_, what), (body, final) in zip(wanted, fetched, strict=True):
        playlist = parse_playlist(body, final)
        if not isinstance(playlist, MediaPlaylist):
            raise PlaylistError(f"the {what} is a master playlist, not a list of segments")
        tracks.append(_track(playlist, "audio " if what == "audio playlist" else "", opts))
    return tracks
