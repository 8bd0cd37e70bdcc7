"""kpiaudit show: one measure or KPI, with the same flags as status, the same judgement as
progress and the same findings as lint; readable on a terminal, plain when piped, json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import MEASURES, ROOT

EXAMPLES = ROOT / "examples" / "measures"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(args: list[str], capsys):
    code, out, err = run([*args, "--format", "json"], capsys)
    assert code in (0, 1), err
    return json.loads(out)


def test_show_a_measure_says_what_status_and_lint_say(capsys) -> None:
    doc = as_json(["show", "6-4", str(MEASURES), "--today", "2024-06-01"], capsys)
    assert doc["measure"] == "6-4" and doc["chapter"] == 6 and doc["chapter_numeral"] == "Ⅵ"
    assert doc["title"].startswith("「レセプト情報") and doc["path"].endswith("06-04.yaml")
    assert [k["kpi"] for k in doc["kpis"]] == ["6-4.P1", "6-4.P2", "6-4.E1", "6-4.E2"]
    assert [k["kind"] for k in doc["kpis"]] == ["progress", "progress", "outcome", "outcome"]
    status = as_json(["status", str(MEASURES), "--chapter", "6"], capsys)
    row = next(r for r in status["measures"] if r["measure"] == "6-4")
    for key in ("unset", "no_target", "no_deadline", "compliant"):
        assert sum(k[key] for k in doc["kpis"]) == row[key], key
    lint = as_json(["lint", str(MEASURES / "06-04.yaml"), "--today", "2024-06-01"], capsys)
    shown = doc["findings"] + [f for k in doc["kpis"] for f in k["findings"]]
    key = lambda f: (f["line"], f["column"], f["code"])  # noqa: E731
    assert sorted(shown, key=key) == sorted(lint, key=key)
    e1 = doc["kpis"][2]
    assert e1["status"] == "unset" and e1["unset"] and e1["unset_reason"] == "未設定"
    p1 = doc["kpis"][0]["milestones"][0]
    assert p1["deadline"] == "2022-11-30" and p1["deadline_text"] == "令和４年（2022年）秋"
    assert p1["judgement"]["state"] == "no-data" and p1["judgement"]["overdue"] is True


def test_each_milestone_is_judged_as_progress_judges_it(capsys) -> None:
    """examples/measures records actuals: 1-1.P1 met its target, 1-1.E1 missed it."""
    args = [str(EXAMPLES), "--today", "2026-11-27"]
    doc = as_json(["show", "1-1", *args], capsys)
    rows = as_json(["progress", *args], capsys)
    judged = [ms["judgement"] for k in doc["kpis"] for ms in k["milestones"]]
    assert judged == [r for r in rows if r["measure"] == "1-1"]
    assert [j["state"] for j in judged] == ["achieved", "missed"]
    assert doc["kpis"][1]["actuals"] == [
        {
            "period": "令和7年度",
            "as_of": "2026-03-31",
            "value": 46.5,
            "unit": "％",
            "achieved": None,
            "source": "例示市 業務統計（架空の例）",
            "note": "",
        }
    ]
    # As of an earlier day the same milestone had no actual yet.
    before = as_json(["show", "1-1.E1", str(EXAMPLES), "--today", "2025-06-01"], capsys)
    assert before["kpis"][0]["milestones"][0]["judgement"]["state"] == "no-data"


@pytest.mark.parametrize("query", ["6-4.E1", "06-04.E1", "6-4.e1", "６－４.E1"])
def test_a_kpi_alone(query: str, capsys) -> None:
    doc = as_json(["show", query, str(MEASURES)], capsys)
    assert doc["measure"] == "6-4" and [k["kpi"] for k in doc["kpis"]] == ["6-4.E1"]


@pytest.mark.parametrize("query", ["06-04.yaml", "measures/06-04.yaml", "6-4"])
def test_a_measure_by_id_or_by_file(query: str, capsys) -> None:
    doc = as_json(["show", query, str(MEASURES)], capsys)
    assert doc["measure"] == "6-4" and len(doc["kpis"]) == 4


@pytest.mark.parametrize(
    ("query", "nearest"),
    [
        ("6-99", "6-9, 6-39"),
        ("6-4.E9", "6-4.P1, 6-4.P2, 6-4.E1, 6-4.E2"),
        ("16-4", "6-4"),
        ("P1", ""),
    ],
)
def test_an_unknown_id_is_a_usage_error_naming_the_nearest(query, nearest, capsys) -> None:
    code, out, err = run(["show", query, str(MEASURES)], capsys)
    assert code == 2 and out == ""
    assert f"no measure or KPI {query} in" in err
    if nearest:
        assert f"did you mean {nearest}" in err
    else:  # nothing near: what an id looks like instead
        assert "did you mean" not in err
        assert "ID: A measure (6-4), a KPI (6-4.E1) or a measure file (06-04.yaml)." in err


def test_a_measure_whose_file_is_broken_is_named_as_left_out(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES, plan)
    (plan / "01-02.yaml").write_text("id: 1-2\nchapter: [\n", encoding="utf-8")
    code, _, err = run(["show", "1-2", str(plan)], capsys)
    assert code == 2 and "left out: run kpiaudit lint" in err


def test_two_plans_are_refused(capsys) -> None:
    code, _, err = run(["show", "1-1", str(MEASURES), str(EXAMPLES)], capsys)
    assert code == 2 and "2 plans" in err


def test_plain_text_names_every_part(capsys) -> None:
    code, out, _ = run(["show", "1-1", str(EXAMPLES), "--today", "2026-11-27"], capsys)
    assert code == 0 and "\x1b[" not in out and "╭" not in out  # piped: plain
    lines = out.splitlines()
    assert lines[0] == "1-1 住民票の写しのオンライン申請"
    assert lines[1] == "Chapter Ⅰ 行政手続のオンライン化"
    assert "1-1.P1 · KPI（進捗） · set · compliant" in lines
    assert "1-1.E1 · KPI（効果） · set · compliant" in lines
    e1 = out.split("1-1.E1 ·")[1]
    milestone = next(ln for ln in e1.splitlines() if ln.startswith("  1 ")).split()
    assert milestone[:3] == ["1", "50％以上", "2026-03-31"] and "missed" in milestone
    assert "overdue" in milestone and "46.5％" in milestone
    actual = next(ln for ln in e1.splitlines() if "令和7年度" in ln and "業務統計" in ln)
    assert actual.split()[:3] == ["令和7年度", "2026-03-31", "46.5％"]


def test_findings_are_printed_as_lint_prints_them(capsys) -> None:
    _, out, _ = run(["show", "6-4.P2", str(MEASURES), "-f", "plain"], capsys)
    code, lint, _ = run(["lint", str(MEASURES / "06-04.yaml"), "--select", "K102,K103"], capsys)
    assert code == 1
    expected = [ln.rsplit(" (", 1)[0] for ln in lint.splitlines() if "(6-4.P2)" in ln]
    assert len(expected) == 2
    for line in expected:
        assert f"  {line}\n" in out


def test_panels_on_a_terminal(capsys) -> None:
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", "show", "1-1", str(EXAMPLES), "--today", "2026-11-27"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" in done.stdout and "╭" in done.stdout and "┃" in done.stdout
    assert "Milestones" in done.stdout and "Actuals" in done.stdout


HOSTILE = """\
id: 1-3
chapter: 1
title: "[red]赤[/red] \\e[2J\\e[31m消去 \\u202Egnp.exe"
objective: ""
kpis:
  - id: P1
    kind: progress
    status: set
    text: "[bold]太字[/bold] \\e]0;title\\a 令和６年度末までに50％"
    notes: ["[link=https://evil.example]here[/link]"]
