"""Charts as inline SVG, drawn here in Python: no script, no request, readable in print and mail.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(the numbers in words), and every page also shows the same numbers as a table. Colours are the
Okabe–Ito palette, which stays distinguishable with the common colour-vision deficiencies, but
no chart relies on colour: every series has a pattern too, and every bar its label and value
written next to it.

Sizes are in viewBox units; the SVG scales to its container's width, so a chart drawn 360 units
wide fits a 390 px phone at about the size it is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from ..source import width
from .safe import esc

WIDTH = 360
INK = "#1a1a1a"  # text and outlines: contrast 17:1 on white
TRACK = "#f0f0f0"
TRACK_EDGE = "#767676"  # 4.5:1 on white, so the scale's end is visible (WCAG 1.4.11)


@dataclass(frozen=True)
class Series:
    colour: str
    pattern: str  # solid, diagonal, cross, dots, horizontal, vertical, rings


# Okabe & Ito (2008), "Color Universal Design". A pattern per series as the second cue.
SERIES: dict[str, Series] = {
    "compliant": Series("#009E73", "solid"),
    "no_target": Series("#E69F00", "diagonal"),
    "no_deadline": Series("#56B4E9", "cross"),
    "unset": Series("#D55E00", "dots"),
    "count": Series("#0072B2", "solid"),
    # Progress states (filled once actual values exist).
    "achieved": Series("#009E73", "solid"),
    "achieved-late": Series("#009E73", "vertical"),
    "on-track": Series("#0072B2", "rings"),  # beside achieved in a stacked bar: not solid too
    "behind": Series("#E69F00", "diagonal"),
    "missed": Series("#D55E00", "dots"),
    "no-data": Series("#BBBBBB", "horizontal"),
    "not-measurable": Series("#CC79A7", "cross"),
}

_PATTERN_MARKS = {
    "diagonal": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#000" stroke-width="1.5"'
    ' stroke-opacity=".55"/>',
    "cross": '<path d="M0,3 h6 M3,0 v6" stroke="#000" stroke-width="1" stroke-opacity=".5"/>',
    "dots": '<circle cx="3" cy="3" r="1.3" fill="#000" fill-opacity=".6"/>',
    "horizontal": '<path d="M0,3 h6" stroke="#000" stroke-width="1.5" stroke-opacity=".5"/>',
    "vertical": '<path d="M3,0 v6" stroke="#000" stroke-width="1.5" stroke-opacity=".5"/>',
    "rings": '<circle cx="3" cy="3" r="1.6" fill="none" stroke="#fff" stroke-width="1"/>',
}


def fill(key: str) -> str:
    series = SERIES[key]
    return series.colour if series.pattern == "solid" else f"url(#pat-{key})"


def pattern_defs() -> Markup:
    """One hidden SVG per page holding every pattern, so ids are unique on the page."""
    patterns = "".join(
        f'<pattern id="pat-{key}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{s.colour}"/>{_PATTERN_MARKS[s.pattern]}</pattern>'
        for key, s in SERIES.items()
        if s.pattern != "solid"
    )
    return Markup(
        '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">'
        f"<defs>{patterns}</defs></svg>"
    )


def label_width(text: str) -> float:
    """About how wide ``text`` is drawn as a label (12.5 px), in viewBox units: half an em a
    column, kanji two columns, with a little to spare. No font is measured in Python."""
    return width(text) * 6.9


def _open(chart_id: str, height: int, title: str, desc: str) -> str:
    return (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" role="img"'
        f' aria-labelledby="{chart_id}-t" aria-describedby="{chart_id}-d" focusable="false">'
        f'<title id="{chart_id}-t">{esc(title)}</title><desc id="{chart_id}-d">{esc(desc)}</desc>'
    )


def category_bars(
    chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, str, int]], total: int
) -> Markup:
    """One bar per (series key, label, value), all on one scale: ``total``.

    Each bar sits in a track as long as ``total``: the bars are shares of the same whole, read
    one by one, not parts stacked into it. That is what the status counts allow, since one KPI
    may be counted under both "no target" and "no deadline".
    """
    label_w = max(100, max((label_width(label) for _k, label, _v in rows), default=0) + 8)
    bar_w, row_h, bar_h = WIDTH - label_w - 74, 26, 16  # 74: room for "211 / 377"
    height = len(rows) * row_h + 4
    out = [_open(chart_id, height, title, desc)]
    for i, (key, label, value) in enumerate(rows):
        y = 2 + i * row_h
        mid = y + bar_h / 2 + 4.5
        width = bar_w * value / total if total else 0.0
        out.append(f'<text x="0" y="{mid:.1f}" class="label">{esc(label)}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="{bar_h}" fill="{TRACK}"'
            f' stroke="{TRACK_EDGE}" stroke-width="1"/>'
        )
        if value:
            out.append(
                f'<rect class="bar" x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}"'
                f' fill="{fill(key)}" stroke="{INK}" stroke-width="1" data-value="{value}"/>'
            )
        out.append(
            f'<text x="{label_w + bar_w + 6}" y="{mid:.1f}" class="value">{value} / {total}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def count_bars(chart_id: str, title: str, desc: str, rows: Sequence[tuple[str, int]]) -> Markup:
    """One horizontal bar per (label, count), scaled to the largest count: for counts that are
    not shares of a whole, such as deadlines per month."""
    label_w, bar_w, row_h, bar_h = 64, 240, 22, 14
    top = max((v for _, v in rows), default=0)
    height = len(rows) * row_h + 4
    out = [_open(chart_id, height, title, desc)]
    for i, (label, value) in enumerate(rows):
        y = 2 + i * row_h
        mid = y + bar_h / 2 + 4.5
        width = bar_w * value / top if top else 0.0
        out.append(f'<text x="0" y="{mid:.1f}" class="label">{esc(label)}</text>')
        if value:
            out.append(
                f'<rect class="bar" x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}"'
                f' fill="{fill("count")}" stroke="{INK}" stroke-width="1" data-value="{value}"/>'
            )
        out.append(
            f'<text x="{label_w + width + 5:.1f}" y="{mid:.1f}" class="value">{value}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    legend: Sequence[tuple[str, str]],
) -> Markup:
    """One bar per (label, [(series key, value), …]), its parts side by side and the whole bar
    as long as the row's sum; the sum written beside it. Only for parts that exclude each other
    (progress states), so that stacking them is honest. ``legend``: (series key, label) in the
    order the parts are drawn; a swatch with its pattern names each."""
    label_w, bar_w, row_h, bar_h = 44, 270, 22, 14
    per_line, step = 3, WIDTH // 3
    legend_h = 20 * ((len(legend) + per_line - 1) // per_line)
    height = len(rows) * row_h + 8 + legend_h
    out = [_open(chart_id, height, title, desc)]
    for i, (label, parts) in enumerate(rows):
        y = 2 + i * row_h
        mid = y + bar_h / 2 + 4.5
        total = sum(v for _k, v in parts)
        out.append(f'<text x="0" y="{mid:.1f}" class="label">{esc(label)}</text>')
        x = float(label_w)
        for key, value in parts:
            if not value:
                continue
            width = bar_w * value / total
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar_h}"'
                f' fill="{fill(key)}" stroke="{INK}" stroke-width="1" data-value="{value}"/>'
            )
            x += width
        end = label_w + (bar_w if total else 0)
        out.append(f'<text x="{end + 5}" y="{mid:.1f}" class="value">{total}</text>')
    top = len(rows) * row_h + 8
    for i, (key, label) in enumerate(legend):
        lx, ly = (i % per_line) * step, top + (i // per_line) * 20
        out.append(
            f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{fill(key)}"'
            f' stroke="{INK}" stroke-width="1"/>'
        )
        out.append(f'<text x="{lx + 17}" y="{ly + 10.5}" class="tick">{esc(label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True)
class Point:
    row: str  # the KPI id the point belongs to
    when: date
    # The marker: a milestone's deadline that is due (still ahead, or not yet judged late), met
    # (achieved) or overdue (passed and not achieved); or an actual (a measured value).
    state: str
    note: str  # tooltip: what is due then, or what was measured


# Marker shapes, so that no state depends on its colour: circle, triangle, diamond, square.
_MARKERS = {
    "due": ("#0072B2", "circle"),
    "met": ("#009E73", "triangle"),
    "overdue": ("#D55E00", "diamond"),
    "actual": (INK, "square"),
}
# The legend's order, one slot each; only the states a chart draws are named.
LEGEND = ("due", "met", "overdue", "actual")
LEGEND_STEP = 90  # viewBox units per legend entry: four fit in WIDTH


def _marker(state: str, x: float, y: float, note: str = "") -> str:
    colour, shape = _MARKERS[state]
    tip = f"<title>{esc(note)}</title>" if note else ""
    if shape == "circle":
        return (
            f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"'
            f' stroke="{INK}" stroke-width="1">{tip}</circle>'
        )
    if shape == "square":  # smaller than a deadline's marker, which stays visible behind it
        return (
            f'<rect class="mark actual" x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6"'
            f' fill="{colour}" stroke="#fff" stroke-width="1">{tip}</rect>'
        )
    if shape == "triangle":  # a little larger: an actual on the same day sits inside it
        d = f"M{x:.1f},{y - 8:.1f} l7.5,13 l-15,0 z"
    else:
        d = f"M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z"
    return (
        f'<path class="mark" d="{d}" fill="{colour}" stroke="{INK}" stroke-width="1">{tip}</path>'
    )


def timeline(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    points: Sequence[Point],
    today: date,
    legend: dict[str, str],
) -> Markup:
    """Milestones and actual values on a time axis, one row per KPI, with today marked.
    ``legend`` names the marker states and ``today`` (already translated); the legend shows
    the states drawn."""
    left, right, row_h, top = 34, WIDTH - 16, 24, 22
    first = min([p.when.year for p in points] + [today.year])
    last = max([p.when.year for p in points] + [today.year]) + 1
    span = (date(last, 1, 1) - date(first, 1, 1)).days

    def x(d: date) -> float:
        return left + (right - left) * (d - date(first, 1, 1)).days / span

    bottom = top + len(rows) * row_h
    height = bottom + 48
    out = [_open(chart_id, height, title, desc)]
    step = 1 if last - first <= 8 else 2
    for year in range(first, last + 1):
        gx = x(date(year, 1, 1))
        out.append(
            f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{bottom}" stroke="#d0d0d0"/>'
        )
        if (year - first) % step == 0:
            anchor = "end" if year == last else "middle"  # the last tick is the right edge
            out.append(
                f'<text x="{gx:.1f}" y="{bottom + 14}" class="tick" text-anchor="{anchor}">'
                f"{year}</text>"
            )
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        out.append(f'<text x="0" y="{y + 4.5:.1f}" class="label">{esc(row)}</text>')
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{TRACK_EDGE}"/>'
        )
        # Deadlines first, actuals on top: an actual on its deadline's day stays visible.
        for p in sorted((p for p in points if p.row == row), key=lambda p: p.state == "actual"):
            out.append(_marker(p.state, x(p.when), y, p.note))
    tx = x(today)
    out.append(
        f'<line class="today" x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{bottom}"'
        f' stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    anchor = "end" if tx > WIDTH * 0.7 else "start"
    nudge = -3 if anchor == "end" else 3
    out.append(
        f'<text x="{tx + nudge:.1f}" y="{top - 10}" class="tick" text-anchor="{anchor}">'
        f"{esc(legend['today'])}</text>"
    )
    ly = bottom + 36
    drawn = {p.state for p in points}
    for i, state in enumerate(s for s in LEGEND if s in drawn):
        lx = i * LEGEND_STEP
        out.append(_marker(state, lx + 6, ly - 4))
        out.append(f'<text x="{lx + 16}" y="{ly:.1f}" class="tick">{esc(legend[state])}</text>')
    out.append("</svg>")
    return Markup("".join(out))
