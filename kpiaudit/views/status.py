"""Compliance per chapter (and per measure of one chapter): the ``status`` document.

The counts come from the audit's findings (after configuration and suppressions), so
``status`` says exactly what ``lint`` reports for the same files and configuration. Beside
them, how the target milestones stand as of a day (progress-rules.md): achieved (late or not),
on track, behind, missed, no data, not measurable; shown as a second table once the plan
records any actual (before that every milestone is "no data", which says nothing new).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from ..audit import Audit
from ..i18n import N_, _
from ..model import Measure, State
from ..progress import judge_kpi
from .table import Column, Table, Term

# status's progress keys: achieved-late counts as achieved (both are grade A, the target met).
_PROGRESS_KEYS: dict[State, str] = {
    "achieved": "achieved",
    "achieved-late": "achieved",
    "on-track": "on_track",
    "behind": "behind",
    "missed": "missed",
    "no-data": "no_data",
    "not-measurable": "not_measurable",
}
PROGRESS_KEYS = ("achieved", "on_track", "behind", "missed", "no_data", "not_measurable")


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
    states: Counter[str] = field(default_factory=Counter)  # progress key → target milestones

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
            "milestones": sum(self.states.values()),
            **{key: self.states[key] for key in PROGRESS_KEYS},
        }


class Counted(NamedTuple):
    """What status needs of one measure besides its findings; made by :class:`Counting` where
    the measure's model is at hand, so that a large plan's models are never all held. Compact:
    100,000 of them are held at once."""

    id: str
    chapter: int
    title: str
    kpis: str  # its KPIs' references, space-separated: one string rather than one each
    states: tuple[int, ...]  # its target milestones in each state, in PROGRESS_KEYS order
    measured: bool  # it records an actual value


@dataclass(frozen=True)
class Counting:
    """Counts a measure as of ``today``: a summariser for ``audit(…, summarise=…)``."""

    today: date

    def __call__(self, m: Measure, base: date | None) -> Counted:
        states = Counter(
            _PROGRESS_KEYS[j.state]
            for k in m.kpis
            for j in judge_kpi(m, k, self.today, base)
            if j.type == "target"
        )
        refs = " ".join(str(m.kpi_ref(k)) for k in m.kpis)
        counts = tuple(states[key] for key in PROGRESS_KEYS)
        measured = any(k.actuals for k in m.kpis)
        return Counted(m.id, m.chapter, m.title, refs, counts, measured)


def _row(key: str, title: str, rows: list[Row]) -> Row:
    """The sum of ``rows`` (one per measure, by :func:`_measure_row`): each measure is counted
    once, for its chapter and for the total."""
    row = Row(key, title, len(rows), 0, 0, 0, 0, 0)
    for one in rows:
        row.kpis += one.kpis
        row.unset += one.unset
        row.no_target += one.no_target
        row.no_deadline += one.no_deadline
        row.compliant += one.compliant
        row.states.update(one.states)
    return row


def _measure_row(m: Counted, codes: dict[str, frozenset[str]]) -> Row:
    row = Row(m.id, m.title, 1, 0, 0, 0, 0, 0)
    row.states.update({key: n for key, n in zip(PROGRESS_KEYS, m.states, strict=True) if n})
    for ref in m.kpis.split():
        got = codes.get(ref, frozenset())
        row.kpis += 1
        row.unset += "K101" in got
        row.no_target += "K102" in got
        row.no_deadline += "K103" in got
        row.compliant += not got
    return row


@dataclass
class Status:
    chapters: list[Row]
    total: Row
    measures: list[Row]  # the measures of the chapter asked for, else empty
    chapter: int | None
    plan_title: str
    today: date | None = None
    measured: bool = False  # the plan records an actual: show the progress table

    def as_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "chapters": [{"chapter": int(r.key), **r.as_json()} for r in self.chapters],
            "total": self.total.as_json(),
        }
        if self.chapter is not None:
            doc["measures"] = [{"measure": r.key, **r.as_json()} for r in self.measures]
        return doc

    def tables(self) -> list[Table]:
        """The chapter table (with a total row unless one chapter was asked for) and, for one
        chapter, its measures."""
        one = self.chapter is not None
        rows = self.chapters + ([] if one else [self.total])
        out = [_table(self.plan_title or "kpiaudit status", rows, "chapter", total=not one)]
        if one:
            title = _("Chapter {number}: measures").format(number=self.chapter)
            out.append(_table(title, self.measures, "measure", total=False))
        if self.measured:
            title = _("Target milestones as of {today}").format(today=self.today)
            first = "measure" if one else "chapter"
            out.append(_progress_table(title, self.measures if one else rows, first, not one))
        return out


def status(result: Audit, chapter: int | None = None, today: date | None = None) -> Status:
    """``today``: the day progress is judged as of (default: the real date). Each measure is
    counted by ``Counting(today)``: in the workers when the audit was asked to."""
    codes = result.kpi_codes()
    plan = result.plan
    day = today or date.today()
    every = result.summaries(Counting(day))
    numbers = sorted({c.number for c in plan.chapters} | {m.chapter for m in every})
    if chapter is not None:
        numbers = [chapter]
    chosen = [m for m in every if chapter is None or m.chapter == chapter]
    rows = [_measure_row(m, codes) for m in chosen]
    in_chapter: dict[int, list[Row]] = {n: [] for n in numbers}
    for m, row in zip(chosen, rows, strict=True):
        in_chapter.setdefault(m.chapter, []).append(row)
    chapters = [_row(str(n), plan.chapter_title(n), in_chapter[n]) for n in numbers]
    total = _row(Term("total"), "", rows)
    measures = rows if chapter is not None else []
    measured = any(m.measured for m in every)
    return Status(chapters, total, measures, chapter, plan.title, day, measured)


def _numbers(*headers: str) -> list[Column]:
    """Columns of numbers, right-aligned."""
    return [Column(header, "right") for header in headers]


_COUNTS = _numbers(
    N_("KPIs"), N_("unset"), N_("no target"), N_("no deadline"), N_("compliant"), N_("compliance")
)


def _table(title: str, rows: list[Row], first: str, *, total: bool) -> Table:
    """Chapter rows (``first="chapter"``) or measure rows; a measure row is one measure, so it
    has no "measures" column."""
    per_chapter = first == "chapter"
    columns = [
        Column(N_("chapter") if per_chapter else N_("measure")),
        Column(N_("title"), wrap=True),
        *(_numbers(N_("measures")) if per_chapter else []),
        *_COUNTS,
    ]

    def cells(r: Row) -> list[Any]:
        counts = [r.kpis, r.unset, r.no_target, r.no_deadline, r.compliant]
        measures = [r.measures] if per_chapter else []
        return [r.key, r.title, *measures, *counts, f"{r.compliance:.0%}"]

    return Table(title, columns, [cells(r) for r in rows], total, [r.compliance for r in rows])


# Short headers, no title or total column (json has "milestones"): this table stays readable
# in an 80-column terminal.
_PROGRESS = _numbers(
    N_("achieved"), N_("on track"), N_("behind"), N_("missed"), N_("no data"), N_("not measurable")
)


def _progress_table(title: str, rows: list[Row], first: str, total: bool) -> Table:
    columns = [Column(N_("chapter") if first == "chapter" else N_("measure")), *_PROGRESS]
    body = [[r.key, *(r.states[key] for key in PROGRESS_KEYS)] for r in rows]
    return Table(title, columns, body, total)
