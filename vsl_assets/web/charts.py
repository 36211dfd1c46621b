"""Charts drawn on the server as SVG: bars, a scatter and a beat timeline, each mark a link.

No chart library and no script: the page works without JavaScript and prints.  Every mark is an
``<a>`` with a ``<title>`` ("story: 12 VSLs"), so a screen reader reads each bar as a link with its
value, and every chart has a ``<title>`` and a text summary; the insights page also lists the
numbers as a table.  Text is escaped here (``markupsafe``), since transcripts and labels come from
outside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from markupsafe import Markup, escape

from vsl_assets.services.insights import Bar, BeatStat, Point

Translate = Callable[[str], str]
WIDTH = 420
ROW = 26
#: Room left of the bars for a label: 17 characters at 15 px (``insights.css``) are ~150 units
#: ("Chamada para ação", "Consciente da sol…"); at 130 the start of such a label was cut off.
LABEL_W = 170
#: Characters a label keeps (the rest becomes "…"): ``LABEL_W`` over a wide glyph (0.6 em at 15 px).
LABEL_ROOM = int((LABEL_W - 6) / 9)


def _short(label: str, room: int = LABEL_ROOM) -> str:
    """A label that fits left of the bars (the whole of it is in the mark's ``<title>``)."""
    return label if len(label) <= room else label[: room - 1] + "\u2026"


def _svg(title: str, desc: str, height: int, body: str, chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" role="group" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title><desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def bars(
    chart_id: str,
    title: str,
    items: Sequence[Bar],
    unknown: int,
    _: Translate,
    *,
    words: Translate | None = None,
    unit: tuple[str, str] = ("VSL", "VSLs"),
) -> Markup:
    """Horizontal bars, one per value, longest = largest; the unknown count as a grey bar (no link).
    ``words`` reads a coded value (a lead type, an awareness level) as words; ``unit`` is what is
    counted, for one and for more ("História: 1 VSL", "Oferta: 3 VSLs")."""
    rows = [(words(b.label) if words else b.label, b.count, b.link) for b in items]
    if unknown:
        rows.append((_("unknown"), unknown, ""))
    top = max((n for _l, n, _k in rows), default=0) or 1
    span = WIDTH - LABEL_W - 60
    out: list[str] = []
    for i, (label, n, link) in enumerate(rows):
        y = i * ROW + 4
        w = max(2, round(span * n / top))
        name = f"{label}: {n} {_(unit[n != 1])}"
        mark = (
            f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end" class="label">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{ROW - 8}" class="{"bar" if link else "bar unknown"}"/>'
            f'<text x="{LABEL_W + w + 6}" y="{y + 16}" class="value">{n}</text>'
        )
        if link:
            out.append(f'<a href="{escape(link)}" class="mark"><title>{escape(name)}</title>{mark}</a>')
        else:
            out.append(f'<g class="mark"><title>{escape(name)}</title>{mark}</g>')
    desc = "; ".join(f"{label}: {n}" for label, n, _k in rows) or _("No data yet.")
    return _svg(title, desc, max(ROW, len(rows) * ROW + 8), "".join(out), chart_id)


def _with(link: str, **more: float) -> str:
    """A library link (``/?a=b``) with more filters."""
    extra = urlencode({k: repr(float(v)) for k, v in more.items()})  # exact: the filter is inclusive
    return f"{link}&{extra}" if "?" in link and not link.endswith("?") else f"/?{extra}"


def scatter(chart_id: str, title: str, points: Sequence[Point], _: Translate, scope_link: str = "/?") -> Markup:
    """Pitch second (y) against duration (x), both in minutes; each dot links to the pitch moment."""
    height, left, bottom, pad = 320, 48, 36, 24  # pad: room above for the y label
    top_x = max((p.duration_s for p in points), default=60.0) / 60 or 1.0
    top_y = max((p.pitch_s for p in points), default=60.0) / 60 or 1.0
    top = max(top_x, top_y)
    plot_w, plot_h = WIDTH - left - pad, height - bottom - pad

    def x(minutes: float) -> float:
        return left + plot_w * minutes / top

    def y(minutes: float) -> float:
        return pad + plot_h * (1 - minutes / top)

    ticks = _ticks(top)
    out = [
        f'<line x1="{left}" y1="{pad + plot_h}" x2="{left + plot_w}" y2="{pad + plot_h}" class="axis"/>',
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + plot_h}" class="axis"/>',
        # The diagonal: a pitch at the very end.  Dots far under it pitch early.
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(top):.1f}" y2="{y(top):.1f}" class="diagonal"/>',
    ]
    for t in ticks:
        out.append(f'<text x="{x(t):.1f}" y="{height - 14}" text-anchor="middle" class="tick">{t:g}</text>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" class="tick">{t:g}</text>')
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 1}" text-anchor="middle" class="axis-label">'
        f"{escape(_('Duration (min)'))}</text>"
    )
    out.append(f'<text x="4" y="{pad - 10}" class="axis-label">{escape(_("Pitch (min)"))}</text>')
    # VSLs at the very same place would hide each other: one dot for them all, a little larger,
    # linking to the library filtered to that pitch second and duration (both ranges inclusive).
    same: dict[tuple[float, float], list[Point]] = {}
    for p in points:
        same.setdefault((p.duration_s, p.pitch_s), []).append(p)
    for (duration, pitch), group in same.items():
        where = f"{_('pitch')} {pitch / 60:.1f} min / {duration / 60:.1f} min"
        if len(group) == 1:
            name, link, r = f"{group[0].key}: {where}", group[0].link, 5
        else:
            name = f"{len(group)} {_('VSLs')}: {where}"
            link = _with(scope_link, pitch_min=pitch, pitch_max=pitch, duration_min=duration, duration_max=duration)
            r = 7
        out.append(
            f'<a href="{escape(link)}" class="mark"><title>{escape(name)}</title>'
            f'<circle cx="{x(duration / 60):.1f}" cy="{y(pitch / 60):.1f}" r="{r}" class="dot"/></a>'
        )
    desc = _(
        "{n} VSL: the offer section's start against the VSL's length."
        if len(points) == 1
        else "{n} VSLs: the offer section's start against the VSL's length."
    ).replace("{n}", str(len(points)))
    return _svg(title, desc, height, "".join(out), chart_id)


