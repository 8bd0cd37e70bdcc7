"""Every rule's examples (kpiaudit/rules/cases/CODE.yaml), run as lint runs them: the failing
one reports the rule, the passing one does not. A rule without both fails here."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kpiaudit.cli import main
from kpiaudit.rules import RULES, cases

PLAN = """\
title: 例示の計画
base_date: '2022-06-07'
chapters:
  - number: 1
    title: 第1章
"""
MEASURE_HEAD = """\
id: 1-1
chapter: 1
title: 例示の施策
objective: 例示の本文。
kpis:
"""


def materialise(case: dict[str, Any], d: Path) -> list[str]:
    """Write the example's plan directory; the paths to lint."""
    d.mkdir()
    plan = case.get("plan", PLAN)
    if plan is not False:
        (d / "plan.yaml").write_text(plan, encoding="utf-8")
    if "kpis" in case:
        files = {"01-01.yaml": MEASURE_HEAD + textwrap.indent(case["kpis"], "  ")}
    elif "file" in case:
        files = {case.get("name", "01-01.yaml"): case["file"]}
    else:
        files = case["files"]
    for name, text in files.items():
        (d / name).write_bytes(text.encode(case.get("encoding", "utf-8")))
    for name, target in case.get("links", {}).items():
        (d / name).symlink_to(target)
    return [str(d / p) for p in case.get("paths", [])] or [str(d)]


def codes_reported(code: str, case: dict[str, Any], d: Path, capsys) -> list[str]:
    paths = materialise(case, d)
    exit_code = main(["lint", *paths, "--select", code, "--format", "json"])
    out, err = capsys.readouterr()
    assert exit_code in (0, 1), err
    return [f["code"] for f in json.loads(out)]


@pytest.mark.parametrize("code", sorted(RULES))
def test_failing_example_reports_the_rule(code: str, tmp_path: Path, capsys) -> None:
    assert code in codes_reported(code, cases(code)["fail"], tmp_path / "plan", capsys)


@pytest.mark.parametrize("code", sorted(RULES))
def test_passing_example_does_not(code: str, tmp_path: Path, capsys) -> None:
    assert code not in codes_reported(code, cases(code)["pass"], tmp_path / "plan", capsys)


def test_every_rule_has_a_failing_and_a_passing_example() -> None:
    folder = Path(__file__).resolve().parent.parent / "kpiaudit" / "rules" / "cases"
    lacking = {
        code: sorted({"fail", "pass"} - set(cases(code)))
        if (folder / f"{code}.yaml").is_file()
        else ["cases/" + code + ".yaml"]
        for code in RULES
    }
    assert {code: what for code, what in lacking.items() if what} == {}


def test_every_case_file_belongs_to_a_rule() -> None:
    folder = Path(__file__).resolve().parent.parent / "kpiaudit" / "rules" / "cases"
    assert {p.stem for p in folder.glob("*.yaml")} == set(RULES)
