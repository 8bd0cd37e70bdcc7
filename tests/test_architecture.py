"""The shape the code keeps: one plan per directory, one home per concept, no reaching into
another module's private names, a registry the docs and fix agree with."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from kpiaudit.cli import main
from kpiaudit.rules import FIXABLE, RULES

from .conftest import MEASURES, ROOT

PACKAGE = ROOT / "kpiaudit"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_that_read_one_plan_refuse_two(capsys) -> None:
    two = [str(MEASURES), str(ROOT / "examples" / "measures")]
    for command in (["status"], ["due"], ["fix", "--diff"]):
        code, _, err = run([*command, *two], capsys)
        assert code == 2, (command, err)
        assert "2 plans" in err and str(MEASURES) in err and "examples/measures" in err


def test_lint_audits_each_plan_on_its_own(capsys) -> None:
    code, out, _ = run(
        ["lint", str(MEASURES), str(ROOT / "examples" / "measures"), "-f", "json"], capsys
    )
    findings = json.loads(out)
    assert code == 1
    assert not [f for f in findings if f["code"] == "E008"]
    # examples/measures/01-02.yaml holds its three gaps; the 2022 plan's 1-2 has its own.
    example = [f["code"] for f in findings if "examples/measures/01-02.yaml" in f["path"]]
    assert example == ["K102", "K103", "K101"]


PLAN = "title: {title}\nbase_date: '{base}'\nchapters:\n  - number: 1\n    title: 一\n"
MEASURE = """\
id: 1-1
chapter: 1
title: 施策
objective: ''
kpis:
  - id: P1
    kind: progress
    status: set
    text: 対応件数（今年度末までに30件）
    milestones:
      - target: {value: 30, unit: 件, comparison: '=', text: 30件}
        deadline: {date: '2023-03-31', recurring: false, text: 今年度末までに}
  - id: E1
    kind: outcome
    status: unset
    unset_reason: ―
    text: ―
"""


def test_each_plan_reads_relative_dates_against_its_own_base_date(tmp_path: Path, capsys) -> None:
    """今年度末 is 2023-03-31 for a plan decided in June 2022, 2025-03-31 for one of 2024."""
    for name, base in (("a", "2022-06-07"), ("b", "2024-06-01")):
        d = tmp_path / name
        d.mkdir()
        (d / "plan.yaml").write_text(PLAN.format(title=name, base=base), encoding="utf-8")
        (d / "01-01.yaml").write_text(MEASURE, encoding="utf-8")
    _, out, _ = run(
        ["lint", str(tmp_path / "a"), str(tmp_path / "b"), "--select", "K2", "-f", "json"], capsys
    )
    mismatches = [(Path(f["path"]).parent.name, f["code"]) for f in json.loads(out)]
    assert mismatches == [("b", "K202")]


def test_a_directory_without_plan_yaml_is_reported_once(tmp_path: Path, capsys) -> None:
    shutil.copy(ROOT / "examples" / "measures" / "01-01.yaml", tmp_path / "01-01.yaml")
    code, out, _ = run(["lint", str(tmp_path), "-f", "json"], capsys)
    assert code == 1 and [f["code"] for f in json.loads(out)] == ["E010"]


def _private(name: str) -> bool:
    """_x, but not _ (gettext, by convention) nor __x__ (dunders)."""
    return name.startswith("_") and name != "_" and not name.endswith("__")


def _private_imports(path: Path) -> list[str]:
    """``from .x import _y``, ``import a._b`` / ``from a._b import c`` (a private module, ours
    or a library's), and ``x._y`` where ``x`` is a kpiaudit module imported here."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad: list[str] = []
    modules: set[str] = set()  # names bound here to kpiaudit modules (or to names from them)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            ours = bool(node.level) or (node.module or "").startswith("kpiaudit")
            if any(_private(part) for part in (node.module or "").split(".")):
                bad.append(f"{path.name}: {node.module}")
            for a in node.names:
                if ours and _private(a.name):
                    bad.append(f"{path.name}: {a.name}")
                if ours:
                    modules.add(a.asname or a.name)
        elif isinstance(node, ast.Import):
            for a in node.names:
                if any(_private(part) for part in a.name.split(".")):
                    bad.append(f"{path.name}: {a.name}")
                if a.name.startswith("kpiaudit"):
                    modules.add(a.asname or a.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                bad.append(f"{path.name}: {ast.unparse(node)}")
    return bad


def test_no_module_imports_a_private_name_of_another() -> None:
    found = [b for p in sorted(PACKAGE.rglob("*.py")) for b in _private_imports(p)]
    assert found == []


def test_architecture_md_lists_every_module_and_only_those() -> None:
    """docs/architecture.md's table: one row per module and package of kpiaudit, no row for
    one that does not exist, and each package's row names every module in it."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `([^`]+)` \| (.*)$", doc, re.M)}
    modules = {p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__")}
    packages = {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert set(rows) == modules | packages
    for package in packages:
        inside = {p.stem for p in (PACKAGE / package).glob("*.py") if not p.name.startswith("__")}
        named = set(re.findall(r"`(\w+)(?:\.py)?`", rows[package]))
        assert inside <= named, f"{package} row does not name {sorted(inside - named)}"


def test_readme_rule_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- rules -->\n(.*?)<!-- /rules -->", readme, re.S)
    assert table, "README.md has no <!-- rules --> table"
    rows = [
        ln.split("|")[1:4] for ln in table.group(1).splitlines() if re.match(r"\| [A-Z]\d{3}", ln)
    ]
    listed = [(c.strip(), n.strip().strip("`"), s.strip()) for c, n, s in rows]
    assert listed == [(r.code, r.name, r.severity) for r in RULES.values()]


def test_fix_repairs_the_rules_the_registry_calls_fixable() -> None:
    assert {"K202", "K203", "K204", "K206"} == FIXABLE


def test_the_suite_does_not_depend_on_the_terminal_it_runs_in() -> None:
    """The tests that print through reporters and help, run under the environment a terminal
    (or a CI runner) may set: forced colour, a narrow width, a dumb terminal, no input."""
    env = {
        **os.environ,
        "FORCE_COLOR": "1",
        "COLUMNS": "30",
        "CI": "true",
        "TERM": "dumb",
        "NO_COLOR": "",
        "LANG": "ja_JP.UTF-8",
    }
    tests = [  # in-process ones: kpiaudit's subprocesses inherit the fixture's environment too
        "tests/test_lint.py::test_lint_help_teaches_and_the_command_list_shows_lint",
        "tests/test_lint.py::test_schema_error_names_field_and_position",
        "tests/test_hostile.py::test_non_utf8_message_says_what_to_do",
        "tests/test_views.py::test_status_formats",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no", *tests],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
