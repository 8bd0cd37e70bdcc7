"""Tables for people and machines: rich on a terminal, tabulate when piped, markdown, github,
csv and json on request."""

from __future__ import annotations

import csv
from typing import Any, TextIO

TABLE_FORMATS = ("table", "plain", "markdown", "github", "csv", "json")


def render(
    headers: list[str],
    rows: list[list[Any]],
    out: TextIO,
    fmt: str,
    *,
    title: str = "",
    color: bool = False,
    bar_column: int | None = None,
    fractions: list[float] | None = None,
) -> None:
    """``fmt`` table (rich), plain, markdown, github or csv; json is rendered by the caller."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows(rows)
        return
    if fmt == "table":
        _rich(headers, rows, out, title, color, bar_column, fractions)
        return
    from tabulate import tabulate

    style = {"plain": "simple", "markdown": "pipe", "github": "github"}[fmt]
    if title and fmt == "plain":
        out.write(title + "\n\n")
    elif title:
        out.write(f"**{title}**\n\n")
    out.write(tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True) + "\n")


def _rich(
    headers: list[str],
    rows: list[list[Any]],
    out: TextIO,
    title: str,
    color: bool,
    bar_column: int | None,
    fractions: list[float] | None,
) -> None:
    from rich.console import Console
    from rich.table import Table

    from ..views import bar

    console = Console(file=out, force_terminal=color, no_color=not color, highlight=False)
    table = Table(title=title or None, header_style="bold")
    for h in headers:
        numeric = h not in ("title", "chapter", "measure", "KPI", "id", "target", "wording")
        table.add_column(
            h,
            justify="right" if numeric else "left",
            overflow="fold" if h == "title" else "ellipsis",
        )
    if bar_column is not None:
        table.add_column("", no_wrap=True)
    for i, row in enumerate(rows):
        cells = [str(c) for c in row]
        if bar_column is not None and fractions is not None:
            f = fractions[i]
            style = "green" if f >= 0.8 else "yellow" if f >= 0.5 else "red"
            cells.append(f"[{style}]{bar(f)}[/]")
        is_total = bool(row) and row[0] == "total"
        table.add_row(
            *cells,
            style="bold" if is_total else None,
            end_section=is_total is False and i == len(rows) - 2 and rows[-1][0] == "total",
        )
    console.print(table)
