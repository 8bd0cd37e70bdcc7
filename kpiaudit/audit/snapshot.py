"""The plan's snapshot: a lint run in which no file of a plan changed reads one record, not
one per file.

With the per-file entries alone (:mod:`.cache`), a warm run on a large plan still looked up,
decoded and put together a result per file: most of its time. So the findings of all of a
plan's measure files (after the rules of the day, suppressions and duplicate ids; before
selection and severities, which every run applies) are also kept whole, with what a run's
scope and counts need of each file, under a key made of the day, the plan directory as named,
and every file's path as shown and status. A file changed, added, removed or renamed, another
day, or the directory or a file named another way: a miss, and that run keeps a new snapshot.

A miss by a few files (the usual edit) still takes the other files' findings from the snapshot
(:meth:`Snapshot.reusable`): each file's status is kept beside its findings, and a file whose
status is the one kept is not looked up in the entries. Its duplicate ids (E008) are worked out
again with the files that changed. E008 cannot be suppressed, so nothing else a file reports
depends on the other files; a file with suppression comments is read from its entry all the
same (they are rare), so that this stays true should a suppressible cross-file rule come.

A file's status is trusted as :meth:`.cache.PlanCache.unchanged` trusts it: only when it was
taken at least :data:`.cache.SETTLED` seconds after the file's last change. A file fresher
than that when the snapshot is kept (the one just edited) is keyed by its bytes instead, and
read again to be compared by the run that reads the snapshot: so the run after an edit is
answered too. It stays keyed so (a few files read each run) until a run keeps it anew, or
more than :data:`_READ_AGAIN` files so known have settled. Only lint uses it: the commands
that need each measure's model read the files anyway.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import weakref
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, BinaryIO

from ..model import Finding
from . import background
from .cache import FileStatus, PlanCache, digest, length_prefixed
from .check import FileResult
from .pool import MIN_FILES
from .record import finding_row, from_json, restored_finding, to_json

# Part of the key: bumped whenever the shape below changes.
# 4: paths and statuses joined by NUL in the key; 5: findings in chunks; 6: key in chunks
_FORMAT = 6
_CHUNK = 4096  # findings to a line of the body, files to a piece of the key
_READ_AGAIN = 32  # files known by their bytes that a run reads again rather than keep anew
_DUPLICATE = "E008"  # the one finding a file's neighbours decide (.crossfile)

Known = tuple[list[FileResult], list[Finding]]  # the plan's files, and their findings


class Snapshot:
    """The snapshot of one plan directory, for the files as they are now (``statuses``)."""

    def __init__(
        self,
        store: PlanCache,
        directory: str,
        today: date,
        names: list[str],
        statuses: list[FileStatus],
        paths: list[str],
    ) -> None:
        self.store, self.directory, self.today = store, directory, today
        # each file's name in the plan directory, and its status, in the same order
        self.names, self.statuses = names, statuses
        # each file as the run shows it, in the same order: a file named on its own and
        # its directory named another way (`lint measures/a.yaml ./measures`) show the other
        # files under another path than `lint measures` does, and so are another snapshot
        self.paths = paths
        # each file's status as the key holds it, in the same order, made once: the key is
        # worked out twice in a run after an edit, and the reuse and the keeping need it too
        self._statuses = [status.signature for status in statuses]
        self._regular = all(status.regular for status in statuses)
        self._read_by_bytes: dict[str, str | None] = {}  # what match() compared by bytes
        # the snapshot match() found, open after its head: under this key, for known(); under
        # another, for reusable()
        self._matched: BinaryIO | None = None
        self._missed: BinaryIO | None = None
        self._file_lines = 0  # how many lines of files follow the head (_head)
        self._suppressing: set[str] = set()  # the paths of known()'s files with suppressions
        self._close: Callable[[], object] = lambda: None  # closes what match() opened

    def match(self, digest_of: Callable[[str], str | None]) -> str | None:
        """The key of the snapshot kept for the files as they are now (:meth:`known` then
        decodes its files and findings); None when there is none, or none this run can read.
        ``digest_of``: a file's bytes' digest (None when it cannot be read), for the files the
        snapshot knows by their bytes."""
        opened = self.store.open_snapshot()
        if opened is None:
            return None
        # Held open, not read again by name: another run may have kept another since. Closed
        # when decoded, or when this is let go (a run whose output is replayed never decodes
        # it), or whatever is raised meanwhile (Ctrl-C while the files are digested).
        self._close = weakref.finalize(self, opened.close)
        try:
            kept_key, by_bytes, kept_base, self._file_lines = _head(opened)
            if kept_base != self._base():
                self._close()
                return None
            digests = {name: digest_of(name) for name in by_bytes}
            key = self._key(digests)
        except (OSError, ValueError, KeyError, TypeError, IndexError):  # not one: a miss
            self._close()
            return None
        if key is None or key != kept_key:
            self._missed = opened
            return None
        self._read_by_bytes, self._matched = digests, opened
        return key

    def known(self) -> Known | None:
        """The files and findings of the snapshot :meth:`match` found; None when they cannot
        be decoded (never, short of a bug: its MAC was checked; then the files are checked,
        as on a miss)."""
        opened, self._matched = self._matched, None
        if opened is None:
            return None
        try:
            files, rows = _decoded(opened, self._file_lines)
            results = []
            for row in files:
                results.append(_result(row))
                if row[6]:
                    self._suppressing.add(row[0])
            paths = [r.path for r in results]
            findings = [restored_finding(paths[row[0]], row[1:]) for row in rows]
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None
        finally:
            self._close()
        return results, findings

    def reusable(self) -> dict[str, FileResult]:
        """After :meth:`match` missed: file path (as this run shows it, and as the snapshot's
        key holds it) → its result from the snapshot, for each file whose status is the one
        kept (trusted then, as for the entries) and whose findings no comment suppresses. The
        result holds the file's findings, those of the rules of the day included (judged on
        this day), but not its duplicate ids, which depend on the other files. Empty for a
        snapshot of another day or directory, or damaged."""
        if self._missed is None:
            return {}
        now = dict(zip(self.paths, self._statuses, strict=True))
        try:
            files, rows = _decoded(self._missed, self._file_lines)
            kept: dict[int, FileResult] = {}
            for i, row in enumerate(files):
                path, stamp, suppressing = row[0], row[5], row[6]
                if stamp and not suppressing and now.get(path) == stamp.encode("ascii"):
                    kept[i] = result = _result(row)
                    result.of_the_day = []  # judged on this day: among its findings
            for row in rows:
                owner = kept.get(row[0])
                if owner is not None and row[3] != _DUPLICATE:
                    owner.findings.append(restored_finding(owner.path, row[1:]))
        except (OSError, ValueError, KeyError, TypeError, IndexError):  # damaged: none reused
            return {}
        finally:
            self._close()
            self._missed = None
        return {r.path: r for r in kept.values()}

    def stale(self) -> bool:
        """After :meth:`match` answered: whether so many files it knew by their bytes can now
        be known by their times that the snapshot is worth keeping again (:meth:`keep`). A
        few (the files of the last edit) are cheaper to read again each run than a snapshot
        is to keep, and keeping it again would also cost the next run its output's record."""
        fresh = set(self._fresh())
        return len(set(self._read_by_bytes) - fresh) > _READ_AGAIN

    def digests(self) -> dict[str, str]:
        """Name → digest of the files :meth:`match` compared by their bytes, for :meth:`keep`."""
        return {n: d for n, d in self._read_by_bytes.items() if d is not None}

    def keep(
        self, results: list[FileResult], findings: list[Finding], digests: Mapping[str, str]
    ) -> str | None:
        """Keep the plan's files and findings, and say under which key (None: not kept);
        ``digests``: name → the digest of the bytes this run read, for the files too fresh to
        be known by their times. A large plan's is written by a forked child (.background)
        while this process goes on."""
        fresh = self._fresh()
        if any(name not in digests for name in fresh):
            return None
        key = self._key({name: digests[name] for name in fresh})
        if key is None:
            return None
        index = {r.path: i for i, r in enumerate(results)}
        if any(f.path not in index for f in findings):  # a file not among these: no snapshot
            return None

        def write() -> bool:
            file_lines = (len(results) + _CHUNK - 1) // _CHUNK  # as _body() writes them
            head = json.dumps([key, fresh, self._base(), file_lines], ensure_ascii=False)
            body = self._body(results, findings, index)
            return self.store.save_snapshot(
                itertools.chain((head.encode("utf-8", "surrogatepass"),), body)
            )

        if len(results) >= MIN_FILES and background.run(write):
            return key  # the child's failure would be a miss of the next run, nothing more
        return key if write() else None

    def _body(
        self, results: list[FileResult], findings: list[Finding], index: dict[str, int]
    ) -> Iterator[bytes]:
        """The lines after the head, made as they are written: the files, each with its
        status when it can be trusted (so that a later miss can reuse it), then the findings,
        each with its file's place among them; :data:`_CHUNK` to a line, as many lines of
        files as the head says. In chunks, so that neither writing nor reading holds every
        finding, or every file, as JSON values at once (336,206 findings of 100,000 measures
        were 150 MiB of lists beside the findings)."""
        status_of = dict(zip(self.paths, self.statuses, strict=True))
        for start in range(0, len(results), _CHUNK):
            rows = []
            for r in results[start : start + _CHUNK]:
                status = status_of.get(r.path)
                stamp = status.signature.decode("ascii") if status and status.settled else ""
                suppressing = bool(r.suppressions) or r.path in self._suppressing
                rows.append([r.path, r.measure_id, r.kpi_refs, *r.id_position, stamp, suppressing])
            yield b"\n" + to_json(rows)
        for start in range(0, len(findings), _CHUNK):
            chunk = findings[start : start + _CHUNK]
            yield b"\n" + to_json([[index[f.path], *finding_row(f)] for f in chunk])

    def _fresh(self) -> list[str]:
        """The names of the files whose status is too fresh to be trusted (:meth:`keep`)."""
        named = zip(self.names, self.statuses, strict=True)
        return [name for name, status in named if not status.settled]

    def _base(self) -> str:
        """What every file's findings depend on besides the file: the day, and the directory
        as named (their paths)."""
        return digest(
            b"".join(
                length_prefixed(p) for p in (str(_FORMAT), self.directory, self.today.isoformat())
            )
        )

    def _key(self, by_bytes: Mapping[str, str | None]) -> str | None:
        """The base, every file's path as shown, and every file's status or, for those in
        ``by_bytes``, its bytes' digest; None when one is not a regular file, or is known by
        bytes that cannot be read. :data:`_CHUNK` files at a time, their paths and their
        statuses each joined by NUL, which none holds (nor a digest): a field per file was
        ten times slower (11 ms for 10,000 files, twice in the run after an edit), and all
        joined at once were 30 MB of a run on 100,000 files, at the moment it held the most."""
        if not self._regular:
            return None
        statuses = self._statuses
        if by_bytes:
            statuses = statuses.copy()
            for i, name in enumerate(self.names):
                if name in by_bytes:
                    of_bytes = by_bytes[name]
                    if of_bytes is None:
                        return None
                    statuses[i] = b"=" + of_bytes.encode("ascii")
        key = hashlib.blake2b(length_prefixed(self._base()), digest_size=16)
        for start in range(0, len(self.paths), _CHUNK):
            key.update(length_prefixed("\0".join(self.paths[start : start + _CHUNK])))
            key.update(length_prefixed(b"\0".join(statuses[start : start + _CHUNK])))
        return key.hexdigest()


