"""The plan's snapshot: a lint run in which no file of a plan changed reads one record, not
one per file.

With the per-file entries alone (:mod:`.cache`), a warm run on a large plan still looked up,
decoded and put together a result per file: most of its time. So the findings of all of a
plan's measure files (after the rules of the day, suppressions and duplicate ids; before
selection and severities, which every run applies) are also kept whole, with what a run's
scope and counts need of each file, under a key made of the day, the plan directory as named,
and every file's name and status. A file changed, added, removed or renamed, another day, or
the directory named another way: a miss, the per-file entries answer, and that run keeps a new
snapshot.

A file's status is trusted as :meth:`.cache.PlanCache.unchanged` trusts it: only when it was
taken at least :data:`.cache.SETTLED` seconds after the file's last change. A file fresher
than that when the snapshot is kept (the one just edited) is keyed by its bytes instead, and
read again to be compared by the run that reads the snapshot: so the run after an edit is
answered too. Only lint uses it: the commands that need each measure's model read the files
anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ..model import Finding
from .cache import PlanCache, settled, signature
from .check import FileResult
from .record import finding_row, restored_finding

# Part of the key: bumped whenever the shape below changes.
_FORMAT = 2

Status = tuple[str, os.stat_result, int]  # a file's name, status, and when it was taken
Known = tuple[list[FileResult], list[Finding]]  # the plan's files, and their findings


class Snapshot:
    """The snapshot of one plan directory, for the files as they are now (``stats``)."""

    def __init__(self, store: PlanCache, directory: str, today: date, stats: list[Status]):
        self.store, self.directory, self.today, self.stats = store, directory, today, stats
        self._read_by_bytes: dict[str, str | None] = {}  # what read() compared by bytes

    def read(self, digest_of: Callable[[str], str | None]) -> Known | None:
        """The files and findings kept for the files as they are now; None when there are
        none, or none this run can read. ``digest_of``: a file's bytes' digest (None when it
        cannot be read), for the files the snapshot knows by their bytes."""
        body = self.store.read_snapshot()
        head, _newline, rest = body.partition(b"\n")
        try:
            kept_key, by_bytes = json.loads(head)
            digests = {name: digest_of(name) for name in by_bytes}
            if self._key(digests) != kept_key:
                return None
            self._read_by_bytes = digests
            files, rows = json.loads(rest.decode("utf-8", "surrogatepass"))
            results = [
                FileResult(path, mid, kpi_refs=refs, id_position=(line, column))
                for path, mid, refs, line, column in files
            ]
            paths = [r.path for r in results]
            findings = [restored_finding(paths[row[0]], row[1:]) for row in rows]
        except (ValueError, KeyError, TypeError, IndexError):  # not one: a miss
            return None
        return results, findings

    def renew(self, known: Known) -> None:
        """After :meth:`read` answered: keep the snapshot again when a file it knew by its
        bytes can now be known by its times, so that later runs need not read it."""
        fresh = {name for name, st, seen in self.stats if not settled(st, seen)}
        if set(self._read_by_bytes) - fresh:
            found = {n: d for n, d in self._read_by_bytes.items() if d is not None}
            self.keep(*known, found)

    def keep(
        self, results: list[FileResult], findings: list[Finding], digests: Mapping[str, str]
    ) -> None:
        """Keep the plan's files and findings; ``digests``: name → the digest of the bytes
        this run read, for the files too fresh to be known by their times."""
        fresh = [name for name, st, seen in self.stats if not settled(st, seen)]
        if any(name not in digests for name in fresh):
            return
        key = self._key({name: digests[name] for name in fresh})
        if key is None:
            return
        index = {r.path: i for i, r in enumerate(results)}
        files = [[r.path, r.measure_id, r.kpi_refs, *r.id_position] for r in results]
        try:
            rows: list[Any] = [[index[f.path], *finding_row(f)] for f in findings]
        except KeyError:  # a finding on a file not among these: no snapshot
            return
        head = json.dumps([key, fresh], ensure_ascii=False)
        body = json.dumps([files, rows], ensure_ascii=False, separators=(",", ":"))
        self.store.save_snapshot(
            head.encode("utf-8", "surrogatepass") + b"\n" + body.encode("utf-8", "surrogatepass")
        )

    def _key(self, by_bytes: Mapping[str, str | None]) -> str | None:
        """Every file's name and status, or, for those in ``by_bytes``, its bytes' digest;
        None when one is not a regular file, or is known by bytes that cannot be read."""
        h = hashlib.blake2b(digest_size=16)
        for part in (str(_FORMAT), self.directory, self.today.isoformat()):
            h.update(_field(part))
        for name, st, _seen in self.stats:
            if not stat.S_ISREG(st.st_mode):
                return None
            h.update(_field(name))
            if name in by_bytes:
                digest = by_bytes[name]
                if digest is None:
                    return None
                h.update(_field(digest))
            else:
                h.update(signature(st))
        return h.hexdigest()


def _field(text: str) -> bytes:
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw).to_bytes(8, "big") + raw
