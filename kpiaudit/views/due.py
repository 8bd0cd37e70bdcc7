"""Milestones by deadline, for deadline sweeps: the ``due`` document.

Two types of row: a ``target`` row is a milestone of a KPI (reach this by then); a ``set-by``
row is the date an unset KPI is promised to be set by (今夏を目途に設定予定), a promise rather
than a target, listed so that a promise that has passed shows as overdue. Each row carries how
it stands (its progress state), and "overdue" is the rules' (progress-rules.md): the deadline is
before today and it was not achieved, not merely a date in the past."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, NamedTuple, get_args

from ..audit import Audit
from ..i18n import N_, _
from ..model import Deadline, Kind, Kpi, KpiRef, Measure, State
from ..progress import Judgement, judge_kpi
from .table import Column, Table, Term

RowType = Literal["target", "set-by"]
ROW_TYPES: tuple[RowType, ...] = get_args(RowType)


class DueRow(NamedTuple):
    """One deadline. A named tuple: a large plan has tens of thousands, made in the workers."""

    deadline: date | None  # None when recurring
    measure: str
    kpi: KpiRef
    chapter: int
    kind: Kind
    target: str
    deadline_text: str
    recurring: bool
    overdue: bool
    type: RowType = "target"
    state: State = "no-data"
    fiscal_year: int | None = None  # a recurring milestone: the fiscal year judged

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "type": self.type,
            "measure": self.measure,
            "kpi": str(self.kpi),
            "chapter": self.chapter,
            "kind": self.kind,
            "target": self.target,
            "deadline_text": self.deadline_text,
            "recurring": self.recurring,
            "fiscal_year": self.fiscal_year,
            "overdue": self.overdue,
            "state": self.state,
        }


class MeasureDue(NamedTuple):
    """The rows of one measure a :class:`DueQuery` asks for, and its chapter."""

    chapter: int
    rows: tuple[DueRow, ...]


@dataclass(frozen=True)
class DueQuery:
    """Which rows ``due`` lists: one per milestone with a deadline and per set-by promise.
    ``before`` is exclusive, ``by`` and ``after`` inclusive; recurring deadlines only with
    ``include_recurring`` (sorted last); ``row_type`` keeps one type of row; ``overdue_only``:
    the rows that are overdue as of ``today``, recurring ones included (a recurring milestone
    is overdue from the end of the fiscal year it is judged for, and the date filters apply to
    that day): overdue means every milestone progress calls overdue.

    A summariser for ``audit(…, summarise=…)``: each measure's rows are picked where its
    model is at hand, so that a large plan's models are never all held."""

    today: date
    before: date | None = None
    after: date | None = None
    by: date | None = None
    overdue_only: bool = False
    chapter: int | None = None
    kind: Kind | None = None
    include_recurring: bool = False
    row_type: RowType | None = None

    def __call__(self, m: Measure, base: date | None) -> MeasureDue:
        if self.chapter is not None and m.chapter != self.chapter:
            return MeasureDue(m.chapter, ())
        rows: list[DueRow] = []
        for k in m.kpis:
            if self.kind is None or k.kind == self.kind:
                rows += self._rows(m, k, base)
        return MeasureDue(m.chapter, tuple(rows))

    def _rows(self, m: Measure, k: Kpi, base: date | None) -> Iterator[DueRow]:
        judged = {j.index: j for j in judge_kpi(m, k, self.today, base)}
        # (type, index of the milestone or None for the promise, target wording, deadline)
        dated: list[tuple[RowType, int | None, str, Deadline]] = [
            ("target", i, ms.target.text if ms.target else "", ms.deadline)
            for i, ms in enumerate(k.milestones)
            if ms.deadline is not None
        ]
        if k.set_by is not None:
            dated.append(("set-by", None, "", k.set_by))
        for kind_of_row, index, target, d in dated:
            judgement = judged.get(index)
            if (self.row_type is not None and kind_of_row != self.row_type) or not self._wanted(
                d, judgement
            ):
                continue
            overdue = judgement is not None and judgement.overdue
            if self.overdue_only and not overdue:
                continue
            deadline = None if d.recurring else d.date
            yield DueRow(
                deadline=deadline,
                measure=m.id,
                kpi=m.kpi_ref(k),
                chapter=m.chapter,
                kind=k.kind,
                target=target,
                deadline_text=d.text,
                recurring=deadline is None,
                overdue=overdue,
                type=kind_of_row,
                state=judgement.state if judgement else "no-data",
                fiscal_year=judgement.fiscal_year if judgement else None,
            )

    def _in_range(self, day: date) -> bool:
        return (
            (self.before is None or day < self.before)
            and (self.by is None or day <= self.by)
            and (self.after is None or day >= self.after)
        )

    def _wanted(self, d: Deadline, judgement: Judgement | None) -> bool:
        if d.recurring or d.date is None:
            if self.overdue_only and judgement is not None and judgement.due is not None:
                return self.include_recurring or self._in_range(judgement.due)
            return self.include_recurring
        return self._in_range(d.date)


def due(result: Audit, query: DueQuery) -> list[DueRow]:
    """The rows ``query`` asks for, sorted by date (recurring ones last)."""
    rows = [row for measure in result.summaries(query) for row in measure.rows]
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or date.max, r.kpi.sort_key()))
    return rows


_COLUMNS = [
    Column(N_("deadline"), "right"),
    Column(N_("type")),
    Column(N_("measure")),
    Column(N_("KPI")),
    Column(N_("target"), wrap=True),
    Column(N_("wording"), wrap=True),
    Column(N_("state")),
    Column(N_("overdue"), "right"),
]


def due_table(rows: list[DueRow]) -> Table:
    # Each word once, shared by every row that shows it: a large plan has tens of thousands.
    kept: dict[tuple[str, str], Term] = {}

    def shared(term: Term) -> Term:
        return kept.setdefault((term.word, term.suffix), term)

    body = [
        [
            r.deadline.isoformat()
            if r.deadline
            else shared(Term("recurring", f" FY{r.fiscal_year}" if r.fiscal_year else "")),
            shared(Term(r.type)),
            r.measure,
            str(r.kpi),
            r.target,
            r.deadline_text,
            shared(Term(r.state)),
            shared(Term("overdue")) if r.overdue else "",
        ]
        for r in rows
    ]
    # Target milestones and set-by promises: both are dates something is due by.
    return Table(_("{count} deadline(s)").format(count=len(rows)), _COLUMNS, body)


def due_document(rows: list[DueRow]) -> list[dict[str, Any]]:
    return [r.as_json() for r in rows]
