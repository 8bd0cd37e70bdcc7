"""The result cache: a run where nothing changed costs almost nothing (ruff's habit).

What is kept: each measure file's per-file result (:mod:`.record`), keyed by the file's
bytes and by everything else that changes that result: kpiaudit itself (its version and its
code), the schema, the plan's base date and chapters. Beside it, what the rules that depend
on the day found on the last day they were judged: a run on the same day reuses it, a run on
another day judges them again. Selection, severities, suppressions, known findings and the
cross-file rules (duplicate ids) apply after the cache and are always computed.

Where: ``.kpiaudit_cache/`` in the project root, which ignores itself (its own ``.gitignore``)
and is marked as a cache (``CACHEDIR.TAG``); one file per plan directory, holding a MAC line
and then one line per measure file. ``kpiaudit clean`` removes it; ``--no-cache`` (or
``KPIAUDIT_NO_CACHE=1``) runs without it.

Why it cannot be used to fool the gate: a pull request can commit a ``.kpiaudit_cache/`` that
says a broken file is clean. Every cache file therefore carries a MAC of all its entries, made
with a key that never leaves this machine's user (``~/.cache/kpiaudit/key``, made on first
use, mode 0600), and a file whose MAC does not match is ignored: a cache from anywhere else is
a cache miss. (One MAC per file, not per entry: a file is only ever replaced whole, never
changed, and checking ten thousand MACs was a tenth of a warm run.) A record is JSON, never
pickle, so even a forged one could not run code. The directory must be a real directory of
this user (never a symbolic link), and its files this user's, which no one else can change;
they are read without following links, and written to a temporary beside them (as they are
made: :class:`_Sealing`) and renamed, so two runs sharing the cache never see a half-written
file (the last one to finish wins) and a damaged file is a miss, not an error.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, NamedTuple

from . import background
from .record import FORMAT

CACHE_DIR = ".kpiaudit_cache"
DISABLE_ENV = "KPIAUDIT_NO_CACHE"
_KEY_BYTES = 32
_HEADER = b"kpiaudit-cache\t"  # then the MAC of the rest of the file, and a newline
_LARGEST = 1 << 30  # a cache file larger than this is not ours: a miss
_STALE_TEMPORARY = 600  # seconds: a temporary this old belongs to a run that was killed
_STALE_FILE = 7 * 24 * 3600  # seconds: another settings' file no run has written for a week
_OUTPUT = ".output"  # the suffix of a run's recorded output
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # a cache file is never reached through a link
SETTLED = 2  # seconds: a file's times this old are past any clock's tick (FAT's is 2 s)

_GITIGNORE = "# Created by kpiaudit: its result cache, never committed.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by kpiaudit.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


def digest(raw: bytes) -> str:
    """The key of a file's bytes."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def length_prefixed(text: str | bytes) -> bytes:
    """``text`` (UTF-8 when a str) as one field of what is digested or MACed: its length
    first, so that no two sequences of fields join into the same bytes."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return len(raw).to_bytes(8, "big") + raw


def signature(st: os.stat_result) -> bytes:
    """What the file system says of a file: who it is, how long, when it last changed."""
    return b"%d:%d:%d:%d:%d:%d" % (
        st.st_dev,
        st.st_ino,
        st.st_mode,
        st.st_size,
        st.st_mtime_ns,
        st.st_ctime_ns,
    )


def settled(st: os.stat_result, seen: int) -> bool:
    """Whether the file's times were :data:`SETTLED` seconds old when it was looked at."""
    return seen - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED * 10**9


class FileStatus(NamedTuple):
    """What a run keeps of a file's status (``os.lstat``), taken at a time: its
    :func:`signature`, whether it had :func:`settled` then, and whether it is a regular file.
    A run looks at every file of the plan first (the snapshot's key) and keeps that to the
    end: an ``os.stat_result`` of 19 fields was about 1 KB a file, 94 MiB for 100,000."""

    signature: bytes
    settled: bool
    regular: bool


def looked_at(st: os.stat_result, seen: int) -> FileStatus:
    """The :class:`FileStatus` of ``st``, taken at ``seen`` (time.time_ns())."""
    return _new_status(FileStatus, (signature(st), settled(st, seen), stat.S_ISREG(st.st_mode)))


_new_status = tuple.__new__  # a named tuple made without its __new__'s keyword handling


def disabled_by_environment() -> bool:
    return os.environ.get(DISABLE_ENV, "") not in ("", "0", "false")


