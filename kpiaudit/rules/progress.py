"""K301–K305: a KPI's actual values and RS targets against the plan (progress-rules.md).

K301, K303 and K305 depend on the file alone and run in the per-file check. K302 and K304
depend on the day as well ("after today", "more than a year ago"): :func:`check_dated` runs
them in the engine's dated step (:mod:`kpiaudit.audit.dated`), after the per-file check, so
that a per-file result can be cached without them.

:mod:`kpiaudit.progress` is imported only for a KPI that records actuals or RS targets, so
that lint on a plan without them (most commits) does not pay for it at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ..i18n import N_
from ..jpdate import fiscal_year, fiscal_year_span
from ..model import Kpi, Measure, RsLink, Target
from .base import Hit, NodePath, Rule

RULES = [
    Rule(
        "K301",
        "actual-unit-mismatch",
        "error",
        N_("An actual's unit is none of its KPI's target units."),
        N_(
            "An actual is compared with the milestones whose target is in its unit (after "
            "NFKC: % = ％). A value in another unit is never compared, so it cannot count; a "
            "KPI with no numeric target records achieved: true/false instead of a value."
        ),
        {
            "unit": N_(
                "actual for {period} is in {unit!r}, none of the KPI's target units ({units})"
            ),
            "no_target": N_(
                "actual for {period} gives a value, but the KPI states no numeric target: "
                "record achieved: true/false instead"
            ),
        },
    ),
    Rule(
        "K302",
        "actual-in-future",
        "error",
        N_("An actual is dated after today."),
        N_(
            "An actual's as_of is the end of the period it measures; a period that has not ended "
            "cannot have been measured. Judged against the real date, or lint --today."
        ),
        {"default": N_("actual for {period} is dated {as_of}, after today ({today})")},
    ),
    Rule(
        "K303",
        "actual-without-source",
        "error",
        N_("An actual names no source."),
        N_(
            "Every actual says where it comes from (出典): the statistic, document or URL, so "
            "that a reviewer can check it."
        ),
        {"default": N_("actual for {period} names no source (出典)")},
    ),
    Rule(
        "K304",
        "no-actual-after-deadline",
        "warning",
        N_("A milestone's deadline passed over a year ago and no actual is recorded."),
        N_(
            "A year after a deadline the figure is usually published; without an actual in the "
            "milestone's unit (or achieved: for a binary one) nobody can tell whether it was "
            "met. Judged against the real date, or lint --today."
        ),
        {
            "default": N_("no actual recorded for the milestone due {deadline} ({wording})"),
            "recurring": N_(
                "no actual recorded for the recurring milestone ({wording}) since fiscal year "
                "{year}"
            ),
        },
    ),
    Rule(
        "K305",
        "rs-target-mismatch",
        "warning",
        N_("The RS system's target differs from the plan's target or deadline."),
        N_(
            "kpiaudit actuals import --from rs records the mapped indicator's targets (2.目標値 "
            "per fiscal year) under the KPI's rs: key. Where the RS system sets another value "
            "for the plan's deadline, or its last target is not one of the plan's, one of the "
            "two is out of date: never overwritten silently, reported."
        ),
        {
            "value": N_(
                "{label}: the RS target for fiscal year {year} is {rs}, the plan's is {plan}"
            ),
            "deadline": N_(
                "{label}: the RS system's last target is {rs} for fiscal year {year}; the plan "
                "sets {plan} by {deadline}"
            ),
            "unit": N_("{label}: the RS targets are in {rs_units}, the plan's in {units}"),
        },
    ),
]

_NO_SOURCE = {
    "",
    "-",
    "―",
    "—",
    "－",
    "ー",
    "?",
    "？",
    "不明",
    "なし",
    "未定",
    "tbd",
    "n/a",
    "none",
}


def check_actuals(kpi: Kpi, at: NodePath, ref: str) -> Iterator[Hit]:
    """K301, K303 and K305: what the file alone says."""
    if not kpi.actuals and not kpi.rs:
        return
    from ..progress.targets import comparable_units, target_units, unit_key

    units = comparable_units(kpi)
    named = target_units(kpi)
    for j, actual in enumerate(kpi.actuals):
        where = (*at, "actuals", j)
        if actual.value is not None:
            if not units:
                yield Hit("K301", "no_target", {"period": actual.period}, (*where, "value"), ref)
            elif unit_key(actual.unit) not in units:
                found = {"period": actual.period, "unit": actual.unit, "units": named}
                yield Hit("K301", "unit", found, (*where, "unit"), ref)
        if actual.source.strip().casefold() in _NO_SOURCE:
            yield Hit("K303", args={"period": actual.period}, node=(*where, "source"), kpi=ref)
    for n, link in enumerate(kpi.rs):
        for key, args in _rs_mismatches(kpi, link):
            yield Hit("K305", key, args, (*at, "rs", n), ref)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _rs_mismatches(kpi: Kpi, link: RsLink) -> Iterator[tuple[str, dict[str, object]]]:
    from ..progress.targets import amount, unit_key

    label = f"RS {link.year} {link.project} #{link.indicator}"
    plan: list[tuple[Target, date | None]] = [
        (m.target, m.deadline.date)
        for m in kpi.milestones
        if m.target is not None and m.target.value is not None and m.deadline is not None
    ]
    if not link.targets or not plan:
        return
    units = {unit_key(t.unit) for t, _ in plan}
    rs = [r for r in link.targets if unit_key(r.unit) in units]
    if not rs:
        rs_units = ", ".join(sorted({r.unit for r in link.targets}))
        yield "unit", {"label": label, "rs_units": rs_units, "units": ", ".join(sorted(units))}
        return
    reported: set[int] = set()
    for target, deadline in plan:
        assert target.value is not None
        for r in rs:
            same_year = deadline is None or r.fiscal_year == fiscal_year(deadline)
            if unit_key(r.unit) != unit_key(target.unit) or not same_year:
                continue  # a recurring target (no date) is the same every year
            if not _close(r.value, target.value):
                reported.add(r.fiscal_year)
                yield (
                    "value",
                    {
                        "label": label,
                        "year": r.fiscal_year,
                        "rs": amount(r.value, r.unit),
                        "plan": target.text,
                    },
                )
    last = max(rs, key=lambda r: r.fiscal_year)
    if last.fiscal_year in reported:
        return
    kept = any(
        unit_key(t.unit) == unit_key(last.unit)
        and (d is None or fiscal_year(d) == last.fiscal_year)
        and t.value is not None
        and _close(t.value, last.value)
        for t, d in plan
    )
    if not kept:
        final = [(t, d) for t, d in plan if unit_key(t.unit) == unit_key(last.unit) and d]
        target, deadline = final[-1] if final else plan[-1]
        yield (
            "deadline",
            {
                "label": label,
                "year": last.fiscal_year,
                "rs": amount(last.value, last.unit),
                "plan": target.text,
                "deadline": deadline.isoformat() if deadline else "",
            },
        )


# Named tuples, not dataclasses: a warm run on a large plan makes tens of thousands of them
# from the cache, and a tuple is made several times faster.
class DatedActual(NamedTuple):
    """An actual, as K302 needs it: where it is and the day its period ends (ISO: days are
    compared as text, which orders YYYY-MM-DD as the calendar does)."""

    node: NodePath
    kpi: str
    period: str
    as_of: str


class DatedMilestone(NamedTuple):
    """A set KPI's dated milestone, as K304 needs it: its deadline and the days on which the
    actuals that count for it (a value in its units, or achieved for a binary one) end."""

    node: NodePath
    kpi: str
    wording: str
    deadline: str | None  # ISO; None when recurring
    recorded_on: tuple[str, ...]  # ISO


@dataclass(frozen=True)
class DatedFacts:
    """What the rules that depend on the day need of one measure, and nothing else: read from
    the file once, so that a cached or another process's result can be judged on any day
    without the measure's model."""

    actuals: tuple[DatedActual, ...] = ()
    milestones: tuple[DatedMilestone, ...] = ()


