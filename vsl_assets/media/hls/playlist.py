"""A small, strict parser for HLS playlists (RFC 8216), just what a VOD downloader needs.

Strict where a mistake would corrupt the output (a segment URI without ``#EXTINF``, an unparsable
duration, byte range or IV, a URI with a scheme other than http/https) and silent about tags that
do not change which bytes make up the media (``#EXT-X-PROGRAM-DATE-TIME``, unknown tags), as the
RFC asks of clients.  Parsing only describes the playlist; deciding what is downloadable (live,
DRM, limits) is the downloader's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from vsl_assets.errors import DownloadError

__all__ = [
    "ByteRange",
    "InitSection",
    "Key",
    "MasterPlaylist",
    "MediaPlaylist",
    "PlaylistError",
    "Rendition",
    "Segment",
    "Variant",
    "is_playlist",
    "parse_attributes",
    "parse_playlist",
]


class PlaylistError(DownloadError):
    """The playlist is malformed, or uses something the parser does not accept."""


@dataclass(frozen=True)
class ByteRange:
    length: int
    offset: int

    @property
    def header(self) -> str:
        """The HTTP ``Range`` value (inclusive end)."""
        return f"bytes={self.offset}-{self.offset + self.length - 1}"


#: KEYFORMAT values of the DRM systems, by the name a person recognises.
DRM_KEYFORMATS = {
    "com.apple.streamingkeydelivery": "FairPlay",
    "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed": "Widevine",
    "com.widevine": "Widevine",
    "com.microsoft.playready": "PlayReady",
    "urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95": "PlayReady",
}
DRM_METHODS = ("SAMPLE-AES", "SAMPLE-AES-CTR", "SAMPLE-AES-CENC", "ISO-23001-7")


def drm_system(method: str, keyformat: str | None, uri: str | None) -> str | None:
    """Why a key needs a DRM licence ("FairPlay key in the HLS playlist"), or None if it does not.

    The one classification of HLS keys: the resolver's quick check and the downloader both use it.
    """
    method = method.strip().upper()
    if method in ("", "NONE"):
        return None
    keyformat = (keyformat or "identity").strip().lower()
    if keyformat != "identity":
        return f"{DRM_KEYFORMATS.get(keyformat, keyformat)} key in the HLS playlist"
    if (uri or "").lower().startswith("skd://"):
        return "FairPlay key in the HLS playlist"
    if method in DRM_METHODS:
        return f"{method} encryption in the HLS playlist"
    return None  # AES-128 with a plain key URI: decryptable with the key, not DRM


@dataclass(frozen=True)
class Key:
    """One ``#EXT-X-KEY``: how the following segments are encrypted."""

    method: str
    uri: str | None
    iv: bytes | None
    keyformat: str = "identity"

    @property
    def is_clear_aes128(self) -> bool:
        """Whole-segment AES-128 with a key fetched over HTTP: decryptable, not DRM."""
        return self.method == "AES-128" and self.keyformat == "identity"


@dataclass(frozen=True)
class InitSection:
    """``#EXT-X-MAP``: the fMP4 header every following segment needs."""

    uri: str
    byterange: ByteRange | None
    key: Key | None
    #: Media sequence number of the first segment it applies to (the IV when none is given).
    sequence: int


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float
    sequence: int
    byterange: ByteRange | None = None
    key: Key | None = None
    init: InitSection | None = None
    discontinuity: bool = False
    gap: bool = False


@dataclass(frozen=True)
class MediaPlaylist:
    url: str
    segments: tuple[Segment, ...]
    target_duration: float | None
    media_sequence: int
    ended: bool
    playlist_type: str | None

    @property
    def duration_s(self) -> float:
        return sum(s.duration for s in self.segments)

    @property
    def is_live(self) -> bool:
        """No end marker: the server may still append segments (``VOD`` type counts as ended)."""
        return not self.ended and self.playlist_type != "VOD"

    @property
    def init_sections(self) -> tuple[InitSection, ...]:
        seen: list[InitSection] = []
        for s in self.segments:
            if s.init is not None and s.init not in seen:
                seen.append(s.init)
        return tuple(seen)


