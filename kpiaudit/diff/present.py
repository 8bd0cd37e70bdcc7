"""What every format shows of a change: its reference, its before and after, the counts."""

from __future__ import annotations

from ..i18n import _, clauses, ngettext
from .changes import CHANGE_TYPES, Change
from .core import DiffReport
from .safe import visible


def ref(c: Change) -> str:
    """6-4.P1, or 6-4.P2 → 6-4.P1 when the change moves it."""
    if c.old and c.new and c.old != c.new:
        return f"{c.old} → {c.new}"
    return c.new or c.old or c.measure


def _value(c: Change, which: str) -> str:
    text = c.before if which == "before" else c.after
    raw = c.before_value if which == "before" else c.after_value
    if text is None:
        return "—"
    if c.change.startswith("deadline-") and isinstance(raw, str):
        shown = _("recurring") if raw == "recurring" else raw
        return visible(f"{text} ({shown})")
    return visible(text)


CONTEXT = 12  # characters kept on each side of an edit inside a long text
_TEXTS = ("text-changed", "became-set", "became-unset")


def values(c: Change) -> tuple[str, str]:
    """The before and after of a change as a reader wants them: the plan's words, a deadline
    with the date they stand for, and of a long text only the part that changed (with
    ``CONTEXT`` characters around it; JSON keeps the whole texts)."""
    before, after = _value(c, "before"), _value(c, "after")
    if c.change not in _TEXTS or c.before is None or c.after is None:
        return before, after
    return excerpt(before, after)


def excerpt(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` without the start and end they share, bar CONTEXT characters."""
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start, cut = max(0, head - CONTEXT), max(0, tail - CONTEXT)

    def part(text: str) -> str:
        end = len(text) - cut
        return ("…" if start else "") + text[start:end] + ("…" if cut else "")

    return part(a), part(b)


def counts(report: DiffReport) -> list[tuple[str, int]]:
    """(change type, how many), in the order of CHANGE_TYPES, only those that occur."""
    found: dict[str, int] = {}
    for c in report.changes:
        found[c.change] = found.get(c.change, 0) + 1
    return [(kind, found[kind]) for kind in CHANGE_TYPES if kind in found]


def summary(report: DiffReport, detail: bool = True) -> str:
    """ "3 changes: kpi-added 1, deadline-slipped 2" (without ``detail``: "3 changes")."""
    n = len(report.changes)
    if not n:
        return _("no changes")
    if not detail:
        return ngettext("{n} change", "{n} changes", n).format(n=n)
    parts = ", ".join(f"{k} {v}" for k, v in counts(report))
    return ngettext("{n} change: {parts}", "{n} changes: {parts}", n).format(n=n, parts=parts)


def gate_line(report: DiffReport) -> str | None:
    """What the gate decided, when there is one."""
    if not report.fail_on:
        return None
    gated = report.gated
    justified = sum(c.justification is not None for c in report.changes)
    if gated:
        line = ngettext(
            "{n} change fails --fail-on", "{n} changes fail --fail-on", len(gated)
        ).format(n=len(gated))
    elif report.failed:
        line = _("--fail-on fails: files of NEW could not be read, so not all was compared")
    else:
        line = _("nothing fails --fail-on")
    if justified:
        line = clauses(
            line,
            ngettext("{n} justified by slip-ok", "{n} justified by slip-ok", justified).format(
                n=justified
            ),
        )
    return line


def share(kpis: int, compliant: int) -> str:
    return f"{compliant}/{kpis} ({compliant / kpis:.0%})" if kpis else "0/0"