class Cache:
    """The cache of one project (its ``.kpiaudit_cache/``)."""

    def __init__(self, directory: Path, key: bytes) -> None:
        self.directory = directory
        self._key = key

    @classmethod
    def at(cls, root: Path) -> Cache | None:
        """The project's cache, made if needed; None when it cannot be used here (no user
        cache directory for the key, a read-only project, or a ``.kpiaudit_cache`` that is
        not a directory of this user). A run without a cache is only slower."""
        key = _user_key()
        if key is None:
            return None
        directory = root / CACHE_DIR
        try:
            os.mkdir(directory, 0o777)
        except FileExistsError:
            pass
        except OSError:
            return None
        if not _own_directory(directory):
            return None
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            if not os.path.lexists(directory / name):
                with contextlib.suppress(OSError):
                    _write(directory, name, text.encode())
        return cls(directory, key)

    def plan(self, plan_directory: Path, settings: Mapping[str, object]) -> PlanCache | None:
        """The cached results of one plan directory, under ``settings`` (what changes a
        per-file result besides the file: base date, chapters); None for a directory outside
        this project, whose results are not this project's to keep."""
        where = os.path.realpath(plan_directory)
        root = os.path.realpath(self.directory.parent)
        if where != root and not where.startswith(root.rstrip(os.sep) + os.sep):
            return None
        place = hashlib.blake2b(os.fsencode(where), digest_size=8).hexdigest()
        everything = json.dumps(
            {"format": FORMAT, "code": _code_fingerprint(), "settings": settings},
            sort_keys=True,
            default=str,
        )
        context = hashlib.blake2b(everything.encode(), digest_size=8).hexdigest()
        return PlanCache(self.directory, f"{place}-{context}.cache", self._key)

    def read_output(self, name: str) -> bytes:
        """The output a run recorded under ``name`` (see :mod:`kpiaudit.cli.replay`), if
        this user recorded it here; b"" when there is none to trust."""
        return _read_sealed(self.directory, self._key, name + _OUTPUT)

    def save_output(self, name: str, *body: bytes) -> None:
        """Record a run's output under ``name``, and forget the outputs no run has recorded
        for a week (each way of running kpiaudit here keeps one, replaced as files change).
        A failure is an output not kept, never an error of the run."""
        with contextlib.suppress(OSError):
            _seal(self.directory, self._key, name + _OUTPUT, body)
        now = time.time()
        with contextlib.suppress(OSError), os.scandir(self.directory) as entries:
            for entry in entries:
                if entry.name.endswith(_OUTPUT):
                    with contextlib.suppress(OSError):
                        if now - entry.stat(follow_symlinks=False).st_mtime > _STALE_FILE:
                            os.unlink(entry.path)


class Entry(NamedTuple):
    """What the cache knows of one file."""

    record: bytes  # its per-file result (:func:`.record.encode`)
    day: str  # the day its rules of the day were last judged on (ISO), or ""
    of_the_day: bytes  # what they found that day (:func:`.record.encode_of_the_day`)


