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

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from ..model import Finding
from . import background
from .cache import FileStatus, PlanCache, digest, length_prefixed
from .check import FileResult
from .pool import MIN_FILES
from .record import finding_row, from_json, restored_finding, to_json

# Part of the key: bumped whenever the shape below changes.
_FORMAT = 5  # 4: paths and statuses joined by NUL in the key; 5: findings in chunks
_CHUNK = 4096  # findings to a line of the body
_READ_AGAIN = 32  # files known by their bytes that a run reads again rather than keep anew
_DUPLICATE = "E008"  # the one finding a file's neighbours decide (.crossfile)

Status = tuple[str, FileStatus]  # a file's name and status
Known = tuple[list[FileResult], list[Finding]]  # the plan's files, and their findings


class Snapshot:
    """The snapshot of one plan directory, for the files as they are now (``stats``)."""

    def __init__(
        self,
        store: PlanCache,
        directory: str,
        today: date,
        stats: list[Status],
        paths: list[str],
    ) -> None:
        self.store, self.directory, self.today, self.stats = store, directory, today, stats
        # each file as the run shows it, in the order of stats: a file named on its own and
        # its directory named another way (`lint measures/a.yaml ./measures`) show the other
        # files under another path than `lint measures` does, and so are another snapshot
        self.paths = paths
        # each file's status as the key holds it, in the order of stats, made once: the key is
        # worked out twice in a run after an edit, and the reuse and the keeping need it too
        self._statuses = [status.signature for _name, status in stats]
        self._regular = all(status.regular for _name, status in stats)
        self._read_by_bytes: dict[str, str | None] = {}  # what match() compared by bytes
        self._matched = b""  # the body match() found under this key, for known()
        self._missed = b""  # the body match() found under another key, for reusable()
        self._suppressing: set[str] = set()  # the paths of known()'s files with suppressions

    def match(self, digest_of: Callable[[str], str | None]) -> str | None:
        """The key of the snapshot kept for the files as they are now (:meth:`known` then
        decodes its files and findings); None when there is none, or none this run can read.
        ``digest_of``: a file's bytes' digest (None when it cannot be read), for the files the
        snapshot knows by their bytes."""
        body = self.store.read_snapshot()
        head, _newline, rest = body.partition(b"\n")
        try:
            kept_key, by_bytes, kept_base = json.loads(head)
            if kept_base != self._base():
                return None
            digests = {name: digest_of(name) for name in by_bytes}
            key = self._key(digests)
        except (ValueError, KeyError, TypeError, IndexError):  # not one: a miss
            return None
        if key is None or key != kept_key:
            self._missed = rest
            return None
        self._read_by_bytes, self._matched = digests, rest
        return key

    def known(self) -> Known | None:
        """The files and findings of the snapshot :meth:`match` found; None when they cannot
        be decoded (then the files are checked, as on a miss)."""
        try:
            files, rows = _decoded(self._matched)
            results = [_result(row) for row in files]
            self._suppressing = {f[0] for f in files if f[6]}
            paths = [r.path for r in results]
            del files  # its rows: not held while the findings are made
            findings = [restored_finding(paths[row[0]], row[1:]) for row in rows]
        except (ValueError, KeyError, TypeError, IndexError):
            return None
        finally:
            self._matched = b""  # decoded: not held beside the findings
        return results, findings

    def reusable(self) -> dict[str, FileResult]:
        """After :meth:`match` missed: file path (as this run shows it, and as the snapshot's
        key holds it) → its result from the snapshot, for each file whose status is the one
        kept (trusted then, as for the entries) and whose findings no comment suppresses. The
        result holds the file's findings, those of the rules of the day included (judged on
        this day), but not its duplicate ids, which depend on the other files. Empty for a
        snapshot of another day or directory, or damaged."""
        if not self._missed:
            return {}
        now = {
            path: status.decode("ascii")
            for path, status in zip(self.paths, self._statuses, strict=True)
        }
        try:
            files, rows = _decoded(self._missed)
            kept: dict[int, FileResult] = {}
            for i, row in enumerate(files):
                path, stamp, suppressing = row[0], row[5], row[6]
                if stamp and not suppressing and now.get(path) == stamp:
                    kept[i] = result = _result(row)
                    result.of_the_day = []  # judged on this day: among its findings
            del files
            for row in rows:
                owner = kept.get(row[0])
                if owner is not None and row[3] != _DUPLICATE:
                    owner.findings.append(restored_finding(owner.path, row[1:]))
        except (ValueError, KeyError, TypeError, IndexError):  # damaged: nothing reused
            return {}
        finally:
            self._missed = b""
        return {r.path: r for r in kept.values()}

    def stale(self) -> bool:
        """After :meth:`match` answered: whether so many files it knew by their bytes can now
        be known by their times that the snapshot is worth keeping again (:meth:`keep`). A
        few (the files of the last edit) are cheaper to read again each run than a snapshot
        is to keep, and keeping it again would also cost the next run its output's record."""
        fresh = {name for name, status in self.stats if not status.settled}
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
        fresh = [name for name, status in self.stats if not status.settled]
        if any(name not in digests for name in fresh):
            return None
        key = self._key({name: digests[name] for name in fresh})
        if key is None:
            return None
        index = {r.path: i for i, r in enumerate(results)}
        if any(f.path not in index for f in findings):  # a file not among these: no snapshot
            return None

        def write() -> bool:
            head = json.dumps([key, fresh, self._base()], ensure_ascii=False)
            body = self._body(results, findings, index)
            return self.store.save_snapshot(head.encode("utf-8", "surrogatepass"), *body)

        if len(results) >= MIN_FILES and background.run(write):
            return key  # the child's failure would be a miss of the next run, nothing more
        return key if write() else None

    def _body(
        self, results: list[FileResult], findings: list[Finding], index: dict[str, int]
    ) -> list[bytes]:
        """The lines after the head: the files, each with its status when it can be trusted
        (so that a later miss can reuse it), then the findings, each with its file's place
        among them, :data:`_CHUNK` to a line. In chunks, so that neither writing nor reading
        holds every finding as JSON values at once (336,206 findings of 100,000 measures were
        150 MiB of lists beside the findings)."""
        stamps = {
            path: status.signature.decode("ascii") if status.settled else ""
            for path, (_name, status) in zip(self.paths, self.stats, strict=True)
        }
        files = [
            [
                r.path,
                r.measure_id,
                r.kpi_refs,
                *r.id_position,
                stamps.get(r.path, ""),
                bool(r.suppressions) or r.path in self._suppressing,
            ]
            for r in results
        ]
        lines = [b"\n" + to_json(files)]
        for start in range(0, len(findings), _CHUNK):
            chunk = findings[start : start + _CHUNK]
            lines.append(b"\n" + to_json([[index[f.path], *finding_row(f)] for f in chunk]))
        return lines

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
        bytes that cannot be read. Paths and statuses are each joined by NUL, which none
        holds (nor a digest): joined at once, not a field per file, which was ten times
        slower (11 ms for 10,000 files, twice in the run after an edit)."""
        if not self._regular:
            return None
        statuses = self._statuses
        if by_bytes:
            statuses = statuses.copy()
            for i, (name, _status) in enumerate(self.stats):
                if name in by_bytes:
                    of_bytes = by_bytes[name]
                    if of_bytes is None:
                        return None
                    statuses[i] = b"=" + of_bytes.encode("ascii")
        paths = length_prefixed("\0".join(self.paths))
        return digest(b"".join((length_prefixed(self._base()), paths, b"\0".join(statuses))))


def _result(row: list[Any]) -> FileResult:
    """A file as :meth:`Snapshot.keep` wrote it: path, measure id, KPI references, where its
    id is (then its status and whether it has suppressions, read by the callers)."""
    path, mid, refs, line, column, _stamp, _suppressing = row
    return FileResult.judged(path, mid, refs, (line, column))


def _decoded(body: bytes) -> tuple[list[Any], Iterator[list[Any]]]:
    """What :meth:`Snapshot._body` wrote: its files' rows, and its findings' rows, decoded a
    line (a chunk) at a time as they are asked for, each dropped before the next. Raises
    ValueError (as its rows may raise KeyError, TypeError, IndexError) on one it did not."""
    end = body.find(b"\n")
    files = from_json(body if end < 0 else body[:end])

    def rows() -> Iterator[list[Any]]:
        start = end
        while start >= 0:  # JSON holds no raw newline: a line is a chunk
            stop = body.find(b"\n", start + 1)
            yield from from_json(body[start + 1 : stop if stop >= 0 else None])
            start = stop

    return files, rows()
