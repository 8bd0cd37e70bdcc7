"""One measure (or one of its KPIs) as a person reads it: the ``show`` document.

Everything comes from the audit and the one judgement: the flags are the K101–K103 findings
``status`` counts, each milestone's state, grade and rate is ``progress``'s row for it (the same
``row_json``), and the findings are those ``lint`` reports for the same files and settings.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePath
from typing import Any

from ..audit import Audit
from ..i18n import N_, _
from ..model import Actual, Baseline, Chapter, Finding, Kpi, KpiRef, Measure, Milestone
from ..progress import Judgement, judge_kpi
from ..rules.flags import COMPLIANCE_FLAGS
from .progress import row_json, shown_actual
from .table import Column, Table

FLAG_LABELS = {"K101": N_("unset"), "K102": N_("no target"), "K103": N_("no deadline")}
# The plan's own headings for the two kinds, shown as the plan prints them in every language
# (as its 未設定 is): a reader finds them in the published text.
PLAN_KIND = {"progress": "KPI（進捗）", "outcome": "KPI（効果）"}


# --- finding what was asked for ---------------------------------------------------------------

# 6-4, 06-04, 6-4.E1, 6-4.e1 (after NFKC, so ６－４ too); the file name is tried first.
_QUERY = re.compile(r"0*([1-9][0-9]*)-0*([1-9][0-9]*)(?:\.([PpEe])0*([1-9][0-9]*))?")


class UnknownId(LookupError):
    """No measure or KPI answers to the query; ``suggestions`` are the nearest ids."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        super().__init__(query)
        self.query = query
        self.suggestions = suggestions


def parse_query(query: str) -> KpiRef | None:
    """``6-4``, ``6-4.E1``, ``06-04.yaml`` or ``measures/06-04.yaml`` as a reference."""
    text = unicodedata.normalize("NFKC", query.strip())
    stem = PurePath(text).name
    for suffix in (".yaml", ".yml"):
        stem = stem.removesuffix(suffix)
    m = _QUERY.fullmatch(stem)
    if m is None:
        return None
    kpi = f"{m[3].upper()}{m[4]}" if m[3] else None
    return KpiRef(int(m[1]), int(m[2]), kpi)


def find(result: Audit, query: str) -> tuple[Measure, Kpi | None]:
    """The measure (and KPI) ``query`` names; UnknownId with the nearest ids otherwise. A file
    name picks the file, so of two files claiming one id (E008) either can be shown."""
    measures = result.plan.measures
    name = PurePath(query.strip()).name
    if name.endswith((".yaml", ".yml")):
        by_file = [m for m in measures if PurePath(m.path).name == name]
        if by_file:
            return by_file[0], None
    ref = parse_query(query)
    if ref is not None:
        measure = next((m for m in measures if m.id == ref.measure), None)
        if measure is not None:
            if ref.kpi is None:
                return measure, None
            kpi = next((k for k in measure.kpis if k.id == ref.kpi), None)
            if kpi is not None:
                return measure, kpi
            # The measure exists: its KPIs are what was meant.
            raise UnknownId(query, [str(measure.kpi_ref(k)) for k in measure.kpis])
    raise UnknownId(query, nearest(str(ref) if ref else query, measures))


def nearest(text: str, measures: list[Measure], n: int = 5) -> list[str]:
    """The ids most like ``text``: measure ids for a measure, KPI references for a KPI."""
    if "." in text:
        ids = [str(m.kpi_ref(k)) for m in measures for k in m.kpis]
    else:
        ids = [m.id for m in measures]
    return difflib.get_close_matches(text, list(dict.fromkeys(ids)), n=n, cutoff=0.6)


# --- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneView:
    index: int
    milestone: Milestone
    judgement: Judgement | None  # None: no deadline to judge it by


