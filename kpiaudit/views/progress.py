"""Is the plan being met? One row per judged milestone: the ``progress`` document and table."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date
from typing import Any

from ..audit import Audit
from ..i18n import N_, _
from ..model import Actual, State
from ..progress import Judgement, amount, judge_plan
from .table import Column, Table, Term


def progress(
    result: Audit,
    today: date,
    *,
    chapter: int | None = None,
    states: Collection[State] | None = None,
) -> list[Judgement]:
    """Every judged milestone of the plan as of ``today``, in plan order."""
    rows = judge_plan(result.plan, today)
    return [
        j
        for j in rows
        if (chapter is None or j.chapter == chapter) and (not states or j.state in states)
    ]


def _number(value: float | None, digits: int) -> float | None:
    """Rounded; None where there is no finite number (JSON has no Infinity)."""
    return None if value is None or not math.isfinite(value) else round(value, digits)


def _actual(a: Actual | None) -> float | bool | None:
    if a is None:
        return None
    return a.value if a.value is not None else a.achieved


def row_json(j: Judgement) -> dict[str, Any]:
    """One row for scripts: stable English keys and values; numbers as numbers."""
    t, a = j.target, j.actual
    return {
        "kpi": str(j.kpi),
        "measure": j.measure,
        "chapter": j.chapter,
        "kind": j.kind,
        "type": j.type,
        "target": t.text if t else None,
        "target_value": t.value if t else None,
        "unit": t.unit if t else None,
        "direction": j.direction,
        "deadline": None if j.recurring or not j.deadline.date else j.deadline.date.isoformat(),
        "deadline_text": j.deadline.text,
        "recurring": j.recurring,
        "fiscal_year": j.fiscal_year,
        "actual": _actual(a),
        "actual_unit": a.unit if a and a.value is not None else None,
        "period": a.period if a else None,
        "as_of": a.as_of.isoformat() if a else None,
        "source": a.source if a else None,
        "progress": _number(j.progress, 4),
        "elapsed": _number(j.elapsed, 4),
        "rate": _number(j.rate, 2),
        "state": j.state,
        "grade": j.grade,
        "overdue": j.overdue,
        "reason": j.reason.message if j.reason else None,
    }


def progress_document(rows: list[Judgement]) -> list[dict[str, Any]]:
    return [row_json(j) for j in rows]


# The measure is the first part of the KPI's reference (1-7.E1), so the table leaves out a
# column of its own for it and stays readable at 80 columns; JSON has both.
_COLUMNS = [
    Column(N_("KPI")),
    Column(N_("type")),
    Column(N_("target"), wrap=True),
    Column(N_("deadline"), "right"),
    Column(N_("actual"), "right", wrap=True),
    Column(N_("as of"), "right"),
    Column(N_("rate"), "right"),
    Column(N_("state")),
    Column(N_("grade")),
    Column(N_("overdue")),
]


def shown_actual(a: Actual | None) -> str:
    """An actual as a table cell shows it: the amount with its unit, or achieved/not."""
    if a is None:
        return ""
    if a.value is None:
        return Term("achieved") if a.achieved else Term("not achieved")
    return amount(a.value, a.unit)


def _deadline(j: Judgement) -> str:
    if j.recurring:
        return Term("recurring", f" FY{j.fiscal_year}" if j.fiscal_year else "")
    return j.deadline.date.isoformat() if j.deadline.date else j.deadline.text


def progress_table(rows: list[Judgement], today: date) -> Table:
    body = [
        [
            str(j.kpi),
            Term(j.type),
            j.target.text if j.target else "",
            _deadline(j),
            shown_actual(j.actual),
            j.actual.as_of.isoformat() if j.actual else "",
            f"{j.rate:.1f}%" if j.rate is not None else "",
            Term(j.state),
            j.grade,
            Term("overdue") if j.overdue else "",
        ]
        for j in rows
    ]
    notes = [f"{j.kpi}: {j.reason.shown()}" for j in rows if j.reason and j.type == "target"]
    title = _("{count} milestone(s) as of {today}").format(count=len(rows), today=today)
    return Table(title, _COLUMNS, body, footnotes=notes)
