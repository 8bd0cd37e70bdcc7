"""Suppression comments: ``# kpiaudit: ignore[K102] reason`` on a KPI's lines hides that
finding of that KPI (on a line before the first KPI: of the measure). A suppression that hides
nothing is itself reported (S001), so it cannot hide a future finding."""

from __future__ import annotations

from ..model import Finding
from ..rules import RULES
from .check import FileResult
from .findings import finding


def _kpi_at(line: int, r: FileResult) -> str | None:
    """The KPI whose lines hold ``line`` (a KPI runs to the next KPI's first line)."""
    assert r.measure is not None
    ref = None
    for start, kpi in zip(r.kpi_lines, r.measure.kpis, strict=True):
        if start <= line:
            ref = str(r.measure.kpi_ref(kpi))
    return ref


def apply_suppressions(r: FileResult, cross_file: list[Finding]) -> list[Finding]:
    """The file's findings (its own and ``cross_file`` ones) without the suppressed ones, plus
    S001 for each suppression that hides nothing."""
    kept = r.findings + cross_file
    if not r.suppressions or r.measure is None:
        return kept
    for line, codes, _reason in r.suppressions:
        ref = _kpi_at(line, r)
        for code in codes:
            hits = [f for f in kept if f.code == code and f.kpi == ref]
            if hits:
                kept = [f for f in kept if f not in hits]
                continue
            mid = r.measure.id
            if code not in RULES:
                key, args = "unknown", {"code": code}
            elif ref is None:
                key, args = "unused_measure", {"code": code, "measure": mid}
            else:
                key, args = "unused_kpi", {"code": code, "kpi": ref}
            kept.append(finding(r.path, line, 1, "S001", key, args, mid, ref))
    return kept