@dataclass(frozen=True)
class KpiView:
    ref: KpiRef
    kpi: Kpi
    flags: tuple[str, ...]  # the K101–K103 codes reported for it, as status counts them
    milestones: tuple[MilestoneView, ...]
    promises: tuple[Judgement, ...]  # set-by rows that are no milestone of the KPI
    findings: tuple[Finding, ...]

    @property
    def compliant(self) -> bool:
        return not self.flags

    def as_json(self) -> dict[str, Any]:
        k = self.kpi
        return {
            "kpi": str(self.ref),
            "id": k.id,
            "kind": k.kind,
            "status": k.status,
            "unset_reason": k.unset_reason,
            "text": k.text,
            "notes": list(k.notes),
            **{key: code in self.flags for code, key in COMPLIANCE_FLAGS.items()},
            "compliant": self.compliant,
            "milestones": [_milestone_json(v) for v in self.milestones],
            "set_by": [row_json(j) for j in self.promises],
            "baselines": [_baseline_json(b) for b in k.baselines],
            "actuals": [actual_json(a) for a in k.actuals],
            "findings": [f.as_json() for f in self.findings],
        }


@dataclass(frozen=True)
class ShowDocument:
    measure: Measure
    chapter: Chapter | None  # None when plan.yaml does not name the measure's chapter
    kpis: tuple[KpiView, ...]  # every KPI, or the one asked for
    findings: tuple[Finding, ...]  # about the measure's file as a whole, not one KPI
    today: date

    def as_json(self) -> dict[str, Any]:
        m = self.measure
        return {
            "measure": m.id,
            "chapter": m.chapter,
            "chapter_numeral": self.chapter.numeral if self.chapter else None,
            "chapter_title": self.chapter.title if self.chapter else None,
            "title": m.title,
            "objective": m.objective,
            "path": m.path,
            "today": self.today.isoformat(),
            "kpis": [k.as_json() for k in self.kpis],
            "findings": [f.as_json() for f in self.findings],
        }

    def with_paths(
        self,
        shown: Callable[[Iterable[Finding]], list[Finding]],
        path: Callable[[str], str] | None = None,
    ) -> ShowDocument:
        """The document with its findings' paths as ``shown`` gives them (as lint shows them:
        relative to where the command runs), and the measure's file as ``path`` gives it, so
        that the file named at the top is the one the findings name."""
        measure = replace(self.measure, path=path(self.measure.path)) if path else self.measure
        return replace(
            self,
            measure=measure,
            kpis=tuple(replace(k, findings=tuple(shown(k.findings))) for k in self.kpis),
            findings=tuple(shown(self.findings)),
        )

    def flag_counts(self) -> dict[str, int]:
        """status's counts over the KPIs shown."""
        counts = {
            key: sum(code in k.flags for k in self.kpis) for code, key in COMPLIANCE_FLAGS.items()
        }
        return {"kpis": len(self.kpis), **counts, "compliant": sum(k.compliant for k in self.kpis)}


def _milestone_json(v: MilestoneView) -> dict[str, Any]:
    t, d = v.milestone.target, v.milestone.deadline
    return {
        "index": v.index,
        "target": t.text if t else None,
        "target_value": t.value if t else None,
        "unit": t.unit if t else None,
        "comparison": t.comparison if t else None,
        "deadline": d.date.isoformat() if d and d.date else None,
        "deadline_text": d.text if d else None,
        "recurring": bool(d and d.recurring),
        "judgement": row_json(v.judgement) if v.judgement else None,
    }


def _baseline_json(b: Baseline) -> dict[str, Any]:
    return {
        "text": b.text,
        "value": b.value,
        "unit": b.unit,
        "as_of": b.as_of.isoformat() if b.as_of else None,
    }


def actual_json(a: Actual) -> dict[str, Any]:
    return {
        "period": a.period,
        "as_of": a.as_of.isoformat(),
        "value": a.value,
        "unit": a.unit,
        "achieved": a.achieved,
        "source": a.source,
        "note": a.note,
    }


