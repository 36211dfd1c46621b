"""The transcript diff: known sentence changes found exactly, re-segmentation and re-punctuation
of the same words never shown as a change, word-level marks inside a rewrite, times and shifts."""

from __future__ import annotations

import sys
from pathlib import Path

from vsl_assets.compare import TimedText as T
from vsl_assets.compare import diff_transcripts, time_map

REPO = Path(__file__).resolve().parents[2]

SCRIPT = [
    "Você vai descobrir o ritual da manhã que mudou a minha vida.",
    "Milhares de pessoas já assistiram a este vídeo até o final.",
    "Eu pesava noventa quilos e nada funcionava para mim.",
    "Então uma pesquisadora me mostrou um chá de três ervas.",
    "Em duas semanas a minha calça já estava folgada.",
    "Hoje você leva o kit completo por só 47 reais.",
    "A garantia é de 30 dias, sem perguntas.",
    "Clique no botão abaixo antes que a oferta acabe.",
]


def _one_per_segment(lines: list[str], seconds: float = 4.0, offset: float = 0.0) -> list[T]:
    return [T(offset + k * seconds, offset + (k + 1) * seconds, line) for k, line in enumerate(lines)]


def _recut(lines: list[str], sizes: list[int], word_s: float = 0.3) -> list[T]:
    """The same words cut into segments of ``sizes`` words (cycled), across sentence ends."""
    words = " ".join(lines).split()
    out, at, t, k = [], 0, 0.0, 0
    while at < len(words):
        chunk = words[at : at + sizes[k % len(sizes)]]
        out.append(T(t, t + word_s * len(chunk), " " + " ".join(chunk)))
        at, t, k = at + len(chunk), t + word_s * len(chunk), k + 1
    return out


def test_the_same_words_cut_into_other_segments_are_no_change() -> None:
    diff = diff_transcripts(_one_per_segment(SCRIPT), _recut(SCRIPT, [3, 7, 5, 11]))
    assert [r.kind for r in diff.rows] == ["unchanged"] * len(SCRIPT)
    assert diff.changes == []
    assert (diff.summary.added, diff.summary.removed, diff.summary.rewritten) == (0, 0, 0)
    assert [r.old.text for r in diff.rows if r.old] == SCRIPT


def test_case_accents_and_punctuation_differences_are_no_change() -> None:
    # Whisper's second run: a sentence end became a comma, accents and case differ.
    old = _one_per_segment(["Eu pesava noventa quilos. E nada funcionava.", "Hoje é o dia!"])
    new = _one_per_segment(["eu pesava noventa quilos, e nada funcionava", "hoje e o dia."])
    diff = diff_transcripts(old, new)
    assert diff.changes == []
    assert {r.kind for r in diff.rows} == {"unchanged"}


def test_a_transcript_without_punctuation_recut_is_no_change() -> None:
    lines = [" ".join(f"palavra{k % 17} termo{(k * 7) % 23}" for k in range(n, n + 30)) for n in range(0, 600, 30)]
    diff = diff_transcripts(_one_per_segment(lines), _recut(lines, [9, 4, 13]))
    assert diff.changes == []


def test_known_sentence_changes_are_named_exactly() -> None:
    new_script = list(SCRIPT)
    new_script[5] = "Hoje você leva o kit completo por só 37 reais."  # rewritten: the price
    del new_script[2]  # removed
    new_script.insert(6, "Só hoje o frete é grátis para todo o Brasil.")  # added, after the guarantee
    diff = diff_transcripts(_one_per_segment(SCRIPT), _recut(new_script, [6, 9, 4]))
    changes = [(r.kind, r.old.text if r.old else None, r.new.text if r.new else None) for r in diff.changes]
    assert changes == [
        ("removed", SCRIPT[2], None),
        ("rewritten", SCRIPT[5], "Hoje você leva o kit completo por só 37 reais."),
        ("added", None, "Só hoje o frete é grátis para todo o Brasil."),
    ]
    rewritten = diff.changes[1]
    assert rewritten.old and rewritten.new
    assert [p.text for p in rewritten.old.pieces if p.changed] == ["47"]
    assert [p.text for p in rewritten.new.pieces if p.changed] == ["37"]
    assert "".join(p.text + " " for p in rewritten.new.pieces).strip() == rewritten.new.text
    s = diff.summary
    assert (s.added, s.removed, s.rewritten, s.unchanged) == (1, 1, 1, 6)
    assert s.seconds_removed == 4.0  # the removed sentence's own segment
    assert s.seconds_added > 0


def test_rows_carry_each_versions_times_and_the_shift() -> None:
    # A 20-second story added at the start pushes everything after it back by 20 s.
    new = [T(0, 20, "Antes de tudo deixa eu contar a história da minha avó no interior.")]
    new += _one_per_segment(SCRIPT, offset=20.0)
    diff = diff_transcripts(_one_per_segment(SCRIPT), new)
    assert diff.rows[0].kind == "added" and diff.rows[0].new and diff.rows[0].new.start == 0.0
    unchanged = [r for r in diff.rows if r.kind == "unchanged"]
    assert len(unchanged) == len(SCRIPT)
    assert all(r.shift_s == 20.0 for r in unchanged)
    assert diff.summary.max_shift_s == 20.0
    assert unchanged[3].old and unchanged[3].old.start == 12.0 and unchanged[3].new and unchanged[3].new.start == 32.0
    where = time_map(diff)
    assert where(13.0) == 33.0 and where(0.0) == 20.0


def test_a_whole_other_script_is_removed_and_added_not_rewritten() -> None:
    other = ["Aprenda inglês em quinze minutos por dia.", "O método usa as músicas que você já conhece."]
    diff = diff_transcripts(_one_per_segment(SCRIPT[:2]), _one_per_segment(other))
    assert sorted(r.kind for r in diff.rows) == ["added", "added", "removed", "removed"]


def test_empty_sides() -> None:
    assert diff_transcripts([], []).rows == []
    only_new = diff_transcripts([], _one_per_segment(SCRIPT[:2]))
    assert [r.kind for r in only_new.rows] == ["added", "added"]
    only_old = diff_transcripts(_one_per_segment(SCRIPT[:2]), [T(0, 1, "   ")])
    assert [r.kind for r in only_old.rows] == ["removed", "removed"]


def test_benchmark_pair_60_minutes_names_exactly_the_changed_sentences() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_diff
    finally:
        sys.path.pop(0)
    pair = bench_diff.make_pair(900, 30)
    assert len(pair.old) == 900 and pair.old[-1].end == 3600.0
    assert len(pair.removed) + len(pair.added) + len(pair.rewritten) == 30
    diff = diff_transcripts(pair.old, pair.new)  # its speed is bench_diff's figure, not a timed test
    removed, added, rewritten = bench_diff.found(diff)
    assert removed == pair.removed
    assert added == pair.added
    assert rewritten == pair.rewritten


def test_without_punctuation_a_changed_word_is_one_rewrite_in_a_chunk() -> None:
    words = [f"palavra{k % 17} termo{(k * 7) % 23}" for k in range(300)]
    lines = [" ".join(words[n : n + 15]) for n in range(0, 300, 15)]
    changed = list(lines)
    changed[9] = changed[9].replace("termo", "preço", 1)
    diff = diff_transcripts(_one_per_segment(lines), _recut(changed, [7, 12, 5]))
    assert [r.kind for r in diff.changes] == ["rewritten"]
    [row] = diff.changes
    assert row.new and [p.text for p in row.new.pieces if p.changed] == [changed[9].split()[1]]
    assert row.old and len(row.old.text.split()) <= 3 * 40  # a chunk, not the whole transcript
