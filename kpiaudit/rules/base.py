"""What a rule is, and what a check yields.

A rule is data: its code, name, default severity, the message templates its check uses,
an explanation, whether ``kpiaudit fix`` repairs it. Its examples (a failing and a passing
snippet, run by the test suite) are in ``cases/CODE.yaml``. A check only says what is wrong
and where (a :class:`Hit`); the engine stamps the rule's name and severity on it (yamllint's
and flake8's habit) and renders the template in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model import Severity

NodePath = tuple[str | int, ...]  # where in the file: ("kpis", 0, "text")


@dataclass(frozen=True)
class Rule:
    """One rule: its code, severity, explanation and message templates."""

    code: str
    name: str
    severity: Severity
    summary: str  # one line, marked with N_ and translated where shown
    explanation: str
    messages: Mapping[str, str]  # key → English template with {named} fields
    fixable: bool = False  # kpiaudit fix re-reads the KPI's structure from its text
    # A file (or plan) that could not be checked: reported whatever the selection, severities,
    # suppressions or known findings say, since no rule can say anything about such a file.
    always: bool = False

    def template(self, key: str = "default") -> str:
        return self.messages[key]


@dataclass(frozen=True)
class Hit:
    """A check's report: a rule code, which of its messages, the message's arguments and the
    node it is about (the engine turns the node into a line and column)."""

    code: str
    key: str = "default"
    args: Mapping[str, Any] = field(default_factory=dict)
    node: NodePath = ()
    kpi: str | None = None  # the KPI reference ("6-4.E1") it is about


@dataclass(frozen=True)
class CheckContext:
    """What a per-file check may know beyond the file: the plan it belongs to."""

    path: str
    base_date: date | None
    chapters: frozenset[int] | None  # None when the plan lists no chapters (no plan.yaml)
