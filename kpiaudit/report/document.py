"""The report document: everything the HTML report shows, as plain data, built in one place.

:func:`build_document` is the only code in :mod:`kpiaudit.report` that reads the audit API
(:mod:`kpiaudit.audit`'s result and ``views``); the templates and charts see only the
dataclasses below. When the engine or the views move, this module is the one to re-point.

Counts are never recounted here: every number a reader can compare with
``kpiaudit status --format json`` is that command's own ``Row.as_json()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from ..audit import Audit
from ..i18n import _
from ..model import Actual, Finding, Milestone
from ..progress import Judgement, Reason, amount, judge_plan
from ..rules.files import NOT_LOADED
from ..rules.flags import COMPLIANCE_FLAGS
from ..views.due import DueQuery, DueRow, due
from ..views.status import Row, status


@dataclass(frozen=True)
class Counts:
    """One row of ``kpiaudit status --format json``: same keys, same values."""

    measures: int
    kpis: int
    unset: int
    no_target: int
    no_deadline: int
    compliant: int
    compliance: float  # 0..1, rounded to 4 places as status prints it

    @classmethod
    def from_row(cls, row: Row) -> Counts:
        d = row.as_json()
        return cls(
            measures=d["measures"],
            kpis=d["kpis"],
            unset=d["unset"],
            no_target=d["no_target"],
            no_deadline=d["no_deadline"],
            compliant=d["compliant"],
            compliance=d["compliance"],
        )


@dataclass(frozen=True)
class MeasureRow:
    id: str
    title: str
    counts: Counts


@dataclass(frozen=True)
class ChapterDoc:
    number: int
    numeral: str  # Ⅵ, or "" when plan.yaml gives none
    title: str
    counts: Counts
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True)
class FindingDoc:
    code: str
    name: str
    severity: str
    finding: Finding = field(compare=False)
    line: int

    @property
    def message(self) -> str:
        """In the language the site is being built in (templates read it at render time)."""
        return self.finding.render(_)


@dataclass(frozen=True)
class MilestoneDoc:
    target: str  # the target's wording, "" when the milestone has only a deadline
    deadline: date | None  # None: no deadline, or a recurring one
    deadline_text: str
    recurring: bool
    overdue: bool  # kpiaudit progress's verdict, recurring milestones and promises included
    # How it stands as of the report's day: ``kpiaudit progress``'s judgement of it; None
    # when it has no deadline to be judged by.
    state: str | None = None
    grade: str | None = None
    rate: float | None = None  # percent
    fiscal_year: int | None = None  # a recurring milestone: the fiscal year judged
    set_by: bool = False  # not a milestone but an unset KPI's promise to be set by then
    why: Reason | None = field(default=None, compare=False)

    @property
    def reason(self) -> str:
        """Why it is judged so, when its actuals could not say more; in the site's language."""
        return self.why.shown() if self.why else ""


@dataclass(frozen=True)
class ActualDoc:
    """One measured value of a KPI (実績), as its measure file records it."""

    period: str
    as_of: date
    value: str  # the number with its unit (1,234件), "" for a binary actual
    achieved: bool | None  # a binary actual: was the milestone reached
    source: str
    note: str


@dataclass(frozen=True)
class KpiDoc:
    id: str  # P1, E2 …
    ref: str  # 6-4.E2
    kind: str  # progress | outcome
    status: str  # set | unset, as the measure file says
    text: str
    notes: tuple[str, ...]
    unset_reason: str | None
    flags: tuple[str, ...]  # the K101–K103 codes reported for it, as status counts them
    milestones: tuple[MilestoneDoc, ...]
    baselines: tuple[str, ...]
    findings: tuple[FindingDoc, ...]
    actuals: tuple[ActualDoc, ...] = ()
    promises: tuple[MilestoneDoc, ...] = ()  # set_by: the date an unset KPI is to be set by

    @property
    def compliant(self) -> bool:
        return not self.flags


@dataclass(frozen=True)
class MeasureDoc:
    id: str
    chapter: int
    title: str
    objective: str
    path: str  # the measure file, as the audit names it
    counts: Counts
    kpis: tuple[KpiDoc, ...]
    findings: tuple[FindingDoc, ...]  # about the measure as a whole (ids, chapter …)


