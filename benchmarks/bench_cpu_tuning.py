"""The local engine's CPU defaults, measured: threads per model, batched decoding, VAD, and how many
transcriptions to run at once on one machine -- next to faster-whisper run directly on the same audio.

Run it from the repository root, alone on the machine (thread counts mean nothing under load)::

    .venv/bin/python benchmarks/bench_cpu_tuning.py                 # tiny.en and base, 2 rounds (~8 min on 2 cores)
    .venv/bin/python benchmarks/bench_cpu_tuning.py --models tiny.en --rounds 1 --scripts 4   # a quick look

What it does, in a fresh temporary directory and offline:

* **Corpus**: English VSL scripts read by espeak-ng (``corpus.EN_SCRIPTS``, the first ``--scripts``),
  concatenated into one 16 kHz WAV, then stored as the pipeline stores audio (Opus 32 kbit/s).
* **Configurations**, each on the stored file through ``LocalTranscriber`` (the product's path),
  interleaved round by round so that a change of machine load hits all of them alike:
  the product's default (``cpu_threads=0``: CTranslate2's own default of 4 threads), 1, 2 and
  ``os.cpu_count()`` threads, the batched pipeline on CPU, and VAD off.  The peer is faster-whisper's
  ``WhisperModel.transcribe`` with its defaults on the original WAV (the same model files).
* **Slots**: the same work as two transcriptions at once (two processes, threads split between
  them) next to one after the other with all threads: which gives more audio per wall second.

Printed per configuration: real-time factor (wall seconds per audio second, median over rounds),
CPU seconds per audio second, word error rate, and the speed ratio against the peer and against the
product's current default, all from the same run.  It always exits 0: a report, not a gate.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for p in (REPO, HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench_transcription as bt  # noqa: E402
import corpus  # noqa: E402
import ctranslate2  # noqa: E402

from vsl_assets.transcription import bundled  # noqa: E402
from vsl_assets.transcription.local_engine import LocalTranscriber  # noqa: E402

CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Config:
    name: str
    threads: int = 0
    batched: bool = False
    vad: bool = True
    #: faster-whisper's own ``transcribe`` on the WAV, with its defaults (the peer).
    direct: bool = False


@dataclass
class Result:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    errors: int = 0
    words: int = 0


def configs() -> list[Config]:
    out = [
        Config("faster-whisper direct (peer)", direct=True),
        Config("product default (threads 0 = 4)"),
        Config("threads 1", threads=1),
        Config("threads 2", threads=2),
    ]
    if CORES not in (1, 2, 4):
        out.append(Config(f"threads {CORES} (cores)", threads=CORES))
    out += [
        Config(f"threads {min(CORES, 4)}, batched 8", threads=min(CORES, 4), batched=True),
        Config(f"threads {min(CORES, 4)}, VAD off", threads=min(CORES, 4), vad=False),
    ]
    return out


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def engine_for(model_dir: Path, c: Config) -> LocalTranscriber:
    return LocalTranscriber(str(model_dir), cpu_threads=c.threads, batched=c.batched, vad_filter=c.vad)


def run_once(model_dir: Path, c: Config, program: corpus.Program, stored: Path) -> tuple[str, float, float]:
    engine = engine_for(model_dir, c)
    engine.load()  # outside the timing: the model is loaded once per process and threads setting
    ctranslate2.set_random_seed(0)
    cpu0, t0 = _cpu_s(), time.monotonic()
    if c.direct:
        segments, _ = engine.load().model.transcribe(str(program.wav), language=program.language)
        text = " ".join(s.text.strip() for s in segments)
    else:
        text = engine.transcribe(stored, language=program.language).text
    return text, time.monotonic() - t0, _cpu_s() - cpu0


def _slot_worker(model_dir: str, threads: int, audio: str, language: str, barrier, out) -> None:
    engine = LocalTranscriber(model_dir, cpu_threads=threads)
    engine.transcribe(bt.DATA / "speech_en.opus", language=language)  # load and warm up
    barrier.wait()
    t0 = time.monotonic()
    engine.transcribe(Path(audio), language=language)
    out.put((t0, time.monotonic()))


def slots(model_dir: Path, stored: Path, language: str, at_once: int, threads: int) -> float:
    """Wall seconds for ``at_once`` transcriptions of ``stored`` started together, each in its own process."""
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(at_once), ctx.Queue()
    procs = [
        ctx.Process(target=_slot_worker, args=(str(model_dir), threads, str(stored), language, barrier, out))
        for _ in range(at_once)
    ]
    for p in procs:
        p.start()
    spans = [out.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    return max(end for _, end in spans) - min(start for start, _ in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="tiny.en,base", help="comma-separated: tiny.en, base")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scripts", type=int, default=6, help="how many corpus scripts (of 12) to read")
    parser.add_argument("--no-slots", action="store_true", help="skip the two-at-once comparison")
    args = parser.parse_args()
    wanted = args.models.split(",")
    print(f"cores: {CORES}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp_name:
        tmp = Path(tmp_name)
        models: dict[str, Path] = {}
        if "tiny.en" in wanted and (tiny := bundled.bundled_tiny_en_model_dir()) is not None:
            models["tiny.en"] = tiny
        if "base" in wanted and (base := bundled.bundled_base_model_dir(tmp / "models")) is not None:
            models["base"] = base
        program = corpus.build_program(
            "en",
            corpus.EN_SCRIPTS[: args.scripts],
            tmp / "en.wav",
            bt.ffmpeg,
            (bt.DATA / "speech_en.opus", (bt.DATA / "speech_en.txt").read_text(encoding="utf-8")),
        )
        stored = bt.store(program.wav, bt.DEFAULT_SETTING, tmp)
        print(f"audio: {program.duration_s:.0f} s, {program.words} words, stored as {stored.name}")
        for model_name, model_dir in models.items():
            results = {c: Result() for c in configs()}
            for c in results:  # load every model variant and warm it up outside the timings
                engine_for(model_dir, c).transcribe(bt.DATA / "speech_en.opus", language="en")
            for r in range(args.rounds):
                order = list(results)
                random.Random(r).shuffle(order)
                for c in order:
                    text, wall, cpu = run_once(model_dir, c, program, stored)
                    scored = bt.score(program, text)
                    res = results[c]
                    res.wall.append(wall)
                    res.cpu.append(cpu)
                    res.errors += scored.errors
                    res.words += scored.reference_words
            peer = statistics.median(results[configs()[0]].wall)
            now = statistics.median(results[configs()[1]].wall)
            print(f"\n== {model_name}: {args.rounds} rounds, interleaved ==")
            header = f"{'configuration':<34} {'RTF':>6} {'CPU/s':>6} {'WER':>6} {'vs peer':>8} {'vs default':>10}"
            print(header)
            print("-" * len(header))
            for c, res in results.items():
                wall = statistics.median(res.wall)
                print(
                    f"{c.name:<34} {wall / program.duration_s:>6.3f} "
                    f"{statistics.median(res.cpu) / program.duration_s:>6.3f} {res.errors / max(res.words, 1):>6.3f} "
                    f"{peer / wall:>7.2f}x {now / wall:>9.2f}x"
                )
            if not args.no_slots and CORES >= 2:
                one = slots(model_dir, stored, "en", 1, CORES)
                one_total = 2 * one
                two = slots(model_dir, stored, "en", 2, max(1, CORES // 2))
                print(
                    f"two transcriptions: one at a time with {CORES} threads {one_total:.1f} s; "
                    f"two at once with {max(1, CORES // 2)} thread(s) each {two:.1f} s "
                    f"({one_total / two:.2f}x the audio per wall second)"
                )
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
