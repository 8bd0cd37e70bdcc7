"""``--format text``: a rich table on a terminal, one line per change when piped.

The plain form reads like lint's: ``path:line: change ref: before → after``, so editors and CI
logs link each change to its line in NEW.
"""

from __future__ import annotations

from typing import TextIO

from ..i18n import _
from .changes import Change
from .core import DiffReport
from .present import gate_line, ref, share, summary, values
from .safe import clipped, visible


def _where(report: DiffReport, c: Change) -> str:
    if c.path is None:
        return ""
    line = f":{c.line}" if c.line else ""
    return visible(report.new.display(c.path)) + line


def _verdict(c: Change) -> str:
    if c.gated:
        return _("fails --fail-on")
    if c.justification is not None:
        return _("slip-ok: {reason}").format(reason=visible(c.justification))
    return ""


def _what(c: Change) -> str:
    return f"{c.change} ({c.field})" if c.field in ("title", "notes") else c.change


def _heading(report: DiffReport) -> str:
    return f"kpiaudit diff: {visible(report.old.label)} → {visible(report.new.label)}"


def _trailer(report: DiffReport) -> list[str]:
    lines = []
    if report.compliance:
        lines += ["", _("compliance per chapter (compliant/KPIs, before → after):")]
        for row in report.compliance:
            name = _("total") if row.chapter is None else f"{row.chapter} {visible(row.title)}"
            before = share(row.before.kpis, row.before.compliant)
            after = share(row.after.kpis, row.after.compliant)
            lines.append(f"  {name}: {before} → {after}")
    broken = [(report.old, p) for p in report.old.broken] + [
        (report.new, p) for p in report.new.broken
    ]
    if broken:
        lines += ["", _("files that could not be read:")]
        for side, p in broken:
            where = visible(side.display(p.path))
            lines.append(f"  {where}:{p.line}:{p.column}: {p.code} {clipped(p.message)}")
    if report.notes:
        lines += ["", _("notes:")]
        for n in report.notes:
            where = f"{visible(report.new.display(n.path))}:{n.line}: " if n.path else ""
            lines.append(f"  {where}{visible(n.message)}")
    return lines


def report(diff: DiffReport, out: TextIO, terminal: bool = False, color: bool = False) -> None:
    if terminal:
        _rich(diff, out, color)
        return
    lines = [_heading(diff), summary(diff)]
    gate = gate_line(diff)
    if gate:
        lines.append(gate)
    if diff.changes:
        lines.append("")
    score_word = _("score")
    for c in diff.changes:
        where = _where(diff, c)
        score = f" ({score_word} {c.score:.2f})" if c.score is not None else ""
        verdict = f" [{_verdict(c)}]" if _verdict(c) else ""
        lines.append(
            f"{where + ': ' if where else ''}{_what(c)} {ref(c)}: "
            f"{' → '.join(values(c))}{score}{verdict}"
        )
    out.write("\n".join([*lines, *_trailer(diff)]) + "\n")


def _rich(diff: DiffReport, out: TextIO, color: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False)
    console.print(f"[bold]{escape(_heading(diff))}[/bold]")
    console.print(escape(summary(diff)))
    gate = gate_line(diff)
    if gate:
        console.print(f"[{'bold red' if diff.failed else 'green'}]{escape(gate)}[/]")
    if diff.changes:
        table = Table(header_style="bold", expand=True)
        # The change type and the score are never broken (target-lowe/red); the rest folds,
        # Japanese having no spaces to wrap at. Where the change is, and what the gate made
        # of it, go under its reference: three columns share what is left.
        table.add_column(_("change"), no_wrap=True)
        table.add_column(_("KPI / measure"), overflow="fold", ratio=1)
        table.add_column(_("before"), overflow="fold", ratio=1)
        table.add_column(_("after"), overflow="fold", ratio=1)
        table.add_column(_("score"), no_wrap=True, justify="right")
        for c in diff.changes:
            style = "bold red" if c.gated else "yellow" if c.justification is not None else None
            table.add_row(
                escape(_what(c)),
                escape("\n".join(x for x in (ref(c), _where(diff, c), _verdict(c)) if x)),
                *(escape(v) for v in values(c)),
                f"{c.score:.2f}" if c.score is not None else "",
                style=style,
            )
        console.print(table)
    for line in _trailer(diff):
        console.print(escape(line))