"""


@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_a_hostile_measure_file_is_shown_as_text(tmp_path: Path, fmt: str, capsys) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES, plan)
    (plan / "01-03.yaml").write_text(HOSTILE, encoding="utf-8")
    code, out, _ = run(["show", "1-3", str(plan), "-f", fmt], capsys)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[red]赤[/red]" in out and "\\x1b[2J\\x1b[31m消去" in out
    assert "[bold]太字[/bold] \\x1b]0;title\\x07" in out
    assert "[link=https://evil.example]here[/link]" in out


def test_help_speaks_the_chosen_language(capsys) -> None:
    code, out, _err = run(["--lang", "ja", "show", "--help"], capsys)
    assert code == 0
    assert "施策または KPI 一つについて" in out and "施策（6-4）、KPI（6-4.E1）" in out
    assert "everything known about it" not in out and "default on a terminal" not in out
    code, out, _err = run(["--lang", "ja", "--help"], capsys)
    assert "分かっていることをすべて表示します" in out  # its line in the list of commands


def test_the_file_named_at_the_top_is_the_one_the_findings_name(capsys, monkeypatch) -> None:
    """From a subdirectory, with the project's measures/ found by walking up, the file line
    and the findings' paths are the same relative path, as lint prints it."""
    monkeypatch.chdir(ROOT / "docs")
    code, out, _err = run(["show", "6-4", "--today", "2024-06-01", "-f", "plain"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[2] == "../measures/06-04.yaml"
    findings = [ln.strip() for ln in lines if ": K1" in ln]
    assert findings and all(f.startswith("../measures/06-04.yaml:") for f in findings)
    doc = as_json(["show", "6-4", "--today", "2024-06-01"], capsys)
    assert doc["path"] == "../measures/06-04.yaml"
    assert doc["kpis"][0]["findings"][0]["path"] == doc["path"]
