"""How much speech an audio file holds, by the Silero VAD that faster-whisper ships.

Used by the "transcript is not empty" check: an empty transcript is fine for music-only
audio and a defect for audio with speech.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_RATE = 16000


def speech_seconds(path: Path) -> float:
    from faster_whisper.audio import decode_audio
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    spans = get_speech_timestamps(audio, VadOptions(min_speech_duration_ms=250))
    return sum(s["end"] - s["start"] for s in spans) / SAMPLE_RATE
