"""The audit engine: files → one Plan per directory, with its findings. lint, status, due, fix
and the views all read the same result.

discover (files, grouped by plan) → per plan: plan.yaml → per file: load, check_file (pure,
cacheable) → the dated rules (K302, K304: they depend on ``today``, never cached) →
cross-file rules → suppressions → selection and severities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..codec import plan_from_data
from ..config import Config
from ..load import load_path
from ..model import Finding, Plan, measure_id_of
from ..rules import ALWAYS, CheckContext
from ..schema import PLAN_SCHEMA
from .check import FileResult, check_file, file_problems
from .crossfile import duplicate_ids
from .dated import add_dated_findings
from .discover import PlanFiles, discover
from .findings import finding
from .known import Scope
from .select import configure
from .suppress import apply_suppressions

__all__ = ["Audit", "AuditResult", "FileResult", "TwoPlansError", "audit", "check_file"]

_K_FLAGS = ("K101", "K102", "K103")


@dataclass
class Audit:
    """One plan and what the audit found in it (after configuration)."""

    plan: Plan
    findings: list[Finding] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)  # each measure file checked
    whole: bool = False  # the plan's directory was named: every file of the plan was checked
    # measure id → the files that hold it (one, unless E008 reports a duplicate id); what a
    # command that writes into measure files (actuals) edits.
    paths: dict[str, list[str]] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return len(self.results)

    def left_out(self) -> list[Finding]:
        """What makes numbers over the plan wrong: files that could not be read or validated,
        duplicates (not counted), a missing plan.yaml. The findings of always-reported rules."""
        return [f for f in self.findings if f.code in ALWAYS]

    def kpi_codes(self) -> dict[str, set[str]]:
        """KPI reference → the K101/K102/K103 codes reported for it (after configuration)."""
        out: dict[str, set[str]] = {}
        for f in self.findings:
            if f.kpi and f.code in _K_FLAGS:
                out.setdefault(f.kpi, set()).add(f.code)
        return out


class TwoPlansError(Exception):
    """A command that reads one plan was given files of several."""

    def __init__(self, directories: list[str]) -> None:
        super().__init__(", ".join(directories))
        self.directories = directories


@dataclass
class AuditResult:
    plans: list[Audit]
    unreadable: list[Finding] = field(default_factory=list)  # paths missing or unlistable
    empty: list[Path] = field(default_factory=list)  # directories named without measure files

    @property
    def findings(self) -> list[Finding]:
        every = [f for a in self.plans for f in a.findings] + self.unreadable
        return sorted(every, key=lambda f: (f.path, f.line, f.column, f.code))

    @property
    def files(self) -> int:
        return sum(a.files for a in self.plans)

    def scope(self) -> Scope:
        """What this run checked, for judging known findings (``--baseline``)."""
        scope = Scope(whole=any(a.whole for a in self.plans))
        for a in self.plans:
            for r in a.results:
                named = measure_id_of(Path(r.path).name)
                if named is not None:
                    scope.measures.add(named)
                if r.measure is None:
                    if named is not None:
                        scope.unreadable.add(named)
                    continue
                scope.measures.add(r.measure.id)
                scope.present.add(r.measure.id)
                scope.present.update(str(r.measure.kpi_ref(k)) for k in r.measure.kpis)
        return scope

    def single(self) -> Audit:
        """The one plan checked; TwoPlansError when the files belong to several."""
        if len(self.plans) > 1:
            raise TwoPlansError([a.plan.directory for a in self.plans])
        if not self.plans:
            return Audit(Plan(title="", base_date=None), list(self.unreadable))
        only = self.plans[0]
        findings = sorted_findings(only.findings + self.unreadable)
        return Audit(only.plan, findings, only.results, only.whole, only.paths)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code))


def audit(paths: Iterable[Path], config: Config, today: date | None = None) -> AuditResult:
    """Every plan the paths belong to, audited; ``today`` is the day the dated rules judge
    against (default: the real date)."""
    day = today or date.today()
    found = discover(paths)
    missing = [finding(p.as_posix(), 1, 1, "E003", "missing") for p in found.missing]
    missing += [
        finding(p.as_posix(), 1, 1, "E003", "unreadable_directory", {"reason": reason})
        for p, reason in found.unreadable
    ]
    result = AuditResult([], configure(missing, config), found.empty)
    for files in found.plans:
        result.plans.append(audit_plan(files, config, day, whole=found.directories))
    return result


def _load_plan(files: PlanFiles, config: Config, findings: list[Finding]) -> Plan:
    directory = files.directory.as_posix()
    plan = Plan(title="", base_date=None, directory=directory)
    if files.plan_file is not None:
        loaded = load_path(files.plan_file, files.directory)
        problems = file_problems(loaded, PLAN_SCHEMA)
        findings.extend(problems)
        if not problems:
            plan = plan_from_data(loaded.data, directory)
    elif files.measures:
        key = "default" if config.base_date is None else "configured"
        findings.append(finding(directory, 1, 1, "E010", key))
    if config.base_date is not None:
        plan.base_date = config.base_date
    return plan


def audit_plan(files: PlanFiles, config: Config, today: date, *, whole: bool = False) -> Audit:
    findings: list[Finding] = []
    plan = _load_plan(files, config, findings)
    chapters = frozenset(c.number for c in plan.chapters) if plan.chapters else None
    results: list[FileResult] = []
    for path in files.measures:
        loaded = load_path(path, files.directory)
        checked = check_file(loaded, CheckContext(loaded.path, plan.base_date, chapters))
        results.append(add_dated_findings(checked, today, plan.base_date))
    paths: dict[str, list[str]] = {}
    duplicates = duplicate_ids(results)
    for r in results:
        findings.extend(apply_suppressions(r, duplicates.get(r.path, [])))
        if r.measure is not None:
            paths.setdefault(r.measure.id, []).append(r.path)
        if r.measure is not None and r.path not in duplicates:  # a copy is not counted twice
            plan.measures.append(r.measure)
    plan.measures.sort(key=lambda m: m.ref.sort_key())
    return Audit(plan, configure(findings, config), results, whole, paths)
