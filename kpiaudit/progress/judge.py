"""Each dated milestone of a plan, judged as of a day: state, grade, progress, elapsed share,
achievement rate, overdue (progress-rules.md). A pure function of the model and the day.

Where the rules are silent, this module decides (and says why beside the code): a downward
target without a baseline whose deadline is ahead and is not met yet is ``behind``; a binary
milestone of a KPI with no actual at all is ``no-data``, like any other; a recurring
milestone is judged on the last fiscal year that has ended, ``no-data`` when that year has no
actual; an unset KPI's promise to be set is ``missed`` once its date has passed, ``no-data``
before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import N_, _
from ..jpdate import fiscal_year, fiscal_year_span
from ..model import (
    Actual,
    Deadline,
    Direction,
    Grade,
    Kind,
    Kpi,
    KpiRef,
    Measure,
    Milestone,
    Plan,
    PromiseType,
    State,
    Target,
)
from .targets import Goal, goal, recorded, unit_key

GRADES: dict[State, Grade] = {
    "achieved": "A",
    "achieved-late": "A",
    "on-track": "A",
    "missed": "B",
    "behind": "B",
    "not-measurable": "F",
    "no-data": "N",
}


@dataclass(frozen=True)
class Reason:
    """Why a milestone is judged as it is when its actuals could not say more: an English
    template and its arguments, rendered in the reader's language where shown."""

    template: str
    args: tuple[tuple[str, Any], ...] = ()

    @property
    def message(self) -> str:
        return self.template.format(**dict(self.args))

    def shown(self) -> str:
        return _(self.template).format(**dict(self.args))


def _reason(template: str, **args: Any) -> Reason:
    return Reason(template, tuple(args.items()))


@dataclass(frozen=True)
class Judgement:
    measure: str
    kpi: KpiRef
    chapter: int
    kind: Kind
    type: PromiseType
    index: int | None  # the milestone's place in the KPI; None for a set_by promise
    target: Target | None
    deadline: Deadline
    due: date | None  # the date judged: the deadline, or the end of the fiscal year judged
    state: State
    direction: Direction | None = None
    actual: Actual | None = None  # the latest actual compared (up to today)
    progress: float | None = None  # 0…1 from the start to the target
    elapsed: float | None = None  # 0…1 of the time from the start date to the deadline
    rate: float | None = None  # 達成率, percent
    overdue: bool = False
    fiscal_year: int | None = None  # a recurring milestone: the fiscal year judged
    reason: Reason | None = None
    recorded: bool = False  # an actual up to today is for this milestone (its unit / achieved)

    @property
    def grade(self) -> Grade:
        return GRADES[self.state]

    @property
    def recurring(self) -> bool:
        return self.deadline.recurring


def judge_plan(plan: Plan, today: date) -> list[Judgement]:
    """Every judged row of the plan, in plan order: a set KPI's dated milestones, and the
    promise of an unset KPI to be set."""
    return [
        j for m in plan.measures for k in m.kpis for j in judge_kpi(m, k, today, plan.base_date)
    ]


def promises(kpi: Kpi) -> list[tuple[int | None, Deadline]]:
    """The date a KPI is to be *set* by (``set_by``): a promise, judged apart from milestones."""
    return [(None, kpi.set_by)] if kpi.set_by is not None else []


def judge_kpi(measure: Measure, kpi: Kpi, today: date, base: date | None) -> Iterator[Judgement]:
    ref = measure.kpi_ref(kpi)
    common: dict[str, Any] = {
        "measure": measure.id,
        "kpi": ref,
        "chapter": measure.chapter,
        "kind": kpi.kind,
    }
    for index, promise in promises(kpi):
        yield _set_by(common, index, promise, kpi, today)
    if kpi.is_unset:
        return  # no milestones to judge: nothing is measured against an unset KPI
    seen = [a for a in kpi.actuals if a.as_of <= today]  # what was known on that day
    for index, milestone in enumerate(kpi.milestones):
        d = milestone.deadline
        if d is not None and (d.recurring or d.date is not None):  # a date, or every year
            yield _Milestone(common, index, milestone, kpi, seen, today, base).judge()


