"""``kpiaudit show`` for people: rich panels on a terminal, plain text when piped.

Every string from a measure file goes into rich as :class:`rich.text.Text` (never parsed as
markup) and through :mod:`kpiaudit.safe_text`: no control or bidi character reaches the
terminal, and no line printed can be read as a workflow command (``::error …``) in a CI log.
Only a KPI's text and its notes keep their line breaks (:func:`visible_block`); a title, a
path, a finding or a table cell is one line (:func:`visible_line`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from ..i18n import _, ngettext
from ..model import Finding
from ..safe_text import visible_block
from ..safe_text import visible_line as visible
from ..views.show import (
    PLAN_KIND,
    KpiView,
    ShowDocument,
    actuals_table,
    flag_text,
    milestone_table,
    status_text,
)
from ..views.table import Table

if TYPE_CHECKING:
    from rich.console import RenderableType


def finding_line(f: Finding) -> str:
    """As ``kpiaudit lint`` prints it: path:line:column: CODE [severity] message."""
    return visible(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.render(_)}")


def _heading(doc: ShowDocument) -> str:
    m = doc.measure
    return visible(f"{m.id} {m.title}")


def _about(doc: ShowDocument) -> list[str]:
    """The lines under the measure's heading: chapter, file, counts."""
    m, c = doc.measure, doc.chapter
    chapter = _("Chapter {numeral}").format(numeral=(c.numeral if c and c.numeral else m.chapter))
    if c and c.title:
        chapter += f" {c.title}"
    n = doc.flag_counts()
    counts = (
        ngettext("{n} KPI", "{n} KPIs", n["kpis"]).format(n=n["kpis"])
        + ": "
        + _(
            "{compliant} compliant, {unset} unset, {no_target} without a target, "
            "{no_deadline} without a deadline"
        ).format(**n)
    )
    when = _("as of {today}").format(today=doc.today.isoformat())
    return [visible(chapter), visible(m.path), f"{counts} · {when}"]


def _kpi_heading(view: KpiView) -> str:
    parts = [str(view.ref), PLAN_KIND[view.kpi.kind], status_text(view.kpi)]
    if not (view.kpi.is_unset and view.flags == ("K101",)):  # "unset · unset" says it once
        parts.append(flag_text(view))
    return visible(" · ".join(parts))


def _details(view: KpiView) -> list[tuple[str, str]]:
    """(label, text) lines: notes and baselines."""
    k = view.kpi
    return [(_("note"), n) for n in k.notes] + [(_("baseline"), b.text) for b in k.baselines]


def render(doc: ShowDocument, out: TextIO, *, rich: bool, color: bool = False) -> None:
    if rich:
        _rich(doc, out, color)
    else:
        _plain(doc, out)


# --- plain text ------------------------------------------------------------------------------


def _plain_table(table: Table, indent: str = "  ") -> str:
    from .aligned import table_text

    rows = [[visible(str(c)) for c in row] for row in table.rows]
    headers = [_(h) for h in table.headers]
    text = table_text(rows, headers, "simple")
    lines = [f"{indent}{table.title}:", *(indent + ln for ln in text.splitlines())]
    lines += [indent + visible(note) for note in table.footnotes]
    return "\n".join(lines) + "\n"


def _plain(doc: ShowDocument, out: TextIO) -> None:
    out.write(_heading(doc) + "\n")
    out.write("".join(line + "\n" for line in _about(doc)))
    out.write("".join(finding_line(f) + "\n" for f in doc.findings))
    for view in doc.kpis:
        out.write("\n" + _kpi_heading(view) + "\n")
        out.write("  " + visible_block(view.kpi.text).replace("\n", "\n  ") + "\n")
        for label, text in _details(view):
            out.write(f"  {label}: " + visible_block(text).replace("\n", "\n  ") + "\n")
        if view.milestones or view.promises:
            out.write("\n" + _plain_table(milestone_table(view)))
        if view.kpi.actuals:
            out.write("\n" + _plain_table(actuals_table(view)))
        if view.findings:
            out.write("\n" + "".join(f"  {finding_line(f)}\n" for f in view.findings))


# --- rich ---------------------------------------------------------------------------------------


def _rich_table(table: Table) -> Any:
    from rich.table import Table as RichTable
    from rich.text import Text

    shown = RichTable(title=table.title, title_justify="left", header_style="bold", expand=False)
    for column in table.columns:
        shown.add_column(
            _(column.header),
            justify=column.align,
            overflow="fold" if column.wrap else "ellipsis",
        )
    for row in table.rows:
        shown.add_row(*(Text(visible(str(c))) for c in row))
    return shown


def _rich(doc: ShowDocument, out: TextIO, color: bool) -> None:
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, color)
    about: list[RenderableType] = [Text(line) for line in _about(doc)]
    about += [Text(finding_line(f), style="yellow") for f in doc.findings]
    console.print(Panel(Group(*about), title=Text(_heading(doc), style="bold"), title_align="left"))
    for view in doc.kpis:
        parts: list[RenderableType] = [Text(visible_block(view.kpi.text))]
        for label, text in _details(view):
            line = Text(f"{label}: ", style="dim")
            line.append(visible_block(text))
            parts.append(line)
        if view.milestones or view.promises:
            table = milestone_table(view)
            parts.append(_rich_table(table))
            parts += [Text(visible(note), style="dim") for note in table.footnotes]
        if view.kpi.actuals:
            parts.append(_rich_table(actuals_table(view)))
        parts += [Text(finding_line(f), style="yellow") for f in view.findings]
        style = "green" if view.compliant else "yellow"
        title = Text(_kpi_heading(view), style="bold")
        console.print(Panel(Group(*parts), title=title, title_align="left", border_style=style))
