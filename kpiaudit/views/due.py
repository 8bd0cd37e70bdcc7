"""Milestones by deadline, for deadline sweeps: the ``due`` document. Each row carries how the
milestone stands (its progress state), and "overdue" is the rules' (progress-rules.md): the
deadline is before today and the milestone was not achieved, not merely a date in the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..audit import Audit
from ..i18n import N_, _
from ..model import Kind, KpiRef, State
from ..progress import judge_plan
from .table import Column, Table


@dataclass(frozen=True)
class DueRow:
    deadline: date | None  # None when recurring
    measure: str
    kpi: KpiRef
    chapter: int
    kind: Kind
    target: str
    deadline_text: str
    recurring: bool
    overdue: bool
    state: State = "no-data"

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "measure": self.measure,
            "kpi": str(self.kpi),
            "chapter": self.chapter,
            "kind": self.kind,
            "target": self.target,
            "deadline_text": self.deadline_text,
            "recurring": self.recurring,
            "overdue": self.overdue,
            "state": self.state,
        }


def due(
    result: Audit,
    *,
    before: date | None,
    after: date | None,
    today: date,
    overdue_only: bool = False,
    chapter: int | None = None,
    kind: Kind | None = None,
    include_recurring: bool = False,
) -> list[DueRow]:
    """One row per milestone with a deadline, sorted by date. ``before`` is exclusive,
    ``after`` inclusive; recurring deadlines only with ``include_recurring`` (sorted last).
    ``overdue_only``: the milestones that are overdue as of ``today``."""
    judged = {(str(j.kpi), j.index): j for j in judge_plan(result.plan, today)}
    rows: list[DueRow] = []
    for m in result.plan.measures:
        if chapter is not None and m.chapter != chapter:
            continue
        for k in m.kpis:
            if kind is not None and k.kind != kind:
                continue
            for index, ms in enumerate(k.milestones):
                d = ms.deadline
                if d is None:
                    continue
                judgement = judged.get((str(m.kpi_ref(k)), index))
                overdue = judgement is not None and judgement.overdue
                if overdue_only and not overdue:
                    continue
                deadline: date | None = None
                if d.recurring or d.date is None:
                    if not include_recurring:
                        continue
                elif (before is None or d.date < before) and (after is None or d.date >= after):
                    deadline = d.date
                else:
                    continue
                rows.append(
                    DueRow(
                        deadline=deadline,
                        measure=m.id,
                        kpi=m.kpi_ref(k),
                        chapter=m.chapter,
                        kind=k.kind,
                        target=ms.target.text if ms.target else "",
                        deadline_text=d.text,
                        recurring=deadline is None,
                        overdue=overdue,
                        state=judgement.state if judgement else "no-data",
                    )
                )
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or date.max, r.kpi.sort_key()))
    return rows


_COLUMNS = [
    Column(N_("deadline"), "right"),
    Column(N_("measure")),
    Column(N_("KPI")),
    Column(N_("target")),
    Column(N_("wording")),
    Column(N_("state")),
    Column(N_("overdue"), "right"),
]


def due_table(rows: list[DueRow]) -> Table:
    body = [
        [
            r.deadline.isoformat() if r.deadline else _("recurring"),
            r.measure,
            str(r.kpi),
            r.target,
            r.deadline_text,
            r.state,
            _("overdue") if r.overdue else "",
        ]
        for r in rows
    ]
    return Table(_("{count} milestone(s)").format(count=len(rows)), _COLUMNS, body)


def due_document(rows: list[DueRow]) -> list[dict[str, Any]]:
    return [r.as_json() for r in rows]