def _result(row: list[Any]) -> FileResult:
    """A file as :meth:`Snapshot.keep` wrote it: path, measure id, KPI references, where its
    id is (then its status and whether it has suppressions, read by the callers)."""
    path, mid, refs, line, column, _stamp, _suppressing = row
    return FileResult.judged(path, mid, refs, (line, column))


def _head(opened: BinaryIO) -> tuple[str, list[str], str, int]:
    """The first line of a snapshot's body: the key it was kept under, the names of the
    files it knows by their bytes, its base (:meth:`Snapshot._base`), and how many lines of
    files follow. Raises ValueError or TypeError on one :meth:`Snapshot.keep` did not write."""
    key, by_bytes, base, file_lines = json.loads(opened.readline())
    if not (isinstance(key, str) and isinstance(base, str) and isinstance(file_lines, int)):
        raise TypeError("not a snapshot's head")
    if not (isinstance(by_bytes, list) and all(isinstance(n, str) for n in by_bytes)):
        raise TypeError("not a snapshot's head")
    return key, by_bytes, base, file_lines


def _decoded(opened: BinaryIO, file_lines: int) -> tuple[Iterator[list[Any]], Iterator[list[Any]]]:
    """What :meth:`Snapshot.keep` wrote, read from ``opened`` after its head (which says how
    many ``file_lines`` follow): its files' rows, then its findings' rows, each read and
    decoded a line (a chunk) at a time as they are asked for, and dropped before the next.
    Raises ValueError (as its rows may raise KeyError, TypeError, IndexError, and reading
    OSError) on one it did not write."""

    def files() -> Iterator[list[Any]]:
        for _line in range(file_lines):
            yield from from_json(opened.readline())

    def rows() -> Iterator[list[Any]]:
        for line in opened:  # JSON holds no raw newline: a line is a chunk
            yield from from_json(line)

    return files(), rows()
