"""Compliance per chapter and deadline sweeps: pure functions over an Audit.

The counts come from the audit's findings (after configuration and suppressions), so
``status`` says exactly what ``lint`` reports for the same files and configuration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .lint import Audit
from .model import Measure

ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
}
FULLWIDTH_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"


def parse_chapter(value: str) -> int:
    """6, ６, Ⅵ, VI or vi → 6. Raises ValueError."""
    v = value.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if v.isdigit() and int(v) > 0:
        return int(v)
    if len(v) == 1 and v in FULLWIDTH_ROMAN:
        return FULLWIDTH_ROMAN.index(v) + 1
    if v.upper() in ROMAN:
        return ROMAN[v.upper()]
    raise ValueError(f"{value!r} is not a chapter number (6, Ⅵ or VI)")


@dataclass
class Row:
    key: str  # chapter number or measure id
    title: str
    measures: int
    kpis: int
    unset: int
    no_target: int
    no_deadline: int
    compliant: int

    @property
    def compliance(self) -> float:
        return self.compliant / self.kpis if self.kpis else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "measures": self.measures,
            "kpis": self.kpis,
            "unset": self.unset,
            "no_target": self.no_target,
            "no_deadline": self.no_deadline,
            "compliant": self.compliant,
            "compliance": round(self.compliance, 4),
        }


def _row(key: str, title: str, measures: list[Measure], codes: dict[str, set[str]]) -> Row:
    row = Row(key, title, len(measures), 0, 0, 0, 0, 0)
    for m in measures:
        for k in m.kpis:
            got = codes.get(m.ref(k), set())
            row.kpis += 1
            row.unset += "K101" in got
            row.no_target += "K102" in got
            row.no_deadline += "K103" in got
            row.compliant += not got
    return row


def status(result: Audit, chapter: int | None = None) -> tuple[list[Row], Row, list[Row]]:
    """(chapter rows, total row, measure rows of ``chapter`` or [])."""
    codes = result.kpi_codes()
    plan = result.plan
    numbers = sorted({c.number for c in plan.chapters} | {m.chapter for m in plan.measures})
    if chapter is not None:
        numbers = [chapter]
    chapters = [
        _row(str(n), plan.chapter_title(n), [m for m in plan.measures if m.chapter == n], codes)
        for n in numbers
    ]
    chosen = [m for m in plan.measures if chapter is None or m.chapter == chapter]
    total = _row("total", "", chosen, codes)
    measures = [_row(m.id, m.title, [m], codes) for m in chosen] if chapter is not None else []
    return chapters, total, measures


@dataclass(frozen=True)
class DueRow:
    deadline: date | None
    measure: str
    kpi: str  # "6-4.E1"
    chapter: int
    kind: str
    target: str
    deadline_text: str
    recurring: bool
    overdue: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "measure": self.measure,
            "kpi": self.kpi,
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
    today: date,
    overdue_only: bool = False,
    chapter: int | None = None,
    kind: str | None = None,
    include_recurring: bool = False,
) -> list[DueRow]:
    """One row per milestone with a deadline, sorted by date. ``before`` is exclusive,
    ``after`` inclusive; recurring deadlines only with ``include_recurring`` (sorted last)."""
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
                        kpi=m.ref(k),
                        chapter=m.chapter,
                        kind=k.kind,
                        target=ms.target.text if ms.target else "",
                        deadline_text=d.text,
                        recurring=deadline is None,
                        overdue=deadline is not None and deadline < today,
                    )
                )
    rows.sort(key=lambda r: (r.deadline is None, r.deadline or date.max, _order(r.kpi)))
    return rows


def _order(ref: str) -> tuple[int, int, int, int]:
    measure, kpi = ref.split(".")
    ch, n = measure.split("-")
    return int(ch), int(n), "PE".index(kpi[0]), int(kpi[1:])


def bar(fraction: float, width: int = 10) -> str:
    """A compliance bar readable at a glance: ██████░░░░."""
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def status_table(
    rows: Iterable[Row], total: Row | None, first: str
) -> tuple[list[str], list[list[Any]]]:
    """Headers and cells for chapter rows (``first="chapter"``) or measure rows; a measure row
    is one measure, so it has no "measures" column."""
    counted = ["KPIs", "unset", "no target", "no deadline", "compliant"]
    with_measures = first != "measure"
    headers = [first, "title", *(["measures"] if with_measures else []), *counted, "compliance"]

    def cells(r: Row, key: str, title: str) -> list[Any]:
        counts = [r.kpis, r.unset, r.no_target, r.no_deadline, r.compliant]
        measures = [r.measures] if with_measures else []
        return [key, title, *measures, *counts, f"{r.compliance:.0%}"]

    body = [cells(r, r.key, r.title) for r in rows]
    if total is not None:
        body.append(cells(total, "total", ""))
    return headers, body
