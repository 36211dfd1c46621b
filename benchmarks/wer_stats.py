"""Per-script word errors and a paired bootstrap, so a WER ratio comes with its uncertainty.

Used by ``bench_transcription.py``.  The whole hypothesis is aligned once against the whole
reference (minimum word edit distance, the same total as ``quality.word_error_rate``), and each
error is charged to the script its reference word belongs to (an insertion to the next reference
word).  Per-script counts of two systems on the same scripts are then resampled together
(paired bootstrap over scripts, Bisani & Ney 2004): the interval of ``sum(pipe) / sum(direct)``
says whether a ratio like 1.05 can be told apart from noise on a corpus of this size.

Why this matters here: faster-whisper with ``beam_size=5`` and no temperature fallback is
deterministic, yet a *perceptually null* change of the input (1 LSB of dither, a 20 ms shift,
-1 dB of gain) moves tiny.en's word errors on the 12-script English program between 44 and 58
(direct 47) and base's between 35 and 50 (direct 41): the decoder's segmentation and beam
choices are chaotic in the input, so every single measurement carries ~±10-15 % of noise.
Compressing the audio is such a change, so a codec's "effect" of that size is not an effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vsl_assets.transcription.quality import normalise_words


@dataclass(frozen=True)
class Scored:
    """A hypothesis scored against a program: totals and word errors per script."""

    errors: int
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int
    per_script: tuple[int, ...]

    @property
    def wer(self) -> float:
        return self.errors / self.reference_words if self.reference_words else 0.0

    def folded(self, copies: int) -> Scored:
        """The errors of ``copies`` consecutive copies of the same scripts charged to the scripts of one
        copy: repeated readings of one script are one unit of the bootstrap, not independent ones."""
        if copies <= 1:
            return self
        n = len(self.per_script) // copies
        if n * copies != len(self.per_script):
            raise ValueError(f"{len(self.per_script)} scripts do not fold into {copies} copies")
        per = np.array(self.per_script).reshape(copies, n).sum(axis=0)
        return Scored(
            self.errors,
            self.substitutions,
            self.deletions,
            self.insertions,
            self.reference_words,
            tuple(int(x) for x in per),
        )


def align(ref: list[str], hyp: list[str]) -> tuple[list[int], int, int, int]:
    """Errors charged to each reference position (len(ref)+1: the last slot takes trailing
    insertions), and the (substitutions, deletions, insertions) of one minimum alignment."""
    n, m = len(ref), len(hyp)
    # cost[i][j] = edit distance of ref[:i] and hyp[:j]; rows kept for the backtrace.
    cost = [list(range(m + 1))]
    for i in range(1, n + 1):
        prev, row, r = cost[-1], [i], ref[i - 1]
        for j in range(1, m + 1):
            best = prev[j - 1] + (r != hyp[j - 1])
            if prev[j] + 1 < best:
                best = prev[j] + 1
            if row[j - 1] + 1 < best:
                best = row[j - 1] + 1
            row.append(best)
        cost.append(row)
    charged = [0] * (n + 1)
    subs = dels = ins = 0
    i, j = n, m
    while i > 0 or j > 0:
        here = cost[i][j]
        if i > 0 and j > 0 and cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]) == here:
            if ref[i - 1] != hyp[j - 1]:
                subs += 1
                charged[i - 1] += 1
            i, j = i - 1, j - 1
        elif i > 0 and cost[i - 1][j] + 1 == here:
            dels += 1
            charged[i - 1] += 1
            i -= 1
        else:
            ins += 1
            charged[i] += 1  # before reference word i (or after the last one)
            j -= 1
    return charged, subs, dels, ins


def score_scripts(script_refs: list[str], hypothesis: str) -> Scored:
    """Score ``hypothesis`` against the scripts read in order (texts already number-normalised)."""
    words = [normalise_words(s) for s in script_refs]
    ref = [w for ws in words for w in ws]
    charged, subs, dels, ins = align(ref, normalise_words(hypothesis))
    per, at = [], 0
    for k, ws in enumerate(words):
        end = at + len(ws) + (1 if k == len(words) - 1 else 0)  # trailing insertions go to the last script
        per.append(sum(charged[at:end]))
        at += len(ws)
    return Scored(subs + dels + ins, subs, dels, ins, len(ref), tuple(per))


@dataclass(frozen=True)
class RatioCI:
    ratio: float
    low: float
    high: float
    difference: int  # pipeline errors minus direct errors


def paired_ratio(
    pipe: list[Scored], direct: list[Scored], *, level: float = 0.90, draws: int = 4000, seed: int = 7
) -> RatioCI:
    """sum(pipe)/sum(direct) over all runs and scripts, with a paired bootstrap interval over scripts.

    ``pipe`` and ``direct`` are lists of runs (one per input variant) on the same program; the
    runs of a script are resampled together, so repeated runs narrow the interval only as much
    as they really average out.
    """
    p = np.array([r.per_script for r in pipe], dtype=float).sum(axis=0)
    d = np.array([r.per_script for r in direct], dtype=float).sum(axis=0)
    ratio = float(p.sum() / d.sum()) if d.sum() else float("inf")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(p), size=(draws, len(p)))
    ps, ds = p[idx].sum(axis=1), d[idx].sum(axis=1)
    ratios = np.where(ds > 0, ps / np.maximum(ds, 1e-9), np.inf)
    tail = (1 - level) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return RatioCI(ratio, float(low), float(high), int(p.sum() - d.sum()))


def verdict(ci: RatioCI, target: float) -> str:
    """PASS / FAIL when the interval is clear of ``target``; lower case when noise cannot tell."""
    if ci.high <= target:
        return "PASS"
    if ci.low > target:
        return "FAIL"
    return "pass~" if ci.ratio <= target else "fail~"
