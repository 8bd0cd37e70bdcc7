"""The change types ``kpiaudit diff`` reports, and one change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import N_

# id → what it means; the order is the order of the summary and of the tables.
CHANGE_TYPES: dict[str, str] = {
    "measure-removed": N_("a measure of OLD that NEW does not have (its KPIs are kpi-removed)"),
    "measure-added": N_("a measure of NEW that OLD does not have (its KPIs are kpi-added)"),
    "measure-renumbered": N_("the same measure under another number or chapter"),
    "kpi-removed": N_("a KPI of OLD that NEW does not have"),
    "kpi-added": N_("a KPI of NEW that OLD does not have"),
    "kpi-renumbered": N_("the same KPI under another id in its measure (P2 → P1)"),
    "kind-changed": N_("a progress KPI became an outcome KPI or back (P2 → E1)"),
    "became-unset": N_("a KPI became 未設定 (it stands for its text and milestone changes)"),
    "became-set": N_("an unset KPI was set (it stands for its text and milestone changes)"),
    "deadline-slipped": N_("a deadline moved later"),
    "deadline-advanced": N_("a deadline moved earlier"),
    "deadline-removed": N_("a milestone lost its deadline, or a milestone with one was dropped"),
    "deadline-added": N_("a milestone gained a deadline, or a milestone with one was added"),
    "deadline-changed": N_("a dated deadline became recurring (毎年度) or back"),
    "target-lowered": N_(
        "a target became less ambitious, or was dropped; for a downward target "
        "(以下, 未満, 解消, ゼロ) a larger number"
    ),
    "target-raised": N_("a target became more ambitious, or one was added"),
    "unit-changed": N_(
        "a target's unit or sense changed (件 → 人, 以上 → 未満, a number ↔ a level in words), "
        "so the two cannot be ranked"
    ),
    "text-changed": N_(
        "a KPI's text or notes, or a measure's title, changed beyond whitespace, "
        "full/half-width and punctuation"
    ),
}
COMPLIANCE = "compliance-changed"  # a chapter's compliance counts; not a change to gate on


@dataclass(frozen=True)
class Change:
    change: str  # a key of CHANGE_TYPES
    measure: str  # the measure's id in NEW, else in OLD
    chapter: int
    old: str | None  # "6-4.P1" (a KPI) or "6-4" (a measure) in OLD; None when added
    new: str | None
    before: str | None = None  # as the plan words it: target, deadline, text, id, status, kind
    after: str | None = None
    before_value: Any = None  # the compared value: ISO date, {"value", "unit", "comparison"}
    after_value: Any = None
    score: float | None = None  # similarity, when the pair was matched by text, not by id
    milestone: int | None = None  # 1-based, in NEW when it has it, else in OLD
    field: str | None = None  # text-changed: "title", "text" or "notes"
    path: str | None = None  # NEW's file
    node: tuple[str | int, ...] = ()  # where in NEW's file (resolved to a line later)
    line: int | None = None
    gated: bool = False  # fails the --fail-on gate
    justification: str | None = None  # the reason of a `# kpiaudit: slip-ok` comment

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "measure": self.measure,
            "chapter": self.chapter,
            "old": self.old,
            "new": self.new,
            "before": self.before,
            "after": self.after,
            "before_value": self.before_value,
            "after_value": self.after_value,
            "score": self.score,
            "milestone": self.milestone,
            "field": self.field,
            "path": self.path,
            "line": self.line,
            "gated": self.gated,
            "justification": self.justification,
        }
