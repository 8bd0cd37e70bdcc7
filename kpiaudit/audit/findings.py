"""Stamping a rule's identity on what a check reports (yamllint's linter does the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..load import Problem
from ..model import Finding, args_of
from ..rules import RULES


def finding(
    path: str,
    line: int,
    column: int,
    code: str,
    key: str = "default",
    args: Mapping[str, Any] | None = None,
    measure: str | None = None,
    kpi: str | None = None,
) -> Finding:
    rule = RULES[code]
    return Finding(
        path,
        line,
        column,
        code,
        rule.name,
        rule.severity,
        rule.template(key),
        args_of(args or {}),
        measure,
        kpi,
    )


def from_problem(path: str, p: Problem) -> Finding:
    return finding(path, p.line, p.column, p.code, p.key, p.args)