@dataclass(frozen=True)
class Variant:
    """One ``#EXT-X-STREAM-INF`` entry of a master playlist."""

    uri: str
    bandwidth: int
    average_bandwidth: int | None = None
    width: int | None = None
    height: int | None = None
    codecs: str | None = None
    audio_group: str | None = None
    frame_rate: float | None = None

    @property
    def audio_only(self) -> bool:
        """CODECS lists only audio codecs (``mp4a``, ``ac-3``...) and no resolution is given."""
        if self.height is not None or not self.codecs:
            return False
        video = ("avc", "hvc", "hev", "vp0", "vp8", "vp9", "av01", "dvh", "dva", "mp4v")
        return not any(c.strip().lower().startswith(video) for c in self.codecs.split(","))

    def describe(self) -> str:
        size = f"{self.width}x{self.height}" if self.height else "no resolution given"
        return f"{size}, {self.bandwidth / 1000:.0f} kb/s"


@dataclass(frozen=True)
class Rendition:
    """One ``#EXT-X-MEDIA`` entry (an alternative audio, video or subtitle track)."""

    type: str
    group_id: str
    name: str
    uri: str | None
    default: bool
    autoselect: bool
    language: str | None


@dataclass(frozen=True)
class MasterPlaylist:
    url: str
    variants: tuple[Variant, ...]
    renditions: tuple[Rendition, ...]

    def audio_renditions(self, group: str | None) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.type == "AUDIO" and r.group_id == group)


# -- attribute lists ---------------------------------------------------------------------------

_ATTR_RE = re.compile(r'([A-Z0-9-]+)=("[^"\r\n]*"|[^",\s]*)')
_DECIMAL_RE = re.compile(r"^\d+$")
_FLOAT_RE = re.compile(r"^-?\d+(?:\.\d*)?$|^-?\.\d+$")
_RESOLUTION_RE = re.compile(r"^(\d+)[xX](\d+)$")
_HEX_RE = re.compile(r"^0[xX]([0-9a-fA-F]{1,32})$")
_BYTERANGE_RE = re.compile(r"^(\d+)(?:@(\d+))?$")


def parse_attributes(text: str) -> dict[str, str]:
    """``A=1,B="x,y",C=ENUM`` → dict (quotes removed); anything else is a :class:`PlaylistError`."""
    attrs: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _ATTR_RE.match(text, pos)
        if match is None:
            raise PlaylistError(f"malformed attribute list in the playlist: {text[:120]!r}")
        name, value = match.group(1), match.group(2)
        if name in attrs:
            raise PlaylistError(f"attribute {name} appears twice in the playlist line {text[:120]!r}")
        attrs[name] = value[1:-1] if value.startswith('"') else value
        pos = match.end()
        if pos < len(text):
            if text[pos] != ",":
                raise PlaylistError(f"malformed attribute list in the playlist: {text[:120]!r}")
            pos += 1
            while pos < len(text) and text[pos] == " ":
                pos += 1
    return attrs


def _int(value: str, what: str) -> int:
    if not _DECIMAL_RE.match(value):
        raise PlaylistError(f"the playlist has an invalid {what}: {value[:40]!r}")
    return int(value)


def _float(value: str, what: str) -> float:
    if not _FLOAT_RE.match(value):
        raise PlaylistError(f"the playlist has an invalid {what}: {value[:40]!r}")
    return float(value)


def _byterange(value: str, previous_end: int | None, what: str) -> ByteRange:
    match = _BYTERANGE_RE.match(value.strip())
    if match is None:
        raise PlaylistError(f"the playlist has an invalid byte range for {what}: {value[:40]!r}")
    length = int(match.group(1))
    if match.group(2) is not None:
        offset = int(match.group(2))
    elif previous_end is not None:
        offset = previous_end
    else:
        raise PlaylistError(f"the byte range of {what} has no offset and no previous range of the same file")
    if length <= 0:
        raise PlaylistError(f"the playlist has an empty byte range for {what}")
    return ByteRange(length, offset)


def _iv(value: str) -> bytes:
    match = _HEX_RE.match(value)
    if match is None:
        raise PlaylistError(f"the playlist has an invalid encryption IV: {value[:40]!r}")
    return bytes.fromhex(match.group(1).rjust(32, "0"))


def _resolve(base: str, uri: str) -> str:
    url = urljoin(base, uri.strip())
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise PlaylistError("the playlist refers to a forbidden protocol (only http/https are allowed)")
    return url


