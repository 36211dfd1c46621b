"""Which variant and which audio rendition of a master playlist to download."""

from __future__ import annotations

from vsl_assets.media.hls.options import parse_policy
from vsl_assets.media.hls.playlist import MasterPlaylist, Rendition, Variant


def choose_variant(master: MasterPlaylist, policy: str = "best<=720") -> Variant:
    """Pick one variant; audio-only variants are considered only when there is nothing else.

    Variants without RESOLUTION rank below any with one; when no variant declares a resolution,
    "best<=N" cannot judge heights and takes the highest bandwidth.
    """
    kind, cap = parse_policy(policy)
    pool = [v for v in master.variants if not v.audio_only] or list(master.variants)

    def rank(v: Variant) -> tuple[int, int]:
        return (v.height or 0, v.bandwidth)

    if kind == "best":
        return max(pool, key=rank)
    if kind == "smallest":
        return min(pool, key=rank)
    assert cap is not None
    known = [v for v in pool if v.height is not None]
    if not known:
        return max(pool, key=lambda v: v.bandwidth)
    under = [v for v in known if v.height is not None and v.height <= cap]
    return max(under, key=rank) if under else min(known, key=rank)


def choose_audio_rendition(master: MasterPlaylist, variant: Variant) -> Rendition | None:
    """The variant's audio rendition that needs its own download, or None (audio is muxed in).

    The DEFAULT=YES rendition of the variant's AUDIO group, else the first AUTOSELECT=YES, else
    the first; a chosen rendition without URI means the audio is inside the variant's segments.
    """
    group = master.audio_renditions(variant.audio_group) if variant.audio_group else ()
    if not group:
        return None
    chosen = next((r for r in group if r.default), None) or next((r for r in group if r.autoselect), group[0])
    return chosen if chosen.uri else None
