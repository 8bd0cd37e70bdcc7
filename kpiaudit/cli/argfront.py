"""The argparse front of the commands people run most (lint on every commit, status and due
by hand on large plans): they start without typer, which imports pydantic to coerce
arguments (about 110 ms before any work). ``kpiaudit --help`` still lists them (see
:mod:`.app`), and every other command stays on typer.

What the three share is here: a parser whose errors never echo a control character, argparse's
own words in the run's language, and the options every command that reads measures has.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from ..i18n import LANGUAGES, N_, _, ngettext
from .common import (
    ALLOW_BROKEN_HELP,
    CHAPTER_HELP,
    CONFIG_HELP,
    NO_CACHE_HELP,
    PATHS_HELP,
    QUIET_HELP,
    TABLE_FORMAT_HELP,
    TODAY_HELP,
)
from .language import LANG_HELP, HelpFormatter

# argparse's own words (its usage line, headings and errors), looked up in kpiaudit's catalogue
# while a front's arguments are parsed (see speaking); listed here so that they are extracted.
# Those of other Python versions that differ stay English.
_ARGPARSE = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("not allowed with argument %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes unrecognised arguments as they were typed: made visible.
        from ..safe_text import visible

        super().error(visible(message))

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse drops an error writing --help or a usage message (a full disk, a closed
        # pipe): raised instead, for kpiaudit.cli's boundary to report as for any output.
        if message:
            (file or sys.stderr).write(message)


def parser(prog: str, description: str, epilog: str) -> Parser:
    """A parser for ``kpiaudit PROG``, with PATHS and --lang, its texts in the run's language."""
    ap = Parser(
        prog=f"kpiaudit {prog}",
        description=_(description),
        epilog=_(epilog),
        formatter_class=HelpFormatter,
        allow_abbrev=False,
    )
    ap.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=_(PATHS_HELP))
    # Taken out of the arguments before the command sees them (kpiaudit.cli.language); listed
    # here so that --help shows it like every other command's.
    ap.add_argument("--lang", metavar="LANG", choices=LANGUAGES, help=_(LANG_HELP))
    return ap


def add_plan_options(ap: argparse.ArgumentParser) -> None:
    """The options status and due share, in the order typer's commands list them."""
    ap.add_argument("-c", "--chapter", metavar="N", help=_(CHAPTER_HELP))
    ap.add_argument("--today", metavar="YYYY-MM-DD", help=_(TODAY_HELP))
    ap.add_argument("-f", "--format", metavar="FORMAT", help=_(TABLE_FORMAT_HELP))
    ap.add_argument("--config", type=Path, metavar="FILE", help=_(CONFIG_HELP))
    ap.add_argument("--allow-broken", action="store_true", help=_(ALLOW_BROKEN_HELP))
    ap.add_argument("--no-cache", action="store_true", help=_(NO_CACHE_HELP))
    ap.add_argument("-q", "--quiet", action="store_true", help=_(QUIET_HELP))


@contextmanager
def speaking() -> Iterator[None]:
    """argparse's words in the run's language while a parser is built and used: argparse
    looks its module's ``_`` and ``ngettext`` up each time it says something."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]