def _key(attrs: dict[str, str], base: str) -> Key:
    method = attrs.get("METHOD")
    if not method:
        raise PlaylistError("an #EXT-X-KEY tag of the playlist has no METHOD")
    uri = attrs.get("URI")
    if method == "NONE":
        return Key("NONE", None, None, "identity")
    if uri is None:
        raise PlaylistError(f"an #EXT-X-KEY METHOD={method} tag of the playlist has no key URI")
    keyformat = attrs.get("KEYFORMAT", "identity")
    # Only plain AES-128 keys are fetched; a DRM key URI (skd://, data:...) is kept verbatim.
    resolved = _resolve(base, uri) if method == "AES-128" and keyformat == "identity" else uri
    return Key(method, resolved, _iv(attrs["IV"]) if "IV" in attrs else None, keyformat)


def _pick_key(keys: list[Key]) -> Key | None:
    """Several keys in a row describe the same segments in different formats: take the usable one."""
    active = [k for k in keys if k.method != "NONE"]
    if not active:
        return None
    return next((k for k in active if k.is_clear_aes128), active[0])


# -- playlists ---------------------------------------------------------------------------------

_MASTER_TAGS = ("#EXT-X-STREAM-INF", "#EXT-X-MEDIA:", "#EXT-X-I-FRAME-STREAM-INF")
_MEDIA_TAGS = ("#EXTINF", "#EXT-X-TARGETDURATION", "#EXT-X-ENDLIST", "#EXT-X-MEDIA-SEQUENCE")


