"""Writing files so that an interruption, a full disk or another writer never leaves one
half-written or silently overwritten.

What is atomic, honestly: each *file*. Its new content is written to a temporary file beside
it (``.NAME.PID.RANDOM.tmp``), flushed to disk, then renamed over it, so a reader sees the old
file or the new one, never a mix. Across files:

- every temporary is written before the first rename, so a failure or Ctrl-C while writing
  (ENOSPC, SIGINT, SIGTERM, SIGHUP) removes the temporaries and changes no file;
- SIGINT, SIGTERM and SIGHUP that arrive during the renames (milliseconds) are held until the
  last rename is done, so they cannot leave some files replaced and others not;
- SIGKILL, a crash or a power cut during the renames can: then some files are new and some
  old, each whole. The commands that write are idempotent (``fix`` rewrites only what still
  disagrees, ``import --force`` writes the same files), so running them again finishes the job,
  and temporaries left behind by a run that is no longer running are removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .i18n import _

_HELD = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
# .01-07.yaml.4242.k3j_x9a1.tmp: ours (a measure, plan.yaml or a known-findings file), with
# the writer's pid
_TEMPORARY = re.compile(r"^\.(?P<name>.+\.(?:ya?ml|json))\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")
_STARTED = time.time()
_A_DAY = 24 * 3600


@dataclass(frozen=True)
class Change:
    """A file to (re)write. With ``expected``, the file is replaced only if it still holds
    exactly those bytes when its turn comes: a hand edit saved meanwhile is never lost."""

    path: Path
    text: str
    expected: bytes | None = None


class PartialWrite(OSError):
    """Renaming failed part-way (a permission, a vanished directory): ``written`` were
    replaced, the rest are as they were."""

    def __init__(self, cause: OSError, written: list[Path], failed: Path) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(failed))
        self.written = written
        self.failed = failed


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM/SIGHUP for the duration (they are delivered when it ends)."""
    can = (
        hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    )
    if not can:
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM and SIGHUP end a write as Ctrl-C does: cleaned up


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """SIGTERM and SIGHUP kill a process without running ``finally``: while temporaries
    exist, turn them into KeyboardInterrupt (when nobody else handles them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {}
    for signum in _HELD:
        if signum != signal.SIGINT and signal.getsignal(signum) == signal.SIG_DFL:
            saved[signum] = signal.signal(signum, _interrupt)
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it runs, as someone else
        return True
    return True


def remove_stale_temporaries(directory: Path) -> list[str]:
    """Remove our temporaries in ``directory`` left by a run that was killed: created before
    this run started, by a process that is no longer running (or a day ago: its pid may have
    been reused since). Returns their names."""
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        m = _TEMPORARY.match(name)
        if m is None:
            continue
        path = directory / name
        with contextlib.suppress(OSError):
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode) or st.st_mtime >= _STARTED:
                continue
            if st.st_mtime < _STARTED - _A_DAY or not _running(int(m["pid"])):
                path.unlink()
                removed.append(name)
    return removed


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _replaceable(path: Path) -> None:
    """Refuse to replace what is not a regular file (or a symbolic link, which is replaced
    itself): renaming over /dev/full, as root, turns the device into a file."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        reason = _("it exists and is not a regular file; not replaced")
        raise OSError(errno.EEXIST, reason, str(path))


def _stage(path: Path, text: str, staged: list[tuple[str, Path]], umask: int) -> str:
    """Write ``text`` to a temporary beside ``path``; it is in ``staged`` before it exists
    (signals are held across creating it), so that cleaning up never misses one."""
    _replaceable(path)
    with _signals_held():
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
        )
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
    return tmp


def _still(path: Path, expected: bytes) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(expected) + 1) == expected
    except OSError:
        return False


def replace_files(changes: Iterable[Change]) -> tuple[list[Path], list[Path]]:
    """Write every change (see the module's note on what is atomic). Returns (written, left):
    ``left`` are the files whose content was no longer ``expected`` when their turn came,
    left as they are. Raises OSError when writing a temporary fails (no file changed) and
    :class:`PartialWrite` when a rename fails part-way."""
    staged: list[tuple[str, Path]] = []
    umask = _umask()
    written: list[Path] = []
    left: list[Path] = []
    todo = list(changes)
    for directory in {c.path.parent for c in todo}:
        remove_stale_temporaries(directory)
    try:
        with _terminate_cleanly():
            for c in todo:
                _stage(c.path, c.text, staged, umask)
            with _signals_held():
                for (tmp, path), c in zip(staged, todo, strict=True):
                    if c.expected is not None and not _still(path, c.expected):
                        left.append(path)
                        continue
                    try:
                        _replaceable(path)  # still: it may have been swapped meanwhile
                        os.replace(tmp, path)
                    except OSError as exc:
                        raise PartialWrite(exc, written, path) from exc
                    written.append(path)
                staged = [(tmp, path) for tmp, path in staged if path not in written]
    finally:
        for tmp, _path in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return written, left


def atomic_write_all(items: Iterable[tuple[Path, str]]) -> None:
    """Write each (path, text), replacing what is there (see the module's note). A rewritten
    file keeps its permissions; a new one gets the usual ones (0666 less the umask)."""
    replace_files(Change(path, text) for path, text in items)


# os.link cannot make the name on this file system (FAT, some network shares): create it with
# O_EXCL instead, still exclusive but written in place.
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def create_all(items: Iterable[tuple[Path, str]]) -> list[Path]:
    """Create every file, none of which may exist, or none of them: the names that already
    exist are returned and nothing is written. Unlike checking first and writing after, this
    holds against another writer at the same moment (two ``import`` runs): each name is made
    with os.link of a complete temporary, which fails if the name exists; on the first that
    does, the names made so far are removed again."""
    staged: list[tuple[str, Path]] = []
    made: list[tuple[Path, int]] = []
    umask = _umask()
    todo = list(items)
    for directory in {path.parent for path, _text in todo}:
        remove_stale_temporaries(directory)
    try:
        with _terminate_cleanly():
            for path, text in todo:
                _stage(path, text, staged, umask)
            with _signals_held():
                for (tmp, path), (_, text) in zip(staged, todo, strict=True):
                    try:
                        _link(tmp, path, text)
                    except FileExistsError:
                        _unmake(made)
                        return sorted(p for p, _text in todo if p.exists())
                    made.append((path, os.stat(path).st_ino))
                made = []
    finally:
        _unmake(made)
        for tmp, _path in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return []


def _link(tmp: str, path: Path, text: str) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IMODE(os.stat(tmp).st_mode))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


def _unmake(made: list[tuple[Path, int]]) -> None:
    """Remove names this run made (still its own inode: nobody replaced them since)."""
    for path, inode in made:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == inode:
                os.unlink(path)
    made.clear()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for a writer that wants a file name (sqlite3,
    openpyxl); when the block ends without an exception the file is synced and renamed onto
    ``path``, otherwise removed, so ``path`` is the old file or the whole new one."""
    umask = os.umask(0)
    os.umask(umask)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
