"""Rules across the files of one plan: each measure id in one file only (E008)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Finding, measure_filename
from .check import FileResult
from .findings import finding


def duplicate_ids(results: Iterable[FileResult]) -> dict[str, list[Finding]]:
    """E008, by file path, on every file but one that holds a measure id: the one kept is the
    file named after the id (a copy, ``cp 07-03.yaml 07-06.yaml``, is the duplicate whatever
    its name sorts like), else the first in the order checked."""
    # The files of the ids held more than once only: a list for every id was 14 MiB of a
    # 100,000-measure run, at the moment it held the most.
    first: dict[str, FileResult] = {}
    holders: dict[str, list[FileResult]] = {}
    for r in results:
        mid = r.measure_id
        if mid is None:
            continue
        if mid in first:
            holders.setdefault(mid, [first[mid]]).append(r)
        else:
            first[mid] = r
    out: dict[str, list[Finding]] = {}
    for mid, files in holders.items():
        named = measure_filename(mid)
        owner = next((r for r in files if Path(r.path).name == named), files[0])
        for r in files:
            if r is owner:
                continue
            line, col = r.id_position
            # A path, so that it is never cut to an excerpt: --changed-from matches on it.
            args = {"id": mid, "other": Path(owner.path)}
            out.setdefault(r.path, []).append(
                finding(r.path, line, col, "E008", args=args, measure=mid)
            )
    return out
