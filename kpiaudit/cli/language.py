"""``--lang``: taken out of the arguments once, before any command is parsed, so that every
command (argparse's lint, typer's others) accepts it in any position and typer builds its help
in the chosen language.

Kept free of typer and rich, as :mod:`.common` is: ``kpiaudit lint`` imports it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..i18n import LANGUAGES, N_, _, choose_language, set_language
from .common import fail

LANG_HELP = N_(
    "Language of messages, tables and help: ja or en. Default: KPIAUDIT_LANG, then lang in "
    "[tool.kpiaudit], then the locale (LC_ALL, LC_MESSAGES, LANG), else en."
)


def apply_language(args: list[str]) -> list[str]:
    """Set the language this run speaks (see :func:`kpiaudit.i18n.choose_language`) and
    return the arguments without ``--lang``."""
    rest, flag = take_option(args, "--lang")
    # Until the choice is made, a bad --lang is reported in the language the rest would give.
    set_language(choose_language(None, os.environ, lambda: _configured(rest)))
    if flag is not None:
        if flag not in LANGUAGES:
            fail(
                _("--lang: {lang!r} is not one of {choices}").format(
                    lang=flag, choices=", ".join(LANGUAGES)
                )
            )
        set_language(flag)
    return rest


def take_option(args: list[str], name: str) -> tuple[list[str], str | None]:
    """``args`` without ``name VALUE`` / ``name=VALUE`` (the last one wins), and its value.
    Arguments after ``--`` are operands, left as they are."""
    rest: list[str] = []
    value: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == name:
            if i + 1 >= len(args):
                fail(_("{option}: expected a value").format(option=name))
            value = args[i + 1]
            i += 2
            continue
        if arg.startswith(name + "="):
            value = arg[len(name) + 1 :]
        else:
            rest.append(arg)
        i += 1
    return rest, value


def _configured(args: list[str]) -> str | None:
    """``lang`` of the configuration the command will read (``--config FILE``, else the
    project's), or None. A configuration that cannot be read says nothing here: the command
    reports it, in the language the rest gives."""
    from ..config import ConfigError, configured_language
    from .common import UsageError

    try:
        _rest, explicit = take_option(args, "--config")
        return configured_language(Path(explicit) if explicit else None)
    except (ConfigError, UsageError):
        return None


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help wrapped by the columns a terminal gives it: a Japanese character takes
    two, and Japanese, which has no spaces, may break between any two characters (except
    before a closing bracket or punctuation, or after an opening bracket). argparse's own
    wrapping counts characters and breaks at spaces: Japanese lines ran to twice the width."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        # argparse makes a formatter for each argument added, and without a width it imports
        # shutil (and with it bz2 and lzma) for the terminal's: 7 ms of every lint run.
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)


def _columns() -> int:
    """The terminal's columns as ``shutil.get_terminal_size`` gives them: COLUMNS, else
    stdout's terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


_NO_LINE_START = set("、。，．,.）)」』】〕］]：:；;？?！!ー・…")
_NO_LINE_END = set("（(「『【〔［[")


def wrap(text: str, columns: int) -> list[str]:
    """``text`` (its whitespace folded) in lines of at most ``columns`` terminal columns,
    bar a word longer than that, which gets a line of its own."""
    from ..source import width  # only for --help: kpiaudit.source costs lint 20 ms to import

    pieces: list[tuple[str, bool]] = []  # (piece, a space before it)
    for word in text.split():
        parts: list[str] = []
        for ch in word:
            joins = parts and (
                ch in _NO_LINE_START
                or parts[-1][-1] in _NO_LINE_END
                or (width(ch) == 1 and width(parts[-1][-1]) == 1)  # a word of narrow letters
            )
            if joins:
                parts[-1] += ch
            else:
                parts.append(ch)
        pieces += [(part, i == 0) for i, part in enumerate(parts)]
    lines: list[str] = []
    line, used = "", 0
    for piece, spaced in pieces:
        gap = 1 if spaced and line else 0
        if line and used + gap + width(piece) > columns:
            lines.append(line)
            line, used = piece, width(piece)
        else:
            line += " " * gap + piece
            used += gap + width(piece)
    if line:
        lines.append(line)
    return lines
