"""``media.probe.audio_gaps`` on an MP4 answers from the sample table (no demux of every packet).

The MP4s here are built box by box (what the mov muxer writes for a remux: ``moov`` > ``trak`` >
``mdia`` > ``mdhd``/``hdlr``/``minf`` > ``stbl`` > ``stts``), so the tests run in milliseconds; a
real download with a segment cut short is ``test_hls.test_segment_cut_short_is_missing_audio...``.
"""

import struct
from pathlib import Path

from vsl_assets.media.probe import Gap, audio_gaps, mp4_audio_durations

#: AAC at 44.1 kHz: 1024 samples a frame (~23 ms).
RATE = 44100
FRAME = 1024


def box(kind: bytes, *children: bytes, payload: bytes = b"") -> bytes:
    body = payload + b"".join(children)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def track(handler: bytes, timescale: int, runs: list[tuple[int, int]], *, mdhd_version: int = 0) -> bytes:
    if mdhd_version == 1:
        mdhd = bytes([1, 0, 0, 0]) + bytes(16) + struct.pack(">IQ", timescale, 0) + bytes(4)
    else:
        mdhd = bytes(4) + bytes(8) + struct.pack(">II", timescale, 0) + bytes(4)
    hdlr = bytes(4) + bytes(4) + handler + bytes(12) + b"\0"
    stts = bytes(4) + struct.pack(">I", len(runs)) + b"".join(struct.pack(">II", c, d) for c, d in runs)
    stbl = box(b"stbl", box(b"stts", payload=stts))
    return box(b"trak", box(b"mdia", box(b"mdhd", payload=mdhd), box(b"hdlr", payload=hdlr), box(b"minf", stbl)))


def mp4(path: Path, *tracks: bytes, moov_last: bool = False, extra: bytes = b"") -> Path:
    ftyp = box(b"ftyp", payload=b"isom\0\0\2\0isomiso2mp41")
    moov = box(b"moov", box(b"mvhd", payload=bytes(100)), *tracks, extra)
    mdat = box(b"mdat", payload=bytes(64))
    path.write_bytes(ftyp + (mdat + moov if moov_last else moov + mdat))
    return path


def test_a_jump_in_the_audio_samples_is_a_gap_where_it_starts(tmp_path: Path) -> None:
    # 100 frames, then one frame followed by 1.5 s of nothing, then 50 frames.
    file = mp4(tmp_path / "v.mp4", track(b"soun", RATE, [(100, FRAME), (1, FRAME + 66150), (50, FRAME)]))
    (gap,) = audio_gaps(file, 0.5)
    assert gap == Gap(at_s=round(100 * FRAME / RATE, 3), length_s=round((FRAME + 66150) / RATE, 3))
    assert gap.length_s > 1.5


def test_the_video_track_and_the_last_frame_are_not_gaps(tmp_path: Path) -> None:
    # A slideshow's video holds one frame for seconds; the last audio frame's duration is its own.
    slideshow = track(b"vide", 90000, [(3, 5 * 90000)])
    audio = track(b"soun", 48000, [(200, 960), (1, 3 * 48000)], mdhd_version=1)
    assert audio_gaps(mp4(tmp_path / "v.mp4", slideshow, audio), 0.5) == []
    assert mp4_audio_durations(tmp_path / "v.mp4") == (48000, [(200, 960), (1, 3 * 48000)])


def test_the_index_after_the_media_is_read_too(tmp_path: Path) -> None:
    file = mp4(tmp_path / "v.mp4", track(b"soun", RATE, [(10, FRAME), (2, RATE), (5, FRAME)]), moov_last=True)
    assert audio_gaps(file, 0.5) == [
        Gap(round(10 * FRAME / RATE, 3), 1.0),
        Gap(round((10 * FRAME + RATE) / RATE, 3), 1.0),
    ]


def test_what_the_table_cannot_answer_is_left_to_the_demuxer(tmp_path: Path) -> None:
    fragmented = mp4(tmp_path / "f.mp4", track(b"soun", RATE, [(10, FRAME)]), extra=box(b"mvex"))
    silent = mp4(tmp_path / "s.mp4", track(b"vide", 90000, [(10, 3000)]))
    not_mp4 = tmp_path / "x.ts"
    not_mp4.write_bytes(b"\x47" + bytes(187))
    assert [mp4_audio_durations(p) for p in (fragmented, silent, not_mp4)] == [None, None, None]


def test_a_box_that_runs_to_the_end_is_read_by_each_walk_as_its_own_end(tmp_path: Path) -> None:
    """A size of 0 is "to the end": the sample-table walk reads a last ``moov`` declared so as the
    rest of the file; a reader of a file's first bytes reads it as "nothing after this box"."""
    from vsl_assets.media import download
    from vsl_assets.media.isobmff import box_header, box_in

    file = mp4(tmp_path / "v.mp4", track(b"soun", RATE, [(10, FRAME), (2, RATE)]), moov_last=True)
    data = bytearray(file.read_bytes())
    moov_at = data.index(b"moov") - 4
    data[moov_at : moov_at + 4] = bytes(4)  # the last box: its size says "to the end of the file"
    file.write_bytes(bytes(data))
    assert box_in(bytes(data), moov_at, len(data) - moov_at) == (b"moov", 8, len(data) - moov_at)
    assert mp4_audio_durations(file) == (RATE, [(10, FRAME), (2, RATE)])

    ftyp = box(b"ftyp", payload=b"isom\0\0\2\0")
    to_the_end = bytes(4) + b"free" + bytes(8)
    assert download.index_first(ftyp + to_the_end + box(b"moov")) is False  # nothing follows such a box
    # A 64-bit size shorter than its own 16-byte header is broken, whatever the bytes after say.
    broken = (1).to_bytes(4, "big") + b"free" + (12).to_bytes(8, "big") + b"moov" + bytes(8)
    assert box_header(broken, 0) == (b"free", 16, 12)
    assert download.index_first(ftyp + broken) is False
    assert box_in(broken, 0, len(broken)) is None
