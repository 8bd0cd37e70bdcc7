"""Arguments and options several typer commands share (their values are checked in
:mod:`.values`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_
from .common import (
    ALLOW_BROKEN_HELP,
    CHAPTER_HELP,
    CONFIG_HELP,
    KIND_HELP,
    NO_CACHE_HELP,
    PATHS_HELP,
    QUIET_HELP,
    TABLE_FORMAT_HELP,
    TODAY_HELP,
)

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
        help=TABLE_FORMAT_HELP,
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option("--kind", metavar="KIND", help=KIND_HELP),
]
AllowBrokenOpt = Annotated[
    bool,
    typer.Option(
        "--allow-broken",
        help=ALLOW_BROKEN_HELP,
    ),
]
ChapterOpt = Annotated[str | None, typer.Option("--chapter", "-c", metavar="N", help=CHAPTER_HELP)]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help=N_("Say what would be recorded; write nothing."))
]
DiffOpt = Annotated[
    bool, typer.Option("--diff", help=N_("Print the changes as a unified diff; write nothing."))
]


TodayOpt = Annotated[
    str | None,
    typer.Option(
        metavar="YYYY-MM-DD",
        help=TODAY_HELP,
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help=NO_CACHE_HELP)]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)]