@dataclass(frozen=True)
class DueItem:
    deadline: date
    measure: str
    kpi: str  # 6-4.E1
    chapter: int
    kind: str
    target: str
    deadline_text: str


@dataclass(frozen=True)
class ProgressRow:
    """Progress states of one chapter (or the total): state id → number of KPIs. The states
    are mutually exclusive, so a stacked or summed view of them is honest."""

    key: str  # chapter number or "total"
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ProgressDoc:
    """Target milestones by state, as ``kpiaudit status`` counts them; filled once the plan
    records actual values (before that every one is no-data), and the overview shows its
    chart only then."""

    states: tuple[str, ...]  # achieved, on-track, behind, missed, no-data, …
    chapters: tuple[ProgressRow, ...]
    total: ProgressRow


@dataclass(frozen=True)
class ReportDocument:
    title: str
    edition: str
    base_date: date | None  # None when the plan has no plan.yaml
    today: date
    horizon: date  # upcoming = deadlines in [today, horizon)
    total: Counts
    chapters: tuple[ChapterDoc, ...]
    measures: tuple[MeasureDoc, ...]
    upcoming: tuple[DueItem, ...]
    overdue: tuple[DueItem, ...]
    files_left_out: int  # files the audit could not read or validate: their measures are missing
    progress: ProgressDoc | None = field(default=None)


def build_document(result: Audit, today: date) -> ReportDocument:
    """The report's data for ``result`` judged on ``today``."""
    plan = result.plan
    overall = status(result, today=today)
    chapter_rows, total = overall.chapters, overall.total
    numerals = {c.number: c.numeral for c in plan.chapters}
    chapters = []
    measure_counts: list[Counts] = []
    for row in chapter_rows:
        number = int(row.key)
        rows = status(result, number, today).measures
        # views returns one row per measure of the chapter, in plan order (ids may repeat
        # when two files claim one id, so rows are matched by position, not by key).
        mine = [m for m in plan.measures if m.chapter == number]
        measure_counts.extend(Counts.from_row(r) for r in rows)
        chapters.append(
            ChapterDoc(
                number=number,
                numeral=numerals.get(number, ""),
                title=row.title,
                counts=Counts.from_row(row),
                measures=tuple(
                    MeasureRow(m.id, m.title, Counts.from_row(r))
                    for m, r in zip(mine, rows, strict=True)
                ),
            )
        )
    ordered = [m for row in chapter_rows for m in plan.measures if m.chapter == int(row.key)]
    overdue = overdue_milestones(result, today)
    codes = result.kpi_codes()
    judgements = judge_plan(plan, today)
    judged = {(str(j.kpi), j.index): j for j in judgements}
    promised: dict[str, list[Judgement]] = {}
    for j in judgements:
        if j.index is None:
            promised.setdefault(str(j.kpi), []).append(j)
    by_kpi, by_measure = _findings(result.findings)
    measures = tuple(
        MeasureDoc(
            id=m.id,
            chapter=m.chapter,
            title=m.title,
            objective=m.objective,
            path=m.path,
            counts=counts,
            kpis=tuple(
                KpiDoc(
                    id=k.id,
                    ref=str(m.kpi_ref(k)),
                    kind=k.kind,
                    status=k.status,
                    text=k.text,
                    notes=tuple(k.notes),
                    unset_reason=k.unset_reason,
                    flags=tuple(
                        c for c in COMPLIANCE_FLAGS if c in codes.get(str(m.kpi_ref(k)), ())
                    ),
                    milestones=tuple(
                        _milestone(ms, judged.get((str(m.kpi_ref(k)), i)))
                        for i, ms in enumerate(k.milestones)
                    ),
                    baselines=tuple(b.text for b in k.baselines),
                    findings=by_kpi.get(str(m.kpi_ref(k)), ()),
                    actuals=tuple(_actual(a) for a in k.actuals),
                    promises=tuple(_promise(j) for j in promised.get(str(m.kpi_ref(k)), ())),
                )
                for k in m.kpis
            ),
            findings=by_measure.get((m.path, m.id), ()),
        )
        for m, counts in zip(ordered, measure_counts, strict=True)
    )
    horizon = today + relativedelta(months=12)
    upcoming = due(result, DueQuery(today, before=horizon, after=today))
    return ReportDocument(
        title=plan.title,
        edition=plan.edition,
        base_date=plan.base_date,
        today=today,
        horizon=horizon,
        total=Counts.from_row(total),
        chapters=tuple(chapters),
        measures=measures,
        upcoming=tuple(_due_items(upcoming)),
        overdue=tuple(overdue),
        files_left_out=len({f.path for f in result.findings if f.code in NOT_LOADED}),
        progress=_progress(chapter_rows, total) if overall.measured else None,
    )


