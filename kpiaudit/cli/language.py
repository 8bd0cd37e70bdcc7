"""``--lang``: taken out of the arguments once, before any command is parsed, so that every
command (argparse's lint, typer's others) accepts it in any position and typer builds its help
in the chosen language.

Kept free of typer and rich, as :mod:`.common` is: ``kpiaudit lint`` imports it."""

from __future__ import annotations

import os
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
