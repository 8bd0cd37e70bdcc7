"""The rule registry: every code kpiaudit can report, in one place.

Each group module declares its rules (code, name, severity, message templates, explanation,
whether fix repairs it) beside the check that reports them; this module lists the groups.
``kpiaudit rules``, the SARIF rule table, ``fix`` and the README's rule table all come from
:data:`RULES`; each rule's failing and passing examples are in ``cases/CODE.yaml`` and the
test suite runs them. To add a rule: declare it in its group with its check, and add its cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from ..extract import extract
from ..model import Measure
from . import consistency, files, flags, progress, suppressions
from .base import CheckContext, Hit, NodePath, Rule
from .progress import DatedFacts

__all__ = [
    "ALWAYS",
    "RULES",
    "CheckContext",
    "DatedFacts",
    "Hit",
    "NodePath",
    "Rule",
    "always_rule",
    "cases",
    "check_dated",
    "check_measure",
    "dated_facts",
    "example",
    "matches",
    "resolve",
]

RULES: dict[str, Rule] = {
    r.code: r for group in (files, flags, consistency, progress, suppressions) for r in group.RULES
}
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES.values()}
FIXABLE = frozenset(code for code, r in RULES.items() if r.fixable)
ALWAYS = frozenset(code for code, r in RULES.items() if r.always)


def check_measure(measure: Measure, ctx: CheckContext) -> Iterator[Hit]:
    """Every per-file check, in the order their findings are listed for one position.

    Each KPI's text is read once (the main cost of a measure): the flags K101-K103 judge what
    that reading says, and the consistency rules compare the structured fields with it."""
    yield from files.check_file_name_and_chapter(measure, ctx)
    yield from flags.check_kpi_kinds(measure)
    yield from consistency.check_kpi_ids(measure)
    for i, kpi in enumerate(measure.kpis):
        ref = str(measure.kpi_ref(kpi))
        read = extract(kpi.text, ctx.base_date, kpi.notes)
        yield from flags.check_flags(read, ("kpis", i), ref)
        yield from consistency.check_consistency(kpi, read, ("kpis", i), ref, ctx.base_date)
        yield from progress.check_actuals(kpi, ("kpis", i), ref)


def dated_facts(measure: Measure) -> DatedFacts:
    """What the checks that depend on the day need of a measure: part of its per-file result."""
    return progress.dated_facts(measure)


def check_dated(facts: DatedFacts, today: date, base: date | None) -> Iterator[Hit]:
    """The checks that depend on the day as well as the file (K302, K304): the engine runs
    them after :func:`check_measure`, in a step of their own (see :mod:`kpiaudit.audit.dated`),
    on the facts the per-file result recorded."""
    yield from progress.check_dated(facts, today, base)


def resolve(code_or_name: str) -> Rule | None:
    """K102, k102 or no-quantitative-target → the rule."""
    return RULES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def always_rule(selector: str) -> Rule | None:
    """The always-reported rule that ``selector`` names by its code or name (a prefix such as
    E or E0 names rules too, but only those that can be selected)."""
    rule = resolve(selector.strip())
    return rule if rule is not None and rule.always else None


def is_selector(value: str) -> bool:
    """ALL, a code (K102), a code prefix (K1, K) or a rule name (no-deadline)."""
    return (
        value.upper() == "ALL"
        or any(code.startswith(value.upper()) for code in RULES)
        or value.lower() in BY_NAME
    )


def matches(code: str, selectors: list[str]) -> bool:
    """A selector is a code (K102), a prefix (K1, K) or a rule name."""
    rule = RULES.get(code)
    for s in selectors:
        s = s.strip()
        if not s:
            continue
        if code.startswith(s.upper()) or (rule and rule.name == s.lower()) or s.upper() == "ALL":
            return True
    return False


def cases(code: str) -> dict[str, Any]:
    """The rule's examples from ``cases/CODE.yaml``: ``fail`` and ``pass``, each a snippet
    (see cases/README.md for the keys). Loaded when asked for, never on the lint path."""
    from importlib import resources

    from ..load import load_text

    text = resources.files(__package__).joinpath("cases", f"{code}.yaml").read_text("utf-8")
    loaded = load_text(text, f"cases/{code}.yaml")
    if loaded.problems or not isinstance(loaded.data, dict):
        raise ValueError(f"cases/{code}.yaml is not a valid case file")
    return loaded.data


def example(code: str) -> str:
    """The failing example of a rule, as shown by ``kpiaudit rules CODE`` and in SARIF."""
    case = cases(code)["fail"]
    return str(case.get("kpis") or case.get("file") or case.get("note", "")).rstrip("\n")