def _milestone(ms: Milestone, j: Judgement | None) -> MilestoneDoc:
    """A milestone as ``kpiaudit show`` and ``progress`` tell it: the same judgement."""
    return MilestoneDoc(
        target=ms.target.text if ms.target else "",
        deadline=ms.deadline.date if ms.deadline else None,
        deadline_text=ms.deadline.text if ms.deadline else "",
        recurring=bool(ms.deadline and ms.deadline.recurring),
        overdue=j is not None and j.overdue,
        state=j.state if j else None,
        grade=j.grade if j else None,
        rate=j.rate if j else None,
        fiscal_year=j.fiscal_year if j else None,
        why=j.reason if j else None,
    )


def _promise(j: Judgement) -> MilestoneDoc:
    """An unset KPI's promise to be set by a date (set_by), judged as progress judges it."""
    return MilestoneDoc(
        target="",
        deadline=j.deadline.date,
        deadline_text=j.deadline.text,
        recurring=j.deadline.recurring,
        overdue=j.overdue,
        state=j.state,
        grade=j.grade,
        rate=j.rate,
        set_by=True,
        why=j.reason,
    )


def _actual(a: Actual) -> ActualDoc:
    value = amount(a.value, a.unit) if a.value is not None else ""
    return ActualDoc(a.period, a.as_of, value, a.achieved, a.source, a.note)


# status's JSON keys for the progress states (achieved counts achieved-late too: both met it)
PROGRESS_STATES = (
    ("achieved", "achieved"),
    ("on-track", "on_track"),
    ("behind", "behind"),
    ("missed", "missed"),
    ("no-data", "no_data"),
    ("not-measurable", "not_measurable"),
)


def _progress(chapter_rows: list[Row], total: Row) -> ProgressDoc:
    """From status's own rows, not recounted."""

    def row(r: Row) -> ProgressRow:
        d = r.as_json()
        return ProgressRow(r.key, tuple((state, d[key]) for state, key in PROGRESS_STATES))

    return ProgressDoc(
        states=tuple(state for state, _key in PROGRESS_STATES),
        chapters=tuple(row(r) for r in chapter_rows),
        total=row(total),
    )


def overdue_milestones(result: Audit, today: date) -> list[DueItem]:
    """The one place that decides which milestones the report calls overdue.

    As ``kpiaudit due --overdue``: by the progress rules, a dated milestone whose deadline is
    before ``today`` and that was not achieved (missed, no data, not measurable), not merely a
    date in the past; the overview and the measure pages follow.
    """
    rows = due(result, DueQuery(today, overdue_only=True))
    return list(_due_items(rows))


def _due_items(rows: Iterable[DueRow]) -> Iterable[DueItem]:
    for r in rows:
        if r.deadline is None:  # recurring: never in a dated list
            continue
        yield DueItem(
            r.deadline, r.measure, str(r.kpi), r.chapter, r.kind, r.target, r.deadline_text
        )


def _findings(
    findings: list[Finding],
) -> tuple[dict[str, tuple[FindingDoc, ...]], dict[tuple[str, str], tuple[FindingDoc, ...]]]:
    """Findings by KPI reference, and the remaining ones by (file, measure id)."""
    by_kpi: dict[str, list[FindingDoc]] = {}
    by_measure: dict[tuple[str, str], list[FindingDoc]] = {}
    for f in findings:
        doc = FindingDoc(f.code, f.name, f.severity, f, f.line)
        if f.kpi:
            by_kpi.setdefault(f.kpi, []).append(doc)
        elif f.measure:
            by_measure.setdefault((f.path, f.measure), []).append(doc)
    return (
        {k: tuple(v) for k, v in by_kpi.items()},
        {k: tuple(v) for k, v in by_measure.items()},
    )