class PlanCache:
    """One plan directory's entries: file name → (its bytes' digest, what the file system
    said of it when it was read, its record, and the findings of the rules of the day on
    the last day they were judged). One line each: its six fields split by tabs, which
    none but the record, last, holds (JSON escapes tabs).

    A run writes the file as it goes: each entry it :meth:`put` goes straight to a
    temporary (:class:`_Sealing`), and :meth:`save` adds the last run's entries it keeps and
    renames it over the old file. Holding every new entry until the end was a fifth of what
    a first run on 100,000 files held. A run that looks up only a few files (the rest are
    known from the plan's snapshot: :meth:`look_up_only`) holds only their entries, and the
    others are copied from the last run's file as it is completed."""

    def __init__(self, directory: Path, name: str, key: bytes) -> None:
        self.directory = directory
        self.name = name
        self._key = key
        # the last run's entries this run may look up (read when first needed), as this run
        # changed them (restamp, put_of_the_day), less those it has put since: name → line
        self._read_lines: dict[bytes, bytes] | None = None
        self._only: set[bytes] | None = None  # the names looked up, when not all may be
        self._put: set[bytes] = set()  # with _only: the names put by this run
        self._keep: set[bytes] | None = None  # with _only: the names of the plan's files
        self._sealing: _Sealing | None = None  # the new file, while this run writes it
        self._unwritable = False  # the new file could not be begun: nothing is kept
        self._changed = False

    def look_up_only(self, filenames: Iterable[str]) -> None:
        """Say, before any lookup, that only these files' entries will be asked for: the
        others' are then not held, but copied from the last run's file by :meth:`save`."""
        if self._read_lines is None:
            self._only = {_name(f) for f in filenames}

    def get(self, filename: str, file_digest: str) -> Entry | None:
        """The entry of ``filename`` if its bytes are still those of ``file_digest``."""
        entry = self._entry(filename)
        if entry is None or entry[0] != file_digest.encode("ascii"):
            return None
        return entry[2]

    def unchanged(self, filename: str, status: FileStatus) -> Entry | None:
        """The entry of ``filename`` when the file system says it is the very file that was
        read (same device, inode, size, modification and change times), so that it need not
        be read again, as git's index does. Only a file whose times were at least
        :data:`SETTLED` seconds old when it was read is recognised this way: a change within
        the same tick of a coarse clock would not show in its times."""
        entry = self._entry(filename)
        if entry is None or not entry[1] or entry[1] != status.signature:
            return None
        return entry[2]

    def put(
        self,
        filename: str,
        file_digest: str,
        record: bytes,
        status: FileStatus | None,
        day: str = "",
        of_the_day: bytes = b"",
    ) -> None:
        """Record ``filename``'s result, and what the rules of ``day`` found in it (none
        judged: ""), for good: it is written at once, and cannot be changed by this run.
        ``status``: the file's, taken just before it was read; None: it is known by its
        bytes only."""
        name, kept_digest = _name(filename), file_digest.encode("ascii")
        stamp = status.signature if status is not None and status.settled else b""
        self._lines.pop(name, None)  # the last run's entry: not written again
        if self._only is not None:
            self._put.add(name)
        sealing = self._writing()
        if sealing is not None:
            fields = (name, kept_digest, stamp, day.encode("ascii"), of_the_day, record)
            try:
                sealing.add(b"\t".join(fields), b"\n")
            except OSError:  # a full disk: this run keeps no entries
                self.abandon()
                self._unwritable = True
                return
            self._changed = True

    def put_of_the_day(self, filename: str, day: str, found: bytes) -> None:
        """Keep what the rules of ``day`` found in ``filename`` beside the entry the last run
        left (an entry this run :meth:`put` holds them already)."""
        name = _name(filename)
        line = self._lines.get(name)
        if line is not None:
            parts = line.split(b"\t", 5)
            parts[3:5] = day.encode("ascii"), found
            self._lines[name] = b"\t".join(parts)
            self._changed = True

    def restamp(self, filename: str, status: FileStatus) -> None:
        """A file just known by its bytes: record its status too, when it can be trusted, so
        that the next run need not read it (a file rewritten with the same bytes, or one read
        too soon after a change to be recognised by its times then)."""
        name = _name(filename)
        line = self._lines.get(name)
        if line is None or not status.settled:
            return
        parts = line.split(b"\t", 5)
        if parts[2] != status.signature:
            parts[2] = status.signature
            self._lines[name] = b"\t".join(parts)
            self._changed = True

    def _entry(self, filename: str) -> tuple[bytes, bytes, Entry] | None:
        """(digest, signature, entry) of a file."""
        line = self._lines.get(_name(filename))
        if line is None:
            return None
        _, kept_digest, stamp, day, found, record = line[:-1].split(b"\t", 5)
        return kept_digest, stamp, Entry(record, day.decode("ascii"), found)

    def keep_only(self, filenames: Iterable[str]) -> None:
        """Forget the entries of files no longer in the plan directory."""
        keep = {_name(f) for f in filenames}
        gone = [name for name in self._lines if name not in keep]
        for name in gone:
            del self._lines[name]
        self._changed = self._changed or bool(gone)
        if self._only is not None:
            # Which of the others are gone is known only as save() copies them: the file is
            # written again, even when none is (a run after an edit writes it anyway).
            self._keep, self._changed = keep, True

    def save(self, *, in_background: bool = False) -> None:
        """Complete the file, if an entry changed: add the last run's entries still kept and
        rename it over the old one. A failure (full disk, read-only) is a cache that is not
        kept, never an error of the run. ``in_background``: in a forked child while this
        process goes on (:mod:`.background`), when there are entries of the last run to add:
        sealing and writing ten thousand of them was a twentieth of the run after an edit."""
        if not self._changed:
            self.abandon()
            return
        sealing = self._writing()
        self._sealing, self._changed = None, False
        if sealing is None:
            return

        def write() -> None:
            try:
                for line in self._kept():
                    sealing.add(line)
                sealing.finish()
            except OSError:  # a full disk: not kept
                sealing.abandon()
                return
            except BaseException:  # Ctrl-C: not kept, and no temporary left
                sealing.abandon()
                raise
            self._forget_others()

        handed = False  # to a forked child, which completes it: this process lets go

        def hand_over() -> None:
            nonlocal handed
            handed = True
            sealing.let_go()  # the child completes it, or fails: a miss, not an error

        some_kept = self._only is not None or bool(self._lines)
        try:
            if not (in_background and some_kept and background.run(write, hand_over)):
                write()
        except BaseException:  # Ctrl-C, raised as the fork was done or given up
            if not handed:
                sealing.abandon()
            raise
        self._put, self._keep = set(), None  # what write() needed: not held for nothing

    def _kept(self) -> Iterator[bytes]:
        """The lines of the last run's entries this run keeps, as it changed them."""
        changed = self._lines
        if self._only is None:  # all are held
            yield from changed.values()
            return
        opened = _open_sealed(self.directory, self._key, self.name)
        if opened is None:  # gone since (`kpiaudit clean`): those held, at least
            yield from changed.values()
            return
        with opened:
            for name, line in _entry_lines(opened):
                if name not in self._put and (self._keep is None or name in self._keep):
                    yield changed.get(name, line)

    def abandon(self) -> None:
        """Give up the file this run was writing (its run failed or was interrupted): the
        last run's stays as it was."""
        if self._sealing is not None:
            self._sealing.abandon()
            self._sealing = None

    def _writing(self) -> _Sealing | None:
        """The new file, begun on first need; None when it cannot be (then no entry is)."""
        if self._sealing is None and not self._unwritable:
            try:
                self._sealing = _Sealing(self.directory, self._key, self.name)
            except OSError:
                self._unwritable = True
        return self._sealing

    def open_snapshot(self) -> BinaryIO | None:
        """The plan's snapshot (:mod:`.snapshot`) kept beside the entries, if this user made
        it, open at its body, to be read a line at a time; None when there is none to trust."""
        return _open_sealed(self.directory, self._key, self._snapshot)

    def save_snapshot(self, body: Iterable[bytes]) -> bool:
        """Keep the plan's snapshot (``body``: its parts, each written as it is made); False
        when it could not be written."""
        try:
            _seal(self.directory, self._key, self._snapshot, body)
        except OSError:
            return False
        return True

    @property
    def _snapshot(self) -> str:
        return self.name.removesuffix(".cache") + ".snapshot"

    @property
    def _lines(self) -> dict[bytes, bytes]:
        """File name (JSON) → its line, newline included, as stored: the last run's entries
        this run may look up (:attr:`_read_lines`), read when first asked."""
        if self._read_lines is None:
            self._read_lines = {}
            opened = _open_sealed(self.directory, self._key, self.name)
            if opened is not None:
                with opened:
                    only = self._only
                    for name, line in _entry_lines(opened):
                        if only is None or name in only:
                            self._read_lines[name] = line
        return self._read_lines

    def _forget_others(self) -> None:
        """Cache files of the same plan directory under other settings or code that no run
        has written for a week, and temporaries of runs that were killed. Not sooner: two
        installs of kpiaudit (pre-commit's and a developer's) each keep a file of their own,
        and deleting the other's each time would leave both always cold."""
        place = self.name.split("-", 1)[0]
        now = time.time()
        with contextlib.suppress(OSError), os.scandir(self.directory) as entries:
            for entry in entries:
                ours = entry.name in (self.name, self._snapshot)
                other = entry.name.startswith(place + "-") and not ours
                temporary = entry.name.endswith(".tmp")
                if not (other or temporary):
                    continue
                with contextlib.suppress(OSError):
                    age = now - entry.stat(follow_symlinks=False).st_mtime
                    if age > (_STALE_TEMPORARY if temporary else _STALE_FILE):
                        os.unlink(entry.path)