def dated_facts(measure: Measure) -> DatedFacts:
    """The facts :func:`check_dated` judges; they depend on the file alone."""
    actuals: list[DatedActual] = []
    milestones: list[DatedMilestone] = []
    for i, kpi in enumerate(measure.kpis):
        ref = str(measure.kpi_ref(kpi))
        for j, actual in enumerate(kpi.actuals):
            node = ("kpis", i, "actuals", j, "as_of")
            actuals.append(DatedActual(node, ref, actual.period, actual.as_of.isoformat()))
        if kpi.is_unset:
            continue  # its milestones are not judged: its promise to be set is (progress)
        for index, milestone in enumerate(kpi.milestones):
            deadline = milestone.deadline
            if deadline is None or not (deadline.recurring or deadline.date):
                continue
            counted = _recorded_on(kpi, milestone.target)
            node = ("kpis", i, "milestones", index, "deadline")
            day = None if deadline.recurring or not deadline.date else deadline.date.isoformat()
            milestones.append(DatedMilestone(node, ref, deadline.text, day, counted))
    return DatedFacts(tuple(actuals), tuple(milestones))


def check_dated(facts: DatedFacts, today: date, base: date | None) -> Iterator[Hit]:
    """K302 and K304, which depend on ``today``: run after the per-file check, never cached
    with it."""
    now = today.isoformat()
    for actual in facts.actuals:
        if actual.as_of > now:
            future = {"period": actual.period, "as_of": actual.as_of, "today": now}
            yield Hit("K302", args=future, node=actual.node, kpi=actual.kpi)
    year_ago = _year_before(today).isoformat()
    for m in facts.milestones:
        args: dict[str, object] = {"wording": m.wording}
        if m.deadline is None:  # recurring: the plan's first fiscal year is its first deadline
            first = fiscal_year(base) if base else fiscal_year(today) - 1
            late = fiscal_year_span(first)[1].isoformat() < year_ago
            key = "recurring"
            args["year"] = first
        else:
            late = m.deadline < year_ago
            key = "default"
            args["deadline"] = m.deadline
        if late and not any(day <= now for day in m.recorded_on):
            yield Hit("K304", key, args, m.node, m.kpi)


def _recorded_on(kpi: Kpi, target: Target | None) -> tuple[str, ...]:
    """The as_of of each actual of ``kpi`` that is for the milestone with ``target``."""
    if not kpi.actuals:
        return ()
    from ..progress.targets import recorded

    return tuple(a.as_of.isoformat() for a in kpi.actuals if recorded(kpi, target, [a]))


def _year_before(day: date) -> date:
    if day.year == date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
