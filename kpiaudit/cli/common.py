"""What every command shares: exit codes, the usage error, colour, the files to check.

Kept free of typer and rich so that ``kpiaudit lint`` can import it at no cost.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from ..audit import Audit
    from ..config import Config

from ..i18n import N_

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a tool killed by it


# Help shared by every command that reads measures (argparse's lint and typer's others).
PATHS_HELP = N_(
    "Measure files or directories. Default: the configured measures directory, else ./measures."
)
CONFIG_HELP = N_(
    "Read settings from FILE instead of searching for .kpiaudit.toml or [tool.kpiaudit] in "
    "pyproject.toml."
)


class UsageError(Exception):
    """A bad argument or configuration: reported in one line, exit 2."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def parse_iso(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


def for_terminal(stream: object) -> bool:
    """Output meant for a person at a terminal (or FORCE_COLOR says to act as if)."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def use_color(stream: object) -> bool:
    """Colour on a terminal. NO_COLOR (no-color.org) removes the colour only, not the layout."""
    return not os.environ.get("NO_COLOR") and for_terminal(stream)


def setup(paths: list[Path] | None, config_file: Path | None) -> tuple[list[Path], Config]:
    """The configuration, and the files to check: those named, else the configured directory."""
    from ..config import ConfigError, load_config

    try:
        config = load_config(explicit=config_file)
    except ConfigError as exc:
        fail(str(exc))
    if not paths:
        default = config.measures or Path("measures")
        if not default.is_dir():
            fail(
                f"no measures directory {default}; name files or directories to check, or set "
                'measures = "…" under [tool.kpiaudit] in pyproject.toml'
            )
        paths = [default]
    return list(paths), config


def one_plan(paths: list[Path], config: Config) -> Audit:
    """The audit of the one plan a command reads (status, due); a usage error naming the plans
    when the files belong to several."""
    from ..audit import TwoPlansError, audit

    try:
        return audit(paths, config).single()
    except TwoPlansError as exc:
        two_plans(exc.directories)


def two_plans(directories: list[str]) -> NoReturn:
    fail(
        f"the files belong to {len(directories)} plans ({', '.join(directories)}); this command "
        "reads one plan: name one directory"
    )