def clean(root: Path) -> bool:
    """Remove the project's cache; True when there was one. A ``.kpiaudit_cache`` that is not
    a directory kpiaudit could have made (a symbolic link) is left alone: ValueError."""
    directory = root / CACHE_DIR
    if not os.path.lexists(directory):
        return False
    if not _own_directory(directory):
        raise ValueError(str(directory))
    import shutil

    shutil.rmtree(directory)
    return True


def _name(filename: str) -> bytes:
    # JSON escapes tab, newline and every control character: a name is one field of one line.
    # A printable name without quote or backslash is its own JSON; said without json.dumps,
    # which was a twentieth of a warm run.
    if filename.isprintable() and '"' not in filename and "\\" not in filename:
        return b'"%s"' % filename.encode("utf-8")
    return json.dumps(filename, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _entry_lines(opened: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    """The name (its first field) and line (newline included) of each entry of an entries
    file open at its body; a line that is not one (fewer than six fields) is skipped, and a
    read that fails ends them (what follows is a miss)."""
    try:
        for line in opened:
            if line.count(b"\t") >= 5:
                yield line[: line.index(b"\t")], line if line.endswith(b"\n") else line + b"\n"
    except OSError:
        return


def _seal(directory: Path, key: bytes, name: str, body: Iterable[bytes]) -> None:
    """Write ``name`` whole: a MAC line, then the parts of its body, each made as it is
    asked for (:class:`_Sealing`)."""
    sealing = _Sealing(directory, key, name)
    try:
        for part in body:
            sealing.add(part)
        sealing.finish()
    except BaseException:
        sealing.abandon()
        raise


class _Sealing:
    """A cache file written as it is made: its body to a temporary beside it (:func:`_write`'s
    habit: no run ever reads half a file), MACed as it goes; at :meth:`finish`, the MAC line
    in front, and the temporary renamed to ``name``. What is added is written every
    :data:`_BATCH` bytes: no more of the file is held at a time."""

    _BATCH = 1 << 18

    def __init__(self, directory: Path, key: bytes, name: str) -> None:
        self.path = directory / name
        self._mac = _new_mac(key, name)
        self._pending: list[bytes] = []
        self._size = 0
        self._fd, self._tmp = _temporary(directory, name)
        try:
            os.fchmod(self._fd, 0o644)
            # room for the MAC line, whose length is fixed (sha256's hex digest)
            _write_all(self._fd, _HEADER + b"0" * 64 + b"\n")
        except BaseException:
            self.abandon()
            raise

    def add(self, *parts: bytes) -> None:
        self._pending.extend(parts)
        self._size += sum(map(len, parts))
        if self._size >= self._BATCH:
            self._flush()

    def finish(self) -> None:
        """Write the MAC line and rename the file into place (OSError: it was not)."""
        try:
            self._flush()
            os.pwrite(self._fd, _HEADER + self._mac.hexdigest().encode("ascii") + b"\n", 0)
            os.close(self._fd)
            self._fd = -1
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Close and remove the temporary: the file at ``name`` stays as it was."""
        self.let_go()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def let_go(self) -> None:
        """Close this process's hold on the temporary, which another (a forked child that
        finishes it) keeps."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        self._pending.clear()

    def _flush(self) -> None:
        chunk = b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        self._mac.update(chunk)
        _write_all(self._fd, chunk)


def _write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` (os.write may write less than it is given)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_sealed(directory: Path, key: bytes, name: str) -> bytes:
    """The body of ``name`` when its MAC says this user wrote it here; b"" otherwise."""
    opened = _open_sealed(directory, key, name)
    if opened is None:
        return b""  # none, damaged, or not written by this user on this machine
    with opened:
        try:
            return opened.read()
        except OSError:
            return b""


def _open_sealed(directory: Path, key: bytes, name: str) -> BinaryIO | None:
    """``name``, open at its body, when its MAC says this user wrote it here; None otherwise.
    The MAC is checked by reading the file through in pieces, then the file is read again
    from its body by the caller, as it needs: a large plan's snapshot (42 MB for 100,000
    measures) is never held whole beside what is decoded from it. Only this user can change
    the file (:func:`_open_regular`), and a run replaces a cache file, never changes it: the
    second reading is of the bytes the first checked."""
    fd = _open_regular(directory / name)
    if fd is None:
        return None
    opened = os.fdopen(fd, "rb")
    try:
        head = opened.readline(len(_HEADER) + 66)
        start = opened.tell()
        mac = _new_mac(key, name)
        while piece := opened.read(1 << 20):
            mac.update(piece)
        if hmac.compare_digest(head, _HEADER + mac.hexdigest().encode("ascii") + b"\n"):
            opened.seek(start)
            return opened
    except OSError:
        pass
    except BaseException:  # Ctrl-C while it is read: closed all the same
        opened.close()
        raise
    opened.close()
    return None


def _new_mac(key: bytes, name: str) -> hmac.HMAC:
    """The MAC of the cache file ``name``, to be fed its body: its MAC line is :data:`_HEADER`,
    the hex digest and a newline."""
    # HMAC-SHA256, through OpenSSL, which uses the processor's SHA instructions where it has
    # them (most x86-64 and ARMv8 of recent years): 1.7 GB/s here, twice keyed BLAKE2b's, and
    # a run after an edit of a large plan checks three files of megabytes. The file's name
    # (the plan directory, the settings, entries, snapshot or output) is part of it: a body
    # cannot be moved to another plan, settings or use.
    return hmac.new(key, length_prefixed(name), digestmod="sha256")


def _own_directory(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    owner = getattr(os, "geteuid", lambda: st.st_uid)()
    return stat.S_ISDIR(st.st_mode) and st.st_uid == owner


def _open_regular(path: Path, *, private: bool = False) -> int | None:
    """A descriptor of a regular file of at most :data:`_LARGEST` bytes that only this user
    can change (``private``: only this user can read), open for reading (never through a
    link, never waiting on a FIFO); None for anything else. A cache file is read twice, its
    MAC checked on the first reading (:func:`_open_sealed`): no one else may change it in
    between."""
    flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        owner = getattr(os, "geteuid", lambda: st.st_uid)()
        others = 0o077 if private else 0o022
        if (
            stat.S_ISREG(st.st_mode)
            and st.st_size <= _LARGEST
            and st.st_uid == owner
            and not st.st_mode & others
        ):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def _read_key(path: Path) -> bytes:
    """The key file's bytes, when it is this user's alone; b"" otherwise."""
    fd = _open_regular(path, private=True)
    if fd is None:
        return b""
    with os.fdopen(fd, "rb") as f:
        try:
            return f.read(_KEY_BYTES + 1)
        except OSError:
            return b""


def _write(directory: Path, name: str, *content: bytes, mode: int = 0o644) -> None:
    fd, tmp = _temporary(directory, name)
    try:
        try:
            os.fchmod(fd, mode)
            for part in content:
                _write_all(fd, part)
        finally:
            os.close(fd)
        os.replace(tmp, directory / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _temporary(directory: Path, name: str) -> tuple[int, str]:
    """A new empty file beside ``name`` (``.NAME.RANDOM.tmp``), made by this call and open
    for writing: what ``tempfile.mkstemp`` does, without importing tempfile and what it
    imports (shutil, bz2, lzma, random), which was a sixth of what the cache adds to a first
    run on a small plan."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        tmp = os.path.join(directory, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:  # 48 random bits taken: another run's, or planted
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary", str(directory / name))


def _user_key() -> bytes | None:
    """This user's cache key, made on first use (and made again when it is not one: empty
    after a run killed while making it, the wrong length, another user's, readable by
    others); None when there is no place for it."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    directory = Path(base) / "kpiaudit"
    path = directory / "key"
    key = _read_key(path)
    if len(key) == _KEY_BYTES:
        return key
    key = os.urandom(_KEY_BYTES)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A temporary renamed over the old one: a link or a bad key at that name is replaced,
        # never written through, and no run ever reads half a key. Two runs making one at
        # once: the last rename wins, and the other's entries are misses once.
        _write(directory, "key", key, mode=0o600)
    except OSError:
        return None
    return key


_fingerprint: str | None = None


def _code_fingerprint() -> str:
    """kpiaudit's version and the size and time of every file of the installed package
    (code, schemas, catalogues), and of the libraries whose words or verdicts a result holds
    (ruamel.yaml and libyaml's binding: YAML errors; jsonschema: E004): a
    changed rule or schema, even in an editable install whose version has not moved, or an
    upgraded library, is another cache."""
    global _fingerprint
    if _fingerprint is None:
        from .. import __version__

        package = Path(__file__).resolve().parent.parent
        h = hashlib.blake2b(__version__.encode(), digest_size=16)
        for directory, dirs, files in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".mo", ".yaml")):
                    st = os.stat(os.path.join(directory, name))
                    h.update(f"{directory}/{name}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        for library in ("ruamel.yaml", "_ruamel_yaml", "jsonschema"):
            h.update(f"{library}:{module_stamp(library)}\n".encode())
        _fingerprint = h.hexdigest()
    return _fingerprint


def module_stamp(module: str) -> str:
    """The size and time of ``module``'s file ("-" when it has none): another install of it
    is another cache, or another recorded output."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
        if spec is not None and spec.origin:
            st = os.stat(spec.origin)
            return f"{st.st_size}:{st.st_mtime_ns}"
    except (ImportError, ValueError, OSError):
        pass
    return "-"
