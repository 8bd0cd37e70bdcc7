"""Tables for people and machines: rich on a terminal, tabulate when piped, markdown, github
and csv on request (json is each view's own document)."""

from __future__ import annotations

import csv
from typing import TextIO

from ..i18n import _
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
        writer.writerows(table.rows)
        return
    if fmt == "table":
        _rich(table, headers, out, color)
    else:
        from tabulate import tabulate

        style = {"plain": "simple", "markdown": "pipe", "github": "github"}[fmt]
        if table.title and fmt == "plain":
            out.write(table.title + "\n\n")
        elif table.title:
            out.write(f"**{table.title}**\n\n")
        rows = tabulate(table.rows, headers=headers, tablefmt=style, disable_numparse=True)
        out.write(rows + "\n")
    if table.footnotes:
        bullet = "- " if fmt in ("markdown", "github") else ""
        out.write("\n" + "".join(f"{bullet}{note}\n" for note in table.footnotes))


def _rich(table: Table, headers: list[str], out: TextIO, color: bool) -> None:
    from rich.table import Table as RichTable

    from .console import rich_console

    console = rich_console(out, color)
    shown = RichTable(title=table.title or None, header_style="bold")
    for column, header in zip(table.columns, headers, strict=True):
        shown.add_column(
            header, justify=column.align, overflow="fold" if column.wrap else "ellipsis"
        )
    if table.bars is not None:
        shown.add_column("", no_wrap=True)
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        cells = [str(c) for c in row]
        if table.bars is not None:
            f = table.bars[i]
            style = "green" if f >= 0.8 else "yellow" if f >= 0.5 else "red"
            cells.append(f"[{style}]{bar(f)}[/]")
        is_total = table.total and i == last
        shown.add_row(
            *cells,
            style="bold" if is_total else None,
            end_section=table.total and i == last - 1,
        )
    console.print(shown)
