"""A progress bar for long reads, on stderr, for a person at a terminal only: never when
stderr is piped or redirected, in CI, under TERM=dumb or with --quiet, so logs and scripts
never see it."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LONG = 2_000_000  # bytes: smaller files are read before a bar would be seen


def wanted(quiet: bool) -> bool:
    isatty = getattr(sys.stderr, "isatty", None)
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    return not quiet and not ci and os.environ.get("TERM") != "dumb" and bool(isatty and isatty())


@contextmanager
def reading(path: Path, *, quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A callback taking the bytes read so far, drawing a bar while the block runs; None when
    no bar is wanted (the reader then skips the calls)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < LONG or not wanted(quiet):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(file=sys.stderr),
        transient=True,  # gone when done: the summary line is what stays
    )
    with bar:
        task = bar.add_task(path.name, total=size)
        yield lambda done: bar.update(task, completed=done)
