"""Stamping a rule's identity on what a check reports (yamllint's linter does the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..load import Problem
from ..model import Finding, args_of
from ..rules import RULES
from ..safe_text import bounded


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
    # Every value a check quotes may come from a hostile file: bound it here, once.
    bounded_args = {name: bounded(value) for name, value in (args or {}).items()}
    return Finding(
        path,
        line,
        column,
        code,
        rule.name,
        rule.severity,
        rule.template(key),
        args_of(bounded_args),
        measure,
        kpi,
    )


def from_problem(path: str, p: Problem) -> Finding:
    return finding(path, p.line, p.column, p.code, p.key, p.args)
