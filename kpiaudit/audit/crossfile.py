"""Rules across the files of one plan: each measure id in one file only (E008)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import Finding
from .check import FileResult
from .findings import finding


def duplicate_ids(results: Iterable[FileResult]) -> dict[str, list[Finding]]:
    """E008 on every file after the first that holds a measure id (in the order checked),
    by file path."""
    owners: dict[str, str] = {}
    out: dict[str, list[Finding]] = {}
    for r in results:
        if r.measure is None:
            continue
        mid = r.measure.id
        if mid in owners:
            line, col = r.id_position
            # A path, so that it is never cut to an excerpt: --changed-from matches on it.
            args = {"id": mid, "other": Path(owners[mid])}
            out.setdefault(r.path, []).append(
                finding(r.path, line, col, "E008", args=args, measure=mid)
            )
        else:
            owners[mid] = r.path
    return out
