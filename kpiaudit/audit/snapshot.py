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
taken at least :data:`.cache.SETTLED` seconds after the file's last change. A run in which a
file is fresher than that neither reads nor keeps a snapshot. Only lint uses it: the commands
that need each measure's model read the files anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..model import Finding
from .cache import PlanCache, settled, signature
from .check import FileResult
from .record import finding_row, restored_finding

# Part of the key: bumped whenever the shape below changes.
_FORMAT = 1


Status = tuple[str, os.stat_result, int]  # a file's name, status, and when it was taken


def key(directory: str, today: date, stats: Sequence[Status]) -> str | None:
    """The key of the plan's files as they are now: their names and statuses, each with when
    it was taken; None when one of them is not a regular file whose status can be trusted."""
    h = hashlib.blake2b(digest_size=16)
    for part in (str(_FORMAT), directory, today.isoformat()):
        h.update(_field(part))
    for name, st, seen in stats:
        if not stat.S_ISREG(st.st_mode) or not settled(st, seen):
            return None
        h.update(_field(name))
        h.update(signature(st))
    return h.hexdigest()


def read(store: PlanCache, snapshot_key: str) -> tuple[list[FileResult], list[Finding]] | None:
    """The files and findings kept under ``snapshot_key``; None when there are none, or none
    this run can read."""
    body = store.read_snapshot()
    if not body:
        return None
    try:
        kept_key, files, rows = json.loads(body.decode("utf-8", "surrogatepass"))
        if kept_key != snapshot_key:
            return None
        results = [
            FileResult(path, mid, kpi_refs=refs, id_position=(line, column))
            for path, mid, refs, line, column in files
        ]
        paths = [r.path for r in results]
        findings = [restored_finding(paths[row[0]], row[1:]) for row in rows]
    except (ValueError, KeyError, TypeError, IndexError):  # not one: a miss
        return None
    return results, findings


def keep(
    store: PlanCache, snapshot_key: str, results: list[FileResult], findings: list[Finding]
) -> None:
    """Keep the plan's files and findings under ``snapshot_key``."""
    index = {r.path: i for i, r in enumerate(results)}
    files = [[r.path, r.measure_id, r.kpi_refs, *r.id_position] for r in results]
    try:
        rows: list[Any] = [[index[f.path], *finding_row(f)] for f in findings]
    except KeyError:  # a finding on a file not among these: no snapshot
        return
    body = json.dumps([snapshot_key, files, rows], ensure_ascii=False, separators=(",", ":"))
    store.save_snapshot(body.encode("utf-8", "surrogatepass"))


def _field(text: str) -> bytes:
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw).to_bytes(8, "big") + raw
