"""Writing files so that an interruption or a full disk never leaves one half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def atomic_write_all(items: Iterable[tuple[Path, str]]) -> None:
    """Write each (path, text) through a temporary file in the same directory, fsync it, then
    rename it into place. All temporaries are written before the first rename, so a failure
    while writing (ENOSPC, Ctrl-C) leaves every target file as it was. A rewritten file keeps
    its permissions; a new one gets the usual ones (0666 less the umask), not mkstemp's 0600."""
    staged: list[tuple[str, Path]] = []
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, text in items:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            try:
                mode = stat.S_IMODE(path.stat().st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~umask
            os.chmod(fd, mode)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
        staged = []
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
