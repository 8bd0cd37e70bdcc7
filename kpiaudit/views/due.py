"""Milestones by deadline, for deadline sweeps: the ``due`` document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..audit import Audit
from ..i18n import N_, _
from ..model import Kind, KpiRef
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
        }


def due(
    result: Audit,
    *,
    before: date | None,
    after: date | None,
    by: date | None = None,
    today: date,
    overdue_only: bool = False,
    chapter: int | None = None,
    kind: Kind | None = None,
    include_recurring: bool = False,
) -> list[DueRow]:
    """One row per milestone with a deadline, sorted by date. ``before`` is exclusive, ``by``
    and ``after`` inclusive; recurring deadlines only with ``include_recurring`` (sorted last)."""
    rows: list[DueRow] = []
    for m in result.plan.measures:
        if chapter is not None and m.chapter != chapter:
            continue
        for k in m.kpis:
            if kind is not None and k.kind != kind:
                continue
            for ms in k.milestones:
                d = ms.deadline
                if d is None:
                    continue
                deadline: date | None = None
                if d.recurring or d.date is None:
                    if not include_recurring or overdue_only:
                        continue
                elif (
                    (before is None or d.date < before)
                    and (by is None or d.date <= by)
                    and (after is None or d.date >= after)
                    and (not overdue_only or d.date < today)
                ):
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
                        overdue=deadline is not None and deadline < today,
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
            _("overdue") if r.overdue else "",
        ]
        for r in rows
    ]
    return Table(_("{count} milestone(s)").format(count=len(rows)), _COLUMNS, body)


def due_document(rows: list[DueRow]) -> list[dict[str, Any]]:
    return [r.as_json() for r in rows]