def show(result: Audit, measure: Measure, kpi: Kpi | None, today: date) -> ShowDocument:
    """``measure`` (or only its ``kpi``) as of ``today``."""
    plan = result.plan
    codes = result.kpi_codes()
    mine = [f for f in result.findings if f.path == measure.path]
    views = []
    for k in measure.kpis if kpi is None else [kpi]:
        ref = measure.kpi_ref(k)
        judged = list(judge_kpi(measure, k, today, plan.base_date))
        by_index = {j.index: j for j in judged if j.index is not None}
        got = codes.get(str(ref), frozenset())
        views.append(
            KpiView(
                ref=ref,
                kpi=k,
                flags=tuple(code for code in COMPLIANCE_FLAGS if code in got),
                milestones=tuple(
                    MilestoneView(i, ms, by_index.get(i)) for i, ms in enumerate(k.milestones)
                ),
                promises=tuple(j for j in judged if j.index is None),
                findings=tuple(f for f in mine if f.kpi == str(ref)),
            )
        )
    chapter = next((c for c in plan.chapters if c.number == measure.chapter), None)
    whole = tuple(f for f in mine if f.kpi is None)
    return ShowDocument(measure, chapter, tuple(views), whole, today)


# --- tables for people ---------------------------------------------------------------------

_MILESTONES = [
    Column(N_("#"), "right"),
    Column(N_("target"), wrap=True),
    Column(N_("deadline"), "right"),
    Column(N_("wording"), wrap=True),
    Column(N_("state")),
    Column(N_("grade")),
    Column(N_("rate"), "right"),
    Column(N_("actual"), "right", wrap=True),
    Column(N_("overdue")),
]
_ACTUALS = [
    Column(N_("period")),
    Column(N_("as of"), "right"),
    Column(N_("actual"), "right", wrap=True),
    Column(N_("source"), wrap=True),
    Column(N_("note"), wrap=True),
]


def _deadline(v: MilestoneView) -> str:
    d, j = v.milestone.deadline, v.judgement
    if d is None:
        return "—"
    if d.recurring:
        year = f" FY{j.fiscal_year}" if j and j.fiscal_year else ""
        return _("recurring") + year
    return d.date.isoformat() if d.date else "—"


def _judged(j: Judgement | None) -> list[str]:
    if j is None:
        return ["", "", "", "", ""]
    actual = shown_actual(j.actual)
    if actual and j.actual is not None:
        actual = f"{actual} ({j.actual.as_of.isoformat()})"
    rate = f"{j.rate:.1f}%" if j.rate is not None else ""
    state = _(j.state)
    if j.type != "target":
        state += " (" + _("set-by") + ")"
    return [state, j.grade, rate, actual, _("overdue") if j.overdue else ""]


def milestone_table(view: KpiView) -> Table:
    """The KPI's milestones (and a set-by promise of its own), each with its judgement; why a
    milestone could not be judged further is a footnote, by the row's number."""
    rows: list[list[Any]] = []
    judged: list[Judgement | None] = []
    for v in view.milestones:
        ms = v.milestone
        target = ms.target.text if ms.target else "—"
        wording = ms.deadline.text if ms.deadline else "—"
        rows.append([len(rows) + 1, target, _deadline(v), wording, *_judged(v.judgement)])
        judged.append(v.judgement)
    for j in view.promises:
        when = j.deadline.date.isoformat() if j.deadline.date else "—"
        rows.append([len(rows) + 1, _("set the KPI"), when, j.deadline.text, *_judged(j)])
        judged.append(j)
    notes = [
        f"#{n}: {j.reason.shown()}"
        for n, j in enumerate(judged, 1)
        if j is not None and j.reason is not None
    ]
    return Table(_("Milestones"), _MILESTONES, rows, footnotes=notes)


def actuals_table(view: KpiView) -> Table:
    rows = [
        [a.period, a.as_of.isoformat(), shown_actual(a), a.source, a.note] for a in view.kpi.actuals
    ]
    return Table(_("Actuals"), _ACTUALS, rows)


def flag_text(view: KpiView) -> str:
    return flags_text(view.compliant, view.flags)


def flags_text(compliant: bool, flags: Iterable[str]) -> str:
    """What a KPI's badge says: compliant, or its flags (unset, no target, no deadline)."""
    if compliant:
        return _("compliant")
    return ", ".join(_(FLAG_LABELS[c]) for c in flags)


def status_text(kpi: Kpi) -> str:
    if not kpi.is_unset:
        return _("set")
    reason = f" ({kpi.unset_reason})" if kpi.unset_reason else ""
    return _("unset") + reason
