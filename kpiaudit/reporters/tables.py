"""Tables for people and machines: rich on a terminal, tabulate when piped, markdown, github
and csv on request (json is each view's own document).

Cells hold titles and wordings from measure files. Every format people read shows them through
:mod:`kpiaudit.safe_text` (visible, ``|`` escaped in markdown and github tables), rich is
given :class:`rich.text.Text`, never markup (a title ``[/]`` crashed it, ``[link=…]`` became a
link), and CSV cells that a spreadsheet would run as a formula are quoted with ``'``; CSV is
otherwise kept as data."""

from __future__ import annotations

import csv
from typing import TextIO

from ..i18n import _
from ..safe_text import spreadsheet_cell, table_cell, visible_line
from ..views.table import Table

TABLE_FORMATS = ("table", "plain", "markdown", "github", "csv", "json")


def bar(fraction: float, width: int = 10) -> str:
    """A compliance bar readable at a glance: ██████░░░░."""
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def render(table: Table, out: TextIO, fmt: str, *, color: bool = False) -> None:
    """``fmt`` table (rich), plain, markdown, github or csv."""
    headers = [_(h) for h in table.headers]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.headers)  # machine-readable: the English column names
        writer.writerows([spreadsheet_cell(c) for c in row] for row in table.rows)
        return
    if fmt == "table":
        _rich(table, headers, out, color)
    else:
        from tabulate import tabulate

        style = {"plain": "simple", "markdown": "pipe", "github": "github"}[fmt]
        pipes = fmt != "plain"
        title = table_cell(table.title, pipes=pipes)
        if title and fmt == "plain":
            out.write(title + "\n\n")
        elif title:
            out.write(f"**{title}**\n\n")
        rows = [[table_cell(c, pipes=pipes) for c in row] for row in table.rows]
        out.write(tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True) + "\n")
    if table.footnotes:
        bullet = "- " if fmt in ("markdown", "github") else ""
        pipes = fmt in ("markdown", "github")
        notes = [table_cell(note, pipes=pipes) for note in table.footnotes]
        out.write("\n" + "".join(f"{bullet}{note}\n" for note in notes))


def _rich(table: Table, headers: list[str], out: TextIO, color: bool) -> None:
    from rich.table import Table as RichTable
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, color)
    title = Text(visible_line(table.title)) if table.title else None
    shown = RichTable(title=title, header_style="bold")
    for column, header in zip(table.columns, headers, strict=True):
        shown.add_column(
            Text(header), justify=column.align, overflow="fold" if column.wrap else "ellipsis"
        )
    if table.bars is not None:
        shown.add_column("", no_wrap=True)
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        cells = [Text(str(table_cell(c))) for c in row]
        if table.bars is not None:
            f = table.bars[i]
            style = "green" if f >= 0.8 else "yellow" if f >= 0.5 else "red"
            cells.append(Text(bar(f), style=style))
        is_total = table.total and i == last
        shown.add_row(
            *cells,
            style="bold" if is_total else None,
            end_section=table.total and i == last - 1,
        )
    console.print(shown)
