"""The one door from ``kpiaudit diff`` into the audit engine.

Everything else in :mod:`kpiaudit.diff` works on :mod:`kpiaudit.model` types only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..model import Plan


@dataclass(frozen=True)
class FileProblem:
    """A finding about a file itself (E001–E009): why a measure may be missing from the plan."""

    path: str
    line: int
    column: int
    code: str
    message: str


@dataclass
class LoadedPlan:
    plan: Plan
    # KPI reference ("6-4.E1") → the K101/K102/K103 codes the audit reports for it, after
    # configuration and suppressions: a KPI without any is compliant, as `status` counts it.
    flags: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)


def load_plan_dir(path: Path, config: Config) -> LoadedPlan:
    """The plan in one directory, loaded, validated and audited as ``lint`` does."""
    from ..audit import audit

    result = audit([path], config).single()
    problems = [
        FileProblem(f.path, f.line, f.column, f.code, f.message)
        for f in result.findings
        if f.code.startswith("E")
    ]
    return LoadedPlan(result.plan, result.kpi_codes(), problems)
