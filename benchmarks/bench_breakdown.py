"""Score a breakdown engine on the labelled set, per field, per language and per split; time it.

    .venv/bin/python benchmarks/bench_breakdown.py                       # local engine, dev and holdout
    .venv/bin/python benchmarks/bench_breakdown.py --split holdout
    .venv/bin/python benchmarks/bench_breakdown.py --engine openai       # needs OPENAI_API_KEY (and a model)
    .venv/bin/python benchmarks/bench_breakdown.py --split leads --misses  # lead and awareness on the openings set

Fields and how each is scored (``benchmarks/breakdown_set/README.md`` has the set's format):

* niche top / sub: exact ``top`` and exact ``top/sub``;
* lead, awareness: exact; awareness ±1 also accepts the next level up or down (Schwartz's order);
* offer price: amount (to the cent) and currency both right; a video without a price is right when
  the engine reports none;  guarantee: exact days (none = none);  pitch: within ±15 s (none = none);
* beats: a predicted beat matches an unmatched gold beat of the same label starting within ±20 s;
  precision, recall and F1 are micro-averaged over the files.

The ``leads`` split (``breakdown_set/leads/<lang>.json``: 60 openings of 60-75 s, labelled only with
lead type, awareness and niche; ``leads-check``: 18 more in ``leads/check/``, written after the rules
were tuned on the 60, kept for checking only) scores lead exact and awareness exact / ±1, per language and per gold
lead type; it is a second, independent check on the two judgement fields that dev alone over-fits.

Speed: a 60-minute transcript is built by concatenating the dev transcripts (times shifted) and the
engine is timed on it (median of several runs) next to a baseline measured in the same run: a
trivial pass that only lowercases and tokenizes the same text, the floor any engine pays.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from vsl_assets.breakdown.engine import BreakdownEngine, analyze, get_engine  # noqa: E402
from vsl_assets.breakdown.models import AWARENESS_LEVELS, Breakdown  # noqa: E402
from vsl_assets.transcription.models import Segment  # noqa: E402

SET = ROOT / "breakdown_set"
PITCH_TOLERANCE_S = 15.0
BEAT_TOLERANCE_S = 20.0
TARGETS = {
    "niche_top": 0.90,
    "niche_sub": 0.75,
    "lead": 0.50,
    "offer_price": 0.85,
    "guarantee": 0.90,
    "pitch_15s": 0.70,
    "beat_f1": 0.60,
}
FIELDS = ("niche_top", "niche_sub", "lead", "awareness", "awareness_1", "offer_price", "guarantee", "pitch_15s")


@dataclass
class Sample:
    name: str
    split: str
    language: str
    segments: list[Segment]
    gold: dict[str, Any]


@dataclass
class Tally:
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    n: int = 0
    beat_tp: int = 0
    beat_pred: int = 0
    beat_gold: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        return self.hits[name] / self.n if self.n else float("nan")

    def beats(self) -> tuple[float, float, float]:
        p = self.beat_tp / self.beat_pred if self.beat_pred else 0.0
        r = self.beat_tp / self.beat_gold if self.beat_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def load(split: str) -> list[Sample]:
    samples = []
    for path in sorted((SET / split).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        segs = [Segment(float(s["start"]), float(s["end"]), s["text"]) for s in data["segments"]]
        samples.append(Sample(path.stem, split, data["language"], segs, data["gold"]))
    return samples


def load_leads(folder: str = "leads") -> list[Sample]:
    """The openings set: one JSON list per language, each item a named opening with its gold labels."""
    samples = []
    for path in sorted((SET / folder).glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            segs = [Segment(float(s["start"]), float(s["end"]), s["text"]) for s in item["segments"]]
            samples.append(Sample(item["name"], "leads", item["language"], segs, item["gold"]))
    return samples


def _awareness_close(pred: str | None, gold: str) -> bool:
    return pred is not None and abs(AWARENESS_LEVELS.index(pred) - AWARENESS_LEVELS.index(gold)) <= 1


def leads_report(engine: BreakdownEngine, show_misses: bool, folder: str = "leads") -> str:
    """Lead exact, awareness exact and ±1 on the openings set, per language and per gold lead type."""
    groups: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    misses: list[str] = []
    samples = load_leads(folder)
    for sample in samples:
        b = analyze(sample.segments, sample.language, engine)
        gold_lead, gold_aw = sample.gold["lead_type"], sample.gold["awareness"]
        row = (b.lead_type == gold_lead, b.awareness == gold_aw, _awareness_close(b.awareness, gold_aw))
        for key in ("leads", f"leads/{sample.language}", f"gold={gold_lead}"):
            groups[key].append(row)
        if not row[0]:
            misses.append(f"{sample.name}: lead {b.lead_type} (gold {gold_lead})")
        if not row[1]:
            misses.append(f"{sample.name}: awareness {b.awareness} (gold {gold_aw})")
    head = "| set                    |   n |  lead | aware | aw±1 |"
    lines = [
        f"\n{folder} ({len(samples)} openings)",
        head,
        "|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|",
    ]
    order = sorted(groups, key=lambda k: (k.startswith("gold="), k.count("/"), k))
    for key in order:
        rows = groups[key]
        n = len(rows)
        lead, aware, close = (sum(r[i] for r in rows) / n for i in range(3))
        lines.append(f"| {key:<22} | {n:>3} | {lead:5.2f} | {aware:5.2f} | {close:4.2f} |")
    if show_misses:
        lines.append("misses:\n  " + "\n  ".join(misses))
    return "\n".join(lines)


def _price_ok(pred: Any, gold: dict[str, Any] | None) -> bool:
    if not gold:
        return pred is None
    return pred is not None and abs(pred.amount - float(gold["amount"])) < 0.005 and pred.currency == gold["currency"]


def _within(pred: float | None, gold: float | None, tolerance: float) -> bool:
    if gold is None:
        return pred is None
    return pred is not None and abs(pred - gold) <= tolerance


def match_beats(pred: Sequence[tuple[str, float]], gold: Sequence[tuple[str, float]]) -> int:
    """Greedy one-to-one matching, closest pairs first: same label, starts within the tolerance."""
    pairs = sorted(
        (abs(ps - gs), i, j)
        for i, (pl, ps) in enumerate(pred)
        for j, (gl, gs) in enumerate(gold)
        if pl == gl and abs(ps - gs) <= BEAT_TOLERANCE_S
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p)


def score(sample: Sample, b: Breakdown, tally: Tally) -> None:
    g = sample.gold
    gold_top, _, _ = str(g["niche"]).partition("/")
    checks = {
        "niche_top": b.niche_top == gold_top,
        "niche_sub": b.niche == g["niche"],
        "lead": b.lead_type == g["lead_type"],
        "awareness": b.awareness == g["awareness"],
        "awareness_1": b.awareness is not None
        and abs(AWARENESS_LEVELS.index(b.awareness) - AWARENESS_LEVELS.index(g["awareness"])) <= 1,
        "offer_price": _price_ok(b.offer_price, g.get("offer_price")),
        "guarantee": b.guarantee_days == g.get("guarantee_days"),
        "pitch_15s": _within(b.pitch_s, g.get("pitch_s"), PITCH_TOLERANCE_S),
    }
    tally.n += 1
    for name, ok in checks.items():
        tally.hits[name] += int(ok)
        if not ok and name != "awareness_1":
            tally.misses.append(f"{sample.name}:{name}")
    pred = [(x.beat, x.start) for x in b.beats]
    gold = [(x["beat"], float(x["start"])) for x in g["beats"]]
    tally.beat_tp += match_beats(pred, gold)
    tally.beat_pred += len(pred)
    tally.beat_gold += len(gold)


def _row(label: str, t: Tally) -> str:
    p, r, f = t.beats()
    cells = [f"{t.rate(name):5.2f}" for name in FIELDS]
    return f"| {label:<14} | {t.n:>3} | " + " | ".join(cells) + f" | {p:4.2f} | {r:4.2f} | {f:4.2f} |"


def table(title: str, tallies: dict[str, Tally]) -> str:
    head = "| " + " | ".join(["set".ljust(14), "  n", *[f"{n[:5]:>5}" for n in FIELDS], "b.P ", "b.R ", "b.F1"]) + " |"
    rule = "|" + "|".join("-" * len(cell) for cell in head.split("|")[1:-1]) + "|"
    lines = [f"\n{title}", head, rule]
    lines += [_row(label, t) for label, t in tallies.items()]
    return "\n".join(lines)


def build_engine(name: str) -> BreakdownEngine:
    if name == "local":
        return get_engine("local")
    from vsl_assets.breakdown.openai_engine import OpenAIBreakdownEngine

    kwargs: dict[str, Any] = {"api_key": os.environ.get("OPENAI_API_KEY", "")}
    if os.environ.get("VSL_BREAKDOWN_MODEL"):
        kwargs["model"] = os.environ["VSL_BREAKDOWN_MODEL"]
    if os.environ.get("OPENAI_BASE_URL"):
        kwargs["base_url"] = os.environ["OPENAI_BASE_URL"]
    return OpenAIBreakdownEngine(**kwargs)


def long_transcript(samples: list[Sample], seconds: float = 3600.0) -> list[Segment]:
    """Dev transcripts one after another (times shifted) until the total reaches ``seconds``."""
    out: list[Segment] = []
    offset = 0.0
    while offset < seconds:
        for s in samples:
            end = max(x.end for x in s.segments)
            out += [Segment(x.start + offset, x.end + offset, x.text) for x in s.segments]
            offset += end
            if offset >= seconds:
                break
    return out


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def speed(engine: BreakdownEngine, samples: list[Sample], language: str, repeats: int) -> str:
    same = [s for s in samples if s.language == language] or samples
    segs = long_transcript(same)
    words = sum(len(s.text.split()) for s in segs)

    def baseline() -> object:
        return [re.findall(r"\w+", s.text.lower()) for s in segs]

    base = _median_ms(baseline, repeats)
    took = _median_ms(lambda: analyze(segs, language, engine), repeats)
    return (
        f"speed ({language}, {segs[-1].end / 60:.0f} min, {len(segs)} segments, {words} words, median of {repeats}): "
        f"engine {took:.0f} ms, baseline tokenize-only {base:.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=("local", "openai"), default="local")
    ap.add_argument("--split", choices=("dev", "holdout", "leads", "leads-check", "all"), default="all")
    ap.add_argument("--repeats", type=int, default=5, help="timing runs for the speed figure (0 skips it)")
    ap.add_argument("--misses", action="store_true", help="list the file:field pairs the engine got wrong")
    args = ap.parse_args(argv)
    engine = build_engine(args.engine)
    if args.split in ("leads", "leads-check"):
        print(f"engine {engine.engine} / {engine.model}")
        print(leads_report(engine, args.misses, "leads" if args.split == "leads" else "leads/check"))
        return 0
    splits = ["dev", "holdout"] if args.split == "all" else [args.split]
    print(f"engine {engine.engine} / {engine.model}; beats ±{BEAT_TOLERANCE_S:g} s, pitch ±{PITCH_TOLERANCE_S:g} s")
    all_tallies: dict[str, Tally] = {}
    for split in splits:
        samples = load(split)
        if not samples:
            print(f"\n{split}: no files in {SET / split}")
            continue
        tallies: dict[str, Tally] = defaultdict(Tally)
        for sample in samples:
            b = analyze(sample.segments, sample.language, engine)
            for key in (split, f"{split}/{sample.language}"):
                score(sample, b, tallies[key])
        ordered = {k: tallies[k] for k in sorted(tallies, key=lambda k: (k.count("/"), k))}
        print(table(f"{split} ({len(samples)} files)", ordered))
        all_tallies[split] = tallies[split]
        if args.misses:
            print("misses:", " ".join(tallies[split].misses))
    for split, t in all_tallies.items():
        _, _, f1 = t.beats()
        got = {**{k: t.rate(k) for k in ("niche_top", "niche_sub", "lead", "offer_price", "guarantee", "pitch_15s")}}
        got["beat_f1"] = f1
        verdict = ", ".join(
            f"{k} {v:.2f}{'' if v >= TARGETS[k] else ' (< ' + format(TARGETS[k], '.2f') + ')'}" for k, v in got.items()
        )
        print(f"\ntargets on {split}: {verdict}")
    if args.repeats > 0 and args.engine == "local":
        dev = load("dev")
        if dev:
            for language in sorted({s.language for s in dev}):
                print(speed(engine, dev, language, args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