def is_playlist(head: bytes) -> bool:
    """Whether a response body starts like an M3U8 playlist."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"#EXTM3U")


def parse_playlist(text: str, url: str) -> MasterPlaylist | MediaPlaylist:
    """Parse ``text`` fetched from ``url`` (relative URIs are resolved against it)."""
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if not lines or lines[0] != "#EXTM3U":
        raise PlaylistError("the response is not an HLS playlist (no #EXTM3U header)")
    is_master = any(line.startswith(_MASTER_TAGS) for line in lines)
    is_media = any(line.startswith(_MEDIA_TAGS) for line in lines)
    if is_master and is_media:
        raise PlaylistError("the playlist mixes master-playlist and media-playlist tags")
    if is_master:
        return _parse_master(lines[1:], url)
    return _parse_media(lines[1:], url)


def _parse_master(lines: list[str], url: str) -> MasterPlaylist:
    variants: list[Variant] = []
    renditions: list[Rendition] = []
    pending: dict[str, str] | None = None
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF:"):
            if pending is not None:
                raise PlaylistError("an #EXT-X-STREAM-INF tag of the master playlist has no URI line")
            pending = parse_attributes(line.partition(":")[2])
        elif line.startswith("#EXT-X-MEDIA:"):
            a = parse_attributes(line.partition(":")[2])
            if "TYPE" not in a or "GROUP-ID" not in a:
                raise PlaylistError("an #EXT-X-MEDIA tag of the master playlist lacks TYPE or GROUP-ID")
            renditions.append(
                Rendition(
                    type=a["TYPE"],
                    group_id=a["GROUP-ID"],
                    name=a.get("NAME", ""),
                    uri=_resolve(url, a["URI"]) if "URI" in a else None,
                    default=a.get("DEFAULT") == "YES",
                    autoselect=a.get("AUTOSELECT") == "YES",
                    language=a.get("LANGUAGE"),
                )
            )
        elif line.startswith("#"):
            continue  # I-frame playlists, session data/keys, comments, unknown tags
        else:
            if pending is None:
                raise PlaylistError("the master playlist has a URI line without #EXT-X-STREAM-INF")
            a, pending = pending, None
            if "BANDWIDTH" not in a:
                raise PlaylistError("an #EXT-X-STREAM-INF tag of the master playlist has no BANDWIDTH")
            width = height = None
            if "RESOLUTION" in a:
                res = _RESOLUTION_RE.match(a["RESOLUTION"])
                if res is None:
                    raise PlaylistError(f"the master playlist has an invalid RESOLUTION: {a['RESOLUTION'][:40]!r}")
                width, height = int(res.group(1)), int(res.group(2))
            variants.append(
                Variant(
                    uri=_resolve(url, line),
                    bandwidth=_int(a["BANDWIDTH"], "BANDWIDTH"),
                    average_bandwidth=_int(a["AVERAGE-BANDWIDTH"], "AVERAGE-BANDWIDTH")
                    if "AVERAGE-BANDWIDTH" in a
                    else None,
                    width=width,
                    height=height,
                    codecs=a.get("CODECS"),
                    audio_group=a.get("AUDIO"),
                    frame_rate=_float(a["FRAME-RATE"], "FRAME-RATE") if "FRAME-RATE" in a else None,
                )
            )
    if pending is not None:
        raise PlaylistError("the last #EXT-X-STREAM-INF tag of the master playlist has no URI line")
    if not variants:
        raise PlaylistError("the master playlist lists no variant streams")
    return MasterPlaylist(url, tuple(variants), tuple(renditions))


def _parse_media(lines: list[str], url: str) -> MediaPlaylist:
    segments: list[Segment] = []
    target: float | None = None
    media_sequence = 0
    ended = False
    playlist_type: str | None = None
    keys: list[Key] = []
    keys_closed = True  # a new #EXT-X-KEY after a segment replaces the previous set
    init: InitSection | None = None
    duration: float | None = None
    byterange_text: str | None = None
    discontinuity = gap = False
    range_end: dict[str, int] = {}  # end of the last sub-range of each URI

    for line in lines:
        if not line.startswith("#"):
            if duration is None:
                raise PlaylistError("the playlist has a segment URI without #EXTINF")
            seg_url = _resolve(url, line)
            byterange = None
            if byterange_text is not None:
                byterange = _byterange(byterange_text, range_end.get(seg_url), f"segment {len(segments) + 1}")
                range_end[seg_url] = byterange.offset + byterange.length
            segments.append(
                Segment(
                    uri=seg_url,
                    duration=duration,
                    sequence=media_sequence + len(segments),
                    byterange=byterange,
                    key=_pick_key(keys),
                    init=init,
                    discontinuity=discontinuity,
                    gap=gap,
                )
            )
            duration, byterange_text, discontinuity, gap, keys_closed = None, None, False, False, True
            continue
        tag, _, value = line.partition(":")
        if tag == "#EXTINF":
            if duration is not None:
                raise PlaylistError("the playlist has two #EXTINF tags for one segment")
            duration = _float(value.partition(",")[0].strip(), "segment duration")
        elif tag == "#EXT-X-BYTERANGE":
            byterange_text = value
        elif tag == "#EXT-X-TARGETDURATION":
            target = _float(value, "target duration")
        elif tag == "#EXT-X-MEDIA-SEQUENCE":
            if segments:
                raise PlaylistError("#EXT-X-MEDIA-SEQUENCE appears after the first segment")
            media_sequence = _int(value, "media sequence number")
        elif tag == "#EXT-X-ENDLIST":
            ended = True
        elif tag == "#EXT-X-PLAYLIST-TYPE":
            if value not in ("VOD", "EVENT"):
                raise PlaylistError(f"the playlist has an unknown #EXT-X-PLAYLIST-TYPE: {value[:20]!r}")
            playlist_type = value
        elif tag == "#EXT-X-KEY":
            if keys_closed:
                keys, keys_closed = [], False
            keys.append(_key(parse_attributes(value), url))
        elif tag == "#EXT-X-MAP":
            a = parse_attributes(value)
            if "URI" not in a:
                raise PlaylistError("an #EXT-X-MAP tag of the playlist has no URI")
            map_url = _resolve(url, a["URI"])
            map_range = _byterange(a["BYTERANGE"], 0, "the init section") if "BYTERANGE" in a else None
            init = InitSection(map_url, map_range, _pick_key(keys), media_sequence + len(segments))
        elif tag == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif tag == "#EXT-X-GAP":
            gap = True
        elif tag == "#EXT-X-I-FRAMES-ONLY":
            raise PlaylistError("the playlist is an I-frame-only playlist (no audio)")
    if duration is not None:
        raise PlaylistError("the last #EXTINF tag of the playlist has no segment URI")
    if not segments:
        raise PlaylistError("the playlist contains no segments")
    return MediaPlaylist(
        url=url,
        segments=tuple(segments),
        target_duration=target,
        media_sequence=media_sequence,
        ended=ended,
        playlist_type=playlist_type,
    )
