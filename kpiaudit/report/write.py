"""Put a built report in its directory in one step, and only where it is ours to replace.

The files are written into a new temporary directory beside ``--out`` (same file system), each
flushed to disk, and then renamed into place: a reader, a web server or an interruption sees
the old report or the new one, never a mixture or a half-written page. A directory is replaced
only when it is empty, when it holds a previous report (its marker file), or with ``force``;
never when it is a symbolic link, and never when it holds the current directory or the
measures being reported on.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from ..i18n import _
from .site import MARKER


class OutputRefused(Exception):
    """``--out`` names a place the report must not replace; the message says why."""


def is_report(directory: Path) -> bool:
    """A directory a previous ``kpiaudit report`` wrote (its marker is a regular file)."""
    marker = directory / MARKER
    if marker.is_symlink() or not marker.is_file():
        return False
    try:
        doc = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("generator") == "kpiaudit report"


def check_out(out: Path, *, force: bool = False, protect: Iterable[Path] = ()) -> Path:
    """The absolute directory to replace, or OutputRefused. Symbolic links in the path above
    ``out`` are the user's own layout and are kept as written; ``out`` itself must not be one,
    since replacing it would replace the link, not write where it points."""
    target = Path(os.path.abspath(out))
    if target.parent == target:
        raise OutputRefused(_("{out}: refusing to replace a file system root").format(out=out))
    if target.is_symlink():
        raise OutputRefused(
            _("{out} is a symbolic link; give the directory itself (or a new one) as --out").format(
                out=out
            )
        )
    if target.exists() and not target.is_dir():
        raise OutputRefused(_("{out} exists and is not a directory").format(out=out))
    real = Path(os.path.realpath(target))
    for inner in (Path.cwd(), *protect):
        resolved = Path(os.path.realpath(inner))
        if resolved == real or resolved.is_relative_to(real):
            raise OutputRefused(
                _("{out} holds {inner}; the report needs a directory of its own").format(
                    out=out, inner=inner
                )
            )
    if target.is_dir() and any(target.iterdir()) and not is_report(target) and not force:
        raise OutputRefused(
            _(
                "{out} is not empty and holds no kpiaudit report; choose an empty or new "
                "directory, or use --force to replace it and everything in it"
            ).format(out=out)
        )
    return target


def write_site(
    out: Path,
    files: Mapping[str, bytes],
    *,
    force: bool = False,
    protect: Iterable[Path] = (),
) -> Path:
    """Replace ``out`` with a directory holding exactly ``files``; returns its absolute path."""
    target = check_out(out, force=force, protect=protect)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        _fill(staging, files)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _fill(root: Path, files: Mapping[str, bytes]) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(root, 0o777 & ~umask)  # mkdtemp's 0700 would hide the site from a web server
    folders = {root}
    for name, data in files.items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or "\\" in name or not rel.parts:
            raise ValueError(f"{name!r} is not a path inside the report")
        path = root.joinpath(*rel.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
        _write_file(path, data)
    for folder in folders:
        _fsync_dir(folder)


def _write_file(path: Path, data: bytes) -> None:
    """On disk before it becomes part of the report (as fsutil does for measure files), so
    that a power cut after the swap cannot leave empty pages. An fsync of this file only:
    sync(2) would also wait for every other process's writes."""
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _swap(staging: Path, target: Path) -> None:
    """An empty or missing ``target`` is replaced by one rename. A full one is first moved
    aside, so that the only moment without a report at ``target`` is between two renames;
    if the second fails, the old report is put back. The old one is deleted last, once the
    new one is in place and recorded on disk."""
    if not target.exists() or not any(target.iterdir()):
        os.replace(staging, target)  # POSIX: a directory may replace an empty directory
        _fsync_dir(target.parent)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    try:
        os.replace(target, aside / "report")
        try:
            os.replace(staging, target)
        except BaseException:
            os.replace(aside / "report", target)
            raise
        _fsync_dir(target.parent)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be synced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
