"""Arguments and options several typer commands share, and the checks on their values."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .common import CONFIG_HELP, PATHS_HELP, fail, for_terminal

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATHS", help=PATHS_HELP, show_default=False),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE", help=CONFIG_HELP),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (rich, default on a terminal), plain "
        "(default when piped), markdown, github, csv or json.",
    ),
]
ChapterOpt = Annotated[
    str | None, typer.Option("--chapter", "-c", metavar="N", help="Chapter number: 6, Ⅵ or VI.")
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        metavar="YYYY-MM-DD",
        help="Judge as of this day: what was known then, and what had passed. Default: today.",
    ),
]


def table_format(fmt: str | None, stream: object) -> str:
    from ..reporters.tables import TABLE_FORMATS

    if fmt is None:
        return "table" if for_terminal(stream) else "plain"
    if fmt not in TABLE_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(TABLE_FORMATS)}")
    return fmt


def chapter_number(value: str | None) -> int | None:
    from ..chapters import parse_chapter

    if value is None:
        return None
    try:
        return parse_chapter(value)
    except ValueError as exc:
        fail(f"--chapter: {exc}")


def date_start(value: str | None, option: str) -> date | None:
    """The first day of the period a date argument names (2025-03 → 2025-03-01)."""
    from ..jpdate import DateParseError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value).start
    except DateParseError as exc:
        fail(f"{option}: {exc}")


def today_date(value: str | None) -> date:
    """--today, else the real date."""
    from .common import parse_iso

    return parse_iso(value, "--today") if value else date.today()
