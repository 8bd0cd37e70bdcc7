"""Compliance per chapter on each side, as ``status`` counts it: a KPI is compliant when the
audit reports none of K101, K102, K103 for it (after configuration and suppressions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model import Plan


@dataclass(frozen=True)
class Count:
    kpis: int
    compliant: int

    @property
    def share(self) -> float:
        return self.compliant / self.kpis if self.kpis else 0.0

    def as_json(self) -> dict[str, Any]:
        return {"kpis": self.kpis, "compliant": self.compliant, "compliance": round(self.share, 4)}


@dataclass(frozen=True)
class ChapterChange:
    chapter: int | None  # None: the whole plan
    title: str
    before: Count
    after: Count


def _counts(plan: Plan, flags: dict[str, frozenset[str]]) -> dict[int, Count]:
    out: dict[int, Count] = {}
    for m in plan.measures:
        c = out.get(m.chapter, Count(0, 0))
        ok = sum(not flags.get(str(m.kpi_ref(k))) for k in m.kpis)
        out[m.chapter] = Count(c.kpis + len(m.kpis), c.compliant + ok)
    return out


def compliance_changes(
    old: Plan, old_flags: dict[str, frozenset[str]], new: Plan, new_flags: dict[str, frozenset[str]]
) -> list[ChapterChange]:
    """Chapters whose counts differ, then the whole plan; nothing when no chapter changed."""
    before, after = _counts(old, old_flags), _counts(new, new_flags)
    numbers = sorted(
        set(before)
        | set(after)
        | {c.number for c in old.chapters}
        | {c.number for c in new.chapters}
    )
    none = Count(0, 0)
    rows = [
        ChapterChange(
            n, new.chapter_title(n) or old.chapter_title(n), before.get(n, none), after.get(n, none)
        )
        for n in numbers
        if before.get(n, none) != after.get(n, none)
    ]
    if not rows:
        return []

    def total(counts: dict[int, Count]) -> Count:
        return Count(
            sum(c.kpis for c in counts.values()), sum(c.compliant for c in counts.values())
        )

    return [*rows, ChapterChange(None, "", total(before), total(after))]
