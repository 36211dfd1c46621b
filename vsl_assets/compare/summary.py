"""A diff as a few lines of Markdown: what an operator reads in Dagster's metadata, a webhook's
text, or a log line — the counts, the fields that changed, the beats that moved, the first
changed sentences.  English and codes on purpose (the pages translate; this is the operator's)."""

from __future__ import annotations

from typing import Any

from vsl_assets.compare.facts import FIELDS
from vsl_assets.compare.models import Diff
from vsl_assets.core.humanize import clock

_KINDS = dict(FIELDS)


def _value(field: str, value: Any) -> str:
    if value is None:
        return "—"
    kind = _KINDS.get(field)
    if kind == "price" and isinstance(value, dict):
        text = f"{value.get('currency') or ''} {float(value.get('amount') or 0):,.2f}".strip()
        if value.get("installments") and value.get("installment_amount"):
            text += f" ({value['installments']}x {float(value['installment_amount']):,.2f})"
        return text
    if kind == "seconds":
        return clock(float(value))
    return str(value)


def _signed(seconds: float) -> str:
    return ("+" if seconds >= 0 else "-") + clock(abs(seconds))


def describe(diff: Diff, *, sentences: int = 5) -> str:
    s = diff.transcript.summary
    lines = [
        f"**Transcript**: {s.rewritten} rewritten, {s.added} added ({_signed(s.seconds_added)}), "
        f"{s.removed} removed ({_signed(-s.seconds_removed)}), {s.unchanged} unchanged; "
        f"script moved by up to {_signed(s.max_shift_s)}"
    ]
    fields = [f for f in diff.breakdown.fields if f.status in ("changed", "added", "removed")]
    if fields:
        lines.append("")
        lines.append("**Breakdown**:")
        lines += [f"- {f.field}: {_value(f.field, f.old)} → {_value(f.field, f.new)}" for f in fields]
    unknown = [f.field for f in diff.breakdown.fields if f.status == "unknown"]
    if unknown:
        lines.append(f"- not compared (not sure): {', '.join(unknown)}")
    beats = [b for b in diff.breakdown.beats if b.status != "same"]
    if beats:
        lines.append("")
        lines.append(
            "**Beats**: "
            + ", ".join(
                f"{b.beat} {b.status}"
                + (f" {_signed(b.shift_s)}" if b.status == "moved" and b.shift_s is not None else "")
                for b in beats
            )
        )
    changes = diff.transcript.changes
    if changes:
        lines.append("")
        for r in changes[:sentences]:
            if r.kind == "rewritten" and r.old and r.new:
                lines.append(f"- ~ [{clock(r.new.start)}] “{r.old.text}” → “{r.new.text}”")
            elif r.kind == "added" and r.new:
                lines.append(f"- + [{clock(r.new.start)}] “{r.new.text}”")
            elif r.old:
                lines.append(f"- - [{clock(r.old.start)}] “{r.old.text}”")
        if len(changes) > sentences:
            lines.append(f"- … and {len(changes) - sentences} more")
    return "\n".join(lines)
