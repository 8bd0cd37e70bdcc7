"""Progress bars for long reads and long runs, on stderr, for a person at a terminal only:
never when stderr is piped or redirected, in CI, under TERM=dumb or with --quiet, so logs and
scripts never see it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LONG = 2_000_000  # bytes: smaller files are read before a bar would be seen
MANY = 2_000  # files: fewer are checked before a bar would be seen


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


@contextmanager
def counting(*, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A callback taking the files done and the files in all, drawing a bar once there are
    :data:`MANY` of them; None when no bar is wanted."""
    if not wanted(quiet):
        yield None
        return
    bar = _FilesBar()
    try:
        yield bar.update
    finally:
        bar.close()


class _FilesBar:
    """rich's bar, made on the first update of a long run and redrawn by the updates (at most
    ten times a second), not by a thread of rich's: worker processes are forked while it runs,
    and a process with threads must not fork."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None
        self.drawn = 0.0

    def update(self, done: int, total: int) -> None:
        if total < MANY:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress(
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                auto_refresh=False,
                transient=True,  # gone when done: the output is what stays
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total)
        now = time.monotonic()
        if done == total or now - self.drawn >= 0.1:
            self.bar.update(self.task, completed=done)
            self.bar.refresh()
            self.drawn = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
