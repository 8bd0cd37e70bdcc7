"""Tables for people and machines: rich on a terminal, plain text when piped (laid out as
tabulate does, see :mod:`.aligned`), markdown, github and csv on request (json is each view's
own document).

Cells hold titles and wordings from measure files. Every format people read shows them through
:mod:`kpiaudit.safe_text` (visible, ``|`` escaped in markdown and github tables), rich is
given :class:`rich.text.Text`, never markup (a title ``[/]`` crashed it, ``[link=…]`` became a
link). CSV is read by people too (printed in a CI log, opened in a spreadsheet): its cells are
made visible on one line like every other format's (a raw newline in a quoted cell could start
a ``::error`` line in the log) and a cell that a spreadsheet would run as a formula is quoted
with ``'``; ``--format json`` is the faithful data."""

from __future__ import annotations

from typing import Any, TextIO

from ..i18n import _, translator
from ..safe_text import spreadsheet_cell, table_cell, visible_line
from ..views.table import Table, shown_cell

TABLE_FORMATS = ("table", "plain", "markdown", "github", "csv", "json")


def bar(fraction: float, width: int = 10) -> str:
    """A compliance bar readable at a glance: ██████░░░░."""
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def render(
    table: Table, out: TextIO, fmt: str, *, color: bool = False, csv_headers: str = "en"
) -> None:
    """``fmt`` table (rich), plain, markdown, github or csv. csv keeps the English column names
    and words for machines; ``csv_headers="ja"`` gives Japanese column names instead, for
    people opening the file in Excel (the cells stay as they are)."""
    if fmt == "csv":
        import csv

        header_words = table.headers
        if csv_headers != "en":
            header_words = [translator(csv_headers)(h) for h in header_words]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header_words)
        writer.writerows(
            [spreadsheet_cell(visible_line(str(c))) for c in row] for row in table.rows
        )
        return
    headers = [_(h) for h in table.headers]
    if fmt == "table":
        rows = [[shown_cell(c, _) for c in row] for row in table.rows]
        _rich(table, headers, rows, out, color)
    else:
        from .aligned import write_table

        style = {"plain": "simple", "markdown": "pipe", "github": "github"}[fmt]
        pipes = fmt != "plain"
        title = table_cell(table.title, pipes=pipes)
        if title and fmt == "plain":
            out.write(title + "\n\n")
        elif title:
            out.write(f"**{title}**\n\n")
        # One copy of the cells, and the text written as tabulate made it: a table of 65,000
        # deadlines is tens of megabytes at each step.
        shown = [[table_cell(shown_cell(c, _), pipes=pipes) for c in row] for row in table.rows]
        write_table(out, shown, headers, style)
        out.write("\n")
    if table.footnotes:
        bullet = "- " if fmt in ("markdown", "github") else ""
        pipes = fmt in ("markdown", "github")
        notes = [table_cell(note, pipes=pipes) for note in table.footnotes]
        out.write("\n" + "".join(f"{bullet}{note}\n" for note in notes))


_BAR = 10  # the width of a compliance bar
_GAP = 1  # between two columns: the space of the (invisible) vertical rule
_NARROWEST = 12  # a folded column (titles, wordings) is not made narrower than this


def _rich(
    table: Table, headers: list[str], rows: list[list[Any]], out: TextIO, color: bool
) -> None:
    """A rich table that fits the console (see :func:`fit`): columns one space apart, no
    vertical rules, so that an 80-column terminal holds the status table in Japanese."""
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, color)
    cells = [[str(table_cell(c, folds=True)) for c in row] for row in rows]
    wraps = [c.wrap for c in table.columns]
    bars = table.bars is not None
    widths, fits = fit(headers, cells, wraps, console.width - (_BAR + _GAP if bars else 0))
    if bars and not fits:  # the bars only if everything fits beside them
        bars = False
        widths, fits = fit(headers, cells, wraps, console.width)
    title = Text(table_cell(table.title, folds=True)) if table.title else None
    shown = RichTable(
        title=title,
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=0,
    )
    for column, header, width in zip(table.columns, headers, widths, strict=True):
        shown.add_column(
            Text(header, overflow="fold"), justify=column.align, overflow="fold", width=width
        )
    if bars:
        shown.add_column("", no_wrap=True, width=_BAR)
    last = len(cells) - 1
    for i, row in enumerate(cells):
        texts = [Text(c) for c in row]
        if bars and table.bars is not None:
            f = table.bars[i]
            style = "green" if f >= 0.8 else "yellow" if f >= 0.5 else "red"
            texts.append(Text(bar(f, _BAR), style=style))
        is_total = table.total and i == last
        shown.add_row(
            *texts,
            style="bold" if is_total else None,
            end_section=table.total and i == last - 1,
        )
    console.print(shown)


def fit(
    headers: list[str], cells: list[list[str]], wraps: list[bool], room: int
) -> tuple[list[int], bool]:
    """Column widths (in cells: a Japanese character counts 2) for ``room``, and whether they
    fit in it.

    Every column starts as wide as its widest cell and header. Then, while the table is too
    wide, the widest folding column (titles, wordings) gives up a cell, down to
    ``_NARROWEST`` or its header's longest word; then a header wider than its column's cells
    wraps at its spaces (``no deadline`` over two lines), never inside a word; then, as a last
    resort, folding columns go down to their header's longest word. Numbers, dates and ids are
    never folded, and no header is ever cut to ``cha…``."""
    from rich.cells import cell_len

    n = len(headers)
    widths = _widest(headers, cells, wraps)
    word = [max((cell_len(w) for w in h.split()), default=1) for h in headers]
    content = [max((cell_len(row[i]) for row in cells), default=0) for i in range(n)]
    passes = [
        [max(word[i], min(widths[i], _NARROWEST)) if wraps[i] else widths[i] for i in range(n)],
        [
            max(word[i], min(widths[i], _NARROWEST)) if wraps[i] else max(word[i], content[i])
            for i in range(n)
        ],
        [word[i] if wraps[i] else max(word[i], content[i]) for i in range(n)],
    ]
    excess = sum(widths) + _GAP * (n - 1) - room
    for least in passes:
        while excess > 0:
            shrinkable = [i for i in range(n) if widths[i] > least[i]]
            if not shrinkable:
                break
            i = max(shrinkable, key=lambda k: widths[k])
            widths[i] -= 1
            excess -= 1
    return widths, excess <= 0


def _widest(headers: list[str], cells: list[list[str]], wraps: list[bool]) -> list[int]:
    from rich.cells import cell_len

    return [max([cell_len(h), *(cell_len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