def _set_by(
    common: dict[str, Any], index: int | None, promise: Deadline, kpi: Kpi, today: date
) -> Judgement:
    due = promise.date
    base = {**common, "type": "set-by", "index": index, "target": None, "deadline": promise}
    if not kpi.is_unset:
        return Judgement(**base, due=due, state="achieved", reason=_reason(N_("the KPI is set")))
    if due is not None and due < today:
        why = _reason(N_("promised to be set by {date}; still unset"), date=due.isoformat())
        return Judgement(**base, due=due, state="missed", overdue=True, reason=why)
    why = _reason(N_("to be set by {date}"), date=due.isoformat() if due else promise.text)
    return Judgement(**base, due=due, state="no-data", reason=why)


class _Milestone:
    """One milestone of a set KPI and what is needed to judge it."""

    def __init__(
        self,
        common: dict[str, Any],
        index: int,
        milestone: Milestone,
        kpi: Kpi,
        seen: list[Actual],
        today: date,
        base: date | None,
    ) -> None:
        assert milestone.deadline is not None
        self.deadline = milestone.deadline
        self.target = milestone.target
        self.kpi = kpi
        self.seen = seen
        self.today = today
        self.base = base
        self.goal: Goal | None = goal(self.target, kpi) if self.target is not None else None
        self.fields: dict[str, Any] = {
            **common,
            "type": "target",
            "index": index,
            "target": self.target,
            "deadline": self.deadline,
            "direction": self.goal.direction if self.goal else None,
        }

    # --- which actuals compare ---------------------------------------------------------------

    def _candidates(self) -> tuple[list[Actual], Reason | None]:
        g = self.goal
        if g is None:  # a binary milestone (策定, 確立) or a level named in words (1人1台)
            return [a for a in self.seen if a.achieved is not None], None
        if g.relative:
            return [], _reason(
                N_(
                    "the target {target} is relative to a value the KPI does not record: add "
                    "its baseline to compare actuals with it"
                ),
                target=g.target.text,
            )
        found = [a for a in self.seen if a.value is not None and unit_key(a.unit) in g.scales]
        if found:
            return found, None
        others = sorted({a.unit or "''" for a in self.seen if a.value is not None})
        units = ", ".join(sorted(g.scales))
        if others:
            why = N_("no actual in {units} (the target's unit); actuals in {others} not compared")
            return [], _reason(why, units=units, others=", ".join(others))
        return [], _reason(
            N_("the target is numeric; no actual gives a value in {units}"), units=units
        )

    def _meets(self, a: Actual) -> bool:
        if self.goal is None:
            return a.achieved is True
        assert a.value is not None
        return self.goal.meets(a.value, a.unit)

    def _measures(self, a: Actual) -> dict[str, Any]:
        """What the row shows of an actual: it, its progress and its rate."""
        if self.goal is None or a.value is None:
            return {"actual": a}
        return {
            "actual": a,
            "progress": self.goal.progress(a.value, a.unit),
            "rate": self.goal.rate(a.value, a.unit),
        }

    # --- the judgement ----------------------------------------------------------------------

    def judge(self) -> Judgement:
        candidates, why = self._candidates()
        if candidates and self.deadline.recurring:
            judged, gap = self._recurring(candidates)
            if judged is not None:
                return judged
            return Judgement(**self._no_data_fields(), state="no-data", reason=gap)
        if candidates:
            assert self.deadline.date is not None
            return self._dated(candidates, self.deadline.date, self._start_date())
        fields = self._no_data_fields()
        if self.goal is None and self.seen:
            # The KPI has actuals, and none says whether this binary milestone was reached.
            why = _reason(N_("no actual says whether it was achieved (achieved: true/false)"))
            return Judgement(**fields, state="not-measurable", reason=why)
        # No actual for this KPI, or none that compares: judged as if there were none.
        return Judgement(**fields, state="no-data", reason=why if self.seen else None)

    def _no_data_fields(self) -> dict[str, Any]:
        due = self._no_data_due()
        return {
            **self.fields,
            "due": due,
            "overdue": due is not None and due < self.today,
            "fiscal_year": fiscal_year(due) if due and self.deadline.recurring else None,
            "recorded": recorded(self.kpi, self.target, self.seen),
        }

    def _start_date(self) -> date | None:
        if self.goal is not None:
            dates = {s.start_date for s in self.goal.scales.values() if s.start_date}
            if dates:
                return max(dates)
        return self.base

    def _last_ended_year(self) -> int | None:
        """The latest fiscal year that has ended, if the plan had begun by then."""
        last = fiscal_year(self.today) - 1
        first = fiscal_year(self.base) if self.base else last
        return last if last >= first else None

    def _no_data_due(self) -> date | None:
        if not self.deadline.recurring:
            return self.deadline.date
        last = self._last_ended_year()
        return fiscal_year_span(last)[1] if last is not None else None

    def _dated(
        self,
        candidates: list[Actual],
        deadline: date,
        start: date | None,
        fiscal: int | None = None,
    ) -> Judgement:
        latest = _latest(candidates)
        shown = self._measures(latest)
        elapsed = _elapsed(latest.as_of, start, deadline)
        fields = {**self.fields, **shown, "due": deadline, "elapsed": elapsed}
        fields |= {"fiscal_year": fiscal, "recorded": True}
        if any(a.as_of <= deadline and self._meets(a) for a in candidates):
            return Judgement(**fields, state="achieved")
        passed = deadline < self.today
        if self.goal is None:  # binary: nothing says it was reached (yet)
            late = passed and any(self._meets(a) for a in candidates)
            state: State = "achieved-late" if late else "not-measurable"
            return Judgement(**fields, state=state, overdue=passed and not late)
        if passed:
            late = any(self._meets(a) for a in candidates)
            return Judgement(
                **fields, state="achieved-late" if late else "missed", overdue=not late
            )
        progress = shown.get("progress")
        if progress is None:
            # A downward target without a baseline has no progress; the rules judge it "from
            # the deadline alone", which is still ahead. An auditor grants A only on evidence,
            # and nothing shows it keeping pace: B, with the reason, so a baseline gets added.
            why = N_(
                "a downward target without a baseline: its progress cannot be measured, and it "
                "is not met yet"
            )
            return Judgement(**fields, state="behind", reason=_reason(why))
        if elapsed is None:
            why = N_("no start date (no baseline date, no plan base date) to measure time from")
            return Judgement(**fields, state="behind", reason=_reason(why))
        return Judgement(**fields, state="on-track" if progress >= elapsed else "behind")

    def _recurring(self, candidates: list[Actual]) -> tuple[Judgement | None, Reason | None]:
        """The state is that of the latest fiscal year that has ended (while none has since
        the plan began, of the year under way), judged on that year's actuals. A year with no
        actual is no-data, whatever earlier years did: a figure for 令和4年度 does not show
        that 令和7年度's was met. (None, why) when the year judged has no actual."""
        years: dict[int, list[Actual]] = {}
        for a in candidates:
            years.setdefault(fiscal_year(a.as_of), []).append(a)
        year = self._last_ended_year()
        if year is None:
            year = fiscal_year(self.today)  # the year under way
        if year not in years:
            why = _reason(
                N_("no actual for fiscal year {year}; the latest is for fiscal year {latest}"),
                year=year,
                latest=max(years),
            )
            return None, why
        start, end = fiscal_year_span(year)
        # Within one year only that year's actuals count, and the latest of them decides.
        latest = _latest(years[year])
        return self._dated([latest], end, start, fiscal=year), None


def _latest(actuals: list[Actual]) -> Actual:
    """The actual with the latest date; of several, the one written last."""
    best = actuals[0]
    for a in actuals[1:]:
        if a.as_of >= best.as_of:
            best = a
    return best


def _elapsed(as_of: date, start: date | None, deadline: date) -> float | None:
    """(as_of − start) / (deadline − start), within 0…1."""
    if start is None:
        return None
    span = (deadline - start).days
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / span))