def _ticks(top: float) -> list[float]:
    step = next((s for s in (1, 2, 5, 10, 15, 20, 30, 60) if top / s <= 6), 120)
    return [float(v) for v in range(0, int(top) + 1, step)]


def beats(chart_id: str, title: str, items: Sequence[BeatStat], _: Translate, words: Translate) -> Markup:
    """One row per beat in its typical order: a bar from its mean start to its mean end (as a share
    of the VSL), and in how many VSLs it occurs; ``words`` reads a beat's code as words."""
    span = WIDTH - LABEL_W - 70
    out: list[str] = []
    for i, b in enumerate(items):
        y = i * ROW + 4
        x0 = LABEL_W + span * b.mean_start
        w = max(3.0, span * (b.mean_end - b.mean_start))
        name = (
            f"{words(b.beat)}: {b.count} {_('VSL') if b.count == 1 else _('VSLs')}, "
            f"{round(b.mean_start * 100)}%\u2013{round(b.mean_end * 100)}% {_('of the VSL')}"
        )
        out.append(
            f'<a href="{escape(b.link)}" class="mark"><title>{escape(name)}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end" class="label">{escape(_short(words(b.beat)))}</text>'
            f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{ROW - 8}" class="bar beat"/>'
            f'<text x="{LABEL_W + span + 8}" y="{y + 16}" class="value">{b.count}</text></a>'
        )
    desc = "; ".join(
        f"{words(b.beat)} {round(b.mean_start * 100)}%\u2013{round(b.mean_end * 100)}% ({b.count})" for b in items
    ) or _("No data yet.")
    return _svg(title, desc, max(ROW, len(items) * ROW + 8), "".join(out), chart_id)
